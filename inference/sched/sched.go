package sched

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/logsift/logsift/inference/kvcache"
	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/sample"
	"github.com/logsift/logsift/inference/speculate"
)

// Forwarder runs the model: *model.Model.
type Forwarder interface {
	Forward(b *model.Batch, kv model.KV) ([]float32, error)
}

// Config configures a Scheduler.
type Config struct {
	// StepTokens is the token budget of one step's batch (at most the
	// model's MaxBatch).
	StepTokens int
	// MaxSeqs caps the running sequences (0 = 256).
	MaxSeqs int
	// Vocab is the number of logits per row.
	Vocab int
	// NoPrefixCache turns prefix reuse off (blocks are still pooled).
	NoPrefixCache bool
	// IsEOG reports end-of-generation tokens (nil = none).
	IsEOG func(int32) bool
	// Decode renders tokens as text for stop strings (nil = stop strings
	// are not checked).
	Decode func([]int32) string
	Logger *slog.Logger
}

// Finish reasons.
const (
	FinishLength = "length" // max tokens
	FinishEOG    = "eog"    // end-of-generation token (kept as the last token)
	FinishStop   = "stop"   // a stop string
	// FinishComplete: the sequence's Constraint says the output is done
	// (a constrained value nothing may follow).
	FinishComplete = "complete"
)

// Constraint is the scheduler's side of constrained decoding (the sampler's
// side is its sample.Mask, usually the same object; constrain.Matcher is
// both). Advance is called once when the sequence is added and after every
// sampled token the mask accepted (not after an end-of-generation token).
// It returns how many output tokens stay (jump-forward may re-tokenise the
// end of the output: the scheduler drops the rest and rewinds their KV
// positions), tokens to append without sampling (their keys and values are
// computed in one chunk at the next step, with logits for the last one
// only), and whether the output is done.
type Constraint interface {
	Advance() (keep int, forced []int32, done bool)
}

// Seq is one request inside the scheduler.
type Seq struct {
	Ctx       context.Context
	Prompt    []int32
	MaxTokens int
	Stop      []string
	IgnoreEOG bool
	Sampler   *sample.Sampler
	// OnToken is called from the step loop for every generated token; it
	// must not block.
	OnToken func(sample.Choice)
	// Constraint (nil = none) adds jump-forward and completion; see
	// Constraint.
	Constraint Constraint
	// OnJump is called from the step loop when Constraint changes the
	// output: Out was cut to keep tokens, then forced appended. It must
	// not block.
	OnJump func(keep int, forced []int32)
	// OnFinish is called once from the step loop when the sequence leaves:
	// with the reason, or with err when it was cancelled or failed.
	OnFinish func(reason string, err error)
	// Speculate (nil = off) drafts tokens that the step after verifies
	// with the target in the same forward pass: the Sampler's Verify keeps
	// the output that of plain decoding (greedy: token for token; sampling:
	// in distribution). With a Constraint that implements
	// speculate.Grammar, drafts are cut where they leave the schema. The
	// scheduler closes it when the sequence leaves.
	Speculate *speculate.State

	// Filled in by the scheduler.
	Out        []int32
	PrefixHits int // prompt positions taken from the prefix cache (first admission)
	Preempted  int // times preempted
	Forwards   int // steps whose batch held tokens of this sequence
	Forced     int // tokens appended by Constraint (jump-forward)
	Drafted    int // draft tokens verified
	Accepted   int // of those, accepted

	draft     []int32 // drafted tokens in the current step's batch
	draftRows []int   // logits row of each draft position, -1 where none is needed
	job       speculate.Job

	kv       int // kvcache sequence, -1 when not admitted
	admitted uint64
	pending  []int32 // prompt (+ generated, after preemption) for the current admission
	inBatch  int     // tokens in the current step's batch
	row      int     // logits row in the current step, -1 if none
	done     bool
}

