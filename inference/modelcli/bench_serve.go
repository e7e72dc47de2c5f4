package modelcli

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/tokenizer"
)

type serveOptions struct {
	model                                string
	threads                              int
	seed                                 uint64
	format                               string
	concurrency, promptTokens, genTokens int
	sharedPrefix, requests, kvMiB        int
	noPrefixCache                        bool
	schema                               []byte // nil: --gen-tokens tokens per request
	schemaMaxBytes                       int
	noJumpForward                        bool
	promptsFile                          string // "" = random prompts
	spec                                 speculateFlags
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
	CPUS            float64 `json:"cpu_s"` // CPU time of the process over the timed requests
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

	// Speculative decoding (--speculate): the mode, draft tokens verified
	// and accepted, accepted/drafted, and sampled tokens per target
	// forward pass a sequence sampled in (1 without speculation).
	Speculate              string  `json:"speculate"`
	DraftModel             string  `json:"draft_model,omitempty"`
	DraftedTokens          int64   `json:"drafted_tokens"`
	AcceptedTokens         int64   `json:"accepted_tokens"`
	AcceptanceRate         float64 `json:"acceptance_rate"`
	TokensPerTargetForward float64 `json:"tokens_per_target_forward"`

	// With --json-schema (gen_tokens is then 0): tokens appended by
	// jump-forward (generated_tokens counts the sampled ones), output
	// tokens (both) per second, and forward passes per object (the
	// prompt's included).
	Schema            bool    `json:"schema,omitempty"`
	JumpForward       bool    `json:"jump_forward,omitempty"`
	ForcedTokens      int64   `json:"forced_tokens,omitempty"`
	OutputTokensPerS  float64 `json:"output_tokens_per_s,omitempty"`
	ForwardsPerObject float64 `json:"forwards_per_object,omitempty"`
	TokensPerObject   float64 `json:"tokens_per_object,omitempty"`
	ObjectsPerS       float64 `json:"objects_per_s,omitempty"`
}

