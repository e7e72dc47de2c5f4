package engine

import (
	"github.com/logsift/logsift/inference/constrain"
	"github.com/logsift/logsift/inference/tokenizer"
)

// grammar is a request's constrain.Matcher seen by the scheduler: the
// Constraint (jump-forward) and, for speculative decoding, the
// speculate.Grammar that cuts drafts leaving the schema and masks a draft
// model's logits. The Matcher keeps its automaton state to itself, so
// grammar follows the same tokens through the Index: the sampler reports
// every accepted token (it is the sampler's Mask), and Advance's cuts and
// forced tokens are replayed.
type grammar struct {
	m      *constrain.Matcher
	x      *constrain.Index
	tok    *tokenizer.Tokenizer
	jump   bool
	st     constrain.State
	toks   []int32           // output tokens (EOS excluded)
	states []constrain.State // states[i]: before toks[i]
	// tailFrom mirrors the Matcher's: the output length after the last
	// jump-forward (JumpTokens re-encodes from one token before it).
	tailFrom int
}

func newGrammar(m *constrain.Matcher, x *constrain.Index, tok *tokenizer.Tokenizer, jump bool) *grammar {
	return &grammar{m: m, x: x, tok: tok, jump: jump, st: x.Start()}
}

// Apply implements sample.Mask.
func (g *grammar) Apply(logits []float32) { g.m.Apply(logits) }

// Accept implements sample.Mask.
func (g *grammar) Accept(tok int32) error {
	if err := g.m.Accept(tok); err != nil {
		return err
	}
	if !g.x.IsEOS(tok) {
		g.push(tok)
	}
	return nil
}

func (g *grammar) push(tok int32) {
	ns, ok := g.x.Next(g.st, tok)
	if !ok {
		panic("BUG: engine: the matcher accepted a token its index does not")
	}
	g.toks = append(g.toks, tok)
	g.states = append(g.states, g.st)
	g.st = ns
}

// Advance implements sched.Constraint.
func (g *grammar) Advance() (keep int, forced []int32, done bool) {
	keep, forced, done = g.m.Advance()
	if keep < len(g.states) {
		g.st = g.states[keep]
		g.toks, g.states = g.toks[:keep], g.states[:keep]
	}
	for _, t := range forced {
		g.push(t)
	}
	if len(forced) > 0 {
		g.tailFrom = len(g.toks)
	}
	return keep, forced, done
}

// Allow implements speculate.Grammar.
func (g *grammar) Allow(draft []int32) (int, bool) {
	st := g.st
	for i, t := range draft {
		if g.x.IsEOS(t) {
			if g.x.Accepting(st) {
				return i + 1, false
			}
			return i, false
		}
		ns, ok := g.x.Next(st, t)
		if !ok {
			return i, false
		}
		st = ns
	}
	if g.x.Done(st) {
		return len(draft), false
	}
	_, forced := g.x.Forced(st)
	return len(draft), !(forced && g.jump)
}

// Forced implements speculate.Grammar: the first round of what the
// Matcher's Advance would append once the draft is accepted (the same
// JumpTokens over the same tail), nil where that jump would re-tokenise
// drafted tokens.
func (g *grammar) Forced(draft []int32) []int32 {
	if !g.jump {
		return nil
	}
	toks := append(g.toks[:len(g.toks):len(g.toks)], draft...)
	states := g.states
	st := g.st
	for _, t := range draft {
		states = append(states[:len(states):len(states)], st)
		var ok bool
		if st, ok = g.x.Next(st, t); !ok || g.x.IsEOS(t) {
			return nil
		}
	}
	if g.x.Done(st) {
		return nil
	}
	f, ok := g.x.Forced(st)
	if !ok {
		return nil
	}
	from := max(g.tailFrom-1, 0)
	tailStart := st
	if from < len(states) {
		tailStart = states[from]
	}
	keep, ids, _ := constrain.JumpTokens(g.tok, g.x, toks[from:], tailStart, f)
	if from+keep != len(toks) {
		return nil
	}
	return ids
}

// Mask implements speculate.Grammar.
func (g *grammar) Mask(draft []int32, logits []float32) {
	st := g.st
	for _, t := range draft {
		if g.x.IsEOS(t) {
			continue
		}
		st, _ = g.x.Next(st, t)
	}
	g.x.Mask(st).Apply(logits)
}
