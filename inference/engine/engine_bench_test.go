package engine_test

import (
	"context"
	"math/rand/v2"
	"os"
	"sync"
	"testing"

	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/inference/model"
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

// BenchmarkSpeculateCopy: one greedy request whose prompt repeats a
// 40-token phrase, 64 new tokens, with and without prompt lookup, on the
// SmolLM2-135M-shaped random model at /tmp/perf-135m-q8_0.gguf (skipped
// without it). Random weights do not copy like a trained model, so the
// acceptance rate says more about the random model than about logs.
func BenchmarkSpeculateCopy(b *testing.B) {
	const path = "/tmp/perf-135m-q8_0.gguf"
	if _, err := os.Stat(path); err != nil {
		b.Skipf("no %s: %v", path, err)
	}
	m, err := model.Load(path, model.Options{Threads: 2, MaxBatch: 256})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	rng := rand.New(rand.NewPCG(5, 5))
	phrase := randPrompt(rng, 40, m.Config().NVocab)
	var prompt []int32
	for range 6 {
		prompt = append(prompt, phrase...)
	}
	prompt = append(prompt, phrase[:5]...)
	for _, mode := range []string{engine.SpeculateOff, engine.SpeculateLookup} {
		b.Run(mode, func(b *testing.B) {
			e := newEngine(b, m, engine.Config{})
			var gen, fwd int
			cpu0 := cpuTime()
			for b.Loop() {
				r, err := e.Generate(context.Background(), engine.Request{Prompt: prompt, MaxTokens: 64, IgnoreEOG: true, Speculate: mode})
				if err != nil {
					b.Fatal(err)
				}
				gen += len(r.Tokens)
				fwd += r.Forwards
				// Every iteration computes the prompt again.
				if err := e.ClearPrefixCache(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			st := e.Stats()
			b.ReportMetric(float64(gen)/b.Elapsed().Seconds(), "tokens/s")
			// The machine is shared: CPU time tracks the engine's own work.
			b.ReportMetric(float64(gen)/(cpuTime()-cpu0).Seconds(), "tokens/cpu-s")
			b.ReportMetric(st.AcceptanceRate, "acceptance_rate")
			// The prompt's forward pass is one of Forwards: discount it.
			b.ReportMetric(float64(gen)/float64(fwd-b.N), "tokens_per_target_forward")
		})
	}
}
