package tokenizer

import (
	"fmt"
	"unicode"
)

// Pre-tokenization cuts text into pieces that BPE merges never cross. Each
// named pre-tokenizer is a sequence of passes, as in llama.cpp's
// unicode_regex_split: the first pass cuts the whole text, every later pass
// cuts each piece of the previous one again. Passes are written by hand over
// code points (Go's regexp has no look-ahead, which the GPT-2 pattern needs).
//
// Character classes follow llama.cpp: letter = \p{L}, number = \p{N},
// whitespace = the Unicode White_Space set (what unicode.IsSpace reports), and
// everything else, including marks (\p{M}), unassigned code points and U+FFFD,
// is "other".

// pass appends the end offsets of the pieces of t[s:e] to dst.
type pass func(dst []int, t string, s, e int) []int

type preTokenizer struct {
	name   string
	passes []pass
	// ignoreMerges: a piece that is itself a vocabulary token is emitted
	// as that token without running merges (llama.cpp, Llama 3 only).
	ignoreMerges bool
}

// preTokenizers maps tokenizer.ggml.pre values to their passes. Only names
// whose llama.cpp behaviour is reproduced here are accepted.
var preTokenizers = map[string]*preTokenizer{
	// llama.cpp LLAMA_VOCAB_PRE_TYPE_DEFAULT: punctuation runs, then GPT-2,
	// then number runs, then groups of three ASCII digits.
	"default": {name: "default", passes: []pass{splitDefaultPunct, splitGPT2, splitNumberRuns, splitDigitTriples}},
	// LLAMA_VOCAB_PRE_TYPE_GPT2.
	"gpt-2": {name: "gpt-2", passes: []pass{splitGPT2}},
	// LLAMA_VOCAB_PRE_TYPE_STARCODER: every \p{N} alone, then GPT-2.
	"starcoder": {name: "starcoder", passes: []pass{splitEachNumber, splitGPT2}},
	// LLAMA_VOCAB_PRE_TYPE_LLAMA3 (Llama 3 "llama-bpe").
	"llama3": {name: "llama3", passes: []pass{splitLlama3}, ignoreMerges: true},
	// LLAMA_VOCAB_PRE_TYPE_QWEN2: the Llama 3 pattern with single digits.
	"qwen2": {name: "qwen2", passes: []pass{splitQwen2}},
	// logsift's own: see splitLogsift.
	"logsift": {name: "logsift", passes: []pass{splitLogsift}},
}

func init() {
	// Names llama.cpp maps to the same pre-tokenizer types.
	for _, alias := range []string{"phi-2", "jina-es", "jina-de", "jina-v1-en", "jina-v2-es", "jina-v2-de", "jina-v2-code", "roberta-bpe"} {
		preTokenizers[alias] = preTokenizers["gpt-2"]
	}
	for _, alias := range []string{"llama-bpe", "llama-v3", "falcon3"} {
		preTokenizers[alias] = preTokenizers["llama3"]
	}
	preTokenizers["deepseek-r1-qwen"] = preTokenizers["qwen2"]
	for _, alias := range []string{"smollm", "codeshell", "exaone", "minerva-7b", "command-r", "refact"} {
		preTokenizers[alias] = preTokenizers["starcoder"]
	}
}

func lookupPre(name string) (*preTokenizer, error) {
	if name == "" {
		name = "default"
	}
	p, ok := preTokenizers[name]
	if !ok {
		return nil, fmt.Errorf("tokenizer: unsupported pre-tokenizer %q", name)
	}
	return p, nil
}

// split returns the end offsets of the pieces of t. a and b are scratch
// buffers that are reused; the returned spare can be handed back next time.
func (p *preTokenizer) split(t string, a, b []int) (ends, spare []int) {
	a = append(a[:0], len(t))
	if len(t) == 0 {
		return a[:0], b
	}
	for _, ps := range p.passes {
		b = b[:0]
		start := 0
		for _, end := range a {
			b = ps(b, t, start, end)
			start = end
		}
		a, b = b, a
	}
	return a, b
}

// PreTokenize cuts text into the pieces the named byte-level BPE
// pre-tokenizer produces (before byte mapping and merging), in order; their
// concatenation is text, except that malformed UTF-8 is replaced by U+FFFD as
// the tokenizer does. It is exported for the BPE trainer, which must count
// pairs inside exactly these pieces.
//
// The "logsift" pre-tokenizer, designed for log lines, produces:
//
//   - ` ?\p{L}+`: a run of letters, with at most one leading space;
//   - ` ?\p{N}`: one number character (a digit), with at most one leading
//     space, so numbers are always spelled digit by digit;
//   - ` ?[^\s\p{L}\p{N}]`: one other character (punctuation, symbol, mark),
//     with at most one leading space, so "://", "==" or "]:" never fuse;
//   - whitespace as GPT-2: a run of whitespace followed by a non-space loses
//     its last character to the next piece (`\s+(?!\S)`), otherwise the
//     whole run is one piece (`\s+`).
//
// Unlike GPT-2 it has no contraction rule ('s, 't ...): the apostrophe is
// an ordinary "other" character. As one regular expression:
//
//	(?: ?\p{L}+| ?\p{N}| ?[^\s\p{L}\p{N}]|\s+(?!\S)|\s+)
func PreTokenize(pre string, text string) ([]string, error) {
	p, err := lookupPre(pre)
	if err != nil {
		return nil, err
	}
	text, _ = normalizeUTF8(text, nil)
	ends, _ := p.split(text, nil, nil)
	out := make([]string, 0, len(ends))
	start := 0
	for _, e := range ends {
		out = append(out, text[start:e])
		start = e
	}
	return out, nil
}

