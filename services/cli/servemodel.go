package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/logsift/logsift/classifier/prompt"
	"github.com/logsift/logsift/inference/chat"
	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/models"
	"github.com/logsift/logsift/inference/openai"
	"github.com/logsift/logsift/inference/tokenizer"
	"github.com/logsift/logsift/platform/config"
	"github.com/logsift/logsift/platform/health"
	"github.com/logsift/logsift/platform/metrics"
	"github.com/logsift/logsift/services/app"
)

// serveModelConfig is `logsift serve-model` after flag parsing.
type serveModelConfig struct {
	Model        string
	DraftModel   string
	Addr         string
	ChatTemplate string // auto, chatml, llama3 or logsift
	Threads      int
	ModelID      string
	KVBudget     int64
	MaxInFlight  int
	MaxBody      int64
	Speculate    string
}

func runServeModel(ctx context.Context, args []string, s *stdio) int {
	fs := config.NewFlagSet("serve-model", "logsift serve-model: serves a GGUF model over the OpenAI HTTP API (GET /v1/models, POST /v1/completions, POST /v1/chat/completions), with /healthz, /readyz and /metrics.")
	var (
		c  serveModelConfig
		lf logFlags
	)
	fs.String(&c.Model, "model", "default", "GGUF model to serve, or \"default\": the classification model embedded in this binary (id logsift-default)")
	fs.String(&c.DraftModel, "draft-model", "default", "GGUF draft model (the target's vocabulary) for speculative decoding; \"default\" is the embedded draft when --model is default, else none; \"none\" for none")
	fs.String(&c.Addr, "addr", "127.0.0.1:8090", "listen address")
	fs.String(&c.ChatTemplate, "chat-template", "auto", "chat prompt format: auto (from the vocabulary), chatml, llama3 or logsift (the classification model's)")
	fs.Int(&c.Threads, "threads", 0, "threads of the forward pass (0 = one per CPU)")
	fs.String(&c.ModelID, "model-id", "", "the model's id in the API (default: the file name without .gguf)")
	fs.Bytes(&c.KVBudget, "kv-budget", 256<<20, "memory of the KV cache")
	fs.Int(&c.MaxInFlight, "max-in-flight", 256, "requests generated at once; more get 503")
	fs.Bytes(&c.MaxBody, "max-body", 4<<20, "largest request body")
	fs.String(&c.Speculate, "speculate", "", "speculative decoding: off, lookup (prompt lookup), draft (--draft-model) or auto (draft with --draft-model, else lookup); default auto with --draft-model, else off")
	lf.register(fs)
	if code, done := parse(fs, args, s); done {
		return code
	}
	if err := c.validate(); err != nil {
		return fail(s, err)
	}
	logger, err := lf.logger(s)
	if err != nil {
		return fail(s, err)
	}
	ctx, stop := signalContext(ctx)
	defer stop()
	sm, err := startServeModel(c, logger)
	if err != nil {
		return fail(s, err)
	}
	logger.Info("serving the OpenAI API", "addr", sm.Addr(), "model_id", sm.ModelID(), "chat_template", sm.Template())
	var runErr error
	select {
	case <-ctx.Done():
		logger.Info("shutting down: finishing requests in flight", "timeout", stopTimeout)
	case runErr = <-sm.done:
	}
	sctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	if err := errors.Join(runErr, sm.Stop(sctx)); err != nil {
		return fail(s, err)
	}
	return 0
}

