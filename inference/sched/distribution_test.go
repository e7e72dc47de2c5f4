package sched_test

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/logsift/logsift/inference/kvcache"
	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/sample"
	"github.com/logsift/logsift/inference/sched"
	"github.com/logsift/logsift/inference/speculate"
)

// setMask allows only the tokens of a set: the sampler's Mask, the
// scheduler's Constraint (it never forces) and the drafter's Grammar, so
// that both the target's and the draft's distributions are masked.
type setMask struct {
	allow map[int32]bool
	n     int // accepted tokens
}

func (m *setMask) Apply(l []float32) {
	for i := range l {
		if !m.allow[int32(i)] {
			l[i] = float32(math.Inf(-1))
		}
	}
}

func (m *setMask) Accept(int32) error { m.n++; return nil }

func (m *setMask) Advance() (int, []int32, bool) { return m.n, nil, false }

func (m *setMask) Allow(d []int32) (int, bool) {
	for i, t := range d {
		if !m.allow[t] {
			return i, false
		}
	}
	return len(d), true
}

func (m *setMask) Mask(_ []int32, l []float32) { m.Apply(l) }

// firstTwo samples the first two generated tokens of n sequences with the
// same prompt (seeds seed0...), with drafter d (nil = none), and counts the
// pairs.
func firstTwo(t *testing.T, m *model.Model, n int, seed0 uint64, p sample.Params, allow []int32, d func(seed uint64) speculate.Drafter) (map[[2]int32]int, sched.Stats) {
	t.Helper()
	cfg := m.Config()
	kv, err := kvcache.New(kvcache.Config{Layers: cfg.NLayer, Dim: cfg.KVDim(), BlockSize: 16, Blocks: 512})
	if err != nil {
		t.Fatal(err)
	}
	s, err := sched.New(m, kv, sched.Config{StepTokens: 256, MaxSeqs: 64, Vocab: cfg.NVocab})
	if err != nil {
		t.Fatal(err)
	}
	prompt := []int32{17}
	counts := map[[2]int32]int{}
	added := 0
	for added < n || !s.Idle() {
		for added < n && s.Stats().Running+s.Stats().Waiting < 64 {
			p := p
			p.Seed = seed0 + uint64(added)
			var mask *setMask
			if allow != nil {
				mask = &setMask{allow: map[int32]bool{}}
				for _, a := range allow {
					mask.allow[a] = true
				}
			}
			var smp *sample.Sampler
			if mask != nil {
				smp, _ = sample.New(p, mask)
			} else {
				smp, _ = sample.New(p, nil)
			}
			q := &sched.Seq{Ctx: context.Background(), Prompt: prompt, MaxTokens: 2, Sampler: smp, IgnoreEOG: true}
			q.OnFinish = func(reason string, err error) {
				if err != nil || len(q.Out) != 2 {
					t.Errorf("finish %q %v with %v", reason, err, q.Out)
					return
				}
				counts[[2]int32{q.Out[0], q.Out[1]}]++
			}
			if mask != nil {
				q.Constraint = mask
			}
			if d != nil {
				q.Speculate = speculate.NewState(d(p.Seed), speculate.Adapt{Start: 1, OffAfter: -1})
			}
			if err := s.Add(q); err != nil {
				t.Fatal(err)
			}
			added++
			s.Refresh()
		}
		if _, err := s.Step(); err != nil {
			t.Fatal(err)
		}
	}
	return counts, s.Stats()
}

// chiSquare is the two-sample homogeneity test of two histograms with the
// same total; cells with fewer than 10 observations together are pooled.
// The p-value uses the Wilson–Hilferty approximation.
func chiSquare(a, b map[[2]int32]int) (stat float64, df int, p float64) {
	keys := map[[2]int32]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var pa, pb float64
	cells := 0
	for k := range keys {
		x, y := float64(a[k]), float64(b[k])
		if x+y < 10 {
			pa, pb = pa+x, pb+y
			continue
		}
		stat += (x - y) * (x - y) / (x + y)
		cells++
	}
	if pa+pb > 0 {
		stat += (pa - pb) * (pa - pb) / (pa + pb)
		cells++
	}
	df = cells - 1
	k := float64(df)
	z := (math.Cbrt(stat/k) - (1 - 2/(9*k))) / math.Sqrt(2/(9*k))
	return stat, df, 0.5 * math.Erfc(z/math.Sqrt2)
}

