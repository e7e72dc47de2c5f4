package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/logsift/logsift/inference/constrain"
	"github.com/logsift/logsift/inference/kvcache"
	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/sample"
	"github.com/logsift/logsift/inference/sched"
	"github.com/logsift/logsift/inference/speculate"
	"github.com/logsift/logsift/inference/tokenizer"
)

// Config configures an Engine.
type Config struct {
	// KVBudget is the memory of the KV block pool in bytes (0 = 256 MiB
	// unless KVBlocks is set).
	KVBudget int64
	// KVBlocks sets the pool size in blocks instead of KVBudget.
	KVBlocks int
	// BlockSize is the token positions per KV block (0 = 16).
	BlockSize int
	// StepTokens is the token budget of one batch (0 = the model's MaxBatch).
	StepTokens int
	// MaxSeqs caps the sequences running at once (0 = 256).
	MaxSeqs int
	// NoPrefixCache disables reuse of cached prompt prefixes.
	NoPrefixCache bool
	// ModelID separates the prefix caches of different models or adapters
	// (default: the model's name and shape).
	ModelID string
	// WarmSchemas are indexed (with the default constrain.Options) and
	// every mask computed in New, so that no request with them pays for a
	// cold mask: the step loop computes masks, and a cold one inside a free
	// string walks the whole vocabulary (milliseconds for 49k tokens) while
	// every running sequence waits. Other schemas are indexed on first use.
	WarmSchemas [][]byte
	// Draft (nil = none) is a smaller model with the target's vocabulary
	// for speculative decoding (Request.Speculate "draft" or "auto"). It
	// gets a KV pool of its own with as many blocks as the target's, and
	// nothing else may use it while the engine runs.
	Draft *model.Model
	// Speculate is the mode of requests whose Speculate is "" ("" = off).
	Speculate string
	Logger    *slog.Logger
}

// Request is one generation.
type Request struct {
	// Prompt token ids; if nil, Text is encoded with the model's tokenizer
	// (adding BOS if the model asks for it).
	Prompt []int32
	Text   string
	// MaxTokens is the most tokens to generate (0 = 16).
	MaxTokens int
	Sampling  sample.Params
	// Mask constrains the tokens (nil = none); see package sample.
	Mask sample.Mask
	// Stop ends generation once the output text contains one of these.
	Stop []string
	// IgnoreEOG keeps generating past end-of-generation tokens.
	IgnoreEOG bool

	// Schema (a JSON Schema document, see package constrain; nil = none)
	// makes the output a value of the schema: the sampler masks the logits
	// with the schema's automaton, an end-of-generation token is allowed
	// only where the value is complete, and generation ends when nothing
	// may follow ("complete"). The compiled index is cached per (schema,
	// SchemaOptions, vocabulary). Mask must be nil and IgnoreEOG false.
	// MaxTokens 0 means room for the longest value the schema allows.
	Schema        []byte
	SchemaOptions constrain.Options
	// NoJumpForward turns jump-forward off for a Schema request. It is on
	// by default (a negative switch, so that the zero Request gets it):
	// bytes the schema forces are appended as the tokenizer would split
	// them, without sampling, their keys and values computed in one chunk.
	NoJumpForward bool

	// Speculate chooses speculative decoding (see package speculate):
	// "off", "lookup" (prompt lookup), "draft" (the engine's Config.Draft
	// model; an error without one) or "auto" (draft if the engine has a
	// draft model, else lookup); "" takes Config.Speculate. The output is
	// unchanged: greedy outputs are those of plain decoding token for
	// token; sampled ones follow the same distribution (with prompt
	// lookup they are even the same tokens for the same Seed, as the
	// verification draws as plain sampling does). With a Schema, drafts
	// are cut where they leave the schema and forced tokens are not
	// drafted.
	Speculate string
}

// Speculation modes of Request.Speculate.
const (
	SpeculateOff    = "off"
	SpeculateLookup = "lookup"
	SpeculateDraft  = "draft"
	SpeculateAuto   = "auto"
)

// Token is one streamed token.
type Token struct {
	Index   int
	ID      int32
	Logprob float32
	Top     []sample.TokenLogprob
}

