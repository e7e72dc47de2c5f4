package tokenizer

import (
	"fmt"
	"slices"
	"sync"
	"testing"
)

// Encode is safe for concurrent use, and the shared piece cache never
// changes results: goroutines hammering overlapping text get exactly the
// ids a fresh, cache-less tokenizer computes.
func TestConcurrentEncodeMatchesUncached(t *testing.T) {
	tok := loadTokenizer(t, "vocab/ggml-vocab-starcoder.gguf")
	plain := freshTokenizer(t, "vocab/ggml-vocab-starcoder.gguf")
	plain.cache = nil
	var texts []string
	for i := range 200 {
		texts = append(texts, fmt.Sprintf("081109 20%04d %d INFO dfs.DataNode$PacketResponder: block blk_%d terminating user%d", i, i%7, i*7919, i%13))
	}
	want := make([][]int32, len(texts))
	for i, s := range texts {
		want[i] = plain.Encode(s, EncodeOptions{})
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := range 4 {
		wg.Go(func() {
			for round := range 3 {
				for i := range texts {
					j := (i*(g+1) + round) % len(texts)
					if got := tok.Encode(texts[j], EncodeOptions{}); !slices.Equal(got, want[j]) {
						select {
						case errs <- fmt.Sprintf("goroutine %d text %d: got %v, want %v", g, j, got, want[j]):
						default:
						}
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
