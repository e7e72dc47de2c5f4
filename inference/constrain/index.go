package constrain

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
	"sync"

	"github.com/logsift/logsift/inference/tokenizer"
)

// Vocab is what the index needs from a tokenizer: the bytes of every token
// and the end-of-generation ids. A token with no bytes (control tokens,
// unused slots) is never allowed, except that EOS ids are allowed in
// accepting states.
type Vocab struct {
	Pieces [][]byte
	EOS    []int32
	hash   [32]byte
}

// NewVocab builds a Vocab and its hash.
func NewVocab(pieces [][]byte, eos []int32) Vocab {
	v := Vocab{Pieces: pieces, EOS: slices.Clone(eos)}
	h := sha256.New()
	for _, p := range pieces {
		binary.Write(h, binary.LittleEndian, uint32(len(p)))
		h.Write(p)
	}
	for _, e := range v.EOS {
		binary.Write(h, binary.LittleEndian, e)
	}
	copy(v.hash[:], h.Sum(nil))
	return v
}

// VocabFromTokenizer takes the piece of every token (tokenizer.Piece), leaving
// out CONTROL, UNKNOWN and UNUSED tokens, whose text the model must never
// produce as JSON.
func VocabFromTokenizer(t *tokenizer.Tokenizer) Vocab {
	pieces := make([][]byte, t.VocabSize())
	for id := range pieces {
		switch t.Type(int32(id)) {
		case tokenizer.TypeControl, tokenizer.TypeUnknown, tokenizer.TypeUnused:
			continue
		}
		pieces[id] = t.Piece(int32(id))
	}
	return NewVocab(pieces, t.EOGs())
}

// Bitset is a set of token ids.
type Bitset []uint64

// Has reports whether id is in the set.
func (b Bitset) Has(id int32) bool {
	return id >= 0 && int(id>>6) < len(b) && b[id>>6]&(1<<(uint(id)&63)) != 0
}

func (b Bitset) set(id int32) { b[id>>6] |= 1 << (uint(id) & 63) }

// Count is the number of ids in the set.
func (b Bitset) Count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// Apply sets the logits of ids outside the set to -Inf.
func (b Bitset) Apply(logits []float32) {
	inf := float32(math.Inf(-1))
	for i := range logits {
		if !b.Has(int32(i)) {
			logits[i] = inf
		}
	}
}

// trie is the vocabulary as a byte trie, so that walking all tokens from an
// automaton state walks each shared prefix once. Node 0 is the root.
type trie struct {
	first []int32 // first child edge of each node, in edges; -1 none
	edges []trieEdge
	toks  [][]int32 // tokens ending at each node
}

type trieEdge struct {
	c     byte
	child int32
	next  int32 // next sibling edge, -1 none
}

func buildTrie(pieces [][]byte) *trie {
	t := &trie{first: []int32{-1}, toks: [][]int32{nil}}
	for id, p := range pieces {
		if len(p) == 0 {
			continue
		}
		n := int32(0)
		for _, c := range p {
			e := t.first[n]
			for e >= 0 && t.edges[e].c != c {
				e = t.edges[e].next
			}
			if e < 0 {
				child := int32(len(t.first))
				t.first = append(t.first, -1)
				t.toks = append(t.toks, nil)
				t.edges = append(t.edges, trieEdge{c: c, child: child, next: t.first[n]})
				e = int32(len(t.edges) - 1)
				t.first[n] = e
			}
			n = t.edges[e].child
		}
		t.toks[n] = append(t.toks[n], int32(id))
	}
	return t
}

// Index maps automaton states to the tokens allowed there. Masks are
// computed on first use per state and kept; an Index is safe for concurrent
// use and is meant to be shared by every request with the same schema and
// vocabulary (see Cache).
type Index struct {
	a     *Automaton
	vocab Vocab
	trie  *trie
	words int
	eos   []int32

	mu    sync.Mutex
	masks map[State]Bitset
}

// NewIndex indexes a compiled schema over a vocabulary.
func NewIndex(a *Automaton, v Vocab) *Index {
	return &Index{a: a, vocab: v, trie: buildTrie(v.Pieces), words: (len(v.Pieces) + 63) / 64,
		eos: v.EOS, masks: map[State]Bitset{}}
}

