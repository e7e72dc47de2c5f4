package gguf

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParse measures metadata decoding of a 50,257-token vocabulary
// (the cost of opening a model is mostly its tokenizer arrays).
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(conformanceDir, "vocab", "ggml-vocab-gpt-2.gguf"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWrite(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(conformanceDir, "models", "tiny-llama-q8_0.gguf"))
	if err != nil {
		b.Fatal(err)
	}
	f, err := Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	w, err := NewWriterFrom(f)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := w.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil || !bytes.Equal(buf.Bytes(), data) {
		b.Fatal("benchmark writer does not reproduce the file")
	}
}
