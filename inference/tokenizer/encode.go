package tokenizer

import "strings"

// EncodeOptions control Encode.
type EncodeOptions struct {
	// AddSpecial prepends BOS and appends EOS as the configuration says
	// (Config.AddBOS / Config.AddEOS).
	AddSpecial bool
	// ParseSpecial recognises the text of CONTROL and UNKNOWN tokens (such
	// as "<|im_start|>") in the input as those single tokens. Leave it false
	// for text from users or log lines: then no CONTROL token can come out
	// of the text. USER_DEFINED tokens are matched either way, as in
	// llama.cpp and Hugging Face tokenizers (they are ordinary vocabulary
	// entries that the model's merges cannot produce).
	ParseSpecial bool
}

// encodeState is per-call scratch memory, pooled so Encode allocates little
// beyond its result.
type encodeState struct {
	frags, frags2 []fragment
	ends, spare   []int
	norm          []byte
	esc, enc      []byte
	bsyms         []bpeSym
	bheap         []bpeEntry
	ids, results  []int32
	starts, ranks []int32
	ssyms         []spmSym
	sheap         []spmEntry
}

// fragment is a stretch of the input: raw text [start, end) or, when tok >=
// 0, one special token.
type fragment struct {
	tok        int32
	start, end int
}

// Encode returns the token ids of text.
func (t *Tokenizer) Encode(text string, opts EncodeOptions) []int32 {
	return t.AppendEncode(nil, text, opts)
}

// AppendEncode appends the token ids of text to dst.
func (t *Tokenizer) AppendEncode(dst []int32, text string, opts EncodeOptions) []int32 {
	st := t.scratch.Get().(*encodeState)
	defer t.scratch.Put(st)

	frags := t.partition(st, text, opts.ParseSpecial)

	if opts.AddSpecial && t.addBOS {
		dst = append(dst, t.bos)
	}
	switch t.kind {
	case modelBPE:
		for _, f := range frags {
			if f.tok >= 0 {
				dst = append(dst, f.tok)
				continue
			}
			dst = t.encodeBPE(st, dst, text[f.start:f.end])
		}
	case modelSPM:
		// The space prefix goes in front of the first text and of any text
		// that follows a special token, as llama.cpp does.
		prevSpecial := true
		for _, f := range frags {
			if f.tok >= 0 {
				dst = append(dst, f.tok)
				prevSpecial = true
				continue
			}
			esc := st.esc[:0]
			if t.addSpace && prevSpecial {
				esc = append(esc, "\u2581"...)
			}
			esc = escapeSpaces(esc, text[f.start:f.end])
			dst = t.encodeSPM(st, dst, esc)
			st.esc = esc
			prevSpecial = false
		}
	}
	if opts.AddSpecial && t.addEOS {
		dst = append(dst, t.eos)
	}
	return dst
}

func escapeSpaces(dst []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		dst = append(dst, "\u2581"...)
		s = s[i+1:]
	}
}

func (t *Tokenizer) encodeBPE(st *encodeState, dst []int32, text string) []int32 {
	text, st.norm = normalizeUTF8(text, st.norm)
	st.ends, st.spare = t.pre.split(text, st.ends, st.spare)
	start := 0
	for _, end := range st.ends {
		dst = t.encodeCachedPiece(st, dst, text[start:end])
		start = end
	}
	return dst
}

// partition splits text around special-token texts, longest token first,
// each token at all its non-overlapping leftmost occurrences in the text
// that is still raw (llama.cpp's tokenizer_st_partition).
func (t *Tokenizer) partition(st *encodeState, text string, parseSpecial bool) []fragment {
	frags := st.frags[:0]
	if len(text) == 0 {
		st.frags = frags
		return frags
	}
	frags = append(frags, fragment{tok: -1, start: 0, end: len(text)})
	next := st.frags2[:0]
	for _, id := range t.specials {
		ty := t.types[id]
		if !parseSpecial && (ty == TypeControl || ty == TypeUnknown) {
			continue
		}
		sp := t.texts[id]
		if !strings.Contains(text, sp) {
			continue
		}
		next = next[:0]
		for _, f := range frags {
			if f.tok >= 0 {
				next = append(next, f)
				continue
			}
			s := f.start
			for {
				i := strings.Index(text[s:f.end], sp)
				if i < 0 {
					break
				}
				if i > 0 {
					next = append(next, fragment{tok: -1, start: s, end: s + i})
				}
				next = append(next, fragment{tok: id, start: s + i, end: s + i + len(sp)})
				s += i + len(sp)
			}
			if s < f.end {
				next = append(next, fragment{tok: -1, start: s, end: f.end})
			}
		}
		frags, next = next, frags
	}
	st.frags, st.frags2 = frags, next
	return frags
}
