package train

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"time"
)

// Dataset is the training data: examples addressed by index, so that a step
// can draw its batch from an RNG seeded by the step number and a resumed run
// draws exactly what the uninterrupted run would have.
type Dataset interface {
	Len() int
	// Example returns example i: tokens and a loss mask of the same length
	// (mask[i]: token i is an answer token, predicted from tokens 0..i-1).
	// The slices are read, never modified.
	Example(i int) (tokens []int32, mask []bool)
}

// Example is one training sequence.
type Example struct {
	Tokens []int32
	Mask   []bool
}

// Examples is an in-memory Dataset.
type Examples []Example

func (e Examples) Len() int                        { return len(e) }
func (e Examples) Example(i int) ([]int32, []bool) { return e[i].Tokens, e[i].Mask }

// Options configure Train. Zero values take the defaults in brackets.
type Options struct {
	Steps       int     // optimizer steps in the whole run (required)
	BatchTokens int     // tokens per step: examples are drawn until they reach it [Ctx]
	LR          float64 // peak learning rate [1e-3]
	MinLR       float64 // learning rate at the last step [LR/10]
	Warmup      int     // linear warm-up steps [0]
	WeightDecay float64 // AdamW decoupled weight decay of matrices [0]
	Beta1       float64 // [0.9]
	Beta2       float64 // [0.95]
	AdamEps     float64 // [1e-8]
	Clip        float64 // global gradient norm limit, 0 = none
	Seed        uint64  // seeds the batches
	Threads     int     // goroutines working on a batch [runtime.NumCPU()]
	// Shards is the number of parts a batch is split into, each with its
	// own gradient buffer, summed in shard order [4]. Threads work on
	// shards (at most Shards of them are busy), so for Threads ≤ Shards
	// the result does not depend on Threads: a 1-core and a 2-core run
	// produce the same weights bit for bit. Each shard costs a gradient
	// buffer the size of the model.
	Shards int
	// ChunkTokens is how many tokens of a shard's examples are packed into
	// one forward/backward pass [512]. The matrix products then run over
	// the whole chunk (attention and positions stay per example), so the
	// weight-gradient products sum hundreds of positions instead of one
	// example's few dozen, and the per-example gradient additions are
	// amortised: 1.11–1.20× faster than one pass per example on
	// BenchmarkTrainStep. An example longer than ChunkTokens gets a chunk
	// of its own.
	ChunkTokens int
	// EMA, if positive, keeps an exponential moving average of the weights
	// with this decay (0.999 averages about the last 1,000 steps) and
	// leaves it in the model at the end instead of the last step's
	// weights: the average sits nearer the middle of the region the last
	// steps wander in, so the answers depend less on which batches came
	// last. It starts from zero and is divided by 1−EMA^t (as Adam's
	// moments are), so the random initial weights weigh nothing. [0: off]
	EMA float64
	// Dropout is the probability that an element of the attention and
	// feed-forward outputs is zeroed before it joins the residual stream
	// (the survivors scaled by 1/(1−Dropout)), meant to make the model
	// spread what it learns over more of its features instead of
	// memorising examples through a few (for logsift's default model it
	// did not help: BENCH.md). Exported weights never drop. [0: off]
	Dropout float64

	// Checkpoint, if set, is a file written every CheckpointEvery steps
	// (0 = only at the end), at the end, and when ctx is cancelled.
	Checkpoint      string
	CheckpointEvery int
	// Resume continues from Checkpoint if that file exists: weights, AdamW
	// state and step are restored into the model.
	Resume bool

	// Progress, if set, is called after every step.
	Progress func(Progress)
	Logger   *slog.Logger
}

// Progress reports a finished step.
type Progress struct {
	Step, Steps  int           // steps done (Step of Steps)
	Loss         float64       // mean loss over the step's answer tokens
	LR           float64       // learning rate used
	GradNorm     float64       // global gradient norm before clipping
	Tokens       int64         // tokens processed by this run (not counting before a resume)
	TokensPerSec float64       // Tokens / Elapsed
	Elapsed, ETA time.Duration // since Train started; estimate for the remaining steps
}

