package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

func near(t *testing.T, what string, got float32, want, tol float64) {
	t.Helper()
	if math.Abs(float64(got)-want) > tol {
		t.Fatalf("%s = %.9g, want %.9g (tol %g)", what, got, want, tol)
	}
}

func TestRMSNorm(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, n := range []int{1, 3, 17, 64, 577} {
		x := randVec(r, n, 2)
		w := randVec(r, n, 1)
		var ss float64
		for _, v := range x {
			ss += float64(v) * float64(v)
		}
		scale := 1 / math.Sqrt(ss/float64(n)+1e-5)
		dst := make([]float32, n)
		RMSNorm(dst, x, w, 1e-5)
		plain := make([]float32, n)
		RMSNorm(plain, x, nil, 1e-5)
		for i := range x {
			want := float64(x[i]) * scale
			near(t, "RMSNorm nil w", plain[i], want, 1e-6*math.Abs(want)+1e-12)
			near(t, "RMSNorm", dst[i], want*float64(w[i]), 1e-6*math.Abs(want*float64(w[i]))+1e-12)
		}
		RMSNorm(x, x, w, 1e-5) // in place
		for i := range x {
			if x[i] != dst[i] {
				t.Fatal("in-place RMSNorm differs")
			}
		}
	}
	// eps matters for an all-zero input: no NaN.
	z := make([]float32, 8)
	RMSNorm(z, z, nil, 1e-6)
	if z[0] != 0 {
		t.Errorf("zero input → %g", z[0])
	}
}

// refRope rotates with angles computed directly in float64:
// theta_i = pos · base^(-2i/ropeDim).
func refRope(x []float64, nHeads, headDim, ropeDim, pos int, base float64, neox bool) {
	for h := 0; h < nHeads; h++ {
		v := x[h*headDim:]
		for i := 0; i < ropeDim/2; i++ {
			theta := float64(pos) * math.Pow(base, -2*float64(i)/float64(ropeDim))
			a, b := 2*i, 2*i+1
			if neox {
				a, b = i, i+ropeDim/2
			}
			x0, x1 := v[a], v[b]
			v[a] = x0*math.Cos(theta) - x1*math.Sin(theta)
			v[b] = x0*math.Sin(theta) + x1*math.Cos(theta)
		}
	}
}

func TestRope(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for _, neox := range []bool{false, true} {
		for _, c := range []struct{ heads, headDim, ropeDim, pos int }{
			{1, 2, 2, 1}, {4, 16, 16, 0}, {4, 16, 16, 5}, {3, 64, 64, 37}, {2, 64, 32, 11}, {9, 64, 64, 2000},
		} {
			x := randVec(r, c.heads*c.headDim, 1)
			ref := make([]float64, len(x))
			for i, v := range x {
				ref[i] = float64(v)
			}
			Rope(x, c.heads, c.headDim, c.ropeDim, c.pos, 10000, neox)
			refRope(ref, c.heads, c.headDim, c.ropeDim, c.pos, 10000, neox)
			// Building angles by repeated float32 multiplication drifts by
			// about i·2^-24 relative, times pos radians.
			tol := 2e-6 + float64(c.pos)*float64(c.ropeDim)*1e-7
			for i := range x {
				near(t, "Rope", x[i], ref[i], tol)
				if i%c.headDim >= c.ropeDim && float64(x[i]) != ref[i] {
					t.Fatal("Rope touched values beyond ropeDim")
				}
			}
		}
	}
	// NORM and NEOX differ in which values they pair.
	a := []float32{1, 0, 0, 0}
	b := []float32{1, 0, 0, 0}
	Rope(a, 1, 4, 4, 1, 10000, false)
	Rope(b, 1, 4, 4, 1, 10000, true)
	if a[1] == 0 || a[2] != 0 || b[1] != 0 || b[2] == 0 {
		t.Errorf("NORM %v NEOX %v: NORM must rotate x0 into x1, NEOX into x2", a, b)
	}
}

func TestSoftmax(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	for _, n := range []int{1, 3, 17, 640} {
		x := randVec(r, n, 3)
		x[0] = 1000 // no overflow: max is subtracted
		mx := math.Inf(-1)
		for _, v := range x {
			mx = math.Max(mx, float64(v))
		}
		var sum float64
		for _, v := range x {
			sum += math.Exp(float64(v) - mx)
		}
		want := make([]float64, n)
		for i, v := range x {
			want[i] = math.Exp(float64(v)-mx) / sum
		}
		Softmax(x)
		var total float64
		for i := range x {
			near(t, "Softmax", x[i], want[i], 1e-6*want[i]+1e-30)
			total += float64(x[i])
		}
		if math.Abs(total-1) > 1e-5 {
			t.Errorf("n=%d: sums to %g", n, total)
		}
	}
	Softmax(nil)
}

func TestSiLUAndElementwise(t *testing.T) { kernelPaths(t, testSiLUAndElementwise) }

func testSiLUAndElementwise(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 28))
	for _, n := range []int{0, 1, 3, 8, 17, 33, 64, 100} {
		a := randVec(r, n, 4)
		b := randVec(r, n, 4)
		s := append([]float32(nil), a...)
		SiLU(s)
		for i, v := range a {
			want := float64(v) / (1 + math.Exp(-float64(v)))
			near(t, "SiLU", s[i], want, 1e-6*math.Abs(want)+1e-30)
		}
		m := make([]float32, n)
		Mul(m, a, b)
		ad := make([]float32, n)
		Add(ad, a, b)
		sc := append([]float32(nil), a...)
		Scale(sc, 0.25)
		var dot float64
		for i := range a {
			if m[i] != a[i]*b[i] || ad[i] != a[i]+b[i] || sc[i] != a[i]*0.25 {
				t.Fatalf("n=%d: element-wise op wrong at %d", n, i)
			}
			dot += float64(a[i]) * float64(b[i])
		}
		var scale float64
		for i := range a {
			scale += math.Abs(float64(a[i]) * float64(b[i]))
		}
		near(t, "Dot", Dot(a, b), dot, 1e-6*scale)
		ax := append([]float32(nil), b...)
		Axpy(ax, -0.75, a)
		for i := range ax {
			want := float64(b[i]) - 0.75*float64(a[i])
			near(t, "Axpy", ax[i], want, 1e-6*(math.Abs(float64(b[i]))+math.Abs(0.75*float64(a[i])))+1e-30)
		}
		Mul(a, a, b) // aliasing
		for i := range a {
			if a[i] != m[i] {
				t.Fatal("aliased Mul differs")
			}
		}
	}
}