// Automaton returns the compiled schema.
func (x *Index) Automaton() *Automaton { return x.a }

// Start is the state before any token.
func (x *Index) Start() State { return x.a.Start() }

// Accepting reports whether the output so far is a complete value (EOS is
// allowed).
func (x *Index) Accepting(s State) bool { return x.a.Accepting(s) }

// Done reports whether the output is complete and nothing may follow, so
// generation can stop without asking the model for EOS.
func (x *Index) Done(s State) bool { return x.a.Done(s) }

// Forced returns the bytes every continuation from s starts with, up to the
// next branch (jump-forward).
func (x *Index) Forced(s State) ([]byte, bool) {
	f := x.a.Forced(s)
	return f, len(f) > 0
}

// IsEOS reports whether tok ends generation.
func (x *Index) IsEOS(tok int32) bool { return slices.Contains(x.eos, tok) }

// Mask returns the set of tokens allowed in s. The result is shared: do not
// modify it.
func (x *Index) Mask(s State) Bitset {
	x.mu.Lock()
	m, ok := x.masks[s]
	x.mu.Unlock()
	if ok {
		return m
	}
	m = x.compute(s)
	x.mu.Lock()
	if old, ok := x.masks[s]; ok {
		m = old
	} else {
		x.masks[s] = m
	}
	x.mu.Unlock()
	return m
}

// compute walks the vocabulary trie from s, depth first, stepping the
// automaton once per trie edge; a dead step prunes the whole subtree.
func (x *Index) compute(s State) Bitset {
	m := make(Bitset, x.words)
	a, t := x.a, x.trie
	a.mu.Lock()
	if s >= 0 && a.states[s].accept {
		for _, e := range x.eos {
			if int(e) < len(x.vocab.Pieces) {
				m.set(e)
			}
		}
	}
	type frame struct {
		node int32
		st   State
	}
	stack := []frame{{0, s}}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for e := t.first[f.node]; e >= 0; e = t.edges[e].next {
			ed := &t.edges[e]
			ns := a.step(f.st, ed.c)
			if ns == Dead {
				continue
			}
			for _, id := range t.toks[ed.child] {
				m.set(id)
			}
			if t.first[ed.child] >= 0 {
				stack = append(stack, frame{ed.child, ns})
			}
		}
	}
	a.mu.Unlock()
	return m
}

// Allowed reports whether tok may follow in s.
func (x *Index) Allowed(s State, tok int32) bool {
	_, ok := x.Next(s, tok)
	return ok
}

// Next returns the state after tok. EOS is allowed only in accepting states
// and leaves the state unchanged. It walks the token's bytes, which is
// cheaper than a mask when checking one sampled token.
func (x *Index) Next(s State, tok int32) (State, bool) {
	if s < 0 {
		return Dead, false
	}
	if x.IsEOS(tok) {
		return s, x.a.Accepting(s)
	}
	if tok < 0 || int(tok) >= len(x.vocab.Pieces) || len(x.vocab.Pieces[tok]) == 0 {
		return Dead, false
	}
	a := x.a
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, c := range x.vocab.Pieces[tok] {
		if s = a.step(s, c); s == Dead {
			return Dead, false
		}
	}
	return s, true
}

// Cache keeps indexes by (schema, options, vocabulary) so that requests with
// the same schema share masks.
type Cache struct {
	mu sync.Mutex
	m  map[[2][32]byte]*Index
}

// Index returns the cached index for schema and vocabulary, compiling it on
// first use.
func (c *Cache) Index(schema []byte, opts Options, v Vocab) (*Index, error) {
	sh := sha256.Sum256(schema)
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	h.Write(sh[:])
	binary.Write(h, binary.LittleEndian, [6]int64{int64(o.MaxStringLength), int64(o.MaxItems),
		int64(o.IntegerDigits), int64(o.FractionDigits), int64(o.Whitespace), int64(o.MaxStates)})
	var key [2][32]byte
	copy(key[0][:], h.Sum(nil))
	key[1] = v.hash
	c.mu.Lock()
	x, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return x, nil
	}
	a, err := Compile(schema, opts)
	if err != nil {
		return nil, err
	}
	x = NewIndex(a, v)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[[2][32]byte]*Index{}
	}
	if old, ok := c.m[key]; ok {
		return old, nil
	}
	c.m[key] = x
	return x, nil
}
