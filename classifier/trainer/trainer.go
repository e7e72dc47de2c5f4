package trainer

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/logsift/logsift/classifier/prompt"
	"github.com/logsift/logsift/classifier/synth"
	"github.com/logsift/logsift/inference/tensor"
	"github.com/logsift/logsift/inference/tokenizer"
	"github.com/logsift/logsift/inference/train"
	"github.com/logsift/logsift/inference/train/bpe"
)

// Dims is the shape of a model, without its vocabulary and context, which
// follow from the data.
type Dims struct {
	NEmbd, NLayer, NHead, NHeadKV, NFF int
}

// Presets. Target is the default classifier (2.2M parameters with a 3k
// vocabulary); Draft is its speculative-decoding draft, under a quarter of
// the target's size with the same tokenizer. The target was 3.9M (256 wide,
// 768 feed-forward) until a run on the same 2-core budget showed that the
// smaller model, trained on twice the tokens in the same time, classified
// held-out and real lines at least as well: at this budget the data, not
// the parameters, is what is short.
var (
	Target = Dims{NEmbd: 192, NLayer: 4, NHead: 6, NHeadKV: 2, NFF: 512}
	Draft  = Dims{NEmbd: 96, NLayer: 2, NHead: 3, NHeadKV: 1, NFF: 256}
)

// Options configure Run. Zero values take the defaults in brackets.
type Options struct {
	Name     string // general.name of the model ["logsift-classifier"]
	Seed     uint64 // seeds the data, the weights and the batches
	Examples int    // generated examples, held-out ones included [50000]
	// HoldOut is the fraction of each category's templates kept out of
	// training (synth.Split), so that accuracy on them says how the model
	// does on lines it has never seen the like of. Negative: none. [0.1]
	HoldOut   float64
	VocabSize int  // BPE vocabulary, specials and bytes included [3072]
	Dims      Dims // [Target]
	Steps     int  // optimizer steps [2000]

	BatchTokens int     // tokens per step [4096]
	LR          float64 // peak learning rate [1e-3]
	Warmup      int     // warm-up steps [Steps/20]
	WeightDecay float64 // AdamW decoupled decay of the matrices; negative: none [0.01]
	Clip        float64 // gradient norm limit [1]
	// EMA is passed to inference/train: the exported weights are the
	// average of the steps' weights with this decay. [0: the last step's]
	EMA float64
	// AnswerTokens gives each of prompt.AnswerPhrases a token of its own
	// (USER_DEFINED, so the tokenizer always uses it): about a fifth fewer
	// tokens to train on and 18 fewer for the model to write per line.
	AnswerTokens bool
	// Dropout is passed to inference/train: the share of the attention
	// and feed-forward outputs zeroed at each step. [0: off]
	Dropout float64

	// Type of the exported matrices: tensor.F32 (the zero value) or
	// tensor.Q8_0.
	Type tensor.Type
	// Out is the GGUF file written (required). It is written to a
	// temporary file next to it and renamed, so a failed run leaves no
	// half-written model.
	Out string
	// Checkpoint and Resume are passed to inference/train.
	Checkpoint      string
	CheckpointEvery int
	Resume          bool

	Threads  int // [runtime.NumCPU()]
	Progress func(train.Progress)
	Logger   *slog.Logger
}

// Ctx is the context length of every model: room for the longest prompt
// any line can give (prompt.MaxPromptTokens) and the longest answer the
// default schema allows (under 400 bytes, with every character of the
// component escaped as \uXXXX), so the engine never has to cut an answer
// short. Positions beyond the training examples' lengths are untrained, but
// RoPE has no position table to outgrow.
const Ctx = 1024

// Summary describes a finished run.
type Summary struct {
	Vocab        int   // tokens in the vocabulary
	Params       int   // trainable parameters
	Ctx          int   // context length of the model
	Examples     int   // training sequences
	HeldOut      int   // generated examples held out of training
	Tokens       int64 // tokens over all examples
	AnswerTokens int64 // tokens in the loss over all examples
	Last         train.Progress
}

func (o *Options) defaults() {
	if o.Name == "" {
		o.Name = "logsift-classifier"
	}
	if o.Examples == 0 {
		o.Examples = 50000
	}
	if o.HoldOut == 0 {
		o.HoldOut = 0.1
	}
	if o.VocabSize == 0 {
		o.VocabSize = 3072
	}
	if o.Dims == (Dims{}) {
		o.Dims = Target
	}
	if o.Steps == 0 {
		o.Steps = 2000
	}
	if o.BatchTokens == 0 {
		o.BatchTokens = 4096
	}
	if o.LR == 0 {
		o.LR = 1e-3
	}
	if o.Warmup == 0 {
		o.Warmup = o.Steps / 20
	}
	if o.WeightDecay == 0 {
		o.WeightDecay = 0.01
	}
	if o.Clip == 0 {
		o.Clip = 1
	}
}

