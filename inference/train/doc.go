// Package train trains llama-architecture language models from scratch on
// token sequences, on the CPU, and exports them as GGUF files that package
// model (and llama.cpp) load.
//
// The model is the one package model runs: token embedding, NLayer blocks of
// RMSNorm → grouped-query causal attention with RoPE (llama's NORM mode:
// adjacent pairs) → residual, RMSNorm → SwiGLU feed-forward → residual, a
// final RMSNorm and an output matrix tied to the embedding. Forward and
// backward passes are written by hand per op (ops.go, attention.go), in
// float32 with float64 sums where cancellation or long sums matter (norms,
// softmax, the loss, the gradient norm); every op's backward pass and the
// whole model's are checked against finite differences in the tests, and
// the forward pass is checked against package model on an exported file,
// which pins RMSNorm, the RoPE pair order and attention to the engine's.
// Matrix products, including attention's per head, run on tensor.Pool's F32
// kernel, the backward ones on transposed operands.
//
// A training example is a token sequence and a loss mask: mask[i] says that
// token i is part of the answer, so the prediction of token i from tokens
// 0..i-1 counts in the loss. The loss of a step is the mean over the masked
// tokens of its batch. Nothing here knows what the tokens mean; the caller
// (the log classifier's training command) builds prompts and answers.
//
// Train runs AdamW (decoupled weight decay, none on norm weights) with a
// linear warm-up and cosine decay of the learning rate and global gradient
// norm clipping, and with Options.EMA ends with the bias-corrected moving
// average of the weights instead of the last step's. Options.Dropout zeroes
// a share of the attention and feed-forward outputs before they join the
// residual stream, with masks drawn from (Options.Seed, step, shard, chunk).
// A step's examples are drawn by an RNG seeded from
// (Options.Seed, step), so a run is a pure function of its seed, and resuming
// from a checkpoint (weights, AdamW moments, the average, step) continues exactly as the
// uninterrupted run would have. Examples of a batch are spread over
// Options.Shards gradient buffers by a deterministic longest-first
// assignment and the shards are summed in order; within a shard, examples
// are packed back to back into chunks of up to Options.ChunkTokens tokens,
// each one forward and backward pass whose matrix products run over the
// whole chunk while positions and attention stay per example (a chunk
// computes what its examples would one by one, up to summation order:
// TestPackedStepEqualsSeparate). Options.Threads goroutines work through
// the shards. So results depend neither on timing nor on the
// thread count (up to Shards), only on the machine's float32 kernels (the
// AVX2/FMA ones on amd64, pure Go elsewhere).
package train