// Character classes.
const (
	clsOther uint8 = iota
	clsLetter
	clsNumber
	clsSpace
)

var asciiClass [128]uint8

func init() {
	for c := 0; c < 128; c++ {
		asciiClass[c] = classOfSlow(rune(c))
	}
}

func classOfSlow(r rune) uint8 {
	switch {
	case unicode.IsLetter(r):
		return clsLetter
	case unicode.IsNumber(r):
		return clsNumber
	case unicode.IsSpace(r):
		return clsSpace
	}
	return clsOther
}

// at decodes the code point at t[i:] (t is normalized) and returns it with its
// class and size.
func at(t string, i int) (rune, uint8, int) {
	if c := t[i]; c < 0x80 {
		return rune(c), asciiClass[c], 1
	}
	r, n, _ := decodeLlama(t, i)
	return r, classOfSlow(r), n
}

// splitGPT2 implements
//
//	's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//
// with the leftmost-alternative semantics of a backtracking regex engine,
// matching llama.cpp's hand-written unicode_regex_split_custom_gpt2.
func splitGPT2(dst []int, t string, s, e int) []int {
	pos := s
	for pos < e {
		r, cls, n := at(t, pos)
		if r == '\'' && pos+1 < e {
			switch t[pos+1] {
			case 's', 't', 'm', 'd':
				pos += 2
				dst = append(dst, pos)
				continue
			}
			if pos+2 < e {
				c1, c2 := t[pos+1], t[pos+2]
				if (c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l') {
					pos += 3
					dst = append(dst, pos)
					continue
				}
			}
		}
		// An optional leading space belongs to the letter, number or other
		// run that follows it.
		p, cls2, ok := pos, cls, true
		if r == ' ' {
			if pos+1 < e {
				_, cls2, _ = at(t, pos+1)
				p = pos + 1
			} else {
				ok = false
			}
		}
		if ok && cls2 != clsSpace {
			for p < e {
				_, c, m := at(t, p)
				if c != cls2 {
					break
				}
				p += m
			}
			pos = p
			dst = append(dst, pos)
			continue
		}
		pos, dst = splitSpaceRun(dst, t, pos, e, n)
	}
	return dst
}

// splitSpaceRun handles `\s+(?!\S)|\s+` at pos; n is the size of the code
// point at pos, which is returned alone if it is not whitespace (a case the
// callers never reach, kept so the loop always advances).
func splitSpaceRun(dst []int, t string, pos, e, n int) (int, []int) {
	p, last, count := pos, pos, 0
	for p < e {
		_, c, m := at(t, p)
		if c != clsSpace {
			break
		}
		last = p
		p += m
		count++
	}
	switch {
	case count > 1 && p < e:
		// The run is followed by a non-space: its last character starts the
		// next piece (so " word" keeps its space).
		pos = last
	case count > 0:
		pos = p
	default:
		pos += n
	}
	return pos, append(dst, pos)
}

// splitLlama3 implements the Llama 3 pattern
//
//	(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//
// as llama.cpp's unicode_regex_split_custom_llama3 does.
func splitLlama3(dst []int, t string, s, e int) []int { return splitLlamaLike(dst, t, s, e, 3) }

// splitQwen2 is the same pattern with \p{N} instead of \p{N}{1,3}.
func splitQwen2(dst []int, t string, s, e int) []int { return splitLlamaLike(dst, t, s, e, 1) }

