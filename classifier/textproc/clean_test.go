package textproc

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	f := func(in string, maxLen int, want string) {
		t.Helper()
		if got := Clean(in, maxLen); got != want {
			t.Errorf("Clean(%q, %d) = %q, want %q", in, maxLen, got, want)
		}
	}
	f("", 0, "")
	f("plain line", 0, "plain line")
	f("  padded  ", 0, "padded")
	f("a \t\r\n b", 0, "a b")
	f("tab\tseparated\tfields", 0, "tab separated fields")
	f("line\r\n", 0, "line")
	f("\n\n\n", 0, "")
	// ANSI: SGR colours, cursor moves, OSC titles and hyperlinks.
	f("\x1b[31mERROR\x1b[0m disk full", 0, "ERROR disk full")
	f("\x1b[1;38;5;196mred\x1b[m", 0, "red")
	f("\x1b[2K\x1b[1Aprogress 50%", 0, "progress 50%")
	f("\x1b]0;title\x07after", 0, "after")
	f("\x1b]8;;http://x.io\x1b\\link\x1b]8;;\x1b\\ text", 0, "link text")
	f("\x1b]0;never terminated", 0, "")
	f("keypad\x1b=on\x1b(Bcharset", 0, "keypadoncharset")
	f("trailing esc\x1b", 0, "trailing esc")
	f("half csi \x1b[12", 0, "half csi")
	// Other control characters go; C1 controls (U+0080-U+009F), the BOM and
	// bidi overrides too.
	f("nul\x00bell\x07del\x7fdone", 0, "nulbelldeldone")
	f("\ufeffbom", 0, "bom")
	f("c1\u009b31mx\u0085y", 0, "c131mx y") // U+0085 is a line break
	f("bidi \u202eevil\u202c ok", 0, "bidi evil ok")
	f("nbsp\u00a0and\u2003em", 0, "nbsp and em")
	// Invalid UTF-8 becomes U+FFFD, one per bad byte; valid text stays.
	f("bad\xffbyte", 0, "bad\ufffdbyte")
	f("cut \xe2\x82", 0, "cut \ufffd\ufffd")
	f("überprüfung 日本語 ✓", 0, "überprüfung 日本語 ✓")
	// The cap is in bytes, on a rune boundary, and never leaves a trailing space.
	f("abcdef", 3, "abc")
	f("abc", 3, "abc")
	f("ab  cd", 3, "ab")
	f("ab   cd", 4, "ab c")
	f("日本語", 4, "日")
	f("日本語", 2, "")
	f("\x1b[31mabcdef", 2, "ab")
	f("a\xffb", 3, "a")
	f("abc", -1, "abc")
}

func TestCleanNoAllocWhenClean(t *testing.T) {
	line := "2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster"
	if n := testing.AllocsPerRun(100, func() { _ = Clean(line, 0) }); n != 0 {
		t.Errorf("Clean of a clean line allocated %v times", n)
	}
	dirty := line + "  \r\n"
	if n := testing.AllocsPerRun(100, func() { _ = Clean(dirty, 0) }); n != 1 {
		t.Errorf("Clean of a dirty line allocated %v times, want 1", n)
	}
}

func TestCleanIdempotent(t *testing.T) {
	for _, s := range cleanSeeds {
		for _, n := range []int{0, 1, 5, 16} {
			once := Clean(s, n)
			if twice := Clean(once, n); twice != once {
				t.Errorf("Clean(%q, %d): %q, then %q", s, n, once, twice)
			}
			checkCleanOutput(t, s, n, once)
		}
	}
}

// checkCleanOutput asserts the properties every Clean result has.
func checkCleanOutput(t testing.TB, in string, maxLen int, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("Clean(%q, %d) = %q: invalid UTF-8", in, maxLen, out)
	}
	if maxLen > 0 && len(out) > maxLen {
		t.Fatalf("Clean(%q, %d) = %q: longer than the cap", in, maxLen, out)
	}
	if strings.HasPrefix(out, " ") || strings.HasSuffix(out, " ") || strings.Contains(out, "  ") {
		t.Fatalf("Clean(%q, %d) = %q: whitespace not normalised", in, maxLen, out)
	}
	for _, r := range out {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || (r != ' ' && isSpaceRune(r)) {
			t.Fatalf("Clean(%q, %d) = %q: control or space rune %U left", in, maxLen, out, r)
		}
	}
}

func isSpaceRune(r rune) bool { return strings.TrimSpace(string(r)) == "" }

var cleanSeeds = []string{
	"",
	" ",
	"plain",
	"\x1b[31mERROR\x1b[0m \t x",
	"\x1b]0;t\x07a\x1b]8;;u\x1b\\b",
	"a\xffb\xe2\x82",
	"\u00a0\u2003x\u0085\ufeff",
	"日本語 テキスト",
	"a   b\r\n\tc  ",
	"\x1b",
	"\x1b[",
	"x \x1b[1m y",
}
