package kvcache

import (
	"errors"
	"fmt"
	"slices"
)

// ErrNoSpace is returned when the pool has no free or evictable block.
var ErrNoSpace = errors.New("kvcache: no free block")

// Config sizes a Cache.
type Config struct {
	Layers int // transformer layers
	Dim    int // floats per position per layer for keys (and for values): model.Config.KVDim
	// BlockSize is the number of token positions per block (0 = 16).
	BlockSize int
	// Blocks is the pool size; if 0 it is Budget / BlockBytes.
	Blocks int
	// Budget is the memory for keys and values in bytes, used when Blocks is 0.
	Budget int64
	// ModelID goes into every block hash, so that two models (or adapters)
	// sharing a process never share cached blocks.
	ModelID string
}

// BlockBytes is the memory of one block: keys and values of BlockSize
// positions in every layer, float32.
func (c Config) BlockBytes() int64 {
	bs := c.BlockSize
	if bs == 0 {
		bs = 16
	}
	return 2 * int64(c.Layers) * int64(bs) * int64(c.Dim) * 4
}

type block struct {
	ref        int32
	cached     bool   // in Cache.index
	hash       uint64 // chain hash, valid when cached
	parent     uint64 // parent's chain hash (0 for the first block), valid when cached
	prev, next int32  // LRU links of unreferenced cached blocks
}

type sequence struct {
	live       bool
	table      []int32
	tokens     []int32  // token id of every position
	computed   int      // positions whose keys and values are written
	hashes     []uint64 // chain hash of each full computed block
	prefixHits int      // positions taken from the prefix cache
}

// Cache is a pool of KV blocks with per-sequence block tables and a prefix
// index. See the package documentation.
type Cache struct {
	cfg     Config
	bs, dim int
	k, v    [][]float32 // per layer: Blocks × BlockSize × Dim
	blocks  []block
	btok    []int32 // token ids of every block's positions (for hash verification)
	free    []int32 // unreferenced, not cached
	lruHead int32   // oldest unreferenced cached block, -1 if none
	lruTail int32
	lruLen  int
	index   map[uint64]int32
	seqs    []sequence
	freeIDs []int
	seed    uint64
}

// New allocates the whole pool.
func New(cfg Config) (*Cache, error) {
	if cfg.BlockSize == 0 {
		cfg.BlockSize = 16
	}
	switch {
	case cfg.Layers <= 0 || cfg.Dim <= 0:
		return nil, fmt.Errorf("kvcache: layers %d and dim %d must be positive", cfg.Layers, cfg.Dim)
	case cfg.BlockSize < 0:
		return nil, fmt.Errorf("kvcache: block size %d must be positive", cfg.BlockSize)
	case cfg.Blocks < 0 || cfg.Budget < 0:
		return nil, fmt.Errorf("kvcache: blocks %d and budget %d must not be negative", cfg.Blocks, cfg.Budget)
	}
	if cfg.Blocks == 0 {
		cfg.Blocks = int(cfg.Budget / cfg.BlockBytes())
	}
	if cfg.Blocks == 0 {
		return nil, fmt.Errorf("kvcache: budget %d bytes holds no block of %d bytes", cfg.Budget, cfg.BlockBytes())
	}
	if cfg.Blocks > 1<<30 {
		return nil, fmt.Errorf("kvcache: %d blocks exceed the limit %d", cfg.Blocks, 1<<30)
	}
	c := &Cache{
		cfg: cfg, bs: cfg.BlockSize, dim: cfg.Dim,
		blocks: make([]block, cfg.Blocks), btok: make([]int32, cfg.Blocks*cfg.BlockSize),
		lruHead: -1, lruTail: -1, index: map[uint64]int32{},
	}
	n := cfg.Blocks * cfg.BlockSize * cfg.Dim
	for range cfg.Layers {
		c.k = append(c.k, make([]float32, n))
		c.v = append(c.v, make([]float32, n))
	}
	c.free = make([]int32, cfg.Blocks)
	for i := range c.free {
		// Pop from the end hands out low block ids first.
		c.free[i] = int32(cfg.Blocks - 1 - i)
	}
	c.seed = hashBytes(fnvOffset, []byte(cfg.ModelID))
	return c, nil
}