func (o *Options) defaults(c Config) error {
	if o.Steps <= 0 {
		return fmt.Errorf("train: Steps %d must be positive", o.Steps)
	}
	if o.BatchTokens < 0 || o.Warmup < 0 || o.Threads < 0 || o.Shards < 0 || o.ChunkTokens < 0 || o.CheckpointEvery < 0 {
		return fmt.Errorf("train: BatchTokens %d, Warmup %d, Threads %d, Shards %d, ChunkTokens %d, CheckpointEvery %d must not be negative",
			o.BatchTokens, o.Warmup, o.Threads, o.Shards, o.ChunkTokens, o.CheckpointEvery)
	}
	if o.EMA < 0 || o.EMA >= 1 {
		return fmt.Errorf("train: EMA %g: want a decay in [0, 1)", o.EMA)
	}
	if o.Dropout < 0 || o.Dropout >= 1 {
		return fmt.Errorf("train: Dropout %g: want a probability in [0, 1)", o.Dropout)
	}
	if o.LR < 0 || o.MinLR < 0 || o.WeightDecay < 0 || o.Clip < 0 || o.Beta1 < 0 || o.Beta1 >= 1 || o.Beta2 < 0 || o.Beta2 >= 1 {
		return fmt.Errorf("train: LR %g, MinLR %g, WeightDecay %g, Clip %g must not be negative, betas %g %g in [0, 1)",
			o.LR, o.MinLR, o.WeightDecay, o.Clip, o.Beta1, o.Beta2)
	}
	if o.Resume && o.Checkpoint == "" {
		return fmt.Errorf("train: Resume needs a Checkpoint path")
	}
	if o.BatchTokens == 0 {
		o.BatchTokens = c.Ctx
	}
	if o.LR == 0 {
		o.LR = 1e-3
	}
	if o.MinLR == 0 {
		o.MinLR = o.LR / 10
	}
	if o.Beta1 == 0 {
		o.Beta1 = 0.9
	}
	if o.Beta2 == 0 {
		o.Beta2 = 0.95
	}
	if o.AdamEps == 0 {
		o.AdamEps = 1e-8
	}
	if o.Threads == 0 {
		o.Threads = runtime.NumCPU()
	}
	if o.Shards == 0 {
		o.Shards = 4
	}
	if o.ChunkTokens == 0 {
		o.ChunkTokens = 512
	}
	o.Threads = min(o.Threads, o.Shards)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

// trainer is the state of a run.
type trainer struct {
	m      *Model
	data   Dataset
	o      Options
	opt    adamW
	step   int       // steps done
	passes []*pass   // one per shard
	grad   []float32 // the step's gradient: passes[0].grad after the reduction
	wT     []float32 // the weights transposed, for the passes' backward products
	ema    []float32 // Options.EMA's average, not bias-corrected (nil: off)
}

// Train optimises m on data and returns the last step's progress. With
// Options.Resume and an existing checkpoint, m's weights are replaced by the
// checkpoint's and training continues after its step. On cancellation the
// checkpoint (if configured) is written and ctx's error returned.
func Train(ctx context.Context, m *Model, data Dataset, opts Options) (Progress, error) {
	if err := opts.defaults(m.Cfg); err != nil {
		return Progress{}, err
	}
	if data.Len() == 0 {
		return Progress{}, fmt.Errorf("train: empty dataset")
	}
	tr := &trainer{m: m, data: data, o: opts}
	tr.opt = adamW{m: make([]float32, len(m.W)), v: make([]float32, len(m.W))}
	if opts.EMA > 0 {
		tr.ema = make([]float32, len(m.W))
	}
	if opts.Resume {
		err := tr.load(opts.Checkpoint)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			opts.Logger.Info("no checkpoint to resume from, starting afresh", "path", opts.Checkpoint)
		case err != nil:
			return Progress{}, err
		default:
			opts.Logger.Info("resumed", "path", opts.Checkpoint, "step", tr.step)
		}
	}
	tr.wT = make([]float32, len(m.W))
	for range opts.Shards {
		tr.passes = append(tr.passes, newPass(m, tr.wT))
	}
	tr.grad = tr.passes[0].grad

	start := time.Now()
	first := tr.step
	var last Progress
	var tokens int64
	for tr.step < opts.Steps {
		if err := ctx.Err(); err != nil {
			if opts.Checkpoint != "" {
				if err := tr.save(opts.Checkpoint); err != nil {
					return last, err
				}
			}
			return last, fmt.Errorf("train: stopped after step %d: %w", tr.step, err)
		}
		p, n, err := tr.runStep()
		if err != nil {
			return last, err
		}
		tokens += int64(n)
		el := time.Since(start)
		p.Tokens, p.Elapsed = tokens, el
		p.TokensPerSec = float64(tokens) / el.Seconds()
		p.ETA = time.Duration(float64(el) / float64(tr.step-first) * float64(opts.Steps-tr.step))
		last = p
		if opts.Progress != nil {
			opts.Progress(p)
		}
		if opts.Checkpoint != "" && opts.CheckpointEvery > 0 && tr.step%opts.CheckpointEvery == 0 && tr.step < opts.Steps {
			if err := tr.save(opts.Checkpoint); err != nil {
				return last, err
			}
		}
	}
	if opts.Checkpoint != "" {
		if err := tr.save(opts.Checkpoint); err != nil {
			return last, err
		}
	}
	if tr.ema != nil {
		c := 1 - math.Pow(opts.EMA, float64(tr.opt.t))
		for i, v := range tr.ema {
			m.W[i] = float32(float64(v) / c)
		}
	}
	opts.Logger.Info("trained", "steps", tr.step, "loss", last.Loss, "tokens", tokens, "tokens_per_s", last.TokensPerSec)
	return last, nil
}

