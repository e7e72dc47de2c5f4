package tensor

// Batched kernels: three activation vectors are packed into one int64 per
// element, x_a + x_b·2^21 + x_c·2^42, so that one 64-bit multiply by a weight
// computes three products at once (SWAR). Per 32-element block each lane's
// sum is at most 32·128·127 < 2^19 in magnitude, so the lanes never overlap
// and unpack exactly (unpack3); the results are therefore identical to three
// dotQ8/dotQ4 calls, including the float32 accumulation order.

// lane bits of the packed activations
const laneBits = 21

// packAct3 packs three activation rows (int8 values held in int32) into dst.
func packAct3(dst []int64, a, b, c []int32) {
	dst = dst[:len(a)]
	b, c = b[:len(a)], c[:len(a)]
	for i := range dst {
		dst[i] = int64(a[i]) + int64(b[i])<<laneBits + int64(c[i])<<(2*laneBits)
	}
}

// unpack3 splits a packed sum into its three signed lanes.
func unpack3(s int64) (a, b, c int32) {
	const sh = 64 - laneBits
	lo := s << sh >> sh
	s = (s - lo) >> laneBits
	mid := s << sh >> sh
	hi := (s - mid) >> laneBits
	return int32(lo), int32(mid), int32(hi)
}

// dotQ8x3 is dotQ8 of one weight row against three packed activation rows.
func dotQ8x3(w []byte, xp []int64, d0, d1, d2 []float32) (float32, float32, float32) {
	var r0, r1, r2 float32
	t := fp16Table
	nb := len(d0)
	w = w[:nb*34]
	xp = xp[:nb*QK]
	d1, d2 = d1[:nb], d2[:nb]
	for b := 0; b < nb; b++ {
		blk := (*[34]byte)(w[b*34:])
		q := (*[QK]int64)(xp[b*QK:])
		s0 := int64(int8(blk[2]))*q[0] +
			int64(int8(blk[4]))*q[2] +
			int64(int8(blk[6]))*q[4] +
			int64(int8(blk[8]))*q[6] +
			int64(int8(blk[10]))*q[8] +
			int64(int8(blk[12]))*q[10] +
			int64(int8(blk[14]))*q[12] +
			int64(int8(blk[16]))*q[14] +
			int64(int8(blk[18]))*q[16] +
			int64(int8(blk[20]))*q[18] +
			int64(int8(blk[22]))*q[20] +
			int64(int8(blk[24]))*q[22] +
			int64(int8(blk[26]))*q[24] +
			int64(int8(blk[28]))*q[26] +
			int64(int8(blk[30]))*q[28] +
			int64(int8(blk[32]))*q[30]
		s1 := int64(int8(blk[3]))*q[1] +
			int64(int8(blk[5]))*q[3] +
			int64(int8(blk[7]))*q[5] +
			int64(int8(blk[9]))*q[7] +
			int64(int8(blk[11]))*q[9] +
			int64(int8(blk[13]))*q[11] +
			int64(int8(blk[15]))*q[13] +
			int64(int8(blk[17]))*q[15] +
			int64(int8(blk[19]))*q[17] +
			int64(int8(blk[21]))*q[19] +
			int64(int8(blk[23]))*q[21] +
			int64(int8(blk[25]))*q[23] +
			int64(int8(blk[27]))*q[25] +
			int64(int8(blk[29]))*q[27] +
			int64(int8(blk[31]))*q[29] +
			int64(int8(blk[33]))*q[31]
		i0, i1, i2 := unpack3(s0 + s1)
		dw := t[uint16(blk[0])|uint16(blk[1])<<8]
		r0 += float32(float32(i0) * (dw * d0[b]))
		r1 += float32(float32(i1) * (dw * d1[b]))
		r2 += float32(float32(i2) * (dw * d2[b]))
	}
	return r0, r1, r2
}

// dotQ4x3 is dotQ4 of one weight row against three packed activation rows;
// sum0..2 are the rows' per-block activation sums.
func dotQ4x3(w []byte, xp []int64, d0, d1, d2 []float32, sum0, sum1, sum2 []int32) (float32, float32, float32) {
	var r0, r1, r2 float32
	t := fp16Table
	nb := len(d0)
	w = w[:nb*18]
	xp = xp[:nb*QK]
	d1, d2 = d1[:nb], d2[:nb]
	sum0, sum1, sum2 = sum0[:nb], sum1[:nb], sum2[:nb]
	for b := 0; b < nb; b++ {
		blk := (*[18]byte)(w[b*18:])
		q := (*[QK]int64)(xp[b*QK:])
		s0 := int64(blk[2]&0xf)*q[0] +
			int64(blk[3]&0xf)*q[1] +
			int64(blk[4]&0xf)*q[2] +
			int64(blk[5]&0xf)*q[3] +
			int64(blk[6]&0xf)*q[4] +
			int64(blk[7]&0xf)*q[5] +
			int64(blk[8]&0xf)*q[6] +
			int64(blk[9]&0xf)*q[7] +
			int64(blk[10]&0xf)*q[8] +
			int64(blk[11]&0xf)*q[9] +
			int64(blk[12]&0xf)*q[10] +
			int64(blk[13]&0xf)*q[11] +
			int64(blk[14]&0xf)*q[12] +
			int64(blk[15]&0xf)*q[13] +
			int64(blk[16]&0xf)*q[14] +
			int64(blk[17]&0xf)*q[15]
		s1 := int64(blk[2]>>4)*q[16] +
			int64(blk[3]>>4)*q[17] +
			int64(blk[4]>>4)*q[18] +
			int64(blk[5]>>4)*q[19] +
			int64(blk[6]>>4)*q[20] +
			int64(blk[7]>>4)*q[21] +
			int64(blk[8]>>4)*q[22] +
			int64(blk[9]>>4)*q[23] +
			int64(blk[10]>>4)*q[24] +
			int64(blk[11]>>4)*q[25] +
			int64(blk[12]>>4)*q[26] +
			int64(blk[13]>>4)*q[27] +
			int64(blk[14]>>4)*q[28] +
			int64(blk[15]>>4)*q[29] +
			int64(blk[16]>>4)*q[30] +
			int64(blk[17]>>4)*q[31]
		i0, i1, i2 := unpack3(s0 + s1)
		dw := t[uint16(blk[0])|uint16(blk[1])<<8]
		r0 += float32(float32(i0-8*sum0[b]) * (dw * d0[b]))
		r1 += float32(float32(i1-8*sum1[b]) * (dw * d1[b]))
		r2 += float32(float32(i2-8*sum2[b]) * (dw * d2[b]))
	}
	return r0, r1, r2
}
