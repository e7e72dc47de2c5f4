package bpe

import (
	"github.com/logsift/logsift/inference/gguf"
	"github.com/logsift/logsift/inference/tokenizer"
)

// WriteGGUF sets the tokenizer.ggml.* metadata of w the way llama.cpp's
// converter writes a GPT-2-style vocabulary: model "gpt2", the pre-tokenizer
// name, tokens, token types, merges, BOS/EOS ids and add_bos_token. Tensors
// and the model's own keys are the caller's.
func (v *Vocab) WriteGGUF(w *gguf.Writer) {
	w.SetKV("tokenizer.ggml.model", gguf.TypeString, "gpt2")
	w.SetKV("tokenizer.ggml.pre", gguf.TypeString, v.Pre)
	w.SetKV("tokenizer.ggml.tokens", gguf.TypeArray, v.Tokens)
	w.SetKV("tokenizer.ggml.token_type", gguf.TypeArray, v.Types)
	w.SetKV("tokenizer.ggml.merges", gguf.TypeArray, v.Merges)
	if v.BOS >= 0 {
		w.SetKV("tokenizer.ggml.bos_token_id", gguf.TypeUint32, v.BOS)
	}
	if v.EOS >= 0 {
		w.SetKV("tokenizer.ggml.eos_token_id", gguf.TypeUint32, v.EOS)
	}
	w.SetKV("tokenizer.ggml.add_bos_token", gguf.TypeBool, v.AddBOS)
	w.SetKV("tokenizer.ggml.add_eos_token", gguf.TypeBool, false)
}

// Config returns the tokenizer configuration of v, for use without a GGUF
// file (tokenizer.New).
func (v *Vocab) Config() tokenizer.Config {
	return tokenizer.Config{
		Model:  "gpt2",
		Pre:    v.Pre,
		Tokens: v.Tokens,
		Types:  v.Types,
		Merges: v.Merges,
		BOS:    v.BOS,
		EOS:    v.EOS,
		UNK:    -1,
		PAD:    -1,
		AddBOS: v.AddBOS,
	}
}
