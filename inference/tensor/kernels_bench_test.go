package tensor

// Single-kernel benchmarks on L1-resident data: the cost of the arithmetic
// alone, for comparing instruction choices.

import "testing"

func BenchmarkKernQ8Dot1x4(b *testing.B) {
	nb := 48
	w := make([]byte, nb*34)
	x := make([]int8, nb*128)
	xd := make([]float32, nb*4)
	var o [4]float32
	b.ReportAllocs()
	for b.Loop() {
		q8Dot1x4(&w[0], &x[0], &xd[0], nb, &fp16Table[0], &o)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(nb), "ns/block")
}

func BenchmarkKernQ8Dot4R(b *testing.B) {
	nb := 48
	w := make([]byte, 4*nb*34)
	x := make([]int8, nb*32)
	xd := make([]float32, nb)
	var o [4]float32
	b.ReportAllocs()
	for b.Loop() {
		q8Dot4R(&w[0], nb*34, &x[0], &xd[0], nb, &fp16Table[0], &o)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(nb), "ns/block")
}

func BenchmarkKernF32x4x3(b *testing.B) {
	k := 576
	w := make([]float32, 4*k)
	x := make([]float32, 3*k)
	var o [12]float32
	b.ReportAllocs()
	for b.Loop() {
		gemmF32x4x3(&w[0], k, &x[0], k, k, &o)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(k/8), "ns/kstep")
}

// BenchmarkAxpy64 is one attention value row (head dim 64): the assembly
// kernel against the plain loop the model used.
func BenchmarkAxpy64(b *testing.B) {
	dst, x := make([]float32, 64), make([]float32, 64)
	b.Run("asm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Axpy(dst, 0.5, x)
		}
	})
	b.Run("loop", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for i, v := range x[:len(dst)] {
				dst[i] += 0.5 * v
			}
		}
	})
}
