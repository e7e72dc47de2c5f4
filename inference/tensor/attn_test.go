package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAttentionKernels checks ScoreRows, ExpShift and AccumRows on both
// kernel paths against float64 loops, on row counts that leave 1..3 rows
// after groups of four, head sizes that are and are not multiples of 8 and
// 32, and strides wider than a row (keys of other heads in between).
func TestAttentionKernels(t *testing.T) {
	kernelPaths(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(11, 12))
		for _, hd := range []int{1, 5, 8, 24, 32, 40, 64, 100, 128} {
			for _, n := range []int{1, 3, 4, 5, 7, 16, 33} {
				stride := hd + r.IntN(3)*8
				k := randVec(r, (n-1)*stride+hd, 1)
				v := randVec(r, (n-1)*stride+hd, 1)
				q := randVec(r, hd, 1)
				scale := float32(1 / math.Sqrt(float64(hd)))

				sc := make([]float32, n)
				ScoreRows(sc, k, stride, q, scale)
				for i := range sc {
					var want, mag float64
					for j := 0; j < hd; j++ {
						p := float64(q[j]) * float64(k[i*stride+j])
						want += p
						mag += math.Abs(p)
					}
					want *= float64(scale)
					if d := math.Abs(float64(sc[i]) - want); d > 1e-6*mag+1e-30 {
						t.Fatalf("hd=%d n=%d: score[%d] = %g, want %g", hd, n, i, sc[i], want)
					}
				}

				mx := sc[0]
				for _, s := range sc {
					mx = max(mx, s)
				}
				before := append([]float32(nil), sc...)
				sum := ExpShift(sc, mx)
				var wantSum float64
				for i, s := range before {
					want := math.Exp(float64(s - mx))
					wantSum += want
					if d := math.Abs(float64(sc[i]) - want); d > 4e-7*want {
						t.Fatalf("hd=%d n=%d: exp(%g) = %g, want %g", hd, n, s-mx, sc[i], want)
					}
				}
				if math.Abs(sum-wantSum) > 1e-6*wantSum {
					t.Fatalf("hd=%d n=%d: sum %g, want %g", hd, n, sum, wantSum)
				}

				out := randVec(r, hd, 1)
				start := append([]float32(nil), out...)
				AccumRows(out, sc, v, stride)
				for c := range out {
					want, mag := float64(start[c]), math.Abs(float64(start[c]))
					for i := 0; i < n; i++ {
						p := float64(sc[i]) * float64(v[i*stride+c])
						want += p
						mag += math.Abs(p)
					}
					if d := math.Abs(float64(out[c]) - want); d > 1e-6*mag+1e-30 {
						t.Fatalf("hd=%d n=%d: out[%d] = %g, want %g", hd, n, c, out[c], want)
					}
				}
			}
		}
		// Arguments far below the exp clamp give about 4e-38 or less.
		x := []float32{-200, -100, -90, -87, -1, 0, -300, -50, -120}
		ExpShift(x, 0)
		for i, v := range x {
			if v < 0 || v > 1 || (i < 4 && v > 1e-37) {
				t.Fatalf("exp of a large negative argument: x[%d] = %g", i, v)
			}
		}
	})
}