// batch draws the examples of step s.
func (tr *trainer) batch(s int) ([]int, int, error) {
	rng := rand.New(rand.NewPCG(tr.o.Seed, uint64(s)))
	var idx []int
	n := 0
	for n < tr.o.BatchTokens {
		i := rng.IntN(tr.data.Len())
		toks, mask := tr.data.Example(i)
		if len(toks) != len(mask) {
			return nil, 0, fmt.Errorf("train: example %d has %d tokens but a mask of %d", i, len(toks), len(mask))
		}
		if len(toks) == 0 || len(toks) > tr.m.Cfg.Ctx {
			return nil, 0, fmt.Errorf("train: example %d has %d tokens, want 1..%d (Ctx)", i, len(toks), tr.m.Cfg.Ctx)
		}
		for _, t := range toks {
			if t < 0 || int(t) >= tr.m.Cfg.Vocab {
				return nil, 0, fmt.Errorf("train: example %d: token %d out of range [0, %d)", i, t, tr.m.Cfg.Vocab)
			}
		}
		idx = append(idx, i)
		n += len(toks)
	}
	return idx, n, nil
}

// runStep makes one optimizer step and returns its progress (without the
// run's totals) and the number of tokens processed.
func (tr *trainer) runStep() (Progress, int, error) {
	idx, ntok, err := tr.batch(tr.step)
	if err != nil {
		return Progress{}, 0, err
	}
	targets := 0
	for _, i := range idx {
		_, mask := tr.data.Example(i)
		for _, b := range mask[1:] {
			if b {
				targets++
			}
		}
	}
	scale := float32(1 / float64(max(targets, 1)))

	// Longest example first to the least loaded shard: balanced, and
	// fixed by the batch alone, so sums depend neither on timing nor on
	// the number of threads.
	order := slices.Clone(idx)
	lens := func(i int) int { t, _ := tr.data.Example(i); return len(t) }
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(lens(b), lens(a)) })
	W := len(tr.passes)
	share := make([][]int, W)
	load := make([]int, W)
	for _, i := range order {
		w := 0
		for k := 1; k < W; k++ {
			if load[k] < load[w] {
				w = k
			}
		}
		share[w] = append(share[w], i)
		load[w] += lens(i)
	}
	tr.m.transposeWeights(tr.wT, tr.o.Threads)
	losses := make([]float64, W)
	var wg sync.WaitGroup
	for t := range tr.o.Threads {
		wg.Go(func() {
			for s := t; s < W; s += tr.o.Threads {
				ps := tr.passes[s]
				clear(ps.grad)
				var toks []int32
				var mask []bool
				var ends []int
				chunk := 0
				flush := func() {
					if len(ends) > 0 {
						drop := newDropout(tr.o.Dropout, tr.o.Seed, tr.step, s, chunk)
						l, _ := ps.step(toks, mask, ends, scale, drop)
						losses[s] += l
						chunk++
					}
					toks, mask, ends = toks[:0], mask[:0], ends[:0]
				}
				for _, i := range share[s] {
					t, m := tr.data.Example(i)
					if len(ends) > 0 && len(toks)+len(t) > tr.o.ChunkTokens {
						flush()
					}
					toks, mask = append(toks, t...), append(mask, m...)
					ends = append(ends, len(toks))
				}
				flush()
			}
		})
	}
	wg.Wait()
	var loss float64
	for _, l := range losses {
		loss += l
	}

	// Sum the shards' gradients into passes[0] in shard order, one range
	// of the parameters per goroutine (the ranges do not change the sums).
	tr.parallelRange(func(lo, hi int) {
		g := tr.grad[lo:hi]
		for _, ps := range tr.passes[1:] {
			addTo(g, ps.grad[lo:hi])
		}
	})
	norm := gradNorm(tr.grad)
	if tr.o.Clip > 0 && norm > tr.o.Clip {
		c := float32(tr.o.Clip / norm)
		tr.parallelRange(func(lo, hi int) {
			for i := lo; i < hi; i++ {
				tr.grad[i] *= c
			}
		})
	}
	lr := learningRate(tr.step, tr.o.Steps, tr.o.Warmup, tr.o.LR, tr.o.MinLR)
	tr.opt.t++
	tr.parallelRange(func(lo, hi int) {
		tr.opt.update(tr.m.Params, tr.m.W, tr.grad, lo, hi, lr, tr.o.WeightDecay, tr.o.Beta1, tr.o.Beta2, tr.o.AdamEps)
		if tr.ema != nil {
			d := float32(tr.o.EMA)
			for i := lo; i < hi; i++ {
				tr.ema[i] = d*tr.ema[i] + (1-d)*tr.m.W[i]
			}
		}
	})
	tr.step++
	if math.IsNaN(loss) || math.IsInf(loss, 0) || math.IsNaN(norm) {
		return Progress{}, 0, fmt.Errorf("train: step %d: loss %v, gradient norm %v (lower LR or set Clip)", tr.step, loss, norm)
	}
	return Progress{Step: tr.step, Steps: tr.o.Steps, Loss: loss / float64(max(targets, 1)), LR: lr, GradNorm: norm}, ntok, nil
}

// parallelRange splits [0, len(W)) over Threads goroutines.
func (tr *trainer) parallelRange(fn func(lo, hi int)) {
	n, k := len(tr.m.W), tr.o.Threads
	var wg sync.WaitGroup
	for j := range k {
		wg.Go(func() { fn(n*j/k, n*(j+1)/k) })
	}
	wg.Wait()
}

// Logits runs the model over tokens and returns the logits of every
// position (len(tokens) rows of Vocab), for evaluation and tests.
func (m *Model) Logits(tokens []int32) ([]float32, error) {
	if len(tokens) == 0 || len(tokens) > m.Cfg.Ctx {
		return nil, fmt.Errorf("train: %d tokens, want 1..%d", len(tokens), m.Cfg.Ctx)
	}
	for _, t := range tokens {
		if t < 0 || int(t) >= m.Cfg.Vocab {
			return nil, fmt.Errorf("train: token %d out of range [0, %d)", t, m.Cfg.Vocab)
		}
	}
	return newPass(m, nil).logits(tokens), nil
}
