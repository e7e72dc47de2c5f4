package tensor

import (
	"math/rand/v2"
	"os"
	"testing"
)

// TestQuantQ8BlocksEqualsQuantizeAct compares the assembly activation
// quantiser with quantizeAct: random blocks, an all-zero block, and blocks
// whose scaled values land exactly on .5 (ties go to even) and on ±127.
func TestQuantQ8BlocksEqualsQuantizeAct(t *testing.T) {
	if !useAsm {
		// CI machines have AVX2+FMA: there the kernel must be tested, not skipped.
		if os.Getenv("CI") == "true" {
			t.Fatal("no AVX2+FMA on this CPU: the assembly quantiser cannot be tested")
		}
		t.Skip("no AVX2+FMA on this CPU")
	}
	r := rand.New(rand.NewPCG(21, 22))
	x := randVec(r, 7*QK, 3)
	clear(x[2*QK : 3*QK]) // zero block: scale 0, id 0
	for j := 0; j < QK; j++ {
		x[3*QK+j] = float32(j) - 15.5  // amax 15.5: id = 127/15.5, not a tie
		x[4*QK+j] = float32(j%8) + 0.5 // with 127 present, id = 1: ties at k+0.5
	}
	x[4*QK+31] = 127
	x[5*QK] = -1e-30 // tiny amax
	var a qact
	a.resize(len(x))
	quantizeAct(x, &a)
	nb := len(x) / QK
	q := make([]int8, len(x))
	sum := make([]int32, nb)
	amax := make([]float32, nb)
	quantQ8Blocks(&x[0], nb, &q[0], &sum[0], &amax[0])
	for i := range q {
		if int32(q[i]) != a.q[i] {
			t.Fatalf("q[%d] (block %d) = %d, quantizeAct %d (x %g)", i, i/QK, q[i], a.q[i], x[i])
		}
	}
	for b := 0; b < nb; b++ {
		if sum[b] != a.sum[b] {
			t.Errorf("sum[%d] = %d, quantizeAct %d", b, sum[b], a.sum[b])
		}
		if d := fp16Table[FP32ToFP16(amax[b]/127)]; d != a.d[b] {
			t.Errorf("scale[%d] = %g, quantizeAct %g", b, d, a.d[b])
		}
	}
}
