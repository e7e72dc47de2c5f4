package tensor

// dotQ4 is the Q4_0 × Q8_0 row dot product (ggml_vec_dot_q4_0_q8_0):
// per block sumi = Σ_j (lo_j−8)·x_j + (hi_j−8)·x_{j+16}, computed as
// Σ lo·x + Σ hi·x − 8·Σx with the activation block sum precomputed (same
// integer); then Σ_blocks float32(sumi)·(d_w·d_x) in block order.
func dotQ4(w []byte, xq []int8, xd []float32, xsum []int32) float32 {
	var s float32
	t := fp16Table
	for b := range xd {
		blk := (*[18]byte)(w[b*18:])
		q := (*[QK]int8)(xq[b*QK:])
		var s0, s1, s2, s3 int32
		for j := 0; j < QK/2; j += 2 {
			v0, v1 := blk[2+j], blk[3+j]
			s0 += int32(v0&0xf) * int32(q[j])
			s1 += int32(v0>>4) * int32(q[j+16])
			s2 += int32(v1&0xf) * int32(q[j+1])
			s3 += int32(v1>>4) * int32(q[j+17])
		}
		sumi := (s0 + s1) + (s2 + s3) - 8*xsum[b]
		s += float32(float32(sumi) * (t[uint16(blk[0])|uint16(blk[1])<<8] * xd[b]))
	}
	return s
}
