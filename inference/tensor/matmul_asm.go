package tensor

// The assembly path of Pool.MatMul (see dot_amd64.go; used when useAsm).
//
// Quantised weights: activations are quantised as for the Go path, then
// narrowed to int8 (act8) and, for every group of four vectors, interleaved
// per block (g4q/g4d/g4s) so that q8Dot1x4/q4Dot1x4 read one contiguous
// stream while a weight block is loaded once for four tokens. Vectors left
// over after the groups, and single-token decode, use the four-row kernels,
// which share the activation block across four weight rows and their
// horizontal sums.
//
// F32 weights: batches use the 4×3 register tile gemmF32x4x3 over tiles of
// f32ColTile vectors, so that four weight rows stay in L1 while the tile's
// vectors stream from L2; single vectors and a batch's leftovers use
// dotF32Tile, which rounds as the tile does (see f32Block).

// f32ColTile is how many activation vectors one pass over four F32 weight
// rows covers: a multiple of 3 whose vectors (up to 1536 floats each) fit
// in L2 together.
const f32ColTile = 48

// groupTile is how many groups of four vectors one pass over a piece of
// quantised weight rows covers: 64 vectors of up to 1536 int8 (96 KiB) stay
// in L2 next to the piece's rows, where a whole 512-token batch would not.
const groupTile = 16

// asmAct is the int8 form of the quantised activations.
type asmAct struct {
	act8 []int8    // n vectors of cols int8
	g4q  []int8    // per group of 4 vectors: [nb][4][32]int8
	g4d  []float32 // per group: [nb][4] scales
	g4s  []int32   // per group: [nb][4] block sums
}

// prepParallelMin is the batch size from which prepareAsm splits its work
// over the pool; a decode step's vector or two is quicker on one goroutine.
const prepParallelMin = 16

// prepareAsm quantises the n vectors of x as quantizeAct does, straight to
// int8 (quantQ8Blocks), and interleaves the groups of four. A batch is
// split over the pool by groups of four vectors (the vectors after the last
// whole group are one more piece), each piece quantising and interleaving
// its own vectors.
func (s *matmulState) prepareAsm(p *Pool, xf []float32, n, cols int) {
	a, x := &s.act, &s.asm
	nb := cols / QK
	if cap(x.act8) < n*cols {
		x.act8 = make([]int8, n*cols)
	}
	x.act8 = x.act8[:n*cols]
	if cap(a.d) < n*nb {
		a.d = make([]float32, n*nb)
		a.sum = make([]int32, n*nb)
	}
	a.d, a.sum = a.d[:n*nb], a.sum[:n*nb]
	g := n / 4
	if cap(x.g4q) < g*4*cols {
		x.g4q = make([]int8, g*4*cols)
		x.g4d = make([]float32, g*4*nb)
		x.g4s = make([]int32, g*4*nb)
	}
	x.g4q, x.g4d, x.g4s = x.g4q[:g*4*cols], x.g4d[:g*4*nb], x.g4s[:g*4*nb]
	s.xf = xf // s.n is set by MatMul
	units := (n + 3) / 4
	if n < prepParallelMin {
		s.prepUnits(0, 0, units)
	} else {
		p.run(units, s.prepJob)
	}
	s.xf = nil
}

// prepUnits quantises and interleaves the vectors of units [lo,hi): unit k
// is vectors 4k..4k+3 (fewer for the last when n is not a multiple of 4).
func (s *matmulState) prepUnits(_, lo, hi int) {
	a, x, xf, n, cols := &s.act, &s.asm, s.xf, s.n, s.w.Cols
	nb := cols / QK
	v0, v1 := 4*lo, min(n, 4*hi)
	if nb == 0 || v0 >= v1 {
		return
	}
	quantQ8Blocks(&xf[v0*cols], (v1-v0)*nb, &x.act8[v0*cols], &a.sum[v0*nb], &a.d[v0*nb])
	for b := v0 * nb; b < v1*nb; b++ {
		a.d[b] = fp16Table[FP32ToFP16(a.d[b]/127)]
	}
	for k := lo; k < hi && 4*k+4 <= n; k++ {
		for c := 0; c < 4; c++ {
			i := 4*k + c
			for b := 0; b < nb; b++ {
				copy(x.g4q[(k*nb+b)*4*QK+c*QK:][:QK], x.act8[i*cols+b*QK:][:QK])
				x.g4d[(k*nb+b)*4+c] = a.d[i*nb+b]
				x.g4s[(k*nb+b)*4+c] = a.sum[i*nb+b]
			}
		}
	}
}

