package tensor

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
)

func randVec(r *rand.Rand, n int, scale float64) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64() * scale)
	}
	return v
}

func TestTypes(t *testing.T) {
	f := func(typ Type, name string, bs, bb, cols, rowBytes int, wantErr bool) {
		t.Helper()
		if typ.String() != name || typ.BlockSize() != bs || typ.BlockBytes() != bb {
			t.Errorf("%d: %s %d %d", typ, typ, typ.BlockSize(), typ.BlockBytes())
		}
		rb, err := typ.RowBytes(cols)
		if (err != nil) != wantErr || rb != rowBytes {
			t.Errorf("%s.RowBytes(%d) = %d, %v", typ, cols, rb, err)
		}
		if p, err := ParseType(name); typ.Supported() && (err != nil || p != typ) {
			t.Errorf("ParseType(%q) = %v, %v", name, p, err)
		}
	}
	f(F32, "f32", 1, 4, 7, 28, false)
	f(F16, "f16", 1, 2, 7, 14, false)
	f(BF16, "bf16", 1, 2, 3, 6, false)
	f(Q8_0, "q8_0", 32, 34, 64, 68, false)
	f(Q8_0, "q8_0", 32, 34, 33, 0, true)
	f(Q4_0, "q4_0", 32, 18, 96, 54, false)
	f(Q4_0, "q4_0", 32, 18, 16, 0, true)
	f(Type(12), "type(12)", 0, 0, 256, 0, true)
	if p, err := ParseType("Q4_0"); err != nil || p != Q4_0 {
		t.Errorf("ParseType(Q4_0) = %v, %v", p, err)
	}
	if _, err := ParseType("q4_k"); err == nil {
		t.Error("ParseType(q4_k) accepted")
	}
}

func TestQuantizeQ8Known(t *testing.T) {
	x := make([]float32, 32)
	for j := range x {
		x[j] = float32(j)
	}
	b := make([]byte, 34)
	Quantize(Q8_0, x, b)
	d := FP16ToFP32(binary.LittleEndian.Uint16(b))
	if want := FP16ToFP32(FP32ToFP16(31.0 / 127)); d != want {
		t.Errorf("d = %g, want %g", d, want)
	}
	// id = 127/31 = 4.0968: 1 → 4.1 → 4; 16 → 65.5484 → 66; 31 → 127.
	if b[2] != 0 || b[3] != 4 || b[2+16] != 66 || b[2+31] != 127 {
		t.Errorf("q = %v", b[2:])
	}
	// Ties: amax 127 gives d = 1, id = 1; the reference rounds half away from
	// zero, the activation quantiser (AVX2) half to even.
	x = make([]float32, 32)
	x[0], x[1], x[2], x[3] = 127, 2.5, -2.5, 3.5
	Quantize(Q8_0, x, b)
	if int8(b[3]) != 3 || int8(b[4]) != -3 || int8(b[5]) != 4 {
		t.Errorf("ref ties: %d %d %d, want 3 -3 4", int8(b[3]), int8(b[4]), int8(b[5]))
	}
	var a qact
	a.resize(32)
	quantizeAct(x, &a)
	if a.q[1] != 2 || a.q[2] != -2 || a.q[3] != 4 || a.q[0] != 127 || a.d[0] != 1 || a.sum[0] != 131 {
		t.Errorf("act ties: %v d %g sum %d, want 2 -2 4, d 1, sum 131", a.q[:4], a.d[0], a.sum[0])
	}
	// All zeros: d = 0, q = 0.
	Quantize(Q8_0, make([]float32, 32), b)
	for i, v := range b {
		if v != 0 {
			t.Fatalf("zero block: byte %d = %d", i, v)
		}
	}
}

