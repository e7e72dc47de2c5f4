package constrain

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/tokenizer"
)

// TestValidity: sampled at temperature 1 from random-weight models, every
// output under every test schema parses, validates and stays within the
// automaton's length bound — with jump-forward on for half of the runs.
func TestValidity(t *testing.T) {
	names, docs := testSchemas(t)
	models := []string{"tiny-llama-f32.gguf", "tiny-llama-q8_0.gguf", "tiny-qwen2-f32.gguf"}
	const total = 2000
	per := (total + len(models)*len(names) - 1) / (len(models) * len(names))
	opts := Options{MaxStringLength: 3, MaxItems: 2, IntegerDigits: 4, FractionDigits: 2}
	ctx := context.Background()
	var runs, forwards, tokens atomic.Int64
	// One subtest per model, in parallel: the models are independent.
	t.Run("models", func(t *testing.T) {
		for _, mf := range models {
			t.Run(mf, func(t *testing.T) {
				t.Parallel()
				m, err := model.Load(filepath.Join(conformance, "models", mf), model.Options{Threads: 1})
				if err != nil {
					t.Fatal(err)
				}
				defer m.Close()
				vocab := VocabFromTokenizer(m.Tokenizer())
				// A short prompt: what it says does not matter to a random model,
				// and under -race every token costs.
				prompt := m.Tokenizer().Encode("Log:", tokenizer.EncodeOptions{AddSpecial: true})
				for _, name := range names {
					a, err := Compile(docs[name], opts)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					x := NewIndex(a, vocab)
					v := validator(t, docs[name])
					schemaTokens := 0
					for i := range per {
						res, err := Decode(ctx, m, prompt, x, DecodeOptions{Temperature: 1, Seed: uint64(i), JumpForward: i%2 == 0})
						if err != nil {
							t.Fatalf("%s run %d: %v", name, i, err)
						}
						runs.Add(1)
						forwards.Add(int64(res.Forwards))
						tokens.Add(int64(len(res.Tokens)))
						schemaTokens += len(res.Tokens)
						if !res.Complete {
							t.Fatalf("%s run %d: incomplete after %d tokens: %q", name, i, len(res.Tokens), res.Text)
						}
						if len(res.Text) > a.MaxBytes() || len(res.Tokens) > a.MaxBytes() {
							t.Fatalf("%s run %d: %d bytes, %d tokens beyond the bound %d", name, i, len(res.Text), len(res.Tokens), a.MaxBytes())
						}
						if err := validate(v, res.Text); err != nil {
							t.Fatalf("%s run %d: %q does not validate: %v", name, i, res.Text, err)
						}
						if testing.Verbose() && i == 0 {
							t.Logf("%s: %s", name, res.Text)
						}
					}
					if testing.Verbose() {
						t.Logf("%s: %.1f tokens per run", name, float64(schemaTokens)/float64(per))
					}
				}
			})
		}
	})
	n := runs.Load()
	t.Logf("%d runs, %.1f tokens and %.1f forward passes per run", n, float64(tokens.Load())/float64(n), float64(forwards.Load())/float64(n))
	if n < total && !t.Failed() {
		t.Fatalf("only %d runs", n)
	}
}
