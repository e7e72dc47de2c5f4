package model

import "testing"

func benchForward(b *testing.B, name string, n int) {
	m := loadTestModel(b, name, Options{Threads: 2})
	cache := m.NewCache(1, n+1)
	var batch Batch
	for i := 0; i < n; i++ {
		batch.Add(int32(i%600), i, 0, i == n-1)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Forward(&batch, cache); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

func BenchmarkPrefill64TinyLlamaQ8(b *testing.B)  { benchForward(b, "tiny-llama-q8_0", 64) }
func BenchmarkDecodeTinyLlamaQ8(b *testing.B)     { benchForward(b, "tiny-llama-q8_0", 1) }
func BenchmarkPrefill64TinyLlamaF32(b *testing.B) { benchForward(b, "tiny-llama-f32", 64) }
