package tensor

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkMatMul reports GFLOP/s (2·rows·cols·n per call) for the shapes of
// a SmolLM2-135M layer: 576×1536 (ffn_down: 576 outputs of 1536 inputs) and
// 1536×576 (ffn_gate/ffn_up), one token (decode) and 128 tokens (prefill).
// GFLOP/cpu-s divides by the process's CPU time instead of wall time.
func BenchmarkMatMul(b *testing.B) {
	for _, typ := range []Type{F32, F16, BF16, Q8_0, Q4_0} {
		for _, sh := range [][2]int{{576, 1536}, {1536, 576}} {
			rows, cols := sh[0], sh[1]
			r := rand.New(rand.NewPCG(1, 1))
			w := randMatrix(r, typ, rows, cols)
			for _, n := range []int{1, 128} {
				x := randVec(r, n*cols, 1)
				out := make([]float32, n*rows)
				for _, threads := range []int{1, 2} {
					b.Run(fmt.Sprintf("%s/%dx%d/n=%d/t=%d", typ, rows, cols, n, threads), func(b *testing.B) {
						p := NewPool(threads)
						defer p.Close()
						b.ReportAllocs()
						b.SetBytes(int64(len(w.Data)))
						cpu0 := processCPUTime()
						for b.Loop() {
							p.MatMul(out, w, x, n)
						}
						cpu := processCPUTime() - cpu0
						flops := 2 * float64(rows) * float64(cols) * float64(n) * float64(b.N)
						b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
						if cpu > 0 {
							// Per CPU-second of the whole process: with t=2 this is
							// per core, so it shows scaling losses, not speed-up.
							b.ReportMetric(flops/cpu.Seconds()/1e9, "GFLOP/cpu-s")
						}
					})
				}
			}
		}
	}
}

// BenchmarkFMAPeak measures the FMA peak of the cores at the clock they
// really run at (boost included), the ceiling for BenchmarkMatMul's F32
// GEMM: one goroutine per thread, each running independent FMA chains.
func BenchmarkFMAPeak(b *testing.B) {
	if !useAsm {
		b.Skip("no FMA kernels on this CPU")
	}
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("t=%d", threads), func(b *testing.B) {
			p := NewPool(threads)
			defer p.Close()
			const rounds = 1 << 16
			for b.Loop() {
				p.Parallel(threads, func(lo, hi int) { fmaPeak(rounds * (hi - lo)) })
			}
			b.ReportMetric(192*rounds*float64(threads)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

func BenchmarkParallelEmpty(b *testing.B) {
	p := NewPool(2)
	defer p.Close()
	fn := func(lo, hi int) {}
	b.ReportAllocs()
	for b.Loop() {
		p.Parallel(2, fn)
	}
}

func BenchmarkFP32ToFP16(b *testing.B) {
	x := randVec(rand.New(rand.NewPCG(2, 2)), 4096, 1)
	b.ReportAllocs()
	b.SetBytes(4 * 4096)
	var sink uint16
	for b.Loop() {
		for _, v := range x {
			sink += FP32ToFP16(v)
		}
	}
	_ = sink
}

// BenchmarkParallelGap measures a Parallel call that follows some serial
// work, as between the matmuls of a decode step: the gap lets idle workers
// go back to waiting, so the call pays for waking them. ns/op includes the
// gap; wake-ns/op subtracts it.
func BenchmarkParallelGap(b *testing.B) {
	for _, gap := range []time.Duration{2 * time.Microsecond, 20 * time.Microsecond, 1 * time.Millisecond} {
		b.Run(gap.String(), func(b *testing.B) {
			p := NewPool(2)
			defer p.Close()
			fn := func(lo, hi int) {}
			b.ReportAllocs()
			for b.Loop() {
				for t0 := time.Now(); time.Since(t0) < gap; {
				}
				p.Parallel(2, fn)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)-float64(gap.Nanoseconds()), "wake-ns/op")
		})
	}
}
