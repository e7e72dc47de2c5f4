// Package kvcache is the paged key/value cache of the serving engine, after
// vLLM's PagedAttention and automatic prefix caching.
//
// Memory is one pool of fixed-size blocks (BlockSize token positions of every
// layer's keys and values) allocated up front from a byte budget, so the
// engine's KV memory is bounded whatever the traffic. A sequence owns a block
// table: position p lives in block table[p/BlockSize] at row p%BlockSize.
// Blocks carry reference counts so that sequences can share them: Fork
// shares a whole table, and a shared or cached last block is copied before it
// is written (copy-on-write), so a sequence never changes another's keys.
//
// Prefix cache: once every position of a full block holds computed keys and
// values (Computed), the block is indexed by a hash chain: hash(parent
// block's hash, its token ids, model id). Prefix walks a new prompt's full
// blocks through the index and attaches the longest chain, so the engine
// computes only the rest. Partial blocks are never indexed or shared through
// the index. A block whose last reference goes away stays indexed and joins
// an LRU list; allocation takes never-cached blocks first, then evicts the
// least recently released cached block.
//
// Cache implements model.KV and model.Paged, so the model's forward pass
// stores into and attends over the blocks directly. A Cache is not safe for
// concurrent use: the engine's step loop owns it (Forward's reads from its
// worker goroutines happen while the loop waits).
package kvcache
