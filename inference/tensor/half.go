package tensor

import "math"

// FP16ToFP32 converts an IEEE binary16 value exactly. NaNs keep their sign and
// payload and come out quiet, as the F16C instruction vcvtph2ps does.
func FP16ToFP32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch exp {
	case 0:
		// Zero or subnormal: mant·2^-24, exact in float32.
		return math.Float32frombits(sign | math.Float32bits(float32(mant)*(1.0/(1<<24))))
	case 0x1f:
		if mant == 0 {
			return math.Float32frombits(sign | 0x7f800000)
		}
		return math.Float32frombits(sign | 0x7fc00000 | mant<<13)
	}
	return math.Float32frombits(sign | (exp+112)<<23 | mant<<13)
}

// FP32ToFP16 rounds to the nearest binary16 value, ties to even, as F16C's
// vcvtps2ph with rounding mode 0 (what ggml uses on x86). Overflow gives
// ±Inf; NaNs stay NaN (quiet, top payload bits kept).
func FP32ToFP16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23) & 0xff
	mant := b & 0x7fffff
	switch {
	case exp == 0xff:
		if mant != 0 {
			return sign | 0x7e00 | uint16(mant>>13)
		}
		return sign | 0x7c00
	case exp >= 143: // |f| >= 2^16: beyond the largest finite half even before rounding
		return sign | 0x7c00
	case exp >= 113: // normal half range (unbiased exponent >= -14)
		h := uint32(exp-112)<<10 | mant>>13
		rem := mant & 0x1fff
		if rem > 0x1000 || (rem == 0x1000 && h&1 == 1) {
			h++ // a carry out of the mantissa correctly bumps the exponent, up to Inf
		}
		return sign | uint16(h)
	case exp >= 102: // half subnormal: value = full·2^(exp-150), half units are 2^-24
		full := mant | 0x800000
		shift := uint(126 - exp) // 14..24
		m := full >> shift
		rem := full & (1<<shift - 1)
		half := uint32(1) << (shift - 1)
		if rem > half || (rem == half && m&1 == 1) {
			m++
		}
		return sign | uint16(m)
	}
	return sign // below half the smallest subnormal: rounds to zero
}

// BF16ToFP32 widens a bfloat16 value (exact).
func BF16ToFP32(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }

// FP32ToBF16 rounds to the nearest bfloat16, ties to even, keeping subnormals
// and forcing NaNs quiet, as ggml's ggml_compute_fp32_to_bf16.
func FP32ToBF16(f float32) uint16 {
	b := math.Float32bits(f)
	if b&0x7fffffff > 0x7f800000 {
		return uint16(b>>16) | 0x40
	}
	return uint16((b + 0x7fff + (b>>16)&1) >> 16)
}

// fp16Table maps every binary16 bit pattern to float32; kernels index it
// instead of converting (ggml keeps the same table).
var fp16Table = func() *[1 << 16]float32 {
	var t [1 << 16]float32
	for i := range t {
		t[i] = FP16ToFP32(uint16(i))
	}
	return &t
}()