// TestSamplingDistributionExact: the joint distribution of the first two
// sampled tokens is the same with speculation as without (chi-square,
// p > 0.001), for a draft model whose distribution differs from the
// target's (the q4_0 model drafting at a lower temperature, so that many
// drafts are rejected and the residual distribution is drawn from) and for
// prompt lookup (a point mass), without a mask (top-k 8 on the target, so
// the draft puts mass where the target has none) and with one masking
// both. Lookup draws as plain sampling does, so its tokens are even the
// same seed for seed.
func TestSamplingDistributionExact(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "conformance", "models")
	m, err := model.Load(filepath.Join(dir, "tiny-llama-f32.gguf"), model.Options{Threads: 2, MaxBatch: 256})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	dm, err := model.Load(filepath.Join(dir, "tiny-llama-q4_0.gguf"), model.Options{Threads: 2, MaxBatch: 256})
	if err != nil {
		t.Fatal(err)
	}
	defer dm.Close()
	draft, err := speculate.NewDraftModel(dm, speculate.DraftConfig{Blocks: 512})
	if err != nil {
		t.Fatal(err)
	}
	n := 20000
	if raceEnabled {
		n = 3000
	}
	allow := []int32{3, 21, 57, 98, 114, 154, 189, 220, 276, 333, 377, 398}
	for _, tc := range []struct {
		name  string
		p     sample.Params
		allow []int32
	}{
		{"top-k", sample.Params{Temperature: 0.5, TopK: 8}, nil},
		{"mask", sample.Params{Temperature: 1}, allow},
	} {
		want, _ := firstTwo(t, m, n, 0, tc.p, tc.allow, nil)
		// Other seeds: the samples are independent of want's.
		got, st := firstTwo(t, m, n, 1<<32, tc.p, tc.allow, func(seed uint64) speculate.Drafter {
			ds, err := draft.NewSeq(sample.Params{Temperature: tc.p.Temperature / 4, Seed: seed + 1})
			if err != nil {
				t.Fatal(err)
			}
			return ds
		})
		stat, df, pv := chiSquare(got, want)
		t.Logf("%s, draft model: %d cells, chi-square %.1f df %d p %.3g; drafted %d accepted %d",
			tc.name, len(want), stat, df, pv, st.DraftedTokens, st.AcceptedTokens)
		if pv < 0.001 {
			t.Errorf("%s, draft model: the distributions differ: chi-square %.1f df %d p %.3g", tc.name, stat, df, pv)
		}
		if st.AcceptedTokens == 0 || st.AcceptedTokens > st.DraftedTokens*9/10 {
			t.Errorf("%s, draft model: accepted %d of %d: the test needs both outcomes", tc.name, st.AcceptedTokens, st.DraftedTokens)
		}
		if k := draft.Cache().Stats(); k.Used != 0 || k.Seqs != 0 {
			t.Errorf("draft KV leaked: %+v", k)
		}
		// Point mass, same seeds: the same pairs, sequence for sequence
		// (the counts of the first 2000 compared).
		few, _ := firstTwo(t, m, 2000, 0, tc.p, tc.allow, nil)
		var likely []int32 // tokens the target samples first
		for k := range few {
			if !slices.Contains(likely, k[0]) {
				likely = append(likely, k[0])
			}
		}
		slices.Sort(likely)
		lk, st := firstTwo(t, m, 2000, 0, tc.p, tc.allow, func(uint64) speculate.Drafter { return pairDrafter{likely} })
		t.Logf("%s, point mass: drafted %d accepted %d", tc.name, st.DraftedTokens, st.AcceptedTokens)
		if st.AcceptedTokens == 0 || st.AcceptedTokens == st.DraftedTokens {
			t.Errorf("%s, point mass: accepted %d of %d", tc.name, st.AcceptedTokens, st.DraftedTokens)
		}
		for k, c := range few {
			if lk[k] != c {
				t.Fatalf("%s, point mass: pair %v seen %d times, %d without drafts", tc.name, k, lk[k], c)
			}
		}
	}
}

// pairDrafter proposes one of a few tokens, a point mass like prompt
// lookup's, varying with the context so that some drafts are accepted.
type pairDrafter struct{ toks []int32 }

func (d pairDrafter) Propose(ctx []int32, max int) []int32 {
	return slices.Repeat([]int32{d.toks[(len(ctx)*7+int(ctx[len(ctx)-1]))%len(d.toks)]}, max)
}
