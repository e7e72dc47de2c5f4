package bpe

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// BenchmarkTrain trains a 3,000-token vocabulary on generic text of the given
// size; MB/s is training-text bytes per second.
func BenchmarkTrain(b *testing.B) {
	for _, mb := range []int{8, 48} {
		b.Run(fmt.Sprintf("MB=%d", mb), func(b *testing.B) {
			var lines []string
			size := 0
			for seed := uint64(100); size < mb<<20; seed++ {
				for _, l := range genericText(seed, 10000) {
					lines = append(lines, l)
					size += len(l)
				}
			}
			opts := Options{VocabSize: 3000, Pre: "logsift", Specials: testSpecials}
			b.SetBytes(int64(size))
			b.ReportAllocs()
			var v *Vocab
			cpu0 := cpuTime()
			for b.Loop() {
				var err error
				if v, err = Train(context.Background(), slices.Values(lines), opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(len(v.Tokens)), "tokens")
			b.ReportMetric(float64(v.Words), "words")
		})
	}
}
