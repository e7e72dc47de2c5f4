package constrain

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/tokenizer"
)

func loadModel(t testing.TB, name string) *model.Model {
	t.Helper()
	m, err := model.Load(filepath.Join(conformance, "models", name), model.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// Jump-forward on and off: every output valid, and fewer forward passes with
// it on.
func TestJumpForward(t *testing.T) {
	_, docs := testSchemas(t)
	for _, mf := range []string{"tiny-llama-f32.gguf", "tiny-qwen2-f32.gguf"} {
		m := loadModel(t, mf)
		vocab := VocabFromTokenizer(m.Tokenizer())
		prompt := m.Tokenizer().Encode("kernel: Out of memory: Kill process 1234", tokenizer.EncodeOptions{AddSpecial: true})
		for _, name := range []string{"classification", "refs"} {
			a := mustCompile(t, string(docs[name]), Options{MaxStringLength: 6})
			x := NewIndex(a, vocab)
			v := validator(t, docs[name])
			var passes [2]int
			const runs = 20
			for jf := range 2 {
				for i := range runs {
					res, err := Decode(context.Background(), m, prompt, x, DecodeOptions{Temperature: 1, Seed: uint64(i), JumpForward: jf == 1})
					if err != nil {
						t.Fatal(err)
					}
					if !res.Complete {
						t.Fatalf("%s %s jf=%d: incomplete %q", mf, name, jf, res.Text)
					}
					if err := validate(v, res.Text); err != nil {
						t.Fatalf("%s %s jf=%d: %q: %v", mf, name, jf, res.Text, err)
					}
					if jf == 0 && res.Forced != 0 {
						t.Fatalf("jump-forward off, %d forced tokens", res.Forced)
					}
					passes[jf] += res.Forwards
				}
			}
			t.Logf("%s %s: forward passes per object (prompt included): %.1f without jump-forward, %.1f with",
				mf, name, float64(passes[0])/runs, float64(passes[1])/runs)
			if passes[1] >= passes[0] {
				t.Fatalf("%s %s: %d forward passes with jump-forward, %d without", mf, name, passes[1], passes[0])
			}
		}
	}
}

// greedy is plain unconstrained greedy decoding, the oracle.
func greedy(t *testing.T, m *model.Model, prompt []int32, n int) []int32 {
	t.Helper()
	cache := m.NewCache(1, len(prompt)+n)
	var b model.Batch
	b.AddSeq(prompt, 0, 0)
	var out []int32
	for pos := len(prompt); len(out) < n; pos++ {
		logits, err := m.Forward(&b, cache)
		if err != nil {
			t.Fatal(err)
		}
		best := int32(0)
		for id, l := range logits {
			if l > logits[best] {
				best = int32(id)
			}
		}
		out = append(out, best)
		b.Reset()
		b.Add(best, pos, 0, true)
	}
	return out
}

// With jump-forward off, constrained greedy decoding of a schema that the
// unconstrained greedy output already satisfies gives exactly that output.
// The prompts were found by searching random prompts for greedy
// continuations that start like JSON.
func TestGreedyMatchesUnconstrained(t *testing.T) {
	f := func(mf string, prompt []int32, schema string, wantText string) {
		t.Helper()
		m := loadModel(t, mf)
		plain := greedy(t, m, prompt, 12)
		x := NewIndex(mustCompile(t, schema, Options{}), VocabFromTokenizer(m.Tokenizer()))
		res, err := Decode(context.Background(), m, prompt, x, DecodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if string(res.Text) != wantText || !res.Complete {
			t.Fatalf("%s %v: constrained %q (complete %v), want %q; unconstrained %q", mf, prompt, res.Text, res.Complete, wantText, piecesOf(m.Tokenizer(), plain))
		}
		if !slices.Equal(res.Tokens, plain[:len(res.Tokens)]) {
			t.Fatalf("%s %v: constrained tokens %v, unconstrained %v", mf, prompt, res.Tokens, plain)
		}
		if err := validate(validator(t, []byte(schema)), piecesOf(m.Tokenizer(), plain[:len(res.Tokens)])); err != nil {
			t.Fatal(err)
		}
	}
	// Unconstrained: "4444444444444444"; the maximum ends the number after
	// seven digits.
	f("tiny-qwen2-f32.gguf", []int32{159, 185, 52}, `{"type":"integer","minimum":0,"maximum":4444444}`, "4444444")
	// Unconstrained: `""""...`: an empty string, then the schema is done.
	f("tiny-qwen2-f32.gguf", []int32{445, 34}, `{"type":"string","maxLength":8}`, `""`)
	f("tiny-qwen2-f32.gguf", []int32{445, 34}, `{"anyOf":[{"type":"integer"},{"type":"string","pattern":"^$"}]}`, `""`)
	// Unconstrained: "66<|im_start|>r of at ...".
	f("tiny-llama-f32.gguf", []int32{481, 23}, `{"type":"integer","maximum":66}`, "66")
	f("tiny-llama-f32.gguf", []int32{481, 23}, `{"enum":[6, 66, "66", 7]}`, "66")
}

func TestDecodeErrors(t *testing.T) {
	m := loadModel(t, "tiny-llama-f32.gguf")
	x := NewIndex(mustCompile(t, string(defaultSchema(t)), Options{}), VocabFromTokenizer(m.Tokenizer()))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Decode(ctx, m, []int32{1, 2}, x, DecodeOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	if _, err := Decode(context.Background(), m, nil, x, DecodeOptions{}); err == nil {
		t.Fatal("empty prompt accepted")
	}
	for _, jf := range []bool{false, true} {
		res, err := Decode(context.Background(), m, []int32{1, 2}, x, DecodeOptions{MaxTokens: 3, JumpForward: jf})
		if err != nil || res.Complete || len(res.Tokens) != 3 {
			t.Fatalf("MaxTokens 3, jump-forward %v: %v, complete %v, %d tokens", jf, err, res.Complete, len(res.Tokens))
		}
	}
}

func ExampleDecode() {
	m, err := model.Load(filepath.Join(conformance, "models", "tiny-llama-f32.gguf"), model.Options{Threads: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	a, err := Compile([]byte(`{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"]}`), Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	x := NewIndex(a, VocabFromTokenizer(m.Tokenizer()))
	prompt := m.Tokenizer().Encode("Is the disk full?", tokenizer.EncodeOptions{AddSpecial: true})
	res, err := Decode(context.Background(), m, prompt, x, DecodeOptions{JumpForward: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Complete, a.Match(res.Text))
	// Output: true true
}
