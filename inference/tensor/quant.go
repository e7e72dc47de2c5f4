package tensor

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Quantize encodes src into dst in type t, as ggml's quantize_row_<t>_ref:
//
//	Q8_0: per block of 32, d = amax/127, id = 1/d (0 if d is 0),
//	      q = roundf(x·id) (half away from zero); stored as fp16 d, 32 int8.
//	Q4_0: per block, max = the element of largest magnitude (sign kept),
//	      d = max/-8, id = 1/d, q = min(15, int8(x·id + 8.5)) (truncation);
//	      stored as fp16 d, then 16 bytes whose low nibble is element j and
//	      high nibble element j+16.
//	F16, BF16: round to nearest even; F32: copy.
//
// len(src) must be a multiple of the block size and dst must hold the result.
func Quantize(t Type, src []float32, dst []byte) {
	need, err := t.RowBytes(len(src))
	if err != nil {
		panic("BUG: tensor.Quantize: " + err.Error())
	}
	if len(dst) < need {
		panic(fmt.Sprintf("BUG: tensor.Quantize: dst has %d bytes, %d %s elements need %d", len(dst), len(src), t, need))
	}
	le := binary.LittleEndian
	switch t {
	case F32:
		for i, v := range src {
			le.PutUint32(dst[4*i:], math.Float32bits(v))
		}
	case F16:
		for i, v := range src {
			le.PutUint16(dst[2*i:], FP32ToFP16(v))
		}
	case BF16:
		for i, v := range src {
			le.PutUint16(dst[2*i:], FP32ToBF16(v))
		}
	case Q8_0:
		for b := 0; b < len(src)/QK; b++ {
			quantizeBlockQ8Ref(src[b*QK:(b+1)*QK], dst[b*34:(b+1)*34])
		}
	case Q4_0:
		for b := 0; b < len(src)/QK; b++ {
			quantizeBlockQ4Ref(src[b*QK:(b+1)*QK], dst[b*18:(b+1)*18])
		}
	}
}

func quantizeBlockQ8Ref(x []float32, out []byte) {
	var amax float32
	for _, v := range x {
		amax = max(amax, abs32(v))
	}
	d := amax / 127
	var id float32
	if d != 0 {
		id = 1 / d
	}
	binary.LittleEndian.PutUint16(out, FP32ToFP16(d))
	for j, v := range x {
		out[2+j] = byte(int8(math.Round(float64(v * id))))
	}
}

func quantizeBlockQ4Ref(x []float32, out []byte) {
	var amax, mx float32
	for _, v := range x {
		if amax < abs32(v) {
			amax, mx = abs32(v), v
		}
	}
	d := mx / -8
	var id float32
	if d != 0 {
		id = 1 / d
	}
	binary.LittleEndian.PutUint16(out, FP32ToFP16(d))
	for j := 0; j < QK/2; j++ {
		// The float32 conversions keep x·id rounded before adding 8.5 even
		// where the compiler could fuse a multiply-add (GOAMD64=v3).
		x0 := int8(float32(x[j]*id) + 8.5)
		x1 := int8(float32(x[j+QK/2]*id) + 8.5)
		out[2+j] = byte(min(15, x0)) | byte(min(15, x1))<<4
	}
}

func abs32(v float32) float32 { return math.Float32frombits(math.Float32bits(v) &^ (1 << 31)) }

// Dequantize decodes len(dst) elements of type t from src.
func Dequantize(t Type, src []byte, dst []float32) {
	need, err := t.RowBytes(len(dst))
	if err != nil {
		panic("BUG: tensor.Dequantize: " + err.Error())
	}
	if len(src) < need {
		panic(fmt.Sprintf("BUG: tensor.Dequantize: src has %d bytes, %d %s elements need %d", len(src), len(dst), t, need))
	}
	le := binary.LittleEndian
	switch t {
	case F32:
		for i := range dst {
			dst[i] = math.Float32frombits(le.Uint32(src[4*i:]))
		}
	case F16:
		for i := range dst {
			dst[i] = fp16Table[le.Uint16(src[2*i:])]
		}
	case BF16:
		for i := range dst {
			dst[i] = BF16ToFP32(le.Uint16(src[2*i:]))
		}
	case Q8_0:
		for b := 0; b < len(dst)/QK; b++ {
			blk := (*[34]byte)(src[b*34:])
			d := fp16Table[le.Uint16(blk[:])]
			out := (*[QK]float32)(dst[b*QK:])
			for j := range out {
				out[j] = float32(int8(blk[2+j])) * d
			}
		}
	case Q4_0:
		for b := 0; b < len(dst)/QK; b++ {
			blk := (*[18]byte)(src[b*18:])
			d := fp16Table[le.Uint16(blk[:])]
			out := (*[QK]float32)(dst[b*QK:])
			for j := 0; j < QK/2; j++ {
				out[j] = float32(int(blk[2+j]&0xf)-8) * d
				out[j+QK/2] = float32(int(blk[2+j]>>4)-8) * d
			}
		}
	}
}

// qact is a row set of activations quantised to Q8_0, unpacked for the
// kernels: int8 values, each block's fp16-rounded scale as float32, and each
// block's sum of values (used by the Q4_0 kernel to fold in the -8 offset).
type qact struct {
	q   []int32 // int8 values, widened once so the kernels need no sign extension
	d   []float32
	sum []int32
}

func (a *qact) resize(elems int) {
	if cap(a.q) < elems {
		a.q = make([]int32, elems)
		a.d = make([]float32, elems/QK)
		a.sum = make([]int32, elems/QK)
	}
	a.q, a.d, a.sum = a.q[:elems], a.d[:elems/QK], a.sum[:elems/QK]
}

// quantizeAct quantises x (a multiple of 32 long) to Q8_0 the way ggml's x86
// AVX2 quantize_row_q8_0 does for matmul activations: d = amax/127 stored as
// fp16, id = 127/amax, q = round-half-even(x·id). This differs from the
// reference quantiser (id = 1/d, half away from zero) only on rare ties.
func quantizeAct(x []float32, a *qact) {
	for b := 0; b < len(x)/QK; b++ {
		xb := (*[QK]float32)(x[b*QK:])
		var amax float32
		for _, v := range xb {
			amax = max(amax, abs32(v))
		}
		d := amax / 127
		var id float32
		if amax != 0 {
			id = 127 / amax
		}
		a.d[b] = fp16Table[FP32ToFP16(d)]
		qb := (*[QK]int32)(a.q[b*QK:])
		var s int32
		for j, v := range xb {
			q := int32(int8(math.RoundToEven(float64(v * id))))
			qb[j] = q
			s += q
		}
		a.sum[b] = s
	}
}
