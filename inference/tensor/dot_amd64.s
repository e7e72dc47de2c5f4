// AVX2+FMA kernels; see dot_amd64.go for what each computes and the plain
// Go code it must equal.

#include "textflag.h"

// REDUCE4 sums each of the four int32×8 vectors a, b, c, d horizontally and
// leaves [Σa, Σb, Σc, Σd] in the low 128 bits of a (xa is a's X name).
#define REDUCE4(a, b, c, d, xa, xt) \
	VPHADDD b, a, a \
	VPHADDD d, c, c \
	VPHADDD c, a, a \
	VEXTRACTI128 $1, a, xt \
	VPADDD xt, xa, xa

// func q8Dot4R(w *byte, stride int, x *int8, xd *float32, nb int, tbl *float32, out *[4]float32)
TEXT ·q8Dot4R(SB), NOSPLIT, $0-56
	MOVQ w+0(FP), SI
	MOVQ stride+8(FP), R8
	MOVQ x+16(FP), DI
	MOVQ xd+24(FP), DX
	MOVQ nb+32(FP), CX
	MOVQ tbl+40(FP), R10
	LEAQ (R8)(R8*2), R9
	VPCMPEQW Y15, Y15, Y15
	VPSRLW $15, Y15, Y15 // int16 ones for vpmaddwd
	VXORPS X14, X14, X14

q8d4loop:
	// Software prefetch: without it the four interleaved row streams
	// (with 32-byte loads straddling cache lines) ran at about half the
	// bandwidth F32 rows reach.
	PREFETCHT0 256(SI)
	PREFETCHT0 256(SI)(R8*1)
	PREFETCHT0 256(SI)(R8*2)
	PREFETCHT0 256(SI)(R9*1)
	VMOVDQU (DI), Y0

	VMOVDQU 2(SI), X1
	VINSERTI128 $1, 18(SI), Y1, Y1
	VPABSB Y1, Y2
	VPSIGNB Y1, Y0, Y1
	VPMADDUBSW Y1, Y2, Y1
	VPMADDWD Y15, Y1, Y1

	VMOVDQU 2(SI)(R8*1), X3
	VINSERTI128 $1, 18(SI)(R8*1), Y3, Y3
	VPABSB Y3, Y6
	VPSIGNB Y3, Y0, Y3
	VPMADDUBSW Y3, Y6, Y3
	VPMADDWD Y15, Y3, Y3

	VMOVDQU 2(SI)(R8*2), X4
	VINSERTI128 $1, 18(SI)(R8*2), Y4, Y4
	VPABSB Y4, Y7
	VPSIGNB Y4, Y0, Y4
	VPMADDUBSW Y4, Y7, Y4
	VPMADDWD Y15, Y4, Y4

	VMOVDQU 2(SI)(R9*1), X5
	VINSERTI128 $1, 18(SI)(R9*1), Y5, Y5
	VPABSB Y5, Y8
	VPSIGNB Y5, Y0, Y5
	VPMADDUBSW Y5, Y8, Y5
	VPMADDWD Y15, Y5, Y5

	REDUCE4(Y1, Y3, Y4, Y5, X1, X3)
	VCVTDQ2PS X1, X1

	MOVWLZX (SI), AX
	MOVWLZX (SI)(R8*1), BX
	MOVWLZX (SI)(R8*2), R11
	MOVWLZX (SI)(R9*1), R12
	VMOVSS (R10)(AX*4), X2
	VINSERTPS $0x10, (R10)(BX*4), X2, X2
	VINSERTPS $0x20, (R10)(R11*4), X2, X2
	VINSERTPS $0x30, (R10)(R12*4), X2, X2
	VBROADCASTSS (DX), X3
	VMULPS X3, X2, X2
	VMULPS X2, X1, X1
	VADDPS X1, X14, X14

	ADDQ $34, SI
	ADDQ $32, DI
	ADDQ $4, DX
	DECQ CX
	JNZ q8d4loop

	MOVQ out+48(FP), AX
	VMOVUPS X14, (AX)
	VZEROUPPER
	RET

// func q4Dot4R(w *byte, stride int, x *int8, xd *float32, xs *int32, nb int, tbl *float32, out *[4]float32)
TEXT ·q4Dot4R(SB), NOSPLIT, $0-64
	MOVQ w+0(FP), SI
	MOVQ stride+8(FP), R8
	MOVQ x+16(FP), DI
	MOVQ xd+24(FP), DX
	MOVQ xs+32(FP), R13
	MOVQ nb+40(FP), CX
	MOVQ tbl+48(FP), R10
	LEAQ (R8)(R8*2), R9
	VPCMPEQW Y15, Y15, Y15
	VPSRLW $15, Y15, Y15
	MOVL $0x0f0f0f0f, AX
	VMOVD AX, X13
	VPBROADCASTD X13, Y13
	VXORPS X14, X14, X14

