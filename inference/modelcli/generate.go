package modelcli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"

	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/sample"
	"github.com/logsift/logsift/inference/tokenizer"
)

const generateUsage = "--model M --prompt T [--no-bos] [--special] [--max-tokens N] [--temperature 0] [--top-k 0] [--top-p 1] [--min-p 0] [--seed S] [--top-logprobs K] [--threads T] [--kv-type f32|f16] [--json-schema FILE|default [--no-jump-forward]] [--draft-model D] [--speculate off|draft|lookup|auto] [--format json|text]"

// tokenLogprob is one entry of a step's top log-probabilities.
type tokenLogprob struct {
	ID      int32   `json:"id"`
	Logprob float64 `json:"logprob"`
}

type generateResult struct {
	PromptTokens []int32          `json:"prompt_tokens"`
	Tokens       []int32          `json:"tokens"`
	Text         string           `json:"text"`
	Stop         string           `json:"stop"`
	TopLogprobs  [][]tokenLogprob `json:"top_logprobs"`

	// With --json-schema: the value (absent when --max-tokens cut it
	// short), the probability of each enum-valued property's chosen value
	// (see engine.Result.EnumProbs), forward passes and tokens appended by
	// jump-forward.
	JSON         json.RawMessage    `json:"json,omitempty"`
	EnumProbs    map[string]float64 `json:"enum_probs,omitempty"`
	Forwards     int                `json:"forward_passes"`
	ForcedTokens int                `json:"forced_tokens"`

	// With --speculate: draft tokens verified and accepted.
	Speculate string `json:"speculate,omitempty"`
	Drafted   int    `json:"drafted,omitempty"`
	Accepted  int    `json:"accepted,omitempty"`
}

func runGenerate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("generate")
	path := fs.String("model", "", "GGUF model file")
	prompt := fs.String("prompt", "", "prompt text")
	noBOS := fs.Bool("no-bos", false, "do not add the BOS token even if the model asks for it")
	special := fs.Bool("special", false, "parse special-token text in the prompt into control tokens")
	maxTokens := fs.Int("max-tokens", 16, "maximum number of tokens to generate")
	temp := fs.Float64("temperature", 0, "0 = greedy (argmax, ties to the lowest id); > 0 samples from softmax(logits/T)")
	topK := fs.Int("top-k", 0, "sample only from the K most likely tokens (0 = off)")
	topP := fs.Float64("top-p", 1, "sample only from the most likely tokens whose probability reaches P (1 = off)")
	minP := fs.Float64("min-p", 0, "sample only tokens at least P times as likely as the most likely (0 = off)")
	seed := fs.Uint64("seed", 0, "sampling seed (temperature > 0)")
	topLP := fs.Int("top-logprobs", 0, "report the K most likely tokens of every step with their log-probabilities")
	threads := fs.Int("threads", 0, "threads (0 = one per CPU)")
	kvType := fs.String("kv-type", "f32", "KV cache precision: f32 or f16 (llama.cpp's default)")
	format := fs.String("format", "json", "output format: json or text")
	schemaArg := fs.String("json-schema", "", "decode a value of this JSON Schema file (\"default\": the default classification schema); --max-tokens defaults to the schema's bound")
	noJump := fs.Bool("no-jump-forward", false, "with --json-schema: sample every token, even those the schema forces")
	var spec speculateFlags
	fs.StringVar(&spec.draftPath, "draft-model", "", "smaller GGUF with the model's vocabulary that drafts tokens for speculative decoding")
	fs.StringVar(&spec.mode, "speculate", "", "speculative decoding: off, draft, lookup (prompt lookup) or auto (draft with --draft-model, else lookup); default auto with --draft-model, else off")
	if err := parse(fs, generateUsage, args, stdout); err != nil {
		return err
	}
	if err := spec.check(); err != nil {
		return err
	}
	maxSet := false
	fs.Visit(func(f *flag.Flag) { maxSet = maxSet || f.Name == "max-tokens" })
	if err := noArgs(fs); err != nil {
		return err
	}
	switch {
	case *path == "":
		return usagef("--model is required")
	case *maxTokens < 0:
		return usagef("--max-tokens %d must not be negative", *maxTokens)
	case *temp < 0 || math.IsNaN(*temp) || math.IsInf(*temp, 0):
		return usagef("--temperature %g must be a finite number >= 0", *temp)
	case *topK < 0:
		return usagef("--top-k %d must not be negative", *topK)
	case !(*topP >= 0 && *topP <= 1):
		return usagef("--top-p %g must be in [0, 1]", *topP)
	case !(*minP >= 0 && *minP <= 1):
		return usagef("--min-p %g must be in [0, 1]", *minP)
	case *topLP < 0:
		return usagef("--top-logprobs %d must not be negative", *topLP)
	case *threads < 0:
		return usagef("--threads %d must not be negative", *threads)
	}
	if err := checkFormat(*format, "json", "text"); err != nil {
		return err
	}
	kvt, err := parseKVType(*kvType)
	if err != nil {
		return err
	}
	schema, maxBytes, err := loadSchema(*schemaArg)
	if err != nil {
		return err
	}
	m, err := model.Load(*path, model.Options{Threads: *threads, KVType: kvt})
	if err != nil {
		return err
	}
	defer m.Close()
	draft, err := spec.load(*threads, 0)
	if err != nil {
		return err
	}
	if draft != nil {
		defer draft.Close()
	}
	tok := m.Tokenizer()
	ids := tok.Encode(*prompt, tokenizer.EncodeOptions{AddSpecial: !*noBOS, ParseSpecial: *special})
	if schema != nil && !maxSet {
		if *maxTokens, err = schemaMaxTokens(maxBytes, len(ids), m.Config().NCtx); err != nil {
			return err
		}
	}
	res, err := generate(ctx, m, ids, genOptions{maxTokens: *maxTokens, topLogprobs: *topLP, schema: schema, noJumpForward: *noJump,
		draft: draft, speculate: spec.mode, sampling: sample.Params{
			Temperature: float32(*temp), TopK: *topK, TopP: float32(*topP), MinP: float32(*minP), Seed: *seed}})
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(stdout, res)
	}
	out := res.Text
	if schema != nil && res.JSON != nil {
		out = string(res.JSON)
	}
	_, err = fmt.Fprintln(stdout, out)
	return err
}

