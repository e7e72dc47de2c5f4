package model

import "github.com/logsift/logsift/inference/tensor"

// The element-wise steps of the forward pass, named after the math. They
// delegate to package tensor, whose kernels follow ggml's arithmetic.

// rmsNorm: dst = x / sqrt(mean(x²) + eps) ⊙ w.
func rmsNorm(dst, x, w []float32, eps float32) { tensor.RMSNorm(dst, x, w, eps) }

// rope rotates each head of x by position pos (pairs adjacent or half apart).
func rope(x []float32, nHeads, headDim, ropeDim, pos int, base float32, neox bool) {
	tensor.Rope(x, nHeads, headDim, ropeDim, pos, base, neox)
}

// addTo: dst += x.
func addTo(dst, x []float32) { tensor.Add(dst, dst, x) }

// siluMul: g = silu(g) ⊙ u, the SwiGLU gate.
func siluMul(g, u []float32) {
	tensor.SiLU(g)
	tensor.Mul(g, g, u)
}

// dot is Σ a_i b_i.
func dot(a, b []float32) float32 { return tensor.Dot(a, b) }

// axpy: dst += a·x.
func axpy(dst []float32, a float32, x []float32) {
	for i, v := range x[:len(dst)] {
		dst[i] += a * v
	}
}
