package tensor

import (
	"encoding/binary"
	"math"
	"unsafe"
)

// bytesAsF32 views little-endian F32 tensor bytes as []float32 without a copy
// when the platform is little-endian and the bytes are 4-aligned, as mapped
// GGUF data is; otherwise it decodes into a new slice.
func bytesAsF32(b []byte) []float32 {
	if len(b) == 0 {
		return nil
	}
	if nativeLittleEndian && uintptr(unsafe.Pointer(&b[0]))%4 == 0 {
		return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), len(b)/4)
	}
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

var nativeLittleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// dotF32 is Σ a[i]·b[i] over len(a) elements, in float32 with four partial
// sums (element i goes to sum i mod 4), combined as (s0+s1)+(s2+s3).
func dotF32(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		aa := (*[4]float32)(a[i:])
		bb := (*[4]float32)(b[i:])
		s0 += aa[0] * bb[0]
		s1 += aa[1] * bb[1]
		s2 += aa[2] * bb[2]
		s3 += aa[3] * bb[3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}
