package textproc

import (
	"unicode"
	"unicode/utf8"
	"unsafe"
)

const esc = 0x1b

// Clean makes one raw log line safe to store, show and feed to a model:
// ANSI escape sequences are removed, other control characters dropped (tabs and
// line breaks count as whitespace), invalid UTF-8 becomes U+FFFD, whitespace
// runs become one space, the ends are trimmed, and the result is cut to at most
// maxLen bytes on a rune boundary (maxLen <= 0: no cap).
//
// Clean is idempotent: Clean(Clean(s, n), n) == Clean(s, n). A line that needs
// no change is returned as is, without allocating.
func Clean(s string, maxLen int) string {
	if isClean(s, maxLen) {
		return s
	}
	limit := len(s) + 8
	if maxLen > 0 && maxLen < limit {
		limit = maxLen
	}
	out := make([]byte, 0, min(len(s)+8, limit+utf8.UTFMax+1))
	// space is pending whitespace, written only once a visible rune follows,
	// so out never starts or ends with a space and is always a prefix of the
	// full result: that lets the loop stop as soon as the cap is passed.
	space := false
	for i := 0; i < len(s); {
		if maxLen > 0 && len(out) > maxLen {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == esc:
				i = skipEscape(s, i)
			case c == ' ' || (c >= '\t' && c <= '\r'):
				space = len(out) > 0
				i++
			case c < 0x20 || c == 0x7f:
				i++
			default:
				if space {
					out = append(out, ' ')
					space = false
				}
				out = append(out, c)
				i++
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			// Keep a marker where the bad byte was: silently dropping it
			// could glue two words together.
		case unicode.IsSpace(r):
			space = len(out) > 0
			continue
		case dropRune(r):
			continue
		}
		if space {
			out = append(out, ' ')
			space = false
		}
		out = utf8.AppendRune(out, r)
	}
	if maxLen > 0 && len(out) > maxLen {
		n := maxLen
		for n > 0 && !utf8.RuneStart(out[n]) {
			n--
		}
		out = out[:n]
		for len(out) > 0 && out[len(out)-1] == ' ' {
			out = out[:len(out)-1]
		}
	}
	if len(out) == 0 {
		return ""
	}
	// out is never written again, so the string may share its memory; this
	// saves the copy strings.Builder would also avoid.
	return unsafe.String(&out[0], len(out))
}

// dropRune reports the non-ASCII runes Clean removes: C1 controls (U+0080 to
// U+009F, which include the 8-bit CSI), the byte-order mark, and the bidi
// embedding, override and isolate controls, which can make a line display
// differently from what it says.
func dropRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r == 0xfeff:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// skipEscape returns the index just past the escape sequence that starts with
// the ESC at s[i]. CSI (ESC [ params intermediates final) covers colours and
// cursor moves; OSC, DCS, SOS, PM and APC strings run to BEL or ESC \ (an
// unterminated one swallows the rest of the line, as a terminal would); any
// other ESC takes its intermediate bytes and one final byte.
func skipEscape(s string, i int) int {
	i++ // ESC
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		i++
		for i < len(s) && s[i] >= 0x30 && s[i] <= 0x3f {
			i++
		}
		for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
			i++
		}
		if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
			i++
		}
		return i
	case ']', 'P', 'X', '^', '_':
		i++
		for i < len(s) {
			switch {
			case s[i] == 0x07:
				return i + 1
			case s[i] == esc && i+1 < len(s) && s[i+1] == '\\':
				return i + 2
			}
			i++
		}
		return i
	}
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}

// isClean reports whether Clean(s, maxLen) == s, checking only the common case
// of printable ASCII with single inner spaces; anything else takes the slow path.
func isClean(s string, maxLen int) bool {
	if maxLen > 0 && len(s) > maxLen {
		return false
	}
	if len(s) == 0 {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f {
			return false
		}
		if c == ' ' {
			if prevSpace {
				return false
			}
			prevSpace = true
		} else {
			prevSpace = false
		}
	}
	return true
}
