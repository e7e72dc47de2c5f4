package modelcli

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/inference/model"
)

type serveOptions struct {
	model                                string
	threads                              int
	seed                                 uint64
	format                               string
	concurrency, promptTokens, genTokens int
	sharedPrefix, requests, kvMiB        int
	noPrefixCache                        bool
}

type serveResult struct {
	Model           string  `json:"model"`
	Threads         int     `json:"threads"`
	Concurrency     int     `json:"concurrency"`
	PromptTokens    int     `json:"prompt_tokens"`
	GenTokens       int     `json:"gen_tokens"`
	SharedPrefix    int     `json:"shared_prefix"`
	Requests        int     `json:"requests"`
	GeneratedTokens int64   `json:"generated_tokens"`
	WallS           float64 `json:"wall_s"`
	TokensPerS      float64 `json:"tokens_per_s"`
	// Generated tokens per CPU-second of the process: steadier than
	// tokens_per_s on a shared machine.
	TokensPerCPUS   float64 `json:"tokens_per_cpu_s"`
	TTFTMsP50       float64 `json:"ttft_ms_p50"`
	TTFTMsP99       float64 `json:"ttft_ms_p99"`
	PrefixHitTokens int64   `json:"prefix_hit_tokens"`
	PrefillTokens   int64   `json:"prefill_tokens"`
	Preemptions     int64   `json:"preemptions"`
	Steps           int64   `json:"steps"`
	KVBytesPerToken int64   `json:"kv_bytes_per_token"`
	KVBlocks        int     `json:"kv_blocks"`
}

// runServeBench drives the engine with synthetic requests: random token
// prompts, the first sharedPrefix tokens common to all, each generating
// exactly genTokens (end-of-generation tokens ignored), concurrency at a
// time. One untimed warm-up request (carrying the shared prefix, so the
// timed ones find it cached) runs first; its tokens are not counted.
func runServeBench(ctx context.Context, o serveOptions, stdout io.Writer) error {
	if o.requests == 0 {
		o.requests = 4 * o.concurrency
	}
	switch {
	case o.concurrency < 0:
		return usagef("--concurrency %d must not be negative", o.concurrency)
	case o.promptTokens <= 0 || o.genTokens <= 0:
		return usagef("--prompt-tokens %d and --gen-tokens %d must be positive", o.promptTokens, o.genTokens)
	case o.sharedPrefix < 0 || o.sharedPrefix >= o.promptTokens:
		return usagef("--shared-prefix %d must be in [0, --prompt-tokens %d)", o.sharedPrefix, o.promptTokens)
	case o.requests < 0:
		return usagef("--requests %d must not be negative", o.requests)
	case o.kvMiB <= 0:
		return usagef("--kv-mib %d must be positive", o.kvMiB)
	}
	m, err := model.Load(o.model, model.Options{Threads: o.threads})
	if err != nil {
		return err
	}
	defer m.Close()
	cfg := m.Config()
	if o.promptTokens+o.genTokens > cfg.NCtx {
		return usagef("--prompt-tokens %d + --gen-tokens %d exceed the context length %d", o.promptTokens, o.genTokens, cfg.NCtx)
	}
	e, err := engine.New(m, engine.Config{KVBudget: int64(o.kvMiB) << 20, NoPrefixCache: o.noPrefixCache})
	if err != nil {
		return err
	}
	defer e.Close()

	rng := rand.New(rand.NewPCG(o.seed, 2))
	randToks := func(n int) []int32 {
		t := make([]int32, n)
		for i := range t {
			t[i] = int32(rng.IntN(cfg.NVocab))
		}
		return t
	}
	prefix := randToks(o.sharedPrefix)
	prompts := make([][]int32, o.requests)
	for i := range prompts {
		prompts[i] = slices.Concat(prefix, randToks(o.promptTokens-o.sharedPrefix))
	}
	if _, err := e.Generate(ctx, engine.Request{Prompt: slices.Concat(prefix, randToks(o.promptTokens-o.sharedPrefix)), MaxTokens: 1, IgnoreEOG: true}); err != nil {
		return err
	}
	before := e.Stats()

	ttft := make([]float64, o.requests)
	errs := make([]error, o.requests)
	sem := make(chan struct{}, o.concurrency)
	var wg sync.WaitGroup
	wall0, cpu0 := time.Now(), cpuTime()
	for i := range prompts {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return ctx.Err()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			r, err := e.Generate(ctx, engine.Request{Prompt: prompts[i], MaxTokens: o.genTokens, IgnoreEOG: true})
			ttft[i], errs[i] = float64(r.TTFT)/float64(time.Millisecond), err
		}()
	}
	wg.Wait()
	wall, cpu := time.Since(wall0).Seconds(), (cpuTime() - cpu0).Seconds()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	after := e.Stats()
	res := serveResult{
		Model: o.model, Threads: m.Threads(), Concurrency: o.concurrency, PromptTokens: o.promptTokens,
		GenTokens: o.genTokens, SharedPrefix: o.sharedPrefix, Requests: o.requests,
		GeneratedTokens: after.GeneratedTokens - before.GeneratedTokens, WallS: wall,
		PrefixHitTokens: after.PrefixHitTokens - before.PrefixHitTokens,
		PrefillTokens:   after.PrefillTokens - before.PrefillTokens,
		Preemptions:     after.Preemptions - before.Preemptions, Steps: after.Steps - before.Steps,
		KVBytesPerToken: after.KVBytesPerToken, KVBlocks: after.KV.Blocks,
	}
	res.TokensPerS = float64(res.GeneratedTokens) / wall
	if cpu > 0 {
		res.TokensPerCPUS = float64(res.GeneratedTokens) / cpu
	}
	res.TTFTMsP50, res.TTFTMsP99 = percentile(ttft, 0.50), percentile(ttft, 0.99)
	if o.format == "json" {
		return writeJSON(stdout, res)
	}
	_, err = fmt.Fprintf(stdout, "%s  c=%d  %d requests  %d tokens in %.2fs: %.1f t/s (%.1f per CPU-s)  ttft p50 %.1f ms p99 %.1f ms  prefix hits %d  kv %d B/token\n",
		o.model, o.concurrency, res.Requests, res.GeneratedTokens, wall, res.TokensPerS, res.TokensPerCPUS,
		res.TTFTMsP50, res.TTFTMsP99, res.PrefixHitTokens, res.KVBytesPerToken)
	return err
}

// percentile is the nearest-rank q-quantile.
func percentile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	i := int(float64(len(s))*q+0.999999) - 1
	return s[max(0, min(i, len(s)-1))]
}
