// Package model runs the forward pass of llama- and qwen2-family decoder-only
// transformers stored in GGUF files.
//
// A Model binds the GGUF tensors by name (token_embd, blk.N.attn_q, ...) to
// typed weight matrices from package tensor, reads its hyper-parameters from
// the "<arch>.*" metadata keys and owns scratch buffers sized for the largest
// batch it accepts. Forward takes a Batch of (token, position, sequence,
// want-logits) entries that may mix several sequences and both prompt and
// generated tokens: every projection of the batch is one matrix×matrix product,
// while attention runs per token over the positions its sequence already holds
// in a KV store. The KV store is a small interface: the contiguous Cache
// defined here (tests, conformance) or the paged cache of package kvcache,
// which also implements Paged; over a Paged store attention reads keys and
// values block by block with an online softmax (attendBlocks) and never
// builds a score row longer than a block.
//
// The arithmetic follows llama.cpp's CPU backend closely enough to reproduce its
// logits within the tolerances of the conformance suite (shared/conformance,
// next to the repository): the kernels in package tensor quantise or round
// activations like ggml before quantised or F16 matrix products, and the last
// layer, like llama.cpp's, runs its feed-forward block only for the entries
// that want logits. Options.KVType F16 reproduces llama.cpp's default F16
// cache (its kv_f16 reference runs) the same way. Measured against llama.cpp's
// F32-KV outputs: F32, Q8_0
// and Q4_0 logits agree to ~1e-7 (float32 summation order only); F16 logits
// agree to ~1e-7 at most steps, with sporadic steps off by 1e-5..2e-4 where
// a last-bit float32 difference upstream flips the F16 rounding of an
// activation.
package model
