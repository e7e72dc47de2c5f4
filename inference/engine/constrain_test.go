package engine_test

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/logsift/logsift/inference/constrain"
	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/inference/sample"
	"github.com/logsift/logsift/inference/tokenizer"
)

// readSchema reads one of package constrain's test schemas.
func readSchema(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "constrain", "testdata", name+".schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// validator compiles a schema as the schemas module does (draft 2020-12,
// formats asserted).
func validator(t testing.TB, doc []byte) *jsonschema.Schema {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("mem://schema.json", v); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("mem://schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(s *jsonschema.Schema, out []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		return err
	}
	return s.Validate(v)
}

var logPrompts = []string{
	"kernel: Out of memory: Kill process 1234 (java)",
	"sshd[22]: Failed password for root from 10.0.0.1 port 22",
	"EXT4-fs error (device sda1): ext4_find_entry: reading directory",
	"nginx: upstream timed out (110: Connection timed out)",
}

// Through the engine, batched: every constrained output at temperature 1 is
// complete and validates, with jump-forward on and off; jump-forward takes
// fewer forward passes per object; enum probabilities are probabilities.
func TestSchemaValidity(t *testing.T) {
	schemas := map[string][]byte{
		"default": constrain.DefaultSchema,
		"refs":    readSchema(t, "refs"),
		"enum":    readSchema(t, "enum_const"),
	}
	runs := 25 // 450 generations
	if testing.Short() || raceEnabled {
		runs = 6
	}
	for _, mf := range []string{"tiny-llama-q8_0", "tiny-qwen2-f32", "tiny-qwen2-f16"} {
		m := loadModel(t, mf)
		e := newEngine(t, m, engine.Config{MaxSeqs: 8})
		for name, doc := range schemas {
			v := validator(t, doc)
			var forwards, sampled [2]int
			for jf := range 2 {
				var reqs []engine.Request
				for i := range runs {
					reqs = append(reqs, engine.Request{
						Text:          logPrompts[i%len(logPrompts)],
						Sampling:      sample.Params{Temperature: 1, Seed: uint64(i)},
						Schema:        doc,
						SchemaOptions: constrain.Options{MaxStringLength: 8},
						NoJumpForward: jf == 0,
					})
				}
				for i, r := range runAll(t, e, reqs, 8) {
					if r.JSON == nil || (r.FinishReason != "complete" && r.FinishReason != "eog") {
						t.Fatalf("%s %s jf=%d #%d: incomplete (%s) %q", mf, name, jf, i, r.FinishReason, r.Text)
					}
					if err := validate(v, r.JSON); err != nil {
						t.Fatalf("%s %s jf=%d #%d: %s: %v", mf, name, jf, i, r.JSON, err)
					}
					if jf == 0 && r.ForcedTokens != 0 {
						t.Fatalf("%s %s: %d forced tokens with jump-forward off", mf, name, r.ForcedTokens)
					}
					for ptr, p := range r.EnumProbs {
						if !(p > 0 && p <= 1) {
							t.Fatalf("%s %s jf=%d #%d: %s: probability %g of %s", mf, name, jf, i, r.JSON, p, ptr)
						}
					}
					if name == "default" && len(r.EnumProbs) != 2 {
						t.Fatalf("%s: enum probabilities %v, want /severity and /category", r.JSON, r.EnumProbs)
					}
					forwards[jf] += r.Forwards
					sampled[jf] += len(r.Tokens) - r.ForcedTokens
				}
			}
			t.Logf("%s %s: forward passes per object %.1f without jump-forward, %.1f with", mf, name,
				float64(forwards[0])/float64(runs), float64(forwards[1])/float64(runs))
			if forwards[1] >= forwards[0] {
				t.Fatalf("%s %s: %d forward passes with jump-forward, %d without", mf, name, forwards[1], forwards[0])
			}
		}
		checkAllFree(t, e)
		if st := e.Stats(); st.ForcedTokens == 0 {
			t.Fatalf("%s: no forced tokens counted: %+v", mf, st)
		}
	}
}

// With jump-forward off, greedy constrained decoding through the engine of
// a schema the unconstrained greedy output already satisfies gives exactly
// that output (the cases of package constrain's TestGreedyMatchesUnconstrained).
func TestSchemaGreedyMatchesUnconstrained(t *testing.T) {
	f := func(mf string, prompt []int32, schema, want string) {
		t.Helper()
		e := newEngine(t, loadModel(t, mf), engine.Config{})
		res := runAll(t, e, []engine.Request{
			{Prompt: prompt, MaxTokens: 12, IgnoreEOG: true},
			{Prompt: prompt, Schema: []byte(schema), NoJumpForward: true},
			{Prompt: prompt, Schema: []byte(schema), NoJumpForward: true},
		}, 3)
		plain := res[0].Tokens
		for _, c := range res[1:] {
			if string(c.JSON) != want {
				t.Fatalf("%s %v: constrained %q (%s), want %q", mf, prompt, c.JSON, c.FinishReason, want)
			}
			if !slices.Equal(c.Tokens, plain[:len(c.Tokens)]) {
				t.Fatalf("%s %v: constrained tokens %v, unconstrained %v", mf, prompt, c.Tokens, plain)
			}
		}
	}
	f("tiny-qwen2-f32", []int32{159, 185, 52}, `{"type":"integer","minimum":0,"maximum":4444444}`, "4444444")
	f("tiny-qwen2-f32", []int32{445, 34}, `{"type":"string","maxLength":8}`, `""`)
	f("tiny-llama-f32", []int32{481, 23}, `{"type":"integer","maximum":66}`, "66")
	f("tiny-llama-f32", []int32{481, 23}, `{"enum":[6, 66, "66", 7]}`, "66")
}

// The enum probability of /severity equals the product, computed here from
// the tokens and their log-probabilities, over the tokens holding a byte of
// the chosen value.
func TestSchemaEnumProbs(t *testing.T) {
	m := loadModel(t, "tiny-llama-f32")
	e := newEngine(t, m, engine.Config{})
	for _, jf := range []bool{false, true} {
		r, err := e.Generate(context.Background(), engine.Request{
			Text: logPrompts[0], Schema: constrain.DefaultSchema, NoJumpForward: !jf,
			Sampling: sample.Params{Temperature: 1, Seed: 3},
		})
		if err != nil {
			t.Fatal(err)
		}
		key := `"severity":"`
		start := strings.Index(string(r.JSON), key) + len(key)
		end := start + strings.IndexByte(string(r.JSON[start:]), '"')
		if start < len(key) || end <= start {
			t.Fatalf("no severity in %s", r.JSON)
		}
		lp, off := 0.0, 0
		var spelled []string
		for i, tk := range r.Tokens {
			p := m.Tokenizer().AppendPiece(nil, tk)
			if off < end && off+len(p) > start {
				lp += float64(r.Logprobs[i])
				spelled = append(spelled, string(p))
			}
			off += len(p)
		}
		want := math.Exp(lp)
		got := r.EnumProbs["/severity"]
		t.Logf("jump-forward %v: %s: severity %q spelled %q: p = %g", jf, r.JSON, r.JSON[start:end], spelled, got)
		if math.Abs(got-want) > 1e-9*want || !(got > 0 && got <= 1) {
			t.Fatalf("jump-forward %v: EnumProbs[/severity] = %g, by hand %g", jf, got, want)
		}
		if !jf && got == 1 {
			t.Fatalf("sampled value with probability 1: %v", r.Logprobs)
		}
	}
}

// Jump-forward re-tokenises: the engine hands the model the tokens the
// tokenizer would give for the whole text, so the output's tokens are the
// canonical encoding of its bytes wherever jump-forward wrote them.
func TestSchemaJumpCanonical(t *testing.T) {
	m := loadModel(t, "tiny-llama-f32")
	e := newEngine(t, m, engine.Config{})
	schema := []byte(`{"type":"object","properties":{"severity":{"enum":["information","infrastructure"]}},"required":["severity"]}`)
	r, err := e.Generate(context.Background(), engine.Request{Text: "log line", Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	enc := m.Tokenizer().Encode(string(r.JSON), tokenizer.EncodeOptions{})
	t.Logf("%s: %d forced of %d tokens, %d forward passes", r.JSON, r.ForcedTokens, len(r.Tokens), r.Forwards)
	if r.ForcedTokens == 0 || r.Forwards > 4 {
		t.Fatalf("%s: %d forced tokens, %d forward passes", r.JSON, r.ForcedTokens, r.Forwards)
	}
	if !slices.Equal(r.Tokens, enc) {
		t.Fatalf("%s: tokens %v, the tokenizer's %v", r.JSON, r.Tokens, enc)
	}
}

func TestSchemaErrors(t *testing.T) {
	m := loadModel(t, "tiny-llama-f32")
	if _, err := engine.New(m, engine.Config{WarmSchemas: [][]byte{constrain.DefaultSchema, []byte(`{"allOf":[]}`)}}); err == nil || !strings.Contains(err.Error(), `"allOf"`) {
		t.Fatalf("warming an unsupported schema: %v", err)
	}
	e := newEngine(t, m, engine.Config{WarmSchemas: [][]byte{constrain.DefaultSchema}})
	x, err := e.Index(constrain.DefaultSchema, constrain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := x.Automaton().NumStates(); n < 100 {
		t.Fatalf("warmed index has %d automaton states", n)
	}
	f := func(r engine.Request, want string) {
		t.Helper()
		_, err := e.Generate(context.Background(), r)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("error %v, want it to mention %q", err, want)
		}
	}
	f(engine.Request{Text: "x", Schema: []byte(`{"type":"string","not":{}}`)}, `"not"`)
	f(engine.Request{Text: "x", Schema: []byte(`{`)}, "schema")
	f(engine.Request{Text: "x", Schema: constrain.DefaultSchema, IgnoreEOG: true}, "IgnoreEOG")
	f(engine.Request{Text: "x", Schema: constrain.DefaultSchema, Mask: sample.MaskFunc{ApplyFunc: func([]float32) {}}}, "Mask")
	// MaxTokens cuts the value short: no JSON, but no error.
	r, err := e.Generate(context.Background(), engine.Request{Text: "x", Schema: constrain.DefaultSchema, MaxTokens: 3})
	if err != nil || r.JSON != nil || r.FinishReason != "length" || len(r.Tokens) != 3 {
		t.Fatalf("MaxTokens 3: %v, %q, %s, %d tokens", err, r.JSON, r.FinishReason, len(r.Tokens))
	}
}

// splitSchema has forced runs that end inside a word ("inf"), so that the
// next jump re-encodes (and rewinds) computed positions.
var splitSchema = []byte(`{"type":"object","properties":{"s":{"enum":["information","inflation"]},` +
	`"n":{"type":"integer","maximum":99},"t":{"enum":["interrupt","interface"]},"u":{"enum":["information","informatics"]},` +
	`"v":{"enum":["testing","tested"]},"w":{"enum":["format","forget"]}},"required":["s","n","t","u","v","w"]}`)

// Batched through the engine (jump-forward chunks in the scheduler's batch,
// re-tokenised positions rewound in the paged cache) == package constrain's
// single-sequence reference loop, greedy, token for token.
func TestSchemaEngineEqualsReference(t *testing.T) {
	for _, mf := range []string{"tiny-llama-f32", "tiny-qwen2-f32"} {
		m := loadModel(t, mf)
		e := newEngine(t, m, engine.Config{MaxSeqs: 4})
		opts := constrain.Options{MaxStringLength: 8}
		x, err := e.Index(constrain.DefaultSchema, opts)
		if err != nil {
			t.Fatal(err)
		}
		var reqs []engine.Request
		for i := range 12 {
			r := engine.Request{Text: logPrompts[i%len(logPrompts)] + strings.Repeat(" x", i),
				Schema: constrain.DefaultSchema, SchemaOptions: opts, NoJumpForward: i%2 == 1}
			if i >= 8 {
				r.Schema, r.NoJumpForward = splitSchema, false
			}
			reqs = append(reqs, r)
		}
		rewound := 0
		for i, r := range runAll(t, e, reqs, 4) {
			prompt := m.Tokenizer().Encode(reqs[i].Text, tokenizer.EncodeOptions{AddSpecial: true})
			x := x
			if i >= 8 {
				if x, err = e.Index(splitSchema, opts); err != nil {
					t.Fatal(err)
				}
			}
			ref, err := constrain.Decode(context.Background(), m, prompt, x, constrain.DecodeOptions{JumpForward: !reqs[i].NoJumpForward})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(r.Tokens, ref.Tokens) || string(r.JSON) != string(ref.Text) {
				t.Fatalf("%s #%d: engine %q %v, reference %q %v", mf, i, r.JSON, r.Tokens, ref.Text, ref.Tokens)
			}
			if r.ForcedTokens != ref.Forced {
				rewound++
			}
		}
		st := e.Stats()
		t.Logf("%s: %d of %d differ in forced-token counts; %d KV positions rewound", mf, rewound, len(reqs), st.RewoundTokens)
		if st.RewoundTokens == 0 {
			t.Fatalf("%s: no computed position was re-tokenised: the test does not cover the rewind", mf)
		}
		checkAllFree(t, e)
	}
}

// Constrained requests under KV pressure (preempted, recomputed, with
// jump-forward rewinds) give the same outputs as with a roomy pool.
func TestSchemaUnderPressure(t *testing.T) {
	m := loadModel(t, "tiny-qwen2-f32")
	opts := constrain.Options{MaxStringLength: 8}
	var reqs []engine.Request
	for i := range 12 {
		reqs = append(reqs, engine.Request{Text: logPrompts[i%len(logPrompts)] + strings.Repeat(" y", i),
			Schema: constrain.DefaultSchema, SchemaOptions: opts, NoJumpForward: i%3 == 2})
		if i%3 == 1 {
			reqs[i].Schema = splitSchema
		}
	}
	roomy := newEngine(t, m, engine.Config{})
	want := runAll(t, roomy, reqs, 1)
	roomy.Close()
	e := newEngine(t, m, engine.Config{KVBlocks: 24, BlockSize: 8, MaxSeqs: 12})
	got := runAll(t, e, reqs, 12)
	for i := range want {
		if !slices.Equal(got[i].Tokens, want[i].Tokens) || string(got[i].JSON) != string(want[i].JSON) {
			t.Fatalf("#%d: %q under pressure, %q alone", i, got[i].JSON, want[i].JSON)
		}
	}
	st := e.Stats()
	t.Logf("%d preemptions, %d rewound positions", st.Preemptions, st.RewoundTokens)
	if st.Preemptions == 0 || st.RewoundTokens == 0 {
		t.Fatal("no preemption or no rewind: the test covers less than it says")
	}
	checkAllFree(t, e)
}

// A schema that forces its whole value finishes without a forward pass.
func TestSchemaAllForced(t *testing.T) {
	e := newEngine(t, loadModel(t, "tiny-llama-f32"), engine.Config{})
	r, err := e.Generate(context.Background(), engine.Request{Text: "x", Schema: []byte(`{"const":{"kind":"fixed","n":[1,2]}}`)})
	if err != nil {
		t.Fatal(err)
	}
	if string(r.JSON) != `{"kind":"fixed","n":[1,2]}` || r.FinishReason != "complete" || r.Forwards != 0 || r.ForcedTokens != len(r.Tokens) {
		t.Fatalf("%q %s: %d forward passes, %d of %d tokens forced", r.JSON, r.FinishReason, r.Forwards, r.ForcedTokens, len(r.Tokens))
	}
	// Without jump-forward every token is sampled.
	r, err = e.Generate(context.Background(), engine.Request{Text: "x", Schema: []byte(`{"const":"fixed"}`), NoJumpForward: true})
	if err != nil {
		t.Fatal(err)
	}
	if string(r.JSON) != `"fixed"` || r.ForcedTokens != 0 || r.Forwards != len(r.Tokens) {
		t.Fatalf("%q: %d forward passes for %d tokens, %d forced", r.JSON, r.Forwards, len(r.Tokens), r.ForcedTokens)
	}
}
