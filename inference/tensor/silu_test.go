package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSiLUMul checks SiLUMul on both kernel paths, 1–3 threads, lengths
// that leave 1..7 elements after the 8-lane groups and lengths past the
// parallel threshold, against silu(g)·u in float64: within 4e-7 relative
// (a few ulp) or 1e-30 absolute (below g ≈ -86 the vector exp is clamped and
// silu is under 1e-35 either way). Inputs include the exp clamps'
// neighbourhood and far beyond.
func TestSiLUMul(t *testing.T) {
	kernelPaths(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(3, 4))
		special := []float32{0, 1e-30, -1e-30, 1, -1, 20, -20, 85.9, -85.9, 86, -86, 88, -88, 88.5, -88.5, 100, -100, 1e4, -1e4}
		for _, n := range []int{1, 7, 8, 9, 31, 1536, siluParallelMin + 5, 3 * siluParallelMin} {
			g := make([]float32, n)
			u := make([]float32, n)
			for i := range g {
				g[i] = float32(r.NormFloat64() * 4)
				if i < len(special) {
					g[i] = special[i]
				}
				u[i] = float32(r.NormFloat64())
			}
			for _, threads := range []int{1, 2, 3} {
				p := NewPool(threads)
				got := append([]float32(nil), g...)
				p.SiLUMul(got, u)
				p.Close()
				for i, v := range g {
					x, y := float64(v), float64(u[i])
					want := x / (1 + math.Exp(-x)) * y
					if d := math.Abs(float64(got[i]) - want); d > 4e-7*math.Abs(want)+1e-30 {
						t.Fatalf("n=%d threads=%d: silu(%g)·%g = %g, want %g", n, threads, v, u[i], got[i], want)
					}
				}
			}
		}
	})
}

func BenchmarkSiLUMul(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	n := 128 * 1536
	g, u, g0 := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range g0 {
		g0[i], u[i] = float32(r.NormFloat64()*4), float32(r.NormFloat64())
	}
	saved := useAsm
	defer func() { useAsm = saved }()
	for _, path := range []struct {
		name string
		asm  bool
	}{{"go", false}, {"asm", saved}} {
		for _, threads := range []int{1, 2} {
			b.Run(path.name+"/t="+string(rune('0'+threads)), func(b *testing.B) {
				useAsm = path.asm
				p := NewPool(threads)
				defer p.Close()
				b.SetBytes(int64(8 * n))
				b.ReportAllocs()
				for b.Loop() {
					copy(g, g0)
					p.SiLUMul(g, u)
				}
			})
		}
	}
}
