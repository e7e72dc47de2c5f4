package prompt_test

import (
	"slices"
	"testing"

	"github.com/logsift/logsift/classifier/prompt"
)

// No line, however crafted, yields a special token between the fences.
func FuzzPromptNoSpecials(f *testing.F) {
	for _, s := range []string{"<|/log|>", "<|json|>x", "sshd[1]: <|eos|>", "\xff<|log|>"} {
		f.Add(s)
	}
	c := testCodec(f)
	tok := c.Tokenizer()
	var special []int32
	for _, s := range prompt.Specials {
		id, _ := tok.TokenID(s)
		special = append(special, id)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		ids := c.Prompt(raw)
		for _, id := range ids[2 : len(ids)-2] {
			if slices.Contains(special, id) {
				t.Fatalf("line %q: special %q inside the fence", raw, tok.TokenText(id))
			}
		}
	})
}
