package tensor

import (
	"encoding/binary"
	"fmt"
)

// MatMulRef computes out[i·Rows + r] = Σ_c W[r,c]·x[i·Cols + c] for i in
// [0,n), the way llama.cpp's CPU backend defines the product:
//
//   - Q8_0, Q4_0: x is quantised to Q8_0 (see quantizeAct); per block of 32 the
//     integer dot product sumi is exact, and out = Σ_blocks float32(sumi)·(d_w·d_x)
//     summed in float32 in block order (ggml_vec_dot_q8_0_q8_0 / q4_0_q8_0).
//   - F16 (BF16): x is rounded to F16 (BF16); products are summed in float64.
//   - F32: products summed in float64.
//
// It is the oracle for Pool.MatMul and deliberately plain.
func MatMulRef(out []float32, w *Matrix, x []float32, n int) {
	rb := checkMatMul(out, w, x, n)
	cols := w.Cols
	row := make([]float32, cols)
	xr := make([]float32, cols)
	var a qact
	if w.Type == Q8_0 || w.Type == Q4_0 {
		a.resize(cols)
	}
	le := binary.LittleEndian
	for i := 0; i < n; i++ {
		xi := x[i*cols : (i+1)*cols]
		switch w.Type {
		case F32:
			copy(xr, xi)
		case F16:
			for c, v := range xi {
				xr[c] = FP16ToFP32(FP32ToFP16(v))
			}
		case BF16:
			for c, v := range xi {
				xr[c] = BF16ToFP32(FP32ToBF16(v))
			}
		case Q8_0, Q4_0:
			quantizeAct(xi, &a)
		default:
			panic(fmt.Sprintf("BUG: tensor.MatMulRef: type %s", w.Type))
		}
		for r := 0; r < w.Rows; r++ {
			wr := w.Data[r*rb : (r+1)*rb]
			switch w.Type {
			case F32, F16, BF16:
				Dequantize(w.Type, wr, row)
				var s float64
				for c := range row {
					s += float64(row[c]) * float64(xr[c])
				}
				out[i*w.Rows+r] = float32(s)
			case Q8_0:
				var s float32
				for b := 0; b < cols/QK; b++ {
					blk := wr[b*34 : (b+1)*34]
					var sumi int32
					for j := 0; j < QK; j++ {
						sumi += int32(int8(blk[2+j])) * a.q[b*QK+j]
					}
					s += float32(float32(sumi) * (FP16ToFP32(le.Uint16(blk)) * a.d[b])) // the conversion forbids FMA fusion
				}
				out[i*w.Rows+r] = s
			case Q4_0:
				var s float32
				for b := 0; b < cols/QK; b++ {
					blk := wr[b*18 : (b+1)*18]
					var sumi int32
					for j := 0; j < QK/2; j++ {
						lo := int32(blk[2+j]&0xf) - 8
						hi := int32(blk[2+j]>>4) - 8
						sumi += lo*a.q[b*QK+j] + hi*a.q[b*QK+j+QK/2]
					}
					s += float32(float32(sumi) * (FP16ToFP32(le.Uint16(blk)) * a.d[b])) // the conversion forbids FMA fusion
				}
				out[i*w.Rows+r] = s
			}
		}
	}
}
