package cli

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/logsift/logsift/classifier"
	"github.com/logsift/logsift/classifier/llmlabel"
	"github.com/logsift/logsift/classifier/prompt"
	"github.com/logsift/logsift/classifier/remote"
	"github.com/logsift/logsift/inference/chat"
	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/models"
	"github.com/logsift/logsift/platform/config"
	"github.com/logsift/logsift/schemas"
	"github.com/logsift/logsift/services/app"
)

// labelerFlags are the flags of the commands that label lines (classify,
// dev, model eval): which model, which schema, the template cache.
type labelerFlags struct {
	model     string
	draft     string
	schema    string
	cache     string
	cacheSize int
	cacheTTL  time.Duration
	threads   int
	kvMiB     int
	speculate string
	format    string
	freeComp  bool

	url, remoteModel, apiKey string
	timeout                  time.Duration
	concurrency              int
	// noJumpForward is not a flag: `model eval --diff-jump-forward` sets
	// it to build a second labeler.
	noJumpForward bool
}

func (f *labelerFlags) register(fs *config.FlagSet) {
	fs.String(&f.model, "model", "default", "GGUF classification model: a file, or \"default\" for the model embedded in this binary")
	fs.String(&f.draft, "draft-model", "default", "draft model for speculative decoding: a GGUF file with the model's vocabulary, \"default\" (the embedded draft when --model is default, else none) or \"none\"")
	fs.String(&f.schema, "schema", "", "classification JSON Schema file (default: the built-in taxonomy); the model's answer is constrained to it")
	fs.String(&f.cache, "cache", "on", "template cache in front of the model: on or off")
	fs.Int(&f.cacheSize, "cache-size", 65536, "templates kept by the template cache")
	fs.Duration(&f.cacheTTL, "cache-ttl", time.Hour, "how long a cached answer is reused")
	fs.Int(&f.threads, "threads", 0, "inference threads (0 = one per CPU)")
	fs.Int(&f.kvMiB, "kv-cache-mib", 256, "memory of the engine's KV cache in MiB")
	fs.Bool(&f.freeComp, "free-component", false, "let the model write any component; by default, with the built-in taxonomy, it can only copy a name from the line")
	fs.String(&f.format, "prompt-format", "auto", "prompt format of --model: logsift (the default model's), chatml, llama3, or auto (from the model's vocabulary)")
	fs.String(&f.url, "inference-url", "", "label through this OpenAI-compatible server (vLLM, llama.cpp server, Ollama, logsift serve-model) instead of the in-process engine, e.g. http://host:8090/v1")
	fs.String(&f.remoteModel, "inference-model", "", "model name sent to --inference-url (required with it)")
	fs.String(&f.apiKey, "inference-api-key", "", "bearer token for --inference-url")
	fs.Duration(&f.timeout, "inference-timeout", 30*time.Second, "timeout of one request to --inference-url")
	fs.Int(&f.concurrency, "inference-concurrency", 8, "requests in flight to --inference-url")
	fs.String(&f.speculate, "speculate", "off", "speculative decoding: off, lookup (prompt lookup), draft (the draft model) or auto (draft if there is one, else lookup); off by default because on the small default model it costs more than it saves (inference/speculate/BENCH.md)")
}

// labeler is a built Labeler and what must be released after the worker
// stops.
type labeler struct {
	classifier.Labeler
	schema *schemas.Schema // nil = default
	close  func() error
}

func cfgErr(format string, args ...any) error {
	return &app.ConfigError{Err: fmt.Errorf(format, args...)}
}

// check validates the flags and that the files exist, before a command
// connects to anything.
func (f *labelerFlags) check() error {
	if f.cache != "on" && f.cache != "off" {
		return cfgErr("--cache %q: want on or off", f.cache)
	}
	if f.threads < 0 || f.kvMiB < 1 || f.cacheSize < 1 || f.cacheTTL <= 0 {
		return cfgErr("--threads %d, --kv-cache-mib %d, --cache-size %d and --cache-ttl %s must be positive (threads may be 0)",
			f.threads, f.kvMiB, f.cacheSize, f.cacheTTL)
	}
	switch f.speculate {
	case engine.SpeculateOff, engine.SpeculateLookup, engine.SpeculateDraft, engine.SpeculateAuto:
	default:
		return cfgErr("--speculate %q: want off, lookup, draft or auto", f.speculate)
	}
	if f.speculate == engine.SpeculateDraft && (f.draft == "none" || f.draft == "default" && f.model != "default" && f.model != "") {
		return cfgErr("--speculate draft needs a draft model (--draft-model)")
	}
	switch f.format {
	case "auto", "logsift", "chatml", "llama3":
	default:
		return cfgErr("--prompt-format %q: want auto, logsift, chatml or llama3", f.format)
	}
	if f.url != "" {
		u, err := url.Parse(f.url)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return cfgErr("--inference-url %q: want an http(s) URL", f.url)
		}
		if f.remoteModel == "" {
			return cfgErr("--inference-url needs --inference-model")
		}
		if f.timeout <= 0 || f.concurrency < 1 {
			return cfgErr("--inference-timeout %s and --inference-concurrency %d must be positive", f.timeout, f.concurrency)
		}
	}
	for _, p := range []struct{ flag, path string }{{"--model", f.model}, {"--draft-model", f.draft}, {"--schema", f.schema}} {
		if p.path == "" || p.path == "default" || (p.flag == "--draft-model" && p.path == "none") {
			continue
		}
		if _, err := os.Stat(p.path); err != nil {
			return cfgErr("%s: %w", p.flag, err)
		}
	}
	return nil
}

