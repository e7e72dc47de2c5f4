package tensor

import (
	"encoding/binary"
	"math"
	"unsafe"
)

// AsFloat32 returns F32 tensor bytes (little-endian) as []float32: a view
// sharing b's memory when the platform is little-endian and b is 4-byte
// aligned (as GGUF tensor data is), otherwise a decoded copy. A view of a
// read-only memory-mapped file must not be written to.
func AsFloat32(b []byte) []float32 { return bytesAsF32(b) }

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
