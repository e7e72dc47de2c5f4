package constrain

import (
	"bytes"
	"context"
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
// automaton state walks each shared prefix once. Nodes are numbered in
// breadth-first order and the child edges of a node are contiguous. Node 0
// is the root.
type trie struct {
	kids     []int32 // node → first edge; edges of node i are kids[i]..kids[i+1]
	edgeByte []byte
	edgeTo   []int32
	toks     []int32 // node → tokens ending there: toks[tokOff[i]:tokOff[i+1]]
	tokOff   []int32
}

func buildTrie(pieces [][]byte) *trie {
	ids := make([]int32, 0, len(pieces))
	for id, p := range pieces {
		if len(p) > 0 {
			ids = append(ids, int32(id))
		}
	}
	slices.SortFunc(ids, func(a, b int32) int {
		if c := bytes.Compare(pieces[a], pieces[b]); c != 0 {
			return c
		}
		return int(a - b)
	})
	// Breadth-first over the sorted ids: the ids below a node share its
	// prefix and are contiguous, the first ones ending exactly at it. Nodes
	// are processed in creation order, so each node's edges and tokens are
	// appended contiguously.
	type node struct {
		lo, hi, depth int // ids[lo:hi] have the node's prefix of length depth
	}
	t := &trie{}
	queue := []node{{0, len(ids), 0}}
	for n := 0; n < len(queue); n++ {
		p := queue[n]
		t.kids = append(t.kids, int32(len(t.edgeTo)))
		t.tokOff = append(t.tokOff, int32(len(t.toks)))
		lo := p.lo
		for lo < p.hi && len(pieces[ids[lo]]) == p.depth {
			t.toks = append(t.toks, ids[lo])
			lo++
		}
		for lo < p.hi {
			c := pieces[ids[lo]][p.depth]
			hi := lo
			for hi < p.hi && pieces[ids[hi]][p.depth] == c {
				hi++
			}
			t.edgeByte = append(t.edgeByte, c)
			t.edgeTo = append(t.edgeTo, int32(len(queue)))
			queue = append(queue, node{lo, hi, p.depth + 1})
			lo = hi
		}
	}
	t.kids = append(t.kids, int32(len(t.edgeTo)))
	t.tokOff = append(t.tokOff, int32(len(t.toks)))
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
		st   *dstate
	}
	if s < 0 {
		a.mu.Unlock()
		return m
	}
	stack := []frame{{0, a.states[s]}}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for e := t.kids[f.node]; e < t.kids[f.node+1]; e++ {
			c := t.edgeByte[e]
			ns := f.st.trans[c]
			if ns == unknown {
				ns = a.step(f.st.id, c)
			}
			if ns == Dead {
				continue
			}
			child := t.edgeTo[e]
			for _, id := range t.toks[t.tokOff[child]:t.tokOff[child+1]] {
				m.set(id)
			}
			if t.kids[child] < t.kids[child+1] {
				stack = append(stack, frame{child, a.states[ns]})
			}
		}
	}
	a.mu.Unlock()
	return m
}

// Warm computes the mask of every state of the automaton, so that no
// request pays for a cold mask (the default schema's index is worth warming
// at start-up). It returns the number of states.
func (x *Index) Warm(ctx context.Context) (int, error) {
	seen := map[State]bool{x.Start(): true}
	queue := []State{x.Start()}
	for len(queue) > 0 {
		if err := ctx.Err(); err != nil {
			return len(seen), err
		}
		s := queue[0]
		queue = queue[1:]
		x.Mask(s)
		for c := range 256 {
			if ns := x.a.Step(s, byte(c)); ns != Dead && !seen[ns] {
				seen[ns] = true
				queue = append(queue, ns)
			}
		}
	}
	return len(seen), nil
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
// the same schema share masks. It holds at most CacheSize indexes: a server
// whose clients send a new schema with every request must not grow without
// bound. Past the limit the least recently used index is dropped (requests
// still running on it keep their reference).
type Cache struct {
	mu    sync.Mutex
	m     map[[2][32]byte]*cacheEntry
	clock uint64
}

type cacheEntry struct {
	x    *Index
	used uint64
}

// CacheSize bounds a Cache.
const CacheSize = 256

func (c *Cache) get(key [2][32]byte) (*Index, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok {
		return nil, false
	}
	c.clock++
	e.used = c.clock
	return e.x, true
}

// Len reports the number of cached indexes.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
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
	if x, ok := c.get(key); ok {
		return x, nil
	}
	a, err := Compile(schema, opts)
	if err != nil {
		return nil, err
	}
	x := NewIndex(a, v)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[[2][32]byte]*cacheEntry{}
	}
	c.clock++
	if old, ok := c.m[key]; ok {
		old.used = c.clock
		return old.x, nil
	}
	if len(c.m) >= CacheSize {
		// A linear scan: eviction is rare and the map is small.
		var oldest [2][32]byte
		least := ^uint64(0)
		for k, e := range c.m {
			if e.used < least {
				oldest, least = k, e.used
			}
		}
		delete(c.m, oldest)
	}
	c.m[key] = &cacheEntry{x: x, used: c.clock}
	return x, nil
}
