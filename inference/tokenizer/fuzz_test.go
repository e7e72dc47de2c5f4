package tokenizer

import (
	"encoding/binary"
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzVocabs = []string{
	"vocab/ggml-vocab-gpt-2.gguf",
	"vocab/ggml-vocab-starcoder.gguf",
	"vocab/ggml-vocab-llama-spm.gguf",
	"models/tiny-llama-f32.gguf",
}

func FuzzEncode(f *testing.F) {
	for _, s := range []string{"", " ", "Hello, world!", "ied 4 ½ months", "\xff\xfe", "\xe6\x88",
		"<|im_start|>user\n<|im_end|>", "<s> </s>", "3333 33333", "\t\n \u00a0\u2581", "🚀 東京",
		"081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 terminating"} {
		f.Add(s, uint8(0))
	}
	toks := make([]*Tokenizer, len(fuzzVocabs))
	for i, v := range fuzzVocabs {
		toks[i] = loadTokenizer(f, v)
	}
	f.Fuzz(func(t *testing.T, text string, sel uint8) {
		tok := toks[int(sel)%len(toks)]
		for _, opts := range []EncodeOptions{{}, {AddSpecial: true, ParseSpecial: true}} {
			ids := tok.Encode(text, opts)
			for _, id := range ids {
				if id < 0 || int(id) >= tok.VocabSize() {
					t.Fatalf("Encode(%q) produced id %d outside the vocabulary", text, id)
				}
				if !opts.ParseSpecial && !opts.AddSpecial && tok.IsControl(id) {
					t.Fatalf("Encode(%q) without ParseSpecial produced control id %d", text, id)
				}
			}
			dec := tok.Decode(ids)
			if opts.ParseSpecial || !utf8.ValidString(text) {
				continue
			}
			// Byte-level BPE round-trips all valid UTF-8; SentencePiece does
			// too unless the text itself contains its space marker "▁".
			if tok.kind == modelBPE || !strings.Contains(text, "\u2581") {
				if dec != text {
					t.Fatalf("Decode(Encode(%q)) = %q (ids %v)", text, dec, ids)
				}
			}
		}
	})
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0}, uint8(0))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0}, uint8(1))
	f.Add([]byte{0xe6, 0, 0, 0, 0x88, 0, 0, 0}, uint8(3))
	f.Add([]byte{0x7d, 0x02, 0, 0, 3, 0, 0, 0}, uint8(3))
	toks := make([]*Tokenizer, len(fuzzVocabs))
	for i, v := range fuzzVocabs {
		toks[i] = loadTokenizer(f, v)
	}
	f.Fuzz(func(t *testing.T, raw []byte, sel uint8) {
		tok := toks[int(sel)%len(toks)]
		ids := make([]int32, len(raw)/4)
		for i := range ids {
			v := int32(binary.LittleEndian.Uint32(raw[4*i:]))
			if sel&0x80 != 0 {
				v %= int32(tok.VocabSize() + 10) // mostly in range
			}
			ids[i] = v
		}
		for _, o := range []DecodeOptions{{}, {Special: true, RemoveSpecial: true, CleanSpaces: true}} {
			_ = tok.DecodeWith(ids, o)
		}
		var raw2 []byte
		for _, id := range ids {
			_ = tok.Piece(id)
			raw2 = append(raw2, tok.renderable(id, false)...)
		}
		d := tok.NewStreamDecoder()
		var b strings.Builder
		for _, id := range ids {
			s := d.Add(id)
			if !utf8.ValidString(s) {
				t.Fatalf("stream returned invalid UTF-8 %q", s)
			}
			b.WriteString(s)
		}
		b.WriteString(d.Flush())
		if want := string([]rune(string(raw2))); b.String() != want {
			t.Fatalf("stream %q, want %q", b.String(), want)
		}
	})
}
