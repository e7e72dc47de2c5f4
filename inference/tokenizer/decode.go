package tokenizer

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// buildPieces renders every token once, as llama.cpp's token-to-piece cache
// does (llama_token_to_piece with special = true).
func (t *Tokenizer) buildPieces() {
	t.pieceOff = make([]uint32, len(t.texts)+1)
	var data []byte
	for id, text := range t.texts {
		switch ty := t.types[id]; {
		case ty == TypeControl || ty == TypeUnknown || ty == TypeUserDefined:
			data = append(data, text...)
		case ty == TypeNormal && t.kind == modelBPE:
			data = appendByteDecoded(data, text)
		case ty == TypeNormal:
			data = append(data, strings.ReplaceAll(text, "\u2581", " ")...)
		case ty == TypeByte && t.kind == modelSPM:
			data = append(data, spmByteValue(text))
		}
		// Byte tokens of a byte-level BPE vocabulary, UNUSED and undefined
		// tokens render as nothing, as in llama.cpp.
		t.pieceOff[id+1] = uint32(len(data))
	}
	t.pieceData = data
}

// appendByteDecoded undoes the GPT-2 byte mapping. Characters outside the
// mapping are rendered the way llama.cpp's llama_decode_text does.
func appendByteDecoded(dst []byte, text string) []byte {
	for i := 0; i < len(text); {
		r, n, _ := decodeLlama(text, i)
		i += n
		if b, ok := runeToByte[r]; ok {
			dst = append(dst, b)
			continue
		}
		dst = append(dst, "[UNK_BYTE_0x"...)
		for _, c := range appendCodepoint(nil, r) {
			dst = fmt.Appendf(dst, "%02x", c)
		}
		dst = append(dst, text...)
		dst = append(dst, ']')
	}
	return dst
}

// spmByteValue parses "<0xXX>" as llama.cpp's token_to_byte does (strtol on
// the text after "<0x", truncated to a byte).
func spmByteValue(text string) byte {
	var v byte
	if len(text) < 3 {
		return 0
	}
	for _, c := range []byte(text[3:]) {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | (c - '0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | (c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | (c - 'A' + 10)
		default:
			return v
		}
	}
	return v
}

// Piece returns a copy of the raw bytes of one token, with
// llama_token_to_piece(special = true) semantics: CONTROL, UNKNOWN and
// USER_DEFINED tokens render as their text, byte-level BPE tokens as the bytes
// they stand for, SentencePiece tokens with "▁" as a space and "<0xXX>" as
// that byte. Out-of-range ids render as nothing (nil).
func (t *Tokenizer) Piece(id int32) []byte {
	if id < 0 || int(id) >= len(t.texts) {
		return nil
	}
	return append([]byte(nil), t.piece(id)...)
}

// AppendPiece appends Piece(id) to dst without allocating.
func (t *Tokenizer) AppendPiece(dst []byte, id int32) []byte {
	if id < 0 || int(id) >= len(t.texts) {
		return dst
	}
	return append(dst, t.piece(id)...)
}

func (t *Tokenizer) piece(id int32) []byte {
	return t.pieceData[t.pieceOff[id]:t.pieceOff[id+1]]
}

// DecodeOptions control Decode; the zero value is what Decode uses.
type DecodeOptions struct {
	// Special renders CONTROL and UNKNOWN tokens as their text (llama.cpp's
	// unparse_special). By default they render as nothing.
	Special bool
	// RemoveSpecial drops a leading BOS and a trailing EOS when the
	// configuration adds them (llama.cpp's remove_special).
	RemoveSpecial bool
	// CleanSpaces applies llama.cpp's clean_up_tokenization_spaces (" ," →
	// ",", " 's" → "'s", ...), which llama_detokenize enables for most
	// byte-level BPE vocabularies (gpt-2 and starcoder included). Off by
	// default because it breaks the round trip.
	CleanSpaces bool
}

// Decode concatenates the pieces of ids into the raw bytes they stand for
// (which need not be valid UTF-8 when ids end inside a character). It is
// llama_detokenize(remove_special = false, unparse_special = false) without
// space clean-up: CONTROL and UNKNOWN tokens render as nothing, and when the
// configuration adds a space prefix (SentencePiece), one leading space of the
// first token is removed, so Decode(Encode(s)) == s. Out-of-range ids render
// as nothing.
func (t *Tokenizer) Decode(ids []int32) string {
	return t.DecodeWith(ids, DecodeOptions{})
}

