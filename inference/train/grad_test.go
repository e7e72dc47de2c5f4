package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/logsift/logsift/inference/tensor"
)

// Gradient checks. Everything runs in float32, as training does, so the
// finite differences are central differences with step fdEps = 1e-3 on a
// scalar loss summed in float64, and an analytic gradient passes when
//
//	‖fd − analytic‖ / ‖analytic‖ < 1e-2   over the checked coordinates, and
//	|fd_i − analytic_i| < 2e-2 · max_j |analytic_j|   for each of them.
//
// The second bound is relative to the largest component because float32
// rounding of the loss puts an absolute floor (about 1e-4 here) under every
// finite difference, which a per-component relative error would blow up on
// components near zero.
const fdEps = 1e-3

func randVec(rng *rand.Rand, n int, std float64) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64() * std)
	}
	return v
}

// weighted is the scalar loss Σ r_i y_i whose gradient dy is r.
func weighted(y, r []float32) float64 {
	var s float64
	for i := range y {
		s += float64(y[i]) * float64(r[i])
	}
	return s
}

// checkGrad compares an with central differences of loss in x at the
// coordinates idx (all when nil).
func checkGrad(t *testing.T, name string, x, an []float32, idx []int, loss func() float64) {
	t.Helper()
	if idx == nil {
		idx = make([]int, len(x))
		for i := range idx {
			idx[i] = i
		}
	}
	var num, den, amax float64
	fd := make([]float64, len(idx))
	for k, i := range idx {
		old := x[i]
		x[i] = old + fdEps
		lp := loss()
		x[i] = old - fdEps
		lm := loss()
		x[i] = old
		fd[k] = (lp - lm) / float64(float32(old+fdEps)-float32(old-fdEps))
		d := fd[k] - float64(an[i])
		num += d * d
		den += float64(an[i]) * float64(an[i])
		amax = max(amax, math.Abs(float64(an[i])))
	}
	if den == 0 {
		t.Fatalf("%s: analytic gradient is zero at every checked coordinate", name)
	}
	rel := math.Sqrt(num / den)
	if rel >= 1e-2 {
		t.Errorf("%s: relative error %.3g of the gradient (‖analytic‖ %.3g)", name, rel, math.Sqrt(den))
	}
	for k, i := range idx {
		if d := math.Abs(fd[k] - float64(an[i])); d > 2e-2*amax {
			t.Errorf("%s[%d]: finite difference %.6g, analytic %.6g", name, i, fd[k], an[i])
		}
	}
	t.Logf("%s: relative error %.2g over %d coordinates", name, rel, len(idx))
}

func TestGradEmbedding(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const V, E = 7, 5
	toks := []int32{3, 0, 3, 6, 2}
	embd := randVec(rng, V*E, 1)
	r := randVec(rng, len(toks)*E, 1)
	loss := func() float64 {
		x := make([]float32, len(toks)*E)
		embedFwd(x, embd, toks, E)
		return weighted(x, r)
	}
	d := make([]float32, V*E)
	embedBwd(d, r, toks, E)
	checkGrad(t, "dE", embd, d, nil, loss)
}

func TestGradLinear(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const T, in, out = 5, 13, 6
	lin := linear{tensor.NewPool(1), &arena{}}
	x, w := randVec(rng, T*in, 1), randVec(rng, out*in, 1)
	r := randVec(rng, T*out, 1)
	loss := func() float64 {
		y := make([]float32, T*out)
		lin.fwd(y, x, w, T, in, out)
		return weighted(y, r)
	}
	dx, dw := make([]float32, T*in), make([]float32, out*in)
	wT := make([]float32, in*out)
	transpose(wT, w, out, in)
	lin.bwd(dx, dw, r, x, wT, T, in, out)
	checkGrad(t, "dx", x, dx, nil, loss)
	checkGrad(t, "dW", w, dw, nil, loss)
}