// rowsJobAsm is rowsJob for the assembly kernels: output rows [lo,hi).
func (s *matmulState) rowsJobAsm(lo, hi int) {
	w, n, rb, cols, rows := s.w, s.n, s.rb, s.w.Cols, s.w.Rows
	out := s.out
	nb := cols / QK
	if w.Type == F32 {
		s.rowsF32(lo, hi)
		return
	}
	if nb == 0 {
		for i := 0; i < n; i++ {
			for r := lo; r < hi; r++ {
				out[i*rows+r] = 0
			}
		}
		return
	}
	tbl := &fp16Table[0]
	a, x := &s.act, &s.asm
	var o [4]float32
	g := n / 4
	for k0 := 0; k0 < g; k0 += groupTile {
		k1 := min(g, k0+groupTile)
		r := lo
		var o8 [8]float32
		for ; r+2 <= hi; r += 2 {
			wr := &w.Data[r*rb]
			for k := k0; k < k1; k++ {
				if w.Type == Q8_0 {
					q8Dot2x4(wr, rb, &x.g4q[k*nb*4*QK], &x.g4d[k*nb*4], nb, tbl, &o8)
				} else {
					q4Dot2x4(wr, rb, &x.g4q[k*nb*4*QK], &x.g4d[k*nb*4], &x.g4s[k*nb*4], nb, tbl, &o8)
				}
				for c := 0; c < 4; c++ {
					out[(4*k+c)*rows+r] = o8[c]
					out[(4*k+c)*rows+r+1] = o8[4+c]
				}
			}
		}
		for ; r < hi; r++ {
			wr := &w.Data[r*rb]
			for k := k0; k < k1; k++ {
				if w.Type == Q8_0 {
					q8Dot1x4(wr, &x.g4q[k*nb*4*QK], &x.g4d[k*nb*4], nb, tbl, &o)
				} else {
					q4Dot1x4(wr, &x.g4q[k*nb*4*QK], &x.g4d[k*nb*4], &x.g4s[k*nb*4], nb, tbl, &o)
				}
				for c := 0; c < 4; c++ {
					out[(4*k+c)*rows+r] = o[c]
				}
			}
		}
	}
	for i := 4 * g; i < n; i++ {
		xq, xd, xs := &x.act8[i*cols], &a.d[i*nb], &a.sum[i*nb]
		for r := lo; r < hi; {
			stride, step := rb, 4
			if hi-r < 4 {
				stride, step = 0, 1 // the same row four times; keep the first
			}
			if w.Type == Q8_0 {
				q8Dot4R(&w.Data[r*rb], stride, xq, xd, nb, tbl, &o)
			} else {
				q4Dot4R(&w.Data[r*rb], stride, xq, xd, xs, nb, tbl, &o)
			}
			for k := 0; k < step; k++ {
				out[i*rows+r+k] = o[k]
			}
			r += step
		}
	}
}

// rowsF32 computes output rows [lo,hi) of an F32 product. Columns past the
// last multiple of 8 are added in Go.
func (s *matmulState) rowsF32(lo, hi int) {
	rb := s.rb
	s.f32Block(bytesAsF32(s.w.Data[lo*rb:hi*rb]), lo, hi)
}

// f32Block computes output rows [lo,hi) for all vectors from those rows'
// weights as float32, wf (rows lo.. back to back). Every output is rounded
// the same way whichever kernel computes it (the 4×3 tile, the 4×1 kernel
// for leftover vectors and single tokens, the 1×1 one for leftover rows):
// one 8-lane FMA accumulator, the same horizontal adds, then the products
// past the last multiple of 8 one at a time. So a vector's result does not
// depend on how many others share its batch, which speculative decoding's
// exactness relies on (a draft's tokens are verified in a batch, a plain
// decode step computes one).
func (s *matmulState) f32Block(wf []float32, lo, hi int) {
	n, cols, rows := s.n, s.w.Cols, s.w.Rows
	out, xs := s.out, s.x
	k8 := cols &^ 7
	if k8 == 0 {
		for i := 0; i < n; i++ {
			xi := xs[i*cols : (i+1)*cols]
			for r := lo; r < hi; r++ {
				out[i*rows+r] = f32Tail(0, wf[(r-lo)*cols:(r-lo+1)*cols], xi, k8)
			}
		}
		return
	}
	var o [12]float32
	for i0 := 0; i0 < n; i0 += f32ColTile {
		i1 := min(n, i0+f32ColTile)
		iTiles := i0 + (i1-i0)/3*3
		r := lo
		for ; r+4 <= hi; r += 4 {
			wr := wf[(r-lo)*cols:]
			for i := i0; i < iTiles; i += 3 {
				gemmF32x4x3(&wr[0], cols, &xs[i*cols], cols, k8, &o)
				for rr := 0; rr < 4; rr++ {
					for c := 0; c < 3; c++ {
						v := o[3*rr+c]
						if k8 < cols {
							v = f32Tail(v, wr[rr*cols:(rr+1)*cols], xs[(i+c)*cols:(i+c+1)*cols], k8)
						}
						out[(i+c)*rows+r+rr] = v
					}
				}
			}
		}
		s.f32Single(wf, lo, hi, iTiles, i1, k8)
		for ; r < hi; r++ {
			wr := wf[(r-lo)*cols : (r-lo+1)*cols]
			for i := i0; i < iTiles; i++ {
				xi := xs[i*cols : (i+1)*cols]
				out[i*rows+r] = f32Tail(dotF32Tile(&wr[0], &xi[0], k8), wr, xi, k8)
			}
		}
	}
}

