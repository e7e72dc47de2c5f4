package tensor

import "fmt"

// matmulState is the Pool's MatMul scratch and the current call's operands.
// Operands live here rather than in a closure so that MatMul allocates
// nothing per call.
type matmulState struct {
	job     func(worker, lo, hi int) // rowsJob, bound once at NewPool
	prepJob func(worker, lo, hi int) // prepUnits, bound once at NewPool

	out []float32
	w   *Matrix
	x   []float32 // activations as the kernel consumes them (rounded for F16/BF16)
	xf  []float32 // the caller's activations while prepareAsm runs
	n   int
	rb  int

	act  qact      // x quantised to Q8_0 for Q8_0/Q4_0 weights
	xp   []int64   // act packed three vectors per int64 (dot_x3.go)
	xr   []float32 // x rounded to F16/BF16
	rows [][]float32

	useAsm  bool   // this call runs the assembly kernels (matmul_asm.go)
	halfAsm bool   // this call runs the F16/BF16 assembly kernels (rowsHalf)
	asm     asmAct // activations for the quantised assembly kernels
}

func (s *matmulState) init(p *Pool) {
	s.job = s.rowsJob
	s.prepJob = s.prepUnits
	s.rows = make([][]float32, p.threads)
}

const (
	// xTile is how many activation vectors share one pass over the weights;
	// a multiple of 3 for the packed quantised kernels.
	xTile = 9
	// convertRowMin is the tile size from which an F16/BF16 weight row is
	// widened to float32 once instead of converting inside every dot product.
	convertRowMin = 3
)

// MatMul computes the same product as MatMulRef, splitting output rows over
// the pool's goroutines. x is prepared once per call (quantised to Q8_0 or
// rounded to F16/BF16) into pool scratch. Quantised results equal MatMulRef's
// exactly (same integer block sums, same float32 accumulation order); F32,
// F16 and BF16 results are accumulated in float32 with several partial sums
// and differ from MatMulRef's float64 sums by rounding only. out must not
// overlap x.
func (p *Pool) MatMul(out []float32, w *Matrix, x []float32, n int) {
	rb := checkMatMul(out, w, x, n)
	if n == 0 || w.Rows == 0 {
		return
	}
	s := &p.mm
	s.out, s.w, s.n, s.rb = out, w, n, rb
	s.useAsm = useAsm && (w.Type == F32 || w.Type == Q8_0 || w.Type == Q4_0)
	s.halfAsm = useAsm && hasF16C && (w.Type == F16 || w.Type == BF16)
	cols := w.Cols
	switch w.Type {
	case F32:
		s.x = x[:n*cols]
	case F16, BF16:
		if cap(s.xr) < n*cols {
			s.xr = make([]float32, n*cols)
		}
		s.xr = s.xr[:n*cols]
		if w.Type == F16 {
			for i, v := range x[:n*cols] {
				s.xr[i] = fp16Table[FP32ToFP16(v)]
			}
		} else {
			for i, v := range x[:n*cols] {
				s.xr[i] = BF16ToFP32(FP32ToBF16(v))
			}
		}
		s.x = s.xr
		if n >= convertRowMin {
			size := cols // one row widened at a time, or four for rowsHalf
			if s.halfAsm {
				size = 4 * cols
			}
			for k := range s.rows {
				if cap(s.rows[k]) < size {
					s.rows[k] = make([]float32, size)
				}
				s.rows[k] = s.rows[k][:size]
			}
		}
	case Q8_0, Q4_0:
		if s.useAsm {
			s.prepareAsm(p, x[:n*cols], n, cols)
			break
		}
		s.act.resize(n * cols)
		quantizeAct(x[:n*cols], &s.act)
		if g := n / 3; g > 0 {
			if cap(s.xp) < g*cols {
				s.xp = make([]int64, g*cols)
			}
			s.xp = s.xp[:g*cols]
			q := s.act.q
			for k := 0; k < g; k++ {
				i := 3 * k
				packAct3(s.xp[k*cols:(k+1)*cols], q[i*cols:(i+1)*cols], q[(i+1)*cols:(i+2)*cols], q[(i+2)*cols:(i+3)*cols])
			}
		}
	default:
		panic(fmt.Sprintf("BUG: tensor.MatMul: type %s", w.Type))
	}
	// About eight pieces per thread: enough to even out a descheduled
	// worker, few enough that each piece still reuses its x tiles.
	// A multiple of 4 rows keeps the four-row kernels on whole groups.
	p.runDynamic(w.Rows, (max(4, w.Rows/(8*p.threads))+3)&^3, s.job)
	s.out, s.w, s.x = nil, nil, nil
}

