package speculate

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/logsift/logsift/inference/kvcache"
	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/sample"
)

// DraftConfig sizes a draft model's KV pool.
type DraftConfig struct {
	// Blocks is the pool size in blocks (0 = 1024).
	Blocks int
	// BlockSize is the positions per block (0 = 16).
	BlockSize int
	// ModelID separates prefix caches (default: the model's name and shape).
	ModelID string
}

// DraftModel drafts with a smaller model of the target's vocabulary. It
// owns a paged KV cache of its own (package kvcache, with a prefix cache,
// so prompts that share a start share its blocks). Each target sequence
// gets a ModelSeq; its KV sequence follows the target's context lazily: at
// every draft the common prefix of what it holds and the context is kept,
// the rest rolled back with Truncate (the rejected draft positions) and
// the new tokens (accepted drafts, the target's own token, jump-forward)
// computed in the first of the draft's forward passes.
//
// A DraftModel is not safe for concurrent use: the scheduler's step loop
// owns it, as it owns the target.
type DraftModel struct {
	m     *model.Model
	kv    *kvcache.Cache
	vocab int
	batch model.Batch
}

// NewDraftModel wraps m (which nothing else may use while the draft model
// runs) with a KV pool of its own.
func NewDraftModel(m *model.Model, cfg DraftConfig) (*DraftModel, error) {
	mc := m.Config()
	if cfg.Blocks == 0 {
		cfg.Blocks = 1024
	}
	if cfg.ModelID == "" {
		cfg.ModelID = fmt.Sprintf("draft/%s/%s/%d/%d/%d", mc.Arch, mc.Name, mc.NLayer, mc.NEmbd, mc.NVocab)
	}
	kv, err := kvcache.New(kvcache.Config{Layers: mc.NLayer, Dim: mc.KVDim(), BlockSize: cfg.BlockSize,
		Blocks: cfg.Blocks, ModelID: cfg.ModelID})
	if err != nil {
		return nil, fmt.Errorf("speculate: draft model: %w", err)
	}
	return &DraftModel{m: m, kv: kv, vocab: mc.NVocab}, nil
}

// Model is the draft model.
func (d *DraftModel) Model() *model.Model { return d.m }

// Cache is the draft model's KV cache (for stats and leak checks).
func (d *DraftModel) Cache() *kvcache.Cache { return d.kv }

// ModelSeq is one target sequence's drafter on a DraftModel. It implements
// Drafter; Propose batches the ModelSeqs of one DraftModel instead.
type ModelSeq struct {
	d    *DraftModel
	kv   int // -1: none yet (or freed)
	smp  *sample.Sampler
	temp float32
	rng  *rand.Rand
	q    [][]float32 // Job.Q rows, reused
}

// NewSeq starts a drafter for one sequence. Temperature 0 drafts the
// argmax (for greedy verification); otherwise drafts are drawn from the
// distribution the parameters' sampler draws from (temperature, top-k,
// top-p, min-p; usually the target request's, so that the draft's
// truncation matches the target's), with a generator seeded from p.Seed,
// and their distributions reported for sampling verification. A
// repetition penalty is not applied to drafts.
func (d *DraftModel) NewSeq(p sample.Params) (*ModelSeq, error) {
	p.RepetitionPenalty, p.TopLogprobs = 0, 0
	smp, err := sample.New(p, nil)
	if err != nil {
		return nil, fmt.Errorf("speculate: draft sampler: %w", err)
	}
	return &ModelSeq{d: d, kv: -1, smp: smp, temp: p.Temperature,
		rng: rand.New(rand.NewPCG(p.Seed, 0xda3e39cb94b95bdb))}, nil
}

// Propose implements Drafter (one sequence alone).
func (s *ModelSeq) Propose(ctx []int32, max int) []int32 {
	j := &Job{State: &State{d: s, k: max, max: max}, Ctx: ctx, Limit: max}
	if err := s.d.draft([]*Job{j}); err != nil {
		return nil
	}
	return j.Draft
}

// Close frees the sequence's KV blocks in the draft model.
func (s *ModelSeq) Close() {
	if s.kv >= 0 {
		s.d.kv.Free(s.kv)
		s.kv = -1
	}
}

// sync rolls s's KV sequence back to its common prefix with ctx (leaving
// the last context token to compute: its logits give the first draft) and
// adds up to room of the rest to the batch. It reports whether the whole
// rest is in (the last with logits).
func (s *ModelSeq) sync(ctx []int32, room int) bool {
	kv := s.d.kv
	if s.kv < 0 {
		s.kv = kv.NewSeq()
		kv.Prefix(s.kv, ctx)
	}
	have := kv.Tokens(s.kv)[:kv.ComputedLen(s.kv)]
	c := 0
	for c < len(have) && c < len(ctx) && have[c] == ctx[c] {
		c++
	}
	c = min(c, len(ctx)-1)
	kv.Truncate(s.kv, c)
	rest := ctx[c:]
	take := min(len(rest), room)
	if take <= 0 {
		return false
	}
	if kv.BlocksFor(s.kv, take) > kv.Available() {
		// Start afresh later: the blocks go to the other sequences.
		s.Close()
		return false
	}
	if err := kv.Append(s.kv, rest[:take]); err != nil {
		panic(fmt.Sprintf("BUG: speculate: append after the block check: %v", err))
	}
	for i, t := range rest[:take] {
		s.d.batch.Add(t, c+i, s.kv, i == len(rest)-1)
	}
	return take == len(rest)
}

