package modelcli

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/tokenizer"
)

const generateUsage = "--model M --prompt T [--no-bos] [--special] [--max-tokens N] [--temperature 0] [--seed S] [--top-logprobs K] [--threads T] [--kv-type f32|f16] [--format json|text]"

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
}

func runGenerate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("generate")
	path := fs.String("model", "", "GGUF model file")
	prompt := fs.String("prompt", "", "prompt text")
	noBOS := fs.Bool("no-bos", false, "do not add the BOS token even if the model asks for it")
	special := fs.Bool("special", false, "parse special-token text in the prompt into control tokens")
	maxTokens := fs.Int("max-tokens", 16, "maximum number of tokens to generate")
	temp := fs.Float64("temperature", 0, "0 = greedy (argmax, ties to the lowest id); > 0 samples from softmax(logits/T)")
	seed := fs.Uint64("seed", 0, "sampling seed (temperature > 0)")
	topK := fs.Int("top-logprobs", 0, "report the K most likely tokens of every step with their log-probabilities")
	threads := fs.Int("threads", 0, "threads (0 = one per CPU)")
	kvType := fs.String("kv-type", "f32", "KV cache precision: f32 or f16 (llama.cpp's default)")
	format := fs.String("format", "json", "output format: json or text")
	if err := parse(fs, generateUsage, args, stdout); err != nil {
		return err
	}
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
		return usagef("--top-logprobs %d must not be negative", *topK)
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
	m, err := model.Load(*path, model.Options{Threads: *threads, KVType: kvt})
	if err != nil {
		return err
	}
	defer m.Close()
	tok := m.Tokenizer()
	ids := tok.Encode(*prompt, tokenizer.EncodeOptions{AddSpecial: !*noBOS, ParseSpecial: *special})
	res, err := generate(ctx, m, ids, genOptions{maxTokens: *maxTokens, temperature: *temp, seed: *seed, topK: *topK})
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(stdout, res)
	}
	_, err = fmt.Fprintln(stdout, res.Text)
	return err
}

type genOptions struct {
	maxTokens   int
	temperature float64
	seed        uint64
	topK        int
}

// generate runs the prompt as batches of up to MaxBatch tokens, then one
// token per step until maxTokens or an end-of-generation token (EOS, EOT,
// <|im_end|>, ... as the tokenizer derives them), which is kept as the last
// token, as llama.cpp reports it.
func generate(ctx context.Context, m *model.Model, prompt []int32, o genOptions) (*generateResult, error) {
	cfg := m.Config()
	tok := m.Tokenizer()
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
	cache := m.NewCache(1, total)
	var b model.Batch
	var logits []float32
	var err error
	for start := 0; start < len(prompt); start += m.MaxBatch() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		end := min(start+m.MaxBatch(), len(prompt))
		b.Reset()
		for i := start; i < end; i++ {
			b.Add(prompt[i], i, 0, i == len(prompt)-1)
		}
		if logits, err = m.Forward(&b, cache); err != nil {
			return nil, err
		}
	}
	rng := rand.New(rand.NewPCG(o.seed, 0x9e3779b97f4a7c15))
	lp := make([]float64, cfg.NVocab)
	for pos := len(prompt); ; pos++ {
		logSoftmax(lp, logits)
		if o.topK > 0 {
			res.TopLogprobs = append(res.TopLogprobs, topLogprobs(lp, o.topK))
		}
		var next int32
		if o.temperature == 0 {
			next = argmax(logits)
		} else {
			next = sample(rng, logits, o.temperature)
		}
		res.Tokens = append(res.Tokens, next)
		if tok.IsEOG(next) {
			res.Stop = "eog"
			break
		}
		if len(res.Tokens) == o.maxTokens {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b.Reset()
		b.Add(next, pos, 0, true)
		if logits, err = m.Forward(&b, cache); err != nil {
			return nil, err
		}
	}
	text := res.Tokens
	if res.Stop == "eog" {
		text = text[:len(text)-1]
	}
	res.Text = tok.Decode(text)
	return res, nil
}

// logSoftmax: dst_i = logit_i - log Σ_j exp(logit_j), in float64.
func logSoftmax(dst []float64, logits []float32) {
	mx := math.Inf(-1)
	for _, l := range logits {
		mx = max(mx, float64(l))
	}
	var sum float64
	for _, l := range logits {
		sum += math.Exp(float64(l) - mx)
	}
	lse := mx + math.Log(sum)
	for i, l := range logits {
		dst[i] = float64(l) - lse
	}
}

// topLogprobs returns the k largest, descending, ties to the lowest id.
func topLogprobs(lp []float64, k int) []tokenLogprob {
	k = min(k, len(lp))
	top := make([]tokenLogprob, 0, k+1)
	for id, v := range lp {
		if len(top) == k && v <= top[k-1].Logprob {
			continue
		}
		i := len(top)
		for i > 0 && top[i-1].Logprob < v {
			i--
		}
		top = slices.Insert(top, i, tokenLogprob{ID: int32(id), Logprob: v})
		if len(top) > k {
			top = top[:k]
		}
	}
	return top
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

// sample draws from softmax(logits / t).
func sample(rng *rand.Rand, logits []float32, t float64) int32 {
	mx := math.Inf(-1)
	for _, l := range logits {
		mx = max(mx, float64(l))
	}
	var sum float64
	for _, l := range logits {
		sum += math.Exp((float64(l) - mx) / t)
	}
	r := rng.Float64() * sum
	for i, l := range logits {
		r -= math.Exp((float64(l) - mx) / t)
		if r < 0 {
			return int32(i)
		}
	}
	return int32(len(logits) - 1)
}
