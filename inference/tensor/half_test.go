package tensor

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// refHalfValue decodes binary16 with float64 arithmetic straight from the
// IEEE 754 definition.
func refHalfValue(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h>>10) & 0x1f
	mant := float64(h & 0x3ff)
	switch exp {
	case 0:
		return sign * math.Ldexp(mant, -24)
	case 0x1f:
		if mant == 0 {
			return sign * math.Inf(1)
		}
		return math.NaN()
	}
	return sign * math.Ldexp(1024+mant, exp-25)
}

func TestFP16ToFP32Exhaustive(t *testing.T) {
	for i := 0; i < 1<<16; i++ {
		h := uint16(i)
		got := FP16ToFP32(h)
		want := refHalfValue(h)
		if math.IsNaN(want) {
			b := math.Float32bits(got)
			if !math.IsNaN(float64(got)) || b>>31 != uint32(h>>15) || b&0x400000 == 0 || (b>>13)&0x1ff != uint32(h)&0x1ff {
				t.Fatalf("%#04x: got %#08x, want a quiet NaN with the same sign and payload", h, b)
			}
			continue
		}
		if float64(got) != want || math.Signbit(float64(got)) != (h&0x8000 != 0) {
			t.Fatalf("%#04x: got %g, want %g", h, got, want)
		}
		if fp16Table[h] != got {
			t.Fatalf("table[%#04x] = %g, want %g", h, fp16Table[h], got)
		}
		// Every half converts back to itself.
		if back := FP32ToFP16(got); back != h {
			t.Fatalf("FP32ToFP16(FP16ToFP32(%#04x)) = %#04x", h, back)
		}
	}
}

// positive finite halves in increasing order, for the rounding reference.
var halfValues = func() []float64 {
	var v []float64
	for h := 0; h < 0x7c00; h++ {
		v = append(v, refHalfValue(uint16(h)))
	}
	return v
}()

// refFP32ToFP16 rounds to nearest, ties to even, by searching the table of
// half values with exact float64 comparisons.
func refFP32ToFP16(f float32) uint16 {
	x := float64(f)
	var sign uint16
	if math.Signbit(x) {
		sign, x = 0x8000, -x
	}
	if math.IsNaN(x) {
		return 0x7e00 // only the class is compared for NaNs
	}
	if x >= 65520 { // halfway between 65504 and 2^16 rounds to even, i.e. Inf
		return sign | 0x7c00
	}
	i := sort.SearchFloat64s(halfValues, x) // halfValues[i] >= x
	if i == len(halfValues) {
		return sign | 0x7bff // (65504, 65520) rounds down to the largest half
	}
	if i < len(halfValues) && halfValues[i] == x {
		return sign | uint16(i)
	}
	lo, hi := halfValues[i-1], halfValues[i]
	switch {
	case x-lo < hi-x:
		return sign | uint16(i-1)
	case x-lo > hi-x:
		return sign | uint16(i)
	case (i-1)%2 == 0:
		return sign | uint16(i-1)
	}
	return sign | uint16(i)
}

