package engine_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/logsift/logsift/inference/engine"
)

// BenchmarkServe16: 16 concurrent requests (48-token prompts sharing 32
// tokens, 8 new tokens each) per iteration on the tiny model.
func BenchmarkServe16(b *testing.B) {
	m := loadModel(b, "tiny-llama-q8_0")
	e := newEngine(b, m, engine.Config{})
	rng := rand.New(rand.NewPCG(1, 1))
	shared := randPrompt(rng, 32, m.Config().NVocab)
	b.ReportAllocs()
	for b.Loop() {
		var wg sync.WaitGroup
		for range 16 {
			p := append(append([]int32(nil), shared...), randPrompt(rng, 16, m.Config().NVocab)...)
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.Generate(context.Background(), engine.Request{Prompt: p, MaxTokens: 8, IgnoreEOG: true}); err != nil {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	st := e.Stats()
	b.ReportMetric(float64(st.GeneratedTokens)/b.Elapsed().Seconds(), "tokens/s")
}
