package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// randMatrix quantises a random rows×cols matrix to typ.
func randMatrix(r *rand.Rand, typ Type, rows, cols int) *Matrix {
	src := randVec(r, rows*cols, 0.5)
	rb, err := typ.RowBytes(cols)
	if err != nil {
		panic(err)
	}
	data := make([]byte, rows*rb)
	for i := 0; i < rows; i++ {
		Quantize(typ, src[i*cols:(i+1)*cols], data[i*rb:(i+1)*rb])
	}
	m, err := NewMatrix(typ, rows, cols, data)
	if err != nil {
		panic(err)
	}
	return m
}

// absSums[i·rows+r] = Σ_c |W[r,c]·x[i,c]|, the scale of the rounding error any
// summation order can make.
func absSums(w *Matrix, x []float32, n int) []float64 {
	out := make([]float64, n*w.Rows)
	row := make([]float32, w.Cols)
	for r := 0; r < w.Rows; r++ {
		w.Row(r, row)
		for i := 0; i < n; i++ {
			for c, v := range row {
				out[i*w.Rows+r] += math.Abs(float64(v) * float64(x[i*w.Cols+c]))
			}
		}
	}
	return out
}

func floatShapes(typ Type) (rows, cols []int) {
	if typ.BlockSize() == QK {
		return []int{1, 3, 7, 33}, []int{32, 96, 160}
	}
	return []int{1, 3, 7, 33}, []int{1, 5, 37, 64, 83}
}

// kernelPaths runs f once with the assembly kernels (where the CPU has them)
// and once with the pure-Go kernels they replace.
func kernelPaths(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	saved := useAsm
	defer func() { useAsm = saved }()
	paths := []bool{false}
	if saved {
		paths = append(paths, true)
	}
	for _, asm := range paths {
		useAsm = asm
		t.Run(map[bool]string{false: "go", true: "asm"}[asm], f)
	}
}

// TestMatMulEqualsRef checks Pool.MatMul on both kernel paths against
// MatMulRef on awkward shapes: row counts that leave 1..3 rows after groups
// of four, batch sizes that leave 1..3 vectors after groups of three or four,
// and F32 widths that are not multiples of 8. Quantised results must be
// identical; float results within 1e-5 of Σ|w·x| (the summation order and
// FMA differ).
func TestMatMulEqualsRef(t *testing.T) {
	kernelPaths(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(9, 10))
		for _, typ := range []Type{F32, F16, BF16, Q8_0, Q4_0} {
			rowsList, colsList := floatShapes(typ)
			for _, rows := range rowsList {
				for _, cols := range colsList {
					for _, n := range []int{1, 2, 3, 5, 17} {
						w := randMatrix(r, typ, rows, cols)
						x := randVec(r, n*cols, 1)
						want := make([]float32, n*rows)
						MatMulRef(want, w, x, n)
						scale := absSums(w, x, n)
						for _, threads := range []int{1, 2, 3} {
							p := NewPool(threads)
							got := make([]float32, n*rows)
							p.MatMul(got, w, x, n)
							p.MatMul(got, w, x, n) // scratch reuse gives the same result
							p.Close()
							for k := range got {
								quant := typ == Q8_0 || typ == Q4_0
								if quant && got[k] != want[k] {
									t.Fatalf("%s %dx%d n=%d threads=%d: out[%d] = %g, ref %g (must be identical)", typ, rows, cols, n, threads, k, got[k], want[k])
								}
								if d := math.Abs(float64(got[k] - want[k])); !quant && d > 1e-5*scale[k]+1e-30 {
									t.Fatalf("%s %dx%d n=%d threads=%d: out[%d] = %g, ref %g, |diff| %g > 1e-5·%g", typ, rows, cols, n, threads, k, got[k], want[k], d, scale[k])
								}
							}
						}
					}
				}
			}
		}
	})
}

