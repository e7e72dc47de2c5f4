package constrain

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Options bound what the compiled automaton may generate. The zero value
// means the defaults.
type Options struct {
	// MaxStringLength caps strings without a maxLength, in characters
	// (default 256), so that every generation terminates.
	MaxStringLength int
	// MaxItems caps arrays without a maxItems (default 16).
	MaxItems int
	// IntegerDigits caps the digits of integers and of the integer part of
	// numbers without bounds that say otherwise (default 15, so every value
	// is exact in a float64).
	IntegerDigits int
	// FractionDigits caps the digits after a number's decimal point (default 6).
	FractionDigits int
	// Whitespace is how many whitespace bytes may appear between two JSON
	// tokens (default 0: compact JSON, which keeps forced runs long and stops
	// small models from looping on spaces).
	Whitespace int
	// MaxStates caps the size of the byte automaton (default 1<<20 states);
	// a larger schema fails to compile.
	MaxStates int
}

func (o Options) withDefaults() (Options, error) {
	def := func(v *int, d int, name string, hi int) error {
		if *v < 0 {
			return fmt.Errorf("constrain: option %s = %d must not be negative", name, *v)
		}
		if *v == 0 {
			*v = d
		}
		if *v > hi {
			return fmt.Errorf("constrain: option %s = %d exceeds %d", name, *v, hi)
		}
		return nil
	}
	ws := o.Whitespace
	if err := errors.Join(
		def(&o.MaxStringLength, 256, "MaxStringLength", 1<<16),
		def(&o.MaxItems, 16, "MaxItems", 1<<12),
		def(&o.IntegerDigits, 15, "IntegerDigits", 18),
		def(&o.FractionDigits, 6, "FractionDigits", 18),
		def(&ws, 0, "Whitespace", 64),
		def(&o.MaxStates, 1<<20, "MaxStates", 1<<26),
	); err != nil {
		return o, err
	}
	return o, nil
}

// UnsupportedError says which keyword (or value) of the schema the compiler
// does not handle, and where. Compilation never ignores a keyword that could
// make an output invalid.
type UnsupportedError struct {
	Keyword string // the JSON Schema keyword
	Pointer string // JSON pointer of the schema object holding it ("" is the root)
	Reason  string // optional detail
}

