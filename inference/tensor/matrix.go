package tensor

import "fmt"

// Matrix is a row-major weight matrix: Rows rows of Cols elements, each row
// encoded in Type's block layout. It is a ggml tensor with ne0 = Cols and
// ne1 = Rows, so a GGUF tensor with Dims [Cols, Rows] maps onto it directly.
type Matrix struct {
	Type       Type
	Rows, Cols int
	Data       []byte
}

// NewMatrix checks that data holds exactly rows × cols elements of type t.
func NewMatrix(t Type, rows, cols int, data []byte) (*Matrix, error) {
	rb, err := t.RowBytes(cols)
	if err != nil {
		return nil, err
	}
	if rows < 0 || (rb > 0 && rows > len(data)/rb) || rows*rb != len(data) {
		return nil, fmt.Errorf("tensor: %d×%d %s matrix needs %d×%d bytes, have %d", rows, cols, t, rows, rb, len(data))
	}
	return &Matrix{Type: t, Rows: rows, Cols: cols, Data: data}, nil
}

// rowBytes is the encoded size of one row; it panics on a malformed Matrix.
func (m *Matrix) rowBytes() int {
	rb, err := m.Type.RowBytes(m.Cols)
	if err != nil {
		panic("BUG: tensor.Matrix: " + err.Error())
	}
	if m.Rows < 0 || len(m.Data) < m.Rows*rb {
		panic(fmt.Sprintf("BUG: tensor.Matrix: %d×%d %s needs %d bytes, have %d", m.Rows, m.Cols, m.Type, m.Rows*rb, len(m.Data)))
	}
	return rb
}

// Row dequantises row r into dst[:Cols] (an embedding lookup).
func (m *Matrix) Row(r int, dst []float32) {
	rb := m.rowBytes()
	if r < 0 || r >= m.Rows {
		panic(fmt.Sprintf("BUG: tensor.Matrix.Row: row %d out of range [0,%d)", r, m.Rows))
	}
	Dequantize(m.Type, m.Data[r*rb:(r+1)*rb], dst[:m.Cols])
}

func checkMatMul(out []float32, w *Matrix, x []float32, n int) int {
	rb := w.rowBytes()
	if n < 0 || len(x) < n*w.Cols || len(out) < n*w.Rows {
		panic(fmt.Sprintf("BUG: tensor.MatMul: %d×%d matrix, n=%d: len(x)=%d (need %d), len(out)=%d (need %d)",
			w.Rows, w.Cols, n, len(x), n*w.Cols, len(out), n*w.Rows))
	}
	return rb
}