// TestMatMulRefSemantics checks MatMulRef against the definition written out
// with dequantised operands: W (dequantised) times x as the kernel sees it
// (rounded to F16/BF16, or quantised to Q8_0 and dequantised).
func TestMatMulRefSemantics(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, typ := range []Type{F32, F16, BF16, Q8_0, Q4_0} {
		rows, cols, n := 9, 64, 3
		w := randMatrix(r, typ, rows, cols)
		x := randVec(r, n*cols, 1)
		xs := make([]float32, len(x))
		for i, v := range x {
			switch typ {
			case F32:
				xs[i] = v
			case F16:
				xs[i] = FP16ToFP32(FP32ToFP16(v))
			case BF16:
				xs[i] = BF16ToFP32(FP32ToBF16(v))
			}
		}
		if typ == Q8_0 || typ == Q4_0 {
			var a qact
			a.resize(len(x))
			quantizeAct(x, &a)
			for i := range xs {
				xs[i] = float32(a.q[i]) * a.d[i/QK]
			}
		}
		got := make([]float32, n*rows)
		MatMulRef(got, w, x, n)
		scale := absSums(w, x, n)
		row := make([]float32, cols)
		for rr := 0; rr < rows; rr++ {
			w.Row(rr, row)
			for i := 0; i < n; i++ {
				var s float64
				for c := range row {
					s += float64(row[c]) * float64(xs[i*cols+c])
				}
				if d := math.Abs(s - float64(got[i*rows+rr])); d > 1e-5*scale[i*rows+rr] {
					t.Errorf("%s: out[%d,%d] = %g, definition %g", typ, i, rr, got[i*rows+rr], s)
				}
			}
		}
	}
}

// TestMatMulF32Gonum uses gonum's SGEMM as an independent oracle:
// Out(n×rows) = X(n×cols) · Wᵀ.
func TestMatMulF32Gonum(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, sh := range [][3]int{{1, 1, 1}, {7, 37, 3}, {33, 64, 17}, {65, 129, 5}} {
		rows, cols, n := sh[0], sh[1], sh[2]
		w := randMatrix(r, F32, rows, cols)
		x := randVec(r, n*cols, 1)
		want := make([]float32, n*rows)
		blas32.Gemm(blas.NoTrans, blas.Trans, 1,
			blas32.General{Rows: n, Cols: cols, Stride: cols, Data: x},
			blas32.General{Rows: rows, Cols: cols, Stride: cols, Data: bytesAsF32(w.Data)},
			0, blas32.General{Rows: n, Cols: rows, Stride: rows, Data: want})
		scale := absSums(w, x, n)
		ref := make([]float32, n*rows)
		MatMulRef(ref, w, x, n)
		p := NewPool(2)
		got := make([]float32, n*rows)
		p.MatMul(got, w, x, n)
		p.Close()
		for k := range want {
			tol := 1e-5*scale[k] + 1e-30
			if d := math.Abs(float64(got[k] - want[k])); d > tol {
				t.Errorf("%v: MatMul out[%d] = %g, gonum %g", sh, k, got[k], want[k])
			}
			if d := math.Abs(float64(ref[k] - want[k])); d > tol {
				t.Errorf("%v: MatMulRef out[%d] = %g, gonum %g", sh, k, ref[k], want[k])
			}
		}
	}
}

// TestMatMulQuantisedCloseToF32 bounds what quantisation costs against the
// exact product of the original weights.
func TestMatMulQuantisedCloseToF32(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	rows, cols := 16, 256
	src := randVec(r, rows*cols, 0.5)
	x := randVec(r, cols, 1)
	f32 := make([]byte, rows*cols*4)
	Quantize(F32, src, f32)
	exact := make([]float32, rows)
	MatMulRef(exact, &Matrix{Type: F32, Rows: rows, Cols: cols, Data: f32}, x, 1)
	for typ, tol := range map[Type]float64{F16: 0.002, BF16: 0.02, Q8_0: 0.02, Q4_0: 0.2} {
		rb, _ := typ.RowBytes(cols)
		data := make([]byte, rows*rb)
		Quantize(typ, src, data)
		got := make([]float32, rows)
		MatMulRef(got, &Matrix{Type: typ, Rows: rows, Cols: cols, Data: data}, x, 1)
		var num, den float64
		for k := range got {
			num += math.Pow(float64(got[k]-exact[k]), 2)
			den += math.Pow(float64(exact[k]), 2)
		}
		if rel := math.Sqrt(num / den); rel > tol {
			t.Errorf("%s: relative error %g > %g", typ, rel, tol)
		}
	}
}

