package engine_test

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/logsift/logsift/inference/constrain"
	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/inference/sample"
)

// copyPrompt repeats a random phrase a few times with noise between, so
// that greedy outputs tend to continue the pattern and prompt lookup finds
// the continuation.
func copyPrompt(rng *rand.Rand, vocab int) []int32 {
	phrase := randPrompt(rng, 4+rng.IntN(9), vocab)
	var p []int32
	for range 3 + rng.IntN(4) {
		p = append(p, phrase...)
		p = append(p, randPrompt(rng, rng.IntN(3), vocab)...)
	}
	return append(p, phrase[:1+rng.IntN(len(phrase)-1)]...)
}

// TestSpeculateGreedyExact: 150 prompts (100 copy-heavy), two thirds with
// prompt-lookup speculation, 16 in flight, give the tokens and logprobs of
// plain greedy decoding (finish reasons length, stop string and
// end-of-generation, some under a logit mask); copy-heavy prompts accept
// drafts; no block leaks.
func TestSpeculateGreedyExact(t *testing.T) {
	m := loadModel(t, "tiny-llama-f32")
	vocab := m.Config().NVocab
	rng := rand.New(rand.NewPCG(7, 8))
	var reqs []engine.Request
	for i := range 150 {
		p := randPrompt(rng, 1+rng.IntN(60), vocab)
		if i < 100 {
			p = copyPrompt(rng, vocab)
		}
		r := engine.Request{Prompt: p, MaxTokens: 24, IgnoreEOG: i%5 != 0}
		switch i % 7 {
		case 0:
			r.Stop = []string{"e"} // usually hit within 24 random tokens
		case 1:
			// A plain logit mask: the sampler applies it row by row.
			r.Mask = sample.MaskFunc{ApplyFunc: func(l []float32) {
				for t := 1; t < len(l); t += 2 {
					l[t] = float32(math.Inf(-1))
				}
			}}
		}
		reqs = append(reqs, r)
	}
	plain := newEngine(t, m, engine.Config{StepTokens: 128})
	want := runAll(t, plain, reqs, 16)
	plain.Close()

	spec := slices.Clone(reqs)
	for i := range spec {
		if i%3 != 2 {
			spec[i].Speculate = engine.SpeculateLookup
		}
	}
	e := newEngine(t, m, engine.Config{StepTokens: 128})
	got := runAll(t, e, spec, 16)
	sameOutputs(t, got, want, 1e-5)

	copyAccepted, copyDrafted, copyTokens, copyForwards := 0, 0, 0, 0
	generated, reasons := 0, map[string]int{}
	for i, r := range got {
		if r.FinishReason != want[i].FinishReason || r.Text != want[i].Text {
			t.Fatalf("request %d: finish %q text %q, want %q %q", i, r.FinishReason, r.Text, want[i].FinishReason, want[i].Text)
		}
		if spec[i].Mask != nil {
			for _, tok := range r.Tokens {
				if tok%2 == 1 {
					t.Fatalf("request %d: masked token %d", i, tok)
				}
			}
		}
		generated += len(r.Tokens)
		reasons[r.FinishReason]++
		if spec[i].Speculate == "" && (r.Drafted != 0 || r.Accepted != 0) {
			t.Fatalf("request %d without speculation drafted %d", i, r.Drafted)
		}
		if r.Accepted > r.Drafted {
			t.Fatalf("request %d: accepted %d of %d", i, r.Accepted, r.Drafted)
		}
		if i < 100 && spec[i].Speculate != "" {
			copyAccepted += r.Accepted
			copyDrafted += r.Drafted
			copyTokens += len(r.Tokens)
			copyForwards += r.Forwards
		}
	}
	st := e.Stats()
	t.Logf("copy-heavy: drafted %d accepted %d (%.2f), %d tokens in %d forwards (prompt chunks included); engine acceptance %.2f, steps %d vs %d plain",
		copyDrafted, copyAccepted, float64(copyAccepted)/float64(max(1, copyDrafted)), copyTokens, copyForwards,
		st.AcceptanceRate, st.Steps, plainSteps(t, plain))
	t.Logf("finish reasons %v", reasons)
	if reasons["stop"] == 0 || reasons["length"] == 0 {
		t.Fatalf("finish reasons %v: the mix must end by stop strings and by length", reasons)
	}
	if copyAccepted == 0 {
		t.Fatal("no draft accepted on copy-heavy prompts")
	}
	if st.AcceptedTokens == 0 || st.DraftedTokens < st.AcceptedTokens || st.GeneratedTokens != int64(generated) {
		t.Fatalf("stats %+v", st.Stats)
	}
	if err := e.ClearPrefixCache(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := e.Stats(); st.KV.Used != 0 || st.KV.Free != st.KV.Blocks {
		t.Fatalf("blocks leaked: %+v", st.KV)
	}
	if _, err := e.Generate(context.Background(), engine.Request{Prompt: []int32{1, 2}, Speculate: "draft"}); err == nil {
		t.Fatal("unknown speculate mode accepted")
	}
}

func plainSteps(t *testing.T, e *engine.Engine) int64 {
	t.Helper()
	return e.Stats().Steps
}

// TestSpeculateExactMatrix: 200 prompts (half copy-heavy), each decoded
// greedily with a draft model and with prompt lookup, without a schema and
// with the default classification schema (jump-forward on), 16 in flight
// with plain requests in the same batches: every output is that of plain
// greedy decoding token for token. The draft is the q4_0 quantisation of
// the target, close enough to be accepted often and far enough to be
// rejected often. Neither pool leaks a block.
func TestSpeculateExactMatrix(t *testing.T) {
	m := loadModel(t, "tiny-llama-f32")
	draft := loadModel(t, "tiny-llama-q4_0")
	vocab := m.Config().NVocab
	rng := rand.New(rand.NewPCG(11, 12))
	n := 200
	if raceEnabled {
		n = 40
	}
	var base []engine.Request
	for i := range n {
		p := randPrompt(rng, 1+rng.IntN(40), vocab)
		if i%2 == 0 {
			p = copyPrompt(rng, vocab)
		}
		base = append(base, engine.Request{Prompt: p, MaxTokens: 20, IgnoreEOG: true})
		base = append(base, engine.Request{Prompt: p, Schema: constrain.DefaultSchema})
	}
	plain := newEngine(t, m, engine.Config{StepTokens: 128})
	want := runAll(t, plain, base, 16)
	plain.Close()

	e := newEngine(t, m, engine.Config{StepTokens: 128, Draft: draft})
	var reqs []engine.Request
	var wantAll []engine.Result
	for i, r := range base {
		for _, mode := range []string{engine.SpeculateDraft, engine.SpeculateLookup} {
			r.Speculate = mode
			reqs = append(reqs, r)
			wantAll = append(wantAll, want[i])
		}
		if i%4 == 0 {
			// Plain requests share the batches.
			r.Speculate = engine.SpeculateOff
			reqs = append(reqs, r)
			wantAll = append(wantAll, want[i])
		}
	}
	got := runAll(t, e, reqs, 16)
	sameOutputs(t, got, wantAll, 1e-4)
	type key struct {
		mode   string
		schema bool
	}
	drafted, accepted := map[key]int{}, map[key]int{}
	for i, r := range got {
		if r.FinishReason != wantAll[i].FinishReason || !bytes.Equal(r.JSON, wantAll[i].JSON) {
			t.Fatalf("request %d: finish %q json %s, want %q %s", i, r.FinishReason, r.JSON, wantAll[i].FinishReason, wantAll[i].JSON)
		}
		k := key{reqs[i].Speculate, reqs[i].Schema != nil}
		drafted[k] += r.Drafted
		accepted[k] += r.Accepted
	}
	for _, mode := range []string{engine.SpeculateDraft, engine.SpeculateLookup} {
		for _, schema := range []bool{false, true} {
			k := key{mode, schema}
			t.Logf("%s schema=%v: accepted %d of %d drafted", mode, schema, accepted[k], drafted[k])
			if accepted[k] == 0 || accepted[k] == drafted[k] {
				t.Errorf("%s schema=%v: accepted %d of %d: the mix must both accept and reject", mode, schema, accepted[k], drafted[k])
			}
		}
	}
	if k := (key{engine.SpeculateOff, true}); drafted[k] != 0 {
		t.Fatalf("plain requests drafted %d", drafted[k])
	}
	st := e.Stats()
	t.Logf("acceptance %.2f, %.2f tokens per target forward", st.AcceptanceRate, st.TokensPerTargetForward)
	if st.TokensPerTargetForward <= 1 {
		t.Fatalf("tokens per target forward %.2f", st.TokensPerTargetForward)
	}
	checkAllFree(t, e)
}

// TestSpeculateSelfDraft: the target as its own draft model is always
// right (greedy), with and without a schema, and "auto" picks it; with the
// schema, drafts run through the tokens jump-forward forces, so an object
// takes under half the forward passes.
func TestSpeculateSelfDraft(t *testing.T) {
	m := loadModel(t, "tiny-llama-f32")
	self := loadModel(t, "tiny-llama-f32") // a second instance: the engine owns each
	rng := rand.New(rand.NewPCG(3, 4))
	e := newEngine(t, m, engine.Config{Draft: self, Speculate: engine.SpeculateAuto})
	var reqs []engine.Request
	for range 24 {
		p := randPrompt(rng, 1+rng.IntN(30), m.Config().NVocab)
		reqs = append(reqs, engine.Request{Prompt: p, MaxTokens: 30, IgnoreEOG: true},
			engine.Request{Prompt: p, Schema: constrain.DefaultSchema})
	}
	res := runAll(t, e, reqs, 8)
	plain := newEngine(t, m, engine.Config{})
	want := runAll(t, plain, reqs, 8)
	sameOutputs(t, res, want, 1e-4)
	var fwd, plainFwd int
	for i, r := range res {
		if r.Drafted == 0 {
			t.Fatalf("request %d drafted nothing", i)
		}
		if reqs[i].Schema != nil {
			fwd += r.Forwards
			plainFwd += want[i].Forwards
		}
	}
	// Drafts run through the forced keys: one forward pass verifies
	// several values of an object.
	t.Logf("schema requests: %d forward passes, %d without drafts", fwd, plainFwd)
	if 2*fwd > plainFwd {
		t.Fatalf("schema requests took %d forward passes, %d without drafts", fwd, plainFwd)
	}
	st := e.Stats()
	t.Logf("acceptance %.4f (%d of %d), %.2f tokens per target forward", st.AcceptanceRate, st.AcceptedTokens, st.DraftedTokens, st.TokensPerTargetForward)
	// Batched and single-row forwards round differently; near-ties of the
	// random model may flip very rarely.
	if st.AcceptanceRate < 0.99 || st.TokensPerTargetForward < 4 {
		t.Fatalf("self-draft acceptance %.4f, %.2f tokens per forward", st.AcceptanceRate, st.TokensPerTargetForward)
	}
	checkAllFree(t, e)
}

// TestSpeculateSampling: at temperature > 0, prompt lookup verifies by
// drawing as plain sampling does, so the outputs are the plain ones for
// the same seeds; the draft model's outputs (rejection sampling) are valid
// schema values; no blocks leak.
func TestSpeculateSampling(t *testing.T) {
	m := loadModel(t, "tiny-llama-f32")
	draft := loadModel(t, "tiny-llama-q4_0")
	rng := rand.New(rand.NewPCG(5, 6))
	var reqs []engine.Request
	for i := range 60 {
		p := copyPrompt(rng, m.Config().NVocab)
		sp := sample.Params{Temperature: 0.7, TopK: 40, Seed: uint64(i)}
		reqs = append(reqs, engine.Request{Prompt: p, MaxTokens: 24, IgnoreEOG: true, Sampling: sp})
		if i%3 == 0 {
			reqs = append(reqs, engine.Request{Prompt: p, Schema: constrain.DefaultSchema, Sampling: sp})
		}
	}
	plain := newEngine(t, m, engine.Config{StepTokens: 128})
	want := runAll(t, plain, reqs, 12)
	plain.Close()
	e := newEngine(t, m, engine.Config{StepTokens: 128, Draft: draft})
	look := slices.Clone(reqs)
	for i := range look {
		look[i].Speculate = engine.SpeculateLookup
	}
	got := runAll(t, e, look, 12)
	sameOutputs(t, got, want, 1e-4)
	if st := e.Stats(); st.AcceptedTokens == 0 {
		t.Fatalf("lookup accepted nothing: %+v", st.Stats)
	}
	dr := slices.Clone(reqs)
	for i := range dr {
		dr[i].Speculate = engine.SpeculateDraft
	}
	before := e.Stats()
	got = runAll(t, e, dr, 12)
	v := validator(t, constrain.DefaultSchema)
	for i, r := range got {
		if dr[i].Schema == nil {
			if len(r.Tokens) != 24 {
				t.Fatalf("request %d: %d tokens", i, len(r.Tokens))
			}
			continue
		}
		if r.JSON == nil {
			t.Fatalf("request %d: no value (%s) %q", i, r.FinishReason, r.Text)
		}
		if err := validate(v, r.JSON); err != nil {
			t.Fatalf("request %d: %s: %v", i, r.JSON, err)
		}
	}
	st := e.Stats()
	t.Logf("draft model, sampling: accepted %d of %d", st.AcceptedTokens-before.AcceptedTokens, st.DraftedTokens-before.DraftedTokens)
	if st.AcceptedTokens == before.AcceptedTokens {
		t.Fatal("draft model accepted nothing")
	}
	checkAllFree(t, e)
}
