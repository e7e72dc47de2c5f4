package tensor

import (
	"fmt"
	"math"
)

// RMSNorm sets dst = x / sqrt(mean(x²) + eps) · w, as ggml's rms_norm followed
// by mul: the squares are summed in float64, mean and scale are float32, then
// dst[i] = (x[i]·scale)·w[i]. w == nil means no weight. dst may alias x.
func RMSNorm(dst, x, w []float32, eps float32) {
	dst = dst[:len(x)]
	var sum float64
	for _, v := range x {
		sum += float64(v * v)
	}
	mean := float32(sum / float64(len(x)))
	scale := 1 / float32(math.Sqrt(float64(mean+eps)))
	if w == nil {
		for i, v := range x {
			dst[i] = v * scale
		}
		return
	}
	w = w[:len(x)]
	for i, v := range x {
		dst[i] = float32(v*scale) * w[i]
	}
}

// maxRopeDim bounds the stack-allocated angle cache of Rope.
const maxRopeDim = 1024

// Rope applies rotary position embeddings in place to nHeads heads of headDim
// values each, rotating the first ropeDim values of every head (the rest are
// left alone). Angles are built like ggml's rope cache, in float32:
// theta_0 = pos, theta_{i+1} = theta_i · powf(base, -2/ropeDim), with
// cos/sin rounded to float32.
//
// neox = false is llama's NORM mode, rotating pairs (x[2i], x[2i+1]);
// neox = true rotates (x[i], x[i+ropeDim/2]) as qwen2 and GPT-NeoX do.
func Rope(x []float32, nHeads, headDim, ropeDim, pos int, freqBase float32, neox bool) {
	if ropeDim%2 != 0 || ropeDim > headDim || ropeDim > maxRopeDim || len(x) < nHeads*headDim {
		panic(fmt.Sprintf("BUG: tensor.Rope: ropeDim %d, headDim %d (max %d, even), len(x) %d < %d heads", ropeDim, headDim, maxRopeDim, len(x), nHeads))
	}
	var cache [maxRopeDim]float32 // cos at 2i, sin at 2i+1
	thetaScale := float32(math.Pow(float64(freqBase), float64(float32(-2)/float32(ropeDim))))
	theta := float32(pos)
	for i := 0; i < ropeDim; i += 2 {
		cache[i] = float32(math.Cos(float64(theta)))
		cache[i+1] = float32(math.Sin(float64(theta)))
		theta *= thetaScale
	}
	half := ropeDim / 2
	for h := 0; h < nHeads; h++ {
		v := x[h*headDim : h*headDim+ropeDim]
		for i := 0; i < ropeDim; i += 2 {
			c, s := cache[i], cache[i+1]
			a, b := i, i+1
			if neox {
				a, b = i/2, i/2+half
			}
			x0, x1 := v[a], v[b]
			v[a] = float32(x0*c) - float32(x1*s)
			v[b] = float32(x0*s) + float32(x1*c)
		}
	}
}

// Softmax replaces x by softmax(x): max-subtracted exponentials (float32),
// summed in float64, scaled by float32(1/sum), as ggml's soft_max.
func Softmax(x []float32) {
	if len(x) == 0 {
		return
	}
	mx := float32(math.Inf(-1))
	for _, v := range x {
		mx = max(mx, v)
	}
	var sum float64
	for i, v := range x {
		e := float32(math.Exp(float64(v - mx)))
		x[i] = e
		sum += float64(e)
	}
	Scale(x, float32(1/sum))
}

// SiLU replaces x by x·sigmoid(x) = x / (1 + exp(-x)).
func SiLU(x []float32) {
	for i, v := range x {
		x[i] = v / (1 + float32(math.Exp(float64(-v))))
	}
}

// Mul sets dst[i] = a[i]·b[i] for i < len(dst). dst may alias a or b.
func Mul(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] * b[i]
	}
}

// Add sets dst[i] = a[i]+b[i] for i < len(dst). dst may alias a or b.
func Add(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] + b[i]
	}
}

// Scale multiplies x by s in place.
func Scale(x []float32, s float32) {
	for i := range x {
		x[i] *= s
	}
}

// Dot is Σ a[i]·b[i] over len(a) elements (b must be at least as long),
// accumulated in float32 with several partial sums (FMA where the CPU has
// it), so it differs from a sequential sum by rounding only.
func Dot(a, b []float32) float32 {
	n8 := len(a) &^ 7
	if !useAsm || n8 == 0 {
		return dotF32(a, b)
	}
	b = b[:len(a)]
	s := dotF32FMA(&a[0], &b[0], n8)
	for i := n8; i < len(a); i++ {
		s += a[i] * b[i]
	}
	return s
}

// Axpy sets dst[i] += a·x[i] for i < len(dst) (x must be at least as long),
// the weighted sum of values in attention. With the assembly kernels each
// element is one fused multiply-add (one rounding instead of two), so results
// may differ from dst[i] + a*x[i] in the last bit.
func Axpy(dst []float32, a float32, x []float32) {
	x = x[:len(dst)]
	n8 := len(dst) &^ 7
	if useAsm && n8 > 0 {
		axpyFMA(&dst[0], a, &x[0], n8)
	} else {
		n8 = 0
	}
	for i := n8; i < len(dst); i++ {
		dst[i] += a * x[i]
	}
}
