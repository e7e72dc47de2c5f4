package constrain

import (
	_ "embed"
	"fmt"

	"github.com/logsift/logsift/inference/tokenizer"
)

// DefaultSchema is the default classification schema, a copy of the schemas
// module's jsonschema/classification.schema.json (the inference module
// imports nothing of the project; a test keeps the copy equal).
//
//go:embed classification.schema.json
var DefaultSchema []byte

// Matcher follows one generation through an Index for the serving engine:
// it is the sampler's mask (Apply, Accept: package sample's Mask) and the
// scheduler's jump-forward hook (Advance). It is not safe for concurrent
// use; the engine's step loop owns it.
type Matcher struct {
	x    *Index
	tok  *tokenizer.Tokenizer
	jump bool

	st State
	// toks are the output tokens (EOS excluded) and states[i] the state
	// before toks[i]; tokens from tailFrom on were sampled since the last
	// jump and may be re-encoded by the next one (see JumpTokens).
	toks     []int32
	states   []State
	tailFrom int
}

// NewMatcher starts a generation at the index's start state. With
// jumpForward, Advance returns the tokens the schema forces.
func NewMatcher(x *Index, tok *tokenizer.Tokenizer, jumpForward bool) *Matcher {
	return &Matcher{x: x, tok: tok, jump: jumpForward, st: x.Start()}
}

// Apply sets the logits of the tokens not allowed in the current state to
// -Inf (EOS is allowed only where the output is complete).
func (m *Matcher) Apply(logits []float32) { m.x.Mask(m.st).Apply(logits) }

// Accept advances past a sampled token. EOS leaves the state as it is.
func (m *Matcher) Accept(tok int32) error {
	if m.x.IsEOS(tok) {
		if !m.x.Accepting(m.st) {
			return fmt.Errorf("constrain: end of generation %d in state %d, where the output is incomplete", tok, m.st)
		}
		return nil
	}
	ns, ok := m.x.Next(m.st, tok)
	if !ok {
		return fmt.Errorf("constrain: token %d not allowed in state %d", tok, m.st)
	}
	m.toks = append(m.toks, tok)
	m.states = append(m.states, m.st)
	m.st = ns
	return nil
}

// Complete reports whether the output so far is a complete value.
func (m *Matcher) Complete() bool { return m.x.Accepting(m.st) }

// Done reports whether the output is complete and nothing may follow.
func (m *Matcher) Done() bool { return m.x.Done(m.st) }

// Advance is called after every accepted token (and once before the first).
// It returns how many of the output tokens stay (fewer than so far when
// jump-forward re-tokenises the end of the output: the caller drops the
// rest and rewinds their KV positions), the tokens to append without
// sampling, and whether the output is done (nothing may follow). Without
// jump-forward it only reports done.
func (m *Matcher) Advance() (keep int, forced []int32, done bool) {
	keep = len(m.toks)
	// A jump that ends early (JumpTokens fell back to a shorter encoding)
	// may leave more forced bytes; each round adds at least one byte, and
	// the output has at most MaxBytes.
	for m.jump && !m.x.Done(m.st) {
		f, ok := m.x.Forced(m.st)
		if !ok {
			break
		}
		// The tail reaches one token into the previous jump: its last token
		// can merge with what was sampled since ('":"' + '"').
		from := max(m.tailFrom-1, 0)
		tailStart := m.st
		if from < len(m.states) {
			tailStart = m.states[from]
		}
		k, ids, end := JumpTokens(m.tok, m.x, m.toks[from:], tailStart, f)
		if len(ids) == 0 {
			break
		}
		cut := from + k
		if cut < len(m.toks) {
			m.st = m.states[cut]
			m.toks, m.states = m.toks[:cut], m.states[:cut]
		}
		if cut < keep {
			// Rewound past what the caller already has: those are dropped,
			// and forced so far (all after keep) go with them.
			forced = forced[:0]
			keep = cut
		} else {
			forced = forced[:cut-keep]
		}
		for _, t := range ids {
			m.toks = append(m.toks, t)
			m.states = append(m.states, m.st)
			m.st, _ = m.x.Next(m.st, t)
		}
		if m.st != end {
			panic(fmt.Sprintf("BUG: constrain: jump-forward ends in state %d, want %d", m.st, end))
		}
		forced = append(forced, ids...)
		m.tailFrom = len(m.toks)
	}
	return keep, forced, m.x.Done(m.st)
}
