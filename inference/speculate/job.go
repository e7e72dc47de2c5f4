package speculate

// Grammar is what drafting needs from a constraint (the engine adapts its
// constrain.Matcher): drafts are cut where they leave the schema, and a
// draft model's logits are masked as the target's are.
type Grammar interface {
	// Allow returns how many leading tokens of draft may follow the output
	// so far, and whether a token may be guessed after them: false at the
	// end of the value, after an end-of-generation token, and where the
	// schema forces the next bytes (see Forced).
	Allow(draft []int32) (n int, more bool)
	// Forced returns the tokens jump-forward would append after the output
	// and draft (nil if none, or if they cannot be known before the draft
	// is accepted). A draft goes on through them: the scheduler checks them
	// against the Constraint's jump-forward instead of verifying them, so
	// one target forward pass can verify a whole object whose guessed
	// values sit between forced keys.
	Forced(draft []int32) []int32
	// Mask sets the logits of the tokens that may not follow the output
	// and draft to -Inf.
	Mask(draft []int32, logits []float32)
}

// Job is one sequence's draft request in a scheduler step.
type Job struct {
	State *State
	// Ctx is the sequence so far: prompt and output.
	Ctx []int32
	// Limit caps the draft's positions (the step's budget, the tokens
	// left); State.Len caps its guesses (forced tokens carry no risk).
	Limit int
	// Grammar (nil = none) cuts and masks the draft.
	Grammar Grammar

	// Filled in by Propose: the draft; Forced[i] marks draft[i] as a token
	// of the Grammar's jump-forward, not a guess (Grammar.Forced); Q[i] is
	// the draft's distribution over the vocabulary at draft[i] when it was
	// sampled from one (a draft model at temperature > 0), nil for a point
	// mass (prompt lookup, greedy drafting) and for forced tokens (Q may be
	// shorter than Draft).
	Draft  []int32
	Forced []bool
	Q      [][]float32
}

// Guesses counts the drafted tokens that are not forced.
func (j *Job) Guesses() int {
	n := 0
	for i := range j.Draft {
		if i >= len(j.Forced) || !j.Forced[i] {
			n++
		}
	}
	return n
}

// fill appends forced tokens while the schema forces what follows the
// draft (a jump may end where another starts) and reports whether a guess
// may follow: false at the end of the value or when they do not fit.
func (j *Job) fill(max int) bool {
	for {
		if _, more := j.Grammar.Allow(j.Draft); more {
			return true
		}
		if !j.extend(max) {
			return false
		}
	}
}

// extend appends the Grammar's forced tokens after the draft if they fit
// in max, and reports whether it did.
func (j *Job) extend(max int) bool {
	if j.Grammar == nil {
		return false
	}
	f := j.Grammar.Forced(j.Draft)
	if len(f) == 0 || len(j.Draft)+len(f) > max {
		return false
	}
	for len(j.Forced) < len(j.Draft) {
		j.Forced = append(j.Forced, false)
	}
	j.Draft = append(j.Draft, f...)
	for range f {
		j.Forced = append(j.Forced, true)
	}
	if len(j.Q) > 0 {
		for len(j.Q) < len(j.Draft) {
			j.Q = append(j.Q, nil)
		}
	}
	return true
}

// Propose fills in every job's draft. Jobs whose drafters share a draft
// model draft together: one batched forward pass of the draft model per
// drafted position, whatever the number of sequences. An error of a draft
// model leaves its jobs without drafts (decoding goes on without them).
func Propose(jobs []*Job) error {
	var groups map[*DraftModel][]*Job
	for _, j := range jobs {
		j.Draft, j.Forced, j.Q = j.Draft[:0], j.Forced[:0], j.Q[:0]
		want, n := j.State.Len(), j.Limit
		if min(want, n) <= 0 {
			continue
		}
		if ms, ok := j.State.d.(*ModelSeq); ok {
			if groups == nil {
				groups = map[*DraftModel][]*Job{}
			}
			groups[ms.d] = append(groups[ms.d], j)
			continue
		}
		ctx := j.Ctx
		guesses := 0
		for guesses < want && len(j.Draft) < n {
			if len(j.Draft) > 0 {
				ctx = append(ctx[:len(j.Ctx):len(j.Ctx)], j.Draft...)
			}
			d := j.State.d.Propose(ctx, min(want-guesses, n-len(j.Draft)))
			if len(d) == 0 {
				break
			}
			if j.Grammar == nil {
				j.Draft = append(j.Draft, d...)
				break
			}
			// Token by token: a guess stops where the schema forces what
			// follows, and the forced tokens go in as jump-forward writes
			// them (the guessed tokens there might split them otherwise).
			more := true
			for _, t := range d {
				k, m := j.Grammar.Allow(append(j.Draft, t))
				if k < len(j.Draft)+1 {
					more = false
					break
				}
				j.Draft = append(j.Draft, t)
				guesses++
				if !m {
					more = j.fill(n)
					break
				}
			}
			if !more {
				break
			}
		}
		if len(j.Forced) > 0 {
			for len(j.Forced) < len(j.Draft) {
				j.Forced = append(j.Forced, false)
			}
		}
	}
	var first error
	for d, g := range groups {
		if err := d.draft(g); err != nil && first == nil {
			first = err
		}
	}
	return first
}
