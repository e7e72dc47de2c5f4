package train

import (
	"math/rand/v2"
	"testing"
)

// benchConfig and benchDraft have the shapes of the default classifier's
// target and draft models (classifier/trainer): 2.2M and 0.5M parameters.
var (
	benchConfig = Config{NEmbd: 192, NLayer: 4, NHead: 6, NHeadKV: 2, NFF: 512, Vocab: 3072, Ctx: 256}
	benchDraft  = Config{NEmbd: 96, NLayer: 2, NHead: 3, NHeadKV: 1, NFF: 256, Vocab: 3072, Ctx: 256}
)

// benchData is examples shaped like the classifier's: 40–120 tokens, the
// last 30 of them the answer (the generated corpus averages 77 and 30).
func benchData(n int) Examples {
	rng := rand.New(rand.NewPCG(1, 2))
	ex := make(Examples, n)
	for i := range ex {
		T := 40 + rng.IntN(81)
		toks := make([]int32, T)
		mask := make([]bool, T)
		for j := range toks {
			toks[j] = int32(rng.IntN(benchConfig.Vocab))
			mask[j] = j >= T-30
		}
		ex[i] = Example{toks, mask}
	}
	return ex
}

// BenchmarkTrainStep measures optimizer steps of 4096 tokens (the default
// model's batch) and reports training throughput in tokens/s. chunk=1 is
// one forward/backward pass per example, the baseline packing is measured
// against (ChunkTokens 1 packs nothing); chunk=512 is the default.
func BenchmarkTrainStep(b *testing.B) {
	for _, c := range []struct {
		name           string
		cfg            Config
		threads, chunk int
	}{
		{"target/threads=1/chunk=1", benchConfig, 1, 1}, {"target/threads=1/chunk=512", benchConfig, 1, 512},
		{"target/threads=2/chunk=1", benchConfig, 2, 1}, {"target/threads=2/chunk=512", benchConfig, 2, 512},
		{"draft/threads=2/chunk=1", benchDraft, 2, 1}, {"draft/threads=2/chunk=512", benchDraft, 2, 512},
	} {
		threads := c.threads
		b.Run(c.name, func(b *testing.B) {
			m, err := New(c.cfg, 1)
			if err != nil {
				b.Fatal(err)
			}
			o := Options{Steps: 1 << 30, BatchTokens: 4096, LR: 1e-3, Clip: 1, Threads: threads, ChunkTokens: c.chunk}
			if err := o.defaults(m.Cfg); err != nil {
				b.Fatal(err)
			}
			tr := &trainer{m: m, data: benchData(256), o: o}
			tr.opt = adamW{m: make([]float32, len(m.W)), v: make([]float32, len(m.W))}
			tr.wT = make([]float32, len(m.W))
			for range o.Shards {
				tr.passes = append(tr.passes, newPass(m, tr.wT))
			}
			tr.grad = tr.passes[0].grad
			b.ReportAllocs()
			var tokens int
			cpu0 := cpuTime()
			for b.Loop() {
				_, n, err := tr.runStep()
				if err != nil {
					b.Fatal(err)
				}
				tokens += n
			}
			b.ReportMetric(float64(tokens)/b.Elapsed().Seconds(), "tokens/s")
			if cpu := cpuTime() - cpu0; cpu > 0 {
				// Tokens per CPU-second: with t threads, t times this is
				// what an otherwise idle machine would reach at best.
				b.ReportMetric(float64(tokens)/cpu.Seconds(), "tokens/cpu-s")
			}
			b.ReportMetric(float64(m.NumParams()), "params")
		})
	}
}
