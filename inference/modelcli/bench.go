package modelcli

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/logsift/logsift/inference/model"
)

const benchUsage = "--model M [--threads T] [--kv-type f32|f16] [--pp 128] [--tg 64] [--reps 3] [--cpuprofile FILE] [--format json|text]\n" +
	"       bench --model M --concurrency C --prompt-tokens P --gen-tokens G [--shared-prefix N] [--requests R] [--kv-mib 256] [--no-prefix-cache] [--json-schema FILE|default [--no-jump-forward]] [--prompts FILE] [--draft-model D] [--speculate off|draft|lookup|auto] [--threads T] [--format json|text]"

type benchResult struct {
	Model        string    `json:"model"`
	Threads      int       `json:"threads"`
	PP           int       `json:"pp"`
	TG           int       `json:"tg"`
	Reps         int       `json:"reps"`
	PPTokensPerS float64   `json:"pp_tokens_per_s"`
	TGTokensPerS float64   `json:"tg_tokens_per_s"`
	PPRepsPerS   []float64 `json:"pp_reps_tokens_per_s"`
	TGRepsPerS   []float64 `json:"tg_reps_tokens_per_s"`
	// Tokens per CPU-second of the whole process (median over reps): on a
	// machine shared with other work this tracks the engine's own speed
	// better than wall time. Multiply by the threads for an uncontended
	// estimate when the threads scale.
	PPTokensPerCPUS float64 `json:"pp_tokens_per_cpu_s"`
	TGTokensPerCPUS float64 `json:"tg_tokens_per_cpu_s"`
	WeightsMiB      float64 `json:"weights_mib"`
	ParamsMillion   float64 `json:"params_million"`
}

