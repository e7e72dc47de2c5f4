package openai

import (
	"fmt"
	"math"

	"github.com/logsift/logsift/inference/tokenizer"
)

// The json_object mask: response_format {"type":"json_object"} asks for
// any JSON object, which the schema compiler cannot express (its objects
// hold only the properties a schema lists), so a small pushdown recogniser
// of JSON syntax masks the logits instead. It allows compact JSON only (no
// whitespace between tokens: small models loop on it, see DESIGN.md), at
// most maxJSONDepth nested containers, and end-of-generation only after the
// top-level object closes, when it is also the only choice. Apply walks
// each candidate token's bytes from the current state; most tokens fail on
// their first byte, so a step costs about one pass over the vocabulary.

const maxJSONDepth = 32

type jmode uint8

const (
	jValue     jmode = iota // a value must start
	jTop                    // the top-level object must start
	jArrFirst               // after '[': a value or ']'
	jObjFirst               // after '{': a key or '}'
	jKey                    // after ',' in an object: a key
	jColon                  // after a key
	jAfter                  // after a value: ',' or the closer
	jString                 // inside a string
	jEscape                 // after a backslash
	jHex                    // inside \uXXXX; n counts the digits left
	jUTF8                   // inside a multi-byte character; n counts bytes left
	jMinus                  // after '-'
	jZero                   // integer part "0"
	jInt                    // integer digits
	jDot                    // after '.'
	jFrac                   // fraction digits
	jExp                    // after 'e'
	jExpSign                // after the exponent's sign
	jExpDigits              // exponent digits
	jLiteral                // inside true/false/null; lit and n say where
	jDone                   // the top-level object closed
)

type jsonState struct {
	mode  jmode
	key   bool  // the string is an object key
	n     uint8 // see jHex, jUTF8, jLiteral
	lit   uint8 // 0 true, 1 false, 2 null
	depth uint8
	stack [maxJSONDepth]byte
}

var literals = [3]string{"true", "false", "null"}

// closeValue finishes a value and moves to what may follow it.
func (s *jsonState) closeValue() {
	if s.depth == 0 {
		s.mode = jDone
		return
	}
	s.mode = jAfter
}

func (s *jsonState) push(c byte) bool {
	if int(s.depth) == maxJSONDepth {
		return false
	}
	s.stack[s.depth] = c
	s.depth++
	return true
}

// startValue handles the first byte of a value.
func (s *jsonState) startValue(c byte) bool {
	switch {
	case c == '{':
		if !s.push('{') {
			return false
		}
		s.mode = jObjFirst
	case c == '[':
		if !s.push('[') {
			return false
		}
		s.mode = jArrFirst
	case c == '"':
		s.mode, s.key = jString, false
	case c == '-':
		s.mode = jMinus
	case c == '0':
		s.mode = jZero
	case c >= '1' && c <= '9':
		s.mode = jInt
	case c == 't', c == 'f', c == 'n':
		s.mode, s.n, s.lit = jLiteral, 1, 0
		if c == 'f' {
			s.lit = 1
		} else if c == 'n' {
			s.lit = 2
		}
	default:
		return false
	}
	return true
}

// endNumber handles the byte after a number that may end here.
func (s *jsonState) endNumber(c byte) bool {
	s.closeValue()
	if s.mode == jDone {
		return false // a number is never the top-level value
	}
	return s.step(c)
}