func TestFP32ToFP16(t *testing.T) {
	check := func(f float32) {
		t.Helper()
		got, want := FP32ToFP16(f), refFP32ToFP16(f)
		if math.IsNaN(float64(f)) {
			if got&0x7c00 != 0x7c00 || got&0x3ff == 0 || got&0x200 == 0 {
				t.Fatalf("NaN %#08x → %#04x, want a quiet NaN", math.Float32bits(f), got)
			}
			return
		}
		if got != want {
			t.Fatalf("%g (%#08x) → %#04x, want %#04x", f, math.Float32bits(f), got, want)
		}
	}
	// Every half, the float32 neighbours of every half and of every midpoint
	// between consecutive halves (ties and near-ties).
	for i := 0; i < len(halfValues); i++ {
		for _, sign := range []float32{1, -1} {
			v := float32(halfValues[i])
			check(sign * v)
			check(sign * math.Nextafter32(v, 0))
			check(sign * math.Nextafter32(v, 1e9))
			if i+1 < len(halfValues) {
				mid := float32((halfValues[i] + halfValues[i+1]) / 2) // exact in float32
				check(sign * mid)
				check(sign * math.Nextafter32(mid, 0))
				check(sign * math.Nextafter32(mid, 1e9))
			}
		}
	}
	for _, f := range []float32{65504, 65519.998, 65520, 65536, 1e10, float32(math.Inf(1)), float32(math.Inf(-1)),
		5.9604645e-08, 2.9802322e-08, 2.9802326e-08, 1e-30, math.SmallestNonzeroFloat32, float32(math.NaN())} {
		check(f)
		check(-f)
	}
	if FP32ToFP16(float32(math.Inf(1))) != 0x7c00 || FP32ToFP16(65520) != 0x7c00 || FP32ToFP16(65519) != 0x7bff {
		t.Error("overflow boundary wrong")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 300_000 {
		check(math.Float32frombits(r.Uint32()))
	}
	for range 200_000 { // concentrated on the half range
		check(float32(r.NormFloat64() * math.Ldexp(1, r.IntN(40)-24)))
	}
}

// refFP32ToBF16 rounds to the nearest bfloat16, ties to even, comparing
// distances in float64.
func refFP32ToBF16(f float32) uint16 {
	b := math.Float32bits(f)
	if math.IsNaN(float64(f)) {
		return uint16(b>>16) | 0x40
	}
	lo := b & 0xffff0000
	hi := lo + 0x10000
	val := func(bits uint32) float64 {
		v := float64(math.Float32frombits(bits))
		if math.IsInf(v, 0) { // overflow threshold: treat Inf as 2^128
			return math.Copysign(math.Ldexp(1, 128), v)
		}
		return v
	}
	x := math.Abs(float64(f))
	dl, dh := x-math.Abs(val(lo)), math.Abs(val(hi))-x
	switch {
	case dl < dh:
		return uint16(lo >> 16)
	case dl > dh:
		return uint16(hi >> 16)
	case (lo>>16)&1 == 0:
		return uint16(lo >> 16)
	}
	return uint16(hi >> 16)
}

func TestBF16(t *testing.T) {
	for i := 0; i < 1<<16; i++ {
		h := uint16(i)
		f := BF16ToFP32(h)
		if math.Float32bits(f) != uint32(h)<<16 {
			t.Fatalf("BF16ToFP32(%#04x) = %#08x", h, math.Float32bits(f))
		}
		want := h
		if math.IsNaN(float64(f)) {
			want |= 0x40
		}
		if got := FP32ToBF16(f); got != want {
			t.Fatalf("FP32ToBF16(BF16ToFP32(%#04x)) = %#04x, want %#04x", h, got, want)
		}
		// The midpoint to the next value up and its neighbours.
		b := uint32(h) << 16
		if (b+0x10000)&0x7f800000 == 0x7f800000 && b&0x7fffff != 0x7f0000 {
			continue // next value is NaN territory
		}
		for _, m := range []uint32{b + 0x8000, b + 0x7fff, b + 0x8001, b + 0x1, b + 0xffff} {
			f := math.Float32frombits(m)
			if got, want := FP32ToBF16(f), refFP32ToBF16(f); got != want {
				t.Fatalf("FP32ToBF16(%#08x) = %#04x, want %#04x", m, got, want)
			}
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 1_000_000 {
		f := math.Float32frombits(r.Uint32())
		if got, want := FP32ToBF16(f), refFP32ToBF16(f); got != want {
			t.Fatalf("FP32ToBF16(%#08x) = %#04x, want %#04x", math.Float32bits(f), got, want)
		}
	}
	// Subnormals are kept, not flushed.
	if got := FP32ToBF16(math.Float32frombits(0x00010000)); got != 0x0001 {
		t.Errorf("smallest bf16 subnormal → %#04x", got)
	}
}
