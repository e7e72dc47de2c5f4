package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/logsift/logsift/classifier/trainer"
	"github.com/logsift/logsift/inference/tensor"
	"github.com/logsift/logsift/inference/train"
	"github.com/logsift/logsift/platform/config"
	"github.com/logsift/logsift/services/app"
)

// runModelTrain is `logsift model train`. It lives here, not in
// inference/modelcli, because it needs the classifier module (the
// generator and the prompt format), which inference must not import.
func runModelTrain(ctx context.Context, args []string, s *stdio) int {
	fs := config.NewFlagSet("model train", "logsift model train: trains a classification model from scratch on generated, "+
		"labelled log lines and writes it as GGUF. The same flags give the same file.")
	var (
		out, dims, typ   string
		seed             int64
		opts             trainer.Options
		custom           trainer.Dims
		progressInterval time.Duration
		lf               logFlags
	)
	fs.String(&out, "out", "", "GGUF file to write (required)")
	fs.Int64(&seed, "seed", 1, "seed of the data, the weights and the batches")
	fs.Int(&opts.Examples, "examples", 50000, "generated training examples")
	fs.Float64(&opts.HoldOut, "hold-out", 0.1, "fraction of each category's templates kept out of training for evaluation (0: none)")
	fs.Int(&opts.Steps, "steps", 2000, "optimizer steps")
	fs.Int(&opts.VocabSize, "vocab", 3072, "BPE vocabulary size (special and byte tokens included)")
	fs.String(&dims, "dims", "target", "model shape: target, draft or custom (then --embd, --layers, --heads, --kv-heads, --ff)")
	fs.Int(&custom.NEmbd, "embd", 0, "residual width (--dims custom)")
	fs.Int(&custom.NLayer, "layers", 0, "transformer blocks (--dims custom)")
	fs.Int(&custom.NHead, "heads", 0, "query heads (--dims custom)")
	fs.Int(&custom.NHeadKV, "kv-heads", 0, "key/value heads (--dims custom)")
	fs.Int(&custom.NFF, "ff", 0, "feed-forward width (--dims custom)")
	fs.Int(&opts.BatchTokens, "batch-tokens", 4096, "tokens per optimizer step")
	fs.Float64(&opts.LR, "lr", 1e-3, "peak learning rate")
	fs.Float64(&opts.WeightDecay, "weight-decay", 0.01, "AdamW decoupled weight decay of the matrices (0: none)")
	fs.Bool(&opts.AnswerTokens, "answer-tokens", false, "give the answer's fixed JSON parts ({\"severity\":\", …) a token each: about a fifth fewer tokens per example")
	fs.Float64(&opts.Dropout, "dropout", 0, "share of the attention and feed-forward outputs zeroed at each training step (0: none)")
	fs.Float64(&opts.EMA, "ema", 0, "export the moving average of the weights with this decay, e.g. 0.999 (0: the last step's weights)")
	fs.String(&typ, "type", "f32", "matrix type of the written file: f32 or q8_0")
	fs.Int(&opts.Threads, "threads", 0, "training goroutines (0: one per CPU)")
	fs.String(&opts.Checkpoint, "checkpoint", "", "checkpoint file (written periodically and on interrupt)")
	fs.Int(&opts.CheckpointEvery, "checkpoint-every", 100, "steps between checkpoints")
	fs.Bool(&opts.Resume, "resume", false, "continue from --checkpoint if it exists")
	fs.Duration(&progressInterval, "progress", time.Second, "interval of the progress line on stderr (0: every step)")
	lf.register(fs)
	if code, done := parse(fs, args, s); done {
		return code
	}
	lg, err := lf.logger(s)
	if err != nil {
		return fail(s, err)
	}
	if out == "" {
		return fail(s, &app.ConfigError{Err: fmt.Errorf("--out is required")})
	}
	if seed < 0 {
		return fail(s, &app.ConfigError{Err: fmt.Errorf("--seed %d must not be negative", seed)})
	}
	opts.Seed = uint64(seed)
	if opts.EMA < 0 || opts.EMA >= 1 {
		return fail(s, &app.ConfigError{Err: fmt.Errorf("--ema %g: want a decay in [0, 1)", opts.EMA)})
	}
	if opts.Dropout < 0 || opts.Dropout >= 1 {
		return fail(s, &app.ConfigError{Err: fmt.Errorf("--dropout %g: want a probability in [0, 1)", opts.Dropout)})
	}
	if opts.WeightDecay < 0 || opts.WeightDecay >= 1 {
		return fail(s, &app.ConfigError{Err: fmt.Errorf("--weight-decay %g: want a value in [0, 1)", opts.WeightDecay)})
	}
	if opts.WeightDecay == 0 {
		opts.WeightDecay = -1 // the trainer's zero value means its default
	}
	if opts.HoldOut < 0 || opts.HoldOut >= 1 {
		return fail(s, &app.ConfigError{Err: fmt.Errorf("--hold-out %g: want a fraction in [0, 1)", opts.HoldOut)})
	}
	if opts.HoldOut == 0 {
		opts.HoldOut = -1 // the trainer's zero value means its default
	}
	switch dims {
	case "target":
		opts.Dims = trainer.Target
	case "draft":
		opts.Dims = trainer.Draft
	case "custom":
		if custom.NEmbd <= 0 || custom.NLayer <= 0 || custom.NHead <= 0 || custom.NHeadKV <= 0 || custom.NFF <= 0 {
			return fail(s, &app.ConfigError{Err: fmt.Errorf("--dims custom needs positive --embd, --layers, --heads, --kv-heads and --ff, got %+v", custom)})
		}
		opts.Dims = custom
	default:
		return fail(s, &app.ConfigError{Err: fmt.Errorf("--dims %q: want target, draft or custom", dims)})
	}
	switch strings.ToLower(typ) {
	case "f32":
		opts.Type = tensor.F32
	case "q8_0":
		opts.Type = tensor.Q8_0
	default:
		return fail(s, &app.ConfigError{Err: fmt.Errorf("--type %q: want f32 or q8_0", typ)})
	}
	if opts.Examples < 1 || opts.Steps < 1 {
		return fail(s, &app.ConfigError{Err: fmt.Errorf("--examples %d and --steps %d must be positive", opts.Examples, opts.Steps)})
	}
	opts.Out = out
	opts.Logger = lg

	// On a terminal the progress line is redrawn in place; elsewhere (CI
	// logs, files) each report is its own line.
	eol := "\n"
	if f, ok := s.err.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			eol = "\r"
		}
	}
	var last time.Time
	opts.Progress = func(p train.Progress) {
		now := time.Now()
		if p.Step != p.Steps && now.Sub(last) < progressInterval {
			return
		}
		last = now
		fmt.Fprintf(s.err, "step %d/%d  loss %.4f  lr %.2e  %.0f tokens/s  elapsed %s  eta %s%s",
			p.Step, p.Steps, p.Loss, p.LR, p.TokensPerSec, p.Elapsed.Round(time.Second), p.ETA.Round(time.Second), eol)
	}

	ctx, cancel := signalContext(ctx)
	defer cancel()
	sum, err := trainer.Run(ctx, opts)
	if eol == "\r" {
		fmt.Fprintln(s.err)
	}
	if err != nil {
		return fail(s, err)
	}
	fmt.Fprintf(s.out, "wrote %s: %d parameters, vocabulary %d, context %d, %d examples, final loss %.4f, %.0f tokens/s\n",
		out, sum.Params, sum.Vocab, sum.Ctx, sum.Examples, sum.Last.Loss, sum.Last.TokensPerSec)
	return 0
}