q4d4loop:
	PREFETCHT0 256(SI)
	PREFETCHT0 256(SI)(R8*1)
	PREFETCHT0 256(SI)(R8*2)
	PREFETCHT0 256(SI)(R9*1)
	VMOVDQU (DI), Y0

	VMOVDQU 2(SI), X1
	VPSRLW $4, X1, X2
	VINSERTI128 $1, X2, Y1, Y1
	VPAND Y13, Y1, Y1
	VPMADDUBSW Y0, Y1, Y1
	VPMADDWD Y15, Y1, Y1

	VMOVDQU 2(SI)(R8*1), X3
	VPSRLW $4, X3, X2
	VINSERTI128 $1, X2, Y3, Y3
	VPAND Y13, Y3, Y3
	VPMADDUBSW Y0, Y3, Y3
	VPMADDWD Y15, Y3, Y3

	VMOVDQU 2(SI)(R8*2), X4
	VPSRLW $4, X4, X2
	VINSERTI128 $1, X2, Y4, Y4
	VPAND Y13, Y4, Y4
	VPMADDUBSW Y0, Y4, Y4
	VPMADDWD Y15, Y4, Y4

	VMOVDQU 2(SI)(R9*1), X5
	VPSRLW $4, X5, X2
	VINSERTI128 $1, X2, Y5, Y5
	VPAND Y13, Y5, Y5
	VPMADDUBSW Y0, Y5, Y5
	VPMADDWD Y15, Y5, Y5

	REDUCE4(Y1, Y3, Y4, Y5, X1, X3)
	VPBROADCASTD (R13), X6
	VPSLLD $3, X6, X6
	VPSUBD X6, X1, X1
	VCVTDQ2PS X1, X1

	MOVWLZX (SI), AX
	MOVWLZX (SI)(R8*1), BX
	MOVWLZX (SI)(R8*2), R11
	MOVWLZX (SI)(R9*1), R12
	VMOVSS (R10)(AX*4), X2
	VINSERTPS $0x10, (R10)(BX*4), X2, X2
	VINSERTPS $0x20, (R10)(R11*4), X2, X2
	VINSERTPS $0x30, (R10)(R12*4), X2, X2
	VBROADCASTSS (DX), X3
	VMULPS X3, X2, X2
	VMULPS X2, X1, X1
	VADDPS X1, X14, X14

	ADDQ $18, SI
	ADDQ $32, DI
	ADDQ $4, DX
	ADDQ $4, R13
	DECQ CX
	JNZ q4d4loop

	MOVQ out+56(FP), AX
	VMOVUPS X14, (AX)
	VZEROUPPER
	RET

// func q8Dot1x4(w *byte, x *int8, xd *float32, nb int, tbl *float32, out *[4]float32)
TEXT ·q8Dot1x4(SB), NOSPLIT, $0-48
	MOVQ w+0(FP), SI
	MOVQ x+8(FP), DI
	MOVQ xd+16(FP), DX
	MOVQ nb+24(FP), CX
	MOVQ tbl+32(FP), R10
	VPCMPEQW Y15, Y15, Y15
	VPSRLW $15, Y15, Y15
	VXORPS X14, X14, X14

q8x4loop:
	VMOVDQU 2(SI), Y0
	VPABSB Y0, Y6

	VMOVDQU (DI), Y1
	VPSIGNB Y0, Y1, Y1
	VPMADDUBSW Y1, Y6, Y1
	VPMADDWD Y15, Y1, Y1

	VMOVDQU 32(DI), Y2
	VPSIGNB Y0, Y2, Y2
	VPMADDUBSW Y2, Y6, Y2
	VPMADDWD Y15, Y2, Y2

	VMOVDQU 64(DI), Y3
	VPSIGNB Y0, Y3, Y3
	VPMADDUBSW Y3, Y6, Y3
	VPMADDWD Y15, Y3, Y3

	VMOVDQU 96(DI), Y4
	VPSIGNB Y0, Y4, Y4
	VPMADDUBSW Y4, Y6, Y4
	VPMADDWD Y15, Y4, Y4

	REDUCE4(Y1, Y2, Y3, Y4, X1, X5)
	VCVTDQ2PS X1, X1

	MOVWLZX (SI), AX
	VBROADCASTSS (R10)(AX*4), X2
	VMULPS (DX), X2, X2
	VMULPS X2, X1, X1
	VADDPS X1, X14, X14

	ADDQ $34, SI
	ADDQ $128, DI
	ADDQ $16, DX
	DECQ CX
	JNZ q8x4loop

	MOVQ out+40(FP), AX
	VMOVUPS X14, (AX)
	VZEROUPPER
	RET

// func q4Dot1x4(w *byte, x *int8, xd *float32, xs *int32, nb int, tbl *float32, out *[4]float32)
TEXT ·q4Dot1x4(SB), NOSPLIT, $0-56
	MOVQ w+0(FP), SI
	MOVQ x+8(FP), DI
	MOVQ xd+16(FP), DX
	MOVQ xs+24(FP), R13
	MOVQ nb+32(FP), CX
	MOVQ tbl+40(FP), R10
	VPCMPEQW Y15, Y15, Y15
	VPSRLW $15, Y15, Y15
	MOVL $0x0f0f0f0f, AX
	VMOVD AX, X13
	VPBROADCASTD X13, Y13
	VXORPS X14, X14, X14

