package speculate

// Drafter proposes up to max tokens likely to follow ctx (the prompt and
// the output so far). It may return fewer or none. The returned slice is
// read before the next call only.
type Drafter interface {
	Propose(ctx []int32, max int) []int32
}

// Lookup is the prompt-lookup drafter: it finds the most recent earlier
// occurrence of the last MaxN tokens of the context (then MaxN-1, down to
// 1) and proposes what followed it. The zero value uses n-grams of 3 to 1.
type Lookup struct {
	// MaxN is the longest n-gram tried (0 = 3).
	MaxN int
}

// Propose implements Drafter.
func (l Lookup) Propose(ctx []int32, max int) []int32 {
	maxN := l.MaxN
	if maxN <= 0 {
		maxN = 3
	}
	if max <= 0 {
		return nil
	}
	for n := min(maxN, len(ctx)-1); n >= 1; n-- {
		tail := ctx[len(ctx)-n:]
		// The most recent match is the best guess: outputs copy the text
		// they just read. i is the match's start; it must end before the
		// tail's last token so that a continuation exists.
		for i := len(ctx) - n - 1; i >= 0; i-- {
			if equal(ctx[i:i+n], tail) {
				return copyOn(ctx, i+n, max)
			}
		}
	}
	return nil
}

// copyOn copies max tokens from ctx[from:], reading on into the copy itself
// where it passes the end of ctx (an overlapping copy, as in LZ77): the most
// recent match of a periodic tail is one period back, and its continuation
// is the period repeated.
func copyOn(ctx []int32, from, max int) []int32 {
	d := make([]int32, max)
	for j := range d {
		if p := from + j; p < len(ctx) {
			d[j] = ctx[p]
		} else {
			d[j] = d[p-len(ctx)]
		}
	}
	return d
}

func equal(a, b []int32) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Adapt configures the draft-length control of a State.
type Adapt struct {
	// Max is the longest draft (0 = 8).
	Max int
	// Start is the first draft length (0 = 4, at most Max).
	Start int
	// OffAfter turns drafting off after that many verifications in a row
	// accepted nothing (0 = 4; negative = never).
	OffAfter int
}

// State is one sequence's drafter with its adaptive draft length. It is
// not safe for concurrent use (the scheduler's step loop owns it).
type State struct {
	d      Drafter
	max, k int
	off    int
	zeros  int
	dead   bool

	Drafted, Accepted int // totals over the sequence
	Verifications     int // forward passes that verified a draft
}

// NewState wraps d with the adaptive length control of a.
func NewState(d Drafter, a Adapt) *State {
	if a.Max <= 0 {
		a.Max = 8
	}
	if a.Start <= 0 {
		a.Start = 4
	}
	if a.OffAfter == 0 {
		a.OffAfter = 4
	}
	return &State{d: d, max: a.Max, k: min(a.Start, a.Max), off: a.OffAfter}
}

// Drafter returns the wrapped drafter.
func (s *State) Drafter() Drafter { return s.d }

// Close releases what the drafter holds (a draft model's KV blocks); the
// scheduler calls it when the sequence leaves.
func (s *State) Close() {
	if c, ok := s.d.(interface{ Close() }); ok {
		c.Close()
	}
}

// Off reports whether drafting was turned off for not paying.
func (s *State) Off() bool { return s.dead }

// Len is the current draft length (0 when off).
func (s *State) Len() int {
	if s.dead {
		return 0
	}
	return s.k
}

// Propose drafts up to min(Len, limit) tokens after ctx.
func (s *State) Propose(ctx []int32, limit int) []int32 {
	n := min(s.Len(), limit)
	if n <= 0 {
		return nil
	}
	return s.d.Propose(ctx, n)
}

// Update records a verification of drafted tokens of which accepted (a
// prefix) matched the target: full acceptance lengthens the next draft,
// a rejection shortens it to one more than what was accepted, and OffAfter
// zero-acceptance verifications in a row turn drafting off.
func (s *State) Update(drafted, accepted int) {
	if drafted <= 0 {
		return
	}
	s.Drafted += drafted
	s.Accepted += accepted
	s.Verifications++
	switch {
	case accepted >= drafted:
		s.k = min(s.max, s.k+2)
		s.zeros = 0
	case accepted == 0:
		s.k = max(1, s.k/2)
		s.zeros++
		if s.off > 0 && s.zeros >= s.off {
			s.dead = true
		}
	default:
		s.k = max(1, accepted+1)
		s.zeros = 0
	}
}