// Result is a finished generation.
type Result struct {
	Tokens       []int32
	Logprobs     []float32
	TopLogprobs  [][]sample.TokenLogprob // when Sampling.TopLogprobs > 0
	Text         string                  // without a final end-of-generation token, cut before a stop string
	FinishReason string                  // "length", "eog" or "stop"
	PromptTokens int
	CachedTokens int // prompt tokens reused from the prefix cache
	Preemptions  int
	TTFT         time.Duration // from Generate to the first sampled token
	// Forwards is the number of scheduler steps (model forward passes)
	// that computed tokens of this request, its prompt chunks included.
	Forwards int
	// ForcedTokens are output tokens appended by jump-forward (their
	// Logprobs entry is 0, except as EnumProbs explains).
	ForcedTokens int
	// Drafted and Accepted count speculative draft tokens verified and
	// accepted (Request.Speculate).
	Drafted, Accepted int

	// For Schema requests. JSON is the output when it is a complete value
	// (FinishReason "complete" or "eog"), nil otherwise (cut by MaxTokens).
	// EnumProbs is constrain.EnumProbs of the output: for every enum-valued
	// property (keyed by JSON pointer, "/severity"), the product of the
	// probabilities of the tokens that spelled the chosen value, each under
	// the masked distribution before temperature. When jump-forward
	// re-tokenises sampled tokens, the first replacing token carries the
	// sum of the replaced tokens' log-probabilities, so the choice the
	// model made keeps its probability.
	JSON      []byte
	EnumProbs map[string]float64
}

// ErrClosed is returned for requests to a closed engine.
var ErrClosed = errors.New("engine: closed")

// Engine serves generation requests over one model. See the package doc.
type Engine struct {
	m     *model.Model
	tok   *tokenizer.Tokenizer
	cfg   Config
	sched *sched.Scheduler
	kv    *kvcache.Cache
	log   *slog.Logger

	submit chan *sched.Seq
	ctl    chan func()
	quit   chan struct{}
	done   chan struct{}
	once   sync.Once
	start  time.Time

	draft     *speculate.DraftModel
	indexes   constrain.Cache
	vocabOnce sync.Once
	vocab     constrain.Vocab
}

