package tensor

// dotQ8 is the Q8_0 × Q8_0 row dot product (ggml_vec_dot_q8_0_q8_0):
// Σ_blocks float32(Σ_j w_j·x_j)·(d_w·d_x), blocks summed in order. w is the
// packed weight row (fp16 d, 32 int8 per block); xq/xd the unpacked
// activation values and scales.
func dotQ8(w []byte, xq []int8, xd []float32) float32 {
	var s float32
	t := fp16Table
	for b := range xd {
		blk := (*[34]byte)(w[b*34:])
		q := (*[QK]int8)(xq[b*QK:])
		var s0, s1, s2, s3 int32
		for j := 0; j < QK; j += 4 {
			s0 += int32(int8(blk[2+j])) * int32(q[j])
			s1 += int32(int8(blk[3+j])) * int32(q[j+1])
			s2 += int32(int8(blk[4+j])) * int32(q[j+2])
			s3 += int32(int8(blk[5+j])) * int32(q[j+3])
		}
		s += float32(float32((s0+s1)+(s2+s3)) * (t[uint16(blk[0])|uint16(blk[1])<<8] * xd[b]))
	}
	return s
}
