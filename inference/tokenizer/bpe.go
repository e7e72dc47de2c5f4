package tokenizer

import (
	"fmt"
	"strings"
)

// Byte-level BPE as llama.cpp runs it: each pre-tokenizer piece starts as one
// symbol per byte (its GPT-2 character), then the adjacent pair with the
// lowest merge rank is merged (leftmost first on ties) until no pair has a
// rank. llama.cpp compares symbol texts; here every text that can occur — a
// vocabulary token, a merge operand or a merge result — has an integer id
// (texts outside the vocabulary get ids from len(vocab) up), so a merge is a
// map lookup on a pair of ids.

type bpeModel struct {
	byteSym [256]int32       // symbol id of the GPT-2 character of each byte
	merges  map[uint64]merge // (left id, right id) → merge
	nVocab  int32
}

type merge struct {
	rank   int32
	result int32
}

func pairKey(l, r int32) uint64 { return uint64(uint32(l))<<32 | uint64(uint32(r)) }

func newBPE(t *Tokenizer, merges []string) (*bpeModel, error) {
	m := &bpeModel{merges: make(map[uint64]merge, len(merges)), nVocab: int32(len(t.texts))}
	extra := map[string]int32{}
	symID := func(s string) int32 {
		if id, ok := t.toID[s]; ok {
			return id
		}
		if id, ok := extra[s]; ok {
			return id
		}
		id := m.nVocab + int32(len(extra))
		extra[s] = id
		return id
	}
	var buf []byte
	for b := 0; b < 256; b++ {
		buf = byteEncode(buf[:0], string([]byte{byte(b)}))
		m.byteSym[b] = symID(string(buf))
	}
	for i, line := range merges {
		// llama.cpp splits at the first space after the first byte.
		sp := -1
		if len(line) > 1 {
			if j := strings.IndexByte(line[1:], ' '); j >= 0 {
				sp = j + 1
			}
		}
		if sp < 0 || sp == len(line)-1 {
			return nil, fmt.Errorf("tokenizer: merge %d %q: want \"left right\"", i, line)
		}
		left, right := line[:sp], line[sp+1:]
		key := pairKey(symID(left), symID(right))
		if _, dup := m.merges[key]; dup {
			continue // the first (lowest) rank wins, as with llama.cpp's emplace
		}
		m.merges[key] = merge{rank: int32(i), result: symID(left + right)}
	}
	return m, nil
}

type bpeSym struct {
	id         int32
	start, end int32 // raw bytes of the piece covered
	prev, next int32
}

type bpeEntry struct {
	rank, left, right int32
	lid, rid          int32 // symbol ids when pushed; a changed id means stale
}

func bpeLess(a, b bpeEntry) bool {
	return a.rank < b.rank || (a.rank == b.rank && a.left < b.left)
}

// smallPiece is the length up to which a piece is merged by rescanning a
// flat array of pair ranks; longer pieces use a heap. Both pick the leftmost
// pair of lowest rank at every step, so they give identical results.
const smallPiece = 48

// encodePiece appends the ids of one pre-tokenizer piece (raw bytes).
func (t *Tokenizer) encodePiece(st *encodeState, dst []int32, piece string) []int32 {
	m := t.bpe
	if len(piece) == 1 {
		return t.bpeEmit(dst, m.byteSym[piece[0]], piece)
	}
	if t.pre.ignoreMerges {
		st.enc = byteEncode(st.enc[:0], piece)
		if id, ok := t.toID[string(st.enc)]; ok && t.types[id] != TypeControl {
			return append(dst, id)
		}
	}
	if len(piece) <= smallPiece {
		return t.encodeSmallPiece(st, dst, piece)
	}
	return t.encodeHeapPiece(st, dst, piece)
}

