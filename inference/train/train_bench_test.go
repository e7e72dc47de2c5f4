package train

import (
	"math/rand/v2"
	"testing"
)

// benchConfig is a ~2.2M-parameter model of the size the default log
// classifier is meant to have: a 3k vocabulary, 4 layers of 192.
var benchConfig = Config{NEmbd: 192, NLayer: 4, NHead: 6, NHeadKV: 2, NFF: 512, Vocab: 3072, Ctx: 128}

// benchDraft is a draft model for it: same vocabulary, under a quarter of
// the parameters (0.49M).
var benchDraft = Config{NEmbd: 96, NLayer: 2, NHead: 3, NHeadKV: 1, NFF: 256, Vocab: 3072, Ctx: 128}

// benchData is sequences of 128 tokens whose last 32 are the answer, like a
// log line's prompt followed by its JSON.
func benchData(n int) Examples {
	rng := rand.New(rand.NewPCG(1, 2))
	ex := make(Examples, n)
	for i := range ex {
		toks := make([]int32, 128)
		mask := make([]bool, 128)
		for j := range toks {
			toks[j] = int32(rng.IntN(benchConfig.Vocab))
			mask[j] = j >= 96
		}
		ex[i] = Example{toks, mask}
	}
	return ex
}

// BenchmarkTrainStep measures optimizer steps of 2048 tokens (16 sequences)
// and reports training throughput in tokens/s.
func BenchmarkTrainStep(b *testing.B) {
	for _, c := range []struct {
		name    string
		cfg     Config
		threads int
	}{{"target/threads=1", benchConfig, 1}, {"target/threads=2", benchConfig, 2}, {"draft/threads=1", benchDraft, 1}, {"draft/threads=2", benchDraft, 2}} {
		threads := c.threads
		b.Run(c.name, func(b *testing.B) {
			m, err := New(c.cfg, 1)
			if err != nil {
				b.Fatal(err)
			}
			o := Options{Steps: 1 << 30, BatchTokens: 2048, LR: 1e-3, Clip: 1, Threads: threads, Shards: threads}
			if err := o.defaults(m.Cfg); err != nil {
				b.Fatal(err)
			}
			tr := &trainer{m: m, data: benchData(64), o: o}
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
