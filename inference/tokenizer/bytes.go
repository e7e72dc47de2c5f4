package tokenizer

import "unicode/utf8"

// Byte-level BPE (GPT-2) never sees raw bytes: every byte is first replaced
// by a printable code point so that vocabularies and merges are plain text.
// Printable Latin-1 bytes map to themselves; the other 68 bytes (controls,
// space, DEL, NBSP, soft hyphen) map to U+0100 upwards in byte order.

var (
	byteToRune [256]rune
	runeToByte map[rune]byte
)

func init() {
	runeToByte = make(map[rune]byte, 256)
	n := rune(0)
	for b := 0; b < 256; b++ {
		if (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF) {
			byteToRune[b] = rune(b)
		} else {
			byteToRune[b] = 256 + n
			n++
		}
		runeToByte[byteToRune[b]] = byte(b)
	}
}

// byteEncode maps raw bytes to their GPT-2 text form.
func byteEncode(dst []byte, raw string) []byte {
	for i := 0; i < len(raw); i++ {
		dst = utf8.AppendRune(dst, byteToRune[raw[i]])
	}
	return dst
}

// ByteLevelEncode returns the GPT-2 text form of raw bytes, the spelling
// byte-level BPE vocabularies and merges use (a space is "Ġ", a newline
// "Ċ"). A BPE trainer writes its tokens and merges in this form.
func ByteLevelEncode(raw []byte) string {
	return string(byteEncode(make([]byte, 0, 2*len(raw)), string(raw)))
}

// ByteLevelDecode undoes ByteLevelEncode; ok is false if text holds a
// character outside the byte mapping.
func ByteLevelDecode(text string) (raw []byte, ok bool) {
	raw = make([]byte, 0, len(text))
	for _, r := range text {
		b, found := runeToByte[r]
		if !found {
			return raw, false
		}
		raw = append(raw, b)
	}
	return raw, true
}