// Run trains a model as opts say and writes it to opts.Out.
func Run(ctx context.Context, opts Options) (Summary, error) {
	opts.defaults()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.Out == "" {
		return Summary{}, errors.New("trainer: no output path")
	}
	if opts.Examples < 1 || opts.Steps < 1 || opts.VocabSize < len(prompt.Specials)+256 {
		return Summary{}, fmt.Errorf("trainer: examples %d and steps %d must be positive, vocabulary %d at least %d",
			opts.Examples, opts.Steps, opts.VocabSize, len(prompt.Specials)+256)
	}

	examples, held := synth.Generate(opts.Seed, opts.Examples), []synth.Example(nil)
	if opts.HoldOut > 0 {
		examples, held = synth.Split(examples, opts.Seed, opts.HoldOut)
	}
	var phrases []string
	if opts.AnswerTokens {
		phrases = prompt.AnswerPhrases
	}
	vocab, err := bpe.Train(ctx, texts(examples), bpe.Options{
		VocabSize: opts.VocabSize, Pre: "logsift", Specials: prompt.Specials, UserDefined: phrases,
		BOS: prompt.BOS, EOS: prompt.EOS, Workers: opts.Threads,
	})
	if err != nil {
		return Summary{}, fmt.Errorf("trainer: vocabulary: %w", err)
	}
	tok, err := tokenizer.New(vocab.Config())
	if err != nil {
		return Summary{}, fmt.Errorf("trainer: tokenizer of the trained vocabulary: %w", err)
	}
	codec, err := prompt.NewCodec(tok)
	if err != nil {
		return Summary{}, fmt.Errorf("trainer: %w", err)
	}
	log.Info("vocabulary trained", "tokens", len(vocab.Tokens), "merges", len(vocab.Merges), "words", vocab.Words)

	if prompt.MaxPromptTokens+400 > Ctx {
		panic("BUG: trainer.Ctx has no room for the longest prompt and answer")
	}
	data := make(train.Examples, len(examples))
	longest := 0
	var total, answer int64
	for i, ex := range examples {
		toks, mask := codec.Example(ex)
		if len(toks) > Ctx {
			return Summary{}, fmt.Errorf("trainer: example %d has %d tokens, more than the context %d: %q", i, len(toks), Ctx, ex.Raw)
		}
		data[i] = train.Example{Tokens: toks, Mask: mask}
		longest = max(longest, len(toks))
		total += int64(len(toks))
		for _, m := range mask {
			if m {
				answer++
			}
		}
	}

	d := opts.Dims
	cfg := train.Config{
		Name: opts.Name, NEmbd: d.NEmbd, NLayer: d.NLayer, NHead: d.NHead, NHeadKV: d.NHeadKV, NFF: d.NFF,
		Vocab: len(vocab.Tokens), Ctx: Ctx,
	}
	m, err := train.New(cfg, opts.Seed)
	if err != nil {
		return Summary{}, fmt.Errorf("trainer: model %+v: %w", cfg, err)
	}
	sum := Summary{Vocab: cfg.Vocab, Params: m.NumParams(), Ctx: cfg.Ctx, Examples: len(data), HeldOut: len(held), Tokens: total, AnswerTokens: answer}
	log.Info("training", "params", sum.Params, "examples", sum.Examples, "tokens", total, "answer_tokens", answer, "longest", longest, "ctx", cfg.Ctx, "steps", opts.Steps)

	last, err := train.Train(ctx, m, data, train.Options{
		Steps: opts.Steps, BatchTokens: max(opts.BatchTokens, longest), LR: opts.LR, Warmup: opts.Warmup,
		WeightDecay: max(opts.WeightDecay, 0), Clip: opts.Clip, EMA: opts.EMA, Dropout: opts.Dropout, Seed: opts.Seed, Threads: opts.Threads,
		Checkpoint: opts.Checkpoint, CheckpointEvery: opts.CheckpointEvery, Resume: opts.Resume,
		Progress: opts.Progress, Logger: opts.Logger,
	})
	sum.Last = last
	if err != nil {
		return sum, fmt.Errorf("trainer: %w", err)
	}
	if err := writeFile(opts.Out, func(w io.Writer) error { return m.WriteGGUF(w, vocab.WriteGGUF, opts.Type) }); err != nil {
		return sum, fmt.Errorf("trainer: write %s: %w", opts.Out, err)
	}
	return sum, nil
}

// texts yields what the vocabulary is trained on: the text inside the
// fence and the answer of every example, so both lines and JSON tokenise
// compactly.
func texts(examples []synth.Example) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, ex := range examples {
			if !yield(prompt.Text(ex.Raw)) {
				return
			}
			if !yield(prompt.Answer(prompt.Label{Severity: ex.Severity, Category: ex.Category, Component: ex.Component})) {
				return
			}
		}
	}
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	// CreateTemp makes the file private; a model is meant to be shared.
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := write(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
