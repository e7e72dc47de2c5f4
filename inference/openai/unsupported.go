package openai

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/logsift/logsift/inference/constrain"
)

// maxReported bounds the unsupported keywords one error lists.
const maxReported = 8

// discovery are the smallest bounds: keyword checks do not depend on them,
// and the last compile, once nothing unsupported is left, would otherwise
// build the whole automaton (seconds for arrays of long strings). A schema
// that then fails for another reason ends the search early.
var discovery = constrain.Options{MaxStringLength: 1, MaxItems: 1, IntegerDigits: 1, FractionDigits: 1, MaxStates: 1 << 12}

// allUnsupported lists every unsupported keyword of schema, not only the
// first the compiler meets, so a client fixes its schema in one round: it
// deletes each reported keyword and compiles again, with the compiler as
// the only judge of what is supported.
func allUnsupported(schema []byte, first *constrain.UnsupportedError) []*constrain.UnsupportedError {
	out := []*constrain.UnsupportedError{first}
	var doc any
	if json.Unmarshal(schema, &doc) != nil {
		return out
	}
	for cur := first; len(out) < maxReported; {
		if !deleteAt(doc, cur.Pointer, cur.Keyword) {
			break
		}
		b, err := json.Marshal(doc)
		if err != nil {
			break
		}
		_, err = constrain.Compile(b, discovery)
		var ue *constrain.UnsupportedError
		if !errors.As(err, &ue) {
			break
		}
		out = append(out, ue)
		cur = ue
	}
	return out
}

// deleteAt removes key from the object at the JSON pointer ptr of doc.
func deleteAt(doc any, ptr, key string) bool {
	node := doc
	if ptr != "" {
		for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
			tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
			switch n := node.(type) {
			case map[string]any:
				node = n[tok]
			case []any:
				i, err := strconv.Atoi(tok)
				if err != nil || i < 0 || i >= len(n) {
					return false
				}
				node = n[i]
			default:
				return false
			}
		}
	}
	m, ok := node.(map[string]any)
	if !ok {
		return false
	}
	if _, ok := m[key]; !ok {
		return false
	}
	delete(m, key)
	return true
}

func describeUnsupported(us []*constrain.UnsupportedError) string {
	parts := make([]string, len(us))
	for i, u := range us {
		at := u.Pointer
		if at == "" {
			at = "/"
		}
		parts[i] = fmt.Sprintf("keyword %q at %s", u.Keyword, at)
		if u.Reason != "" {
			parts[i] += " (" + u.Reason + ")"
		}
	}
	return strings.Join(parts, "; ")
}
