//go:build !amd64

package tensor

// useAsm is false: there are no assembly kernels on this architecture and
// the stubs below are never called.
var useAsm = false

var hasF16C = false

func q8Dot4R(w *byte, stride int, x *int8, xd *float32, nb int, tbl *float32, out *[4]float32) {
	panic("BUG: tensor: no assembly kernels")
}

func q4Dot4R(w *byte, stride int, x *int8, xd *float32, xs *int32, nb int, tbl *float32, out *[4]float32) {
	panic("BUG: tensor: no assembly kernels")
}

func q8Dot1x4(w *byte, x *int8, xd *float32, nb int, tbl *float32, out *[4]float32) {
	panic("BUG: tensor: no assembly kernels")
}

func q4Dot1x4(w *byte, x *int8, xd *float32, xs *int32, nb int, tbl *float32, out *[4]float32) {
	panic("BUG: tensor: no assembly kernels")
}

func dotF32FMA(a, b *float32, n int) float32 { panic("BUG: tensor: no assembly kernels") }

func dotF32Tile(a, b *float32, n int) float32 { panic("BUG: tensor: no assembly kernels") }

func gemmF32x4x3(w *float32, ws int, x *float32, xs int, k int, out *[12]float32) {
	panic("BUG: tensor: no assembly kernels")
}

func quantQ8Blocks(x *float32, nb int, q *int8, sum *int32, amax *float32) {
	panic("BUG: tensor: no assembly kernels")
}

func axpyFMA(dst *float32, a float32, x *float32, n int) { panic("BUG: tensor: no assembly kernels") }

func q4Dot2x4(w *byte, stride int, x *int8, xd *float32, xs *int32, nb int, tbl *float32, out *[8]float32) {
	panic("BUG: tensor: no assembly kernels")
}

func q8Dot2x4(w *byte, stride int, x *int8, xd *float32, nb int, tbl *float32, out *[8]float32) {
	panic("BUG: tensor: no assembly kernels")
}

func widenF16(w *byte, dst *float32, n int)         { panic("BUG: tensor: no assembly kernels") }
func widenBF16(w *byte, dst *float32, n int)        { panic("BUG: tensor: no assembly kernels") }
func dotF16FMA(w *byte, x *float32, n int) float32  { panic("BUG: tensor: no assembly kernels") }
func dotBF16FMA(w *byte, x *float32, n int) float32 { panic("BUG: tensor: no assembly kernels") }
func siluMulAVX(x, u *float32, n int)               { panic("BUG: tensor: no assembly kernels") }
func dotRows4(k *float32, stride int, q *float32, n int, out *[4]float32) {
	panic("BUG: tensor: no assembly kernels")
}
func accumRows32(out *float32, w *float32, v *float32, stride int, n int) {
	panic("BUG: tensor: no assembly kernels")
}
func accumRows8(out *float32, w *float32, v *float32, stride int, n int) {
	panic("BUG: tensor: no assembly kernels")
}
func expShiftAVX(x *float32, m float32, n int) { panic("BUG: tensor: no assembly kernels") }
func fmaPeak(n int)                            { panic("BUG: tensor: no assembly kernels") }
