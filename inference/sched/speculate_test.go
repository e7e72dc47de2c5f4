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
	"github.com/logsift/logsift/inference/speculate"
)

// wrong drafts tokens the target (almost) never takes, so nearly every
// drafted position is rolled back.
type wrong struct{ vocab int }

func (w wrong) Propose(ctx []int32, max int) []int32 {
	d := make([]int32, max)
	for i := range d {
		d[i] = int32((int(ctx[len(ctx)-1]) + 7 + i) % w.vocab)
	}
	return d
}

// runSeqs decodes the same prompts greedily under pool pressure, with
// drafts from d (nil = none), and returns the outputs and the scheduler.
func runSeqs(t *testing.T, m *model.Model, d func() speculate.Drafter) ([][]int32, *sched.Scheduler) {
	t.Helper()
	cfg := m.Config()
	kv, err := kvcache.New(kvcache.Config{Layers: cfg.NLayer, Dim: cfg.KVDim(), BlockSize: 4, Blocks: 48})
	if err != nil {
		t.Fatal(err)
	}
	s, err := sched.New(m, kv, sched.Config{StepTokens: 40, Vocab: cfg.NVocab})
	if err != nil {
		t.Fatal(err)
	}
	var seqs []*sched.Seq
	for i := range 6 {
		smp, _ := sample.New(sample.Params{}, nil)
		p := make([]int32, 10+3*i)
		for j := range p {
			p[j] = int32((i*131 + (j%5)*17) % cfg.NVocab) // repeats: lookup finds matches
		}
		q := &sched.Seq{Ctx: context.Background(), Prompt: p, MaxTokens: 60, Sampler: smp, IgnoreEOG: true,
			OnFinish: func(reason string, err error) {
				if err != nil || reason != sched.FinishLength {
					t.Errorf("finish %q %v", reason, err)
				}
			}}
		if d != nil {
			q.Speculate = speculate.NewState(d(), speculate.Adapt{OffAfter: -1})
		}
		if err := s.Add(q); err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, q)
	}
	for steps := 0; !s.Idle(); steps++ {
		if steps > 5000 {
			t.Fatal("no progress")
		}
		if _, err := s.Step(); err != nil {
			t.Fatal(err)
		}
	}
	out := make([][]int32, len(seqs))
	for i, q := range seqs {
		out[i] = q.Out
	}
	return out, s
}

// TestSpeculationRollback: thousands of rejected drafts, under preemption
// pressure, leave the outputs those of plain greedy decoding and the pool
// without leaked blocks.
func TestSpeculationRollback(t *testing.T) {
	m, err := model.Load(filepath.Join("..", "..", "..", "shared", "conformance", "models", "tiny-llama-f32.gguf"), model.Options{Threads: 2, MaxBatch: 64})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	want, _ := runSeqs(t, m, nil)
	rejected := map[string]int64{}
	for _, tc := range []struct {
		name   string
		rounds int
		d      func() speculate.Drafter
	}{
		// The draft length shrinks to 1 on rejection; rounds add up.
		{"wrong", 8, func() speculate.Drafter { return wrong{m.Config().NVocab} }},
		{"lookup", 1, func() speculate.Drafter { return speculate.Lookup{} }},
	} {
		for range tc.rounds {
			got, s := runSeqs(t, m, tc.d)
			for i := range want {
				if !slices.Equal(got[i], want[i]) {
					t.Fatalf("%s: sequence %d:\n got %v\nwant %v", tc.name, i, got[i], want[i])
				}
			}
			st := s.Stats()
			rejected[tc.name] += st.DraftedTokens - st.AcceptedTokens
			t.Logf("%s: drafted %d accepted %d steps %d preemptions %d", tc.name, st.DraftedTokens, st.AcceptedTokens, st.Steps, st.Preemptions)
			if tc.name == "lookup" && st.AcceptedTokens == 0 {
				t.Fatal("lookup drafts on repetitive prompts: nothing accepted")
			}
			if st.GeneratedTokens != 6*60 || st.KV.Used != 0 || st.KV.Seqs != 0 {
				t.Fatalf("stats %+v", st)
			}
			s.Cache().ClearPrefix()
			if k := s.Cache().Stats(); k.Free != k.Blocks {
				t.Fatalf("blocks leaked: %+v", k)
			}
		}
	}
	if rejected["wrong"] < 2000 {
		t.Fatalf("only %d rejected drafts", rejected["wrong"])
	}
}