func (e *UnsupportedError) Error() string {
	at := e.Pointer
	if at == "" {
		at = "/ (the root)"
	}
	msg := fmt.Sprintf("constrain: unsupported keyword %q at %s", e.Keyword, at)
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// SchemaError is a schema the compiler understands but cannot generate for
// (no value satisfies it, a recursive $ref, a bad pattern, ...).
type SchemaError struct {
	Pointer string
	Msg     string
}

func (e *SchemaError) Error() string {
	at := e.Pointer
	if at == "" {
		at = "/ (the root)"
	}
	return fmt.Sprintf("constrain: schema at %s: %s", at, e.Msg)
}

// annotations are keywords with no effect on validity.
var annotations = map[string]bool{
	"$schema": true, "$id": true, "$comment": true, "$anchor": true, "title": true, "description": true,
	"examples": true, "default": true, "deprecated": true, "readOnly": true, "writeOnly": true,
	"$defs": true, "definitions": true, "contentMediaType": true, "contentEncoding": true,
}

// supported lists the keywords the compiler implements.
var supported = map[string]bool{
	"type": true, "enum": true, "const": true, "$ref": true, "anyOf": true, "oneOf": true,
	"properties": true, "required": true, "additionalProperties": true,
	"minLength": true, "maxLength": true, "pattern": true, "format": true,
	"minimum": true, "maximum": true, "exclusiveMinimum": true, "exclusiveMaximum": true,
	"items": true, "minItems": true, "maxItems": true, "uniqueItems": true,
}

type builder struct {
	n    *nfa
	opt  Options
	root *jv
	refs []string // $ref stack, to reject recursion
}

func escapePtr(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

func unsupported(kw, ptr, reason string) error {
	return &UnsupportedError{Keyword: kw, Pointer: ptr, Reason: reason}
}

func schemaErr(ptr, format string, args ...any) error {
	return &SchemaError{Pointer: ptr, Msg: fmt.Sprintf(format, args...)}
}

// value appends the values the schema node allows after from and returns the
// end state.
func (b *builder) value(node *jv, ptr string, from int32) (int32, error) {
	if node.kind == 'b' {
		if node.b {
			return 0, schemaErr(ptr, "true (any value) cannot be generated: give the value a type")
		}
		return 0, schemaErr(ptr, "false allows no value")
	}
	if node.kind != 'o' {
		return 0, schemaErr(ptr, "a schema must be an object or a boolean")
	}
	var keys []string
	for _, m := range node.obj {
		if annotations[m.key] {
			continue
		}
		if !supported[m.key] {
			return 0, unsupported(m.key, ptr, "")
		}
		keys = append(keys, m.key)
	}
	onlyWith := func(kw string) error {
		for _, k := range keys {
			if k != kw {
				return unsupported(k, ptr, fmt.Sprintf("not supported next to %q", kw))
			}
		}
		return nil
	}
	if ref, ok := node.get("$ref"); ok {
		if err := onlyWith("$ref"); err != nil {
			return 0, err
		}
		return b.ref(ref, ptr, from)
	}
	for _, kw := range []string{"anyOf", "oneOf"} {
		if alts, ok := node.get(kw); ok {
			if err := onlyWith(kw); err != nil {
				return 0, err
			}
			return b.union(kw, alts, ptr, from)
		}
	}
	types, err := nodeTypes(node, ptr)
	if err != nil {
		return 0, err
	}
	if _, ok := node.get("const"); ok {
		return b.enum(node, ptr, types, from)
	}
	if _, ok := node.get("enum"); ok {
		return b.enum(node, ptr, types, from)
	}
	if types == nil {
		return 0, schemaErr(ptr, "no type, enum, const, $ref, anyOf or oneOf: cannot generate any value")
	}
	end := b.n.add()
	for _, t := range types {
		e, err := b.typed(node, ptr, t, from)
		if err != nil {
			return 0, err
		}
		b.n.eps(e, end)
	}
	return end, nil
}

var typeNames = []string{"object", "array", "string", "integer", "number", "boolean", "null"}

func nodeTypes(node *jv, ptr string) ([]string, error) {
	t, ok := node.get("type")
	if !ok {
		return nil, nil
	}
	var list []*jv
	switch t.kind {
	case 's':
		list = []*jv{t}
	case 'a':
		list = t.arr
	default:
		return nil, schemaErr(ptr+"/type", "type must be a string or an array of strings")
	}
	var out []string
	for _, e := range list {
		if e.kind != 's' || !slices.Contains(typeNames, e.str) {
			return nil, schemaErr(ptr+"/type", "unknown type")
		}
		if !slices.Contains(out, e.str) {
			out = append(out, e.str)
		}
	}
	if len(out) == 0 {
		return nil, schemaErr(ptr+"/type", "empty type list allows no value")
	}
	// "number" already covers integers.
	if slices.Contains(out, "number") {
		out = slices.DeleteFunc(out, func(s string) bool { return s == "integer" })
	}
	return out, nil
}

func (b *builder) ref(ref *jv, ptr string, from int32) (int32, error) {
	if ref.kind != 's' || !strings.HasPrefix(ref.str, "#") {
		return 0, unsupported("$ref", ptr, "only local references (#/...) are supported")
	}
	target := ref.str[1:]
	if slices.Contains(b.refs, target) {
		return 0, unsupported("$ref", ptr, fmt.Sprintf("recursive reference %q", ref.str))
	}
	if len(b.refs) >= 32 {
		return 0, schemaErr(ptr, "$ref chain deeper than 32")
	}
	node := b.root
	if target != "" {
		if !strings.HasPrefix(target, "/") {
			return 0, unsupported("$ref", ptr, fmt.Sprintf("anchor reference %q", ref.str))
		}
		for _, tok := range strings.Split(target[1:], "/") {
			tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
			var next *jv
			switch node.kind {
			case 'o':
				next, _ = node.get(tok)
			case 'a':
				if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(node.arr) {
					next = node.arr[i]
				}
			}
			if next == nil {
				return 0, schemaErr(ptr, "$ref %q does not resolve", ref.str)
			}
			node = next
		}
	}
	b.refs = append(b.refs, target)
	defer func() { b.refs = b.refs[:len(b.refs)-1] }()
	return b.value(node, target, from)
}

func (b *builder) union(kw string, alts *jv, ptr string, from int32) (int32, error) {
	if alts.kind != 'a' || len(alts.arr) == 0 {
		return 0, schemaErr(ptr+"/"+kw, "must be a non-empty array")
	}
	end := b.n.add()
	var starts, ends []int32
	for i, a := range alts.arr {
		s := b.n.add()
		b.n.eps(from, s)
		starts = append(starts, s)
		e, err := b.value(a, fmt.Sprintf("%s/%s/%d", ptr, kw, i), s)
		if err != nil {
			return 0, err
		}
		b.n.eps(e, end)
		ends = append(ends, e)
	}
	if kw == "oneOf" {
		if i, j, ex, ok := b.overlap(starts, ends); ok {
			return 0, schemaErr(ptr+"/oneOf", "alternatives %d and %d both accept %q, so the output could match more than one", i, j, ex)
		}
	}
	return end, nil
}

// enum emits the enum/const values that also satisfy the node's other
// keywords.
func (b *builder) enum(node *jv, ptr string, types []string, from int32) (int32, error) {
	var vals []*jv
	kw := "enum"
	if c, ok := node.get("const"); ok {
		kw = "const"
		vals = []*jv{c}
		if e, ok := node.get("enum"); ok && e.kind == 'a' {
			if !slices.ContainsFunc(e.arr, func(v *jv) bool { return jsonEqual(v, c) }) {
				vals = nil
			}
		}
	} else {
		e, _ := node.get("enum")
		if e.kind != 'a' {
			return 0, schemaErr(ptr+"/enum", "must be an array")
		}
		vals = e.arr
	}
	end := b.n.add()
	var seen []string
	for _, v := range vals {
		ok, err := b.allows(node, ptr, types, v)
		if err != nil {
			return 0, err
		}
		if !ok {
			continue
		}
		var sb strings.Builder
		v.encode(&sb)
		s := sb.String()
		if slices.Contains(seen, s) {
			continue
		}
		seen = append(seen, s)
		b.n.litTo(b.n.lit(from, ""), s, end)
	}
	if len(seen) == 0 {
		return 0, schemaErr(ptr+"/"+kw, "no value satisfies the other keywords")
	}
	return end, nil
}

// allows checks an enum value against the node's other keywords.
func (b *builder) allows(node *jv, ptr string, types []string, v *jv) (bool, error) {
	if types != nil {
		ok := false
		for _, t := range types {
			ok = ok || hasType(v, t)
		}
		if !ok {
			return false, nil
		}
	}
	switch v.kind {
	case 's':
		minL, maxL, err := lengths(node, ptr, math.MaxInt)
		if err != nil {
			return false, err
		}
		n := utf8.RuneCountInString(v.str)
		if n < minL || n > maxL {
			return false, nil
		}
		g, err := b.pattern(node, ptr)
		if err != nil {
			return false, err
		}
		return g == nil || g.match(v.str), nil
	case 'n':
		x, _ := new(big.Rat).SetString(v.num.String())
		for _, kw := range []string{"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"} {
			bv, ok := node.get(kw)
			if !ok {
				continue
			}
			if bv.kind != 'n' {
				return false, schemaErr(ptr+"/"+kw, "must be a number")
			}
			y, _ := new(big.Rat).SetString(bv.num.String())
			c := x.Cmp(y)
			if kw == "minimum" && c < 0 || kw == "maximum" && c > 0 ||
				kw == "exclusiveMinimum" && c <= 0 || kw == "exclusiveMaximum" && c >= 0 {
				return false, nil
			}
		}
	case 'o', 'a':
		for _, kw := range []string{"properties", "required", "items", "minItems", "maxItems"} {
			if _, ok := node.get(kw); ok {
				return false, unsupported(kw, ptr, "not supported next to enum or const of objects or arrays")
			}
		}
	}
	return true, nil
}

func hasType(v *jv, t string) bool {
	switch t {
	case "object":
		return v.kind == 'o'
	case "array":
		return v.kind == 'a'
	case "string":
		return v.kind == 's'
	case "number":
		return v.kind == 'n'
	case "integer":
		if v.kind != 'n' {
			return false
		}
		r, ok := new(big.Rat).SetString(v.num.String())
		return ok && r.IsInt()
	case "boolean":
		return v.kind == 'b'
	}
	return v.kind == 'z'
}

func jsonEqual(a, b *jv) bool {
	var x, y strings.Builder
	a.encode(&x)
	b.encode(&y)
	return x.String() == y.String()
}

func (b *builder) typed(node *jv, ptr, t string, from int32) (int32, error) {
	switch t {
	case "object":
		return b.object(node, ptr, from)
	case "array":
		return b.array(node, ptr, from)
	case "string":
		return b.stringValue(node, ptr, from)
	case "integer":
		return b.number(node, ptr, from, true)
	case "number":
		return b.number(node, ptr, from, false)
	case "boolean":
		end := b.n.add()
		b.n.litTo(from, "true", end)
		b.n.litTo(from, "false", end)
		return end, nil
	}
	return b.n.lit(from, "null"), nil
}

// ws appends up to Options.Whitespace whitespace bytes.
func (b *builder) ws(from int32) int32 {
	if b.opt.Whitespace == 0 {
		return from
	}
	end := b.n.add()
	cur := from
	for range b.opt.Whitespace {
		b.n.eps(cur, end)
		next := b.n.add()
		for _, c := range []byte(" \t\n\r") {
			b.n.edge(cur, c, c, next)
		}
		cur = next
	}
	b.n.eps(cur, end)
	return end
}

// punct appends whitespace, the byte c, whitespace.
func (b *builder) punct(from int32, c string) int32 {
	return b.ws(b.n.lit(b.ws(from), c))
}

func (b *builder) object(node *jv, ptr string, from int32) (int32, error) {
	if ap, ok := node.get("additionalProperties"); ok && ap.kind != 'b' {
		return 0, unsupported("additionalProperties", ptr, "only true or false (generation never adds unlisted properties)")
	}
	var props []member
	if p, ok := node.get("properties"); ok {
		if p.kind != 'o' {
			return 0, schemaErr(ptr+"/properties", "must be an object")
		}
		props = p.obj
	}
	required := map[string]bool{}
	if r, ok := node.get("required"); ok {
		if r.kind != 'a' {
			return 0, schemaErr(ptr+"/required", "must be an array")
		}
		for _, e := range r.arr {
			if e.kind != 's' {
				return 0, schemaErr(ptr+"/required", "must list strings")
			}
			if !slices.ContainsFunc(props, func(m member) bool { return m.key == e.str }) {
				return 0, schemaErr(ptr+"/required", "required property %q has no schema in properties", e.str)
			}
			required[e.str] = true
		}
	}
	open := b.ws(b.n.lit(from, "{"))
	// Two tracks: "nothing written yet" (no comma before the next property)
	// and "something written".
	none, some := open, int32(-1)
	for _, m := range props {
		vstart := b.n.add()
		key := quote(m.key)
		if none >= 0 {
			b.n.eps(b.punct(b.n.lit(none, key), ":"), vstart)
		}
		if some >= 0 {
			b.n.eps(b.punct(b.n.lit(b.punct(some, ","), key), ":"), vstart)
		}
		vend, err := b.value(m.val, ptr+"/properties/"+escapePtr(m.key), vstart)
		if err != nil {
			return 0, err
		}
		switch {
		case required[m.key]:
			// Once a required property is written, "nothing yet" ends.
			none, some = -1, vend
		case some >= 0:
			s := b.n.add()
			b.n.eps(some, s)
			b.n.eps(vend, s)
			some = s
		default:
			some = vend
		}
	}
	end := b.n.add()
	if none >= 0 {
		b.n.litTo(none, "}", end)
	}
	if some >= 0 {
		b.n.litTo(b.ws(some), "}", end)
	}
	return end, nil
}

// intKeyword reads a non-negative integer keyword.
func intKeyword(node *jv, ptr, kw string) (int, bool, error) {
	v, ok := node.get(kw)
	if !ok {
		return 0, false, nil
	}
	if v.kind != 'n' {
		return 0, false, schemaErr(ptr+"/"+kw, "must be a non-negative integer")
	}
	r, ok := new(big.Rat).SetString(v.num.String())
	if !ok || !r.IsInt() || r.Sign() < 0 {
		return 0, false, schemaErr(ptr+"/"+kw, "must be a non-negative integer")
	}
	if !r.Num().IsInt64() || r.Num().Int64() > math.MaxInt32 {
		return math.MaxInt32, true, nil
	}
	return int(r.Num().Int64()), true, nil
}

func (b *builder) array(node *jv, ptr string, from int32) (int32, error) {
	if u, ok := node.get("uniqueItems"); ok && !(u.kind == 'b' && !u.b) {
		return 0, unsupported("uniqueItems", ptr, "only false")
	}
	minI, _, err := intKeyword(node, ptr, "minItems")
	if err != nil {
		return 0, err
	}
	maxI, hasMax, err := intKeyword(node, ptr, "maxItems")
	if err != nil {
		return 0, err
	}
	if !hasMax {
		maxI = max(minI, b.opt.MaxItems)
	}
	if minI > maxI {
		return 0, schemaErr(ptr, "minItems %d > maxItems %d", minI, maxI)
	}
	if maxI > 1<<12 {
		return 0, schemaErr(ptr, "arrays of up to %d items are too large to unroll", maxI)
	}
	items, ok := node.get("items")
	if !ok && maxI > 0 {
		return 0, schemaErr(ptr, "array without items (any item) cannot be generated")
	}
	end := b.n.add()
	cur := b.ws(b.n.lit(from, "["))
	if minI == 0 {
		b.n.litTo(cur, "]", end)
	}
	for k := 1; k <= maxI; k++ {
		if k > 1 {
			cur = b.punct(cur, ",")
		}
		cur, err = b.value(items, ptr+"/items", cur)
		if err != nil {
			return 0, err
		}
		if k >= minI {
			b.n.litTo(b.ws(cur), "]", end)
		}
	}
	return end, nil
}

// lengths reads minLength/maxLength; a missing or larger maxLength becomes
// capLen (or minLength if that is larger).
func lengths(node *jv, ptr string, capLen int) (int, int, error) {
	minL, _, err := intKeyword(node, ptr, "minLength")
	if err != nil {
		return 0, 0, err
	}
	maxL, hasMax, err := intKeyword(node, ptr, "maxLength")
	if err != nil {
		return 0, 0, err
	}
	if hasMax && minL > maxL {
		return 0, 0, schemaErr(ptr, "minLength %d > maxLength %d", minL, maxL)
	}
	if !hasMax || maxL > capLen {
		maxL = max(capLen, minL)
	}
	return minL, maxL, nil
}

// formats are the string formats generation supports, as patterns. Dates keep
// days at 28 or below so that every generated date exists.
var formats = map[string]string{
	"date-time": `[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])`,
	"date":      `[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])`,
	"time":      `([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])`,
	"uuid":      `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`,
}

// pattern returns the automaton of the node's pattern and format (nil if
// neither is given).
func (b *builder) pattern(node *jv, ptr string) (*glushkov, error) {
	p, hasP := node.get("pattern")
	f, hasF := node.get("format")
	if hasP && hasF {
		return nil, unsupported("format", ptr, "not supported together with pattern")
	}
	var src string
	switch {
	case hasP:
		if p.kind != 's' {
			return nil, schemaErr(ptr+"/pattern", "must be a string")
		}
		src = p.str
	case hasF:
		if f.kind != 's' {
			return nil, schemaErr(ptr+"/format", "must be a string")
		}
		s, ok := formats[f.str]
		if !ok {
			return nil, unsupported("format", ptr, fmt.Sprintf("format %q (supported: date-time, date, time, uuid)", f.str))
		}
		src = s
	default:
		return nil, nil
	}
	r, err := parseRegex(src)
	if err != nil {
		return nil, schemaErr(ptr+"/pattern", "pattern %q: %v", src, err)
	}
	g, err := buildGlushkov(r)
	if err != nil {
		return nil, schemaErr(ptr+"/pattern", "pattern %q: %v", src, err)
	}
	return g, nil
}

var anyString = &glushkov{
	cls:      []class{nil, classAny},
	follow:   [][]int32{{1}, {1}},
	last:     []bool{false, true},
	nullable: true,
}

func (b *builder) stringValue(node *jv, ptr string, from int32) (int32, error) {
	g, err := b.pattern(node, ptr)
	if err != nil {
		return 0, err
	}
	if g == nil {
		g = anyString
	}
	// A pattern with bounded matches needs no cap.
	capLen := b.opt.MaxStringLength
	if l := g.maxLen(); l >= 0 {
		capLen = l
	}
	minL, maxL, err := lengths(node, ptr, capLen)
	if err != nil {
		return 0, err
	}
	return b.str(from, g, minL, maxL), nil
}