// build loads the model and makes the Labeler; every problem with the
// flags or the files is a ConfigError.
func (f *labelerFlags) build(reg prometheus.Registerer, logger *slog.Logger) (*labeler, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	var schemaDoc []byte
	var schema *schemas.Schema
	if f.schema != "" {
		b, err := os.ReadFile(f.schema)
		if err != nil {
			return nil, cfgErr("--schema: %w", err)
		}
		if schema, err = schemas.Compile(b); err != nil {
			return nil, cfgErr("--schema %s: %w", f.schema, err)
		}
		schemaDoc = b
	}
	if f.url != "" {
		// With the cache on, the server gets the template rather than the
		// line, so that a cached answer is what it would have said.
		l, err := remote.New(remote.Config{URL: f.url, Model: f.remoteModel, APIKey: f.apiKey, Schema: schemaDoc,
			Timeout: f.timeout, Concurrency: f.concurrency, SendTemplate: f.cache == "on", Logger: logger})
		if err != nil {
			return nil, &app.ConfigError{Err: err}
		}
		var out classifier.Labeler = l
		if f.cache == "on" {
			hash := schemas.Default().Hash()
			if schema != nil {
				hash = schema.Hash()
			}
			if out, err = llmlabel.NewCached(l, hash, llmlabel.CacheConfig{Size: f.cacheSize, TTL: f.cacheTTL}, reg); err != nil {
				return nil, err
			}
		}
		return &labeler{Labeler: out, schema: schema, close: func() error { return nil }}, nil
	}
	opts := model.Options{Threads: f.threads, Logger: logger}
	var (
		m    *model.Model
		name string
		err  error
	)
	switch f.model {
	case "", "default":
		m, err = models.LoadTarget(opts)
		name = models.TargetID
	default:
		m, err = model.Load(f.model, opts)
		name = f.model
	}
	if err != nil {
		return nil, cfgErr("--model %s: %w", f.model, err)
	}
	var draft *model.Model
	switch {
	case f.draft == "none":
	case f.draft == "default" && name == models.TargetID:
		draft, err = models.LoadDraft(opts)
	case f.draft != "default" && f.draft != "":
		draft, err = model.Load(f.draft, opts)
	}
	if err != nil {
		m.Close()
		return nil, cfgErr("--draft-model %s: %w", f.draft, err)
	}
	eng, err := engine.New(m, engine.Config{KVBudget: int64(f.kvMiB) << 20, Draft: draft, Logger: logger})
	if err != nil {
		m.Close()
		if draft != nil {
			draft.Close()
		}
		return nil, cfgErr("engine: %w", err)
	}
	closeAll := func() error {
		err := errors.Join(eng.Close(), m.Close())
		if draft != nil {
			err = errors.Join(err, draft.Close())
		}
		return err
	}
	var format llmlabel.Format
	switch f.format {
	case "chatml", "llama3":
		t, err := chat.ByName(f.format)
		if err != nil {
			_ = closeAll()
			return nil, cfgErr("--prompt-format: %w", err)
		}
		format = llmlabel.NewChatFormat(t, m.Tokenizer(), schemaDoc)
	case "auto":
		if _, ok := m.Tokenizer().TokenID(prompt.LogOpen); ok {
			break // the default format, llmlabel's own default
		}
		t, ok := chat.Detect(m.Tokenizer())
		if !ok {
			_ = closeAll()
			return nil, cfgErr("--model %s: neither logsift's prompt format nor a known chat template in its vocabulary; set --prompt-format", f.model)
		}
		format = llmlabel.NewChatFormat(t, m.Tokenizer(), schemaDoc)
	}
	l, err := llmlabel.New(llmlabel.Config{
		Format: format,
		Engine: eng, Name: name, Schema: schemaDoc, Speculate: f.speculate, NoJumpForward: f.noJumpForward, FreeComponent: f.freeComp,
		Cache:      llmlabel.CacheConfig{Off: f.cache == "off", Size: f.cacheSize, TTL: f.cacheTTL},
		Registerer: reg, Logger: logger,
	})
	if err != nil {
		_ = closeAll()
		return nil, &app.ConfigError{Err: err}
	}
	return &labeler{Labeler: l, schema: schema, close: closeAll}, nil
}
