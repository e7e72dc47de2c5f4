package textproc

import (
	"bytes"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// The placeholders Mask writes in place of variable parts.
const (
	PhTS    = "<TS>"
	PhIP    = "<IP>"
	PhUUID  = "<UUID>"
	PhHex   = "<HEX>"
	PhEmail = "<EMAIL>"
	PhURL   = "<URL>"
	PhPath  = "<PATH>"
	PhDur   = "<DUR>"
	PhNum   = "<NUM>"
)

// Mask returns the template of a log line: timestamps, addresses, ids, paths,
// durations and numbers replaced by placeholders, everything else (words,
// punctuation, whitespace, logger names) kept byte for byte, so that lines
// logged by the same statement map to the same string. See the package
// documentation for the exact rules. Mask is idempotent, and invalid UTF-8 in s
// comes out as U+FFFD.
func Mask(s string) string {
	m := masker{s: s, out: make([]byte, 0, len(s)+len(s)/4+16), kept: -1, loc: -1, w1: -1, w2: -1}
	if strings.IndexByte(s, '@') < 0 && !strings.Contains(s, "://") {
		m.noLink = len(s) // most lines have neither; skip the per-token check
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isAlnum(c):
			// Every matcher consumes whole alphanumeric runs, so an
			// alphanumeric byte seen here always starts a token.
			i = m.token(i)
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				m.out = append(m.out, "\uFFFD"...)
			} else {
				m.out = append(m.out, s[i:i+size]...)
			}
			i += size
		default:
			i = m.punct(i)
		}
	}
	m.wordEnd()
	if len(m.out) == 0 {
		return ""
	}
	// m.out is never written again, so the string may share its memory.
	return unsafe.String(&m.out[0], len(m.out))
}

type masker struct {
	s   string
	out []byte
	// noLink: tokens starting before it cannot begin a URL or e-mail, because
	// the run of address characters they sit in was already checked. It keeps
	// dotted logger names from being rescanned at every dot.
	noLink int
	// kept is the index just past the last letter-first word with a trailing
	// digit that was copied as is ("x86"), or -1: a number joined to it by
	// '_' is part of the name ("x86_64"), not a value.
	kept int
	// loc is the index just past the last masked hardware-location position
	// (see isLocation), or -1.
	loc int
	// w0 is where the current space-separated word of out starts; w1 and
	// w2 where the two before it start, or -1 (see wordEnd).
	w0, w1, w2 int
}

// wordEnd is called where a space-separated word of the output ends. A list
// of the same masked word ("blk_<NUM> blk_<NUM> blk_<NUM> ...", the blocks of
// one HDFS delete) is cut to two copies, so lists of any length share a
// template while a single item keeps its own.
func (m *masker) wordEnd() {
	w := m.out[m.w0:]
	if len(w) == 0 {
		return
	}
	if m.w2 >= 0 && m.w1 == m.w0-len(w)-1 && m.w2 == m.w1-len(w)-1 &&
		string(m.out[m.w1:m.w0-1]) == string(w) && string(m.out[m.w2:m.w1-1]) == string(w) &&
		bytes.IndexByte(w, '<') >= 0 && bytes.IndexByte(w, '>') >= 0 {
		m.out = m.out[:m.w0-1]
		m.w0 = len(m.out)
		return
	}
	m.w2, m.w1 = m.w1, m.w0
}

func (m *masker) emit(ph string, end int) int {
	m.out = append(m.out, ph...)
	return end
}

func (m *masker) copyTo(i, end int) int {
	m.out = append(m.out, m.s[i:end]...)
	return end
}

// punct handles a non-alphanumeric ASCII byte: the start of a path, a negative
// number or an IPv6 address beginning with "::", or else a byte to copy.
func (m *masker) punct(i int) int {
	s := m.s
	c := s[i]
	// '>' counts as part of a word: it ends every placeholder, and a '/'
	// or '-' after "<NUM>" followed a digit before masking ("0/a/b",
	// "5-3"), which must not make it a path or a sign the second time.
	prevAlnum := i > 0 && (isAlnum(s[i-1]) || s[i-1] == '>')
	switch c {
	case '/':
		if !prevAlnum {
			if e := matchUnixPath(s, i, 0); e > 0 {
				return m.emit(PhPath, e)
			}
		}
	case '.', '~':
		if !prevAlnum {
			if e := matchRelPath(s, i); e > 0 {
				return m.emit(PhPath, e)
			}
		}
	case '\\':
		if !prevAlnum && i+2 < len(s) && s[i+1] == '\\' && isPathChar(s[i+2]) {
			if e := matchWinPath(s, i+2, 1); e > 0 {
				return m.emit(PhPath, e)
			}
		}
	case '-':
		// A minus sign only where it cannot be a hyphen: "init 1 -2",
		// "blk_-69...", "vCores:-17"; never in "R02-M1".
		if !prevAlnum && i+1 < len(s) && isDigit(s[i+1]) &&
			!(s[i+1] == '0' && i+3 < len(s) && s[i+2]|0x20 == 'x' && isHex(s[i+3])) {
			return m.number(i, i+1)
		}
	case ':':
		if i+1 < len(s) && s[i+1] == ':' && !prevAlnum && (i == 0 || s[i-1] != ':') {
			if e := matchIPv6(s, i); e > 0 {
				return m.emit(PhIP, e)
			}
		}
	}
	if c == ' ' {
		m.wordEnd()
		m.out = append(m.out, ' ')
		m.w0 = len(m.out)
		return i + 1
	}
	m.out = append(m.out, c)
	return i + 1
}