// DecodeWith is Decode with options; see DecodeOptions.
func (t *Tokenizer) DecodeWith(ids []int32, opts DecodeOptions) string {
	removeSpace := t.addSpace
	if opts.RemoveSpecial && t.addBOS && len(ids) > 0 && ids[0] == t.bos {
		// llama.cpp keeps the space after an explicit BOS.
		removeSpace = false
		ids = ids[1:]
	}
	if opts.RemoveSpecial && t.addEOS && len(ids) > 0 && ids[len(ids)-1] == t.eos {
		ids = ids[:len(ids)-1]
	}
	buf := make([]byte, 0, 4*len(ids))
	for _, id := range ids {
		p := t.renderable(id, opts.Special)
		if removeSpace && len(p) > 0 && p[0] == ' ' {
			p = p[1:]
		}
		// Only the first token may lose its space, even when it rendered
		// as nothing.
		removeSpace = false
		buf = append(buf, p...)
	}
	if opts.CleanSpaces {
		buf = cleanSpaces(buf)
	}
	return string(buf)
}

func (t *Tokenizer) renderable(id int32, special bool) []byte {
	if id < 0 || int(id) >= len(t.texts) {
		return nil
	}
	if !special {
		if ty := t.types[id]; ty == TypeControl || ty == TypeUnknown {
			return nil
		}
	}
	return t.piece(id)
}

// cleanSpaces is llama.cpp's clean_up_tokenization_spaces: drop the space
// before ? ! . , ; turn " ' " into "'"; drop the space before 's 'm 're 've.
func cleanSpaces(b []byte) []byte {
	if len(b) == 0 {
		return b
	}
	n := 1
	for i := 1; i < len(b); i++ {
		x := b[i]
		if b[i-1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',') {
			n--
		}
		b[n] = x
		n++
	}
	b = b[:n]
	n = 1
	for i := 1; i < len(b); i++ {
		x := b[i]
		if x == '\'' && i+1 < len(b) && b[i-1] == ' ' && b[i+1] == ' ' {
			n--
			i++
			b[i] = 0 // llama.cpp overwrites the skipped space, which the next step sees
		}
		b[n] = x
		n++
	}
	b = b[:n]
	n = 1
	for i := 1; i < len(b); i++ {
		x := b[i]
		if b[i-1] == ' ' && x == '\'' && i+1 < len(b) {
			x1 := b[i+1]
			switch {
			case x1 == 's' || x1 == 'm':
				n--
			case i+2 < len(b) && ((x1 == 'r' && b[i+2] == 'e') || (x1 == 'v' && b[i+2] == 'e')):
				n--
			}
		}
		b[n] = x
		n++
	}
	return b[:n]
}

// StreamDecoder turns ids into text one at a time, as a model generates
// them, returning only complete UTF-8: a character whose bytes are split
// across tokens is held back until its last byte arrives. Bytes that can
// never form a character become U+FFFD. Unlike Decode it does not remove the
// SentencePiece leading space, since generated ids continue a prompt.
type StreamDecoder struct {
	t       *Tokenizer
	special bool
	buf     []byte
}

// NewStreamDecoder returns a decoder that renders pieces as Decode does
// (CONTROL and UNKNOWN tokens as nothing).
func (t *Tokenizer) NewStreamDecoder() *StreamDecoder {
	return &StreamDecoder{t: t}
}

// NewStreamDecoderWith is NewStreamDecoder with options; only
// DecodeOptions.Special applies.
func (t *Tokenizer) NewStreamDecoderWith(opts DecodeOptions) *StreamDecoder {
	return &StreamDecoder{t: t, special: opts.Special}
}

// Add appends the piece of id and returns the text that is now complete.
func (d *StreamDecoder) Add(id int32) string {
	d.buf = append(d.buf, d.t.renderable(id, d.special)...)
	var out []byte
	i := 0
	for i < len(d.buf) {
		r, n := utf8.DecodeRune(d.buf[i:])
		if r == utf8.RuneError && n <= 1 {
			if !utf8.FullRune(d.buf[i:]) {
				break // a prefix of a character: wait for more bytes
			}
			if out == nil {
				out = append(make([]byte, 0, len(d.buf)+2), d.buf[:i]...)
			}
			out = utf8.AppendRune(out, utf8.RuneError)
			i++
			continue
		}
		if out != nil {
			out = append(out, d.buf[i:i+n]...)
		}
		i += n
	}
	var s string
	if out != nil {
		s = string(out)
	} else {
		s = string(d.buf[:i])
	}
	d.buf = append(d.buf[:0], d.buf[i:]...)
	return s
}

// Flush returns what is held back (an unfinished character, as one U+FFFD
// per byte, the way Go converts malformed UTF-8 to runes) and resets the
// decoder.
func (d *StreamDecoder) Flush() string {
	s := strings.Repeat(string(utf8.RuneError), len(d.buf))
	d.buf = d.buf[:0]
	return s
}

// Pending reports whether bytes of an unfinished character are held back.
func (d *StreamDecoder) Pending() bool { return len(d.buf) > 0 }
