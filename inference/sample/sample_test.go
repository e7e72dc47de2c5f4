package sample

import (
	"math"
	"slices"
	"sort"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

func mustNew(t *testing.T, p Params, m Mask) *Sampler {
	t.Helper()
	s, err := New(p, m)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func draws(t *testing.T, p Params, logits []float32, n int) []int32 {
	t.Helper()
	s := mustNew(t, p, nil)
	out := make([]int32, n)
	buf := make([]float32, len(logits))
	for i := range out {
		copy(buf, logits)
		c, err := s.Sample(buf)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = c.Token
	}
	return out
}

var toy = []float32{1.0, 2.5, 0.3, 2.2, -1.0, 1.7, 0.9, 2.0}

func TestSeedReproducible(t *testing.T) {
	p := Params{Temperature: 1.3, TopK: 6, TopP: 0.95, MinP: 0.02, Seed: 42}
	a, b := draws(t, p, toy, 500), draws(t, p, toy, 500)
	if !slices.Equal(a, b) {
		t.Fatal("same seed gave different tokens")
	}
	p.Seed = 43
	if c := draws(t, p, toy, 500); slices.Equal(a, c) {
		t.Fatal("another seed gave the same 500 tokens")
	}
}

func TestGreedyAndLogprobs(t *testing.T) {
	s := mustNew(t, Params{TopLogprobs: 3}, nil)
	logits := []float32{1, 3, 3, 0}
	c, err := s.Sample(slices.Clone(logits))
	if err != nil {
		t.Fatal(err)
	}
	lse := math.Log(math.Exp(1) + 2*math.Exp(3) + 1)
	if c.Token != 1 || math.Abs(float64(c.Logprob)-(3-lse)) > 1e-6 {
		t.Fatalf("greedy %+v, want token 1 logprob %g", c, 3-lse)
	}
	want := []int32{1, 2, 0}
	for i, tl := range c.Top {
		if tl.Token != want[i] || math.Abs(float64(tl.Logprob)-(float64(logits[want[i]])-lse)) > 1e-6 {
			t.Fatalf("top %v", c.Top)
		}
	}
}

func TestMask(t *testing.T) {
	var accepted []int32
	m := MaskFunc{
		ApplyFunc:  func(l []float32) { l[1] = float32(math.Inf(-1)); l[7] = float32(math.Inf(-1)) },
		AcceptFunc: func(tok int32) error { accepted = append(accepted, tok); return nil },
	}
	s := mustNew(t, Params{Temperature: 2, Seed: 1}, m)
	for range 2000 {
		c, err := s.Sample(slices.Clone(toy))
		if err != nil {
			t.Fatal(err)
		}
		if c.Token == 1 || c.Token == 7 {
			t.Fatalf("masked token %d drawn", c.Token)
		}
	}
	if len(accepted) != 2000 {
		t.Fatalf("accept called %d times", len(accepted))
	}
	none := MaskFunc{ApplyFunc: func(l []float32) {
		for i := range l {
			l[i] = float32(math.Inf(-1))
		}
	}}
	if _, err := mustNew(t, Params{}, none).Sample(slices.Clone(toy)); err != ErrNoToken {
		t.Fatalf("empty mask: %v", err)
	}
}

func TestRepetitionPenalty(t *testing.T) {
	s := mustNew(t, Params{RepetitionPenalty: 2}, nil)
	s.Observe([]int32{1})
	c, _ := s.Sample([]float32{0, 2.5, 2})
	if c.Token != 2 {
		t.Fatalf("penalised token chosen: %d", c.Token)
	}
	if c, _ := mustNew(t, Params{}, nil).Sample([]float32{0, 2.5, 2}); c.Token != 1 {
		t.Fatalf("penalty on by default: %d", c.Token)
	}
}

// expected computes the filtered distribution the package documents, in
// the plainest way: sort, cut, renormalise.
func expected(logits []float32, p Params) []float64 {
	n := len(logits)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return logits[idx[a]] > logits[idx[b]] })
	prob := make([]float64, n)
	var z float64
	for _, i := range idx {
		prob[i] = math.Exp(float64(logits[i]) / float64(p.Temperature))
		z += prob[i]
	}
	for i := range prob {
		prob[i] /= z
	}
	keep := idx
	if p.TopK > 0 {
		keep = keep[:p.TopK]
	}
	if p.TopP > 0 {
		var mass, cum float64
		for _, i := range keep {
			mass += prob[i]
		}
		for j, i := range keep {
			cum += prob[i]
			if cum >= float64(p.TopP)*mass {
				keep = keep[:j+1]
				break
			}
		}
	}
	pmax := prob[idx[0]]
	out := make([]float64, n)
	var s float64
	for _, i := range keep {
		if prob[i] >= float64(p.MinP)*pmax {
			out[i] = prob[i]
			s += prob[i]
		}
	}
	for i := range out {
		out[i] /= s
	}
	return out
}

func TestDistributionChiSquare(t *testing.T) {
	f := func(p Params) {
		t.Helper()
		const n = 50000
		want := expected(toy, p)
		counts := make([]float64, len(toy))
		for _, tok := range draws(t, p, toy, n) {
			counts[tok]++
		}
		var chi2 float64
		df := -1
		for i, w := range want {
			if w == 0 {
				if counts[i] != 0 {
					t.Fatalf("%+v: token %d drawn %v times, want never", p, i, counts[i])
				}
				continue
			}
			df++
			d := counts[i] - n*w
			chi2 += d * d / (n * w)
		}
		pv := 1.0
		if df > 0 {
			pv = 1 - distuv.ChiSquared{K: float64(df)}.CDF(chi2)
		}
		t.Logf("%+v: kept %d, chi2 %.2f, p %.3f", p, df+1, chi2, pv)
		if pv <= 0.001 {
			t.Fatalf("%+v: chi-square %.2f with %d df, p = %.2g; counts %v, want %v", p, chi2, df, pv, counts, want)
		}
	}
	f(Params{Temperature: 1, Seed: 1})
	f(Params{Temperature: 0.7, Seed: 2})
	f(Params{Temperature: 1.5, TopK: 5, Seed: 3})
	f(Params{Temperature: 1, TopP: 0.8, Seed: 4})
	f(Params{Temperature: 1, MinP: 0.3, Seed: 5})
	f(Params{Temperature: 0.9, TopK: 6, TopP: 0.9, MinP: 0.1, Seed: 6})
}

func TestValidate(t *testing.T) {
	bad := []Params{{Temperature: -1}, {TopK: -1}, {TopP: 1.5}, {MinP: -0.1}, {Temperature: float32(math.NaN())}, {TopLogprobs: -2}}
	for _, p := range bad {
		if _, err := New(p, nil); err == nil {
			t.Errorf("%+v accepted", p)
		}
	}
}
