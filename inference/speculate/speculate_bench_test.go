package speculate

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkLookupMiss2k: a 2048-token context whose tail occurs nowhere
// else, the worst case (every n-gram length scans the whole context); it
// runs in the scheduler's step loop once per drafting sequence.
func BenchmarkLookupMiss2k(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	ctx := make([]int32, 2048)
	for i := range ctx {
		ctx[i] = int32(rng.IntN(1000))
	}
	ctx[len(ctx)-1] = 5000 // not in the context before
	b.ReportAllocs()
	for b.Loop() {
		if d := (Lookup{}).Propose(ctx, 8); d != nil {
			b.Fatal(d)
		}
	}
}
