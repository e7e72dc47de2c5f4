package sched_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/logsift/logsift/inference/kvcache"
	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/sample"
	"github.com/logsift/logsift/inference/sched"
)

// recorder runs the real model and keeps each batch's entries.
type recorder struct {
	m       *model.Model
	batches [][]model.Entry
}

func (r *recorder) Forward(b *model.Batch, kv model.KV) ([]float32, error) {
	r.batches = append(r.batches, append([]model.Entry(nil), b.Entries...))
	return r.m.Forward(b, kv)
}

// TestStepOrderBudgetAndPreemption drives the scheduler by hand: every
// batch stays within the token budget, lists decodes before prompt tokens,
// and under pool pressure the sequence admitted first is never preempted.
func TestStepOrderBudgetAndPreemption(t *testing.T) {
	m, err := model.Load(filepath.Join("..", "..", "..", "shared", "conformance", "models", "tiny-llama-f32.gguf"), model.Options{Threads: 2, MaxBatch: 64})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	cfg := m.Config()
	kv, err := kvcache.New(kvcache.Config{Layers: cfg.NLayer, Dim: cfg.KVDim(), BlockSize: 4, Blocks: 24})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{m: m}
	const budget = 12
	s, err := sched.New(rec, kv, sched.Config{StepTokens: budget, Vocab: cfg.NVocab})
	if err != nil {
		t.Fatal(err)
	}
	var seqs []*sched.Seq
	finished := 0
	for i := range 6 {
		smp, _ := sample.New(sample.Params{}, nil)
		p := make([]int32, 10+3*i)
		for j := range p {
			p[j] = int32((i*131 + j*17) % cfg.NVocab)
		}
		q := &sched.Seq{Ctx: context.Background(), Prompt: p, MaxTokens: 20, Sampler: smp,
			OnFinish: func(reason string, err error) {
				if err != nil || reason != sched.FinishLength {
					t.Errorf("finish %q %v", reason, err)
				}
				finished++
			}}
		if err := s.Add(q); err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, q)
	}
	for steps := 0; !s.Idle(); steps++ {
		if steps > 1000 {
			t.Fatal("no progress")
		}
		if _, err := s.Step(); err != nil {
			t.Fatal(err)
		}
	}
	if finished != 6 {
		t.Fatalf("%d finished", finished)
	}
	for i, b := range rec.batches {
		if len(b) > budget {
			t.Fatalf("batch %d: %d tokens > budget %d", i, len(b), budget)
		}
		// Prompts are at most 25 tokens, so a lone entry at a later
		// position is a decode; none may follow a multi-token chunk.
		count := map[int32]int{}
		for _, e := range b {
			count[e.Seq]++
		}
		sawChunk := false
		for _, e := range b {
			if count[e.Seq] > 1 {
				sawChunk = true
			} else if sawChunk && e.Pos >= 25 {
				t.Fatalf("batch %d: decode of sequence %d after a prompt chunk: %v", i, e.Seq, b)
			}
		}
	}
	st := s.Stats()
	if st.Preemptions == 0 {
		t.Fatal("no preemption: the pool was not under pressure")
	}
	if seqs[0].Preempted != 0 {
		t.Fatalf("the oldest sequence was preempted %d times", seqs[0].Preempted)
	}
	if st.GeneratedTokens != 6*20 || st.KV.Used != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// TestSharedPromptSlice: requests may share one prompt slice with spare
// capacity; appending one's output must not overwrite the other's.
func TestSharedPromptSlice(t *testing.T) {
	m, err := model.Load(filepath.Join("..", "..", "..", "shared", "conformance", "models", "tiny-llama-f32.gguf"), model.Options{Threads: 2, MaxBatch: 64})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	cfg := m.Config()
	run := func(prompts ...[]int32) [][]int32 {
		kv, err := kvcache.New(kvcache.Config{Layers: cfg.NLayer, Dim: cfg.KVDim(), BlockSize: 4, Blocks: 64})
		if err != nil {
			t.Fatal(err)
		}
		s, err := sched.New(m, kv, sched.Config{StepTokens: 32, Vocab: cfg.NVocab, NoPrefixCache: true})
		if err != nil {
			t.Fatal(err)
		}
		var seqs []*sched.Seq
		for i, p := range prompts {
			smp, _ := sample.New(sample.Params{Temperature: 1, Seed: uint64(i)}, nil)
			q := &sched.Seq{Ctx: context.Background(), Prompt: p, MaxTokens: 10, Sampler: smp, IgnoreEOG: true}
			if err := s.Add(q); err != nil {
				t.Fatal(err)
			}
			seqs = append(seqs, q)
		}
		for !s.Idle() {
			if _, err := s.Step(); err != nil {
				t.Fatal(err)
			}
		}
		var out [][]int32
		for _, q := range seqs {
			out = append(out, q.Out)
		}
		return out
	}
	p := make([]int32, 5, 64)
	for i := range p {
		p[i] = int32(10 * (i + 1))
	}
	together := run(p, p)
	alone := [][]int32{run(slices.Clone(p))[0], run(slices.Clone(p), slices.Clone(p))[1]}
	for i := range alone {
		if !slices.Equal(together[i], alone[i]) {
			t.Fatalf("sequence %d: %v, alone %v", i, together[i], alone[i])
		}
	}
}
