package textproc

import (
	"testing"
	"unicode/utf8"
)

func FuzzClean(f *testing.F) {
	for _, s := range cleanSeeds {
		f.Add(s, 0)
		f.Add(s, 7)
	}
	f.Fuzz(func(t *testing.T, s string, maxLen int) {
		maxLen %= 64 // caps beyond the input length behave like no cap
		out := Clean(s, maxLen)
		checkCleanOutput(t, s, maxLen, out)
		if again := Clean(out, maxLen); again != out {
			t.Fatalf("Clean(%q, %d) = %q, then %q", s, maxLen, out, again)
		}
		if maxLen <= 0 || len(out) < maxLen {
			// Uncapped (or not reaching the cap), the result does not
			// depend on the cap.
			if full := Clean(s, 0); maxLen > 0 && len(full) <= maxLen && full != out {
				t.Fatalf("Clean(%q, %d) = %q but uncapped %q fits", s, maxLen, out, full)
			}
		}
	})
}

func FuzzMask(f *testing.F) {
	for _, s := range maskSeeds {
		f.Add(s)
	}
	for _, s := range cleanSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Mask(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Mask(%q) = %q: invalid UTF-8", s, out)
		}
		if again := Mask(out); again != out {
			t.Fatalf("Mask(%q) = %q, then %q", s, out, again)
		}
		c := Clean(s, 0)
		mc := Mask(c)
		if again := Mask(mc); again != mc {
			t.Fatalf("Mask(Clean(%q)) = %q, then %q", s, mc, again)
		}
	})
}
