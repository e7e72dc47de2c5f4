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
	dm, err := model.Load(filepath.Join("..", "..", "..", "shared", "conformance", "models", "tiny-llama-q4_0.gguf"), model.Options{Threads: 2, MaxBatch: 64})
	if err != nil {
		t.Fatal(err)
	}
	defer dm.Close()
	// A draft pool of 24 blocks cannot hold six sequences: drafters are
	// dropped and start afresh.
	draft, err := speculate.NewDraftModel(dm, speculate.DraftConfig{Blocks: 24, BlockSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	rejected := map[string]int64{}
	for _, tc := range []struct {
		name   string
		rounds int
		d      func() speculate.Drafter
	}{
		// The draft length shrinks to 1 on rejection; rounds add up.
		{"wrong", 8, func() speculate.Drafter { return wrong{m.Config().NVocab} }},
		{"lookup", 1, func() speculate.Drafter { return speculate.Lookup{} }},
		{"draft model", 2, func() speculate.Drafter {
			ds, err := draft.NewSeq(sample.Params{})
			if err != nil {
				t.Fatal(err)
			}
			return ds
		}},
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
			if tc.name != "wrong" && st.AcceptedTokens == 0 {
				t.Fatalf("%s: nothing accepted", tc.name)
			}
			if k := draft.Cache().Stats(); k.Used != 0 || k.Seqs != 0 {
				t.Fatalf("draft model blocks leaked: %+v", k)
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

// TestSpeculationLeavesRoomForDecodes: with a tight step budget, drafting
// sequences leave a token for every other decoding sequence, so each step
// after the prompts holds every running sequence.
func TestSpeculationLeavesRoomForDecodes(t *testing.T) {
	m, err := model.Load(filepath.Join("..", "..", "..", "shared", "conformance", "models", "tiny-llama-f32.gguf"), model.Options{Threads: 2, MaxBatch: 64})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	cfg := m.Config()
	kv, err := kvcache.New(kvcache.Config{Layers: cfg.NLayer, Dim: cfg.KVDim(), BlockSize: 4, Blocks: 256})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{m: m}
	s, err := sched.New(rec, kv, sched.Config{StepTokens: 8, Vocab: cfg.NVocab})
	if err != nil {
		t.Fatal(err)
	}
	const n, prompt = 6, 3
	for i := range n {
		smp, _ := sample.New(sample.Params{}, nil)
		p := []int32{int32(i + 1), int32(i + 2), int32(i + 3)}
		q := &sched.Seq{Ctx: context.Background(), Prompt: p, MaxTokens: 20, Sampler: smp, IgnoreEOG: true,
			Speculate: speculate.NewState(wrong{cfg.NVocab}, speculate.Adapt{Start: 8, OffAfter: -1})}
		if err := s.Add(q); err != nil {
			t.Fatal(err)
		}
	}
	var live []int // running + waiting before each step
	for !s.Idle() {
		st := s.Stats()
		live = append(live, st.Running+st.Waiting)
		if _, err := s.Step(); err != nil {
			t.Fatal(err)
		}
	}
	drafted := false
	for i, b := range rec.batches {
		seqs := map[int32]bool{}
		for _, e := range b {
			seqs[e.Seq] = true
		}
		if len(b) > len(seqs) && int(b[0].Pos) >= prompt {
			drafted = true
		}
		// Prompts take the first steps (3 tokens each, budget 8); from
		// then on every live sequence decodes in every step.
		if i >= 3 && len(seqs) != live[i] {
			t.Fatalf("step %d holds %d of %d live sequences: %v", i, len(seqs), live[i], b)
		}
	}
	if !drafted {
		t.Fatal("no step verified a draft")
	}
	if st := s.Stats(); st.GeneratedTokens != n*20 || st.DraftedTokens == 0 {
		t.Fatalf("stats %+v", st)
	}
}
