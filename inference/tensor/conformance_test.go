package tensor

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/logsift/logsift/inference/gguf"
)

const conformanceModels = "../../../shared/conformance/models"

// TestQuantizeMatchesLlamaQuantize re-quantises every matrix of the F32 tiny
// models and compares the bytes with the files llama-quantize wrote from them:
// Quantize must be bit-exact with ggml's quantize_row_*_ref and F16 rounding.
func TestQuantizeMatchesLlamaQuantize(t *testing.T) {
	open := func(name string) *gguf.File {
		t.Helper()
		f, err := gguf.Open(filepath.Join(conformanceModels, name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	for _, pair := range [][2]string{
		{"tiny-llama-f32.gguf", "tiny-llama-f16.gguf"},
		{"tiny-llama-f32.gguf", "tiny-llama-q8_0.gguf"},
		{"tiny-llama-f32.gguf", "tiny-llama-q4_0.gguf"},
		{"tiny-qwen2-f32.gguf", "tiny-qwen2-f16.gguf"},
	} {
		src, dst := open(pair[0]), open(pair[1])
		checked := 0
		for _, qt := range dst.Tensors {
			typ := Type(qt.Type)
			if typ == F32 {
				continue
			}
			st, ok := src.Tensor(qt.Name)
			if !ok || st.Type != uint32(F32) {
				t.Fatalf("%s: %s has no F32 source", pair[1], qt.Name)
			}
			cols := int(qt.Dims[0])
			rows := int(qt.Elements()) / cols
			m, err := NewMatrix(typ, rows, cols, dst.TensorData(qt))
			if err != nil {
				t.Fatal(err)
			}
			f32 := AsFloat32(src.TensorData(st))
			rb, _ := typ.RowBytes(cols)
			got := make([]byte, rb)
			for r := 0; r < rows; r++ {
				Quantize(typ, f32[r*cols:(r+1)*cols], got)
				if want := m.Data[r*rb : (r+1)*rb]; !bytes.Equal(got, want) {
					t.Fatalf("%s %s (%s) row %d: re-quantised bytes differ\n got %x\nwant %x", pair[1], qt.Name, typ, r, got[:min(40, rb)], want[:min(40, rb)])
				}
			}
			checked++
		}
		if checked < 15 {
			t.Errorf("%s: only %d quantised matrices checked", pair[1], checked)
		}
	}
}