func TestGradRMSNorm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 3))
	const T, E = 3, 8
	x, w := randVec(rng, T*E, 1), randVec(rng, E, 1)
	r := randVec(rng, T*E, 1)
	loss := func() float64 {
		y, rs := make([]float32, T*E), make([]float32, T)
		rmsnormFwd(y, rs, x, w, T, E, 1e-5)
		return weighted(y, r)
	}
	y, rs := make([]float32, T*E), make([]float32, T)
	rmsnormFwd(y, rs, x, w, T, E, 1e-5)
	dx, dw := make([]float32, T*E), make([]float32, E)
	rmsnormBwd(dx, dw, r, x, w, rs, T, E)
	checkGrad(t, "dx", x, dx, nil, loss)
	checkGrad(t, "dw", w, dw, nil, loss)
}

func TestGradRope(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 4))
	const T, H, hd = 5, 2, 8
	tab := ropeTable(T, hd, 10000)
	x := randVec(rng, T*H*hd, 1)
	r := randVec(rng, T*H*hd, 1)
	loss := func() float64 {
		y := append([]float32(nil), x...)
		ropeFwd(y, tab, T, H, hd)
		return weighted(y, r)
	}
	dx := append([]float32(nil), r...)
	ropeBwd(dx, tab, T, H, hd)
	checkGrad(t, "dx", x, dx, nil, loss)
}

func TestGradAttention(t *testing.T) {
	f := func(nHead, nHeadKV int) {
		t.Helper()
		rng := rand.New(rand.NewPCG(uint64(nHead), uint64(nHeadKV)))
		const T, hd = 6, 4
		qd, kvd := nHead*hd, nHeadKV*hd
		q, k, v := randVec(rng, T*qd, 1), randVec(rng, T*kvd, 1), randVec(rng, T*kvd, 1)
		r := randVec(rng, T*qd, 1)
		lin := linear{tensor.NewPool(1), &arena{}}
		P := make([]float32, nHead*T*T)
		loss := func() float64 {
			out := make([]float32, T*qd)
			lin.attnFwd(out, P, q, k, v, T, nHead, nHeadKV, hd)
			return weighted(out, r)
		}
		loss()
		dq, dk, dv := make([]float32, T*qd), make([]float32, T*kvd), make([]float32, T*kvd)
		lin.attnBwd(dq, dk, dv, r, P, q, k, v, T, nHead, nHeadKV, hd)
		checkGrad(t, "dq", q, dq, nil, loss)
		checkGrad(t, "dk", k, dk, nil, loss)
		checkGrad(t, "dv", v, dv, nil, loss)

		// The plain per-pair attention agrees with the matrix-product one.
		outRef, Pref := make([]float32, T*qd), make([]float32, nHead*T*T)
		attnFwdRef(outRef, Pref, q, k, v, T, nHead, nHeadKV, hd)
		out := make([]float32, T*qd)
		lin.attnFwd(out, P, q, k, v, T, nHead, nHeadKV, hd)
		dqR, dkR, dvR := make([]float32, T*qd), make([]float32, T*kvd), make([]float32, T*kvd)
		attnBwdRef(dqR, dkR, dvR, r, Pref, q, k, v, make([]float32, T), T, nHead, nHeadKV, hd)
		for _, c := range []struct {
			name      string
			got, want []float32
		}{{"out", out, outRef}, {"dq", dq, dqR}, {"dk", dk, dkR}, {"dv", dv, dvR}} {
			for i := range c.got {
				if math.Abs(float64(c.got[i]-c.want[i])) > 1e-5*(1+math.Abs(float64(c.want[i]))) {
					t.Errorf("%d/%d heads: %s[%d] = %v, reference %v", nHead, nHeadKV, c.name, i, c.got[i], c.want[i])
					break
				}
			}
		}
	}
	f(2, 2) // multi-head
	f(4, 2) // grouped-query: two query heads per key/value head
	f(3, 1) // multi-query
}

func TestGradSwiGLU(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 5))
	const n = 20
	g, u := randVec(rng, n, 2), randVec(rng, n, 1)
	r := randVec(rng, n, 1)
	loss := func() float64 {
		a := make([]float32, n)
		swigluFwd(a, make([]float32, n), g, u)
		return weighted(a, r)
	}
	dg, du, sig := make([]float32, n), make([]float32, n), make([]float32, n)
	swigluFwd(make([]float32, n), sig, g, u)
	swigluBwd(dg, du, r, sig, g, u)
	checkGrad(t, "dgate", g, dg, nil, loss)
	checkGrad(t, "dup", u, du, nil, loss)
}