q4x4loop:
	VMOVDQU 2(SI), X0
	VPSRLW $4, X0, X6
	VINSERTI128 $1, X6, Y0, Y0
	VPAND Y13, Y0, Y0

	VPMADDUBSW (DI), Y0, Y1
	VPMADDWD Y15, Y1, Y1
	VPMADDUBSW 32(DI), Y0, Y2
	VPMADDWD Y15, Y2, Y2
	VPMADDUBSW 64(DI), Y0, Y3
	VPMADDWD Y15, Y3, Y3
	VPMADDUBSW 96(DI), Y0, Y4
	VPMADDWD Y15, Y4, Y4

	REDUCE4(Y1, Y2, Y3, Y4, X1, X5)
	VMOVDQU (R13), X6
	VPSLLD $3, X6, X6
	VPSUBD X6, X1, X1
	VCVTDQ2PS X1, X1

	MOVWLZX (SI), AX
	VBROADCASTSS (R10)(AX*4), X2
	VMULPS (DX), X2, X2
	VMULPS X2, X1, X1
	VADDPS X1, X14, X14

	ADDQ $18, SI
	ADDQ $128, DI
	ADDQ $16, DX
	ADDQ $16, R13
	DECQ CX
	JNZ q4x4loop

	MOVQ out+48(FP), AX
	VMOVUPS X14, (AX)
	VZEROUPPER
	RET

// HSUM4 leaves in X0's low lane the sum of all lanes of the accumulators
// Y0..Y3 (the dot products' epilogue).
#define HSUM4() \
	VADDPS Y1, Y0, Y0 \
	VADDPS Y3, Y2, Y2 \
	VADDPS Y2, Y0, Y0 \
	VEXTRACTF128 $1, Y0, X1 \
	VADDPS X1, X0, X0 \
	VHADDPS X0, X0, X0 \
	VHADDPS X0, X0, X0

// func dotF32FMA(a, b *float32, n int) float32
// n is a positive multiple of 8.
TEXT ·dotF32FMA(SB), NOSPLIT, $0-28
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	CMPQ CX, $32
	JLT f32tail

f32loop32:
	VMOVUPS (SI), Y4
	VMOVUPS 32(SI), Y5
	VMOVUPS 64(SI), Y6
	VMOVUPS 96(SI), Y7
	VFMADD231PS (DI), Y4, Y0
	VFMADD231PS 32(DI), Y5, Y1
	VFMADD231PS 64(DI), Y6, Y2
	VFMADD231PS 96(DI), Y7, Y3
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	CMPQ CX, $32
	JGE f32loop32

f32tail:
	TESTQ CX, CX
	JZ f32done

f32loop8:
	VMOVUPS (SI), Y4
	VFMADD231PS (DI), Y4, Y0
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ f32loop8

f32done:
	HSUM4()
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func gemmF32x4x3(w *float32, ws int, x *float32, xs int, k int, out *[12]float32)
// out[3r+c] = Σ_{j<k} w[r·ws+j]·x[c·xs+j] for r < 4, c < 3; k is a positive
// multiple of 8, ws and xs are in elements.
TEXT ·gemmF32x4x3(SB), NOSPLIT, $0-48
	MOVQ w+0(FP), SI
	MOVQ ws+8(FP), R8
	MOVQ x+16(FP), DI
	MOVQ xs+24(FP), R9
	MOVQ k+32(FP), CX
	SHLQ $2, R8
	SHLQ $2, R9
	LEAQ (R8)(R8*2), R10
	LEAQ (DI)(R9*2), R11 // third column
	ADDQ DI, R9          // second column
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	XORQ AX, AX

g43loop:
	VMOVUPS (DI)(AX*1), Y12
	VMOVUPS (R9)(AX*1), Y13
	VMOVUPS (R11)(AX*1), Y14
	LEAQ (SI)(AX*1), BX
	VMOVUPS (BX), Y15
	VFMADD231PS Y15, Y12, Y0
	VFMADD231PS Y15, Y13, Y1
	VFMADD231PS Y15, Y14, Y2
	VMOVUPS (BX)(R8*1), Y15
	VFMADD231PS Y15, Y12, Y3
	VFMADD231PS Y15, Y13, Y4
	VFMADD231PS Y15, Y14, Y5
	VMOVUPS (BX)(R8*2), Y15
	VFMADD231PS Y15, Y12, Y6
	VFMADD231PS Y15, Y13, Y7
	VFMADD231PS Y15, Y14, Y8
	VMOVUPS (BX)(R10*1), Y15
	VFMADD231PS Y15, Y12, Y9
	VFMADD231PS Y15, Y13, Y10
	VFMADD231PS Y15, Y14, Y11
	ADDQ $32, AX
	SUBQ $8, CX
	JNZ g43loop

	// Horizontal sums: fold each ymm to 128 bits, then hadd in groups of
	// four so that out[0..3], [4..7], [8..11] come out as whole vectors.
	MOVQ out+40(FP), AX
	VEXTRACTF128 $1, Y0, X12
	VADDPS X12, X0, X0
	VEXTRACTF128 $1, Y1, X12
	VADDPS X12, X1, X1
	VEXTRACTF128 $1, Y2, X12
	VADDPS X12, X2, X2
	VEXTRACTF128 $1, Y3, X12
	VADDPS X12, X3, X3
	VHADDPS X1, X0, X0
	VHADDPS X3, X2, X2
	VHADDPS X2, X0, X0
	VMOVUPS X0, (AX)
	VEXTRACTF128 $1, Y4, X12
	VADDPS X12, X4, X4
	VEXTRACTF128 $1, Y5, X12
	VADDPS X12, X5, X5
	VEXTRACTF128 $1, Y6, X12
	VADDPS X12, X6, X6
	VEXTRACTF128 $1, Y7, X12
	VADDPS X12, X7, X7
	VHADDPS X5, X4, X4
	VHADDPS X7, X6, X6
	VHADDPS X6, X4, X4
	VMOVUPS X4, 16(AX)
	VEXTRACTF128 $1, Y8, X12
	VADDPS X12, X8, X8
	VEXTRACTF128 $1, Y9, X12
	VADDPS X12, X9, X9
	VEXTRACTF128 $1, Y10, X12
	VADDPS X12, X10, X10
	VEXTRACTF128 $1, Y11, X12
	VADDPS X12, X11, X11
	VHADDPS X9, X8, X8
	VHADDPS X11, X10, X10
	VHADDPS X10, X8, X8
	VMOVUPS X8, 32(AX)
	VZEROUPPER
	RET

