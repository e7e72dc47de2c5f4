package tensor

import "math"

// siluParallelMin is the length from which SiLUMul splits its work over the
// pool: below it (a decode step's one vector) waking the workers costs
// more than the loop.
const siluParallelMin = 1 << 13

// SiLUMul sets g[i] = silu(g[i])·u[i], the SwiGLU gate, splitting the work
// over the pool's goroutines. With the assembly kernels exp is computed in
// eight lanes to within a few ulp of the correctly rounded value (as
// llama.cpp's vectorised SiLU is); otherwise as SiLU and Mul.
func (p *Pool) SiLUMul(g, u []float32) {
	u = u[:len(g)]
	if len(g) < siluParallelMin || p.threads == 1 {
		siluMul(g, u)
		return
	}
	p.silu.g, p.silu.u = g, u
	// Pieces of whole 8-lane groups.
	p.run((len(g)+7)/8, p.silu.job)
	p.silu.g, p.silu.u = nil, nil
}

// siluState holds SiLUMul's operands, so that the job is bound once.
type siluState struct {
	g, u []float32
	job  func(worker, lo, hi int)
}

func (s *siluState) init() {
	s.job = func(_, lo, hi int) {
		hi = min(8*hi, len(s.g))
		siluMul(s.g[8*lo:hi], s.u[8*lo:hi])
	}
}

// siluMul is SiLUMul on the calling goroutine.
func siluMul(g, u []float32) {
	u = u[:len(g)]
	i := 0
	if useAsm {
		if n8 := len(g) &^ 7; n8 > 0 {
			siluMulAVX(&g[0], &u[0], n8)
			i = n8
		}
	}
	for ; i < len(g); i++ {
		v := g[i]
		g[i] = v / (1 + float32(math.Exp(float64(-v)))) * u[i]
	}
}
