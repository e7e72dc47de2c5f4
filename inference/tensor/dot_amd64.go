package tensor

import "golang.org/x/sys/cpu"

// useAsm selects the AVX2+FMA kernels of dot_amd64.s. Tests turn it off to
// run the pure-Go kernels on the same inputs.
var useAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// hasF16C reports the F16C conversions, which the F16 kernels use.
// x/sys/cpu does not report them; every AVX2 CPU shipped so far has them,
// but a virtual machine may mask the bit, so it is read from CPUID.
var hasF16C = cpuidF16C()

// The assembly kernels. Each quantised kernel equals, bit for bit, the Go
// loop it replaces (MatMulRef's): per block of 32 the integer sum is exact,
// and out += float32(sumi)·(d_w·d_x) with a separate multiply and add (no
// FMA), blocks in order, so they keep llama.cpp conformance unchanged. The
// fp16 weight scales are looked up in tbl (fp16Table), which also spares a
// dependence on F16C.

// q8Dot4R: out[k] = Σ_b float32(Σ_j W[k][b][j]·x[b][j])·(d_w[k][b]·xd[b]) for
// the four Q8_0 rows starting at w, stride bytes apart (stride 0 repeats
// one row), against one activation vector x (int8, nb blocks of 32).
//
//go:noescape
func q8Dot4R(w *byte, stride int, x *int8, xd *float32, nb int, tbl *float32, out *[4]float32)

// q4Dot4R is q8Dot4R for Q4_0 rows: the nibbles (0..15) multiply x as
// unsigned bytes and 8·xs[b] (the activation block sum) is subtracted from
// each block's integer sum, which equals Σ (nibble−8)·x exactly.
//
//go:noescape
func q4Dot4R(w *byte, stride int, x *int8, xd *float32, xs *int32, nb int, tbl *float32, out *[4]float32)

// q8Dot1x4: one Q8_0 row against four activation vectors interleaved per
// block (x: [nb][4][32]int8, xd: [nb][4]float32); out[c] is the dot product
// with vector c. The weight block is loaded once for the four vectors.
//
//go:noescape
func q8Dot1x4(w *byte, x *int8, xd *float32, nb int, tbl *float32, out *[4]float32)

// q4Dot1x4 is q8Dot1x4 for a Q4_0 row (xs: [nb][4]int32 block sums).
//
//go:noescape
func q4Dot1x4(w *byte, x *int8, xd *float32, xs *int32, nb int, tbl *float32, out *[4]float32)

// dotF32FMA is Σ a[i]·b[i] for i < n (n a positive multiple of 8), with FMA
// into four 8-lane partial sums.
//
//go:noescape
func dotF32FMA(a, b *float32, n int) float32

// gemmF32x4x3 is the F32 register tile: out[3r+c] = Σ_{j<k} w[r·ws+j]·x[c·xs+j]
// for four weight rows and three activation vectors (k a positive multiple
// of 8); twelve 8-lane accumulators, each weight and activation load feeding
// three or four FMAs.
//
//go:noescape
func gemmF32x4x3(w *float32, ws int, x *float32, xs int, k int, out *[12]float32)

// dotF32Tile is Σ a[i]·b[i] for i < n (n a positive multiple of 8), rounded
// exactly as gemmF32x4x3 rounds each of its outputs (one 8-lane accumulator,
// the same fold and horizontal adds). Batch leftovers and single vectors
// use it, so that a vector's result does not depend on the batch it came
// in: decoding one token and verifying it among a speculative draft's give
// the same bits.
//
//go:noescape
func dotF32Tile(a, b *float32, n int) float32

// quantQ8Blocks is the body of quantizeAct for nb blocks of x, written to
// int8 values: per block amax[b] = max|x|, id = 127/amax (0 if amax is 0),
// q = round-half-even(x·id) and sum[b] = Σq. The caller derives the fp16
// scale from amax.
//
//go:noescape
func quantQ8Blocks(x *float32, nb int, q *int8, sum *int32, amax *float32)

// axpyFMA is dst[i] += a·x[i] for i < n (n a positive multiple of 8), each
// element one FMA.
//
//go:noescape
func axpyFMA(dst *float32, a float32, x *float32, n int)

// q4Dot2x4 is q4Dot1x4 for two Q4_0 rows (w and w+stride) at once:
// out[4r+c] is row r against vector c. Each activation block serves both
// rows, and the eight block sums share one reduction and one scale step.
//
//go:noescape
func q4Dot2x4(w *byte, stride int, x *int8, xd *float32, xs *int32, nb int, tbl *float32, out *[8]float32)

// q8Dot2x4 is q8Dot1x4 for two Q8_0 rows (w and w+stride) at once, as
// q4Dot2x4.
//
//go:noescape
func q8Dot2x4(w *byte, stride int, x *int8, xd *float32, nb int, tbl *float32, out *[8]float32)

func cpuidF16C() bool

// widenF16 is dst[i] = float32(w[i]) for n fp16 values (n a positive
// multiple of 8), with VCVTPH2PS.
//
//go:noescape
func widenF16(w *byte, dst *float32, n int)

// widenBF16 is widenF16 for bf16 values.
//
//go:noescape
func widenBF16(w *byte, dst *float32, n int)

// dotF16FMA is Σ float32(w[i])·x[i] for n fp16 weights (n a positive
// multiple of 8), as dotF32FMA.
//
//go:noescape
func dotF16FMA(w *byte, x *float32, n int) float32

// dotBF16FMA is dotF16FMA for bf16 weights.
//
//go:noescape
func dotBF16FMA(w *byte, x *float32, n int) float32

// siluMulAVX is x[i] = silu(x[i])·u[i] for n elements (n a positive
// multiple of 8), with a vectorised exp accurate to a few ulp.
//
//go:noescape
func siluMulAVX(x, u *float32, n int)

// dotRows4 is out[r] = Σ_{j<n} k[r·stride+j]·q[j] for four rows stride
// elements apart (n a positive multiple of 8): attention scores of four
// cached keys.
//
//go:noescape
func dotRows4(k *float32, stride int, q *float32, n int, out *[4]float32)

// accumRows32 is out[c] += Σ_{t<n} w[t]·v[t·stride+c] for c < 32 (n >= 1):
// the attention-weighted sum of n cached values, 32 columns at a time.
//
//go:noescape
func accumRows32(out *float32, w *float32, v *float32, stride int, n int)

// accumRows8 is accumRows32 for 8 columns.
//
//go:noescape
func accumRows8(out *float32, w *float32, v *float32, stride int, n int)

// expShiftAVX is x[i] = exp(x[i]-m) for n elements (n a positive multiple
// of 8), with siluMulAVX's exp.
//
//go:noescape
func expShiftAVX(x *float32, m float32, n int)

// fmaPeak runs n rounds of twelve independent 8-lane FMAs (192 flops each),
// for the benchmark that measures the FMA peak the GEMM is compared with.
func fmaPeak(n int)
