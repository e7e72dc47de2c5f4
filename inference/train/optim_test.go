package train

import (
	"math"
	"testing"
)

// Two AdamW steps on two parameters worked by hand (lr 0.1, wd 0.5,
// β1 0.9, β2 0.99, eps 0): w = 1 decays, the norm weight does not.
//
// step 1, g = (0.5, −2): m = (0.05, −0.2), v = (0.0025, 0.04),
// m̂ = (0.5, −2), v̂ = (0.25, 4), update = m̂/sqrt(v̂) = (1, −1):
//
//	w0 = 1·(1 − 0.1·0.5) − 0.1·1 = 0.85,   w1 = 1 + 0.1 = 1.1
//
// step 2, g = (0.5, 0): m = (0.095, −0.18), v = (0.004975, 0.0396),
// m̂ = m/0.19, v̂ = v/0.0199:
//
//	w0 = 0.85·0.95 − 0.1·(0.5/sqrt(0.25)) = 0.7075
//	w1 = 1.1 − 0.1·(−0.947368.../sqrt(1.989949...)) = 1.1671574...
func TestAdamWByHand(t *testing.T) {
	params := []Param{{Name: "w", Off: 0, N: 1, Decay: true}, {Name: "norm", Off: 1, N: 1}}
	w := []float32{1, 1}
	o := &adamW{m: make([]float32, 2), v: make([]float32, 2)}
	step := func(g ...float32) {
		o.t++
		o.update(params, w, g, 0, 2, 0.1, 0.5, 0.9, 0.99, 0)
	}
	near := func(got float32, want float64) {
		t.Helper()
		if math.Abs(float64(got)-want) > 1e-6 {
			t.Errorf("got %.7f, want %.7f", got, want)
		}
	}
	step(0.5, -2)
	near(w[0], 0.85)
	near(w[1], 1.1)
	step(0.5, 0)
	near(w[0], 0.7075)
	near(w[1], 1.1+0.1*(0.18/0.19)/math.Sqrt(0.0396/0.0199))
	near(w[1], 1.1671574)
}

func TestLearningRate(t *testing.T) {
	f := func(step int, want float64) {
		t.Helper()
		if got := learningRate(step, 11, 2, 1, 0.1); math.Abs(got-want) > 1e-12 {
			t.Errorf("step %d: lr %v, want %v", step, got, want)
		}
	}
	f(0, 0.5)
	f(1, 1)
	f(2, 1)                                // cosine starts at the peak
	f(6, 0.1+0.45*(1+math.Cos(math.Pi/2))) // half way
	f(10, 0.1)                             // last step at the floor
}