// runServeBench drives the engine with synthetic requests: random token
// prompts, the first sharedPrefix tokens common to all, each generating
// exactly genTokens (end-of-generation tokens ignored), concurrency at a
// time. One untimed warm-up request (carrying the shared prefix, so the
// timed ones find it cached) runs first; its tokens are not counted.
func runServeBench(ctx context.Context, o serveOptions, stdout io.Writer) error {
	if o.requests == 0 && o.promptsFile == "" {
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
	draft, err := o.spec.load(o.threads, 0)
	if err != nil {
		return err
	}
	if draft != nil {
		defer draft.Close()
	}
	cfg := m.Config()
	var filePrompts [][]int32
	if o.promptsFile != "" {
		if filePrompts, err = readPrompts(o.promptsFile, m); err != nil {
			return err
		}
		if o.requests == 0 {
			o.requests = len(filePrompts)
		}
		o.promptTokens, o.sharedPrefix = 0, 0
		for _, p := range filePrompts {
			o.promptTokens = max(o.promptTokens, len(p))
		}
	}
	if o.schema != nil {
		if o.genTokens, err = schemaMaxTokens(o.schemaMaxBytes, o.promptTokens, cfg.NCtx); err != nil {
			return err
		}
	}
	if o.promptTokens+o.genTokens > cfg.NCtx {
		return usagef("--prompt-tokens %d + --gen-tokens %d exceed the context length %d", o.promptTokens, o.genTokens, cfg.NCtx)
	}
	e, err := engine.New(m, engine.Config{KVBudget: int64(o.kvMiB) << 20, NoPrefixCache: o.noPrefixCache,
		Draft: draft, Speculate: o.spec.mode})
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
		if filePrompts != nil {
			prompts[i] = filePrompts[i%len(filePrompts)]
			continue
		}
		prompts[i] = slices.Concat(prefix, randToks(o.promptTokens-o.sharedPrefix))
	}
	request := func(prompt []int32, maxTokens int) engine.Request {
		if o.schema != nil {
			return engine.Request{Prompt: prompt, Schema: o.schema, NoJumpForward: o.noJumpForward}
		}
		return engine.Request{Prompt: prompt, MaxTokens: maxTokens, IgnoreEOG: true}
	}
	if o.schema != nil {
		// As a server would for its default schema: every mask computed
		// before the timed requests (cold masks inside free strings cost
		// milliseconds each; see constrain's BENCH.md).
		x, err := e.Index(o.schema, schemaOptions)
		if err != nil {
			return err
		}
		if _, err := x.Warm(ctx); err != nil {
			return err
		}
	}
	warm := slices.Concat(prefix, randToks(o.promptTokens-o.sharedPrefix))
	if filePrompts != nil {
		warm = filePrompts[0]
	}
	if _, err := e.Generate(ctx, request(warm, 1)); err != nil {
		return err
	}
	before := e.Stats()

	ttft := make([]float64, o.requests)
	forwards := make([]int, o.requests)
	outTokens := make([]int, o.requests)
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
			r, err := e.Generate(ctx, request(prompts[i], o.genTokens))
			ttft[i], errs[i] = float64(r.TTFT)/float64(time.Millisecond), err
			forwards[i], outTokens[i] = r.Forwards, len(r.Tokens)
			if err == nil && o.schema != nil && r.JSON == nil {
				errs[i] = fmt.Errorf("request %d: no complete value in %d tokens (%s)", i, len(r.Tokens), r.FinishReason)
			}
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
		GeneratedTokens: after.GeneratedTokens - before.GeneratedTokens, WallS: wall, CPUS: cpu,
		PrefixHitTokens: after.PrefixHitTokens - before.PrefixHitTokens,
		PrefillTokens:   after.PrefillTokens - before.PrefillTokens,
		Preemptions:     after.Preemptions - before.Preemptions, Steps: after.Steps - before.Steps,
		KVBytesPerToken: after.KVBytesPerToken, KVBlocks: after.KV.Blocks,
		Speculate: o.spec.mode, DraftModel: o.spec.draftPath,
		DraftedTokens:  after.DraftedTokens - before.DraftedTokens,
		AcceptedTokens: after.AcceptedTokens - before.AcceptedTokens,
	}
	if res.DraftedTokens > 0 {
		res.AcceptanceRate = float64(res.AcceptedTokens) / float64(res.DraftedTokens)
	}
	if n := after.SamplingSteps - before.SamplingSteps; n > 0 {
		res.TokensPerTargetForward = float64(res.GeneratedTokens) / float64(n)
	}
	res.TokensPerS = float64(res.GeneratedTokens) / wall
	if cpu > 0 {
		res.TokensPerCPUS = float64(res.GeneratedTokens) / cpu
	}
	res.TTFTMsP50, res.TTFTMsP99 = percentile(ttft, 0.50), percentile(ttft, 0.99)
	if o.schema != nil {
		res.GenTokens = 0
		res.Schema, res.JumpForward = true, !o.noJumpForward
		res.ForcedTokens = after.ForcedTokens - before.ForcedTokens
		var f, n int
		for i := range forwards {
			f += forwards[i]
			n += outTokens[i]
		}
		res.OutputTokensPerS = float64(n) / wall
		res.ForwardsPerObject = float64(f) / float64(o.requests)
		res.TokensPerObject = float64(n) / float64(o.requests)
		res.ObjectsPerS = float64(o.requests) / wall
	}
	if o.format == "json" {
		return writeJSON(stdout, res)
	}
	if o.schema != nil {
		_, err = fmt.Fprintf(stdout, "%s  c=%d  %d objects (jump-forward %v) in %.2fs: %.2f objects/s  %.1f tokens/object (%d sampled, %d forced)  %.1f output t/s  %.1f forward passes/object  ttft p50 %.1f ms  speculate %s: acceptance %.2f, %.2f tokens/target forward\n",
			o.model, o.concurrency, res.Requests, res.JumpForward, wall, res.ObjectsPerS, res.TokensPerObject,
			res.GeneratedTokens, res.ForcedTokens, res.OutputTokensPerS, res.ForwardsPerObject, res.TTFTMsP50,
			res.Speculate, res.AcceptanceRate, res.TokensPerTargetForward)
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s  c=%d  %d requests  %d tokens in %.2fs: %.1f t/s (%.1f per CPU-s)  ttft p50 %.1f ms p99 %.1f ms  prefix hits %d  kv %d B/token  speculate %s: acceptance %.2f, %.2f tokens/target forward\n",
		o.model, o.concurrency, res.Requests, res.GeneratedTokens, wall, res.TokensPerS, res.TokensPerCPUS,
		res.TTFTMsP50, res.TTFTMsP99, res.PrefixHitTokens, res.KVBytesPerToken, res.Speculate, res.AcceptanceRate, res.TokensPerTargetForward)
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

// readPrompts reads one prompt per non-empty line, special tokens parsed,
// no BOS added.
func readPrompts(path string, m *model.Model) ([][]int32, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("--prompts: %v", err)
	}
	var out [][]int32
	for line := range strings.Lines(string(b)) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			continue
		}
		out = append(out, m.Tokenizer().Encode(line, tokenizer.EncodeOptions{ParseSpecial: true}))
	}
	if len(out) == 0 {
		return nil, usagef("--prompts %s: no prompt", path)
	}
	return out, nil
}
