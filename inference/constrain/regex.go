package constrain

import (
	"fmt"
	"slices"
	"strconv"
	"unicode/utf8"
)

// The pattern subset (ECMA-262 syntax, matched against the decoded string):
//
//	literals and escaped metacharacters  a  \.  \\  \/  \-  \t \n \r \f \v  \uXXXX
//	classes                               [abc]  [a-z0-9_]  [^"]  \d \w \s \D \W \S  .
//	repetition                            *  +  ?  {m}  {m,}  {m,n}   (a lazy ? suffix is accepted)
//	alternation and groups                a|b  (ab)  (?:ab)
//	anchors                               ^ at the start and $ at the end only
//
// The whole string must match (the pattern is anchored at both ends whether or
// not it says so): JSON Schema searches for the pattern anywhere, so a string
// matching the whole pattern always validates, and generation stays inside
// what the author wrote. Backreferences, lookaround, word boundaries and
// Unicode property classes are rejected. '.' matches any character except
// line terminators.

// rng is an inclusive range of code points.
type rng struct{ lo, hi rune }

// class is a sorted list of disjoint, non-adjacent ranges.
type class []rng

func normClass(c class) class {
	slices.SortFunc(c, func(a, b rng) int { return int(a.lo - b.lo) })
	out := c[:0]
	for _, r := range c {
		if n := len(out); n > 0 && r.lo <= out[n-1].hi+1 {
			out[n-1].hi = max(out[n-1].hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	return out
}

func negate(c class) class {
	var out class
	next := rune(0)
	for _, r := range c {
		if r.lo > next {
			out = append(out, rng{next, r.lo - 1})
		}
		next = r.hi + 1
	}
	if next <= utf8.MaxRune {
		out = append(out, rng{next, utf8.MaxRune})
	}
	return out
}

func (c class) has(r rune) bool {
	for _, x := range c {
		if r >= x.lo && r <= x.hi {
			return true
		}
	}
	return false
}

var (
	classAny   = class{{0, utf8.MaxRune}}
	classDigit = class{{'0', '9'}}
	classWord  = class{{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}
	classSpace = normClass(class{{'\t', '\r'}, {' ', ' '}, {0xa0, 0xa0}, {0x1680, 0x1680}, {0x2000, 0x200a},
		{0x2028, 0x2029}, {0x202f, 0x202f}, {0x205f, 0x205f}, {0x3000, 0x3000}, {0xfeff, 0xfeff}})
	classDot = negate(class{{'\n', '\n'}, {'\r', '\r'}, {0x2028, 0x2029}})
)

// re is a parsed pattern.
type re struct {
	op       byte // 'c' class, '.' concat, '|' alternation, 'r' repeat, 'e' empty
	cls      class
	subs     []*re
	min, max int // repeat; max -1 = unbounded
}

type reParser struct {
	s   string
	pos int
}

// maxRepeat bounds {m,n} counts so that unrolling stays small.
const maxRepeat = 1000

func parseRegex(s string) (*re, error) {
	p := &reParser{s: s}
	if len(s) > 0 && s[0] == '^' {
		p.pos++
	}
	r, err := p.alt()
	if err != nil {
		return nil, err
	}
	if p.pos < len(s) {
		if s[p.pos] == '$' && p.pos == len(s)-1 {
			return r, nil
		}
		return nil, fmt.Errorf("unexpected %q at offset %d", s[p.pos], p.pos)
	}
	return r, nil
}

func (p *reParser) alt() (*re, error) {
	var alts []*re
	for {
		c, err := p.concat()
		if err != nil {
			return nil, err
		}
		alts = append(alts, c)
		if p.pos < len(p.s) && p.s[p.pos] == '|' {
			p.pos++
			continue
		}
		break
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return &re{op: '|', subs: alts}, nil
}

func (p *reParser) concat() (*re, error) {
	var items []*re
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '|' || c == ')' {
			break
		}
		if c == '$' && p.pos == len(p.s)-1 {
			break
		}
		atom, err := p.atom()
		if err != nil {
			return nil, err
		}
		atom, err = p.quantifier(atom)
		if err != nil {
			return nil, err
		}
		items = append(items, atom)
	}
	switch len(items) {
	case 0:
		return &re{op: 'e'}, nil
	case 1:
		return items[0], nil
	}
	return &re{op: '.', subs: items}, nil
}

func (p *reParser) quantifier(a *re) (*re, error) {
	for p.pos < len(p.s) {
		min, max := 0, 0
		switch p.s[p.pos] {
		case '*':
			min, max = 0, -1
			p.pos++
		case '+':
			min, max = 1, -1
			p.pos++
		case '?':
			min, max = 0, 1
			p.pos++
		case '{':
			end := p.pos + 1
			for end < len(p.s) && p.s[end] != '}' {
				end++
			}
			if end == len(p.s) {
				return nil, fmt.Errorf("unterminated repetition at offset %d", p.pos)
			}
			body := p.s[p.pos+1 : end]
			lo, hi, ok := parseCounts(body)
			if !ok {
				return nil, fmt.Errorf("bad repetition {%s} at offset %d", body, p.pos)
			}
			min, max = lo, hi
			p.pos = end + 1
		default:
			return a, nil
		}
		if p.pos < len(p.s) && p.s[p.pos] == '?' {
			p.pos++ // lazy: same language
		}
		if a.op == 'r' || a.op == 'e' {
			return nil, fmt.Errorf("nothing to repeat at offset %d", p.pos-1)
		}
		a = &re{op: 'r', subs: []*re{a}, min: min, max: max}
	}
	return a, nil
}

func parseCounts(body string) (lo, hi int, ok bool) {
	num := func(s string) (int, bool) {
		if s == "" || len(s) > 4 {
			return 0, false
		}
		v, err := strconv.Atoi(s)
		return v, err == nil && v >= 0 && v <= maxRepeat
	}
	for i := 0; i < len(body); i++ {
		if body[i] == ',' {
			if lo, ok = num(body[:i]); !ok {
				return 0, 0, false
			}
			if i == len(body)-1 {
				return lo, -1, true
			}
			if hi, ok = num(body[i+1:]); !ok || hi < lo {
				return 0, 0, false
			}
			return lo, hi, true
		}
	}
	lo, ok = num(body)
	return lo, lo, ok
}

func (p *reParser) atom() (*re, error) {
	c := p.s[p.pos]
	switch c {
	case '(':
		p.pos++
		if len(p.s)-p.pos >= 2 && p.s[p.pos] == '?' {
			if p.s[p.pos+1] != ':' {
				return nil, fmt.Errorf("group (?%c at offset %d not supported", p.s[p.pos+1], p.pos-1)
			}
			p.pos += 2
		}
		r, err := p.alt()
		if err != nil {
			return nil, err
		}
		if p.pos >= len(p.s) || p.s[p.pos] != ')' {
			return nil, fmt.Errorf("missing ) at offset %d", p.pos)
		}
		p.pos++
		// Wrapped so that a quantifier may follow a group ending in one.
		return &re{op: '.', subs: []*re{r}}, nil
	case '[':
		cls, err := p.bracket()
		if err != nil {
			return nil, err
		}
		return &re{op: 'c', cls: cls}, nil
	case '.':
		p.pos++
		return &re{op: 'c', cls: classDot}, nil
	case '\\':
		cls, err := p.escape(false)
		if err != nil {
			return nil, err
		}
		return &re{op: 'c', cls: cls}, nil
	case '*', '+', '?', '{':
		return nil, fmt.Errorf("nothing to repeat at offset %d", p.pos)
	case '^', '$':
		return nil, fmt.Errorf("anchor %q at offset %d: only a leading ^ and a trailing $ are supported", c, p.pos)
	case ')', ']', '}':
		return nil, fmt.Errorf("unexpected %q at offset %d", c, p.pos)
	}
	r, size := utf8.DecodeRuneInString(p.s[p.pos:])
	p.pos += size
	return &re{op: 'c', cls: class{{r, r}}}, nil
}

// escape parses the escape at p.pos (a backslash). inClass allows \b as
// backspace.
func (p *reParser) escape(inClass bool) (class, error) {
	p.pos++
	if p.pos >= len(p.s) {
		return nil, fmt.Errorf("trailing backslash")
	}
	c := p.s[p.pos]
	p.pos++
	single := func(r rune) (class, error) { return class{{r, r}}, nil }
	switch c {
	case 'd':
		return classDigit, nil
	case 'D':
		return negate(classDigit), nil
	case 'w':
		return classWord, nil
	case 'W':
		return negate(classWord), nil
	case 's':
		return classSpace, nil
	case 'S':
		return negate(classSpace), nil
	case 't':
		return single('\t')
	case 'n':
		return single('\n')
	case 'r':
		return single('\r')
	case 'f':
		return single('\f')
	case 'v':
		return single('\v')
	case '0':
		return single(0)
	case 'b':
		if inClass {
			return single('\b')
		}
	case 'u':
		if p.pos+4 <= len(p.s) {
			if v, err := strconv.ParseUint(p.s[p.pos:p.pos+4], 16, 32); err == nil {
				p.pos += 4
				if v >= 0xd800 && v <= 0xdfff {
					return nil, fmt.Errorf("surrogate \\u%04x at offset %d not supported", v, p.pos-6)
				}
				return single(rune(v))
			}
		}
		return nil, fmt.Errorf("bad \\u escape at offset %d", p.pos-2)
	}
	if c < 0x80 && !isAlnum(c) {
		return single(rune(c))
	}
	return nil, fmt.Errorf("escape \\%c at offset %d not supported", c, p.pos-2)
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func (p *reParser) bracket() (class, error) {
	start := p.pos
	p.pos++
	neg := false
	if p.pos < len(p.s) && p.s[p.pos] == '^' {
		neg = true
		p.pos++
	}
	var out class
	first := true
	for {
		if p.pos >= len(p.s) {
			return nil, fmt.Errorf("missing ] for [ at offset %d", start)
		}
		if p.s[p.pos] == ']' && !first {
			p.pos++
			break
		}
		if p.s[p.pos] == ']' {
			// "[]" matches nothing in ECMA-262; reject it rather than guess.
			return nil, fmt.Errorf("empty class at offset %d", start)
		}
		first = false
		lo, isRange, err := p.classAtom()
		if err != nil {
			return nil, err
		}
		if !isRange && p.pos+1 < len(p.s) && p.s[p.pos] == '-' && p.s[p.pos+1] != ']' {
			p.pos++
			hi, hiRange, err := p.classAtom()
			if err != nil {
				return nil, err
			}
			if hiRange || hi[0].lo < lo[0].lo {
				return nil, fmt.Errorf("bad class range at offset %d", p.pos)
			}
			out = append(out, rng{lo[0].lo, hi[0].lo})
			continue
		}
		out = append(out, lo...)
	}
	out = normClass(out)
	if neg {
		out = negate(out)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("class at offset %d matches nothing", start)
	}
	return out, nil
}

// classAtom returns one character (isRange false) or a shorthand class.
func (p *reParser) classAtom() (class, bool, error) {
	if p.s[p.pos] == '\\' {
		c, err := p.escape(true)
		if err != nil {
			return nil, false, err
		}
		return c, len(c) != 1 || c[0].lo != c[0].hi, nil
	}
	r, size := utf8.DecodeRuneInString(p.s[p.pos:])
	p.pos += size
	return class{{r, r}}, false, nil
}

// glushkov is the position automaton of a pattern: epsilon-free, one state
// per character occurrence (plus the start state 0).
type glushkov struct {
	cls      []class   // per position (index 0 unused)
	follow   [][]int32 // per position; follow[0] = first
	last     []bool
	nullable bool
}

// maxPositions bounds the unrolled pattern.
const maxPositions = 1000

func buildGlushkov(r *re) (*glushkov, error) {
	g := &glushkov{cls: []class{nil}, follow: [][]int32{nil}}
	r, err := expandRepeats(r, new(int))
	if err != nil {
		return nil, err
	}
	null, first, last := g.walk(r)
	if len(g.cls) > maxPositions+1 {
		return nil, fmt.Errorf("pattern unrolls to more than %d positions", maxPositions)
	}
	g.nullable = null
	g.follow[0] = first
	g.last = make([]bool, len(g.cls))
	for _, p := range last {
		g.last[p] = true
	}
	for i := range g.follow {
		slices.Sort(g.follow[i])
		g.follow[i] = slices.Compact(g.follow[i])
	}
	return g, nil
}

// expandRepeats rewrites {m,n} as copies so that every class occurrence is
// its own position; only * (min 0, max -1) remains as a loop.
func expandRepeats(r *re, count *int) (*re, error) {
	// count bounds all the work, empty groups included: (((){9}){9}){9}...
	if *count++; *count > 4*maxPositions {
		return nil, fmt.Errorf("pattern unrolls to more than %d nodes", 4*maxPositions)
	}
	switch r.op {
	case 'c':
		return r, nil
	case 'e':
		return r, nil
	case '.', '|':
		out := &re{op: r.op}
		for _, s := range r.subs {
			x, err := expandRepeats(s, count)
			if err != nil {
				return nil, err
			}
			out.subs = append(out.subs, x)
		}
		return out, nil
	}
	// repeat
	var items []*re
	for range r.min {
		x, err := expandRepeats(r.subs[0], count)
		if err != nil {
			return nil, err
		}
		items = append(items, x)
	}
	if r.max < 0 {
		x, err := expandRepeats(r.subs[0], count)
		if err != nil {
			return nil, err
		}
		items = append(items, &re{op: 'r', subs: []*re{x}, min: 0, max: -1})
	} else {
		// a{0,k} as (a(a(a)?)?)? keeps positions linear in k.
		var tail *re
		for range r.max - r.min {
			x, err := expandRepeats(r.subs[0], count)
			if err != nil {
				return nil, err
			}
			if tail == nil {
				tail = &re{op: '|', subs: []*re{x, {op: 'e'}}}
			} else {
				tail = &re{op: '|', subs: []*re{{op: '.', subs: []*re{x, tail}}, {op: 'e'}}}
			}
		}
		if tail != nil {
			items = append(items, tail)
		}
	}
	if len(items) == 0 {
		return &re{op: 'e'}, nil
	}
	return &re{op: '.', subs: items}, nil
}

func (g *glushkov) walk(r *re) (nullable bool, first, last []int32) {
	switch r.op {
	case 'e':
		return true, nil, nil
	case 'c':
		g.cls = append(g.cls, r.cls)
		g.follow = append(g.follow, nil)
		p := int32(len(g.cls) - 1)
		return false, []int32{p}, []int32{p}
	case '|':
		for _, s := range r.subs {
			n, f, l := g.walk(s)
			nullable = nullable || n
			first = append(first, f...)
			last = append(last, l...)
		}
		return nullable, first, last
	case '.':
		nullable = true
		for _, s := range r.subs {
			n, f, l := g.walk(s)
			for _, p := range last {
				g.follow[p] = append(g.follow[p], f...)
			}
			if nullable {
				first = append(first, f...)
			}
			if n {
				last = append(last, l...)
			} else {
				last = l
			}
			nullable = nullable && n
		}
		return nullable, first, last
	}
	// star
	_, f, l := g.walk(r.subs[0])
	for _, p := range l {
		g.follow[p] = append(g.follow[p], f...)
	}
	return true, f, l
}

// match reports whether the whole of s matches (used to filter enum values).
func (g *glushkov) match(s string) bool {
	cur := []int32{0}
	for _, r := range s {
		var next []int32
		for _, p := range cur {
			for _, q := range g.follow[p] {
				if g.cls[q].has(r) && !slices.Contains(next, q) {
					next = append(next, q)
				}
			}
		}
		if len(next) == 0 {
			return false
		}
		cur = next
	}
	for _, p := range cur {
		if p == 0 && g.nullable || p != 0 && g.last[p] {
			return true
		}
	}
	return false
}

// maxLen is the length of the longest match, or -1 if matches are unbounded.
func (g *glushkov) maxLen() int {
	memo := make([]int, len(g.cls)) // 0 unseen, -2 active, else longest+1
	var visit func(p int32) int
	visit = func(p int32) int {
		switch memo[p] {
		case -2:
			return -1
		case 0:
		default:
			return memo[p] - 1
		}
		memo[p] = -2
		best := 0
		for _, q := range g.follow[p] {
			l := visit(q)
			if l < 0 {
				return -1
			}
			best = max(best, l+1)
		}
		memo[p] = best + 1
		return best
	}
	return visit(0)
}
