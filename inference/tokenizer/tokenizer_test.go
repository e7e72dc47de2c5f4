package tokenizer

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// tinyBPE is a hand-made byte-level vocabulary: the 256 byte tokens (id ==
// byte), a few merges, a CONTROL and a USER_DEFINED token.
func tinyBPE(t *testing.T) *Tokenizer {
	t.Helper()
	var toks []string
	for b := 0; b < 256; b++ {
		toks = append(toks, string(byteToRune[b]))
	}
	merges := []string{"h e", "l l", "he ll", "hell o", "Ġ w"}
	toks = append(toks, "he", "ll", "hell", "hello", "Ġw", "<|ctl|>", "<user>")
	types := make([]int32, len(toks))
	for i := range types {
		types[i] = TypeNormal
	}
	types[261], types[262] = TypeControl, TypeUserDefined
	tok, err := New(Config{Model: "gpt2", Pre: "gpt-2", Tokens: toks, Types: types, Merges: merges,
		BOS: 261, EOS: 261, UNK: -1, PAD: -1, AddBOS: true})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestTinyBPE(t *testing.T) {
	tok := tinyBPE(t)
	f := func(in string, opts EncodeOptions, want ...int32) {
		t.Helper()
		got := tok.Encode(in, opts)
		if !slices.Equal(got, want) {
			t.Errorf("Encode(%q, %+v) = %v, want %v", in, opts, got, want)
		}
	}
	f("hello world", EncodeOptions{}, 259, 260, 'o', 'r', 'l', 'd')
	f("hello", EncodeOptions{AddSpecial: true}, 261, 259)
	f("<|ctl|>", EncodeOptions{}, '<', '|', 'c', 't', 'l', '|', '>')
	f("<|ctl|>", EncodeOptions{ParseSpecial: true}, 261)
	f("a<|ctl|>b<|ctl|>", EncodeOptions{ParseSpecial: true}, 'a', 261, 'b', 261)
	// USER_DEFINED tokens are matched even without ParseSpecial (llama.cpp).
	f("x<user>y", EncodeOptions{}, 'x', 262, 'y')
	f("", EncodeOptions{AddSpecial: true}, 261)
	f("\xff", EncodeOptions{}, 0xEF, 0xBF, 0xBD) // U+FFFD's bytes, as llama.cpp

	if got := tok.DecodeWith([]int32{261, 259, 261}, DecodeOptions{}); got != "hello" {
		t.Errorf("Decode hides control tokens: got %q", got)
	}
	if got := tok.DecodeWith([]int32{261, 259, 261}, DecodeOptions{Special: true}); got != "<|ctl|>hello<|ctl|>" {
		t.Errorf("Decode Special: got %q", got)
	}
	if got := tok.DecodeWith([]int32{261, 259, 261}, DecodeOptions{Special: true, RemoveSpecial: true}); got != "hello<|ctl|>" {
		t.Errorf("Decode RemoveSpecial (adds BOS only): got %q", got)
	}
	if got := tok.Decode([]int32{-1, 1 << 20, 'a'}); got != "a" {
		t.Errorf("out-of-range ids: got %q", got)
	}
	if p := tok.Piece(262); string(p) != "<user>" {
		t.Errorf("Piece(user-defined) = %q", p)
	}
	if p := tok.Piece(260); string(p) != " w" {
		t.Errorf("Piece(Ġw) = %q", p)
	}
	if tok.Piece(5000) != nil || tok.TokenText(-3) != "" || tok.IsControl(99999) {
		t.Error("out-of-range accessors must return zero values")
	}
	if !tok.IsControl(261) || tok.BOS() != 261 || tok.EOS() != 261 || tok.VocabSize() != 263 {
		t.Error("accessors disagree with the config")
	}
}

func TestCleanSpaces(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := string(cleanSpaces([]byte(in))); got != want {
			t.Errorf("cleanSpaces(%q) = %q, want %q", in, got, want)
		}
	}
	f("", "")
	f("Hello , world !", "Hello, world!")
	f("it ' s", "it's")
	f("he 's here , they 're , I 'll , we 've , I 'd", "he's here, they're, I 'll, we've, I 'd")
	f(" .", ".")
}

