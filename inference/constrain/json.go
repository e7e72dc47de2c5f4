package constrain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// jv is a JSON value that keeps object members in document order: the
// generated objects list their properties in the order the schema does.
type jv struct {
	kind byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	obj  []member
	arr  []*jv
	str  string
	num  json.Number
	b    bool
}

type member struct {
	key string
	val *jv
}

func (v *jv) get(key string) (*jv, bool) {
	for _, m := range v.obj {
		if m.key == key {
			return m.val, true
		}
	}
	return nil, false
}

// maxJSONDepth bounds the nesting the schema parser accepts.
const maxJSONDepth = 64

func parseJSON(doc []byte) (*jv, error) {
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	v, err := readValue(d, 0)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data after the schema")
	}
	return v, nil
}

func readValue(d *json.Decoder, depth int) (*jv, error) {
	if depth > maxJSONDepth {
		return nil, fmt.Errorf("nested deeper than %d", maxJSONDepth)
	}
	t, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t := t.(type) {
	case json.Delim:
		switch t {
		case '{':
			v := &jv{kind: 'o'}
			for d.More() {
				kt, err := d.Token()
				if err != nil {
					return nil, err
				}
				k := kt.(string)
				if _, dup := v.get(k); dup {
					return nil, fmt.Errorf("duplicate key %q", k)
				}
				val, err := readValue(d, depth+1)
				if err != nil {
					return nil, err
				}
				v.obj = append(v.obj, member{k, val})
			}
			if _, err := d.Token(); err != nil {
				return nil, err
			}
			return v, nil
		case '[':
			v := &jv{kind: 'a'}
			for d.More() {
				val, err := readValue(d, depth+1)
				if err != nil {
					return nil, err
				}
				v.arr = append(v.arr, val)
			}
			if _, err := d.Token(); err != nil {
				return nil, err
			}
			return v, nil
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case string:
		return &jv{kind: 's', str: t}, nil
	case json.Number:
		return &jv{kind: 'n', num: t}, nil
	case bool:
		return &jv{kind: 'b', b: t}, nil
	case nil:
		return &jv{kind: 'z'}, nil
	}
	return nil, fmt.Errorf("unexpected token %v", t)
}

// encode writes v as compact JSON, the spelling generation uses for enum and
// const values.
func (v *jv) encode(sb *strings.Builder) {
	switch v.kind {
	case 'o':
		sb.WriteByte('{')
		for i, m := range v.obj {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(quote(m.key))
			sb.WriteByte(':')
			m.val.encode(sb)
		}
		sb.WriteByte('}')
	case 'a':
		sb.WriteByte('[')
		for i, e := range v.arr {
			if i > 0 {
				sb.WriteByte(',')
			}
			e.encode(sb)
		}
		sb.WriteByte(']')
	case 's':
		sb.WriteString(quote(v.str))
	case 'n':
		sb.WriteString(v.num.String())
	case 'b':
		if v.b {
			sb.WriteString("true")
		} else {
			sb.WriteString("false")
		}
	default:
		sb.WriteString("null")
	}
}

// quote is JSON string quoting without HTML escaping.
func quote(s string) string {
	var buf bytes.Buffer
	e := json.NewEncoder(&buf)
	e.SetEscapeHTML(false)
	if err := e.Encode(s); err != nil {
		panic("BUG: encode string: " + err.Error())
	}
	return strings.TrimSuffix(buf.String(), "\n")
}
