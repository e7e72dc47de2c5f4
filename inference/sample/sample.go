package sample

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Params configure a Sampler. The zero value is greedy decoding.
type Params struct {
	// Temperature divides the logits before the softmax; 0 = greedy.
	Temperature float32
	// TopK keeps the K most likely tokens (0 = off).
	TopK int
	// TopP keeps the smallest set of most likely tokens whose probability
	// reaches TopP (0 or 1 = off).
	TopP float32
	// MinP keeps tokens at least MinP times as likely as the most likely one
	// (0 = off).
	MinP float32
	// RepetitionPenalty > 1 penalises tokens of the last RepetitionWindow
	// tokens (0 or 1 = off).
	RepetitionPenalty float32
	// RepetitionWindow is the history length the penalty looks at (0 = 64).
	RepetitionWindow int
	// Seed seeds the generator: same seed, same draws.
	Seed uint64
	// TopLogprobs > 0 reports that many most likely tokens per step.
	TopLogprobs int
}

// Validate checks the ranges.
func (p Params) Validate() error {
	switch {
	case !(p.Temperature >= 0) || math.IsInf(float64(p.Temperature), 0):
		return fmt.Errorf("sample: temperature %g must be a finite number >= 0", p.Temperature)
	case p.TopK < 0:
		return fmt.Errorf("sample: top-k %d must not be negative", p.TopK)
	case !(p.TopP >= 0 && p.TopP <= 1):
		return fmt.Errorf("sample: top-p %g must be in [0, 1]", p.TopP)
	case !(p.MinP >= 0 && p.MinP <= 1):
		return fmt.Errorf("sample: min-p %g must be in [0, 1]", p.MinP)
	case !(p.RepetitionPenalty >= 0) || math.IsInf(float64(p.RepetitionPenalty), 0):
		return fmt.Errorf("sample: repetition penalty %g must be a finite number >= 0", p.RepetitionPenalty)
	case p.RepetitionWindow < 0:
		return fmt.Errorf("sample: repetition window %d must not be negative", p.RepetitionWindow)
	case p.TopLogprobs < 0:
		return fmt.Errorf("sample: top logprobs %d must not be negative", p.TopLogprobs)
	}
	return nil
}

// Mask is the logit-mask hook of constrained decoding (see the package
// documentation).
type Mask interface {
	// Apply sets the logits of tokens not allowed next to -Inf.
	Apply(logits []float32)
	// Accept advances the mask past the chosen token.
	Accept(token int32) error
}

// MaskFunc adapts two functions to Mask; a nil accept accepts everything.
type MaskFunc struct {
	ApplyFunc  func(logits []float32)
	AcceptFunc func(token int32) error
}

// Apply calls ApplyFunc.
func (f MaskFunc) Apply(logits []float32) { f.ApplyFunc(logits) }

// Accept calls AcceptFunc if set.
func (f MaskFunc) Accept(token int32) error {
	if f.AcceptFunc == nil {
		return nil
	}
	return f.AcceptFunc(token)
}

// TokenLogprob is a token with its log-probability.
type TokenLogprob struct {
	Token   int32   `json:"id"`
	Logprob float32 `json:"logprob"`
}

// Choice is one step's result.
type Choice struct {
	Token   int32
	Logprob float32        // of Token, see the package documentation
	Top     []TokenLogprob // the TopLogprobs most likely, descending, ties to the lowest id
}

// ErrNoToken is returned when the mask allows no token.
var ErrNoToken = errors.New("sample: no token allowed")

// Sampler draws the tokens of one request. It is not safe for concurrent use.
type Sampler struct {
	p       Params
	mask    Mask
	rng     *rand.Rand
	history []int32
	cand    []int32
	w       []float64
}

// New makes a sampler; mask may be nil.
func New(p Params, mask Mask) (*Sampler, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if p.RepetitionWindow == 0 {
		p.RepetitionWindow = 64
	}
	return &Sampler{p: p, mask: mask, rng: rand.New(rand.NewPCG(p.Seed, 0x9e3779b97f4a7c15))}, nil
}

// Observe adds tokens (the prompt) to the repetition history.
func (s *Sampler) Observe(tokens []int32) {
	if s.p.RepetitionPenalty > 1 {
		s.history = append(s.history, tokens...)
		s.trim()
	}
}

func (s *Sampler) trim() {
	if n := len(s.history); n > 2*s.p.RepetitionWindow {
		s.history = append(s.history[:0], s.history[n-s.p.RepetitionWindow:]...)
	}
}