// New builds the KV pool and starts the engine's loop. The model must not
// be used by anything else while the engine runs.
func New(m *model.Model, cfg Config) (*Engine, error) {
	mc := m.Config()
	if cfg.KVBudget == 0 && cfg.KVBlocks == 0 {
		cfg.KVBudget = 256 << 20
	}
	if cfg.StepTokens == 0 || cfg.StepTokens > m.MaxBatch() {
		cfg.StepTokens = m.MaxBatch()
	}
	if cfg.ModelID == "" {
		cfg.ModelID = fmt.Sprintf("%s/%s/%d/%d/%d", mc.Arch, mc.Name, mc.NLayer, mc.NEmbd, mc.NVocab)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := checkMode(cfg.Speculate); err != nil {
		return nil, err
	}
	kv, err := kvcache.New(kvcache.Config{Layers: mc.NLayer, Dim: mc.KVDim(), BlockSize: cfg.BlockSize,
		Blocks: cfg.KVBlocks, Budget: cfg.KVBudget, ModelID: cfg.ModelID})
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	tok := m.Tokenizer()
	sc, err := sched.New(m, kv, sched.Config{
		StepTokens: cfg.StepTokens, MaxSeqs: cfg.MaxSeqs, Vocab: mc.NVocab,
		NoPrefixCache: cfg.NoPrefixCache, IsEOG: tok.IsEOG, Decode: tok.Decode, Logger: log,
	})
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	e := &Engine{
		m: m, tok: tok, cfg: cfg, sched: sc, kv: kv, log: log,
		submit: make(chan *sched.Seq), ctl: make(chan func()),
		quit: make(chan struct{}), done: make(chan struct{}), start: time.Now(),
	}
	if cfg.Draft != nil {
		err := sameVocab(tok, cfg.Draft.Tokenizer())
		if dv := cfg.Draft.Config().NVocab; err == nil && dv != mc.NVocab {
			err = fmt.Errorf("%d logits per row, the target has %d", dv, mc.NVocab)
		}
		if err != nil {
			return nil, fmt.Errorf("engine: draft model: %w", err)
		}
		if e.draft, err = speculate.NewDraftModel(cfg.Draft, speculate.DraftConfig{
			Blocks: kv.Stats().Blocks, BlockSize: kv.BlockSize()}); err != nil {
			return nil, fmt.Errorf("engine: %w", err)
		}
	}
	for i, doc := range cfg.WarmSchemas {
		x, err := e.Index(doc, constrain.Options{})
		if err == nil {
			_, err = x.Warm(context.Background())
		}
		if err != nil {
			return nil, fmt.Errorf("engine: warm schema %d: %w", i, err)
		}
	}
	log.Info("engine ready", "kv_blocks", kv.Stats().Blocks, "block_size", kv.BlockSize(),
		"kv_bytes_per_token", kv.BytesPerToken(), "step_tokens", cfg.StepTokens)
	go e.loop()
	return e, nil
}

// Close stops the loop; running requests fail with ErrClosed.
func (e *Engine) Close() error {
	e.once.Do(func() { close(e.quit) })
	<-e.done
	return nil
}

// Tokenizer is the model's tokenizer.
func (e *Engine) Tokenizer() *tokenizer.Tokenizer { return e.tok }

// ModelConfig is the model's configuration.
func (e *Engine) ModelConfig() model.Config { return e.m.Config() }

func (e *Engine) loop() {
	defer close(e.done)
	for {
		if e.sched.Idle() {
			select {
			case q := <-e.submit:
				e.add(q)
			case f := <-e.ctl:
				f()
			case <-e.quit:
				e.sched.DropAll(ErrClosed)
				return
			}
		}
		// Everyone who arrived during the last step joins this one.
	drain:
		for {
			select {
			case q := <-e.submit:
				e.add(q)
			case f := <-e.ctl:
				f()
			case <-e.quit:
				e.sched.DropAll(ErrClosed)
				return
			default:
				break drain
			}
		}
		n, err := e.sched.Step()
		if err != nil {
			e.log.Error("engine step failed", "err", err)
		}
		if n == 0 && !e.sched.Idle() {
			// Nothing could be scheduled (cannot last: with nothing running
			// the whole pool is free); do not spin.
			time.Sleep(time.Millisecond)
		}
	}
}

func (e *Engine) add(q *sched.Seq) {
	if err := e.sched.Add(q); err != nil {
		q.OnFinish("", err)
	}
}

type event struct {
	tok    sample.Choice
	jump   bool // keep, forced: see sched.Seq.OnJump
	keep   int
	forced []int32
	final  bool
	reason string
	err    error
}

// Generate runs one request to the end.
func (e *Engine) Generate(ctx context.Context, r Request) (Result, error) {
	return e.Stream(ctx, r, nil)
}

// Stream runs one request, calling fn (if not nil) from the caller's
// goroutine for every token as it is generated, and returns the result.
// With jump-forward, Token.Index may step back: re-tokenising forced text
// replaces the output's tokens from that index on.
func (e *Engine) Stream(ctx context.Context, r Request, fn func(Token)) (Result, error) {
	t0 := time.Now()
	prompt := r.Prompt
	if prompt == nil {
		prompt = e.tok.Encode(r.Text, tokenizer.EncodeOptions{AddSpecial: true})
	}
	mc := e.m.Config()
	var x *constrain.Index
	if r.Schema != nil {
		if r.Mask != nil || r.IgnoreEOG {
			return Result{}, fmt.Errorf("engine: a schema request takes no Mask and no IgnoreEOG")
		}
		var err error
		if x, err = e.Index(r.Schema, r.SchemaOptions); err != nil {
			return Result{}, err
		}
		if r.MaxTokens == 0 {
			// Every token has at least one byte.
			r.MaxTokens = min(x.Automaton().MaxBytes()+1, mc.NCtx-len(prompt))
		}
	}
	if r.MaxTokens == 0 {
		r.MaxTokens = 16
	}
	mode := r.Speculate
	if mode == "" {
		mode = e.cfg.Speculate
	}
	if err := checkMode(mode); err != nil {
		return Result{}, err
	}
	if mode == SpeculateAuto {
		mode = SpeculateLookup
		if e.draft != nil {
			mode = SpeculateDraft
		}
	}
	if mode == SpeculateDraft && e.draft == nil {
		return Result{}, fmt.Errorf("engine: speculate %q: the engine has no draft model", mode)
	}
	if r.MaxTokens < 0 {
		return Result{}, fmt.Errorf("engine: max tokens %d must not be negative", r.MaxTokens)
	}
	if len(prompt) == 0 {
		return Result{}, fmt.Errorf("engine: empty prompt")
	}
	if len(prompt)+r.MaxTokens > mc.NCtx {
		return Result{}, fmt.Errorf("engine: prompt of %d tokens + %d new tokens exceeds the context length %d", len(prompt), r.MaxTokens, mc.NCtx)
	}
	for i, t := range prompt {
		if t < 0 || int(t) >= mc.NVocab {
			return Result{}, fmt.Errorf("engine: prompt token %d = %d out of range [0, %d)", i, t, mc.NVocab)
		}
	}
	mask := r.Mask
	var matcher *constrain.Matcher
	var gram *grammar
	events := r.MaxTokens + 1
	if x != nil {
		matcher = constrain.NewMatcher(x, e.tok, !r.NoJumpForward)
		gram = newGrammar(matcher, x, e.tok, !r.NoJumpForward)
		mask = gram
		// Every sampled token adds at least one byte, so at most MaxBytes
		// samples, each with at most a token and a jump event, and the
		// jump before the first.
		events = 2*(x.Automaton().MaxBytes()+2) + 2
	}
	smp, err := sample.New(r.Sampling, mask)
	if err != nil {
		return Result{}, fmt.Errorf("engine: %w", err)
	}
	smp.Observe(prompt)
	// Room for every event: the loop never blocks.
	ch := make(chan event, events)
	q := &sched.Seq{
		Ctx: ctx, Prompt: prompt, MaxTokens: r.MaxTokens, Stop: r.Stop, IgnoreEOG: r.IgnoreEOG, Sampler: smp,
		OnToken:  func(c sample.Choice) { ch <- event{tok: c} },
		OnFinish: func(reason string, err error) { ch <- event{final: true, reason: reason, err: err} },
	}
	switch mode {
	case SpeculateLookup:
		q.Speculate = speculate.NewState(speculate.Lookup{}, speculate.Adapt{})
	case SpeculateDraft:
		ds, err := e.draft.NewSeq(r.Sampling)
		if err != nil {
			return Result{}, fmt.Errorf("engine: %w", err)
		}
		q.Speculate = speculate.NewState(ds, speculate.Adapt{})
	}
	if gram != nil {
		q.Constraint = gram
		q.OnJump = func(keep int, forced []int32) {
			ch <- event{jump: true, keep: keep, forced: slices.Clone(forced)}
		}
	}
	select {
	case e.submit <- q:
	case <-ctx.Done():
		return Result{}, ctx.Err()
	case <-e.quit:
		return Result{}, ErrClosed
	}
	res := Result{PromptTokens: len(prompt)}
	for {
		var ev event
		select {
		case ev = <-ch:
		case <-ctx.Done():
			// The loop frees the blocks at its next step.
			return Result{}, ctx.Err()
		}
		if ev.final {
			if ev.err != nil {
				return Result{}, ev.err
			}
			res.FinishReason = ev.reason
			// Read after the final event, which the loop sent after its
			// last write to q.
			res.CachedTokens, res.Preemptions = q.PrefixHits, q.Preempted
			res.Forwards, res.ForcedTokens = q.Forwards, q.Forced
			res.Drafted, res.Accepted = q.Drafted, q.Accepted
			res.Text = e.text(res.Tokens, ev.reason, r.Stop)
			if matcher != nil && matcher.Complete() {
				if err := e.schemaResult(&res, r.Schema); err != nil {
					return Result{}, err
				}
			}
			return res, nil
		}
		if ev.jump {
			// The replaced tokens' probability moves to the first
			// replacing one (see Result.EnumProbs).
			var carry float32
			for _, lp := range res.Logprobs[ev.keep:] {
				carry += lp
			}
			res.Tokens, res.Logprobs = res.Tokens[:ev.keep], res.Logprobs[:ev.keep]
			if r.Sampling.TopLogprobs > 0 {
				res.TopLogprobs = res.TopLogprobs[:ev.keep]
			}
			for i, t := range ev.forced {
				lp := float32(0)
				if i == 0 {
					lp = carry
				}
				res.Tokens = append(res.Tokens, t)
				res.Logprobs = append(res.Logprobs, lp)
				if r.Sampling.TopLogprobs > 0 {
					res.TopLogprobs = append(res.TopLogprobs, nil)
				}
				if fn != nil {
					fn(Token{Index: len(res.Tokens) - 1, ID: t, Logprob: lp})
				}
			}
			continue
		}
		if res.TTFT == 0 {
			// The first sampled token: forced tokens need no forward pass.
			res.TTFT = time.Since(t0)
		}
		res.Tokens = append(res.Tokens, ev.tok.Token)
		res.Logprobs = append(res.Logprobs, ev.tok.Logprob)
		if r.Sampling.TopLogprobs > 0 {
			res.TopLogprobs = append(res.TopLogprobs, ev.tok.Top)
		}
		if fn != nil {
			fn(Token{Index: len(res.Tokens) - 1, ID: ev.tok.Token, Logprob: ev.tok.Logprob, Top: ev.tok.Top})
		}
	}
}

// Index returns the engine's cached index of schema over the model's
// vocabulary, compiling it on first use (warm it with Index.Warm to take
// every mask computation off the requests).
func (e *Engine) Index(schema []byte, opts constrain.Options) (*constrain.Index, error) {
	e.vocabOnce.Do(func() { e.vocab = constrain.VocabFromTokenizer(e.tok) })
	x, err := e.indexes.Index(schema, opts, e.vocab)
	if err != nil {
		return nil, fmt.Errorf("engine: schema: %w", err)
	}
	return x, nil
}

func (e *Engine) schemaResult(res *Result, schema []byte) error {
	toks := res.Tokens
	if res.FinishReason == sched.FinishEOG {
		toks = toks[:len(toks)-1]
	}
	pieces := make([][]byte, len(toks))
	var text []byte
	for i, t := range toks {
		pieces[i] = e.tok.AppendPiece(nil, t)
		text = append(text, pieces[i]...)
	}
	probs, err := constrain.EnumProbs(schema, pieces, res.Logprobs[:len(toks)])
	if err != nil {
		return fmt.Errorf("BUG: engine: %w", err)
	}
	// The automaton reads token pieces; the tokenizer's Decode may differ
	// (SentencePiece drops a leading space).
	res.JSON, res.EnumProbs = text, probs
	return nil
}

func (e *Engine) text(toks []int32, reason string, stop []string) string {
	if reason == sched.FinishEOG {
		toks = toks[:len(toks)-1]
	}
	s := e.tok.Decode(toks)
	if reason == sched.FinishStop {
		cut := len(s)
		for _, st := range stop {
			if i := strings.Index(s, st); st != "" && i >= 0 {
				cut = min(cut, i)
			}
		}
		s = s[:cut]
	}
	return s
}

// Stats are the engine's counters and gauges.
type Stats struct {
	sched.Stats
	// TokensPerSecond is generated tokens per second of forward time.
	TokensPerSecond float64
	// AcceptanceRate is AcceptedTokens / DraftedTokens (0 before a draft).
	AcceptanceRate float64
	// TokensPerTargetForward is GeneratedTokens / SamplingSteps: sampled
	// tokens per target forward pass a sequence sampled in (1 without
	// speculation; jump-forward tokens not counted).
	TokensPerTargetForward float64
	Uptime                 time.Duration
}

// Stats returns a snapshot; safe from any goroutine.
func (e *Engine) Stats() Stats {
	s := Stats{Stats: e.sched.Stats(), Uptime: time.Since(e.start)}
	if s.ForwardTime > 0 {
		s.TokensPerSecond = float64(s.GeneratedTokens) / s.ForwardTime.Seconds()
	}
	if s.DraftedTokens > 0 {
		s.AcceptanceRate = float64(s.AcceptedTokens) / float64(s.DraftedTokens)
	}
	if s.SamplingSteps > 0 {
		s.TokensPerTargetForward = float64(s.GeneratedTokens) / float64(s.SamplingSteps)
	}
	return s
}

// ClearPrefixCache drops every unreferenced cached block (run by the loop
// between steps).
func (e *Engine) ClearPrefixCache(ctx context.Context) error {
	return e.do(ctx, func() {
		e.kv.ClearPrefix()
		e.sched.Refresh()
	})
}

// do runs f on the loop goroutine between steps and waits for it.
func (e *Engine) do(ctx context.Context, f func()) error {
	fin := make(chan struct{})
	select {
	case e.ctl <- func() { f(); close(fin) }:
	case <-ctx.Done():
		return ctx.Err()
	case <-e.quit:
		return ErrClosed
	}
	select {
	case <-fin:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func checkMode(mode string) error {
	switch mode {
	case "", SpeculateOff, SpeculateLookup, SpeculateDraft, SpeculateAuto:
		return nil
	}
	return fmt.Errorf("engine: speculate %q: want %q, %q, %q or %q", mode, SpeculateOff, SpeculateLookup, SpeculateDraft, SpeculateAuto)
}

// sameVocab checks that a draft model's tokens are the target's: drafts are
// token ids of the target's vocabulary.
func sameVocab(t, d *tokenizer.Tokenizer) error {
	if t.VocabSize() != d.VocabSize() {
		return fmt.Errorf("vocabulary of %d tokens, the target has %d", d.VocabSize(), t.VocabSize())
	}
	for id := range int32(t.VocabSize()) {
		if !bytes.Equal(t.Piece(id), d.Piece(id)) {
			return fmt.Errorf("token %d is %q, the target's is %q", id, d.Piece(id), t.Piece(id))
		}
	}
	return nil
}