// token masks or copies the token starting at the alphanumeric byte s[i]
// (whose predecessor is not alphanumeric) and returns where it ends.
func (m *masker) token(i int) int {
	s := m.s
	j := alnumEnd(s, i)
	var next byte
	if j < len(s) {
		next = s[j]
	}
	// After a placeholder, a letter may be the tail of a word that started
	// with digits before masking ("5http://x" is "<NUM>http://x"): it must
	// not start a URL or path the second time round.
	afterPh := i > 0 && s[i-1] == '>'
	if !afterPh {
		if e := m.link(i); e > 0 {
			return e
		}
	}
	if isDigit(s[i]) {
		if s[i] == '0' && i+2 < len(s) && s[i+1]|0x20 == 'x' && isHex(s[i+2]) {
			if k := hexEnd(s, i+2); k == j {
				return m.emit(PhHex, j)
			}
		}
		if e := matchTSDigit(s, i); e > 0 {
			return m.emit(PhTS, e)
		}
		switch next {
		case '.':
			if e := matchIPv4(s, i); e > 0 {
				return m.emit(PhIP, e)
			}
		case ':':
			if e := matchIPv6(s, i); e > 0 {
				return m.emit(PhIP, e)
			}
		case '-':
			if e := matchUUID(s, i); e > 0 {
				return m.emit(PhUUID, e)
			}
		}
		if isHexID(s[i:j]) || (s[i] == '0' && j-i >= 8 && digitEnd(s, i) == j) {
			// A zero-padded run of 8 or more digits is a hex word
			// whose letters happen to be absent ("00106570" next to
			// "0010a5c4" in register dumps).
			return m.emit(PhHex, j)
		}
		return m.number(i, i)
	}
	switch next {
	case ' ':
		if j-i == 3 {
			if e := matchTSWord(s, i); e > 0 {
				return m.emit(PhTS, e)
			}
		}
	case '-':
		if e := matchUUID(s, i); e > 0 {
			return m.emit(PhUUID, e)
		}
	case ':':
		if j-i == 1 && !afterPh && j+1 < len(s) && (s[j+1] == '\\' || s[j+1] == '/') && isLetter(s[i]) {
			if e := matchWinPath(s, j+1, 1); e > 0 {
				return m.emit(PhPath, e)
			}
		}
		if e := matchIPv6(s, i); e > 0 {
			return m.emit(PhIP, e)
		}
	}
	if isHexID(s[i:j]) {
		return m.emit(PhHex, j)
	}
	if m.isLocation(i, j) {
		m.out = append(m.out, s[i])
		m.loc = j
		return m.emit(PhNum, j)
	}
	if isDigit(s[j-1]) {
		m.kept = j
	}
	return m.copyTo(i, j)
}

// isLocation reports a position in a hardware location such as BGL's
// "R02-M1-NA-C:J12-U11": one capital and a decimal number joined to a
// neighbour by a hyphen, or one capital and one hex letter right after such a
// position ("NA" above, where N0 to NF number the node cards). It is masked
// to the capital and <NUM>. A lone "S3" or "L2" is a name and stays.
func (m *masker) isLocation(i, j int) bool {
	s := m.s
	if s[i] < 'A' || s[i] > 'Z' || j-i < 2 {
		return false
	}
	hyphenBefore := i > 0 && s[i-1] == '-'
	if digitEnd(s, i+1) == j {
		return hyphenBefore || (j < len(s) && s[j] == '-')
	}
	return j-i == 2 && s[i+1] >= 'A' && s[i+1] <= 'F' && hyphenBefore && m.loc == i-1
}

