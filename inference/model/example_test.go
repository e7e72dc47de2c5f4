package model_test

import (
	"fmt"
	"path/filepath"

	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/tokenizer"
)

// Greedy generation: the prompt is one batch, then one token per Forward.
func Example() {
	m, err := model.Load(filepath.Join("..", "..", "..", "shared", "conformance", "models", "tiny-llama-f32.gguf"), model.Options{Threads: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	prompt := m.Tokenizer().Encode("The quick brown fox jumps over the lazy dog.", tokenizer.EncodeOptions{AddSpecial: true})
	cache := m.NewCache(1, len(prompt)+5)
	var b model.Batch
	b.AddSeq(prompt, 0, 0)
	var out []int32
	for pos := len(prompt); len(out) < 5; pos++ {
		logits, err := m.Forward(&b, cache)
		if err != nil {
			fmt.Println(err)
			return
		}
		next := int32(0)
		for id, l := range logits {
			if l > logits[next] {
				next = int32(id)
			}
		}
		out = append(out, next)
		b.Reset()
		b.Add(next, pos, 0, true)
	}
	fmt.Println(len(prompt), out)
	// Output: 30 [29 466 583 196 230]
}