// Stats are the scheduler's counters (totals since New) and gauges.
type Stats struct {
	Running, Waiting int
	Steps            int64
	BatchTokens      int64 // Σ tokens over steps
	LastBatchTokens  int
	PromptTokens     int64 // prompt tokens of admitted requests (first admission)
	PrefixHitTokens  int64 // of those, taken from the prefix cache
	PrefillTokens    int64 // prompt tokens computed (incl. recomputation after preemption)
	GeneratedTokens  int64 // sampled
	ForcedTokens     int64 // appended by jump-forward without sampling
	RewoundTokens    int64 // computed positions rolled back by jump-forward re-tokenisation
	Preemptions      int64
	DraftedTokens    int64 // speculative draft tokens verified
	AcceptedTokens   int64 // of those, accepted (equal to the target's token)
	Verifications    int64 // sequence-steps that verified a draft
	// SamplingSteps are sequence-steps that sampled: one per generated
	// token without speculation, fewer with it (GeneratedTokens /
	// SamplingSteps is the tokens per target forward of a sequence).
	SamplingSteps   int64
	Finished        int64
	Cancelled       int64
	KV              kvcache.Stats
	KVBytesPerToken int64
	ForwardTime     time.Duration // Σ time in Forward
}

// Scheduler batches sequences over one model and one KV cache.
type Scheduler struct {
	cfg     Config
	fwd     Forwarder
	kv      *kvcache.Cache
	log     *slog.Logger
	running []*Seq // admission order
	waiting []*Seq
	admits  uint64
	batch   model.Batch
	rows    int // logits rows in batch
	inStep  []*Seq
	drafts  []*Seq
	jobs    []*speculate.Job

	mu    sync.Mutex
	stats Stats
}

