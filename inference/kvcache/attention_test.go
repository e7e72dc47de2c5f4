package kvcache_test

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/logsift/logsift/inference/kvcache"
	"github.com/logsift/logsift/inference/model"
)

var modelsDir = filepath.Join("..", "..", "..", "shared", "conformance", "models")

// TestPagedAttentionEqualsPlain runs the same tokens through the model once
// with the contiguous cache (plain softmax attention) and once through the
// paged cache in uneven chunks, two sequences interleaved, one of them
// starting from the other's cached prefix, and compares every logit.
func TestPagedAttentionEqualsPlain(t *testing.T) {
	for _, name := range []string{"tiny-llama-f32", "tiny-qwen2-f32"} {
		t.Run(name, func(t *testing.T) {
			m, err := model.Load(filepath.Join(modelsDir, name+".gguf"), model.Options{Threads: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			cfg := m.Config()
			const n = 150
			toks := make([]int32, n)
			for i := range toks {
				toks[i] = int32((i*37 + 11) % cfg.NVocab)
			}
			want := make([][]float32, n)
			plain := m.NewCache(1, n)
			var b model.Batch
			for i, tk := range toks {
				b.Add(tk, i, 0, true)
			}
			l, err := m.Forward(&b, plain)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				want[i] = append([]float32(nil), l[i*cfg.NVocab:(i+1)*cfg.NVocab]...)
			}

			c, err := kvcache.New(kvcache.Config{Layers: cfg.NLayer, Dim: cfg.KVDim(), BlockSize: 16, Blocks: 32, ModelID: name})
			if err != nil {
				t.Fatal(err)
			}
			worst := 0.0
			check := func(logits []float32, rows []int) {
				for j, p := range rows {
					for v := range cfg.NVocab {
						worst = max(worst, math.Abs(float64(logits[j*cfg.NVocab+v]-want[p][v])))
					}
				}
			}
			// Sequence a: chunks of 7, 40, rest.
			a := c.NewSeq()
			for lo := 0; lo < n; {
				hi := min(n, lo+[]int{7, 40, n}[min(2, lo/40)])
				if err := c.Append(a, toks[lo:hi]); err != nil {
					t.Fatal(err)
				}
				b.Reset()
				var rows []int
				for p := lo; p < hi; p++ {
					b.Add(toks[p], p, a, true)
					rows = append(rows, p)
				}
				l, err := m.Forward(&b, c)
				if err != nil {
					t.Fatal(err)
				}
				check(l, rows)
				c.SetComputed(a, hi)
				lo = hi
			}
			// Sequence s starts from a's cached blocks and decodes one by one.
			s := c.NewSeq()
			hit := c.Prefix(s, toks[:100])
			if hit != 96 {
				t.Fatalf("prefix hit %d, want 96", hit)
			}
			for p := hit; p < n; p++ {
				if err := c.Append(s, toks[p:p+1]); err != nil {
					t.Fatal(err)
				}
				b.Reset()
				b.Add(toks[p], p, s, true)
				l, err := m.Forward(&b, c)
				if err != nil {
					t.Fatal(err)
				}
				check(l, []int{p})
				c.SetComputed(s, p+1)
			}
			t.Logf("largest logit difference %.3g", worst)
			if worst > 1e-5 {
				t.Fatalf("paged attention differs from plain attention by %.3g > 1e-5", worst)
			}
		})
	}
}