func TestGradCrossEntropy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 6))
	const n, V = 3, 11
	logits := randVec(rng, n*V, 2)
	targets := []int32{4, 0, 10}
	loss := func() float64 {
		return crossEntropy(append([]float32(nil), logits...), targets, V, 1)
	}
	d := append([]float32(nil), logits...)
	crossEntropy(d, targets, V, 1)
	checkGrad(t, "dlogits", logits, d, nil, loss)
}

// tinyConfig is the whole-model check's shape.
var tinyConfig = Config{NEmbd: 16, NLayer: 2, NHead: 2, NHeadKV: 1, NFF: 24, Vocab: 40, Ctx: 8}

// maskedLoss computes Σ over masked tokens of −log p(token) through the
// forward-only path (all logits), independently of pass.step's row
// selection.
func maskedLoss(m *Model, toks []int32, mask []bool) float64 {
	ps := newPass(m, nil)
	logits := ps.logits(toks)
	V := m.Cfg.Vocab
	var loss float64
	for i := 1; i < len(toks); i++ {
		if !mask[i] {
			continue
		}
		row := logits[(i-1)*V : i*V]
		mx := math.Inf(-1)
		for _, v := range row {
			mx = max(mx, float64(v))
		}
		var s float64
		for _, v := range row {
			s += math.Exp(float64(v) - mx)
		}
		loss += math.Log(s) + mx - float64(row[toks[i]])
	}
	return loss
}

// checkModel returns a tinyConfig model with larger weights than the
// initialisation's, so every block's gradient stands well above float32
// noise, and the RNG that drew them, for the checks to go on with.
func checkModel(t *testing.T, seed uint64) (*Model, *rand.Rand) {
	t.Helper()
	m, err := New(tinyConfig, seed)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, seed))
	for _, p := range m.Params {
		w := m.W[p.Off : p.Off+p.N]
		for i := range w {
			if p.Decay {
				w[i] = float32(rng.NormFloat64() * 0.3)
			} else {
				w[i] = float32(1 + rng.NormFloat64()*0.2)
			}
		}
	}
	return m, rng
}

func TestGradModel(t *testing.T) {
	m, rng := checkModel(t, 7)
	toks := []int32{1, 5, 39, 12, 7, 7, 30, 2}
	mask := []bool{false, false, false, true, false, true, true, true}
	wT := make([]float32, len(m.W))
	m.transposeWeights(wT, 2)
	ps := newPass(m, wT)
	lossSum, n := ps.step(toks, mask, []int{len(toks)}, 1, nil)
	if n != 4 {
		t.Fatalf("step counted %d masked tokens, want 4", n)
	}
	if want := maskedLoss(m, toks, mask); math.Abs(lossSum-want) > 1e-4*want {
		t.Fatalf("step loss %v, forward-only loss %v", lossSum, want)
	}
	for _, p := range m.Params {
		idx := rng.Perm(p.N)[:min(p.N, 24)]
		checkGrad(t, p.Name, m.W[p.Off:p.Off+p.N], ps.grad[p.Off:p.Off+p.N], idx,
			func() float64 { return maskedLoss(m, toks, mask) })
	}
}