// Config returns the configuration with defaults filled in.
func (c *Cache) Config() Config { return c.cfg }

// BlockSize is the number of positions per block.
func (c *Cache) BlockSize() int { return c.bs }

// BytesPerToken is the KV memory of one token position (all layers, K and V).
func (c *Cache) BytesPerToken() int64 { return c.cfg.BlockBytes() / int64(c.bs) }

// Stats counts blocks.
type Stats struct {
	Blocks int // pool size
	Used   int // referenced by at least one sequence
	Cached int // unreferenced but kept for the prefix cache (evictable)
	Free   int // unreferenced and not cached
	Seqs   int // live sequences
}

// Stats returns the current block counts.
func (c *Cache) Stats() Stats {
	s := Stats{Blocks: len(c.blocks), Cached: c.lruLen, Free: len(c.free)}
	s.Used = s.Blocks - s.Cached - s.Free
	for i := range c.seqs {
		if c.seqs[i].live {
			s.Seqs++
		}
	}
	return s
}

// Available is the number of blocks an allocation can still get.
func (c *Cache) Available() int { return len(c.free) + c.lruLen }

// NewSeq starts an empty sequence and returns its id (a small integer,
// reused after Free).
func (c *Cache) NewSeq() int {
	var id int
	if n := len(c.freeIDs); n > 0 {
		id = c.freeIDs[n-1]
		c.freeIDs = c.freeIDs[:n-1]
	} else {
		id = len(c.seqs)
		c.seqs = append(c.seqs, sequence{})
	}
	c.seqs[id] = sequence{live: true}
	return id
}

func (c *Cache) seq(id int) *sequence {
	if id < 0 || id >= len(c.seqs) || !c.seqs[id].live {
		panic(fmt.Sprintf("BUG: kvcache: sequence %d is not live", id))
	}
	return &c.seqs[id]
}

// Len is the number of positions of sequence id (appended, computed or not).
func (c *Cache) Len(id int) int { return len(c.seq(id).tokens) }

// ComputedLen is the number of leading positions of id holding keys and values.
func (c *Cache) ComputedLen(id int) int { return c.seq(id).computed }

// Tokens returns the token ids of sequence id (read only).
func (c *Cache) Tokens(id int) []int32 { return c.seq(id).tokens }

// Free releases sequence id and its blocks.
func (c *Cache) Free(id int) {
	s := c.seq(id)
	for _, b := range s.table {
		c.release(b)
	}
	c.seqs[id] = sequence{}
	c.freeIDs = append(c.freeIDs, id)
}

// Fork starts a new sequence sharing every block and position of src. The
// first of the two to append into a shared partial last block copies it.
func (c *Cache) Fork(src int) int {
	id := c.NewSeq()
	s, d := c.seq(src), c.seq(id)
	d.table = slices.Clone(s.table)
	d.tokens = slices.Clone(s.tokens)
	d.hashes = slices.Clone(s.hashes)
	d.computed = s.computed
	for _, b := range d.table {
		c.blocks[b].ref++
	}
	return id
}

// Truncate rolls sequence id back to its first n positions.
func (c *Cache) Truncate(id, n int) {
	s := c.seq(id)
	if n < 0 || n > len(s.tokens) {
		panic(fmt.Sprintf("BUG: kvcache: truncate sequence %d of %d positions to %d", id, len(s.tokens), n))
	}
	keep := (n + c.bs - 1) / c.bs
	for _, b := range s.table[keep:] {
		c.release(b)
	}
	s.table = s.table[:keep]
	s.tokens = s.tokens[:n]
	s.computed = min(s.computed, n)
	s.hashes = s.hashes[:min(len(s.hashes), n/c.bs)]
	s.prefixHits = min(s.prefixHits, n)
	if n%c.bs != 0 {
		// The last block is partial now and will be written again; an
		// exclusively owned one leaves the index (a shared one is copied on
		// the next Append instead).
		if b := &c.blocks[s.table[keep-1]]; b.ref == 1 && b.cached {
			delete(c.index, b.hash)
			b.cached = false
		}
	}
}

