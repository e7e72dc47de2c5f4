package tokenizer

import "unicode/utf8"

// llama.cpp decodes UTF-8 with its own lenient decoder rather than a strict
// one: it accepts overlong forms and surrogates (anything whose lead and
// continuation bits look right) and turns every other byte that does not start
// a well-formed sequence into U+FFFD, one per byte. The byte-level BPE path
// re-encodes the decoded code points before byte-mapping them, so to produce
// the same ids for malformed input we must decode the same way.

const replacementChar = 0xFFFD

// decodeLlama decodes one code point at s[i:] the way llama.cpp's
// unicode_cpt_from_utf8 does. ok is false (and size 1) where llama.cpp would
// substitute U+FFFD.
func decodeLlama(s string, i int) (r rune, size int, ok bool) {
	b0 := s[i]
	switch {
	case b0 < 0x80:
		return rune(b0), 1, true
	case b0&0x40 == 0: // continuation byte in lead position
		return replacementChar, 1, false
	case b0&0x20 == 0:
		if i+1 >= len(s) || s[i+1]&0xC0 != 0x80 {
			return replacementChar, 1, false
		}
		return rune(b0&0x1F)<<6 | rune(s[i+1]&0x3F), 2, true
	case b0&0x10 == 0:
		if i+2 >= len(s) || s[i+1]&0xC0 != 0x80 || s[i+2]&0xC0 != 0x80 {
			return replacementChar, 1, false
		}
		return rune(b0&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F), 3, true
	case b0&0x08 == 0:
		if i+3 >= len(s) || s[i+1]&0xC0 != 0x80 || s[i+2]&0xC0 != 0x80 || s[i+3]&0xC0 != 0x80 {
			return replacementChar, 1, false
		}
		return rune(b0&0x07)<<18 | rune(s[i+1]&0x3F)<<12 | rune(s[i+2]&0x3F)<<6 | rune(s[i+3]&0x3F), 4, true
	}
	return replacementChar, 1, false
}

// appendCodepoint encodes r like llama.cpp's unicode_cpt_to_utf8, which (unlike
// utf8.AppendRune) encodes surrogates as three bytes. Code points above
// U+10FFFF make llama.cpp throw; we write U+FFFD instead.
func appendCodepoint(dst []byte, r rune) []byte {
	switch {
	case r < 0:
		return utf8.AppendRune(dst, replacementChar)
	case r < 0x80:
		return append(dst, byte(r))
	case r < 0x800:
		return append(dst, 0xC0|byte(r>>6), 0x80|byte(r&0x3F))
	case r < 0x10000:
		return append(dst, 0xE0|byte(r>>12), 0x80|byte(r>>6&0x3F), 0x80|byte(r&0x3F))
	case r <= 0x10FFFF:
		return append(dst, 0xF0|byte(r>>18), 0x80|byte(r>>12&0x3F), 0x80|byte(r>>6&0x3F), 0x80|byte(r&0x3F))
	}
	return utf8.AppendRune(dst, replacementChar)
}

// normalizeUTF8 returns s with every sequence re-encoded as llama.cpp's
// decode/encode round trip does: valid UTF-8 comes back unchanged (and without
// copying); malformed bytes become U+FFFD, overlong forms their canonical
// encoding. After this every position decodes with ok == true.
func normalizeUTF8(s string, buf []byte) (string, []byte) {
	if utf8.ValidString(s) {
		return s, buf
	}
	buf = buf[:0]
	for i := 0; i < len(s); {
		r, n, _ := decodeLlama(s, i)
		buf = appendCodepoint(buf, r)
		i += n
	}
	return string(buf), buf
}

// spmCharLen is llama.cpp's unicode_len_utf8: the sequence length announced by
// a lead byte, looked up by its high nibble (continuation bytes count as 1).
func spmCharLen(b byte) int {
	return int(spmLenTable[b>>4])
}

var spmLenTable = [16]uint8{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4}
