package constrain

import (
	"context"
	"path/filepath"
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
	opts := Options{MaxStringLength: 10, MaxItems: 3}
	ctx := context.Background()
	runs := 0
	for _, mf := range models {
		m, err := model.Load(filepath.Join(conformance, "models", mf), model.Options{Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		vocab := VocabFromTokenizer(m.Tokenizer())
		prompt := m.Tokenizer().Encode("Classify: sshd[42]: Failed password for root", tokenizer.EncodeOptions{AddSpecial: true})
		for _, name := range names {
			a, err := Compile(docs[name], opts)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			x := NewIndex(a, vocab)
			v := validator(t, docs[name])
			for i := range per {
				res, err := Decode(ctx, m, prompt, x, DecodeOptions{Temperature: 1, Seed: uint64(i), JumpForward: i%2 == 0})
				if err != nil {
					t.Fatalf("%s %s run %d: %v", mf, name, i, err)
				}
				runs++
				if !res.Complete {
					t.Fatalf("%s %s run %d: incomplete after %d tokens: %q", mf, name, i, len(res.Tokens), res.Text)
				}
				if len(res.Text) > a.MaxBytes() || len(res.Tokens) > a.MaxBytes() {
					t.Fatalf("%s %s run %d: %d bytes, %d tokens beyond the bound %d", mf, name, i, len(res.Text), len(res.Tokens), a.MaxBytes())
				}
				if err := validate(v, res.Text); err != nil {
					t.Fatalf("%s %s run %d: %q does not validate: %v", mf, name, i, res.Text, err)
				}
				if testing.Verbose() && i < 2 {
					t.Logf("%s %s: %s", mf, name, res.Text)
				}
			}
		}
	}
	if runs < total {
		t.Fatalf("only %d runs", runs)
	}
}