// Sample picks the next token from logits, which it modifies (penalty,
// mask), and advances the mask and history.
func (s *Sampler) Sample(logits []float32) (Choice, error) {
	best, mx, lse, err := s.prepare(logits)
	if err != nil {
		return Choice{}, err
	}
	tok := best
	if s.p.Temperature > 0 {
		cand, w, total := s.dist(logits, mx)
		tok = s.pick(cand, w, total)
	}
	return s.finish(logits, tok, lse)
}

// Verify is Sample for a position where a drafter proposed draft
// (speculative decoding): it returns the token to emit and whether it is
// the draft. q is the drafter's distribution over the vocabulary (nil: a
// point mass at draft, as prompt lookup proposes); p is the distribution
// Sample draws from (masked, temperature, top-k, top-p, min-p).
//
//   - Greedy: the token is the argmax, accepted when it equals draft.
//   - Point mass: the token is drawn from p exactly as Sample draws it (the
//     same generator draws), accepted when it equals draft: the draft is
//     kept with probability p(draft) = min(1, p/q), and the output, draft
//     or not, is the output of plain sampling.
//   - Otherwise (Leviathan et al. 2023, Chen et al. 2023): the draft is
//     kept with probability min(1, p(draft)/q(draft)); on rejection the
//     token is drawn from norm(max(0, p−q)). Draft drawn from q, the result
//     is distributed as p.
//
// The mask and history advance past the returned token, as in Sample.
func (s *Sampler) Verify(logits []float32, draft int32, q []float32) (Choice, bool, error) {
	best, mx, lse, err := s.prepare(logits)
	if err != nil {
		return Choice{}, false, err
	}
	tok := best
	if s.p.Temperature > 0 {
		cand, w, total := s.dist(logits, mx)
		if q == nil {
			tok = s.pick(cand, w, total)
		} else {
			tok = s.reject(cand, w, total, draft, q)
		}
	}
	c, err := s.finish(logits, tok, lse)
	return c, err == nil && tok == draft, err
}

// reject is the rejection step of speculative sampling for a draft drawn
// from q, over p = w/total on cand.
func (s *Sampler) reject(cand []int32, w []float64, total float64, draft int32, q []float32) int32 {
	var pd float64
	for j, c := range cand {
		if c == draft {
			pd = w[j] / total
			break
		}
	}
	if qd := float64(q[draft]); qd > 0 && s.rng.Float64()*qd < pd {
		return draft
	}
	// The residual max(0, p−q) lives on cand: p is 0 elsewhere.
	r := make([]float64, len(w))
	var rt float64
	for j, c := range cand {
		if d := w[j]/total - float64(q[c]); d > 0 {
			r[j] = d
			rt += d
		}
	}
	if rt <= 0 {
		// p ≤ q everywhere means p = q up to rounding, where the draft is
		// kept with probability 1; a rounding-level rejection draws from p.
		return s.pick(cand, w, total)
	}
	return s.pick(cand, r, rt)
}

// prepare applies the penalty and the mask and returns the argmax (lowest
// id on ties), the largest logit and the log of the softmax's normaliser.
func (s *Sampler) prepare(logits []float32) (int32, float32, float64, error) {
	if rp := s.p.RepetitionPenalty; rp > 1 {
		h := s.history[max(0, len(s.history)-s.p.RepetitionWindow):]
		for _, t := range dedup(h) {
			if int(t) < len(logits) {
				if logits[t] > 0 {
					logits[t] /= rp
				} else {
					logits[t] *= rp
				}
			}
		}
	}
	if s.mask != nil {
		s.mask.Apply(logits)
	}
	best, mx := -1, float32(math.Inf(-1))
	for i, l := range logits {
		if l > mx {
			best, mx = i, l
		}
	}
	if best < 0 || math.IsInf(float64(mx), -1) || math.IsNaN(float64(mx)) {
		return 0, 0, 0, ErrNoToken
	}
	var sum float64
	for _, l := range logits {
		sum += math.Exp(float64(l - mx))
	}
	return int32(best), mx, float64(mx) + math.Log(sum), nil
}

// finish reports tok to the mask and the history.
func (s *Sampler) finish(logits []float32, tok int32, lse float64) (Choice, error) {
	c := Choice{Token: tok, Logprob: float32(float64(logits[tok]) - lse)}
	if s.p.TopLogprobs > 0 {
		c.Top = topLogprobs(logits, s.p.TopLogprobs, lse)
	}
	if s.mask != nil {
		if err := s.mask.Accept(tok); err != nil {
			return Choice{}, fmt.Errorf("sample: mask rejected token %d: %w", tok, err)
		}
	}
	if s.p.RepetitionPenalty > 1 {
		s.history = append(s.history, tok)
		s.trim()
	}
	return c, nil
}

