package tokenizer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestPreTokenize(t *testing.T) {
	f := func(pre, in string, want ...string) {
		t.Helper()
		got, err := PreTokenize(pre, in)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("PreTokenize(%q, %q)\n got %q\nwant %q", pre, in, got, want)
		}
		if j := strings.Join(got, ""); j != in && !strings.ContainsRune(j, '\uFFFD') {
			t.Errorf("pieces of %q do not concatenate back: %q", in, j)
		}
	}
	f("gpt-2", "")
	f("gpt-2", "Hello world", "Hello", " world")
	f("gpt-2", "  Hello", " ", " Hello")
	f("gpt-2", "a  \n\tb", "a", "  \n", "\t", "b")
	f("gpt-2", "trailing   ", "trailing", "   ")
	f("gpt-2", "I've he's 'RE y'all", "I", "'ve", " he", "'s", " '", "RE", " y", "'", "all")
	f("gpt-2", "x 3.14 !!", "x", " 3", ".", "14", " !!")
	f("gpt-2", "naïve 東京🚀", "naïve", " 東京", "🚀")
	f("gpt-2", "a\u00a0b", "a", "\u00a0", "b") // NBSP is whitespace but not " "
	f("starcoder", "port 5432 ok", "port", " ", "5", "4", "3", "2", " ok")
	f("starcoder", "a3b", "a", "3", "b")
	f("default", "a, b!! 1234567", "a", ",", " b", "!!", " ", "123", "456", "7")
	f("default", "x`y", "x", "`", "y")
	f("logsift", "2026-11-27T10:00:01Z ERROR db-7 refused to 10.2.3.4:5432 (attempt 3)",
		"2", "0", "2", "6", "-", "1", "1", "-", "2", "7", "T", "1", "0", ":", "0", "0", ":", "0", "1", "Z",
		" ERROR", " db", "-", "7", " refused", " to", " 1", "0", ".", "2", ".", "3", ".", "4", ":", "5", "4", "3", "2",
		" (", "attempt", " 3", ")")
	f("logsift", "don't  stop\n\nnow", "don", "'", "t", " ", " stop", "\n", "\n", "now")
	f("logsift", "a ://b", "a", " :", "/", "/", "b")
	f("logsift", "end ", "end", " ")

	if _, err := PreTokenize("llama3-ish", "x"); err == nil || !strings.Contains(err.Error(), `"llama3-ish"`) {
		t.Errorf("unknown pre-tokenizer: err = %v, want one naming it", err)
	}
}

// Malformed UTF-8 becomes U+FFFD per bad byte, as in llama.cpp, and overlong
// forms are decoded leniently as llama.cpp does.
func TestNormalizeUTF8(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		got, _ := normalizeUTF8(in, nil)
		if got != want {
			t.Errorf("normalizeUTF8(%q) = %q, want %q", in, got, want)
		}
	}
	f("plain ✓", "plain ✓")
	f("a\xffb", "a\uFFFDb")
	f("\xe6\x88", "\uFFFD\uFFFD")
	f("\xc0\x80", "\x00")
	f("\xed\xa0\x80", "\xed\xa0\x80") // a surrogate survives, encoded as llama.cpp does
	f("\xf7\xbf\xbf\xbf", "\uFFFD")
}

// The hand-written splitters agree with the regex patterns they implement,
// evaluated by an independent regex engine (testdata/gen_pretokenize_golden.py).
func TestPreTokenizeGolden(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "pretokenize_golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Pre    string   `json:"pre"`
		Text   string   `json:"text"`
		Pieces []string `json:"pieces"`
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 1000 {
		t.Fatalf("only %d golden cases", len(cases))
	}
	fails := 0
	for _, c := range cases {
		got, err := PreTokenize(c.Pre, c.Text)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 && len(c.Pieces) == 0 {
			continue
		}
		if !slices.Equal(got, c.Pieces) {
			if fails++; fails <= 15 {
				t.Errorf("%s %q:\n got %q\nwant %q", c.Pre, c.Text, got, c.Pieces)
			}
		}
	}
	if fails > 0 {
		t.Errorf("%d of %d golden cases differ", fails, len(cases))
	}
}
