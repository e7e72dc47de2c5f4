package model

import (
	"math"

	"github.com/logsift/logsift/inference/tensor"
)

// The element-wise steps of the forward pass, named after the math. They
// delegate to package tensor, whose kernels follow ggml's arithmetic.

// rmsNorm: dst = x / sqrt(mean(x²) + eps) ⊙ w.
func rmsNorm(dst, x, w []float32, eps float32) { tensor.RMSNorm(dst, x, w, eps) }

// normRows applies rmsNorm to each row of width e.
func normRows(dst, x, w []float32, e int, eps float32) {
	for i := 0; i+e <= len(x); i += e {
		rmsNorm(dst[i:i+e], x[i:i+e], w, eps)
	}
}

// rope rotates each head of x by position pos (pairs adjacent or half apart).
func rope(x []float32, nHeads, headDim, ropeDim, pos int, base float32, neox bool) {
	tensor.Rope(x, nHeads, headDim, ropeDim, pos, base, neox)
}

// addTo: dst += x.
func addTo(dst, x []float32) { tensor.Add(dst, dst, x) }

// ropeScaled is rope with llama.cpp's frequency scaling: pair i of each head
// turns by freqScale·θ_i/factors[i] instead of θ_i (θ_i = pos·base^(-2i/ropeDim),
// built in float32 like the ggml rope cache). Linear rope scaling sets
// freqScale = 1/factor; Llama 3 models ship per-pair factors in
// rope_freqs.weight. tensor.Rope has no such parameters, hence this local
// kernel; with freqScale 1 and no factors it computes exactly tensor.Rope.
func ropeScaled(x []float32, nHeads, headDim, ropeDim, pos int, base, freqScale float32, factors []float32, neox bool) {
	thetaScale := float32(math.Pow(float64(base), float64(float32(-2)/float32(ropeDim))))
	theta := float32(pos)
	half := ropeDim / 2
	for i := 0; i < ropeDim; i += 2 {
		t := theta
		if factors != nil {
			t /= factors[i/2]
		}
		t *= freqScale
		c, s := float32(math.Cos(float64(t))), float32(math.Sin(float64(t)))
		for h := 0; h < nHeads; h++ {
			v := x[h*headDim : h*headDim+ropeDim]
			a, b := i, i+1
			if neox {
				a, b = i/2, i/2+half
			}
			x0, x1 := v[a], v[b]
			v[a] = float32(x0*c) - float32(x1*s)
			v[b] = float32(x0*s) + float32(x1*c)
		}
		theta *= thetaScale
	}
}

// roundF16 rounds x to the nearest F16 values in place: what storing into
// and reading back from an F16 cache, or converting a matmul operand for F16
// weights, does to it.
func roundF16(x []float32) {
	for i, v := range x {
		x[i] = tensor.FP16ToFP32(tensor.FP32ToFP16(v))
	}
}

// scaleTo: x *= a.
func scaleTo(x []float32, a float32) { tensor.Scale(x, a) }