func splitLlamaLike(dst []int, t string, s, e int, maxDigits int) []int {
	pos := s
	for pos < e {
		r, cls, n := at(t, pos)
		if r == '\'' && pos+1 < e {
			switch lowerASCII(t[pos+1]) {
			case 's', 't', 'm', 'd':
				pos += 2
				dst = append(dst, pos)
				continue
			}
			if pos+2 < e {
				c1, c2 := lowerASCII(t[pos+1]), lowerASCII(t[pos+2])
				if (c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l') {
					pos += 3
					dst = append(dst, pos)
					continue
				}
			}
		}
		// [^\r\n\p{L}\p{N}]?\p{L}+
		if r != '\r' && r != '\n' && cls != clsNumber {
			p := pos
			if cls != clsLetter {
				p += n
			}
			if p < e {
				if _, c, _ := at(t, p); c == clsLetter {
					for p < e {
						_, c, m := at(t, p)
						if c != clsLetter {
							break
						}
						p += m
					}
					pos = p
					dst = append(dst, pos)
					continue
				}
			}
		}
		// \p{N}{1,maxDigits}
		if cls == clsNumber {
			k := 0
			for pos < e {
				_, c, m := at(t, pos)
				if c != clsNumber {
					break
				}
				pos += m
				if k++; k == maxDigits {
					dst = append(dst, pos)
					k = 0
				}
			}
			if k > 0 {
				dst = append(dst, pos)
			}
			continue
		}
		// ` ?[^\s\p{L}\p{N}]+[\r\n]*`
		p, cls2 := pos, cls
		if r == ' ' && pos+1 < e {
			_, cls2, _ = at(t, pos+1)
			p = pos + 1
		}
		if cls2 == clsOther && (r != ' ' || p > pos) {
			for p < e {
				_, c, m := at(t, p)
				if c != clsOther {
					break
				}
				p += m
			}
			for p < e && (t[p] == '\r' || t[p] == '\n') {
				p++
			}
			pos = p
			dst = append(dst, pos)
			continue
		}
		// \s*[\r\n]+ : a whitespace run up to its last line break
		p, lastBreak := pos, -1
		for p < e {
			r2, c, m := at(t, p)
			if c != clsSpace {
				break
			}
			p += m
			if r2 == '\r' || r2 == '\n' {
				lastBreak = p
			}
		}
		if lastBreak > 0 {
			pos = lastBreak
			dst = append(dst, pos)
			continue
		}
		pos, dst = splitSpaceRun(dst, t, pos, e, n)
	}
	return dst
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// splitLogsift is the "logsift" pre-tokenizer documented on PreTokenize.
func splitLogsift(dst []int, t string, s, e int) []int {
	pos := s
	for pos < e {
		r, cls, n := at(t, pos)
		p, cls2, ok := pos, cls, true
		if r == ' ' {
			if pos+1 < e {
				_, cls2, _ = at(t, pos+1)
				p = pos + 1
			} else {
				ok = false
			}
		}
		if ok && cls2 != clsSpace {
			_, _, m := at(t, p)
			p += m
			if cls2 == clsLetter {
				for p < e {
					_, c, m := at(t, p)
					if c != clsLetter {
						break
					}
					p += m
				}
			}
			pos = p
			dst = append(dst, pos)
			continue
		}
		pos, dst = splitSpaceRun(dst, t, pos, e, n)
	}
	return dst
}

// isolate cuts t[s:e] around the matches of match, which reports the length
// of a match starting at i (0 for none); the text between matches forms pieces
// of its own, as in llama.cpp's std::regex fallback.
func isolate(dst []int, t string, s, e int, match func(t string, i, e int) int) []int {
	gap := s
	for i := s; i < e; {
		if m := match(t, i, e); m > 0 {
			if i > gap {
				dst = append(dst, i)
			}
			i += m
			dst = append(dst, i)
			gap = i
			continue
		}
		_, _, n := at(t, i)
		i += n
	}
	if gap < e {
		dst = append(dst, e)
	}
	return dst
}

// splitEachNumber: `\p{N}`.
func splitEachNumber(dst []int, t string, s, e int) []int {
	return isolate(dst, t, s, e, func(t string, i, e int) int {
		if _, c, n := at(t, i); c == clsNumber {
			return n
		}
		return 0
	})
}

// splitNumberRuns: `\p{N}+`.
func splitNumberRuns(dst []int, t string, s, e int) []int {
	return isolate(dst, t, s, e, func(t string, i, e int) int {
		p := i
		for p < e {
			_, c, n := at(t, p)
			if c != clsNumber {
				break
			}
			p += n
		}
		return p - i
	})
}

// splitDigitTriples: `[0-9][0-9][0-9]`.
func splitDigitTriples(dst []int, t string, s, e int) []int {
	return isolate(dst, t, s, e, func(t string, i, e int) int {
		if i+3 <= e && isDigit(t[i]) && isDigit(t[i+1]) && isDigit(t[i+2]) {
			return 3
		}
		return 0
	})
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// splitDefaultPunct: `[\p{P}\$\+<=>\^~\|]+`. llama.cpp evaluates this on its
// "collapsed" text, where the ASCII part of \p{P} is spelled out as a range
// list that, with the extra symbols, covers all ASCII punctuation and symbols
// except the backtick; non-ASCII code points match when they are \p{P}.
func splitDefaultPunct(dst []int, t string, s, e int) []int {
	return isolate(dst, t, s, e, func(t string, i, e int) int {
		p := i
		for p < e {
			r, _, n := at(t, p)
			if !isDefaultPunct(r) {
				break
			}
			p += n
		}
		return p - i
	})
}

func isDefaultPunct(r rune) bool {
	if r < 0x80 {
		return r > ' ' && r < 0x7F && r != '`' && !isDigit(byte(r)) &&
			!(r >= 'a' && r <= 'z') && !(r >= 'A' && r <= 'Z')
	}
	return unicode.IsPunct(r)
}