func TestMatrix(t *testing.T) {
	if _, err := NewMatrix(Q8_0, 2, 32, make([]byte, 67)); err == nil {
		t.Error("short Q8_0 data accepted")
	}
	if _, err := NewMatrix(Q4_0, 2, 20, make([]byte, 36)); err == nil {
		t.Error("Q4_0 with 20 columns accepted")
	}
	if _, err := NewMatrix(Type(13), 1, 256, nil); err == nil {
		t.Error("unsupported type accepted")
	}
	r := rand.New(rand.NewPCG(17, 18))
	m := randMatrix(r, Q4_0, 3, 64)
	row := make([]float32, 64)
	m.Row(2, row)
	want := make([]float32, 64)
	Dequantize(Q4_0, m.Data[2*36:], want)
	if fmt.Sprint(row) != fmt.Sprint(want) {
		t.Error("Row(2) differs from dequantising the third row")
	}
	defer func() {
		if recover() == nil {
			t.Error("Row(3) of a 3-row matrix did not panic")
		}
	}()
	m.Row(3, row)
}

func TestMatMulAllocs(t *testing.T) { kernelPaths(t, testMatMulAllocs) }

func testMatMulAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	p := NewPool(2)
	defer p.Close()
	for _, typ := range []Type{F32, F16, Q8_0, Q4_0} {
		w := randMatrix(r, typ, 64, 128)
		x := randVec(r, 5*128, 1)
		out := make([]float32, 5*64)
		p.MatMul(out, w, x, 5) // grows the scratch
		if a := testing.AllocsPerRun(20, func() { p.MatMul(out, w, x, 5) }); a != 0 {
			t.Errorf("%s: %v allocations per MatMul", typ, a)
		}
	}
}

// TestMatMulPackedExtremes drives the packed three-vector kernels and the
// assembly kernels to their limits: weights of -128 (possible in a hostile
// file) and 15-nibbles against activations of ±127, with every sign pattern
// across the lanes (vpmaddubsw pair sums reach 2·128·127, just below int16
// saturation).
func TestMatMulPackedExtremes(t *testing.T) { kernelPaths(t, testMatMulPackedExtremes) }

func testMatMulPackedExtremes(t *testing.T) {
	const cols, n = 64, 7
	x := make([]float32, n*cols)
	for i := 0; i < n; i++ {
		for c := 0; c < cols; c++ {
			v := float32(1)
			if (i+c/QK)%2 == 1 {
				v = -1
			}
			x[i*cols+c] = v // every block quantises to ±127
		}
	}
	q8 := make([]byte, 2*2*34)
	for i := range q8 {
		q8[i] = 0x80 // int8 -128
	}
	q4 := make([]byte, 2*2*18)
	for i := range q4 {
		q4[i] = 0xff // nibbles 15
	}
	for _, blk := range []int{0, 1, 2, 3} { // scales 1.0 (0x3c00) and 2.0 (0x4000)
		q8[blk*34], q8[blk*34+1] = 0, 0x3c+byte(blk%2)*4
		q4[blk*18], q4[blk*18+1] = 0, 0x3c+byte(blk%2)*4
	}
	for _, m := range []*Matrix{{Type: Q8_0, Rows: 2, Cols: cols, Data: q8}, {Type: Q4_0, Rows: 2, Cols: cols, Data: q4}} {
		want := make([]float32, n*2)
		MatMulRef(want, m, x, n)
		got := make([]float32, n*2)
		p := NewPool(1)
		p.MatMul(got, m, x, n)
		p.Close()
		for k := range got {
			if got[k] != want[k] {
				t.Errorf("%s: out[%d] = %g, ref %g", m.Type, k, got[k], want[k])
			}
		}
		// Row 0, vector 0: blocks of sumi = ∓32·128·127 with weight scales 1
		// and 2 and activation scale fp16(1/127): (2-1)·520192·d_x.
		if dx := float64(FP16ToFP32(FP32ToFP16(1.0 / 127))); m.Type == Q8_0 && math.Abs(float64(want[0])-520192*dx) > 1e-3 {
			t.Errorf("q8_0: out[0] = %g, want %g", want[0], 520192*dx)
		}
	}
}