func (c *serveModelConfig) validate() error {
	bad := func(format string, args ...any) error { return &app.ConfigError{Err: fmt.Errorf(format, args...)} }
	if c.Model == "" {
		c.Model = "default"
	}
	switch c.DraftModel {
	case "none":
		c.DraftModel = ""
	case "default":
		c.DraftModel = ""
		if c.Model == "default" {
			c.DraftModel = "default"
		}
	}
	switch {
	case c.Threads < 0:
		return bad("--threads %d must not be negative", c.Threads)
	case c.MaxInFlight < 1:
		return bad("--max-in-flight %d must be at least 1", c.MaxInFlight)
	case c.MaxBody < 1:
		return bad("--max-body %d must be positive", c.MaxBody)
	case c.KVBudget < 1<<20:
		return bad("--kv-budget %d: at least 1 MiB", c.KVBudget)
	}
	switch c.ChatTemplate {
	case "auto", "chatml", "llama3", "logsift":
	default:
		return bad("--chat-template %q: want auto, chatml, llama3 or logsift", c.ChatTemplate)
	}
	switch c.Speculate {
	case "":
		c.Speculate = engine.SpeculateOff
		if c.DraftModel != "" {
			c.Speculate = engine.SpeculateAuto
		}
	case engine.SpeculateOff, engine.SpeculateLookup, engine.SpeculateAuto:
	case engine.SpeculateDraft:
		if c.DraftModel == "" {
			return bad("--speculate draft needs --draft-model")
		}
	default:
		return bad("--speculate %q: want off, lookup, draft or auto", c.Speculate)
	}
	if c.Model != "default" {
		if _, err := os.Stat(c.Model); err != nil {
			return bad("--model: %v", err)
		}
	}
	if c.DraftModel != "" && c.DraftModel != "default" {
		if _, err := os.Stat(c.DraftModel); err != nil {
			return bad("--draft-model: %v", err)
		}
	}
	if c.ModelID == "" {
		c.ModelID = strings.TrimSuffix(filepath.Base(c.Model), ".gguf")
		if c.Model == "default" {
			c.ModelID = models.TargetID
		}
	}
	return nil
}

// logsiftTemplate is the chat format of logsift's classification model:
// the last user message is the raw log line, and the prompt is
// prompt.Codec's (fence tokens by id, the masked line as plain text), so an
// OpenAI client gets the answer the classifier would.
type logsiftTemplate struct{ codec *prompt.Codec }

func (logsiftTemplate) Name() string { return "logsift" }

func (t logsiftTemplate) Encode(_ *tokenizer.Tokenizer, msgs []chat.Message) ([]int32, error) {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == chat.RoleUser {
			return t.codec.Prompt(unfence(msgs[i].Content)), nil
		}
	}
	return nil, errors.New("chat: the logsift template needs a user message (the log line)")
}

// unfence returns the line inside a fence of three or more backticks, the
// form classifier/remote sends a line in (its fence is longer than any run
// of backticks in the line, so the closing fence is the last line);
// anything else is returned as it is.
func unfence(s string) string {
	n := 0
	for n < len(s) && s[n] == '`' {
		n++
	}
	if n < 3 || len(s) < 2*n+2 || s[n] != '\n' {
		return s
	}
	f := s[:n]
	if !strings.HasSuffix(s, "\n"+f) {
		return s
	}
	return s[n+1 : len(s)-n-1]
}

// chooseTemplate resolves --chat-template for a vocabulary; detected says
// whether auto found markers (else it falls back to ChatML as text).
func chooseTemplate(name string, tok *tokenizer.Tokenizer) (t chat.Template, detected bool, err error) {
	if name == "auto" {
		if _, ok := tok.TokenID(prompt.LogOpen); ok {
			name = "logsift"
		} else {
			t, detected = chat.Detect(tok)
			return t, detected, nil
		}
	}
	if name == "logsift" {
		codec, err := prompt.NewCodec(tok)
		if err != nil {
			return nil, false, &app.ConfigError{Err: fmt.Errorf("--chat-template logsift: %w", err)}
		}
		return logsiftTemplate{codec}, true, nil
	}
	t, err = chat.ByName(name)
	if err != nil {
		return nil, false, &app.ConfigError{Err: err}
	}
	return t, true, nil
}

// serveModel is a running serve-model: model, engine, HTTP server.
type serveModel struct {
	m      *model.Model
	draft  *model.Model // nil without --draft-model
	eng    *engine.Engine
	api    *openai.Server
	id     string
	health *health.Health
	srv    *http.Server
	ln     net.Listener
	done   chan error
	log    *slog.Logger
}