// choose drafts the token after j.Draft from the draft model's logits row
// (modified: masked) and reports whether one was allowed.
func (s *ModelSeq) choose(j *Job, logits []float32) bool {
	if j.Grammar != nil {
		j.Grammar.Mask(j.Draft, logits)
	}
	best, mx := -1, float32(math.Inf(-1))
	for i, l := range logits {
		if l > mx {
			best, mx = i, l
		}
	}
	if best < 0 || math.IsInf(float64(mx), -1) || math.IsNaN(float64(mx)) {
		return false
	}
	tok := int32(best)
	if s.temp > 0 {
		for len(j.Q) < len(j.Draft) {
			j.Q = append(j.Q, nil) // forced tokens
		}
		i := len(j.Q)
		for len(s.q) <= i {
			s.q = append(s.q, nil)
		}
		if s.q[i] == nil {
			s.q[i] = make([]float32, len(logits))
		}
		q := s.q[i]
		if s.smp.Distribution(logits, q) != nil {
			return false
		}
		r := s.rng.Float64()
		for t, p := range q {
			if r -= float64(p); r < 0 {
				tok = int32(t)
				break
			}
		}
		if q[tok] == 0 {
			tok = int32(best) // rounding left r ≥ 0 at the end
		}
		j.Q = append(j.Q, q)
	}
	j.Draft = append(j.Draft, tok)
	return true
}

// draft runs the draft model for jobs whose drafters are its ModelSeqs:
// the first forward pass brings every sequence's KV up to its context and
// drafts one token each; each further pass drafts one more token for every
// sequence whose draft goes on.
func (d *DraftModel) draft(jobs []*Job) error {
	type run struct {
		j       *Job
		s       *ModelSeq
		want    int // guesses
		lim     int // positions
		row     int
		fed     int // draft tokens in the draft model's KV
		guesses int
	}
	eog := d.m.Tokenizer().IsEOG
	d.batch.Reset()
	var runs []*run
	rows := 0
	for _, j := range jobs {
		s := j.State.d.(*ModelSeq)
		want := j.State.Len()
		if min(want, j.Limit) <= 0 || len(j.Ctx) == 0 {
			continue
		}
		if s.sync(j.Ctx, d.m.MaxBatch()-d.batch.Len()) {
			runs = append(runs, &run{j: j, s: s, want: want, lim: j.Limit, row: rows})
			rows++
		}
	}
	for round := 0; d.batch.Len() > 0; round++ {
		logits, err := d.m.Forward(&d.batch, d.kv)
		if err != nil {
			for _, r := range runs {
				r.s.Close()
				r.j.Draft, r.j.Q = r.j.Draft[:0], r.j.Q[:0]
			}
			return fmt.Errorf("speculate: draft model forward of %d tokens: %w", d.batch.Len(), err)
		}
		for _, e := range d.batch.Entries {
			// Every sequence's entries are consecutive positions up to its
			// last one: mark them computed.
			if n := int(e.Pos) + 1; n > d.kv.ComputedLen(int(e.Seq)) {
				d.kv.SetComputed(int(e.Seq), n)
			}
		}
		// Sequences that caught up only part of their context (longer than
		// the batch) have no run: they draft at a later step.
		d.batch.Reset()
		live := runs[:0]
		for _, r := range runs {
			j := r.j
			if !r.s.choose(j, logits[r.row*d.vocab:(r.row+1)*d.vocab]) {
				continue
			}
			more := !eog(j.Draft[len(j.Draft)-1])
			if j.Grammar != nil {
				n, m := j.Grammar.Allow(j.Draft)
				if n < len(j.Draft) {
					j.Draft = j.Draft[:n]
					j.Q = j.Q[:min(len(j.Q), n)]
					continue
				}
				// Where the schema forces what follows, the forced tokens
				// join the draft and the guessing goes on after them.
				more = more && (m || j.fill(r.lim))
			}
			if r.guesses++; !more || r.guesses >= r.want || len(j.Draft) >= r.lim {
				continue
			}
			// The new tokens go in to draft the next; a full pool ends the
			// draft here.
			feed := j.Draft[r.fed:]
			pos := d.kv.Len(r.s.kv)
			if err := d.kv.Append(r.s.kv, feed); err != nil {
				continue
			}
			for i, t := range feed {
				d.batch.Add(t, pos+i, r.s.kv, i == len(feed)-1)
			}
			r.fed = len(j.Draft)
			r.row = d.batch.NumLogits() - 1
			live = append(live, r)
		}
		runs = live
	}
	return nil
}