type genOptions struct {
	maxTokens   int
	topLogprobs int
	sampling    sample.Params
	// schema (nil = none) constrains the output; see engine.Request.
	schema        []byte
	noJumpForward bool
	// draft (nil = none) and speculate: see engine.Config.Draft and
	// engine.Request.Speculate.
	draft     *model.Model
	speculate string
}

// generate runs one request through the serving engine (paged KV cache,
// prompt prefilled in chunks of up to MaxBatch tokens), until maxTokens or
// an end-of-generation token (EOS, EOT, <|im_end|>, ... as the tokenizer
// derives them), which is kept as the last token, as llama.cpp reports it.
// With an F16 KV type the engine's block attention does not round the
// attention weights to F16 as ggml does (see package model), so F16 runs
// differ from llama.cpp's by that rounding.
func generate(ctx context.Context, m *model.Model, prompt []int32, o genOptions) (*generateResult, error) {
	cfg := m.Config()
	res := &generateResult{PromptTokens: prompt, Tokens: []int32{}, TopLogprobs: [][]tokenLogprob{}, Stop: "limit"}
	if prompt == nil {
		res.PromptTokens = []int32{}
	}
	if len(prompt) == 0 {
		return nil, fmt.Errorf("empty prompt: nothing to condition on (add a BOS token or some text)")
	}
	total := len(prompt) + o.maxTokens
	if total > cfg.NCtx {
		return nil, fmt.Errorf("prompt of %d tokens + %d new tokens exceeds the context length %d", len(prompt), o.maxTokens, cfg.NCtx)
	}
	if o.maxTokens == 0 {
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	const blockSize = 16
	e, err := engine.New(m, engine.Config{BlockSize: blockSize, KVBlocks: (total + blockSize - 1) / blockSize, Draft: o.draft})
	if err != nil {
		return nil, err
	}
	defer e.Close()
	sp := o.sampling
	sp.TopLogprobs = o.topLogprobs
	r, err := e.Generate(ctx, engine.Request{Prompt: prompt, MaxTokens: o.maxTokens, Sampling: sp,
		Schema: o.schema, NoJumpForward: o.noJumpForward, Speculate: o.speculate})
	if err != nil {
		return nil, err
	}
	res.Tokens = r.Tokens
	res.Text = r.Text
	switch r.FinishReason {
	case "eog", "complete": // complete: the schema's value is done
		res.Stop = r.FinishReason
	}
	res.JSON, res.EnumProbs = r.JSON, r.EnumProbs
	res.Forwards, res.ForcedTokens = r.Forwards, r.ForcedTokens
	if o.speculate != "" && o.speculate != engine.SpeculateOff {
		res.Speculate, res.Drafted, res.Accepted = o.speculate, r.Drafted, r.Accepted
	}
	for _, top := range r.TopLogprobs {
		step := make([]tokenLogprob, len(top))
		for i, t := range top {
			step[i] = tokenLogprob{ID: t.Token, Logprob: float64(t.Logprob)}
		}
		res.TopLogprobs = append(res.TopLogprobs, step)
	}
	return res, nil
}

// argmax returns the index of the largest logit, the lowest on ties.
func argmax(logits []float32) int32 {
	best := 0
	for i, l := range logits {
		if l > logits[best] {
			best = i
		}
	}
	return int32(best)
}
