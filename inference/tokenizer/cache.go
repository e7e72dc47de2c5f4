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
// complete new one, and checks the key before using it. A collision just
// evicts; results never depend on what is cached.
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
	slot := &c.slots[maphash.String(c.seed, piece)&(cacheSlots-1)]
	if e := slot.Load(); e != nil && e.key == piece {
		return append(dst, e.ids...)
	}
	n := len(dst)
	dst = t.encodePiece(st, dst, piece)
	slot.Store(&cacheEntry{key: strings.Clone(piece), ids: slices.Clone(dst[n:])})
	return dst
}