// func dotF32Tile(a, b *float32, n int) float32
// gemmF32x4x3's arithmetic for one row and one vector: one accumulator over
// the n (multiple of 8) products, folded and added in the same order, so a
// vector gets the same bits whether it was computed in a tile or on its
// own.
TEXT ·dotF32Tile(SB), NOSPLIT, $0-28
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPS Y0, Y0, Y0
	XORQ AX, AX

d1loop:
	VMOVUPS (DI)(AX*1), Y12
	VMOVUPS (SI)(AX*1), Y15
	VFMADD231PS Y15, Y12, Y0
	ADDQ $32, AX
	SUBQ $8, CX
	JNZ d1loop

	VEXTRACTF128 $1, Y0, X12
	VADDPS X12, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// vpermd indices that undo the lane interleaving of vpackssdw+vpacksswb.
DATA packPerm<>+0(SB)/4, $0
DATA packPerm<>+4(SB)/4, $4
DATA packPerm<>+8(SB)/4, $1
DATA packPerm<>+12(SB)/4, $5
DATA packPerm<>+16(SB)/4, $2
DATA packPerm<>+20(SB)/4, $6
DATA packPerm<>+24(SB)/4, $3
DATA packPerm<>+28(SB)/4, $7
GLOBL packPerm<>(SB), RODATA|NOPTR, $32

// func quantQ8Blocks(x *float32, nb int, q *int8, sum *int32, amax *float32)
TEXT ·quantQ8Blocks(SB), NOSPLIT, $0-40
	MOVQ x+0(FP), SI
	MOVQ nb+8(FP), CX
	MOVQ q+16(FP), DI
	MOVQ sum+24(FP), R8
	MOVQ amax+32(FP), R9
	MOVL $0x7fffffff, AX
	VMOVD AX, X15
	VPBROADCASTD X15, Y15 // abs mask
	MOVL $0x42fe0000, AX  // 127.0
	VMOVD AX, X14
	VMOVDQU packPerm<>(SB), Y13

qloop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VANDPS Y15, Y0, Y4
	VANDPS Y15, Y1, Y5
	VMAXPS Y5, Y4, Y4
	VANDPS Y15, Y2, Y5
	VANDPS Y15, Y3, Y6
	VMAXPS Y6, Y5, Y5
	VMAXPS Y5, Y4, Y4
	VEXTRACTF128 $1, Y4, X5
	VMAXPS X5, X4, X4
	VMOVHLPS X4, X4, X5
	VMAXPS X5, X4, X4
	VPSHUFD $1, X4, X5
	VMAXSS X5, X4, X4
	VMOVSS X4, (R9)

	// id = 127/amax, or 0 when amax is 0
	VDIVSS X4, X14, X6
	VXORPS X7, X7, X7
	VCMPSS $4, X7, X4, X7 // amax != 0
	VANDPS X7, X6, X6
	VBROADCASTSS X6, Y6

	// round half to even (the default MXCSR mode) to int32
	VMULPS Y6, Y0, Y0
	VMULPS Y6, Y1, Y1
	VMULPS Y6, Y2, Y2
	VMULPS Y6, Y3, Y3
	VCVTPS2DQ Y0, Y0
	VCVTPS2DQ Y1, Y1
	VCVTPS2DQ Y2, Y2
	VCVTPS2DQ Y3, Y3

	VPADDD Y1, Y0, Y4
	VPADDD Y3, Y2, Y5
	VPADDD Y5, Y4, Y4
	VEXTRACTI128 $1, Y4, X5
	VPADDD X5, X4, X4
	VPSHUFD $0x4e, X4, X5
	VPADDD X5, X4, X4
	VPSHUFD $0xb1, X4, X5
	VPADDD X5, X4, X4
	VMOVD X4, (R8)

	VPACKSSDW Y1, Y0, Y0
	VPACKSSDW Y3, Y2, Y2
	VPACKSSWB Y2, Y0, Y0
	VPERMD Y0, Y13, Y0
	VMOVDQU Y0, (DI)

	ADDQ $128, SI
	ADDQ $32, DI
	ADDQ $4, R8
	ADDQ $4, R9
	DECQ CX
	JNZ qloop
	VZEROUPPER
	RET