func TestUnpack3(t *testing.T) {
	for _, v := range [][3]int32{{0, 0, 0}, {-1, 1, -1}, {520192, -520192, 520192}, {-520192, 520192, -520192}, {1<<20 - 1, -(1 << 20), 12345}} {
		s := int64(v[0]) + int64(v[1])<<laneBits + int64(v[2])<<(2*laneBits)
		a, b, c := unpack3(s)
		if a != v[0] || b != v[1] || c != v[2] {
			t.Errorf("unpack3(pack%v) = %d %d %d", v, a, b, c)
		}
	}
}

// TestMatMulLongBatch covers batches longer than one tile of vectors
// (groupTile groups of four, f32ColTile) with leftovers on every axis.
func TestMatMulLongBatch(t *testing.T) {
	kernelPaths(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(23, 24))
		n := max(4*groupTile, f32ColTile) + 5
		for _, typ := range []Type{F32, Q8_0, Q4_0} {
			rows, cols := 6, 96
			w := randMatrix(r, typ, rows, cols)
			x := randVec(r, n*cols, 1)
			want := make([]float32, n*rows)
			MatMulRef(want, w, x, n)
			scale := absSums(w, x, n)
			p := NewPool(2)
			got := make([]float32, n*rows)
			p.MatMul(got, w, x, n)
			p.Close()
			for k := range got {
				if d := math.Abs(float64(got[k] - want[k])); d > 1e-5*scale[k] || (typ != F32 && d != 0) {
					t.Fatalf("%s n=%d: out[%d] = %g, ref %g", typ, n, k, got[k], want[k])
				}
			}
		}
	})
}

// TestMatMulF32BatchInvariant: an F32 product gives a vector the same bits
// whatever batch it comes in — alone (a decode step), among a few (the
// leftovers after the 4×3 tiles) or in a long batch — on both kernel paths,
// for row counts that leave leftover rows and widths that leave products
// past the last multiple of 8. Speculative decoding is exact only if this
// holds: the target verifies a draft's tokens in one batch, while plain
// decoding computes them one at a time.
func TestMatMulF32BatchInvariant(t *testing.T) { kernelPaths(t, testMatMulF32BatchInvariant) }

func testMatMulF32BatchInvariant(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	p := NewPool(2)
	defer p.Close()
	for _, sh := range [][2]int{{7, 5}, {13, 64}, {30, 67}, {64, 256}, {9, 203}} {
		rows, cols := sh[0], sh[1]
		m := randMatrix(rng, F32, rows, cols)
		for _, n := range []int{1, 2, 4, 5, 7, 53} {
			x := make([]float32, n*cols)
			for i := range x {
				x[i] = float32(rng.NormFloat64())
			}
			batch := make([]float32, n*rows)
			p.MatMul(batch, m, x, n)
			one := make([]float32, rows)
			for i := range n {
				p.MatMul(one, m, x[i*cols:(i+1)*cols], 1)
				for r := range rows {
					if math.Float32bits(one[r]) != math.Float32bits(batch[i*rows+r]) {
						t.Fatalf("%dx%d, n=%d: vector %d row %d is %v alone and %v in the batch", rows, cols, n, i, r, one[r], batch[i*rows+r])
					}
				}
			}
		}
	}
}