// step advances by one byte; false if the byte is not allowed.
func (s *jsonState) step(c byte) bool {
	switch s.mode {
	case jTop:
		return c == '{' && s.startValue(c)
	case jValue:
		return s.startValue(c)
	case jArrFirst:
		if c == ']' {
			s.depth--
			s.closeValue()
			return true
		}
		return s.startValue(c)
	case jObjFirst, jKey:
		if c == '}' && s.mode == jObjFirst {
			s.depth--
			s.closeValue()
			return true
		}
		if c != '"' {
			return false
		}
		s.mode, s.key = jString, true
	case jColon:
		if c != ':' {
			return false
		}
		s.mode = jValue
	case jAfter:
		top := s.stack[s.depth-1]
		switch {
		case c == ',' && top == '{':
			s.mode = jKey
		case c == ',' && top == '[':
			s.mode = jValue
		case c == '}' && top == '{', c == ']' && top == '[':
			s.depth--
			s.closeValue()
		default:
			return false
		}
	case jString:
		switch {
		case c == '"':
			if s.key {
				s.mode = jColon
			} else {
				s.closeValue()
			}
		case c == '\\':
			s.mode = jEscape
		case c < 0x20:
			return false
		case c < 0x80:
		case c&0xE0 == 0xC0 && c >= 0xC2:
			s.mode, s.n = jUTF8, 1
		case c&0xF0 == 0xE0:
			s.mode, s.n = jUTF8, 2
		case c&0xF8 == 0xF0 && c <= 0xF4:
			s.mode, s.n = jUTF8, 3
		default:
			return false
		}
	case jUTF8:
		if c&0xC0 != 0x80 {
			return false
		}
		if s.n--; s.n == 0 {
			s.mode = jString
		}
	case jEscape:
		switch c {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			s.mode = jString
		case 'u':
			s.mode, s.n = jHex, 4
		default:
			return false
		}
	case jHex:
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
		if s.n--; s.n == 0 {
			s.mode = jString
		}
	case jMinus:
		switch {
		case c == '0':
			s.mode = jZero
		case c >= '1' && c <= '9':
			s.mode = jInt
		default:
			return false
		}
	case jZero, jInt:
		switch {
		case c >= '0' && c <= '9' && s.mode == jInt:
		case c == '.':
			s.mode = jDot
		case c == 'e' || c == 'E':
			s.mode = jExp
		default:
			return s.endNumber(c)
		}
	case jDot:
		if c < '0' || c > '9' {
			return false
		}
		s.mode = jFrac
	case jFrac:
		switch {
		case c >= '0' && c <= '9':
		case c == 'e' || c == 'E':
			s.mode = jExp
		default:
			return s.endNumber(c)
		}
	case jExp:
		switch {
		case c == '+' || c == '-':
			s.mode = jExpSign
		case c >= '0' && c <= '9':
			s.mode = jExpDigits
		default:
			return false
		}
	case jExpSign:
		if c < '0' || c > '9' {
			return false
		}
		s.mode = jExpDigits
	case jExpDigits:
		if c < '0' || c > '9' {
			return s.endNumber(c)
		}
	case jLiteral:
		w := literals[s.lit]
		if c != w[s.n] {
			return false
		}
		if s.n++; int(s.n) == len(w) {
			s.closeValue()
		}
	case jDone:
		return false
	}
	return true
}

// jsonVocab is the per-tokenizer part of the mask: every token's bytes and
// whether it may be generated at all.
type jsonVocab struct {
	pieces [][]byte
	eog    []bool
	usable []bool // not CONTROL/UNKNOWN (they decode to nothing), not empty
}

func newJSONVocab(tok *tokenizer.Tokenizer) *jsonVocab {
	n := tok.VocabSize()
	v := &jsonVocab{pieces: make([][]byte, n), eog: make([]bool, n), usable: make([]bool, n)}
	for i := range n {
		id := int32(i)
		v.pieces[i] = tok.Piece(id)
		v.eog[i] = tok.IsEOG(id)
		ty := tok.Type(id)
		v.usable[i] = len(v.pieces[i]) > 0 && ty != tokenizer.TypeControl && ty != tokenizer.TypeUnknown && !v.eog[i]
	}
	return v
}

// jsonMask implements sample.Mask for one request.
type jsonMask struct {
	v  *jsonVocab
	st jsonState
}

func newJSONMask(v *jsonVocab) *jsonMask {
	return &jsonMask{v: v, st: jsonState{mode: jTop}}
}

func (m *jsonMask) allows(id int) bool {
	if m.v.eog[id] {
		return m.st.mode == jDone
	}
	if !m.v.usable[id] {
		return false
	}
	s := m.st
	for _, c := range m.v.pieces[id] {
		if !s.step(c) {
			return false
		}
	}
	return true
}

// Apply sets the logits of tokens that cannot continue the JSON to -Inf.
func (m *jsonMask) Apply(logits []float32) {
	ninf := float32(math.Inf(-1))
	for i := range logits {
		if i >= len(m.v.pieces) || !m.allows(i) {
			logits[i] = ninf
		}
	}
}

// Accept advances past the chosen token.
func (m *jsonMask) Accept(tok int32) error {
	id := int(tok)
	if id < 0 || id >= len(m.v.pieces) || !m.allows(id) {
		return fmt.Errorf("openai: json_object mask: token %d is not allowed here", tok)
	}
	if m.v.eog[id] {
		return nil
	}
	for _, c := range m.v.pieces[id] {
		m.st.step(c)
	}
	return nil
}
