package speculate

// Grammar is what drafting needs from a constraint (the engine adapts its
// constrain.Matcher): drafts are cut where they leave the schema, and a
// draft model's logits are masked as the target's are.
type Grammar interface {
	// Allow returns how many leading tokens of draft may follow the output
	// so far, and whether a token may be drafted after them: false at the
	// end of the value, after an end-of-generation token, and where the
	// schema forces the next bytes (jump-forward appends those without a
	// draft or a verification).
	Allow(draft []int32) (n int, more bool)
	// Mask sets the logits of the tokens that may not follow the output
	// and draft to -Inf.
	Mask(draft []int32, logits []float32)
}

// Job is one sequence's draft request in a scheduler step.
type Job struct {
	State *State
	// Ctx is the sequence so far: prompt and output.
	Ctx []int32
	// Limit caps the draft (the step's budget, the tokens left).
	Limit int
	// Grammar (nil = none) cuts and masks the draft.
	Grammar Grammar

	// Filled in by Propose: the draft, and Q[i] the draft's distribution
	// over the vocabulary at draft[i] when it was sampled from one (a draft
	// model at temperature > 0), nil for a point mass (prompt lookup,
	// greedy drafting).
	Draft []int32
	Q     [][]float32
}

// Propose fills in every job's draft. Jobs whose drafters share a draft
// model draft together: one batched forward pass of the draft model per
// drafted position, whatever the number of sequences. An error of a draft
// model leaves its jobs without drafts (decoding goes on without them).
func Propose(jobs []*Job) error {
	var groups map[*DraftModel][]*Job
	for _, j := range jobs {
		j.Draft, j.Q = j.Draft[:0], j.Q[:0]
		n := min(j.State.Len(), j.Limit)
		if n <= 0 {
			continue
		}
		if ms, ok := j.State.d.(*ModelSeq); ok {
			if groups == nil {
				groups = map[*DraftModel][]*Job{}
			}
			groups[ms.d] = append(groups[ms.d], j)
			continue
		}
		d := j.State.d.Propose(j.Ctx, n)
		if j.Grammar != nil && len(d) > 0 {
			k, _ := j.Grammar.Allow(d)
			d = d[:k]
		}
		j.Draft = append(j.Draft, d...)
	}
	var first error
	for d, g := range groups {
		if err := d.draft(g); err != nil && first == nil {
			first = err
		}
	}
	return first
}
