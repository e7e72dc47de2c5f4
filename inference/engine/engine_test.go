package engine_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/sample"
)

var modelsDir = filepath.Join("..", "..", "..", "shared", "conformance", "models")

func loadModel(t testing.TB, name string) *model.Model {
	t.Helper()
	m, err := model.Load(filepath.Join(modelsDir, name+".gguf"), model.Options{Threads: 2, MaxBatch: 256})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func newEngine(t testing.TB, m *model.Model, cfg engine.Config) *engine.Engine {
	t.Helper()
	e, err := engine.New(m, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func randPrompt(rng *rand.Rand, n, vocab int) []int32 {
	p := make([]int32, n)
	for i := range p {
		p[i] = int32(rng.IntN(vocab))
	}
	return p
}

// runAll sends reqs with at most conc in flight and returns results in order.
func runAll(t *testing.T, e *engine.Engine, reqs []engine.Request, conc int) []engine.Result {
	t.Helper()
	res := make([]engine.Result, len(reqs))
	errs := make([]error, len(reqs))
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for i, r := range reqs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			res[i], errs[i] = e.Generate(context.Background(), r)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	return res
}

func sameOutputs(t *testing.T, got, want []engine.Result, tol float64) {
	t.Helper()
	worst := 0.0
	for i := range want {
		if !slices.Equal(got[i].Tokens, want[i].Tokens) {
			t.Fatalf("request %d: tokens %v, want %v", i, got[i].Tokens, want[i].Tokens)
		}
		for j := range want[i].Logprobs {
			worst = max(worst, math.Abs(float64(got[i].Logprobs[j]-want[i].Logprobs[j])))
		}
	}
	t.Logf("largest logprob difference %.3g", worst)
	if worst > tol {
		t.Fatalf("logprobs differ by %.3g > %g", worst, tol)
	}
}

// TestBatchedEqualsAlone: 48 prompts of 1..300 tokens through the
// scheduler 16 at a time give the tokens and logprobs of each run alone.
func TestBatchedEqualsAlone(t *testing.T) {
	m := loadModel(t, "tiny-llama-f32")
	rng := rand.New(rand.NewPCG(1, 2))
	var reqs []engine.Request
	for i := range 48 {
		n := 1 + i*299/47
		reqs = append(reqs, engine.Request{Prompt: randPrompt(rng, n, m.Config().NVocab), MaxTokens: 6, IgnoreEOG: true})
	}
	alone := newEngine(t, m, engine.Config{NoPrefixCache: true})
	want := runAll(t, alone, reqs, 1)
	alone.Close()
	e := newEngine(t, m, engine.Config{StepTokens: 128})
	got := runAll(t, e, reqs, 16)
	sameOutputs(t, got, want, 1e-4)
	st := e.Stats()
	t.Logf("steps %d, batch tokens %d, generated %d", st.Steps, st.BatchTokens, st.GeneratedTokens)
	if st.GeneratedTokens != 48*6 || st.Finished != 48 {
		t.Fatalf("stats %+v", st)
	}
	if avg := float64(st.BatchTokens) / float64(st.Steps); avg < 2 {
		t.Fatalf("%.1f tokens per step: requests were not batched", avg)
	}
}

// TestPrefixCache: after the first of 20 requests sharing a 256-token
// prefix, each computes only its suffix; outputs equal a cache-off run.
func TestPrefixCache(t *testing.T) {
	m := loadModel(t, "tiny-llama-f32")
	rng := rand.New(rand.NewPCG(3, 4))
	prefix := randPrompt(rng, 256, m.Config().NVocab)
	var reqs []engine.Request
	suffixes := 0
	for i := range 20 {
		suf := randPrompt(rng, 3+i, m.Config().NVocab)
		suffixes += len(suf)
		reqs = append(reqs, engine.Request{Prompt: slices.Concat(prefix, suf), MaxTokens: 5, IgnoreEOG: true})
	}
	off := newEngine(t, m, engine.Config{NoPrefixCache: true})
	want := runAll(t, off, reqs, 8)
	if st := off.Stats(); st.PrefixHitTokens != 0 || st.PrefillTokens != int64(20*256+suffixes) {
		t.Fatalf("cache off: %d hit, %d prefill tokens", st.PrefixHitTokens, st.PrefillTokens)
	}
	off.Close()

	e := newEngine(t, m, engine.Config{})
	got := runAll(t, e, reqs[:1], 1)
	got = append(got, runAll(t, e, reqs[1:], 8)...)
	sameOutputs(t, got, want, 1e-5)
	st := e.Stats()
	if st.PrefixHitTokens != 19*256 || st.PrefillTokens != int64(256+suffixes) {
		t.Fatalf("cache on: %d hit tokens (want %d), %d prefill tokens (want %d)", st.PrefixHitTokens, 19*256, st.PrefillTokens, 256+suffixes)
	}
	for i, r := range got[1:] {
		if r.CachedTokens != 256 {
			t.Fatalf("request %d reused %d tokens", i+1, r.CachedTokens)
		}
	}
}

func waitIdle(t *testing.T, e *engine.Engine) {
	t.Helper()
	for i := 0; ; i++ {
		st := e.Stats()
		if st.Running == 0 && st.Waiting == 0 {
			return
		}
		if i > 10000 {
			t.Fatalf("engine never idle: %+v", st)
		}
		time.Sleep(time.Millisecond)
	}
}

func checkAllFree(t *testing.T, e *engine.Engine) {
	t.Helper()
	waitIdle(t, e)
	if err := e.ClearPrefixCache(context.Background()); err != nil {
		t.Fatal(err)
	}
	if kv := e.Stats().KV; kv.Free != kv.Blocks || kv.Seqs != 0 {
		t.Fatalf("blocks leaked: %+v", kv)
	}
}

// TestPressure: a pool for about three sequences serves 30 concurrent
// requests by preempting and recomputing; outputs are those of a big pool
// and no block leaks, also when half are cancelled mid-generation.
func TestPressure(t *testing.T) {
	m := loadModel(t, "tiny-llama-f32")
	rng := rand.New(rand.NewPCG(5, 6))
	shared := randPrompt(rng, 20, m.Config().NVocab)
	var reqs []engine.Request
	for i := range 30 {
		p := randPrompt(rng, 10+i, m.Config().NVocab)
		if i%3 == 0 {
			p = slices.Concat(shared, p) // some prefix sharing under pressure too
		}
		reqs = append(reqs, engine.Request{Prompt: p, MaxTokens: 20, IgnoreEOG: true,
			Sampling: sample.Params{Temperature: 0.8, TopK: 20, Seed: uint64(i)}})
	}
	big := newEngine(t, m, engine.Config{})
	want := runAll(t, big, reqs, 30)
	big.Close()

	// Longest request: 20+39+20 = 79 tokens = 5 blocks; 15 blocks ≈ 3 sequences.
	e := newEngine(t, m, engine.Config{KVBlocks: 15, StepTokens: 64})
	got := runAll(t, e, reqs, 30)
	sameOutputs(t, got, want, 1e-4)
	st := e.Stats()
	t.Logf("preemptions %d, steps %d", st.Preemptions, st.Steps)
	if st.Preemptions == 0 {
		t.Fatal("no preemption: the pool was not under pressure")
	}
	checkAllFree(t, e)

	// Cancel every odd request after its third token.
	res := make([]engine.Result, len(reqs))
	errs := make([]error, len(reqs))
	var wg sync.WaitGroup
	for i, r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			res[i], errs[i] = e.Stream(ctx, r, func(tk engine.Token) {
				if i%2 == 1 && tk.Index == 2 {
					cancel()
				}
			})
		}()
	}
	wg.Wait()
	for i := range reqs {
		if i%2 == 1 {
			if !errors.Is(errs[i], context.Canceled) {
				t.Fatalf("request %d: %v, want cancelled", i, errs[i])
			}
			continue
		}
		if errs[i] != nil {
			t.Fatalf("request %d: %v", i, errs[i])
		}
		if !slices.Equal(res[i].Tokens, want[i].Tokens) {
			t.Fatalf("request %d after cancellations: %v, want %v", i, res[i].Tokens, want[i].Tokens)
		}
	}
	checkAllFree(t, e)
	// A request whose caller cancelled after its tokens were all generated
	// (they wait in its channel) finishes normally in the engine.
	if st := e.Stats(); st.Cancelled+st.Finished != 60 || st.Cancelled == 0 {
		t.Fatalf("cancelled %d + finished %d, want 60 with some cancelled", st.Cancelled, st.Finished)
	}
}

func TestStreamStopAndSeed(t *testing.T) {
	m := loadModel(t, "tiny-llama-f32")
	e := newEngine(t, m, engine.Config{})
	ctx := context.Background()
	req := engine.Request{Text: "The quick brown fox", MaxTokens: 12, IgnoreEOG: true,
		Sampling: sample.Params{Temperature: 1, TopP: 0.9, Seed: 7, TopLogprobs: 3}}
	var streamed []int32
	a, err := e.Stream(ctx, req, func(tk engine.Token) {
		if tk.Index != len(streamed) || len(tk.Top) != 3 {
			panic(fmt.Sprintf("token %+v out of order or without top logprobs", tk))
		}
		streamed = append(streamed, tk.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(streamed, a.Tokens) || a.FinishReason != "length" || len(a.TopLogprobs) != 12 {
		t.Fatalf("streamed %v, result %+v", streamed, a)
	}
	b, err := e.Generate(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Tokens, b.Tokens) {
		t.Fatalf("same seed: %v then %v", a.Tokens, b.Tokens)
	}
	// A stop string taken from the middle of the output ends it there.
	text := a.Text
	if len(text) < 4 {
		t.Fatalf("output %q too short to take a stop string from: the test needs a longer generation", text)
	}
	stop := strings.TrimSpace(text[len(text)/2:])[:2]
	req.Stop = []string{stop}
	c, err := e.Generate(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if c.FinishReason != "stop" || strings.Contains(c.Text, stop) || !strings.HasPrefix(text, c.Text) || len(c.Tokens) >= len(a.Tokens) {
		t.Fatalf("stop %q: %+v (full text %q)", stop, c, text)
	}
	if _, err := e.Generate(ctx, engine.Request{Prompt: []int32{1}, MaxTokens: m.Config().NCtx}); err == nil {
		t.Fatal("request beyond the context accepted")
	}
}
