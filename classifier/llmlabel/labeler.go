package llmlabel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/logsift/logsift/classifier"
	"github.com/logsift/logsift/classifier/prompt"
	"github.com/logsift/logsift/inference/constrain"
	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/schemas"
)

// Format turns a line's masked template into the prompt token ids of one
// model. DefaultFormat is the default model's; a general instruct model
// takes a chat format with instructions.
type Format interface {
	Prompt(template string) ([]int32, error)
}

// DefaultFormat is the format of logsift's own models (classifier/prompt):
// the template fenced by special tokens.
type DefaultFormat struct{ Codec *prompt.Codec }

// Prompt implements Format.
func (f DefaultFormat) Prompt(template string) ([]int32, error) {
	return f.Codec.TemplatePrompt(template), nil
}

// Config configures a Labeler.
type Config struct {
	// Engine runs the model (required). The Labeler does not close it.
	Engine *engine.Engine
	// Name is the model id stored with every row (required).
	Name string
	// Schema is the classification JSON Schema the answer is constrained
	// to (nil = the default schema). It must be an object schema with
	// string properties "severity" (values among the taxonomy's
	// severities) and "category"; every property beyond severity, category
	// and component is stored in the row's labels.
	Schema []byte
	// Format builds prompts (nil = DefaultFormat over the engine's
	// tokenizer, which must have the default format's special tokens).
	Format Format
	// Speculate is the engine's speculation mode for every request ("" =
	// the engine's default).
	Speculate string
	// NoJumpForward turns off jump-forward over bytes the schema forces.
	NoJumpForward bool
	// FreeComponent lets the model write any component. By default, with
	// the default schema, the component is constrained to the name-like
	// pieces of the line (see copy.go).
	FreeComponent bool
	Cache         CacheConfig
	// Registerer receives the cache and request metrics (nil = none).
	Registerer prometheus.Registerer
	Logger     *slog.Logger
}

// Labeler implements classifier.Labeler on the engine.
type Labeler struct {
	eng       *engine.Engine
	name      string
	schema    []byte
	validator *schemas.Schema
	custom    bool
	copyComp  bool
	format    Format
	speculate string
	noJump    bool
	cache     *cache
	log       *slog.Logger

	requests, forwards, drafted, accepted prometheus.Counter
}

var _ classifier.Labeler = (*Labeler)(nil)

// New checks cfg, compiles the schema for the engine and returns a Labeler.
func New(cfg Config) (*Labeler, error) {
	if cfg.Engine == nil {
		return nil, errors.New("llmlabel: no engine")
	}
	if cfg.Name == "" {
		return nil, errors.New("llmlabel: no model name")
	}
	custom := cfg.Schema != nil
	if !custom {
		cfg.Schema = constrain.DefaultSchema
	}
	validator, err := schemas.Compile(cfg.Schema)
	if err != nil {
		return nil, fmt.Errorf("llmlabel: schema: %w", err)
	}
	if err := schemas.CheckClassificationShape(cfg.Schema); err != nil {
		return nil, fmt.Errorf("llmlabel: schema: %w", err)
	}
	// Compile the schema for the engine now, so a schema the constrained
	// decoder cannot handle fails at start-up rather than on every line.
	if _, err := cfg.Engine.Index(cfg.Schema, constrain.Options{}); err != nil {
		return nil, fmt.Errorf("llmlabel: %w", err)
	}
	if cfg.Format == nil {
		codec, err := prompt.NewCodec(cfg.Engine.Tokenizer())
		if err != nil {
			return nil, fmt.Errorf("llmlabel: model %s is not in logsift's default format (give it a chat prompt format): %w", cfg.Name, err)
		}
		cfg.Format = DefaultFormat{Codec: codec}
	}
	if ids, err := cfg.Format.Prompt(""); err != nil {
		return nil, fmt.Errorf("llmlabel: prompt format: %w", err)
	} else if n := cfg.Engine.ModelConfig().NCtx; n > 0 && len(ids)+minAnswer+64 > n {
		return nil, fmt.Errorf("llmlabel: the prompt format takes %d tokens before the line, too many for the model's context of %d", len(ids), n)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	const ns, sub = "logsift", "labeler"
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: name, Help: help})
	}
	l := &Labeler{
		eng: cfg.Engine, name: cfg.Name, schema: cfg.Schema, validator: validator, custom: custom, copyComp: !custom && !cfg.FreeComponent,
		format: cfg.Format, speculate: cfg.Speculate, noJump: cfg.NoJumpForward, log: log,
		requests: counter("model_requests_total", "Templates sent to the model (cache misses, deduplicated per batch)."),
		forwards: counter("model_forwards_total", "Engine forward passes that computed tokens of the labeler's requests."),
		drafted:  counter("drafted_tokens_total", "Speculative draft tokens verified for the labeler's requests."),
		accepted: counter("accepted_tokens_total", "Speculative draft tokens accepted."),
	}
	hits, misses := counter("cache_hits_total", "Lines answered from the template cache."),
		counter("cache_misses_total", "Lines not in the template cache.")
	l.cache = newCache(cfg.Cache, cfg.Name, validator.Hash(), hits, misses)
	if cfg.Registerer != nil {
		for _, c := range []prometheus.Collector{l.requests, l.forwards, l.drafted, l.accepted, hits, misses} {
			if err := cfg.Registerer.Register(c); err != nil {
				return nil, fmt.Errorf("llmlabel: metrics: %w", err)
			}
		}
		size := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub, Name: "cache_templates",
			Help: "Templates held by the template cache."}, func() float64 { return float64(l.cache.len()) })
		if err := cfg.Registerer.Register(size); err != nil {
			return nil, fmt.Errorf("llmlabel: metrics: %w", err)
		}
	}
	return l, nil
}

