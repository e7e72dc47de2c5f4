// Package tensor holds the weight types of the inference engine (F32, F16,
// BF16, Q8_0, Q4_0 in ggml's byte layout), their conversions and quantisers,
// and the kernels the model's forward pass is built from: matrix × vector
// products, RMS norm, rotary embeddings, softmax, SiLU and element-wise ops.
//
// Numerics follow llama.cpp's CPU backend so that the engine reproduces its
// outputs (see ../../shared/conformance):
//
//   - Q8_0 and Q4_0 weights multiply activations that were first quantised to
//     Q8_0 in blocks of 32, with ggml's x86 AVX2 activation quantiser
//     (id = 127/amax, round half to even); each block's integer dot product is
//     exact, and the block sums are combined as float32(sumi)·(d_w·d_x).
//   - F16 weights multiply activations rounded to F16; BF16 weights multiply
//     activations rounded to BF16; F32 is plain.
//   - RMSNorm and Softmax sum in float64 like ggml; Rope builds its angles in
//     float32 the way ggml's rope cache does.
//
// MatMulRef is the straightforward oracle; Pool.MatMul is the fast path that
// splits output rows over persistent worker goroutines (which spin briefly
// between jobs before parking) and prepares x once per call into pool
// scratch (no allocation per call).
//
// On amd64 with AVX2 and FMA (golang.org/x/sys/cpu) the products run in the
// assembly kernels of dot_amd64.s (matmul_asm.go drives them): Q8_0/Q4_0
// block dot products in the ggml manner (vpsignb/vpmaddubsw/vpmaddwd),
// four weight rows × one vector for decode and two rows × four interleaved
// vectors for batches, bit-exact with MatMulRef because each block's exact
// integer sum is scaled and added in block order with a separate multiply
// and add; an F32 FMA dot product and a 4×3 register-tiled F32 kernel for
// batches (float results differ from MatMulRef by rounding only); F16
// (F16C, read from CPUID) and BF16 dot products and row wideners that feed
// the same tile; an AVX2 activation quantiser; and, for the rest of the
// forward pass, the SwiGLU gate and the softmax numerators with a vectorised
// exp (a few ulp, as llama.cpp's vectorised SiLU and softmax are) and the
// attention kernels of attn.go (scores of four strided cached keys per call,
// weighted values summed in registers). Elsewhere, or with useAsm off (tests run both),
// the pure-Go kernels of dot_*.go run: hand-unrolled int32 block sums for
// one vector (dot_q8.go, dot_q4.go), and for batches three activation
// vectors packed into one int64 so that each 64-bit multiply does three
// products (dot_x3.go).
package tensor
