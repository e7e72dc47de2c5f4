package tokenizer

import (
	"hash/maphash"
	"slices"
	"strings"
	"sync/atomic"
)

// Log lines repeat the same words endlessly (" INFO", " block", "blk"), so
// byte-level BPE results are cached per pre-tokenizer piece. The cache is
// direct-mapped and lock-free: a slot holds an immutable entry that is
// replaced wholesale, so a reader sees either a complete old entry or a
// complete new one, and checks the key before using it. Each key may live in
// two neighbouring slots (2-way), so a pair of colliding hot pieces does not
// thrash; beyond that a collision just evicts. Results never depend on what
// is cached.
const (
	cacheSlots    = 1 << 15
	cacheMaxPiece = 32 // bytes; longer pieces are rare and not worth keeping
)

type pieceCache struct {
	seed  maphash.Seed
	slots []atomic.Pointer[cacheEntry]
}

type cacheEntry struct {
	key string
	ids []int32
}

func newPieceCache() *pieceCache {
	return &pieceCache{seed: maphash.MakeSeed(), slots: make([]atomic.Pointer[cacheEntry], cacheSlots)}
}

// encodeCachedPiece is encodePiece with the cache in front.
func (t *Tokenizer) encodeCachedPiece(st *encodeState, dst []int32, piece string) []int32 {
	c := t.cache
	if c == nil || len(piece) < 2 || len(piece) > cacheMaxPiece {
		return t.encodePiece(st, dst, piece)
	}
	h := maphash.String(c.seed, piece) & (cacheSlots - 1)
	a, b := &c.slots[h], &c.slots[h^1]
	ea, eb := a.Load(), b.Load()
	if ea != nil && ea.key == piece {
		return append(dst, ea.ids...)
	}
	if eb != nil && eb.key == piece {
		return append(dst, eb.ids...)
	}
	n := len(dst)
	dst = t.encodePiece(st, dst, piece)
	e := &cacheEntry{key: strings.Clone(piece), ids: slices.Clone(dst[n:])}
	if ea != nil && eb == nil {
		b.Store(e)
	} else {
		a.Store(e)
	}
	return dst
}
