package tensor

import (
	"fmt"
	"math"
)

// The attention kernels. A query attends to the cached keys and values of
// its sequence, which sit stride floats apart (one row per position, the
// KV heads side by side); these work on such strided rows directly so that
// a head's scores and weighted sum are one call each rather than a call per
// position.

// ScoreRows sets out[t] = scale·(q · k[t·stride : t·stride+len(q)]) for
// t < len(out): the attention scores of len(out) cached keys.
func ScoreRows(out, k []float32, stride int, q []float32, scale float32) {
	n, hd := len(out), len(q)
	if n == 0 {
		return
	}
	if stride < hd || (n-1)*stride+hd > len(k) {
		panic(fmt.Sprintf("BUG: tensor.ScoreRows: %d rows of %d, stride %d, in %d floats", n, hd, stride, len(k)))
	}
	t := 0
	if useAsm && hd >= 8 && hd%8 == 0 {
		var o [4]float32
		for ; t+4 <= n; t += 4 {
			dotRows4(&k[t*stride], stride, &q[0], hd, &o)
			out[t], out[t+1], out[t+2], out[t+3] = o[0]*scale, o[1]*scale, o[2]*scale, o[3]*scale
		}
	}
	for ; t < n; t++ {
		out[t] = Dot(q, k[t*stride:t*stride+hd]) * scale
	}
}

// ExpShift sets x[i] = exp(x[i]-m) and returns Σ x[i], summed in float64
// (the softmax numerators and denominator for m = max x, as ggml computes
// them). With the assembly kernels exp is computed in eight lanes, to a few
// ulp; arguments below -86 give about 4e-38 instead of a smaller number.
func ExpShift(x []float32, m float32) float64 {
	i := 0
	if useAsm {
		if n8 := len(x) &^ 7; n8 > 0 {
			expShiftAVX(&x[0], m, n8)
			i = n8
		}
	}
	for ; i < len(x); i++ {
		x[i] = float32(math.Exp(float64(x[i] - m)))
	}
	var sum float64
	for _, v := range x {
		sum += float64(v)
	}
	return sum
}

// AccumRows adds Σ_t w[t]·v[t·stride : t·stride+len(out)] to out, for
// t < len(w): the attention-weighted sum of len(w) cached values.
func AccumRows(out, w, v []float32, stride int) {
	n, hd := len(w), len(out)
	if n == 0 || hd == 0 {
		return
	}
	if stride < hd || (n-1)*stride+hd > len(v) {
		panic(fmt.Sprintf("BUG: tensor.AccumRows: %d rows of %d, stride %d, in %d floats", n, hd, stride, len(v)))
	}
	c := 0
	if useAsm {
		for ; c+32 <= hd; c += 32 {
			accumRows32(&out[c], &w[0], &v[c], stride, n)
		}
		for ; c+8 <= hd; c += 8 {
			accumRows8(&out[c], &w[0], &v[c], stride, n)
		}
	}
	if c < hd {
		for t, wt := range w {
			Axpy(out[c:], wt, v[t*stride+c:t*stride+hd])
		}
	}
}