// rowsJob computes output rows [lo,hi) for all n activation vectors. The
// vectors are taken xTile at a time so that a weight row, once loaded, is
// reused from L1 for the whole tile while the tile's vectors stay in L2.
func (s *matmulState) rowsJob(worker, lo, hi int) {
	if s.useAsm {
		s.rowsJobAsm(lo, hi)
		return
	}
	if s.halfAsm {
		s.rowsHalf(worker, lo, hi)
		return
	}
	w, n, rb, cols, rows := s.w, s.n, s.rb, s.w.Cols, s.w.Rows
	out := s.out
	nb := cols / QK
	a := &s.act
	for i0 := 0; i0 < n; i0 += xTile {
		i1 := min(n, i0+xTile)
		for r := lo; r < hi; r++ {
			wr := w.Data[r*rb : (r+1)*rb]
			switch w.Type {
			case F32:
				// A view for aligned data (GGUF tensors are); unaligned
				// F32 weights work but are decoded per row.
				wf := bytesAsF32(wr)
				for i := i0; i < i1; i++ {
					out[i*rows+r] = dotF32(wf, s.x[i*cols:(i+1)*cols])
				}
			case F16, BF16:
				if i1-i0 >= convertRowMin {
					row := s.rows[worker]
					if w.Type == F16 {
						f16ToF32Row(wr, row)
					} else {
						bf16ToF32Row(wr, row)
					}
					for i := i0; i < i1; i++ {
						out[i*rows+r] = dotF32(row, s.x[i*cols:(i+1)*cols])
					}
					continue
				}
				for i := i0; i < i1; i++ {
					if w.Type == F16 {
						out[i*rows+r] = dotF16(wr, s.x[i*cols:(i+1)*cols])
					} else {
						out[i*rows+r] = dotBF16(wr, s.x[i*cols:(i+1)*cols])
					}
				}
			case Q8_0:
				i := i0
				for ; i+3 <= i1; i += 3 {
					d0, d1, d2 := a.d[i*nb:(i+1)*nb], a.d[(i+1)*nb:(i+2)*nb], a.d[(i+2)*nb:(i+3)*nb]
					o0, o1, o2 := dotQ8x3(wr, s.xp[i/3*cols:(i/3+1)*cols], d0, d1, d2)
					out[i*rows+r], out[(i+1)*rows+r], out[(i+2)*rows+r] = o0, o1, o2
				}
				for ; i < i1; i++ {
					out[i*rows+r] = dotQ8(wr, a.q[i*cols:(i+1)*cols], a.d[i*nb:(i+1)*nb])
				}
			case Q4_0:
				i := i0
				for ; i+3 <= i1; i += 3 {
					d0, d1, d2 := a.d[i*nb:(i+1)*nb], a.d[(i+1)*nb:(i+2)*nb], a.d[(i+2)*nb:(i+3)*nb]
					u0, u1, u2 := a.sum[i*nb:(i+1)*nb], a.sum[(i+1)*nb:(i+2)*nb], a.sum[(i+2)*nb:(i+3)*nb]
					o0, o1, o2 := dotQ4x3(wr, s.xp[i/3*cols:(i/3+1)*cols], d0, d1, d2, u0, u1, u2)
					out[i*rows+r], out[(i+1)*rows+r], out[(i+2)*rows+r] = o0, o1, o2
				}
				for ; i < i1; i++ {
					out[i*rows+r] = dotQ4(wr, a.q[i*cols:(i+1)*cols], a.d[i*nb:(i+1)*nb], a.sum[i*nb:(i+1)*nb])
				}
			}
		}
	}
}
