package train

import "math"

// adamW holds AdamW's moments, laid out like Model.W, and the number of
// updates made (the bias corrections' t).
type adamW struct {
	m, v []float32
	t    int
}

// update applies one AdamW step to w with gradient g (PyTorch's AdamW):
//
//	w ← w − lr·wd·w                  (decoupled decay, decay params only)
//	m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²
//	w ← w − lr·(m/(1−β1^t)) / (sqrt(v/(1−β2^t)) + eps)
//
// over the elements [lo, hi) of every parameter, so callers can split the
// update over goroutines; t must already count this step.
func (o *adamW) update(params []Param, w, g []float32, lo, hi int, lr, wd, b1, b2, eps float64) {
	c1 := 1 - math.Pow(b1, float64(o.t))
	c2 := 1 - math.Pow(b2, float64(o.t))
	for _, p := range params {
		a, b := max(lo, p.Off), min(hi, p.Off+p.N)
		if a >= b {
			continue
		}
		decay := 1.0
		if p.Decay {
			decay = 1 - lr*wd
		}
		for i := a; i < b; i++ {
			gi := float64(g[i])
			m := b1*float64(o.m[i]) + (1-b1)*gi
			v := b2*float64(o.v[i]) + (1-b2)*gi*gi
			o.m[i], o.v[i] = float32(m), float32(v)
			w[i] = float32(float64(w[i])*decay - lr*(m/c1)/(math.Sqrt(v/c2)+eps))
		}
	}
}

// learningRate is the schedule: linear warm-up from lr/warmup to lr over the
// first warmup steps, then a cosine from lr down to minLR at the last step.
// step counts from 0.
func learningRate(step, steps, warmup int, lr, minLR float64) float64 {
	if step < warmup {
		return lr * float64(step+1) / float64(warmup)
	}
	span := max(1, steps-warmup-1)
	p := min(1, float64(step-warmup)/float64(span))
	return minLR + 0.5*(lr-minLR)*(1+math.Cos(math.Pi*p))
}

// gradNorm is the L2 norm of g, summed in float64.
func gradNorm(g []float32) float64 {
	var s float64
	for _, v := range g {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s)
}