// runBench measures like `llama-bench -p PP -n TG`: pp is one batch of PP
// random tokens into an empty cache (logits for the last one), tg is TG
// single-token steps from an empty cache. One untimed warm-up of each runs
// first; the reported rates are medians over the repetitions.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := newFlags("bench")
	path := fs.String("model", "", "GGUF model file")
	threads := fs.Int("threads", 0, "threads (0 = one per CPU)")
	kvType := fs.String("kv-type", "f32", "KV cache precision: f32 or f16 (llama.cpp's default)")
	pp := fs.Int("pp", 128, "prompt tokens processed as one batch (0 = skip)")
	tg := fs.Int("tg", 64, "tokens generated one at a time (0 = skip)")
	reps := fs.Int("reps", 3, "repetitions (the median is reported)")
	seed := fs.Uint64("seed", 1, "seed of the random token ids")
	format := fs.String("format", "json", "output format: json or text")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the timed repetitions to this file (go tool pprof)")
	var so serveOptions
	fs.IntVar(&so.concurrency, "concurrency", 0, "serving mode: requests in flight through the engine (0 = the pp/tg kernel benchmark)")
	fs.IntVar(&so.promptTokens, "prompt-tokens", 64, "serving mode: prompt tokens per request")
	fs.IntVar(&so.genTokens, "gen-tokens", 16, "serving mode: tokens generated per request")
	fs.IntVar(&so.sharedPrefix, "shared-prefix", 0, "serving mode: leading prompt tokens shared by all requests (cached by an untimed warm-up request)")
	fs.IntVar(&so.requests, "requests", 0, "serving mode: number of requests (0 = 4 × concurrency)")
	fs.IntVar(&so.kvMiB, "kv-mib", 256, "serving mode: KV cache memory in MiB")
	fs.BoolVar(&so.noPrefixCache, "no-prefix-cache", false, "serving mode: disable prefix reuse")
	schemaArg := fs.String("json-schema", "", "serving mode (concurrency 1 unless given): each request decodes one value of this JSON Schema (\"default\": the default classification schema) instead of --gen-tokens tokens")
	fs.BoolVar(&so.noJumpForward, "no-jump-forward", false, "with --json-schema: sample every token, even those the schema forces")
	fs.StringVar(&so.promptsFile, "prompts", "", "serving mode (concurrency 1 unless given): prompts from this file, one per line, special tokens parsed and no BOS added (write it), instead of random tokens; --requests defaults to the number of lines")
	fs.StringVar(&so.spec.draftPath, "draft-model", "", "serving mode (concurrency 1 unless given): smaller GGUF with the model's vocabulary that drafts tokens for speculative decoding")
	fs.StringVar(&so.spec.mode, "speculate", "", "serving mode (concurrency 1 unless given): off, draft, lookup or auto; default auto with --draft-model, else off")
	if err := parse(fs, benchUsage, args, stdout); err != nil {
		return err
	}
	if err := so.spec.check(); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if so.schema, so.schemaMaxBytes, err = loadSchema(*schemaArg); err != nil {
		return err
	}
	if (so.schema != nil || so.promptsFile != "" || so.spec.mode != "off") && so.concurrency == 0 {
		so.concurrency = 1
	}
	if so.concurrency != 0 {
		if *path == "" {
			return usagef("--model is required")
		}
		if *threads < 0 {
			return usagef("--threads %d must not be negative", *threads)
		}
		if err := checkFormat(*format, "json", "text"); err != nil {
			return err
		}
		so.model, so.threads, so.seed, so.format = *path, *threads, *seed, *format
		return runServeBench(ctx, so, stdout)
	}
	switch {
	case *path == "":
		return usagef("--model is required")
	case *threads < 0:
		return usagef("--threads %d must not be negative", *threads)
	case *pp < 0 || *tg < 0 || *pp+*tg == 0:
		return usagef("--pp %d and --tg %d must be >= 0 and not both 0", *pp, *tg)
	case *reps <= 0:
		return usagef("--reps %d must be positive", *reps)
	}
	if err := checkFormat(*format, "json", "text"); err != nil {
		return err
	}
	kvt, err := parseKVType(*kvType)
	if err != nil {
		return err
	}
	m, err := model.Load(*path, model.Options{Threads: *threads, MaxBatch: max(*pp, 1), KVType: kvt})
	if err != nil {
		return err
	}
	defer m.Close()
	cfg := m.Config()
	if *pp > cfg.NCtx || *tg > cfg.NCtx {
		return usagef("--pp %d / --tg %d exceed the model's context length %d", *pp, *tg, cfg.NCtx)
	}
	res := benchResult{Model: *path, Threads: m.Threads(), PP: *pp, TG: *tg, Reps: *reps}
	res.ParamsMillion, res.WeightsMiB = modelSize(*path)
	cache := m.NewCache(1, max(*pp, *tg, 1))
	rng := rand.New(rand.NewPCG(*seed, 1))
	var b model.Batch
	// rates turns a run of n tokens into tokens per wall and per CPU second.
	rates := func(n int, wall0 time.Time, cpu0 time.Duration) (float64, float64) {
		cpu := (cpuTime() - cpu0).Seconds()
		perCPU := 0.0
		if cpu > 0 {
			perCPU = float64(n) / cpu
		}
		return float64(n) / time.Since(wall0).Seconds(), perCPU
	}
	runPP := func() (float64, float64, error) {
		b.Reset()
		for i := 0; i < *pp; i++ {
			b.Add(int32(rng.IntN(cfg.NVocab)), i, 0, i == *pp-1)
		}
		wall0, cpu0 := time.Now(), cpuTime()
		if _, err := m.Forward(&b, cache); err != nil {
			return 0, 0, err
		}
		w, c := rates(*pp, wall0, cpu0)
		return w, c, nil
	}
	runTG := func(n int) (float64, float64, error) {
		tok := int32(rng.IntN(cfg.NVocab))
		wall0, cpu0 := time.Now(), cpuTime()
		for i := 0; i < n; i++ {
			if err := ctx.Err(); err != nil {
				return 0, 0, err
			}
			b.Reset()
			b.Add(tok, i, 0, true)
			logits, err := m.Forward(&b, cache)
			if err != nil {
				return 0, 0, err
			}
			tok = argmax(logits)
		}
		w, c := rates(n, wall0, cpu0)
		return w, c, nil
	}
	// Warm-ups run before the profile starts, so it shows the steady state.
	if *pp > 0 {
		if _, _, err := runPP(); err != nil {
			return err
		}
	}
	if *tg > 0 {
		if _, _, err := runTG(1); err != nil {
			return err
		}
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer func() {
			if serr := stop(); serr != nil && err == nil {
				err = serr
			}
		}()
	}
	if *pp > 0 {
		var perCPU []float64
		for r := 0; r < *reps; r++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			v, c, err := runPP()
			if err != nil {
				return err
			}
			res.PPRepsPerS = append(res.PPRepsPerS, v)
			perCPU = append(perCPU, c)
		}
		res.PPTokensPerS, res.PPTokensPerCPUS = median(res.PPRepsPerS), median(perCPU)
	}
	if *tg > 0 {
		var perCPU []float64
		for r := 0; r < *reps; r++ {
			v, c, err := runTG(*tg)
			if err != nil {
				return err
			}
			res.TGRepsPerS = append(res.TGRepsPerS, v)
			perCPU = append(perCPU, c)
		}
		res.TGTokensPerS, res.TGTokensPerCPUS = median(res.TGRepsPerS), median(perCPU)
	}
	if *format == "json" {
		return writeJSON(stdout, res)
	}
	_, err = fmt.Fprintf(stdout, "%s  threads %d  pp%d %.2f t/s (%.2f per CPU-s)  tg%d %.2f t/s (%.2f per CPU-s)  (median of %d)\n",
		*path, res.Threads, *pp, res.PPTokensPerS, res.PPTokensPerCPUS, *tg, res.TGTokensPerS, res.TGTokensPerCPUS, *reps)
	return err
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// startCPUProfile starts the runtime's CPU profiler writing to path; stop
// ends it and closes the file.
func startCPUProfile(path string) (stop func() error, err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpuprofile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			return fmt.Errorf("cpuprofile: %w", err)
		}
		return nil
	}, nil
}
