package tensor

import "fmt"

// matmulState is the Pool's MatMul scratch and the current call's operands.
// Operands live here rather than in a closure so that MatMul allocates
// nothing per call.
type matmulState struct {
	job func(worker, lo, hi int) // p.mm.rows, bound once

	out []float32
	w   *Matrix
	x   []float32 // activations as the kernel consumes them (rounded for F16/BF16)
	n   int
	rb  int

	act  qact      // x quantised to Q8_0 for Q8_0/Q4_0 weights
	xr   []float32 // x rounded to F16/BF16
	rows [][]float32
}

func (s *matmulState) init(p *Pool) {
	s.job = s.rowsJob
	s.rows = make([][]float32, p.threads)
}

// batchTile is how many activation vectors the kernels process per pass over
// a weight row: the row stays in L1 while the vectors stream past.
const batchTile = 4

// MatMul computes the same product as MatMulRef, splitting output rows over
// the pool's goroutines. x is prepared once per call (quantised to Q8_0 or
// rounded to F16/BF16) into pool scratch. Quantised results equal MatMulRef's
// exactly (same integer block sums, same float32 accumulation order); F32,
// F16 and BF16 results are accumulated in float32 with several partial sums
// and differ from MatMulRef's float64 sums by rounding only.
func (p *Pool) MatMul(out []float32, w *Matrix, x []float32, n int) {
	rb := checkMatMul(out, w, x, n)
	if n == 0 || w.Rows == 0 {
		return
	}
	s := &p.mm
	s.out, s.w, s.n, s.rb = out, w, n, rb
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
		if n >= batchTile {
			for k := range s.rows {
				if cap(s.rows[k]) < cols {
					s.rows[k] = make([]float32, cols)
				}
				s.rows[k] = s.rows[k][:cols]
			}
		}
	case Q8_0, Q4_0:
		s.act.resize(n * cols)
		quantizeAct(x[:n*cols], &s.act)
	default:
		panic(fmt.Sprintf("BUG: tensor.MatMul: type %s", w.Type))
	}
	p.run(w.Rows, s.job)
	s.out, s.w, s.x = nil, nil, nil
}

// rowsJob computes output rows [lo,hi) for all n activation vectors.
func (s *matmulState) rowsJob(worker, lo, hi int) {
	w, n, rb, cols, rows := s.w, s.n, s.rb, s.w.Cols, s.w.Rows
	out := s.out
	switch w.Type {
	case F32:
		for r := lo; r < hi; r++ {
			wr := bytesAsF32(w.Data[r*rb : (r+1)*rb])
			i := 0
			for ; i+batchTile <= n; i += batchTile {
				x := s.x[i*cols:]
				s0, s1, s2, s3 := dotF32x4(wr, x[:cols], x[cols:2*cols], x[2*cols:3*cols], x[3*cols:4*cols])
				out[i*rows+r], out[(i+1)*rows+r], out[(i+2)*rows+r], out[(i+3)*rows+r] = s0, s1, s2, s3
			}
			for ; i < n; i++ {
				out[i*rows+r] = dotF32(wr, s.x[i*cols:(i+1)*cols])
			}
		}
	case F16, BF16:
		for r := lo; r < hi; r++ {
			wr := w.Data[r*rb : (r+1)*rb]
			i := 0
			if n >= batchTile {
				row := s.rows[worker]
				if w.Type == F16 {
					f16ToF32Row(wr, row)
				} else {
					bf16ToF32Row(wr, row)
				}
				for ; i+batchTile <= n; i += batchTile {
					x := s.x[i*cols:]
					s0, s1, s2, s3 := dotF32x4(row, x[:cols], x[cols:2*cols], x[2*cols:3*cols], x[3*cols:4*cols])
					out[i*rows+r], out[(i+1)*rows+r], out[(i+2)*rows+r], out[(i+3)*rows+r] = s0, s1, s2, s3
				}
				for ; i < n; i++ {
					out[i*rows+r] = dotF32(row, s.x[i*cols:(i+1)*cols])
				}
				continue
			}
			for ; i < n; i++ {
				if w.Type == F16 {
					out[i*rows+r] = dotF16(wr, s.x[i*cols:(i+1)*cols])
				} else {
					out[i*rows+r] = dotBF16(wr, s.x[i*cols:(i+1)*cols])
				}
			}
		}
	case Q8_0:
		nb := cols / QK
		a := &s.act
		for r := lo; r < hi; r++ {
			wr := w.Data[r*rb : (r+1)*rb]
			for i := 0; i < n; i++ {
				out[i*rows+r] = dotQ8(wr, a.q[i*cols:(i+1)*cols], a.d[i*nb:(i+1)*nb])
			}
		}
	case Q4_0:
		nb := cols / QK
		a := &s.act
		for r := lo; r < hi; r++ {
			wr := w.Data[r*rb : (r+1)*rb]
			for i := 0; i < n; i++ {
				out[i*rows+r] = dotQ4(wr, a.q[i*cols:(i+1)*cols], a.d[i*nb:(i+1)*nb], a.sum[i*nb:(i+1)*nb])
			}
		}
	}
}