// Append adds positions for tokens to sequence id, allocating blocks (and
// copying a shared or cached last block before it is written). It either
// succeeds or changes nothing and returns ErrNoSpace.
func (c *Cache) Append(id int, tokens []int32) error {
	s := c.seq(id)
	n := len(s.tokens)
	need := (n+len(tokens)+c.bs-1)/c.bs - len(s.table)
	cow := -1
	if n%c.bs != 0 && len(tokens) > 0 {
		if b := &c.blocks[s.table[len(s.table)-1]]; b.ref > 1 || b.cached {
			cow = len(s.table) - 1
			need++
		}
	}
	if need > c.Available() {
		return fmt.Errorf("%w: sequence %d needs %d blocks, %d available", ErrNoSpace, id, need, c.Available())
	}
	if cow >= 0 {
		old := s.table[cow]
		nb := c.alloc()
		c.copyBlock(nb, old, n%c.bs)
		s.table[cow] = nb
		c.release(old)
	}
	for len(s.table)*c.bs < n+len(tokens) {
		s.table = append(s.table, c.alloc())
	}
	s.tokens = append(s.tokens, tokens...)
	for i, t := range tokens {
		p := n + i
		c.btok[int(s.table[p/c.bs])*c.bs+p%c.bs] = t
	}
	return nil
}

// BlocksFor is how many new blocks Append(id, n tokens) would take, at most.
func (c *Cache) BlocksFor(id, n int) int {
	s := c.seq(id)
	l := len(s.tokens)
	need := (l+n+c.bs-1)/c.bs - len(s.table)
	if l%c.bs != 0 && n > 0 {
		if b := &c.blocks[s.table[len(s.table)-1]]; b.ref > 1 || b.cached {
			need++
		}
	}
	return need
}

// SetComputed records that the first n positions of id hold keys and values,
// and indexes the full blocks among them for the prefix cache.
func (c *Cache) SetComputed(id, n int) {
	s := c.seq(id)
	if n < s.computed || n > len(s.tokens) {
		panic(fmt.Sprintf("BUG: kvcache: sequence %d: computed %d -> %d of %d positions", id, s.computed, n, len(s.tokens)))
	}
	s.computed = n
	for i := len(s.hashes); i < n/c.bs; i++ {
		var parent uint64
		if i > 0 {
			parent = s.hashes[i-1]
		}
		h := c.blockHash(parent, s.tokens[i*c.bs:(i+1)*c.bs])
		s.hashes = append(s.hashes, h)
		bi := s.table[i]
		b := &c.blocks[bi]
		if b.cached {
			continue // came from the index (or registered by a fork sibling)
		}
		if _, dup := c.index[h]; dup {
			continue // the same content computed by another sequence first
		}
		b.cached, b.hash, b.parent = true, h, parent
		c.index[h] = bi
	}
}

// Prefix attaches to the empty sequence id the longest chain of cached
// blocks matching the start of prompt, leaving at least one prompt token
// to compute (its logits are needed), and returns the number of positions
// attached. The caller appends the rest of the prompt.
func (c *Cache) Prefix(id int, prompt []int32) int {
	s := c.seq(id)
	if len(s.tokens) != 0 {
		panic(fmt.Sprintf("BUG: kvcache: Prefix on sequence %d with %d positions", id, len(s.tokens)))
	}
	var parent uint64
	for i := 0; (i+1)*c.bs < len(prompt); i++ {
		toks := prompt[i*c.bs : (i+1)*c.bs]
		h := c.blockHash(parent, toks)
		bi, ok := c.index[h]
		if !ok {
			break
		}
		b := &c.blocks[bi]
		if b.parent != parent || !slices.Equal(c.btok[int(bi)*c.bs:(int(bi)+1)*c.bs], toks) {
			break // hash collision
		}
		if b.ref == 0 {
			c.lruRemove(bi)
		}
		b.ref++
		s.table = append(s.table, bi)
		s.hashes = append(s.hashes, h)
		s.tokens = append(s.tokens, toks...)
		parent = h
	}
	s.computed = len(s.tokens)
	s.prefixHits = len(s.tokens)
	return len(s.tokens)
}