// func axpyFMA(dst *float32, a float32, x *float32, n int)
// dst[i] += a·x[i] for i < n, n a positive multiple of 8.
TEXT ·axpyFMA(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	VBROADCASTSS a+8(FP), Y0
	MOVQ x+16(FP), SI
	MOVQ n+24(FP), CX
	CMPQ CX, $32
	JLT axtail

axloop32:
	VMOVUPS (DI), Y1
	VMOVUPS 32(DI), Y2
	VMOVUPS 64(DI), Y3
	VMOVUPS 96(DI), Y4
	VFMADD231PS (SI), Y0, Y1
	VFMADD231PS 32(SI), Y0, Y2
	VFMADD231PS 64(SI), Y0, Y3
	VFMADD231PS 96(SI), Y0, Y4
	VMOVUPS Y1, (DI)
	VMOVUPS Y2, 32(DI)
	VMOVUPS Y3, 64(DI)
	VMOVUPS Y4, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	CMPQ CX, $32
	JGE axloop32

axtail:
	TESTQ CX, CX
	JZ axdone

axloop8:
	VMOVUPS (DI), Y1
	VFMADD231PS (SI), Y0, Y1
	VMOVUPS Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ axloop8

axdone:
	VZEROUPPER
	RET

// UNPACK4 widens the 16 bytes of a Q4_0 block at addr into 32 nibbles
// (element j low nibble of byte j, element j+16 high nibble) in y.
#define UNPACK4(addr, x, y, xt) \
	VMOVDQU addr, x \
	VPSRLW $4, x, xt \
	VINSERTI128 $1, xt, y, y \
	VPAND Y13, y, y

// func q4Dot2x4(w *byte, stride int, x *int8, xd *float32, xs *int32, nb int, tbl *float32, out *[8]float32)
TEXT ·q4Dot2x4(SB), NOSPLIT, $0-64
	MOVQ w+0(FP), SI
	MOVQ stride+8(FP), R8
	MOVQ x+16(FP), DI
	MOVQ xd+24(FP), DX
	MOVQ xs+32(FP), R13
	MOVQ nb+40(FP), CX
	MOVQ tbl+48(FP), R10
	VPCMPEQW Y15, Y15, Y15
	VPSRLW $15, Y15, Y15
	MOVL $0x0f0f0f0f, AX
	VMOVD AX, X13
	VPBROADCASTD X13, Y13
	VXORPS Y14, Y14, Y14

q42x4loop:
	UNPACK4(2(SI), X0, Y0, X9)
	UNPACK4(2(SI)(R8*1), X10, Y10, X9)

	VPMADDUBSW (DI), Y0, Y1
	VPMADDWD Y15, Y1, Y1
	VPMADDUBSW 32(DI), Y0, Y2
	VPMADDWD Y15, Y2, Y2
	VPMADDUBSW 64(DI), Y0, Y3
	VPMADDWD Y15, Y3, Y3
	VPMADDUBSW 96(DI), Y0, Y4
	VPMADDWD Y15, Y4, Y4
	VPMADDUBSW (DI), Y10, Y5
	VPMADDWD Y15, Y5, Y5
	VPMADDUBSW 32(DI), Y10, Y6
	VPMADDWD Y15, Y6, Y6
	VPMADDUBSW 64(DI), Y10, Y7
	VPMADDWD Y15, Y7, Y7
	VPMADDUBSW 96(DI), Y10, Y8
	VPMADDWD Y15, Y8, Y8

	// [row 0: Σ per vector | row 1: Σ per vector]
	VPHADDD Y2, Y1, Y1
	VPHADDD Y4, Y3, Y3
	VPHADDD Y6, Y5, Y5
	VPHADDD Y8, Y7, Y7
	VPHADDD Y3, Y1, Y1
	VPHADDD Y7, Y5, Y5
	VPERM2I128 $0x20, Y5, Y1, Y2
	VPERM2I128 $0x31, Y5, Y1, Y3
	VPADDD Y3, Y2, Y1

	VBROADCASTI128 (R13), Y9
	VPSLLD $3, Y9, Y9
	VPSUBD Y9, Y1, Y1
	VCVTDQ2PS Y1, Y1

	MOVWLZX (SI), AX
	MOVWLZX (SI)(R8*1), BX
	VBROADCASTSS (R10)(AX*4), X10
	VBROADCASTSS (R10)(BX*4), X11
	VINSERTF128 $1, X11, Y10, Y10
	VBROADCASTF128 (DX), Y11
	VMULPS Y11, Y10, Y10
	VMULPS Y10, Y1, Y1
	VADDPS Y1, Y14, Y14

	ADDQ $18, SI
	ADDQ $128, DI
	ADDQ $16, DX
	ADDQ $16, R13
	DECQ CX
	JNZ q42x4loop

	MOVQ out+56(FP), AX
	VMOVUPS Y14, (AX)
	VZEROUPPER
	RET

// Q8PAIR: dst = Σ-pairs of |w|·(x signed by w), as int32×8.
#define Q8PAIR(w, aw, x, dst) \
	VPSIGNB w, x, dst \
	VPMADDUBSW dst, aw, dst \
	VPMADDWD Y15, dst, dst

// func q8Dot2x4(w *byte, stride int, x *int8, xd *float32, nb int, tbl *float32, out *[8]float32)
TEXT ·q8Dot2x4(SB), NOSPLIT, $0-56
	MOVQ w+0(FP), SI
	MOVQ stride+8(FP), R8
	MOVQ x+16(FP), DI
	MOVQ xd+24(FP), DX
	MOVQ nb+32(FP), CX
	MOVQ tbl+40(FP), R10
	VPCMPEQW Y15, Y15, Y15
	VPSRLW $15, Y15, Y15
	VXORPS Y14, Y14, Y14

q82x4loop:
	VMOVDQU 2(SI), Y0
	VPABSB Y0, Y9
	VMOVDQU 2(SI)(R8*1), Y10
	VPABSB Y10, Y11

	VMOVDQU (DI), Y12
	Q8PAIR(Y0, Y9, Y12, Y1)
	Q8PAIR(Y10, Y11, Y12, Y5)
	VMOVDQU 32(DI), Y12
	Q8PAIR(Y0, Y9, Y12, Y2)
	Q8PAIR(Y10, Y11, Y12, Y6)
	VMOVDQU 64(DI), Y12
	Q8PAIR(Y0, Y9, Y12, Y3)
	Q8PAIR(Y10, Y11, Y12, Y7)
	VMOVDQU 96(DI), Y12
	Q8PAIR(Y0, Y9, Y12, Y4)
	Q8PAIR(Y10, Y11, Y12, Y8)

	// [row 0: Σ per vector | row 1: Σ per vector]
	VPHADDD Y2, Y1, Y1
	VPHADDD Y4, Y3, Y3
	VPHADDD Y6, Y5, Y5
	VPHADDD Y8, Y7, Y7
	VPHADDD Y3, Y1, Y1
	VPHADDD Y7, Y5, Y5
	VPERM2I128 $0x20, Y5, Y1, Y2
	VPERM2I128 $0x31, Y5, Y1, Y3
	VPADDD Y3, Y2, Y1
	VCVTDQ2PS Y1, Y1

	MOVWLZX (SI), AX
	MOVWLZX (SI)(R8*1), BX
	VBROADCASTSS (R10)(AX*4), X10
	VBROADCASTSS (R10)(BX*4), X11
	VINSERTF128 $1, X11, Y10, Y10
	VBROADCASTF128 (DX), Y11
	VMULPS Y11, Y10, Y10
	VMULPS Y10, Y1, Y1
	VADDPS Y1, Y14, Y14

	ADDQ $34, SI
	ADDQ $128, DI
	ADDQ $16, DX
	DECQ CX
	JNZ q82x4loop

	MOVQ out+48(FP), AX
	VMOVUPS Y14, (AX)
	VZEROUPPER
	RET

// func cpuidF16C() bool
// CPUID leaf 1, ECX bit 29: the F16C conversions VCVTPH2PS/VCVTPS2PH.
TEXT ·cpuidF16C(SB), NOSPLIT, $0-1
	MOVL $1, AX
	XORL CX, CX
	CPUID
	SHRL $29, CX
	ANDL $1, CX
	MOVB CX, ret+0(FP)
	RET

// func widenF16(w *byte, dst *float32, n int)
// dst[i] = float32(fp16 w[i]) for i < n, n a positive multiple of 8.
TEXT ·widenF16(SB), NOSPLIT, $0-24
	MOVQ w+0(FP), SI
	MOVQ dst+8(FP), DI
	MOVQ n+16(FP), CX

wf16loop:
	VCVTPH2PS (SI), Y0
	VMOVUPS Y0, (DI)
	ADDQ $16, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ wf16loop
	VZEROUPPER
	RET

// func widenBF16(w *byte, dst *float32, n int)
// dst[i] = float32(bf16 w[i]) for i < n, n a positive multiple of 8: the
// 16 bits become the top half of the float32.
TEXT ·widenBF16(SB), NOSPLIT, $0-24
	MOVQ w+0(FP), SI
	MOVQ dst+8(FP), DI
	MOVQ n+16(FP), CX

wbf16loop:
	VPMOVZXWD (SI), Y0
	VPSLLD $16, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $16, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ wbf16loop
	VZEROUPPER
	RET

// func dotF16FMA(w *byte, x *float32, n int) float32
// Σ float32(fp16 w[i])·x[i] for i < n, n a positive multiple of 8; four
// 8-lane FMA accumulators as dotF32FMA.
TEXT ·dotF16FMA(SB), NOSPLIT, $0-28
	MOVQ w+0(FP), SI
	MOVQ x+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	CMPQ CX, $32
	JLT f16tail

f16loop32:
	VCVTPH2PS (SI), Y4
	VCVTPH2PS 16(SI), Y5
	VCVTPH2PS 32(SI), Y6
	VCVTPH2PS 48(SI), Y7
	VFMADD231PS (DI), Y4, Y0
	VFMADD231PS 32(DI), Y5, Y1
	VFMADD231PS 64(DI), Y6, Y2
	VFMADD231PS 96(DI), Y7, Y3
	ADDQ $64, SI
	ADDQ $128, DI
	SUBQ $32, CX
	CMPQ CX, $32
	JGE f16loop32

f16tail:
	TESTQ CX, CX
	JZ f16done

f16loop8:
	VCVTPH2PS (SI), Y4
	VFMADD231PS (DI), Y4, Y0
	ADDQ $16, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ f16loop8

f16done:
	HSUM4()
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func dotBF16FMA(w *byte, x *float32, n int) float32
// dotF16FMA for BF16 weights.
TEXT ·dotBF16FMA(SB), NOSPLIT, $0-28
	MOVQ w+0(FP), SI
	MOVQ x+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	CMPQ CX, $32
	JLT bf16tail

bf16loop32:
	VPMOVZXWD (SI), Y4
	VPMOVZXWD 16(SI), Y5
	VPMOVZXWD 32(SI), Y6
	VPMOVZXWD 48(SI), Y7
	VPSLLD $16, Y4, Y4
	VPSLLD $16, Y5, Y5
	VPSLLD $16, Y6, Y6
	VPSLLD $16, Y7, Y7
	VFMADD231PS (DI), Y4, Y0
	VFMADD231PS 32(DI), Y5, Y1
	VFMADD231PS 64(DI), Y6, Y2
	VFMADD231PS 96(DI), Y7, Y3
	ADDQ $64, SI
	ADDQ $128, DI
	SUBQ $32, CX
	CMPQ CX, $32
	JGE bf16loop32

bf16tail:
	TESTQ CX, CX
	JZ bf16done

bf16loop8:
	VPMOVZXWD (SI), Y4
	VPSLLD $16, Y4, Y4
	VFMADD231PS (DI), Y4, Y0
	ADDQ $16, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ bf16loop8

bf16done:
	HSUM4()
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// EXPCONSTS loads the constants of the vectorised exp into Y5..Y15: the
// argument clamps 88 and -86, log2(e), ln2 split into a high part exact
// in k·ln2hi and a low correction, the Taylor coefficients 1/720 ... 1/2,
// and 1.
#define EXPCONSTS() \
	MOVL $0x42b00000, AX \
	MOVL AX, X5 \
	VPBROADCASTD X5, Y5 \
	MOVL $0xc2ac0000, AX \
	MOVL AX, X6 \
	VPBROADCASTD X6, Y6 \
	MOVL $0x3fb8aa3b, AX \
	MOVL AX, X7 \
	VPBROADCASTD X7, Y7 \
	MOVL $0x3f318000, AX \
	MOVL AX, X8 \
	VPBROADCASTD X8, Y8 \
	MOVL $0xb95e8083, AX \
	MOVL AX, X9 \
	VPBROADCASTD X9, Y9 \
	MOVL $0x3ab60b61, AX \
	MOVL AX, X10 \
	VPBROADCASTD X10, Y10 \
	MOVL $0x3c088889, AX \
	MOVL AX, X11 \
	VPBROADCASTD X11, Y11 \
	MOVL $0x3d2aaaab, AX \
	MOVL AX, X12 \
	VPBROADCASTD X12, Y12 \
	MOVL $0x3e2aaaab, AX \
	MOVL AX, X13 \
	VPBROADCASTD X13, Y13 \
	MOVL $0x3f000000, AX \
	MOVL AX, X14 \
	VPBROADCASTD X14, Y14 \
	MOVL $0x3f800000, AX \
	MOVL AX, X15 \
	VPBROADCASTD X15, Y15

// EXP sets p = exp(y) with EXPCONSTS loaded, y clamped in place to
// [-86, 88]: k = round(y·log2e), r = y - k·ln2 in two steps, exp(r) by the
// degree-6 Taylor polynomial (Horner, FMA), times 2^k by adding k to the
// exponent field. k and r are scratch.
#define EXP(y, k, r, p) \
	VMINPS Y5, y, y \
	VMAXPS Y6, y, y \
	VMULPS Y7, y, k \
	VROUNDPS $0, k, k \
	VMOVAPS y, r \
	VFNMADD231PS Y8, k, r \
	VFNMADD231PS Y9, k, r \
	VMOVAPS Y10, p \
	VFMADD213PS Y11, r, p \
	VFMADD213PS Y12, r, p \
	VFMADD213PS Y13, r, p \
	VFMADD213PS Y14, r, p \
	VFMADD213PS Y15, r, p \
	VFMADD213PS Y15, r, p \
	VCVTPS2DQ k, k \
	VPSLLD $23, k, k \
	VPADDD k, p, p

// func siluMulAVX(x, u *float32, n int)
// x[i] = x[i]/(1+exp(-x[i]))·u[i] for i < n, n a positive multiple of 8.
// exp(y) for y clamped to [-86, 88]: y = k·ln2 + r with k = round(y·log2e)
// and r reduced in two steps (ln2 split into a short high part and a low
// correction, so k·ln2hi is exact), exp(r) by its degree-6 Taylor
// polynomial on |r| <= ln2/2 (truncation error below 2^-23), times 2^k by
// adding k to the exponent field. The constants live in Y5..Y15.
TEXT ·siluMulAVX(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), DI
	MOVQ u+8(FP), SI
	MOVQ n+16(FP), CX
	EXPCONSTS()

siluloop:
	VMOVUPS (DI), Y0
	VXORPS Y1, Y1, Y1
	VSUBPS Y0, Y1, Y1      // y = -x
	EXP(Y1, Y2, Y3, Y4)
	VADDPS Y15, Y4, Y4
	VDIVPS Y4, Y0, Y0      // x/(1+exp(-x))
	VMULPS (SI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	SUBQ $8, CX
	JNZ siluloop
	VZEROUPPER
	RET

// func dotRows4(k *float32, stride int, q *float32, n int, out *[4]float32)
// out[r] = Σ_{j<n} k[r·stride+j]·q[j] for r < 4; n a positive multiple of 8,
// stride in elements. One q load feeds four FMAs, and the four sums share
// one horizontal reduction.
TEXT ·dotRows4(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), SI
	MOVQ stride+8(FP), BX
	SHLQ $2, BX
	MOVQ q+16(FP), DI
	MOVQ n+24(FP), CX
	LEAQ (SI)(BX*1), R8
	LEAQ (R8)(BX*1), R9
	LEAQ (R9)(BX*1), R10
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	XORQ AX, AX

dr4loop:
	VMOVUPS (DI)(AX*4), Y4
	VFMADD231PS (SI)(AX*4), Y4, Y0
	VFMADD231PS (R8)(AX*4), Y4, Y1
	VFMADD231PS (R9)(AX*4), Y4, Y2
	VFMADD231PS (R10)(AX*4), Y4, Y3
	ADDQ $8, AX
	CMPQ AX, CX
	JLT dr4loop

	VHADDPS Y1, Y0, Y0
	VHADDPS Y3, Y2, Y2
	VHADDPS Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	MOVQ out+32(FP), AX
	VMOVUPS X0, (AX)
	VZEROUPPER
	RET

// func accumRows32(out *float32, w *float32, v *float32, stride int, n int)
// out[c] += Σ_{t<n} w[t]·v[t·stride+c] for c < 32, n >= 1, stride in
// elements: the 32 outputs stay in four registers for all n rows.
TEXT ·accumRows32(SB), NOSPLIT, $0-40
	MOVQ out+0(FP), DX
	MOVQ w+8(FP), DI
	MOVQ v+16(FP), SI
	MOVQ stride+24(FP), BX
	SHLQ $2, BX
	MOVQ n+32(FP), CX
	VMOVUPS (DX), Y0
	VMOVUPS 32(DX), Y1
	VMOVUPS 64(DX), Y2
	VMOVUPS 96(DX), Y3

ar32loop:
	VBROADCASTSS (DI), Y4
	VFMADD231PS (SI), Y4, Y0
	VFMADD231PS 32(SI), Y4, Y1
	VFMADD231PS 64(SI), Y4, Y2
	VFMADD231PS 96(SI), Y4, Y3
	ADDQ $4, DI
	ADDQ BX, SI
	DECQ CX
	JNZ ar32loop

	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	VZEROUPPER
	RET

// func accumRows8(out *float32, w *float32, v *float32, stride int, n int)
// accumRows32 for 8 outputs.
TEXT ·accumRows8(SB), NOSPLIT, $0-40
	MOVQ out+0(FP), DX
	MOVQ w+8(FP), DI
	MOVQ v+16(FP), SI
	MOVQ stride+24(FP), BX
	SHLQ $2, BX
	MOVQ n+32(FP), CX
	VMOVUPS (DX), Y0

ar8loop:
	VBROADCASTSS (DI), Y4
	VFMADD231PS (SI), Y4, Y0
	ADDQ $4, DI
	ADDQ BX, SI
	DECQ CX
	JNZ ar8loop

	VMOVUPS Y0, (DX)
	VZEROUPPER
	RET

// func expShiftAVX(x *float32, m float32, n int)
// x[i] = exp(x[i]-m) for i < n, n a positive multiple of 8, with
// siluMulAVX's exp (arguments clamped to [-86, 88]).
TEXT ·expShiftAVX(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), DI
	VBROADCASTSS m+8(FP), Y3
	MOVQ n+16(FP), CX
	EXPCONSTS()

exploop:
	VMOVUPS (DI), Y1
	VSUBPS Y3, Y1, Y1      // y = x - m
	EXP(Y1, Y2, Y0, Y4)
	VMOVUPS Y4, (DI)
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ exploop
	VZEROUPPER
	RET

// func fmaPeak(n int)
// n rounds of twelve independent 8-lane FMAs (192 flops a round): enough
// chains to cover the FMA latency on both FMA units, no memory traffic.
// It measures the core's FMA peak at its real (boost) clock for the GEMM
// benchmark's comparison.
TEXT ·fmaPeak(SB), NOSPLIT, $0-8
	MOVQ n+0(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15

peakloop:
	VFMADD231PS Y14, Y15, Y0
	VFMADD231PS Y14, Y15, Y1
	VFMADD231PS Y14, Y15, Y2
	VFMADD231PS Y14, Y15, Y3
	VFMADD231PS Y14, Y15, Y4
	VFMADD231PS Y14, Y15, Y5
	VFMADD231PS Y14, Y15, Y6
	VFMADD231PS Y14, Y15, Y7
	VFMADD231PS Y14, Y15, Y8
	VFMADD231PS Y14, Y15, Y9
	VFMADD231PS Y14, Y15, Y10
	VFMADD231PS Y14, Y15, Y11
	DECQ CX
	JNZ peakloop
	VZEROUPPER
	RET