func TestQuantizeQ4Known(t *testing.T) {
	x := make([]float32, 32)
	// The largest magnitude is -8, so d = -8/-8 = 1 and id = 1: q = int8(x+8.5) clamped to 15.
	x[0], x[1], x[2], x[3], x[4] = -8, 7, 7.6, 0, -0.6
	x[16], x[17] = 3, -3.4
	b := make([]byte, 18)
	Quantize(Q4_0, x, b)
	if d := FP16ToFP32(binary.LittleEndian.Uint16(b)); d != 1 {
		t.Errorf("d = %g, want 1", d)
	}
	lo := func(j int) byte { return b[2+j] & 0xf }
	hi := func(j int) byte { return b[2+j] >> 4 }
	if lo(0) != 0 || lo(1) != 15 || lo(2) != 15 || lo(3) != 8 || lo(4) != 7 || hi(0) != 11 || hi(1) != 5 {
		t.Errorf("nibbles lo %d %d %d %d %d hi %d %d", lo(0), lo(1), lo(2), lo(3), lo(4), hi(0), hi(1))
	}
	y := make([]float32, 32)
	Dequantize(Q4_0, b, y)
	if y[0] != -8 || y[1] != 7 || y[3] != 0 || y[4] != -1 || y[16] != 3 || y[17] != -3 {
		t.Errorf("dequantised %v", y[:18])
	}
	// A positive maximum gives a negative scale.
	x[0] = 9
	Quantize(Q4_0, x, b)
	if d := FP16ToFP32(binary.LittleEndian.Uint16(b)); d != -1.125 {
		t.Errorf("d = %g, want -1.125", d)
	}
}

func TestQuantizeRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{32, 64, 320} {
		x := randVec(r, n, 0.7)
		x[r.IntN(n)] = 0 // exact zero stays zero
		for _, typ := range []Type{F32, F16, BF16, Q8_0, Q4_0} {
			rb, _ := typ.RowBytes(n)
			b := make([]byte, rb)
			Quantize(typ, x, b)
			y := make([]float32, n)
			Dequantize(typ, b, y)
			for blk := 0; blk < n; blk += 32 {
				var amax float64
				for _, v := range x[blk : blk+32] {
					amax = math.Max(amax, math.Abs(float64(v)))
				}
				for j := blk; j < blk+32; j++ {
					e := math.Abs(float64(x[j] - y[j]))
					var bound float64
					switch typ {
					case F32:
						bound = 0
					case F16:
						bound = math.Abs(float64(x[j])) * 0x1p-11
					case BF16:
						bound = math.Abs(float64(x[j])) * 0x1p-8
					case Q8_0:
						bound = amax/127/2*1.01 + amax*0x1p-11 // half a step, plus the fp16 scale rounding
					case Q4_0:
						bound = amax/8*1.01 + amax*0x1p-10 // one step at the clamped end
					}
					if e > bound {
						t.Fatalf("%s n=%d: x[%d]=%g → %g, error %g > %g", typ, n, j, x[j], y[j], e, bound)
					}
				}
			}
		}
	}
}

func TestQuantizeActMatchesRef(t *testing.T) {
	// The activation quantiser and the reference quantiser agree except on
	// exact ties, which random data essentially never produces.
	r := rand.New(rand.NewPCG(7, 8))
	x := randVec(r, 32*200, 1)
	b := make([]byte, 34*200)
	Quantize(Q8_0, x, b)
	var a qact
	a.resize(len(x))
	quantizeAct(x, &a)
	diff := 0
	for i := range x {
		if int32(int8(b[i/32*34+2+i%32])) != a.q[i] {
			diff++
		}
	}
	for blk := range 200 {
		if a.d[blk] != FP16ToFP32(binary.LittleEndian.Uint16(b[blk*34:])) {
			t.Fatalf("block %d: scale %g differs", blk, a.d[blk])
		}
	}
	if diff > 3 {
		t.Errorf("%d of %d values differ between the quantisers", diff, len(x))
	}
}

func TestAsFloat32(t *testing.T) {
	want := []float32{1.5, -2, 0, float32(math.Inf(1))}
	b := make([]byte, 4*len(want)+1)
	for _, off := range []int{0, 1} { // aligned view and unaligned copy
		Quantize(F32, want, b[off:])
		got := AsFloat32(b[off : off+16])
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("offset %d: got %v, want %v", off, got, want)
			}
		}
	}
	if AsFloat32(nil) != nil {
		t.Error("AsFloat32(nil) is not nil")
	}
}
