package tokenizer

import (
	"math/rand"
	"slices"
	"testing"
)

// The flat-array path for short pieces and the heap path must agree.
func TestSmallAndHeapPathsAgree(t *testing.T) {
	tok := loadTokenizer(t, "vocab/ggml-vocab-starcoder.gguf")
	alpha := []string{"e", "r", "in", "t", "ion", " ", "  ", "\n", "s", "-", "=", "0", "é", "\xff", "th", "ing"}
	rng := rand.New(rand.NewSource(7))
	st := new(encodeState)
	for it := 0; it < 800; it++ {
		var b []byte
		for n := 2 + rng.Intn(smallPiece-1); len(b) < n; {
			b = append(b, alpha[rng.Intn(len(alpha))]...)
		}
		piece := string(b[:min(len(b), smallPiece)])
		small := tok.encodeSmallPiece(st, nil, piece)
		heap := tok.encodeHeapPiece(st, nil, piece)
		if !slices.Equal(small, heap) {
			t.Fatalf("piece %q: small path %v, heap path %v", piece, small, heap)
		}
	}
}