// With dropout the gradient is the one of the loss under the same masks:
// every evaluation of the loss draws them again from the same seed.
func TestGradModelDropout(t *testing.T) {
	m, rng := checkModel(t, 5)
	toks := []int32{1, 5, 39, 12, 7, 7, 30, 2}
	mask := []bool{false, false, false, true, false, true, true, true}
	ends := []int{len(toks)}
	wT := make([]float32, len(m.W))
	m.transposeWeights(wT, 2)
	ps := newPass(m, wT)
	drop := func() *dropout { return newDropout(0.3, 11, 2, 1, 0) }
	lossSum, _ := ps.step(toks, mask, ends, 1, drop())
	if plain := maskedLoss(m, toks, mask); lossSum == plain {
		t.Fatalf("dropout left the loss at %v", plain)
	}
	// The loss is read through step on a pass of its own (its gradient
	// buffer is thrown away); the forward pass reads m.W, not wT.
	probe := newPass(m, wT)
	loss := func() float64 {
		l, _ := probe.step(toks, mask, ends, 1, drop())
		return l
	}
	if again := loss(); again != lossSum {
		t.Fatalf("the same masks gave loss %v, then %v", lossSum, again)
	}
	for _, p := range m.Params {
		idx := rng.Perm(p.N)[:min(p.N, 24)]
		checkGrad(t, p.Name, m.W[p.Off:p.Off+p.N], ps.grad[p.Off:p.Off+p.N], idx, loss)
	}
}

// The loss sees answer tokens only: changing a token outside the mask that
// is never read as input (the last one) leaves it unchanged, changing one
// inside changes it.
func TestLossMask(t *testing.T) {
	m, err := New(tinyConfig, 3)
	if err != nil {
		t.Fatal(err)
	}
	toks := []int32{1, 2, 3, 4, 5, 6}
	mask := []bool{false, false, true, true, false, false}
	base := maskedLoss(m, toks, mask)
	toks[5] = 20
	if got := maskedLoss(m, toks, mask); got != base {
		t.Errorf("changing an unmasked last token moved the loss from %v to %v", base, got)
	}
	toks[3] = 20
	if got := maskedLoss(m, toks, mask); got == base {
		t.Errorf("changing a masked token left the loss at %v", got)
	}
	ps := newPass(m, make([]float32, len(m.W)))
	if l, n := ps.step(toks, []bool{true, false, false, false, false, false}, []int{len(toks)}, 1, nil); l != 0 || n != 0 {
		t.Errorf("a mask on token 0 only gave loss %v over %d tokens, want nothing to predict", l, n)
	}
}

// A chunk of packed examples computes what the examples do one by one: the
// same loss and, up to float32 summation order, the same gradient. Positions
// restart at every example and attention does not cross from one into the
// next (a leak would change the second example's loss).
func TestPackedStepEqualsSeparate(t *testing.T) {
	m, err := New(tinyConfig, 5)
	if err != nil {
		t.Fatal(err)
	}
	wT := make([]float32, len(m.W))
	m.transposeWeights(wT, 1)
	exs := []struct {
		toks []int32
		mask []bool
	}{
		{[]int32{1, 5, 39, 12, 7, 7, 30, 2}, []bool{false, false, false, true, false, true, true, true}},
		{[]int32{1, 9, 3, 2}, []bool{true, false, true, true}}, // a mask on token 0 is ignored
		{[]int32{1, 17, 17, 4, 22, 8, 8, 30}, []bool{false, false, false, true, true, false, true, true}},
	}
	one := newPass(m, wT)
	var wantLoss float64
	wantN := 0
	for _, e := range exs {
		l, n := one.step(e.toks, e.mask, []int{len(e.toks)}, 0.5, nil)
		wantLoss += l
		wantN += n
	}
	packed := newPass(m, wT)
	var toks []int32
	var mask []bool
	var ends []int
	for _, e := range exs {
		toks, mask = append(toks, e.toks...), append(mask, e.mask...)
		ends = append(ends, len(toks))
	}
	gotLoss, gotN := packed.step(toks, mask, ends, 0.5, nil)
	if gotN != wantN || math.Abs(gotLoss-wantLoss) > 1e-5*wantLoss {
		t.Fatalf("packed: loss %v over %d tokens, one by one %v over %d", gotLoss, gotN, wantLoss, wantN)
	}
	var maxDiff, maxAbs float64
	for i := range one.grad {
		maxDiff = max(maxDiff, math.Abs(float64(one.grad[i]-packed.grad[i])))
		maxAbs = max(maxAbs, math.Abs(float64(one.grad[i])))
	}
	if maxAbs == 0 || maxDiff > 1e-5*maxAbs {
		t.Fatalf("packed gradient differs by up to %g (largest component %g)", maxDiff, maxAbs)
	}
}
