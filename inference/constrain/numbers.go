package constrain

import (
	"math/big"
)

// Integers are generated without leading zeros, signs only for negatives,
// and within [minimum, maximum] when given, otherwise within
// ±(10^IntegerDigits − 1). Numbers are an integer part in the same style
// plus an optional fraction of up to FractionDigits digits, never an
// exponent. Bounds of numbers are rounded inward to integers (minimum 0.5 →
// 1), which keeps every output valid at the cost of a few values near
// non-integer bounds.

// bound reads the bounds of a numeric node as integers: lo = the least
// integer allowed, hi = the greatest.
func bounds(node *jv, ptr string, limit int64) (lo, hi int64, err error) {
	lo, hi = -limit, limit
	get := func(kw string) (*big.Rat, error) {
		v, ok := node.get(kw)
		if !ok {
			return nil, nil
		}
		if v.kind != 'n' {
			return nil, schemaErr(ptr+"/"+kw, "must be a number")
		}
		r, ok := new(big.Rat).SetString(v.num.String())
		if !ok {
			return nil, schemaErr(ptr+"/"+kw, "bad number %s", v.num)
		}
		return r, nil
	}
	clamp := func(x *big.Int) int64 {
		if x.Cmp(big.NewInt(limit)) > 0 {
			return limit
		}
		if x.Cmp(big.NewInt(-limit)) < 0 {
			return -limit
		}
		return x.Int64()
	}
	floor := func(r *big.Rat) *big.Int {
		q := new(big.Int)
		m := new(big.Int)
		q.DivMod(r.Num(), r.Denom(), m) // Euclidean: floor for a positive denominator
		return q
	}
	one := big.NewInt(1)
	for _, kw := range []string{"minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"} {
		r, err := get(kw)
		if err != nil {
			return 0, 0, err
		}
		if r == nil {
			continue
		}
		f := floor(r)
		switch kw {
		case "minimum": // ceil
			if !r.IsInt() {
				f.Add(f, one)
			}
			lo = max(lo, clamp(f))
		case "exclusiveMinimum": // floor + 1
			lo = max(lo, clamp(f.Add(f, one)))
		case "maximum": // floor
			hi = min(hi, clamp(f))
		case "exclusiveMaximum": // ceil - 1
			if r.IsInt() {
				f.Sub(f, one)
			}
			hi = min(hi, clamp(f))
		}
	}
	if lo > hi {
		return 0, 0, schemaErr(ptr, "no integer lies within the bounds [%d, %d]", lo, hi)
	}
	return lo, hi, nil
}

func pow10(n int) int64 {
	v := int64(1)
	for range n {
		v *= 10
	}
	return v
}

func (b *builder) number(node *jv, ptr string, from int32, integer bool) (int32, error) {
	if _, ok := node.get("multipleOf"); ok {
		return 0, unsupported("multipleOf", ptr, "")
	}
	limit := pow10(b.opt.IntegerDigits) - 1
	lo, hi, err := bounds(node, ptr, limit)
	if err != nil {
		return 0, err
	}
	end := b.n.add()
	// Non-negative values, then negative ones as '-' and their magnitude.
	part := func(from int32, a, c int64) {
		// Magnitudes in [a, c].
		if integer {
			b.decimalRange(from, a, c, end)
			return
		}
		// int part in [a, c-1] with any fraction, or c with a zero fraction.
		if a <= c-1 {
			ip := b.n.add()
			b.decimalRange(from, a, c-1, ip)
			b.n.eps(ip, end)
			b.fraction(ip, '0', '9', end)
		}
		ip := b.n.add()
		b.decimalRange(from, c, c, ip)
		b.n.eps(ip, end)
		b.fraction(ip, '0', '0', end)
	}
	if hi >= 0 {
		part(from, max(lo, 0), hi)
	}
	if lo < 0 {
		neg := b.n.lit(from, "-")
		part(neg, max(-hi, 1), -lo)
		if !integer && hi >= 0 {
			// "-0.5" lies in [lo, hi] too when lo <= -1: covered above by
			// magnitudes >= 1 only; add "-0.xxx" explicitly.
			z := b.n.lit(neg, "0")
			b.fraction(z, '0', '9', end)
		}
	}
	return end, nil
}

// fraction adds '.' and 1..FractionDigits digits in [d0, d1].
func (b *builder) fraction(from int32, d0, d1 byte, end int32) {
	cur := b.n.lit(from, ".")
	for range b.opt.FractionDigits {
		next := b.n.add()
		b.n.edge(cur, d0, d1, next)
		b.n.eps(next, end)
		cur = next
	}
}

// decimalRange adds the decimal spellings of lo..hi (0 <= lo <= hi, no
// leading zeros) from → to.
func (b *builder) decimalRange(from int32, lo, hi int64, to int32) {
	for l := len(decDigits(lo)); l <= len(decDigits(hi)); l++ {
		segLo := max(lo, pow10(l-1))
		if l == 1 {
			segLo = lo
		}
		segHi := min(hi, pow10(l)-1)
		if segLo > segHi {
			continue
		}
		b.fixedDigits(from, decDigits(segLo), decDigits(segHi), 10, to)
	}
}
