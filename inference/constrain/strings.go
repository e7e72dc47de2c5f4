package constrain

import "unicode/utf8"

// A JSON string is built as the product of the pattern's position automaton
// with a counter of characters, so minLength/maxLength (and the cap that
// keeps generation finite) hold for whatever the pattern allows. Each
// character step is expanded into every JSON spelling of the characters of
// its class: raw UTF-8 where JSON allows it, short escapes (\" \\ \/ \b \f \n
// \r \t) and \uXXXX for control and non-ASCII characters of the Basic
// Multilingual Plane.

type strKey struct {
	pos int32
	n   int
}

// str appends a JSON string after from: '"', characters of g whose count is
// in [minLen, maxLen], '"'. It returns the end state.
func (b *builder) str(from int32, g *glushkov, minLen, maxLen int) int32 {
	n := b.n
	end := n.add()
	start := n.lit(from, `"`)
	ids := map[strKey]int32{{0, 0}: start}
	// One entry state per target, shared by every source that steps into it:
	// all of them read the same class (the target position's).
	entries := map[strKey]int32{}
	queue := []strKey{{0, 0}}
	for len(queue) > 0 {
		k := queue[0]
		queue = queue[1:]
		s := ids[k]
		if k.n >= minLen && (k.pos == 0 && g.nullable || k.pos != 0 && g.last[k.pos]) {
			n.litTo(s, `"`, end)
		}
		if k.n == maxLen {
			continue
		}
		for _, q := range g.follow[k.pos] {
			t := strKey{q, k.n + 1}
			e, ok := entries[t]
			if !ok {
				ts := n.add()
				ids[t] = ts
				queue = append(queue, t)
				e = n.add()
				entries[t] = e
				b.jsonChars(e, g.cls[q], ts)
			}
			n.eps(s, e)
		}
	}
	return end
}

// jsonChars adds every JSON spelling of one character of c from → to.
func (b *builder) jsonChars(from int32, c class, to int32) {
	n := b.n
	// Raw UTF-8: everything but '"', '\\' and control characters.
	raw := intersect(c, class{{0x20, '"' - 1}, {'"' + 1, '\\' - 1}, {'\\' + 1, 0xd7ff}, {0xe000, utf8.MaxRune}})
	for _, r := range raw {
		b.utf8Range(from, r.lo, r.hi, to)
	}
	esc := int32(-1)
	escape := func() int32 {
		if esc < 0 {
			esc = n.add()
			n.edge(from, '\\', '\\', esc)
		}
		return esc
	}
	for _, e := range []struct {
		r rune
		c byte
	}{{'"', '"'}, {'\\', '\\'}, {'/', '/'}, {'\b', 'b'}, {'\f', 'f'}, {'\n', 'n'}, {'\r', 'r'}, {'\t', 't'}} {
		if c.has(e.r) {
			n.edge(escape(), e.c, e.c, to)
		}
	}
	// \uXXXX only where a writer would use it: control characters and
	// non-ASCII (Python's json.dumps escapes those by default). Printable
	// ASCII keeps one spelling, so a literal in a pattern stays a forced byte
	// for jump-forward instead of a choice between "-" and "\u002d".
	bmp := intersect(c, class{{0, 0x1f}, {0x7f, 0xd7ff}, {0xe000, 0xffff}})
	if len(bmp) > 0 {
		u := n.add()
		n.edge(escape(), 'u', 'u', u)
		for _, r := range bmp {
			b.fixedDigits(u, hexDigits(int64(r.lo), 4), hexDigits(int64(r.hi), 4), 16, to)
		}
	}
}

func intersect(a, b class) class {
	var out class
	for _, x := range a {
		for _, y := range b {
			lo, hi := max(x.lo, y.lo), min(x.hi, y.hi)
			if lo <= hi {
				out = append(out, rng{lo, hi})
			}
		}
	}
	return normClass(out)
}