// Distribution writes into dst (one entry per logit) the distribution
// Sample would draw from for these logits (which it modifies: penalty,
// mask), a point mass at the argmax when greedy. It draws nothing and
// advances nothing: a draft model uses it for its proposals' distribution.
func (s *Sampler) Distribution(logits, dst []float32) error {
	best, mx, _, err := s.prepare(logits)
	if err != nil {
		return err
	}
	clear(dst)
	if s.p.Temperature == 0 {
		dst[best] = 1
		return nil
	}
	cand, w, total := s.dist(logits, mx)
	for j, c := range cand {
		dst[c] = float32(w[j] / total)
	}
	return nil
}

// Greedy reports whether the sampler takes the argmax (temperature 0).
func (s *Sampler) Greedy() bool { return s.p.Temperature == 0 }

// Params returns the sampler's parameters.
func (s *Sampler) Params() Params { return s.p }

// dist is the distribution Sample draws from: softmax(logits/T) cut by
// top-k, top-p and min-p, as weights w (summing to total) of the tokens
// cand. The slices are the sampler's scratch, valid until the next call.
func (s *Sampler) dist(logits []float32, mx float32) ([]int32, []float64, float64) {
	p, t := &s.p, float64(s.p.Temperature)
	cand := s.cand[:0]
	for i, l := range logits {
		if !math.IsInf(float64(l), -1) {
			cand = append(cand, int32(i))
		}
	}
	byLogit := func(a, b int32) int {
		if logits[a] != logits[b] {
			if logits[a] > logits[b] {
				return -1
			}
			return 1
		}
		return int(a - b)
	}
	sorted := false
	if p.TopK > 0 && p.TopK < len(cand) {
		cand = topK(cand, logits, p.TopK, byLogit)
		sorted = true
	}
	if p.TopP > 0 && p.TopP < 1 && !sorted {
		slices.SortFunc(cand, byLogit)
		sorted = true
	}
	w := s.w[:0]
	var total float64
	for _, i := range cand {
		x := math.Exp((float64(logits[i]) - float64(mx)) / t)
		w = append(w, x)
		total += x
	}
	if p.TopP > 0 && p.TopP < 1 {
		var cum float64
		for j, x := range w {
			cum += x
			if cum >= float64(p.TopP)*total {
				cand, w = cand[:j+1], w[:j+1]
				break
			}
		}
	}
	if p.MinP > 0 {
		// The most likely token has weight exp(0) = 1 and is never cut.
		k := 0
		for j, x := range w {
			if x >= float64(p.MinP) {
				cand[k], w[k] = cand[j], x
				k++
			}
		}
		cand, w = cand[:k], w[:k]
	}
	total = 0
	for _, x := range w {
		total += x
	}
	s.cand, s.w = cand, w
	return cand, w, total
}

// pick draws one of cand with probability w/total.
func (s *Sampler) pick(cand []int32, w []float64, total float64) int32 {
	r := s.rng.Float64() * total
	for j, x := range w {
		r -= x
		if r < 0 {
			return cand[j]
		}
	}
	return cand[len(cand)-1]
}

// topK returns the k first of cand in byLogit order, sorted.
func topK(cand []int32, logits []float32, k int, cmp func(a, b int32) int) []int32 {
	if k > 256 {
		slices.SortFunc(cand, cmp)
		return cand[:k]
	}
	// Insertion into a short sorted prefix: O(n·k) but k is small and most
	// tokens fail the first comparison.
	n := 0
	for _, c := range cand {
		if n == k && cmp(c, cand[k-1]) >= 0 {
			continue
		}
		j := min(n, k-1)
		for j > 0 && cmp(c, cand[j-1]) < 0 {
			cand[j] = cand[j-1]
			j--
		}
		cand[j] = c
		if n < k {
			n++
		}
	}
	return cand[:k]
}

func topLogprobs(logits []float32, k int, lse float64) []TokenLogprob {
	k = min(k, len(logits))
	top := make([]TokenLogprob, 0, k+1)
	for id, l := range logits {
		if len(top) == k && l <= top[k-1].Logprob {
			continue
		}
		i := len(top)
		for i > 0 && top[i-1].Logprob < l {
			i--
		}
		top = slices.Insert(top, i, TokenLogprob{Token: int32(id), Logprob: l})
		if len(top) > k {
			top = top[:k]
		}
	}
	for i := range top {
		top[i].Logprob = float32(float64(top[i].Logprob) - lse)
	}
	return top
}

func dedup(h []int32) []int32 {
	out := slices.Clone(h)
	slices.Sort(out)
	return slices.Compact(out)
}