// Name implements classifier.Labeler.
func (l *Labeler) Name() string { return l.name }

// Label implements classifier.Labeler. Lines fail one by one (Output.Err)
// when the model's answer is cut short or invalid; the whole batch fails
// only when the engine does (closed, or ctx ended).
func (l *Labeler) Label(ctx context.Context, in []classifier.Input) ([]classifier.Output, error) {
	out := make([]classifier.Output, len(in))
	// One request per distinct template; the lines of a template share
	// its answer.
	type job struct {
		template string
		lines    []int
		res      schemas.Classification
		err      error
	}
	var jobs []*job
	byTemplate := map[string]*job{}
	for i, x := range in {
		if c, ok := l.cache.get(x.Template); ok {
			out[i] = classifier.Output{Classification: c, Cached: true}
			continue
		}
		j := byTemplate[x.Template]
		if j == nil {
			j = &job{template: x.Template}
			byTemplate[x.Template] = j
			jobs = append(jobs, j)
		}
		j.lines = append(j.lines, i)
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		batchErr error
	)
	for _, j := range jobs {
		wg.Go(func() {
			c, fatal, err := l.one(ctx, j.template)
			if fatal {
				mu.Lock()
				batchErr = cmpErr(batchErr, err)
				mu.Unlock()
				return
			}
			j.res, j.err = c, err
		})
	}
	wg.Wait()
	if batchErr != nil {
		return nil, batchErr
	}
	for _, j := range jobs {
		if j.err == nil {
			l.cache.put(j.template, j.res)
		}
		for _, i := range j.lines {
			out[i] = classifier.Output{Classification: j.res, Err: j.err}
		}
	}
	return out, nil
}

func cmpErr(old, err error) error {
	if old != nil {
		return old
	}
	return err
}

// one labels one template. fatal reports an error of the engine rather than
// of this line's answer.
func (l *Labeler) one(ctx context.Context, template string) (c schemas.Classification, fatal bool, err error) {
	ids, err := l.format.Prompt(template)
	if err != nil {
		return c, false, fmt.Errorf("prompt: %w", err)
	}
	// A prompt that leaves no room for an answer fails this line only
	// (a long line under a long chat preamble), not the batch.
	if n, ctx := len(ids), l.eng.ModelConfig().NCtx; ctx > 0 && n+minAnswer > ctx {
		return c, false, fmt.Errorf("prompt of %d tokens leaves no room for an answer in the model's context of %d", n, ctx)
	}
	l.requests.Inc()
	schema := l.schema
	if l.copyComp {
		schema = copySchema(componentCandidates(template))
	}
	res, err := l.eng.Generate(ctx, engine.Request{
		Prompt: ids, Schema: schema, Speculate: l.speculate, NoJumpForward: l.noJump,
	})
	if err != nil {
		return c, true, fmt.Errorf("llmlabel: engine: %w", err)
	}
	l.forwards.Add(float64(res.Forwards))
	l.drafted.Add(float64(res.Drafted))
	l.accepted.Add(float64(res.Accepted))
	if res.JSON == nil {
		return c, false, fmt.Errorf("model answer cut short after %d tokens (%s): %q", len(res.Tokens), res.FinishReason, res.Text)
	}
	c, err = l.parse(res.JSON)
	if err != nil {
		return c, false, err
	}
	c.Confidence = res.EnumProbs["/severity"] * res.EnumProbs["/category"]
	return c, false, nil
}

// minAnswer is the fewest positions a prompt must leave for the answer: the
// default schema's shortest answer takes about 20 tokens.
const minAnswer = 32

// parse validates an answer and maps it to a Classification. The engine's
// output is constrained to the schema, so a failure here is a bug in the
// decoder, but the row must never carry labels the schema does not allow.
func (l *Labeler) parse(doc []byte) (schemas.Classification, error) {
	var c schemas.Classification
	if err := l.validator.Validate(doc); err != nil {
		return c, fmt.Errorf("model answer %s fails the schema: %w", doc, err)
	}
	// With a custom schema the whole answer goes to labels, so its fields
	// are queryable without knowing which ones are extra.
	c, err := schemas.ClassificationFromAnswer(doc, l.custom)
	if err != nil {
		return c, fmt.Errorf("model answer %s: %w", doc, err)
	}
	return c, nil
}