func TestNewValidates(t *testing.T) {
	ok := Config{Model: "gpt2", Pre: "gpt-2", Tokens: []string{"a", "b", "ab"}, Merges: []string{"a b"}, BOS: -1, EOS: -1, UNK: -1, PAD: -1}
	if _, err := New(ok); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	f := func(mut func(*Config), wantSub string) {
		t.Helper()
		c := ok
		mut(&c)
		_, err := New(c)
		if err == nil || !strings.Contains(err.Error(), wantSub) {
			t.Errorf("err = %v, want it to contain %q", err, wantSub)
		}
	}
	f(func(c *Config) { c.Tokens = nil }, "empty vocabulary")
	f(func(c *Config) { c.Types = []int32{1} }, "1 token types for 3 tokens")
	f(func(c *Config) { c.Scores = []float32{1, 2} }, "2 scores for 3 tokens")
	f(func(c *Config) { c.BOS = 3 }, "bos token id 3 out of range")
	f(func(c *Config) { c.PAD = -2 }, "pad token id -2")
	f(func(c *Config) { c.AddBOS = true }, "no bos token id")
	f(func(c *Config) { c.Merges = []string{"ab"} }, `merge 0 "ab"`)
	f(func(c *Config) { c.Merges = []string{"a "} }, `merge 0 "a "`)
	f(func(c *Config) { c.Pre = "qwen9" }, `"qwen9"`)
	f(func(c *Config) { c.Model = "bert" }, `"bert"`)
	f(func(c *Config) { c.EOG = []int{3} }, "end-of-generation id 3 out of range")
}

// A SentencePiece vocabulary adds its space prefix at the start and again
// after every special token, as llama.cpp does.
func TestSPMPrefixAfterSpecial(t *testing.T) {
	tok := loadTokenizer(t, "vocab/ggml-vocab-llama-spm.gguf")
	a := tok.Encode("Hello", EncodeOptions{})
	b := tok.Encode("<s>Hello", EncodeOptions{ParseSpecial: true})
	if !slices.Equal(b, append([]int32{1}, a...)) {
		t.Errorf("<s>Hello = %v, want [1 %v]", b, a)
	}
	withBOS := tok.Encode("Hello", EncodeOptions{AddSpecial: true})
	if withBOS[0] != 1 || !slices.Equal(withBOS[1:], a) {
		t.Errorf("AddSpecial: %v", withBOS)
	}
	if got := tok.Decode(withBOS); got != " Hello" {
		t.Errorf("Decode after BOS keeps the space like llama.cpp: got %q", got)
	}
	if got := tok.DecodeWith(withBOS, DecodeOptions{RemoveSpecial: true}); got != " Hello" {
		t.Errorf("RemoveSpecial: got %q", got)
	}
	if got := tok.Decode(a); got != "Hello" {
		t.Errorf("Decode strips the added prefix: got %q", got)
	}
	// Byte fallback for characters outside the vocabulary.
	ids := tok.Encode("\U0001F680", EncodeOptions{})
	if got := tok.Decode(ids); got != "\U0001F680" {
		t.Errorf("byte fallback round trip: %q (ids %v)", got, ids)
	}
	for _, id := range tok.Encode("<s></s><unk>", EncodeOptions{}) {
		if tok.IsControl(id) || id == tok.UNK() {
			t.Errorf("special text without ParseSpecial produced %d", id)
		}
	}
}

func TestByteLevel(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	enc := ByteLevelEncode(all)
	if n := utf8.RuneCountInString(enc); n != 256 {
		t.Fatalf("256 bytes encode to %d characters", n)
	}
	if got := ByteLevelEncode([]byte(" hello\n")); got != "Ġhello\u010a" {
		t.Errorf("ByteLevelEncode = %q", got)
	}
	raw, ok := ByteLevelDecode(enc)
	if !ok || !bytes.Equal(raw, all) {
		t.Errorf("ByteLevelDecode round trip failed: ok=%v", ok)
	}
	if _, ok := ByteLevelDecode("a b"); ok {
		t.Error("a literal space is outside the mapping")
	}
}
