package synth_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/logsift/logsift/classifier/synth"
	"github.com/logsift/logsift/inference/train/bpe"
)

func BenchmarkGenerate(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		ex := synth.Generate(uint64(n), 10000)
		n++
		size := 0
		for _, e := range ex {
			size += len(e.Raw)
		}
		b.SetBytes(int64(size))
	}
}

// BenchmarkBPE trains the 3k vocabulary on generated lines of each size and
// reports Loghub's tokens per line under it (evaluation only).
func BenchmarkBPE(b *testing.B) {
	for _, mb := range []int{8, 50} {
		b.Run(fmt.Sprintf("MB=%d", mb), func(b *testing.B) {
			lines := synthLines(1, mb<<20)
			size := 0
			for _, l := range lines {
				size += len(l) + 1
			}
			b.SetBytes(int64(size))
			b.ReportAllocs()
			var v *bpe.Vocab
			for b.Loop() {
				var err error
				v, err = bpe.Train(context.Background(), slices.Values(lines), bpe.Options{VocabSize: 3000, Pre: "logsift", Specials: specials})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			tok := trainOnSynth(b, mb)
			var all tokenStats
			for _, st := range encodeLoghub(b, tok, 0) {
				all.lines += st.lines
				all.bytes += st.bytes
				all.tokens += st.tokens
				all.pieces += st.pieces
			}
			b.ReportMetric(float64(v.Words), "words")
			b.ReportMetric(all.perLine(), "loghub-tokens/line")
			b.ReportMetric(all.perToken(), "loghub-bytes/token")
			b.ReportMetric(all.perPiece(), "loghub-tokens/piece")
		})
	}
}
