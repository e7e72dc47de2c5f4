package tensor

import "encoding/binary"

// dotF16 is Σ W[c]·x[c] for an F16 weight row (x already rounded to F16),
// in float32 with four partial sums (element i goes to sum i mod 4), eight
// elements per iteration.
func dotF16(w []byte, x []float32) float32 {
	x = x[:len(w)/2]
	var s0, s1, s2, s3 float32
	t := fp16Table
	i := 0
	for ; i+8 <= len(x); i += 8 {
		ww := (*[16]byte)(w[2*i:])
		xx := (*[8]float32)(x[i:])
		s0 += t[uint16(ww[0])|uint16(ww[1])<<8]*xx[0] + t[uint16(ww[8])|uint16(ww[9])<<8]*xx[4]
		s1 += t[uint16(ww[2])|uint16(ww[3])<<8]*xx[1] + t[uint16(ww[10])|uint16(ww[11])<<8]*xx[5]
		s2 += t[uint16(ww[4])|uint16(ww[5])<<8]*xx[2] + t[uint16(ww[12])|uint16(ww[13])<<8]*xx[6]
		s3 += t[uint16(ww[6])|uint16(ww[7])<<8]*xx[3] + t[uint16(ww[14])|uint16(ww[15])<<8]*xx[7]
	}
	for ; i < len(x); i++ {
		s0 += t[binary.LittleEndian.Uint16(w[2*i:])] * x[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// dotBF16 is dotF16 for a BF16 weight row.
func dotBF16(w []byte, x []float32) float32 {
	x = x[:len(w)/2]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		ww := (*[8]byte)(w[2*i:])
		xx := (*[4]float32)(x[i:])
		s0 += BF16ToFP32(uint16(ww[0])|uint16(ww[1])<<8) * xx[0]
		s1 += BF16ToFP32(uint16(ww[2])|uint16(ww[3])<<8) * xx[1]
		s2 += BF16ToFP32(uint16(ww[4])|uint16(ww[5])<<8) * xx[2]
		s3 += BF16ToFP32(uint16(ww[6])|uint16(ww[7])<<8) * xx[3]
	}
	for ; i < len(x); i++ {
		s0 += BF16ToFP32(binary.LittleEndian.Uint16(w[2*i:])) * x[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func f16ToF32Row(w []byte, dst []float32) {
	t := fp16Table
	dst = dst[:len(w)/2]
	for i := range dst {
		dst[i] = t[uint16(w[2*i])|uint16(w[2*i+1])<<8]
	}
}

func bf16ToF32Row(w []byte, dst []float32) {
	dst = dst[:len(w)/2]
	for i := range dst {
		dst[i] = BF16ToFP32(uint16(w[2*i]) | uint16(w[2*i+1])<<8)
	}
}