func startServeModel(c serveModelConfig, logger *slog.Logger) (*serveModel, error) {
	m, err := loadModel(c.Model, models.LoadTarget, model.Options{Threads: c.Threads, Logger: logger})
	if err != nil {
		return nil, &app.ConfigError{Err: fmt.Errorf("--model: %w", err)}
	}
	tmpl, detected, err := chooseTemplate(c.ChatTemplate, m.Tokenizer())
	if err != nil {
		m.Close()
		return nil, err
	}
	if !detected {
		logger.Warn("the vocabulary has no chat markers; chat prompts use ChatML spelled as text", "model", c.Model)
	}
	var draft *model.Model
	if c.DraftModel != "" {
		if draft, err = loadModel(c.DraftModel, models.LoadDraft, model.Options{Threads: c.Threads, Logger: logger}); err != nil {
			m.Close()
			return nil, &app.ConfigError{Err: fmt.Errorf("--draft-model: %w", err)}
		}
	}
	closeModels := func() {
		m.Close()
		if draft != nil {
			draft.Close()
		}
	}
	eng, err := engine.New(m, engine.Config{KVBudget: c.KVBudget, ModelID: c.ModelID, Draft: draft, Speculate: c.Speculate, Logger: logger})
	if err != nil {
		closeModels()
		if draft != nil {
			return nil, &app.ConfigError{Err: fmt.Errorf("--draft-model: %w", err)}
		}
		return nil, err
	}
	reg := metrics.NewRegistry()
	obs := newServeMetrics(reg, eng)
	api, err := openai.New(openai.Config{Engine: eng, ModelID: c.ModelID, Template: tmpl, MaxBodyBytes: c.MaxBody,
		MaxInFlight: c.MaxInFlight, Observer: obs, Logger: logger})
	if err != nil {
		eng.Close()
		closeModels()
		return nil, err
	}
	h := health.New()
	sm := &serveModel{m: m, draft: draft, eng: eng, api: api, id: c.ModelID, health: h, done: make(chan error, 1), log: logger}
	// Readiness is the draining flag only: a probe generation would queue
	// behind real requests under load and take the server out of rotation
	// exactly when it is busiest; overload answers 503 per request instead.
	mux := http.NewServeMux()
	mux.Handle("/v1/", api)
	mux.Handle("/metrics", metrics.Handler(reg))
	h.Register(mux)
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		eng.Close()
		closeModels()
		return nil, &app.ConfigError{Err: fmt.Errorf("--addr: %w", err)}
	}
	sm.ln = ln
	sm.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		err := sm.srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		sm.done <- err
	}()
	return sm, nil
}

func (sm *serveModel) Addr() string     { return sm.ln.Addr().String() }
func (sm *serveModel) ModelID() string  { return sm.id }
func (sm *serveModel) Template() string { return sm.api.Template().Name() }

// Stop drains: readiness fails first (load balancers stop sending), the
// listener closes, requests in flight (streams included) finish until ctx
// ends, and then the engine and the model are released.
func (sm *serveModel) Stop(ctx context.Context) error {
	sm.health.SetDraining(true)
	err := sm.srv.Shutdown(ctx)
	if err != nil {
		sm.log.Warn("requests still running at the stop deadline were cut", "err", err)
		_ = sm.srv.Close()
		err = nil
	}
	sm.eng.Close()
	sm.m.Close()
	if sm.draft != nil {
		sm.draft.Close()
	}
	return err
}

// serveMetrics exports the server's requests and the engine's counters.
type serveMetrics struct {
	requests *prometheus.CounterVec
	seconds  *prometheus.HistogramVec
	ttft     prometheus.Histogram
	tokens   *prometheus.CounterVec
}

