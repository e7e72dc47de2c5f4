package engine

import (
	"github.com/logsift/logsift/inference/constrain"
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
	jump   bool
	st     constrain.State
	states []constrain.State // states[i]: before output token i (EOS excluded)
}

func newGrammar(m *constrain.Matcher, x *constrain.Index, jump bool) *grammar {
	return &grammar{m: m, x: x, jump: jump, st: x.Start()}
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
	g.states = append(g.states, g.st)
	g.st = ns
}

// Advance implements sched.Constraint.
func (g *grammar) Advance() (keep int, forced []int32, done bool) {
	keep, forced, done = g.m.Advance()
	if keep < len(g.states) {
		g.st = g.states[keep]
		g.states = g.states[:keep]
	}
	for _, t := range forced {
		g.push(t)
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
		if g.x.Done(st) {
			return i + 1, false
		}
		if _, f := g.x.Forced(st); f && g.jump {
			return i + 1, false
		}
	}
	return len(draft), true
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
