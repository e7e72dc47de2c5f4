package tokenizer

import "fmt"

// SentencePiece BPE as llama.cpp runs it (llm_tokenizer_spm): spaces are
// escaped to "▁", the text starts as one symbol per UTF-8 character, and the
// adjacent pair whose concatenation is a vocabulary token with the highest
// score is merged (leftmost first on ties) until no pair forms a token.
// Symbols that are not tokens are spelled with byte tokens "<0xXX>".

type spmModel struct {
	byteTok [256]int32 // byte-fallback token of each byte, -1 if none
	maxLen  int        // longest token text in bytes: longer pairs cannot merge
}

func newSPM(t *Tokenizer) *spmModel {
	m := &spmModel{}
	for _, s := range t.texts {
		m.maxLen = max(m.maxLen, len(s))
	}
	for b := 0; b < 256; b++ {
		m.byteTok[b] = -1
		if id, ok := t.toID[fmt.Sprintf("<0x%02X>", b)]; ok {
			m.byteTok[b] = id
		} else if id, ok := t.toID[string([]byte{byte(b)})]; ok {
			m.byteTok[b] = id
		} else {
			// llama.cpp aborts here; a vocabulary without byte tokens gets
			// the unknown token instead (or nothing without one).
			m.byteTok[b] = t.unk
		}
	}
	return m
}

type spmSym struct {
	start, end int32
	prev, next int32
}

type spmEntry struct {
	score       float32
	left, right int32
	size        int32
}

// spmBefore reports whether a pops before b: higher score, then leftmost.
func spmBefore(a, b spmEntry) bool {
	return a.score > b.score || (a.score == b.score && a.left < b.left)
}

// encodeSPM appends the ids of text, which is already space-escaped.
func (t *Tokenizer) encodeSPM(st *encodeState, dst []int32, text []byte) []int32 {
	if len(text) == 0 {
		return dst
	}
	syms := st.ssyms[:0]
	for off := 0; off < len(text); {
		n := min(spmCharLen(text[off]), len(text)-off)
		syms = append(syms, spmSym{start: int32(off), end: int32(off + n), prev: int32(len(syms) - 1), next: int32(len(syms) + 1)})
		off += n
	}
	syms[len(syms)-1].next = -1
	h := st.sheap[:0]
	push := func(l, r int32) {
		if l < 0 || r < 0 {
			return
		}
		if int(syms[r].end-syms[l].start) > t.spm.maxLen {
			return
		}
		s := text[syms[l].start:syms[r].end]
		id, ok := t.toID[string(s)]
		// Deliberate difference from llama.cpp: a pair never merges into a
		// CONTROL token, so raw text cannot produce one.
		if !ok || t.types[id] == TypeControl {
			return
		}
		var score float32
		if t.scores != nil {
			score = t.scores[id]
		}
		h = spmPush(h, spmEntry{score: score, left: l, right: r, size: int32(len(s))})
	}
	for i := 1; i < len(syms); i++ {
		push(int32(i-1), int32(i))
	}
	for len(h) > 0 {
		var e spmEntry
		e, h = spmPop(h)
		ls, rs := &syms[e.left], &syms[e.right]
		ln, rn := ls.end-ls.start, rs.end-rs.start
		if ln == 0 || rn == 0 || ln+rn != e.size {
			continue
		}
		ls.end = rs.end
		rs.start = rs.end
		ls.next = rs.next
		if rs.next >= 0 {
			syms[rs.next].prev = e.left
		}
		push(ls.prev, e.left)
		push(e.left, ls.next)
	}
	for i := int32(0); i >= 0; i = syms[i].next {
		s := text[syms[i].start:syms[i].end]
		if id, ok := t.toID[string(s)]; ok && t.types[id] != TypeControl {
			dst = append(dst, id)
			continue
		}
		for _, b := range s {
			if id := t.spm.byteTok[b]; id >= 0 {
				dst = append(dst, id)
			}
		}
	}
	st.ssyms, st.sheap = syms, h
	return dst
}

func spmPush(h []spmEntry, e spmEntry) []spmEntry {
	h = append(h, e)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !spmBefore(h[i], h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
	return h
}

func spmPop(h []spmEntry) (spmEntry, []spmEntry) {
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
		if r := l + 1; r < len(h) && spmBefore(h[r], h[l]) {
			m = r
		}
		if !spmBefore(h[m], h[i]) {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	return top, h
}
