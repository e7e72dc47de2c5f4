package constrain

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// EnumProbs gives, for every enum-valued property of the schema present in
// out, the probability the model gave the value it chose: the product of
// exp(logprob) over the output tokens that hold at least one byte of the
// value (for a string, of the characters between its quotes; for an empty
// string, of its closing quote). pieces and logprobs are the output's
// tokens' bytes and log-probabilities; a token's log-probability is the
// one the sampler reports, under the masked distribution before
// temperature, and 0 for a token appended by jump-forward. So the result is
// the probability of the token path that spelled the value given what came
// before it, which is the value's probability when the value has one
// spelling the mask allows (jump-forward makes it so: after the value's
// first sampled token the rest of an enum value is usually forced).
//
// Keys are JSON pointers into out ("/severity"). Enum properties are found
// through properties and local $refs from the root; values inside arrays
// or anyOf/oneOf alternatives are not reported.
func EnumProbs(schema []byte, pieces [][]byte, logprobs []float32) (map[string]float64, error) {
	if len(pieces) != len(logprobs) {
		return nil, fmt.Errorf("constrain: enum probabilities: %d tokens but %d log-probabilities", len(pieces), len(logprobs))
	}
	var root any
	if err := json.Unmarshal(schema, &root); err != nil {
		return nil, fmt.Errorf("constrain: enum probabilities: schema: %w", err)
	}
	enums := map[string]bool{}
	budget := maxEnumWalk
	enumPointers(root, root, "", enums, 0, &budget)
	var out []byte
	ends := make([]int, len(pieces)) // ends[i]: end offset of token i
	for i, p := range pieces {
		out = append(out, p...)
		ends[i] = len(out)
	}
	spans := map[string][2]int{}
	sc := scanner{b: out, want: enums, spans: spans}
	if !sc.value("") || sc.skipSpace() != len(out) {
		return nil, fmt.Errorf("constrain: enum probabilities: output %q is not one JSON value", out)
	}
	probs := make(map[string]float64, len(spans))
	for ptr, sp := range spans {
		lp := 0.0
		start := 0
		for i, end := range ends {
			if start < sp[1] && end > sp[0] {
				lp += float64(logprobs[i])
			}
			start = end
		}
		probs[ptr] = math.Exp(lp)
	}
	return probs, nil
}

// maxEnumWalk bounds the schema nodes enumPointers visits: $refs make the
// schema a graph, and a cyclic or widely shared one would otherwise make the
// walk loop or explode (Compile rejects recursion, but EnumProbs may be
// handed any document).
const maxEnumWalk = 10_000

// enumPointers collects the instance pointers of enum-valued properties,
// breadth first so that the budget runs out on the deepest ones.
func enumPointers(root, node any, ptr string, out map[string]bool, depth int, budget *int) {
	type item struct {
		node  any
		ptr   string
		depth int
	}
	queue := []item{{node, ptr, depth}}
	for len(queue) > 0 && *budget > 0 {
		it := queue[0]
		queue = queue[1:]
		obj, ok := it.node.(map[string]any)
		if !ok || it.depth > 64 {
			continue
		}
		*budget--
		if ref, ok := obj["$ref"].(string); ok {
			if t := resolveRef(root, ref); t != nil {
				queue = append(queue, item{t, it.ptr, it.depth + 1})
			}
		}
		if _, ok := obj["enum"]; ok && it.ptr != "" {
			out[it.ptr] = true
		}
		props, _ := obj["properties"].(map[string]any)
		for name, sub := range props {
			queue = append(queue, item{sub, it.ptr + "/" + escapePointer(name), it.depth + 1})
		}
	}
}

func resolveRef(root any, ref string) any {
	if !strings.HasPrefix(ref, "#") {
		return nil
	}
	node := root
	for _, tok := range strings.Split(strings.TrimPrefix(ref, "#"), "/")[1:] {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		obj, ok := node.(map[string]any)
		if !ok {
			return nil
		}
		node = obj[tok]
	}
	return node
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// scanner walks a JSON text and records the byte spans of the values at the
// wanted pointers. The text comes from the automaton, so it is valid JSON;
// the scanner only checks enough not to loop or index out of range.
type scanner struct {
	b     []byte
	i     int
	want  map[string]bool
	spans map[string][2]int
}

func (s *scanner) skipSpace() int {
	for s.i < len(s.b) && strings.IndexByte(" \t\r\n", s.b[s.i]) >= 0 {
		s.i++
	}
	return s.i
}

func (s *scanner) value(ptr string) bool {
	start := s.skipSpace()
	if s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '{':
		s.i++
		if s.skipSpace() < len(s.b) && s.b[s.i] == '}' {
			s.i++
			break
		}
		for {
			s.skipSpace()
			kStart := s.i
			if !s.str() {
				return false
			}
			key, err := strconv.Unquote(string(s.b[kStart:s.i]))
			if err != nil {
				return false
			}
			if s.skipSpace() >= len(s.b) || s.b[s.i] != ':' {
				return false
			}
			s.i++
			if !s.value(ptr + "/" + escapePointer(key)) {
				return false
			}
			if s.skipSpace() >= len(s.b) {
				return false
			}
			if s.b[s.i] == '}' {
				s.i++
				break
			}
			if s.b[s.i] != ',' {
				return false
			}
			s.i++
		}
	case c == '[':
		s.i++
		if s.skipSpace() < len(s.b) && s.b[s.i] == ']' {
			s.i++
			break
		}
		for n := 0; ; n++ {
			if !s.value(ptr + "/" + strconv.Itoa(n)) {
				return false
			}
			if s.skipSpace() >= len(s.b) {
				return false
			}
			if s.b[s.i] == ']' {
				s.i++
				break
			}
			if s.b[s.i] != ',' {
				return false
			}
			s.i++
		}
	case c == '"':
		if !s.str() {
			return false
		}
		if s.want[ptr] {
			if s.i-start == 2 {
				s.spans[ptr] = [2]int{start + 1, s.i} // "": the closing quote
			} else {
				s.spans[ptr] = [2]int{start + 1, s.i - 1}
			}
		}
		return true
	default:
		for s.i < len(s.b) && strings.IndexByte(",}] \t\r\n", s.b[s.i]) < 0 {
			s.i++
		}
		if s.i == start {
			return false
		}
	}
	if s.want[ptr] {
		s.spans[ptr] = [2]int{start, s.i}
	}
	return true
}

// str moves past a string literal starting at s.i.
func (s *scanner) str() bool {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return false
	}
	for s.i++; s.i < len(s.b); s.i++ {
		switch s.b[s.i] {
		case '\\':
			s.i++
		case '"':
			s.i++
			return true
		}
	}
	return false
}
