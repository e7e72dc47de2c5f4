package bpe

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/logsift/logsift/inference/gguf"
	"github.com/logsift/logsift/inference/tokenizer"
)

var testSpecials = []string{"<|bos|>", "<|eos|>", "<|in|>", "<|out|>"}

// genericText returns n lines of made-up prose: words built from syllables
// with a skewed frequency, numbers, punctuation, some non-ASCII letters and
// symbols, doubled spaces and tabs. Seeded, so every run sees the same text.
func genericText(seed uint64, n int) []string {
	r := rand.New(rand.NewPCG(seed, 7))
	syll := []string{"ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "zen", "tha", "qu", "ex", "or", "an", "é", "ü", "ß", "日本", "語"}
	vocab := make([]string, 400)
	for i := range vocab {
		var b strings.Builder
		for range 1 + r.IntN(4) {
			b.WriteString(syll[r.IntN(len(syll))])
		}
		if r.IntN(6) == 0 {
			rs := []rune(b.String())
			rs[0] = unicode.ToUpper(rs[0])
			b.Reset()
			b.WriteString(string(rs))
		}
		vocab[i] = b.String()
	}
	punct := []string{".", ",", ";", ":", "!", "?", "(", ")", "\"", "'", "-", "/", "=", "→", "😀"}
	lines := make([]string, n)
	for i := range lines {
		var b strings.Builder
		for j := range 3 + r.IntN(14) {
			if j > 0 {
				switch r.IntN(20) {
				case 0:
					b.WriteString("  ")
				case 1:
					b.WriteString("\t")
				default:
					b.WriteByte(' ')
				}
			}
			switch k := r.IntN(12); {
			case k == 0:
				b.WriteString(strconv.Itoa(r.IntN(100000)))
			case k == 1:
				b.WriteString(punct[r.IntN(len(punct))])
			default:
				// Zipf-like: low indexes far more often.
				b.WriteString(vocab[int(float64(len(vocab))*r.Float64()*r.Float64()*r.Float64())])
			}
		}
		lines[i] = b.String()
	}
	return lines
}

func trainText(t testing.TB, lines []string, opts Options) (*Vocab, *trainer) {
	t.Helper()
	v, tr, err := train(context.Background(), slices.Values(lines), opts)
	if err != nil {
		t.Fatal(err)
	}
	return v, tr
}

func defaultOpts() Options {
	return Options{VocabSize: 700, Pre: "logsift", Specials: testSpecials, AddBOS: true}
}

// viaGGUF writes v into a GGUF file, parses it back and builds the tokenizer
// from the parsed metadata only.
func viaGGUF(t testing.TB, v *Vocab) (*tokenizer.Tokenizer, *gguf.File) {
	t.Helper()
	w := gguf.NewWriter()
	w.SetKV("general.architecture", gguf.TypeString, "llama")
	v.WriteGGUF(w)
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := gguf.Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := tokenizer.FromGGUF(f)
	if err != nil {
		t.Fatal(err)
	}
	return tok, f
}

func TestGGUFRoundTrip(t *testing.T) {
	lines := genericText(1, 3000)
	v, _ := trainText(t, lines, defaultOpts())
	if len(v.Tokens) != 700 {
		t.Fatalf("vocab has %d tokens, want 700", len(v.Tokens))
	}
	if want := 700 - len(testSpecials) - 256; len(v.Merges) != want {
		t.Fatalf("%d merges, want %d", len(v.Merges), want)
	}
	tok, f := viaGGUF(t, v)

	if s, _ := f.String("tokenizer.ggml.model"); s != "gpt2" {
		t.Errorf("tokenizer.ggml.model = %q", s)
	}
	if s, _ := f.String("tokenizer.ggml.pre"); s != "logsift" {
		t.Errorf("tokenizer.ggml.pre = %q", s)
	}
	if tok.VocabSize() != len(v.Tokens) || tok.BOS() != 0 || tok.EOS() != 1 || !tok.AddsBOS() {
		t.Fatalf("tokenizer: vocab %d bos %d eos %d addBOS %v", tok.VocabSize(), tok.BOS(), tok.EOS(), tok.AddsBOS())
	}
	for i, s := range testSpecials {
		if !tok.IsControl(int32(i)) || tok.TokenText(int32(i)) != s {
			t.Errorf("token %d = %q control=%v, want control %q", i, tok.TokenText(int32(i)), tok.IsControl(int32(i)), s)
		}
	}
	extra := []string{"", " ", "unseen wörds ǅ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \r\n\x00\x7f", "   leading and trailing   ", "1234567890", strings.Repeat("kalo", 50)}
	for _, s := range append(lines, extra...) {
		ids := tok.Encode(s, tokenizer.EncodeOptions{})
		if got := tok.Decode(ids); got != s {
			t.Fatalf("Decode(Encode(%q)) = %q", s, got)
		}
	}
	// Training text compresses: the merges are used.
	var bytesN, tokensN int
	for _, s := range lines {
		bytesN += len(s)
		tokensN += len(tok.Encode(s, tokenizer.EncodeOptions{}))
	}
	if ratio := float64(bytesN) / float64(tokensN); ratio < 2 {
		t.Errorf("%.2f bytes per token on the training text, want >= 2", ratio)
	}
}

// Every distinct training word must encode to exactly the segmentation the
// trainer ended with: the merges written reproduce the training.
func TestTokenizerReproducesTraining(t *testing.T) {
	f := func(pre string, vocab int, lines []string) {
		t.Helper()
		opts := defaultOpts()
		opts.Pre, opts.VocabSize = pre, vocab
		v, tr := trainText(t, lines, opts)
		tok, err := tokenizer.New(v.Config())
		if err != nil {
			t.Fatal(err)
		}
		multi := 0
		for i, w := range tr.texts {
			got := tok.Encode(w, tokenizer.EncodeOptions{})
			if !slices.Equal(got, tr.words[i]) {
				t.Fatalf("pre %s: word %q encodes to %v, trainer built %v", pre, w, got, tr.words[i])
			}
			if len(got) == 1 && len(w) > 1 {
				multi++
			}
		}
		if multi == 0 {
			t.Fatalf("pre %s: no word became a single merged token", pre)
		}
	}
	lines := genericText(2, 2000)
	f("logsift", 900, lines)
	f("gpt-2", 1200, lines)
	f("default", 600, lines)
	// Repetitive words exercise overlapping pairs ("aaaa").
	f("gpt-2", 300, []string{"aaaa aaa aa a aaaaaaa", "aaaa aaaaa bbbbbb abab ababab", "aaaa abab"})
}

func TestSpecialsNeverFromText(t *testing.T) {
	lines := genericText(3, 1500)
	// The training text spells the specials, too often for a vocabulary to
	// ignore them.
	for i := range lines {
		lines[i] += " " + testSpecials[i%len(testSpecials)]
	}
	v, _ := trainText(t, lines, defaultOpts())
	tok, _ := viaGGUF(t, v)
	text := strings.Join(testSpecials, "") + " <|eos|> <|bos|><|in|>x<|out|>"
	ids := tok.Encode(text, tokenizer.EncodeOptions{})
	for _, id := range ids {
		if tok.IsControl(id) {
			t.Fatalf("plain text produced control token %d (%q): %v", id, tok.TokenText(id), ids)
		}
	}
	if got := tok.Decode(ids); got != text {
		t.Fatalf("round trip: %q", got)
	}
	// The tokens exist for prompts that ask for them.
	parsed := tok.Encode("<|in|>x<|out|>", tokenizer.EncodeOptions{ParseSpecial: true})
	if len(parsed) < 3 || parsed[0] != 2 || parsed[len(parsed)-1] != 3 {
		t.Fatalf("ParseSpecial: %v", parsed)
	}
	for i, s := range v.Tokens[len(testSpecials):] {
		if slices.Contains(testSpecials, s) {
			t.Fatalf("token %d duplicates special %q", i+len(testSpecials), s)
		}
	}
}

func TestDeterministic(t *testing.T) {
	lines := genericText(4, 2000)
	opts := defaultOpts()
	opts.Workers = 1
	a, _ := trainText(t, lines, opts)
	opts.Workers = 3
	b, _ := trainText(t, lines, opts)
	if !slices.Equal(a.Tokens, b.Tokens) || !slices.Equal(a.Merges, b.Merges) || !slices.Equal(a.Types, b.Types) {
		t.Fatal("same text, different vocabularies")
	}
	// Another text gives another vocabulary (the test above could pass on
	// a trainer that ignores its input).
	c, _ := trainText(t, genericText(5, 2000), opts)
	if slices.Equal(a.Merges, c.Merges) {
		t.Fatal("different texts, same merges")
	}
}

func TestMinFrequencyStopsEarly(t *testing.T) {
	v, _ := trainText(t, []string{"abc abc abd xyz"}, Options{VocabSize: 1000, Pre: "gpt-2", MinFrequency: 2})
	// " abc" twice: " a"+"b" ... up to " abc"; everything else is seen once.
	if len(v.Merges) == 0 || len(v.Merges) > 3 {
		t.Fatalf("merges %q", v.Merges)
	}
	if v.BOS != -1 || v.EOS != -1 {
		t.Fatalf("no specials but bos %d eos %d", v.BOS, v.EOS)
	}
	if v.Words != 4 || v.Pieces != 4 {
		t.Fatalf("words %d pieces %d, want 4 and 4", v.Words, v.Pieces)
	}
}

func TestOptionErrors(t *testing.T) {
	f := func(opts Options, want string) {
		t.Helper()
		_, err := Train(context.Background(), slices.Values([]string{"x"}), opts)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("%+v: error %v, want it to mention %q", opts, err, want)
		}
	}
	f(Options{VocabSize: 100, Pre: "logsift"}, "vocab size 100 below 256")
	f(Options{VocabSize: 300, Pre: "nope"}, `unsupported pre-tokenizer "nope"`)
	f(Options{VocabSize: 300, Pre: "logsift", Specials: []string{"<a>"}, EOS: "<b>"}, `"<b>" is not among the specials`)
	f(Options{VocabSize: 300, Pre: "logsift", Specials: []string{"<a>", "<a>"}}, "given twice")
	f(Options{VocabSize: 300, Pre: "logsift", AddBOS: true}, "AddBOS without a BOS")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Train(ctx, slices.Values(genericText(6, 100)), Options{VocabSize: 400, Pre: "logsift"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

// User-defined phrases sit right after the specials, typed USER_DEFINED;
// the tokenizer cuts them out of any text (ParseSpecial or not) as single
// tokens, no merge spells them, and round trips still hold.
func TestUserDefined(t *testing.T) {
	phrases := []string{`{"key":"`, `","other":"`, `"}`}
	lines := genericText(5, 2000)
	for i := range lines {
		lines[i] = phrases[0] + lines[i] + phrases[1] + strconv.Itoa(i) + phrases[2]
	}
	opts := defaultOpts()
	opts.UserDefined = phrases
	v, tr := trainText(t, lines, opts)
	if len(v.Tokens) != 700 {
		t.Fatalf("vocab has %d tokens, want 700", len(v.Tokens))
	}
	tok, _ := viaGGUF(t, v)
	for i, p := range phrases {
		id := int32(len(testSpecials) + i)
		if tok.TokenText(id) != p || tok.Type(id) != tokenizer.TypeUserDefined {
			t.Errorf("token %d = %q type %d, want user-defined %q", id, tok.TokenText(id), tok.Type(id), p)
		}
	}
	for i, s := range v.Tokens[len(testSpecials)+len(phrases):] {
		raw, _ := tokenizer.ByteLevelDecode(s)
		if strings.Contains(string(raw), `"}`) || slices.Contains(phrases, s) {
			t.Fatalf("learned token %d %q spells a phrase", i, s)
		}
	}
	// The phrases' words ("key", "other") occur nowhere else in the text.
	for _, w := range tr.texts {
		if strings.Contains(w, `"}`) || strings.Contains(w, "key") || strings.Contains(w, "other") {
			t.Fatalf("training word %q comes from a phrase", w)
		}
	}
	for _, parse := range []bool{false, true} {
		text := `x{"key":"a","other":"b"}` + lines[7]
		ids := tok.Encode(text, tokenizer.EncodeOptions{ParseSpecial: parse})
		var got []int32
		for _, id := range ids {
			if tok.Type(id) == tokenizer.TypeUserDefined {
				got = append(got, id)
			}
		}
		want := []int32{4, 5, 6, 4, 5, 6}
		if !slices.Equal(got, want) {
			t.Errorf("ParseSpecial %v: user-defined tokens %v in %v, want %v", parse, got, ids, want)
		}
		if dec := tok.Decode(ids); dec != text {
			t.Errorf("Decode(Encode(%q)) = %q", text, dec)
		}
	}

	f := func(o Options, want string) {
		t.Helper()
		if _, err := Train(context.Background(), slices.Values(lines[:10]), o); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Train(%+v) = %v, want %q", o, err, want)
		}
	}
	f(Options{VocabSize: 700, Pre: "logsift", Specials: testSpecials, UserDefined: []string{"}"}}, "shorter than two bytes")
	f(Options{VocabSize: 700, Pre: "logsift", Specials: testSpecials, UserDefined: []string{"<|in|>"}}, "given twice")
	f(Options{VocabSize: 262, Pre: "logsift", Specials: testSpecials, UserDefined: phrases}, "3 user-defined")
}
