package tensor

// dotQ8 is the Q8_0 × Q8_0 row dot product (ggml_vec_dot_q8_0_q8_0):
// Σ_blocks float32(Σ_j w_j·x_j)·(d_w·d_x), blocks summed in order. w is the
// packed weight row (fp16 d, 32 int8 per block); xq/xd the activation values
// (widened to int32 once per MatMul) and scales.
//
// The block is unrolled by hand: with constant offsets the compiler emits one
// sign-extending load, one multiply and one add per element and keeps both
// partial sums in registers (about 1.7× the looped form). The integer sum is
// exact, so the split into two partial sums does not change the result.
func dotQ8(w []byte, xq []int32, xd []float32) float32 {
	var s float32
	t := fp16Table
	w = w[:len(xd)*34]
	xq = xq[:len(xd)*QK]
	for b := range xd {
		blk := (*[34]byte)(w[b*34:])
		q := (*[QK]int32)(xq[b*QK:])
		s0 := int32(int8(blk[2]))*q[0] +
			int32(int8(blk[4]))*q[2] +
			int32(int8(blk[6]))*q[4] +
			int32(int8(blk[8]))*q[6] +
			int32(int8(blk[10]))*q[8] +
			int32(int8(blk[12]))*q[10] +
			int32(int8(blk[14]))*q[12] +
			int32(int8(blk[16]))*q[14] +
			int32(int8(blk[18]))*q[16] +
			int32(int8(blk[20]))*q[18] +
			int32(int8(blk[22]))*q[20] +
			int32(int8(blk[24]))*q[22] +
			int32(int8(blk[26]))*q[24] +
			int32(int8(blk[28]))*q[26] +
			int32(int8(blk[30]))*q[28] +
			int32(int8(blk[32]))*q[30]
		s1 := int32(int8(blk[3]))*q[1] +
			int32(int8(blk[5]))*q[3] +
			int32(int8(blk[7]))*q[5] +
			int32(int8(blk[9]))*q[7] +
			int32(int8(blk[11]))*q[9] +
			int32(int8(blk[13]))*q[11] +
			int32(int8(blk[15]))*q[13] +
			int32(int8(blk[17]))*q[15] +
			int32(int8(blk[19]))*q[17] +
			int32(int8(blk[21]))*q[19] +
			int32(int8(blk[23]))*q[21] +
			int32(int8(blk[25]))*q[23] +
			int32(int8(blk[27]))*q[25] +
			int32(int8(blk[29]))*q[27] +
			int32(int8(blk[31]))*q[29] +
			int32(int8(blk[33]))*q[31]
		s += float32(float32(s0+s1) * (t[uint16(blk[0])|uint16(blk[1])<<8] * xd[b]))
	}
	return s
}