func (t *Tokenizer) encodeHeapPiece(st *encodeState, dst []int32, piece string) []int32 {
	m := t.bpe
	syms := st.bsyms[:0]
	for i := 0; i < len(piece); i++ {
		syms = append(syms, bpeSym{id: m.byteSym[piece[i]], start: int32(i), end: int32(i + 1), prev: int32(i - 1), next: int32(i + 1)})
	}
	syms[len(syms)-1].next = -1
	h := st.bheap[:0]
	push := func(l, r int32) {
		if l < 0 || r < 0 {
			return
		}
		mg, ok := m.merges[pairKey(syms[l].id, syms[r].id)]
		if !ok {
			return
		}
		h = heapPush(h, bpeEntry{rank: mg.rank, left: l, right: r, lid: syms[l].id, rid: syms[r].id})
	}
	for i := 1; i < len(syms); i++ {
		push(int32(i-1), int32(i))
	}
	for len(h) > 0 {
		var e bpeEntry
		e, h = heapPop(h)
		ls, rs := &syms[e.left], &syms[e.right]
		if ls.end == ls.start || rs.end == rs.start || ls.id != e.lid || rs.id != e.rid {
			continue
		}
		ls.id = m.merges[pairKey(e.lid, e.rid)].result
		ls.end = rs.end
		rs.start = rs.end // emptied
		ls.next = rs.next
		if rs.next >= 0 {
			syms[rs.next].prev = e.left
		}
		push(ls.prev, e.left)
		push(e.left, ls.next)
	}
	for i := int32(0); i >= 0; i = syms[i].next {
		s := syms[i]
		dst = t.bpeEmit(dst, s.id, piece[s.start:s.end])
	}
	st.bsyms, st.bheap = syms, h
	return dst
}

func (t *Tokenizer) encodeSmallPiece(st *encodeState, dst []int32, piece string) []int32 {
	m := t.bpe
	n := len(piece)
	ids, starts := st.ids[:0], st.starts[:0]
	for i := 0; i < n; i++ {
		ids = append(ids, m.byteSym[piece[i]])
		starts = append(starts, int32(i))
	}
	starts = append(starts, int32(n)) // sentinel: end of the last symbol
	// pair k joins symbols k and k+1
	ranks, results := st.ranks[:0], st.results[:0]
	for k := 0; k+1 < n; k++ {
		r, res := m.pairRank(ids[k], ids[k+1])
		ranks = append(ranks, r)
		results = append(results, res)
	}
	for {
		best, bestRank := -1, int32(noMerge)
		for k, r := range ranks {
			if r < bestRank {
				best, bestRank = k, r
			}
		}
		if best < 0 {
			break
		}
		ids[best] = results[best]
		ids = append(ids[:best+1], ids[best+2:]...)
		starts = append(starts[:best+1], starts[best+2:]...)
		ranks = append(ranks[:best], ranks[best+1:]...)
		results = append(results[:best], results[best+1:]...)
		if best > 0 {
			ranks[best-1], results[best-1] = m.pairRank(ids[best-1], ids[best])
		}
		if best < len(ranks) {
			ranks[best], results[best] = m.pairRank(ids[best], ids[best+1])
		}
	}
	for k, id := range ids {
		dst = t.bpeEmit(dst, id, piece[starts[k]:starts[k+1]])
	}
	st.ids, st.starts, st.ranks, st.results = ids, starts, ranks, results
	return dst
}

const noMerge = 1<<31 - 1

func (m *bpeModel) pairRank(l, r int32) (rank, result int32) {
	if mg, ok := m.merges[pairKey(l, r)]; ok {
		return mg.rank, mg.result
	}
	return noMerge, -1
}

// bpeEmit appends symbol id, falling back to the single-byte tokens of raw
// when the symbol is not a vocabulary token (only possible with a merge list
// that produces texts outside the vocabulary) or is a CONTROL token (so text
// can never produce one, whatever the merges say). llama.cpp's fallback keeps
// only the bytes whose GPT-2 character is ASCII; we keep every byte that has a
// token, which is the same for any vocabulary holding the 256 byte tokens.
func (t *Tokenizer) bpeEmit(dst []int32, id int32, raw string) []int32 {
	if id < t.bpe.nVocab && t.types[id] != TypeControl {
		return append(dst, id)
	}
	if len(raw) == 1 && id == t.bpe.byteSym[raw[0]] && id < t.bpe.nVocab {
		return append(dst, id) // a byte token that is itself marked CONTROL
	}
	for i := 0; i < len(raw); i++ {
		if b := t.bpe.byteSym[raw[i]]; b < t.bpe.nVocab {
			dst = append(dst, b)
		}
	}
	return dst
}

// heapPush and heapPop keep a binary min-heap ordered by bpeLess without the
// interface conversions of container/heap.
func heapPush(h []bpeEntry, e bpeEntry) []bpeEntry {
	h = append(h, e)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !bpeLess(h[i], h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
	return h
}

func heapPop(h []bpeEntry) (bpeEntry, []bpeEntry) {
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	i := 0
	for {
		l := 2*i + 1
		if l >= len(h) {
			break
		}
		m := l
		if r := l + 1; r < len(h) && bpeLess(h[r], h[l]) {
			m = r
		}
		if !bpeLess(h[m], h[i]) {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	return top, h
}
