package gguf_test

import (
	"bytes"
	"fmt"

	"github.com/logsift/logsift/inference/gguf"
)

func Example() {
	w := gguf.NewWriter()
	w.SetKV("general.architecture", gguf.TypeString, "llama")
	w.SetKV("llama.embedding_length", gguf.TypeUint32, 4)
	w.SetKV("tokenizer.ggml.tokens", gguf.TypeArray, []string{"a", "b"})
	// A 2×4 F32 matrix (ggml dims: 4 elements per row, 2 rows).
	if err := w.AddTensor("token_embd.weight", 0, []uint64{4, 2}, make([]byte, 32)); err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		panic(err)
	}

	f, err := gguf.Parse(buf.Bytes())
	if err != nil {
		panic(err)
	}
	n, _ := f.Uint32("llama.embedding_length")
	toks, _ := f.Strings("tokenizer.ggml.tokens")
	t, _ := f.Tensor("token_embd.weight")
	fmt.Println(n, toks, t.Dims, len(f.TensorData(t)))
	// Output: 4 [a b] [4 2] 32
}
