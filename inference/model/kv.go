package model

import "fmt"

// KV is where Forward keeps keys and values between calls. Rows are
// Config.KVDim() floats: the NHeadKV heads of one position, RoPE applied to
// the keys. Forward calls Prepare for every batch entry before computing
// anything, then per layer Store for every entry, then Key/Value for the
// positions each entry attends to. Key and Value are called from several
// pool goroutines at once (never concurrently with Store or Prepare), so they
// must be safe for concurrent readers. The slices they return are read only
// and need to stay valid only until the next Store.
type KV interface {
	// Prepare reports whether (seq, pos) can be stored, making room if the
	// store allocates on demand.
	Prepare(seq, pos int) error
	Store(layer, seq, pos int, k, v []float32)
	Key(layer, seq, pos int) []float32
	Value(layer, seq, pos int) []float32
}

// Paged is a KV store that keeps positions in fixed-size blocks, like
// package kvcache's. Forward detects it and attends block by block with an
// online softmax instead of calling Key and Value per position.
type Paged interface {
	KV
	// BlockSize is the number of positions per block.
	BlockSize() int
	// BlockTable lists the blocks of sequence seq: position p is row
	// p%BlockSize of block BlockTable(seq)[p/BlockSize].
	BlockTable(seq int) []int32
	// Layer returns the storage of one layer: row r of block b starts at
	// (b·BlockSize + r)·KVDim in k and in v.
	Layer(layer int) (k, v []float32)
}

// Cache is a contiguous float32 KV store: for every layer and sequence slot,
// room for MaxTokens positions. With Options.KVType F16 the model rounds keys
// and values to F16 before storing them, so results are those of an F16
// cache, but the memory is still float32 (the paged cache is where F16
// storage belongs).
type Cache struct {
	nLayer, maxSeqs, maxTokens, dim int
	k, v                            []float32
}

// NewCache makes a cache for maxSeqs sequences of up to maxTokens positions.
func (m *Model) NewCache(maxSeqs, maxTokens int) *Cache {
	return NewCache(m.cfg, maxSeqs, maxTokens)
}

// NewCache makes a cache for a model with configuration cfg.
func NewCache(cfg Config, maxSeqs, maxTokens int) *Cache {
	if maxSeqs <= 0 || maxTokens <= 0 {
		panic(fmt.Sprintf("BUG: model.NewCache(%d, %d): sizes must be positive", maxSeqs, maxTokens))
	}
	dim := cfg.KVDim()
	n := cfg.NLayer * maxSeqs * maxTokens * dim
	return &Cache{
		nLayer: cfg.NLayer, maxSeqs: maxSeqs, maxTokens: maxTokens, dim: dim,
		k: make([]float32, n), v: make([]float32, n),
	}
}

// MaxSeqs is the number of sequence slots.
func (c *Cache) MaxSeqs() int { return c.maxSeqs }

// MaxTokens is the number of positions per sequence.
func (c *Cache) MaxTokens() int { return c.maxTokens }

// Prepare checks that (seq, pos) fits.
func (c *Cache) Prepare(seq, pos int) error {
	if seq < 0 || seq >= c.maxSeqs {
		return fmt.Errorf("kv cache: sequence %d out of range [0, %d)", seq, c.maxSeqs)
	}
	if pos < 0 || pos >= c.maxTokens {
		return fmt.Errorf("kv cache: position %d of sequence %d out of range [0, %d)", pos, seq, c.maxTokens)
	}
	return nil
}

func (c *Cache) off(layer, seq, pos int) int {
	return ((layer*c.maxSeqs+seq)*c.maxTokens + pos) * c.dim
}

// Store writes the keys and values of one position.
func (c *Cache) Store(layer, seq, pos int, k, v []float32) {
	o := c.off(layer, seq, pos)
	copy(c.k[o:o+c.dim], k)
	copy(c.v[o:o+c.dim], v)
}

// Key returns the keys of one position.
func (c *Cache) Key(layer, seq, pos int) []float32 {
	o := c.off(layer, seq, pos)
	return c.k[o : o+c.dim : o+c.dim]
}

// Value returns the values of one position.
func (c *Cache) Value(layer, seq, pos int) []float32 {
	o := c.off(layer, seq, pos)
	return c.v[o : o+c.dim : o+c.dim]
}