func newServeMetrics(reg prometheus.Registerer, eng *engine.Engine) *serveMetrics {
	ns := metrics.Namespace
	m := &serveMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: "openai", Name: "requests_total",
			Help: "OpenAI API requests by endpoint and HTTP status (499: the client went away)."}, []string{"endpoint", "code"}),
		seconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Subsystem: "openai", Name: "request_seconds",
			Help: "Time from a request's arrival to its last byte.", Buckets: metrics.LatencyBuckets}, []string{"endpoint", "stream"}),
		ttft: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Subsystem: "openai", Name: "time_to_first_token_seconds",
			Help: "Time from a generation's start to its first sampled token.", Buckets: metrics.LatencyBuckets}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: "openai", Name: "tokens_total",
			Help: "Tokens of successful requests: prompt, cached (prompt tokens from the prefix cache) and completion."}, []string{"kind"}),
	}
	stat := func(name, help string, counter bool, f func(engine.Stats) float64) prometheus.Collector {
		fn := func() float64 { return f(eng.Stats()) }
		if counter {
			return prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: ns, Subsystem: "engine", Name: name, Help: help}, fn)
		}
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: ns, Subsystem: "engine", Name: name, Help: help}, fn)
	}
	reg.MustRegister(m.requests, m.seconds, m.ttft, m.tokens,
		stat("running_sequences", "Sequences being generated.", false, func(s engine.Stats) float64 { return float64(s.Running) }),
		stat("waiting_sequences", "Sequences waiting for KV blocks or a batch slot.", false, func(s engine.Stats) float64 { return float64(s.Waiting) }),
		stat("kv_blocks_used", "KV blocks referenced by sequences.", false, func(s engine.Stats) float64 { return float64(s.KV.Used) }),
		stat("kv_blocks_free", "KV blocks neither used nor cached.", false, func(s engine.Stats) float64 { return float64(s.KV.Free) }),
		stat("kv_blocks_cached", "Unreferenced KV blocks kept for the prefix cache.", false, func(s engine.Stats) float64 { return float64(s.KV.Cached) }),
		stat("generated_tokens_total", "Tokens sampled.", true, func(s engine.Stats) float64 { return float64(s.GeneratedTokens) }),
		stat("steps_total", "Scheduler steps (forward passes).", true, func(s engine.Stats) float64 { return float64(s.Steps) }),
		stat("preemptions_total", "Sequences preempted for lack of KV blocks.", true, func(s engine.Stats) float64 { return float64(s.Preemptions) }),
		stat("prefix_hit_tokens_total", "Prompt tokens taken from the prefix cache.", true, func(s engine.Stats) float64 { return float64(s.PrefixHitTokens) }),
		stat("forward_seconds_total", "Time spent in forward passes.", true, func(s engine.Stats) float64 { return s.ForwardTime.Seconds() }),
		stat("drafted_tokens_total", "Speculative draft tokens verified.", true, func(s engine.Stats) float64 { return float64(s.DraftedTokens) }),
		stat("accepted_tokens_total", "Speculative draft tokens accepted.", true, func(s engine.Stats) float64 { return float64(s.AcceptedTokens) }),
	)
	return m
}

func (m *serveMetrics) Observe(i openai.RequestInfo) {
	m.requests.WithLabelValues(i.Endpoint, strconv.Itoa(i.Status)).Inc()
	m.seconds.WithLabelValues(i.Endpoint, strconv.FormatBool(i.Stream)).Observe(i.Duration.Seconds())
	if i.Status == http.StatusOK && (i.Endpoint == "chat" || i.Endpoint == "completions") {
		if i.TTFT > 0 {
			m.ttft.Observe(i.TTFT.Seconds())
		}
		m.tokens.WithLabelValues("prompt").Add(float64(i.PromptTokens))
		m.tokens.WithLabelValues("cached").Add(float64(i.CachedTokens))
		m.tokens.WithLabelValues("completion").Add(float64(i.CompletionTokens))
	}
}

// loadModel loads a GGUF file, or the embedded model for "default".
func loadModel(path string, embedded func(model.Options) (*model.Model, error), opts model.Options) (*model.Model, error) {
	if path == "default" {
		return embedded(opts)
	}
	return model.Load(path, opts)
}