// link masks a URL or e-mail address starting at s[i], returning its end, or
// 0 if there is none.
func (m *masker) link(i int) int {
	s := m.s
	if i < m.noLink {
		return 0
	}
	e := i
	for e < len(s) && isLocalChar(s[e]) {
		e++
	}
	if e < len(s) {
		switch {
		case s[e] == '@':
			if end := matchEmailDomain(s, e+1); end > 0 {
				return m.emit(PhEmail, end)
			}
		case strings.HasPrefix(s[e:], "://") && isScheme(s[i:e]):
			if end := matchURLBody(s, e+3); end > 0 {
				return m.emit(PhURL, end)
			}
		}
	}
	m.noLink = e
	return 0
}

// number masks the number whose digits start at s[d] (s[start] is '-' for a
// negative number, else start == d): an integer or a dotted run of digit
// groups (decimals, versions), a duration when a time unit is glued to it, a
// value with a glued unit or suffix ("126MB", "80x25": each digit run masked)
// otherwise.
func (m *masker) number(start, d int) int {
	s := m.s
	j := digitEnd(s, d)
	if start == d && d > 0 && m.kept == d-1 && s[d-1] == '_' && (j == len(s) || !isAlnum(s[j])) {
		// "x86_64": the number is part of the name.
		return m.copyTo(d, j)
	}
	for j+1 < len(s) && s[j] == '.' && isDigit(s[j+1]) {
		// "nova-api.log.1.2017-05-16_13:53:08": the date after the dot is
		// its own token.
		if matchTSDigit(s, j+1) > 0 {
			break
		}
		j = digitEnd(s, j+1)
	}
	if j < len(s) && (isLetter(s[j]) || s[j] == 0xc2) {
		if e := matchDuration(s, d); e > 0 {
			return m.emit(PhDur, e)
		}
		if isLetter(s[j]) {
			m.out = append(m.out, PhNum...)
			k := alnumEnd(s, j)
			for p := j; p < k; {
				if isDigit(s[p]) {
					p = digitEnd(s, p)
					m.out = append(m.out, PhNum...)
				} else {
					q := p
					for q < k && !isDigit(s[q]) {
						q++
					}
					m.out = append(m.out, s[p:q]...)
					p = q
				}
			}
			return k
		}
	}
	return m.emit(PhNum, j)
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }
func isHex(c byte) bool    { return isDigit(c) || ((c|0x20) >= 'a' && (c|0x20) <= 'f') }

func alnumEnd(s string, i int) int {
	for i < len(s) && isAlnum(s[i]) {
		i++
	}
	return i
}

func digitEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func hexEnd(s string, i int) int {
	for i < len(s) && isHex(s[i]) {
		i++
	}
	return i
}

// isHexID reports a hex id: at least 8 hex digits with both a digit and a
// letter, so neither plain numbers nor words like "deadbeef" or "facade" count.
func isHexID(w string) bool {
	if len(w) < 8 {
		return false
	}
	digit, letter := false, false
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case isDigit(c):
			digit = true
		case isHex(c):
			letter = true
		default:
			return false
		}
	}
	return digit && letter
}

// matchUUID matches 8-4-4-4-12 hex digits at s[i].
func matchUUID(s string, i int) int {
	j := i
	for g, n := range [5]int{8, 4, 4, 4, 12} {
		if g > 0 {
			if j >= len(s) || s[j] != '-' {
				return 0
			}
			j++
		}
		if hexEnd(s, j)-j != n {
			return 0
		}
		j += n
	}
	if j < len(s) && isAlnum(s[j]) {
		return 0
	}
	return j
}

// matchDuration matches a number with a time unit, or a chain of them
// ("12ms", "1.5s", "3m20s", "1h2m3.5s", "250µs"), at s[i].
func matchDuration(s string, i int) int {
	j := i
	for {
		k := digitEnd(s, j)
		if k == j {
			return 0
		}
		if k+1 < len(s) && s[k] == '.' && isDigit(s[k+1]) {
			k = digitEnd(s, k+1)
		}
		u := unitEnd(s, k)
		if u == 0 {
			return 0
		}
		j = u
		if j >= len(s) || !isDigit(s[j]) {
			break
		}
	}
	if j < len(s) && isAlnum(s[j]) {
		return 0
	}
	return j
}

var durUnits = [...]string{"mins", "min", "secs", "sec", "ms", "ns", "us", "µs", "s", "m", "h"}

func unitEnd(s string, i int) int {
	for _, u := range durUnits {
		if strings.HasPrefix(s[i:], u) {
			e := i + len(u)
			if e < len(s) && isLetter(s[e]) {
				continue
			}
			return e
		}
	}
	return 0
}