// ClearPrefix drops every unreferenced cached block from the index, making
// it free. Blocks still in use stay indexed.
func (c *Cache) ClearPrefix() {
	for c.lruHead >= 0 {
		bi := c.lruHead
		c.lruRemove(bi)
		b := &c.blocks[bi]
		delete(c.index, b.hash)
		b.cached = false
		c.free = append(c.free, bi)
	}
}

func (c *Cache) alloc() int32 {
	var bi int32
	if n := len(c.free); n > 0 {
		bi = c.free[n-1]
		c.free = c.free[:n-1]
	} else if c.lruHead >= 0 {
		bi = c.lruHead
		c.lruRemove(bi)
		b := &c.blocks[bi]
		delete(c.index, b.hash)
		b.cached = false
	} else {
		panic("BUG: kvcache: alloc with no available block")
	}
	c.blocks[bi].ref = 1
	return bi
}

func (c *Cache) release(bi int32) {
	b := &c.blocks[bi]
	if b.ref <= 0 {
		panic(fmt.Sprintf("BUG: kvcache: release of block %d with ref %d", bi, b.ref))
	}
	b.ref--
	if b.ref > 0 {
		return
	}
	if b.cached {
		c.lruPush(bi)
	} else {
		c.free = append(c.free, bi)
	}
}

func (c *Cache) lruPush(bi int32) {
	b := &c.blocks[bi]
	b.prev, b.next = c.lruTail, -1
	if c.lruTail >= 0 {
		c.blocks[c.lruTail].next = bi
	} else {
		c.lruHead = bi
	}
	c.lruTail = bi
	c.lruLen++
}

func (c *Cache) lruRemove(bi int32) {
	b := &c.blocks[bi]
	if b.prev >= 0 {
		c.blocks[b.prev].next = b.next
	} else {
		c.lruHead = b.next
	}
	if b.next >= 0 {
		c.blocks[b.next].prev = b.prev
	} else {
		c.lruTail = b.prev
	}
	b.prev, b.next = -1, -1
	c.lruLen--
}

// copyBlock copies the first n positions of block src into dst, all layers.
func (c *Cache) copyBlock(dst, src int32, n int) {
	w := c.bs * c.dim
	d, s := int(dst)*w, int(src)*w
	for l := range c.k {
		copy(c.k[l][d:d+n*c.dim], c.k[l][s:s+n*c.dim])
		copy(c.v[l][d:d+n*c.dim], c.v[l][s:s+n*c.dim])
	}
	copy(c.btok[int(dst)*c.bs:int(dst)*c.bs+n], c.btok[int(src)*c.bs:])
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hashBytes(h uint64, b []byte) uint64 {
	for _, x := range b {
		h ^= uint64(x)
		h *= fnvPrime
	}
	return h
}

// blockHash chains parent, the block's tokens and the model id (in the seed).
func (c *Cache) blockHash(parent uint64, toks []int32) uint64 {
	h := c.seed
	for i := range 8 {
		h ^= (parent >> (8 * i)) & 0xff
		h *= fnvPrime
	}
	for _, t := range toks {
		for i := range 4 {
			h ^= uint64(uint32(t)>>(8*i)) & 0xff
			h *= fnvPrime
		}
	}
	if h == 0 {
		h = 1 // 0 means "no parent"
	}
	return h
}

// PrefixHits is the number of positions of id taken from the prefix cache.
func (c *Cache) PrefixHits(id int) int { return c.seq(id).prefixHits }
