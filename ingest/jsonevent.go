package ingest

import (
	"fmt"
	"slices"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/logsift/logsift/schemas"
)

// This file is a small JSON reader and writer for exactly one shape, the
// LogEvent object. encoding/json costs ~70 allocations per event here and
// matches field names case-insensitively; this reader allocates only the
// strings it keeps and matches names exactly. The input has already passed
// utf8.Valid, so strings need no UTF-8 checks, only JSON's own rules.
// FuzzDecode checks it against encoding/json.

// jsonReader walks one buffer; pos is the next byte to read.
type jsonReader struct {
	b   []byte
	pos int
	tmp []byte // scratch for strings with escapes
}

type syntaxErr struct {
	off int
	msg string
}

func (r *jsonReader) fail(format string, args ...any) *syntaxErr {
	return &syntaxErr{off: r.pos, msg: fmt.Sprintf(format, args...)}
}

func (e *syntaxErr) reason() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.off, e.msg)
}

func (r *jsonReader) skipWS() {
	for r.pos < len(r.b) {
		switch r.b[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, 0 at the end.
func (r *jsonReader) peek() byte {
	r.skipWS()
	if r.pos >= len(r.b) {
		return 0
	}
	return r.b[r.pos]
}

func (r *jsonReader) expect(c byte) *syntaxErr {
	got := r.peek()
	if got != c {
		return r.unexpected(fmt.Sprintf("%q", c))
	}
	r.pos++
	return nil
}

func (r *jsonReader) unexpected(want string) *syntaxErr {
	if r.pos >= len(r.b) {
		return r.fail("unexpected end of JSON input, want %s", want)
	}
	return r.fail("unexpected %q, want %s", r.b[r.pos], want)
}

// kind names the JSON type of the value starting at the next byte, for type
// errors.
func (r *jsonReader) kind() string {
	switch c := r.peek(); {
	case c == '"':
		return "string"
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case r.hasLiteral("true") || r.hasLiteral("false"):
		return "bool"
	case r.hasLiteral("null"):
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		return "number"
	case c == 0:
		return "end of input"
	}
	return "invalid JSON"
}

// hasLiteral reports whether lit starts at pos (after spaces).
func (r *jsonReader) hasLiteral(lit string) bool {
	r.skipWS()
	return len(r.b)-r.pos >= len(lit) && string(r.b[r.pos:r.pos+len(lit)]) == lit
}

// null consumes a null literal if one is next.
func (r *jsonReader) null() bool {
	if r.hasLiteral("null") {
		r.pos += 4
		return true
	}
	return false
}

// str reads a JSON string into a new Go string.
func (r *jsonReader) str() (string, *syntaxErr) {
	b, err := r.strBytes()
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// strBytes returns the string's bytes, valid until the next call.
func (r *jsonReader) strBytes() ([]byte, *syntaxErr) {
	if err := r.expect('"'); err != nil {
		return nil, err
	}
	start := r.pos
	for i := start; i < len(r.b); i++ {
		switch c := r.b[i]; {
		case c == '"':
			r.pos = i + 1
			return r.b[start:i], nil
		case c == '\\':
			r.pos = i
			return r.strEscaped(start)
		case c < 0x20:
			r.pos = i
			return nil, r.fail("control character %q in string", c)
		}
	}
	r.pos = len(r.b)
	return nil, r.fail("unterminated string")
}

// strEscaped finishes a string that has escapes; b[start:pos] is plain.
func (r *jsonReader) strEscaped(start int) ([]byte, *syntaxErr) {
	out := append(r.tmp[:0], r.b[start:r.pos]...)
	for r.pos < len(r.b) {
		c := r.b[r.pos]
		switch {
		case c == '"':
			r.pos++
			r.tmp = out
			return out, nil
		case c < 0x20:
			return nil, r.fail("control character %q in string", c)
		case c != '\\':
			out = append(out, c)
			r.pos++
			continue
		}
		if r.pos+1 >= len(r.b) {
			break
		}
		e := r.b[r.pos+1]
		r.pos += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r1, ok := r.hex4()
			if !ok {
				return nil, r.fail(`invalid \u escape`)
			}
			// A surrogate pair encodes one rune; a lone surrogate becomes
			// U+FFFD, as encoding/json does.
			if utf16.IsSurrogate(r1) {
				save := r.pos
				if r.pos+1 < len(r.b) && r.b[r.pos] == '\\' && r.b[r.pos+1] == 'u' {
					r.pos += 2
					if r2, ok := r.hex4(); ok {
						if dec := utf16.DecodeRune(r1, r2); dec != utf8.RuneError {
							out = utf8.AppendRune(out, dec)
							continue
						}
					}
				}
				r.pos = save
				r1 = utf8.RuneError
			}
			out = utf8.AppendRune(out, r1)
		default:
			r.pos -= 2
			return nil, r.fail("invalid escape %q", "\\"+string(e))
		}
	}
	return nil, r.fail("unterminated string")
}

func (r *jsonReader) hex4() (rune, bool) {
	if len(r.b)-r.pos < 4 {
		return 0, false
	}
	var v rune
	for _, c := range r.b[r.pos : r.pos+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		v = v<<4 | rune(c)
	}
	r.pos += 4
	return v, true
}

// Field bits, for duplicate detection.
const (
	fMessage = 1 << iota
	fTS
	fService
	fHost
	fLevel
	fAttrs
	fID
)

// event reads one LogEvent object starting at the next byte. It returns the
// refusal reason, or "".
func (r *jsonReader) event(ev *schemas.LogEvent) string {
	if c := r.peek(); c != '{' {
		if c == 0 {
			return "unexpected end of JSON input"
		}
		if k := r.kind(); k != "invalid JSON" {
			return "want a JSON object, got " + article(k)
		}
		return r.unexpected("a JSON object").reason()
	}
	r.pos++
	var seen uint
	if r.peek() == '}' {
		r.pos++
		return ""
	}
	for {
		if r.peek() != '"' {
			return r.unexpected("a field name").reason()
		}
		kb, err := r.strBytes()
		if err != nil {
			return err.reason()
		}
		var bit uint
		var dst *string
		switch string(kb) { // no allocation: the compiler compares in place
		case "message":
			bit, dst = fMessage, &ev.Message
		case "ts":
			bit = fTS
		case "service":
			bit, dst = fService, &ev.Service
		case "host":
			bit, dst = fHost, &ev.Host
		case "level":
			bit, dst = fLevel, &ev.Level
		case "attrs":
			bit = fAttrs
		case "id":
			bit, dst = fID, &ev.ID
		default:
			return fmt.Sprintf("unknown field %q", clip(string(kb)))
		}
		name := fieldNames[bit]
		if seen&bit != 0 {
			return fmt.Sprintf("duplicate field %q", name)
		}
		seen |= bit
		if err := r.expect(':'); err != nil {
			return err.reason()
		}
		switch {
		case r.null():
		case bit == fAttrs:
			if reason := r.attrs(ev); reason != "" {
				return reason
			}
		case r.peek() != '"':
			return r.typeErr(name, "a string")
		case bit == fTS:
			s, err := r.strBytes()
			if err != nil {
				return err.reason()
			}
			t, perr := time.Parse(time.RFC3339Nano, string(s))
			if perr != nil {
				return fmt.Sprintf("ts %q is not an RFC 3339 time", clip(string(s)))
			}
			ev.TS = t.UTC()
		default:
			s, err := r.str()
			if err != nil {
				return err.reason()
			}
			*dst = s
		}
		switch r.peek() {
		case ',':
			r.pos++
		case '}':
			r.pos++
			return ""
		default:
			return r.unexpected(`"," or "}"`).reason()
		}
	}
}

var fieldNames = map[uint]string{
	fMessage: "message", fTS: "ts", fService: "service", fHost: "host",
	fLevel: "level", fAttrs: "attrs", fID: "id",
}

// attrs reads the attrs object; a null value means the attribute is absent.
func (r *jsonReader) attrs(ev *schemas.LogEvent) string {
	if r.peek() != '{' {
		return r.typeErr("attrs", "an object of strings")
	}
	r.pos++
	if r.peek() == '}' {
		r.pos++
		return ""
	}
	for {
		if r.peek() != '"' {
			return r.unexpected("a field name").reason()
		}
		k, err := r.str()
		if err != nil {
			return err.reason()
		}
		if err := r.expect(':'); err != nil {
			return err.reason()
		}
		if !r.null() {
			if r.peek() != '"' {
				return r.typeErr(fmt.Sprintf("attrs[%q]", clip(k)), "a string")
			}
			v, err := r.str()
			if err != nil {
				return err.reason()
			}
			if ev.Attrs == nil {
				ev.Attrs = make(map[string]string, 4)
			}
			ev.Attrs[k] = v
		}
		switch r.peek() {
		case ',':
			r.pos++
		case '}':
			r.pos++
			return ""
		default:
			return r.unexpected(`"," or "}"`).reason()
		}
	}
}

// typeErr explains a value of the wrong type; where there is no value at
// all, the problem is the syntax.
func (r *jsonReader) typeErr(field, want string) string {
	switch k := r.kind(); k {
	case "end of input":
		return "unexpected end of JSON input"
	case "invalid JSON":
		return r.unexpected("a value").reason()
	default:
		return fmt.Sprintf("%s: want %s, got %s", field, want, k)
	}
}

func article(kind string) string {
	switch kind {
	case "array", "object":
		return "an " + kind
	case "null", "end of input":
		return kind
	}
	return "a " + kind
}

// appendEvent appends ev as JSON in LogEvent's field order, without HTML
// escaping. It fails only for a ts whose year leaves 0000-9999, which JSON
// (RFC 3339) cannot express.
func appendEvent(b []byte, ev *schemas.LogEvent) ([]byte, error) {
	b = append(b, `{"message":`...)
	b = appendString(b, ev.Message)
	if !ev.TS.IsZero() {
		if y := ev.TS.Year(); y < 0 || y > 9999 {
			return b, fmt.Errorf("ts year %d outside 0000-9999", y)
		}
		b = append(b, `,"ts":"`...)
		b = ev.TS.AppendFormat(b, time.RFC3339Nano)
		b = append(b, '"')
	}
	for _, f := range [...]struct{ name, v string }{
		{`,"service":`, ev.Service}, {`,"host":`, ev.Host}, {`,"level":`, ev.Level},
	} {
		if f.v != "" {
			b = append(b, f.name...)
			b = appendString(b, f.v)
		}
	}
	if len(ev.Attrs) > 0 {
		b = append(b, `,"attrs":{`...)
		keys := make([]string, 0, len(ev.Attrs))
		for k := range ev.Attrs {
			keys = append(keys, k)
		}
		slices.Sort(keys) // stable output, as encoding/json does
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b = appendString(b, ev.Attrs[k])
		}
		b = append(b, '}')
	}
	if ev.ID != "" {
		b = append(b, `,"id":`...)
		b = appendString(b, ev.ID)
	}
	return append(b, '}'), nil
}

const hexDigits = "0123456789abcdef"

// appendString quotes valid UTF-8 s as a JSON string. U+2028 and U+2029 are
// escaped, as encoding/json does, so the value is also safe inside
// JavaScript.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == '\u2028' || r == '\u2029' {
				b = append(b, s[start:i]...)
				b = append(b, `\u202`...)
				b = append(b, hexDigits[r&0xF])
				start = i + size
			}
			i += size
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
