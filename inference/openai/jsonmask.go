package openai

import (
	"fmt"
	"math"
	"sync"

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

// closeValue finishes a value and moves to what may follow it. It clears
// the fields the next mode does not use, so that equal states are equal
// values (the mask cache's key).
func (s *jsonState) closeValue() {
	s.n, s.lit, s.key = 0, 0, false
	if s.depth == 0 {
		s.mode = jDone
		return
	}
	s.mode = jAfter
}

func (s *jsonState) pop() {
	s.depth--
	s.stack[s.depth] = 0
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
			s.pop()
			s.closeValue()
			return true
		}
		return s.startValue(c)
	case jObjFirst, jKey:
		if c == '}' && s.mode == jObjFirst {
			s.pop()
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
			s.pop()
			s.closeValue()
		default:
			return false
		}
	case jString:
		switch {
		case c == '"':
			if s.key {
				s.mode, s.key = jColon, false
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

// jsonVocab is the per-tokenizer part of the mask: every token's bytes,
// the usable tokens grouped by first byte, and a cache of computed masks by
// recogniser state, shared by all requests. Most steps hit the cache: inside
// a string the state does not change from token to token, and structure
// repeats. A miss tries each of the 256 first bytes once and walks only the
// tokens that start with an allowed one; inside a string, tokens that are
// plain string content (no quote, backslash, control byte or broken UTF-8)
// are allowed without a walk.
type jsonVocab struct {
	pieces  [][]byte
	eog     []int32
	isEOG   []bool
	usable  []bool // not CONTROL/UNKNOWN (they decode to nothing), not EOG, not empty
	byFirst [256][]int32
	strSafe []bool

	mu    sync.Mutex
	masks map[jsonState][]uint64
}

// maxJSONMasks bounds the mask cache (6 KiB each for a 50k vocabulary).
const maxJSONMasks = 2048

func newJSONVocab(tok *tokenizer.Tokenizer) *jsonVocab {
	n := tok.VocabSize()
	v := &jsonVocab{pieces: make([][]byte, n), isEOG: make([]bool, n), usable: make([]bool, n), strSafe: make([]bool, n),
		masks: map[jsonState][]uint64{}}
	for i := range n {
		id := int32(i)
		p := tok.Piece(id)
		v.pieces[i] = p
		v.isEOG[i] = tok.IsEOG(id)
		if v.isEOG[i] {
			v.eog = append(v.eog, id)
		}
		ty := tok.Type(id)
		v.usable[i] = len(p) > 0 && ty != tokenizer.TypeControl && ty != tokenizer.TypeUnknown && !v.isEOG[i]
		if v.usable[i] {
			v.byFirst[p[0]] = append(v.byFirst[p[0]], id)
			st := jsonState{mode: jString}
			safe := true
			for _, c := range p {
				if c == '"' || c == '\\' || !st.step(c) {
					safe = false
					break
				}
			}
			v.strSafe[i] = safe && st.mode == jString
		}
	}
	return v
}

// mask returns the bitset of tokens allowed in state st.
func (v *jsonVocab) mask(st jsonState) []uint64 {
	v.mu.Lock()
	m, ok := v.masks[st]
	v.mu.Unlock()
	if ok {
		return m
	}
	m = make([]uint64, (len(v.pieces)+63)/64)
	set := func(id int32) { m[id>>6] |= 1 << (id & 63) }
	if st.mode == jDone {
		for _, id := range v.eog {
			set(id)
		}
	}
	inString := st.mode == jString
	for c := range 256 {
		first := st
		if !first.step(byte(c)) {
			continue
		}
	tokens:
		for _, id := range v.byFirst[c] {
			if inString && v.strSafe[id] {
				set(id)
				continue
			}
			s := first
			for _, b := range v.pieces[id][1:] {
				if !s.step(b) {
					continue tokens
				}
			}
			set(id)
		}
	}
	v.mu.Lock()
	if len(v.masks) >= maxJSONMasks {
		clear(v.masks)
	}
	v.masks[st] = m
	v.mu.Unlock()
	return m
}

// jsonMask implements sample.Mask for one request.
type jsonMask struct {
	v  *jsonVocab
	st jsonState
}

func newJSONMask(v *jsonVocab) *jsonMask {
	return &jsonMask{v: v, st: jsonState{mode: jTop}}
}

// Apply sets the logits of tokens that cannot continue the JSON to -Inf.
func (m *jsonMask) Apply(logits []float32) {
	bits := m.v.mask(m.st)
	ninf := float32(math.Inf(-1))
	for i := range logits {
		if i >= len(m.v.pieces) || bits[i>>6]&(1<<(i&63)) == 0 {
			logits[i] = ninf
		}
	}
}

// Accept advances past the chosen token.
func (m *jsonMask) Accept(tok int32) error {
	id := int(tok)
	if id < 0 || id >= len(m.v.pieces) {
		return fmt.Errorf("openai: json_object mask: token %d outside the vocabulary", tok)
	}
	if m.v.isEOG[id] {
		if m.st.mode != jDone {
			return fmt.Errorf("openai: json_object mask: end of generation before the object closed")
		}
		return nil
	}
	s := m.st
	if !m.v.usable[id] {
		return fmt.Errorf("openai: json_object mask: token %d is not allowed here", tok)
	}
	for _, c := range m.v.pieces[id] {
		if !s.step(c) {
			return fmt.Errorf("openai: json_object mask: token %d %q is not allowed here", tok, m.v.pieces[id])
		}
	}
	m.st = s
	return nil
}