// utf8Range adds the UTF-8 encodings of the code points lo..hi (no
// surrogates) from → to, split into runs of byte ranges as in RE2's UTF-8
// range compiler.
func (b *builder) utf8Range(from int32, lo, hi rune, to int32) {
	// Split at encoding-length boundaries.
	for _, lim := range []rune{0x7f, 0x7ff, 0xffff} {
		if lo <= lim && hi > lim {
			b.utf8Range(from, lo, lim, to)
			b.utf8Range(from, lim+1, hi, to)
			return
		}
	}
	if hi < 0x80 {
		b.n.edge(from, byte(lo), byte(hi), to)
		return
	}
	// Split until lo..hi differ only in trailing bytes that cover the full
	// continuation range, so the run is a product of byte ranges.
	for i := 1; i < utf8.UTFMax; i++ {
		m := rune(1)<<(6*i) - 1
		if lo&^m != hi&^m {
			if lo&m != 0 {
				b.utf8Range(from, lo, lo|m, to)
				b.utf8Range(from, (lo|m)+1, hi, to)
				return
			}
			if hi&m != m {
				b.utf8Range(from, lo, (hi&^m)-1, to)
				b.utf8Range(from, hi&^m, hi, to)
				return
			}
		}
	}
	var a, z [utf8.UTFMax]byte
	na := utf8.EncodeRune(a[:], lo)
	utf8.EncodeRune(z[:], hi)
	cur := from
	for i := 0; i < na; i++ {
		next := to
		if i < na-1 {
			next = b.n.add()
		}
		b.n.edge(cur, a[i], z[i], next)
		cur = next
	}
}

func hexDigits(v int64, width int) []int {
	d := make([]int, width)
	for i := width - 1; i >= 0; i-- {
		d[i] = int(v % 16)
		v /= 16
	}
	return d
}

func decDigits(v int64) []int {
	if v == 0 {
		return []int{0}
	}
	var d []int
	for v > 0 {
		d = append([]int{int(v % 10)}, d...)
		v /= 10
	}
	return d
}

// digitEdge adds the bytes of digit values lo..hi in base 10 or 16 (hex
// digits in either case).
func (b *builder) digitEdge(from int32, lo, hi, base int, to int32) {
	if base == 10 || hi < 10 {
		b.n.edge(from, byte('0'+lo), byte('0'+min(hi, 9)), to)
		if hi < 10 {
			return
		}
	}
	if lo < 10 {
		if base == 16 {
			b.n.edge(from, byte('0'+lo), '9', to)
		}
		lo = 10
	}
	b.n.edge(from, byte('a'+lo-10), byte('a'+hi-10), to)
	b.n.edge(from, byte('A'+lo-10), byte('A'+hi-10), to)
}

// fixedDigits adds the numbers lo..hi written with exactly len(lo) digits
// (lo and hi have the same length; leading zeros included) from → to.
func (b *builder) fixedDigits(from int32, lo, hi []int, base int, to int32) {
	if len(lo) == 1 {
		b.digitEdge(from, lo[0], hi[0], base, to)
		return
	}
	if lo[0] == hi[0] {
		mid := b.n.add()
		b.digitEdge(from, lo[0], lo[0], base, mid)
		b.fixedDigits(mid, lo[1:], hi[1:], base, to)
		return
	}
	zeros, tops := make([]int, len(lo)-1), make([]int, len(lo)-1)
	for i := range tops {
		tops[i] = base - 1
	}
	if !equal(lo[1:], zeros) {
		mid := b.n.add()
		b.digitEdge(from, lo[0], lo[0], base, mid)
		b.fixedDigits(mid, lo[1:], tops, base, to)
	} else {
		lo = append([]int{lo[0] - 1}, lo[1:]...) // let the full range below take lo[0]
	}
	if !equal(hi[1:], tops) {
		mid := b.n.add()
		b.digitEdge(from, hi[0], hi[0], base, mid)
		b.fixedDigits(mid, zeros, hi[1:], base, to)
	} else {
		hi = append([]int{hi[0] + 1}, hi[1:]...)
	}
	if lo[0]+1 <= hi[0]-1 {
		mid := b.n.add()
		b.digitEdge(from, lo[0]+1, hi[0]-1, base, mid)
		b.fixedDigits(mid, zeros, tops, base, to)
	}
}

func equal(a, b []int) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}
