package gguf

import (
	"bytes"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse. Whatever parses must also survive
// a write → parse → write cycle with identical bytes (the writer's output is
// canonical), and tensor data must stay inside the input.
func FuzzParse(f *testing.F) {
	f.Add(encode(f, sampleWriter(f)))
	w := NewWriter()
	w.SetKV("tokenizer.ggml.tokens", TypeArray, []string{"a", "b"})
	f.Add(encode(f, w))
	w = NewWriter()
	w.SetKV(KeyAlignment, TypeUint32, uint32(8))
	if err := w.AddTensor("t", 8, []uint64{32}, make([]byte, 34)); err != nil {
		f.Fatal(err)
	}
	f.Add(encode(f, w))
	f.Add([]byte("GGUF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := Parse(data)
		if err != nil {
			return
		}
		for _, ti := range g.Tensors {
			if d := g.TensorData(ti); uint64(len(d)) != ti.Size {
				t.Fatalf("tensor %q: %d bytes, size %d", ti.Name, len(d), ti.Size)
			}
		}
		w, err := NewWriterFrom(g)
		if err != nil {
			t.Fatalf("NewWriterFrom on a parsed file: %v", err)
		}
		var b1 bytes.Buffer
		if _, err := w.WriteTo(&b1); err != nil {
			t.Fatalf("write parsed file: %v", err)
		}
		g2, err := Parse(b1.Bytes())
		if err != nil {
			t.Fatalf("re-parse written file: %v", err)
		}
		w2, err := NewWriterFrom(g2)
		if err != nil {
			t.Fatal(err)
		}
		var b2 bytes.Buffer
		if _, err := w2.WriteTo(&b2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
			t.Fatal("write → parse → write changed the bytes")
		}
	})
}