// f32Tail adds the products of wr and xi from k8 on, one at a time.
func f32Tail(v float32, wr, xi []float32, k8 int) float32 {
	for j := k8; j < len(wr); j++ {
		v += wr[j] * xi[j]
	}
	return v
}

// f32Single computes rows [lo,hi) for the vectors [i0,i1) one row and one
// vector at a time (a decode step's whole product, a batch's leftovers
// after the 4×3 tiles). One accumulator chain per row is latency-bound in
// cache, but a single vector's product streams its weights from memory,
// which is slower still: reading the rows one after another kept decoding
// at the speed of the four-accumulator dot product it replaces (30–32
// tokens/s on a 135M F32 model, one thread), where eight rows side by side
// (eight streams) fell to 19.
func (s *matmulState) f32Single(wf []float32, lo, hi, i0, i1, k8 int) {
	cols, rows, out, xs := s.w.Cols, s.w.Rows, s.out, s.x
	for i := i0; i < i1; i++ {
		xi := xs[i*cols : (i+1)*cols]
		for r := lo; r < hi; r++ {
			wr := wf[(r-lo)*cols : (r-lo+1)*cols]
			out[i*rows+r] = f32Tail(dotF32Tile(&wr[0], &xi[0], k8), wr, xi, k8)
		}
	}
}

// rowsHalf computes output rows [lo,hi) of an F16 or BF16 product with the
// F16C/AVX2 kernels. A vector or two is multiplied straight from the 16-bit
// weights (dotF16FMA); a batch gets four rows at a time widened to float32
// in the worker's scratch and multiplied with the F32 register tile, so
// the conversion is paid once per row rather than once per vector.
func (s *matmulState) rowsHalf(worker, lo, hi int) {
	w, n, rb, cols, rows := s.w, s.n, s.rb, s.w.Cols, s.w.Rows
	k8 := cols &^ 7
	f16 := w.Type == F16
	val := func(wr []byte, j int) float32 {
		h := uint16(wr[2*j]) | uint16(wr[2*j+1])<<8
		if f16 {
			return fp16Table[h]
		}
		return BF16ToFP32(h)
	}
	if n < convertRowMin || k8 == 0 {
		for r := lo; r < hi; r++ {
			wr := w.Data[r*rb : (r+1)*rb]
			for i := 0; i < n; i++ {
				xi := s.x[i*cols : (i+1)*cols]
				var v float32
				switch {
				case k8 == 0:
				case f16:
					v = dotF16FMA(&wr[0], &xi[0], k8)
				default:
					v = dotBF16FMA(&wr[0], &xi[0], k8)
				}
				for j := k8; j < cols; j++ {
					v += val(wr, j) * xi[j]
				}
				s.out[i*rows+r] = v
			}
		}
		return
	}
	buf := s.rows[worker][:4*cols]
	for r := lo; r < hi; r += 4 {
		r1 := min(hi, r+4)
		for rr := r; rr < r1; rr++ {
			wr, dst := w.Data[rr*rb:(rr+1)*rb], buf[(rr-r)*cols:(rr-r+1)*cols]
			if f16 {
				widenF16(&wr[0], &dst[0], k8)
			} else {
				widenBF16(&wr[0], &dst[0], k8)
			}
			for j := k8; j < cols; j++ {
				dst[j] = val(wr, j)
			}
		}
		s.f32Block(buf[:(r1-r)*cols], r, r1)
	}
}