// New makes a scheduler.
func New(fwd Forwarder, kv *kvcache.Cache, cfg Config) (*Scheduler, error) {
	if cfg.StepTokens <= 0 {
		return nil, fmt.Errorf("sched: step token budget %d must be positive", cfg.StepTokens)
	}
	if cfg.Vocab <= 0 {
		return nil, fmt.Errorf("sched: vocabulary size %d must be positive", cfg.Vocab)
	}
	if cfg.MaxSeqs == 0 {
		cfg.MaxSeqs = 256
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Scheduler{cfg: cfg, fwd: fwd, kv: kv, log: log}
	s.stats.KV = kv.Stats()
	s.stats.KVBytesPerToken = kv.BytesPerToken()
	return s, nil
}

// Add queues a sequence; it joins the batch at a coming step.
func (s *Scheduler) Add(q *Seq) error {
	if len(q.Prompt) == 0 {
		return fmt.Errorf("sched: empty prompt")
	}
	if q.MaxTokens <= 0 {
		return fmt.Errorf("sched: max tokens %d must be positive", q.MaxTokens)
	}
	bs := s.kv.BlockSize()
	if need := (len(q.Prompt) + q.MaxTokens + bs - 1) / bs; need > s.kv.Stats().Blocks {
		return fmt.Errorf("sched: prompt of %d tokens + %d new tokens needs %d KV blocks, the pool has %d",
			len(q.Prompt), q.MaxTokens, need, s.kv.Stats().Blocks)
	}
	q.kv, q.row = -1, -1
	// Clipped: appending output must copy, not write into spare capacity
	// of the caller's prompt, which other requests may share.
	q.pending = slices.Clip(q.Prompt)
	if q.Constraint != nil {
		// A schema usually forces the output's first bytes ('{"severity":"').
		if s.advance(q) {
			s.finish(q, FinishComplete, nil)
			return nil
		}
		if len(q.Out) >= q.MaxTokens {
			s.finish(q, FinishLength, nil)
			return nil
		}
	}
	s.waiting = append(s.waiting, q)
	return nil
}

// advance asks q's Constraint for its jump-forward and applies it to Out,
// pending and the KV sequence. It reports whether the output is done.
// Tokens beyond MaxTokens are dropped: stopReason then ends q.
func (s *Scheduler) advance(q *Seq) bool {
	keep, forced, done := q.Constraint.Advance()
	return s.jump(q, keep, forced, done)
}

// jump applies a Constraint's Advance result to q (see advance).
func (s *Scheduler) jump(q *Seq, keep int, forced []int32, done bool) bool {
	if keep > len(q.Out) {
		panic(fmt.Sprintf("BUG: sched: constraint keeps %d of %d output tokens", keep, len(q.Out)))
	}
	if keep == len(q.Out) && len(forced) == 0 {
		return done
	}
	forced = forced[:min(len(forced), q.MaxTokens-keep)]
	q.Out = append(q.Out[:keep], forced...)
	// pending is always Prompt followed by Out.
	q.pending = append(q.pending[:len(q.Prompt)+keep], forced...)
	q.Forced += len(forced)
	rewound := 0
	if q.kv >= 0 && s.kv.ComputedLen(q.kv) > len(q.Prompt)+keep {
		// Re-tokenised positions: their keys and values are computed again.
		rewound = s.kv.ComputedLen(q.kv) - len(q.Prompt) - keep
		s.kv.Truncate(q.kv, len(q.Prompt)+keep)
	}
	s.mu.Lock()
	s.stats.ForcedTokens += int64(len(forced))
	s.stats.RewoundTokens += int64(rewound)
	s.mu.Unlock()
	if q.OnJump != nil {
		q.OnJump(keep, forced)
	}
	return done
}

// Idle reports whether no sequence is running or waiting.
func (s *Scheduler) Idle() bool { return len(s.running) == 0 && len(s.waiting) == 0 }

// Cache is the KV cache (for the loop that owns the scheduler).
func (s *Scheduler) Cache() *kvcache.Cache { return s.kv }

// Stats returns a snapshot of the counters; safe from any goroutine.
func (s *Scheduler) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// DropAll ends every sequence with err (engine shutdown).
func (s *Scheduler) DropAll(err error) {
	for _, q := range slices.Concat(s.running, s.waiting) {
		s.finish(q, "", err)
	}
	s.running, s.waiting = nil, nil
	s.publish(0)
}

// Step runs one iteration: drop cancelled sequences, build a batch, run the
// model, sample, retire finished sequences. It returns the number of batch
// tokens (0 when there was nothing to do). An error from the model fails
// the sequences of the batch and is returned.
func (s *Scheduler) Step() (int, error) {
	s.dropCancelled()
	s.batch.Reset()
	s.rows = 0
	s.inStep = s.inStep[:0]
	budget := s.cfg.StepTokens

	// Decodes first, oldest first.
	for i := 0; i < len(s.running) && budget > 0; i++ {
		q := s.running[i]
		if s.pendingLen(q) != 1 {
			continue
		}
		if !s.schedule(q, 1) {
			i-- // q itself was preempted and removed
			continue
		}
		budget--
	}
	// Then prompt chunks of running sequences.
	for i := 0; i < len(s.running) && budget > 0; i++ {
		q := s.running[i]
		n := s.pendingLen(q)
		if n <= 1 || q.inBatch > 0 {
			continue
		}
		if !s.schedule(q, min(n, budget)) {
			i--
			continue
		}
		budget -= q.inBatch
	}
	// Then admissions.
	for len(s.waiting) > 0 && budget > 0 && len(s.running) < s.cfg.MaxSeqs {
		q := s.waiting[0]
		if !s.admit(q, budget) {
			break
		}
		s.waiting = s.waiting[1:]
		budget -= q.inBatch
	}
	// Drafts last: they take only budget and blocks nobody else's work
	// needed this step, so they never delay a decode, a prompt or an
	// admission.
	s.speculate(budget)
	n := s.batch.Len()
	if n == 0 {
		s.publish(0)
		return 0, nil
	}

	t0 := time.Now()
	logits, err := s.fwd.Forward(&s.batch, s.kv)
	dt := time.Since(t0)
	if err != nil {
		err = fmt.Errorf("sched: forward of %d tokens: %w", n, err)
		for _, q := range s.inStep {
			s.remove(q)
			s.finish(q, "", err)
		}
		s.publish(n)
		return n, err
	}
	for _, q := range s.inStep {
		if len(q.draft) > 0 {
			s.verify(q, logits)
			continue
		}
		s.kv.SetComputed(q.kv, s.kv.ComputedLen(q.kv)+q.inBatch)
		q.inBatch = 0
		if q.row < 0 {
			continue
		}
		row := logits[q.row*s.cfg.Vocab : (q.row+1)*s.cfg.Vocab]
		q.row = -1
		c, err := q.Sampler.Sample(row)
		if err != nil {
			s.remove(q)
			s.finish(q, "", err)
			continue
		}
		// Counted before the sequence can finish: a caller that reads Stats
		// right after its result must see its tokens.
		s.mu.Lock()
		s.stats.GeneratedTokens++
		s.stats.SamplingSteps++
		s.mu.Unlock()
		q.Out = append(q.Out, c.Token)
		q.pending = append(q.pending, c.Token)
		if q.OnToken != nil {
			q.OnToken(c)
		}
		reason := s.stopReason(q, c.Token)
		if reason == "" && q.Constraint != nil && s.advance(q) {
			reason = FinishComplete
		}
		if reason == "" && len(q.Out) >= q.MaxTokens {
			reason = FinishLength
		}
		if reason != "" {
			s.remove(q)
			s.finish(q, reason, nil)
		}
	}
	s.mu.Lock()
	s.stats.ForwardTime += dt
	s.mu.Unlock()
	s.publish(n)
	return n, nil
}

// forcedRoom is the room a draft has for forced tokens between its
// guesses: a few keys of an object.
const forcedRoom = 16

// speculate drafts for the sequences of the batch whose chunk reaches the
// end of their pending tokens (a decode, the last prompt chunk, a
// jump-forward chunk) and appends the drafts to the batch, each position
// with logits. Budget and free blocks are handed out in batch order before
// drafting; drafts never preempt.
func (s *Scheduler) speculate(budget int) {
	s.drafts, s.jobs = s.drafts[:0], s.jobs[:0]
	avail := s.kv.Available()
	for _, q := range s.inStep {
		if budget <= 0 {
			break
		}
		if q.Speculate == nil || q.row < 0 {
			continue
		}
		// k drafts yield up to k+1 tokens; more than MaxTokens are wasted.
		// The drafter guesses at most State.Len tokens; with a schema, the
		// tokens it forces between them come on top (up to forcedRoom).
		g, _ := q.Constraint.(speculate.Grammar)
		k := q.Speculate.Len()
		if k == 0 {
			continue
		}
		if g != nil {
			k += forcedRoom
		}
		limit := min(budget, q.MaxTokens-len(q.Out)-1, k)
		for limit > 0 && s.kv.BlocksFor(q.kv, limit) > avail {
			limit--
		}
		if limit <= 0 {
			continue
		}
		avail -= s.kv.BlocksFor(q.kv, limit)
		budget -= limit
		q.job = speculate.Job{State: q.Speculate, Ctx: q.pending, Limit: limit, Grammar: g,
			Draft: q.job.Draft, Q: q.job.Q}
		s.drafts = append(s.drafts, q)
		s.jobs = append(s.jobs, &q.job)
	}
	if len(s.jobs) == 0 {
		return
	}
	if err := speculate.Propose(s.jobs); err != nil {
		s.log.Warn("drafting failed; decoding without drafts this step", "err", err)
	}
	for _, q := range s.drafts {
		d := q.job.Draft
		if len(d) == 0 {
			continue
		}
		from := len(q.pending) // the draft's first position
		if err := s.kv.Append(q.kv, d); err != nil {
			panic(fmt.Sprintf("BUG: sched: append after the block check: %v", err))
		}
		q.draftRows = q.draftRows[:0]
		for i, t := range d {
			// A position's logits verify the next token: none are needed
			// before a forced one (checked against the jump-forward).
			logits := i+1 == len(d) || !(i+1 < len(q.job.Forced) && q.job.Forced[i+1])
			r := -1
			if logits {
				r = s.rows
				s.rows++
			}
			q.draftRows = append(q.draftRows, r)
			s.batch.Add(t, from+i, q.kv, logits)
		}
		q.draft = append(q.draft[:0], d...)
		q.inBatch += len(d)
	}
}

// verify takes q's rows in order with its Sampler's Verify while the
// draft is accepted, then keeps the computed positions of the accepted
// prefix and rolls the rest back. A Constraint is advanced after every
// token as in plain decoding; where it jumps forward, the verification
// goes on if the draft holds exactly the forced tokens (their keys and
// values are already computed, in the right context) and ends otherwise.
func (s *Scheduler) verify(q *Seq, logits []float32) {
	k := len(q.draft)
	base := len(q.pending) // q's chunk ended here; draft[i] is at base+i
	q.inBatch = 0
	guessed := q.job.Guesses()
	accepted := 0 // guesses accepted
	kept := 0     // draft positions whose token is now output
	reason := ""
	jumped, keep, forced, done := false, 0, []int32(nil), false
	s.mu.Lock()
	s.stats.SamplingSteps++
	s.mu.Unlock()
	r := q.row // the row that predicts draft[i]
	i := 0
	for {
		row := logits[r*s.cfg.Vocab : (r+1)*s.cfg.Vocab]
		var c sample.Choice
		var hit bool
		var err error
		if i < k {
			var dist []float32
			if i < len(q.job.Q) {
				dist = q.job.Q[i]
			}
			c, hit, err = q.Sampler.Verify(row, q.draft[i], dist)
		} else {
			c, err = q.Sampler.Sample(row)
		}
		if err != nil {
			q.row, q.draft = -1, q.draft[:0]
			s.countDraft(q, guessed, accepted)
			s.remove(q)
			s.finish(q, "", err)
			return
		}
		s.mu.Lock()
		s.stats.GeneratedTokens++
		s.mu.Unlock()
		q.Out = append(q.Out, c.Token)
		q.pending = append(q.pending, c.Token)
		if q.OnToken != nil {
			q.OnToken(c)
		}
		if hit {
			accepted++
			kept++
		}
		if reason = s.stopReason(q, c.Token); reason != "" {
			break
		}
		if q.Constraint != nil {
			keep, forced, done = q.Constraint.Advance()
			if keep != len(q.Out) || len(forced) > 0 {
				n := len(forced)
				if !hit || keep != len(q.Out) || i+1+n > k || !slices.Equal(q.draft[i+1:i+1+n], forced) ||
					len(q.Out)+n > q.MaxTokens || q.draftRows[i+n] < 0 {
					jumped = true
					break
				}
				// The draft holds the jump: its positions are computed.
				s.jump(q, keep, forced, false)
				kept += n
				i += n
			}
			if done {
				reason = FinishComplete
				break
			}
		}
		if !hit {
			break
		}
		if q.draftRows[i] < 0 {
			// The draft expected forced tokens the Constraint did not
			// force: the last token's position is computed again.
			kept--
			break
		}
		r = q.draftRows[i]
		i++
	}
	q.row, q.draft = -1, q.draft[:0]
	s.countDraft(q, guessed, accepted)
	if reason != "" {
		s.remove(q)
		s.finish(q, reason, nil)
		return
	}
	// The chunk and the kept draft positions hold keys and values; the
	// rejected ones go. The last output token, unless a kept draft, is
	// pending.
	n := base + kept
	s.kv.Truncate(q.kv, n)
	s.kv.SetComputed(q.kv, n)
	if jumped && s.jump(q, keep, forced, done) {
		reason = FinishComplete
	}
	if reason == "" && len(q.Out) >= q.MaxTokens {
		reason = FinishLength
	}
	if reason != "" {
		s.remove(q)
		s.finish(q, reason, nil)
	}
}

func (s *Scheduler) countDraft(q *Seq, drafted, accepted int) {
	q.Speculate.Update(drafted, accepted)
	q.Drafted += drafted
	q.Accepted += accepted
	s.mu.Lock()
	s.stats.DraftedTokens += int64(drafted)
	s.stats.AcceptedTokens += int64(accepted)
	s.stats.Verifications++
	s.mu.Unlock()
}

// pendingLen is how many tokens of q are not computed yet.
func (s *Scheduler) pendingLen(q *Seq) int {
	return len(q.pending) - s.kv.ComputedLen(q.kv)
}

// schedule puts the next n pending tokens of running sequence q into the
// batch, preempting younger sequences for blocks. It returns false if q
// itself had to be preempted.
func (s *Scheduler) schedule(q *Seq, n int) bool {
	for s.kv.BlocksFor(q.kv, n) > s.kv.Available() {
		v := s.victim()
		if v == nil || v == q {
			s.preempt(q)
			return false
		}
		s.preempt(v)
	}
	s.add(q, n)
	return true
}

// victim is the most recently admitted running sequence with nothing in
// this step's batch.
func (s *Scheduler) victim() *Seq {
	for i := len(s.running) - 1; i >= 0; i-- {
		if s.running[i].inBatch == 0 {
			return s.running[i]
		}
	}
	return nil
}

func (s *Scheduler) preempt(q *Seq) {
	s.kv.Free(q.kv)
	q.kv = -1
	q.Preempted++
	s.remove(q)
	// Generated tokens become prompt: recomputed, not sampled again.
	s.waiting = slices.Insert(s.waiting, 0, q)
	s.mu.Lock()
	s.stats.Preemptions++
	s.mu.Unlock()
	s.log.Debug("preempted", "tokens", len(q.pending))
}

// admit starts waiting sequence q with up to budget tokens if the pool has
// room for them; otherwise it leaves q waiting.
func (s *Scheduler) admit(q *Seq, budget int) bool {
	id := s.kv.NewSeq()
	hit := 0
	if !s.cfg.NoPrefixCache {
		hit = s.kv.Prefix(id, q.pending)
	}
	n := min(len(q.pending)-hit, budget)
	if s.kv.BlocksFor(id, n) > s.kv.Available() {
		s.kv.Free(id)
		return false
	}
	q.kv = id
	s.admits++
	q.admitted = s.admits
	s.running = append(s.running, q)
	if q.Preempted == 0 {
		q.PrefixHits = hit
		s.mu.Lock()
		s.stats.PromptTokens += int64(len(q.Prompt))
		s.stats.PrefixHitTokens += int64(hit)
		s.mu.Unlock()
	}
	s.add(q, n)
	return true
}

// add appends the next n pending tokens of q to its KV sequence and batch.
func (s *Scheduler) add(q *Seq, n int) {
	from := s.kv.ComputedLen(q.kv)
	toks := q.pending[from : from+n]
	if err := s.kv.Append(q.kv, toks); err != nil {
		panic(fmt.Sprintf("BUG: sched: append after the block check: %v", err))
	}
	last := from+n == len(q.pending)
	for i, t := range toks {
		logits := last && i == n-1
		if logits {
			q.row = s.rows
			s.rows++
		}
		s.batch.Add(t, from+i, q.kv, logits)
	}
	q.inBatch = n
	q.Forwards++
	s.inStep = append(s.inStep, q)
	if !(n == 1 && len(q.Out) > 0 && last) {
		s.mu.Lock()
		s.stats.PrefillTokens += int64(n)
		s.mu.Unlock()
	}
}

func (s *Scheduler) stopReason(q *Seq, tok int32) string {
	if !q.IgnoreEOG && s.cfg.IsEOG != nil && s.cfg.IsEOG(tok) {
		return FinishEOG
	}
	if len(q.Stop) > 0 && s.cfg.Decode != nil {
		// Decoding the whole output each step is quadratic, but outputs are
		// short and a stop string may span tokens.
		text := s.cfg.Decode(q.Out)
		for _, st := range q.Stop {
			if st != "" && strings.Contains(text, st) {
				return FinishStop
			}
		}
	}
	if len(q.Out) >= q.MaxTokens {
		return FinishLength
	}
	return ""
}

func (s *Scheduler) dropCancelled() {
	keep := s.running[:0]
	for _, q := range s.running {
		if err := q.Ctx.Err(); err != nil {
			s.kv.Free(q.kv)
			q.kv = -1
			s.finish(q, "", err)
			continue
		}
		keep = append(keep, q)
	}
	clear(s.running[len(keep):])
	s.running = keep
	wk := s.waiting[:0]
	for _, q := range s.waiting {
		if err := q.Ctx.Err(); err != nil {
			s.finish(q, "", err)
			continue
		}
		wk = append(wk, q)
	}
	clear(s.waiting[len(wk):])
	s.waiting = wk
}

// remove takes running q out of the running list, freeing its KV sequence.
func (s *Scheduler) remove(q *Seq) {
	if i := slices.Index(s.running, q); i >= 0 {
		s.running = slices.Delete(s.running, i, i+1)
	}
	if q.kv >= 0 {
		s.kv.Free(q.kv)
		q.kv = -1
	}
}

func (s *Scheduler) finish(q *Seq, reason string, err error) {
	if q.done {
		return
	}
	if q.kv >= 0 {
		s.kv.Free(q.kv)
		q.kv = -1
	}
	q.done = true
	if q.Speculate != nil {
		q.Speculate.Close()
	}
	s.mu.Lock()
	if err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		s.stats.Cancelled++
	} else {
		s.stats.Finished++
	}
	s.mu.Unlock()
	if q.OnFinish != nil {
		q.OnFinish(reason, err)
	}
}

// Refresh updates the gauges of Stats (after changing the cache between
// steps).
func (s *Scheduler) Refresh() { s.publish(0) }

func (s *Scheduler) publish(batchTokens int) {
	kv := s.kv.Stats()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Running, s.stats.Waiting = len(s.running), len(s.waiting)
	s.stats.KV = kv
	if batchTokens > 0 {
		s.stats.Steps++
		s.stats.BatchTokens += int64(batchTokens)
	}
	s.stats.LastBatchTokens = batchTokens
}
