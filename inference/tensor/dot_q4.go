package tensor

// dotQ4 is the Q4_0 × Q8_0 row dot product (ggml_vec_dot_q4_0_q8_0):
// per block sumi = Σ_j (lo_j−8)·x_j + (hi_j−8)·x_{j+16}, computed as
// Σ lo·x + Σ hi·x − 8·Σx with the activation block sum precomputed (the same
// integer); then Σ_blocks float32(sumi)·(d_w·d_x) in block order. Unrolled by
// hand like dotQ8.
func dotQ4(w []byte, xq []int32, xd []float32, xsum []int32) float32 {
	var s float32
	t := fp16Table
	w = w[:len(xd)*18]
	xq = xq[:len(xd)*QK]
	xsum = xsum[:len(xd)]
	for b := range xd {
		blk := (*[18]byte)(w[b*18:])
		q := (*[QK]int32)(xq[b*QK:])
		s0 := int32(blk[2]&0xf)*q[0] +
			int32(blk[3]&0xf)*q[1] +
			int32(blk[4]&0xf)*q[2] +
			int32(blk[5]&0xf)*q[3] +
			int32(blk[6]&0xf)*q[4] +
			int32(blk[7]&0xf)*q[5] +
			int32(blk[8]&0xf)*q[6] +
			int32(blk[9]&0xf)*q[7] +
			int32(blk[10]&0xf)*q[8] +
			int32(blk[11]&0xf)*q[9] +
			int32(blk[12]&0xf)*q[10] +
			int32(blk[13]&0xf)*q[11] +
			int32(blk[14]&0xf)*q[12] +
			int32(blk[15]&0xf)*q[13] +
			int32(blk[16]&0xf)*q[14] +
			int32(blk[17]&0xf)*q[15]
		s1 := int32(blk[2]>>4)*q[16] +
			int32(blk[3]>>4)*q[17] +
			int32(blk[4]>>4)*q[18] +
			int32(blk[5]>>4)*q[19] +
			int32(blk[6]>>4)*q[20] +
			int32(blk[7]>>4)*q[21] +
			int32(blk[8]>>4)*q[22] +
			int32(blk[9]>>4)*q[23] +
			int32(blk[10]>>4)*q[24] +
			int32(blk[11]>>4)*q[25] +
			int32(blk[12]>>4)*q[26] +
			int32(blk[13]>>4)*q[27] +
			int32(blk[14]>>4)*q[28] +
			int32(blk[15]>>4)*q[29] +
			int32(blk[16]>>4)*q[30] +
			int32(blk[17]>>4)*q[31]
		sumi := s0 + s1 - 8*xsum[b]
		s += float32(float32(sumi) * (t[uint16(blk[0])|uint16(blk[1])<<8] * xd[b]))
	}
	return s
}
