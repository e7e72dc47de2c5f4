package openai

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/logsift/logsift/inference/chat"
	"github.com/logsift/logsift/inference/constrain"
	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/sample"
	"github.com/logsift/logsift/inference/tokenizer"
)

// Engine is what the server needs of an engine; *engine.Engine has it.
type Engine interface {
	Stream(ctx context.Context, r engine.Request, fn func(engine.Token)) (engine.Result, error)
	Tokenizer() *tokenizer.Tokenizer
	ModelConfig() model.Config
	Index(schema []byte, opts constrain.Options) (*constrain.Index, error)
}

// Observer sees the outcome of every request (for metrics). It is called
// from request goroutines, concurrently.
type Observer interface {
	Observe(RequestInfo)
}

// RequestInfo is one finished request.
type RequestInfo struct {
	// Endpoint is "chat", "completions", "models" or "other".
	Endpoint string
	// Status is the HTTP status sent (200 for a stream that started),
	// or 499 when the client went away first.
	Status int
	Stream bool
	// Duration is from the request's arrival to its last byte; TTFT to
	// its first generated token (0 if none).
	Duration, TTFT   time.Duration
	PromptTokens     int
	CompletionTokens int
	CachedTokens     int
	// FinishReason is OpenAI's ("stop", "length"), "" on failure.
	FinishReason string
}

// StatusClientClosed is RequestInfo.Status of a request whose client
// disconnected (nginx's 499).
const StatusClientClosed = 499

// Config configures a Server.
type Config struct {
	Engine Engine
	// ModelID is the id clients send as "model" and /v1/models lists.
	ModelID string
	// Template formats chat prompts (nil = chat.Detect's choice for the
	// engine's vocabulary).
	Template chat.Template
	// MaxBodyBytes caps a request body (0 = 4 MiB); larger is 413.
	MaxBodyBytes int64
	// MaxInFlight caps requests being generated at once (0 = 256); past it
	// requests get 503 at once rather than queueing unboundedly.
	MaxInFlight int
	// Speculate is engine.Request.Speculate for every request ("" = the
	// engine's Config.Speculate); the output does not depend on it.
	Speculate string
	// Fingerprint is the system_fingerprint of responses (default: "logsift").
	Fingerprint string
	Observer    Observer
	Logger      *slog.Logger
}

// Server is an http.Handler serving the OpenAI API under /v1/.
type Server struct {
	cfg     Config
	eng     Engine
	tok     *tokenizer.Tokenizer
	tmpl    chat.Template
	nctx    int
	vocab   int
	created int64
	slots   chan struct{}
	log     *slog.Logger
	jsonVoc *jsonVocab
}

// New validates cfg and builds the server.
func New(cfg Config) (*Server, error) {
	if cfg.Engine == nil {
		return nil, errors.New("openai: config has no engine")
	}
	if strings.TrimSpace(cfg.ModelID) == "" {
		return nil, errors.New("openai: config has no model id")
	}
	if cfg.MaxBodyBytes < 0 || cfg.MaxInFlight < 0 {
		return nil, fmt.Errorf("openai: max body %d and max in flight %d must not be negative", cfg.MaxBodyBytes, cfg.MaxInFlight)
	}
	switch cfg.Speculate {
	case "", engine.SpeculateOff, engine.SpeculateLookup, engine.SpeculateDraft, engine.SpeculateAuto:
	default:
		return nil, fmt.Errorf("openai: speculate %q: want %q, %q, %q or %q", cfg.Speculate,
			engine.SpeculateOff, engine.SpeculateLookup, engine.SpeculateDraft, engine.SpeculateAuto)
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 4 << 20
	}
	if cfg.MaxInFlight == 0 {
		cfg.MaxInFlight = 256
	}
	if cfg.Fingerprint == "" {
		cfg.Fingerprint = "logsift"
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tok := cfg.Engine.Tokenizer()
	tmpl := cfg.Template
	if tmpl == nil {
		tmpl, _ = chat.Detect(tok)
	}
	mc := cfg.Engine.ModelConfig()
	return &Server{
		cfg: cfg, eng: cfg.Engine, tok: tok, tmpl: tmpl, nctx: mc.NCtx, vocab: mc.NVocab,
		created: time.Now().Unix(), slots: make(chan struct{}, cfg.MaxInFlight), log: log,
		jsonVoc: newJSONVocab(tok),
	}, nil
}

// Template is the chat template in use.
func (s *Server) Template() chat.Template { return s.tmpl }

// ServeHTTP routes /v1/models, /v1/models/{id}, /v1/completions and
// /v1/chat/completions; anything else is a 404 in OpenAI's shape.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t0 := time.Now()
	info := RequestInfo{Endpoint: "other"}
	var apiErr *apiError
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case path == "/v1/chat/completions":
		info.Endpoint = "chat"
		if apiErr = allow(r, http.MethodPost); apiErr == nil {
			apiErr = s.chat(w, r, &info)
		}
	case path == "/v1/completions":
		info.Endpoint = "completions"
		if apiErr = allow(r, http.MethodPost); apiErr == nil {
			apiErr = s.completions(w, r, &info)
		}
	case path == "/v1/models":
		info.Endpoint = "models"
		if apiErr = allow(r, http.MethodGet); apiErr == nil {
			writeJSON(w, modelList{Object: "list", Data: []modelObject{s.modelObject()}})
			info.Status = http.StatusOK
		}
	case strings.HasPrefix(path, "/v1/models/"):
		info.Endpoint = "models"
		if apiErr = allow(r, http.MethodGet); apiErr == nil {
			if id := strings.TrimPrefix(path, "/v1/models/"); id != s.cfg.ModelID {
				apiErr = modelNotFound(id)
			} else {
				writeJSON(w, s.modelObject())
				info.Status = http.StatusOK
			}
		}
	default:
		apiErr = errorf(http.StatusNotFound, typeInvalid, "", "unknown_url", "unknown URL %s %s", r.Method, r.URL.Path)
	}
	if apiErr != nil {
		writeError(w, apiErr)
		info.Status = apiErr.Status
	}
	info.Duration = time.Since(t0)
	if s.cfg.Observer != nil {
		s.cfg.Observer.Observe(info)
	}
}

func allow(r *http.Request, method string) *apiError {
	if r.Method != method {
		return errorf(http.StatusMethodNotAllowed, typeInvalid, "", "method_not_allowed", "method %s not allowed for %s (use %s)", r.Method, r.URL.Path, method)
	}
	return nil
}

func modelNotFound(id string) *apiError {
	return errorf(http.StatusNotFound, typeInvalid, "model", "model_not_found", "the model %q does not exist", id)
}

func (s *Server) modelObject() modelObject {
	return modelObject{ID: s.cfg.ModelID, Object: "model", Created: s.created, OwnedBy: "logsift"}
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic("BUG: openai: encoding a response: " + err.Error())
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(append(b, '\n'))
}

// readBody reads the request body within the size limit.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, *apiError) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, errorf(http.StatusRequestEntityTooLarge, typeInvalid, "", "request_too_large", "request body exceeds %d bytes", s.cfg.MaxBodyBytes)
		}
		return nil, badRequest("", "invalid_body", "reading the request body: %v", err)
	}
	return body, nil
}

func (s *Server) checkModel(m string) *apiError {
	if m == "" {
		return badRequest("model", "missing_required_parameter", "model is required (this server serves %q)", s.cfg.ModelID)
	}
	if m != s.cfg.ModelID {
		return modelNotFound(m)
	}
	return nil
}

// job is a validated generation.
type job struct {
	chat         bool
	req          engine.Request
	stream       bool
	includeUsage bool
	logprobs     bool
	top          int
	id           string
	created      int64
}

// plan turns validated sampling settings and a prompt into an engine
// request; param names the prompt's field in errors.
func (s *Server) plan(j *job, prompt []int32, sp sampling, param string) *apiError {
	if len(prompt) == 0 {
		return badRequest(param, "invalid_value", "%s: the prompt is empty", param)
	}
	if len(prompt) >= s.nctx {
		return badRequest(param, "context_length_exceeded", "%s: the prompt has %d tokens; the model's context length is %d", param, len(prompt), s.nctx)
	}
	p := sample.Params{Temperature: float32(sp.temperature), TopP: float32(sp.topP), TopLogprobs: j.top}
	if sp.topP == 0 {
		p.Temperature, p.TopP = 0, 1 // the limit of a vanishing nucleus is the argmax
	}
	if sp.seed != nil {
		p.Seed = uint64(*sp.seed)
	} else {
		p.Seed = mrand.Uint64()
	}
	req := engine.Request{Prompt: prompt, Sampling: p, Stop: sp.stop, Speculate: s.cfg.Speculate}
	if j.chat {
		if st, ok := s.tmpl.(chat.Stopper); ok {
			req.Stop = append(req.Stop, st.StopStrings()...)
		}
	}
	switch {
	case sp.schema != nil:
		if _, err := s.eng.Index(sp.schema, constrain.Options{}); err != nil {
			return schemaError(sp.schema, err)
		}
		req.Schema = sp.schema
		if j.stream && j.logprobs {
			req.NoJumpForward = true // see the package doc
		}
	case sp.jsonObject:
		req.Mask = newJSONMask(s.jsonVoc)
	}
	room := s.nctx - len(prompt)
	switch {
	case sp.maxTokens > 0:
		if sp.maxTokens > room {
			return badRequest("max_tokens", "context_length_exceeded", "the prompt has %d tokens and max_tokens is %d: together more than the model's context length %d", len(prompt), sp.maxTokens, s.nctx)
		}
		req.MaxTokens = sp.maxTokens
	case req.Schema != nil:
		// 0: the engine gives the schema's longest value room.
	case j.chat:
		req.MaxTokens = room
	default:
		req.MaxTokens = min(16, room) // the completions endpoint's default
	}
	j.req = req
	return nil
}

func schemaError(schema []byte, err error) *apiError {
	var ue *constrain.UnsupportedError
	var se *constrain.SchemaError
	switch {
	case errors.As(err, &ue):
		return badRequest("response_format.json_schema.schema", "unsupported_schema",
			"response_format json_schema: not supported by this server's constrained decoder: %s", describeUnsupported(allUnsupported(schema, ue)))
	case errors.As(err, &se):
		return errorf(http.StatusUnprocessableEntity, typeInvalid, "response_format.json_schema.schema", "invalid_schema", "response_format json_schema: %s", strings.TrimPrefix(se.Error(), "constrain: "))
	}
	return badRequest("response_format.json_schema.schema", "invalid_schema", "response_format json_schema: %s", strings.TrimPrefix(err.Error(), "engine: schema: "))
}

func newID(prefix string) string {
	var b [12]byte
	rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// acquire takes a generation slot or fails with 503.
func (s *Server) acquire() (release func(), err *apiError) {
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, nil
	default:
		return nil, errorf(http.StatusServiceUnavailable, typeUnavailable, "", "overloaded", "the server is at its limit of %d requests in flight; retry later", s.cfg.MaxInFlight)
	}
}

// engineError maps a failed generation.
func (s *Server) engineError(ctx context.Context, err error) *apiError {
	if errors.Is(err, engine.ErrClosed) {
		return errorf(http.StatusServiceUnavailable, typeUnavailable, "", "shutting_down", "the server is shutting down")
	}
	s.log.Error("generation failed", "err", err)
	return errorf(http.StatusInternalServerError, typeServer, "", "generation_failed", "generation failed: %v", err)
}

func finishReason(r string) string {
	if r == "length" {
		return "length"
	}
	return "stop" // eog, stop string, schema complete
}

func fillInfo(info *RequestInfo, res engine.Result) {
	info.PromptTokens, info.CompletionTokens, info.CachedTokens = res.PromptTokens, len(res.Tokens), res.CachedTokens
	info.TTFT = res.TTFT
	info.FinishReason = finishReason(res.FinishReason)
}

func usageOf(res engine.Result) *usage {
	u := &usage{PromptTokens: res.PromptTokens, CompletionTokens: len(res.Tokens), TotalTokens: res.PromptTokens + len(res.Tokens)}
	if res.CachedTokens > 0 {
		u.PromptTokensDetails = &tokenDetails{CachedTokens: res.CachedTokens}
	}
	return u
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request, info *RequestInfo) *apiError {
	body, apiErr := s.readBody(w, r)
	if apiErr != nil {
		return apiErr
	}
	var req chatRequest
	if apiErr := decodeJSON(body, &req); apiErr != nil {
		return apiErr
	}
	if apiErr := s.checkModel(req.Model); apiErr != nil {
		return apiErr
	}
	sp, apiErr := req.check(req.MaxCompletionTokens)
	if apiErr != nil {
		return apiErr
	}
	for _, f := range []struct {
		name string
		raw  []byte
	}{{"tools", req.Tools}, {"functions", req.Functions}} {
		var items []json.RawMessage
		if !isNull(f.raw) && (json.Unmarshal(f.raw, &items) != nil || len(items) > 0) {
			return badRequest(f.name, "unsupported_parameter", "%s are not supported by this server", f.name)
		}
	}
	j := &job{chat: true, stream: req.Stream, id: newID("chatcmpl-"), created: time.Now().Unix()}
	if req.StreamOptions != nil {
		if !req.Stream {
			return badRequest("stream_options", "invalid_value", "stream_options needs stream: true")
		}
		j.includeUsage = req.StreamOptions.IncludeUsage
	}
	if j.logprobs, j.top, apiErr = req.logprobs(); apiErr != nil {
		return apiErr
	}
	if len(req.Messages) == 0 {
		return badRequest("messages", "missing_required_parameter", "messages must hold at least one message")
	}
	if len(req.Messages) > maxMessages {
		return badRequest("messages", "invalid_value", "%d messages, at most %d", len(req.Messages), maxMessages)
	}
	msgs := make([]chat.Message, len(req.Messages))
	for i, m := range req.Messages {
		role := m.Role
		switch role {
		case "developer":
			role = chat.RoleSystem
		case chat.RoleSystem, chat.RoleUser, chat.RoleAssistant:
		default:
			return badRequest(fmt.Sprintf("messages[%d].role", i), "invalid_value", "messages[%d]: role %q: want system, developer, user or assistant", i, m.Role)
		}
		text, apiErr := messageText(i, m.Content)
		if apiErr != nil {
			return apiErr
		}
		msgs[i] = chat.Message{Role: role, Content: text}
	}
	prompt, err := s.tmpl.Encode(s.tok, msgs)
	if err != nil {
		return badRequest("messages", "invalid_value", "messages: %s", strings.TrimPrefix(err.Error(), "chat: "))
	}
	if apiErr := s.plan(j, prompt, sp, "messages"); apiErr != nil {
		return apiErr
	}
	return s.run(w, r, j, info)
}

func (s *Server) completions(w http.ResponseWriter, r *http.Request, info *RequestInfo) *apiError {
	body, apiErr := s.readBody(w, r)
	if apiErr != nil {
		return apiErr
	}
	var req completionRequest
	if apiErr := decodeJSON(body, &req); apiErr != nil {
		return apiErr
	}
	if apiErr := s.checkModel(req.Model); apiErr != nil {
		return apiErr
	}
	sp, apiErr := req.check(nil)
	if apiErr != nil {
		return apiErr
	}
	switch {
	case req.Echo:
		return badRequest("echo", "unsupported_parameter", "echo is not supported by this server")
	case req.Suffix != nil && *req.Suffix != "":
		return badRequest("suffix", "unsupported_parameter", "suffix is not supported by this server")
	case req.BestOf != nil && *req.BestOf != 1:
		return badRequest("best_of", "unsupported_parameter", "best_of = %d: only 1 is supported", *req.BestOf)
	}
	j := &job{stream: req.Stream, id: newID("cmpl-"), created: time.Now().Unix()}
	if req.StreamOptions != nil {
		if !req.Stream {
			return badRequest("stream_options", "invalid_value", "stream_options needs stream: true")
		}
		j.includeUsage = req.StreamOptions.IncludeUsage
	}
	if j.logprobs, j.top, apiErr = req.logprobs(); apiErr != nil {
		return apiErr
	}
	in, apiErr := parsePrompt(req.Prompt, s.vocab)
	if apiErr != nil {
		return apiErr
	}
	prompt := in.ids
	if prompt == nil {
		prompt = s.tok.Encode(in.text, tokenizer.EncodeOptions{AddSpecial: true, ParseSpecial: true})
	}
	if apiErr := s.plan(j, prompt, sp, "prompt"); apiErr != nil {
		return apiErr
	}
	return s.run(w, r, j, info)
}

// run generates j and writes the response.
func (s *Server) run(w http.ResponseWriter, r *http.Request, j *job, info *RequestInfo) *apiError {
	release, apiErr := s.acquire()
	if apiErr != nil {
		return apiErr
	}
	defer release()
	info.Stream = j.stream
	if j.stream {
		return s.runStream(w, r, j, info)
	}
	ctx := r.Context()
	res, err := s.eng.Stream(ctx, j.req, nil)
	if err != nil {
		if ctx.Err() != nil {
			info.Status = StatusClientClosed
			return nil
		}
		return s.engineError(ctx, err)
	}
	fillInfo(info, res)
	info.Status = http.StatusOK
	fr := finishReason(res.FinishReason)
	n := s.visibleTokens(res)
	if j.chat {
		text := res.Text
		c := chatChoice{Message: &assistantMsg{Role: "assistant", Content: &text}, FinishReason: &fr}
		if j.logprobs {
			c.Logprobs = s.chatLogprobs(res.Tokens[:n], res.Logprobs[:n], topsOf(res, n), j.top)
		}
		writeJSON(w, chatCompletion{ID: j.id, Object: "chat.completion", Created: j.created, Model: s.cfg.ModelID,
			SystemFingerprint: s.cfg.Fingerprint, Choices: []chatChoice{c}, Usage: usageOf(res)})
		return nil
	}
	c := textChoice{Text: res.Text, FinishReason: &fr}
	if j.logprobs {
		c.Logprobs = s.textLogprobs(res.Tokens[:n], res.Logprobs[:n], topsOf(res, n), j.top, 0)
	}
	writeJSON(w, textCompletion{ID: j.id, Object: "text_completion", Created: j.created, Model: s.cfg.ModelID,
		SystemFingerprint: s.cfg.Fingerprint, Choices: []textChoice{c}, Usage: usageOf(res)})
	return nil
}

func topsOf(res engine.Result, n int) [][]sample.TokenLogprob {
	if len(res.TopLogprobs) < n {
		return nil
	}
	return res.TopLogprobs[:n]
}

// visibleTokens is how many of res's tokens spell its text: not a final
// end-of-generation token, nor the tokens of a stop string.
func (s *Server) visibleTokens(res engine.Result) int {
	n := len(res.Tokens)
	if res.FinishReason == "eog" && n > 0 {
		n--
	}
	if res.FinishReason == "stop" {
		offs := s.offsets(res.Tokens[:n])
		for n > 0 && offs[n-1] >= len(res.Text) {
			n--
		}
	}
	return n
}

// offsets returns, for each token, the length of the decoded text before
// it. Decoding prefixes keeps it exact for tokenizers whose first piece
// differs (SentencePiece's leading space); logprob requests are short.
func (s *Server) offsets(ids []int32) []int {
	out := make([]int, len(ids))
	for i := range ids {
		out[i] = len(s.tok.Decode(ids[:i]))
	}
	return out
}

func (s *Server) tokenText(id int32) (string, []int) {
	p := s.tok.Piece(id)
	b := make([]int, len(p))
	for i, c := range p {
		b[i] = int(c)
	}
	return string(p), b
}

func lp64(x float32) float64 {
	if math.IsInf(float64(x), -1) {
		return -9999 // JSON has no -Inf; OpenAI clients read this as "never"
	}
	return float64(x)
}

func (s *Server) chatLogprobs(ids []int32, lps []float32, tops [][]sample.TokenLogprob, top int) *chatLogprobs {
	out := &chatLogprobs{Content: make([]chatTokenLogprob, len(ids))}
	for i, id := range ids {
		t, b := s.tokenText(id)
		e := chatTokenLogprob{Token: t, Logprob: lp64(lps[i]), Bytes: b, TopLogprobs: []chatTopItem{}}
		if top > 0 && tops != nil {
			for _, alt := range tops[i] {
				at, ab := s.tokenText(alt.Token)
				e.TopLogprobs = append(e.TopLogprobs, chatTopItem{Token: at, Logprob: lp64(alt.Logprob), Bytes: ab})
			}
		}
		out.Content[i] = e
	}
	return out
}

// textLogprobs is the legacy form; base is the text offset of ids[0].
func (s *Server) textLogprobs(ids []int32, lps []float32, tops [][]sample.TokenLogprob, top, base int) *textLogprobs {
	out := &textLogprobs{Tokens: make([]string, len(ids)), TokenLogprobs: make([]float64, len(ids)), TextOffset: make([]int, len(ids))}
	offs := s.offsets(ids)
	if top > 0 {
		out.TopLogprobs = make([]map[string]float64, len(ids))
	}
	for i, id := range ids {
		out.Tokens[i], _ = s.tokenText(id)
		out.TokenLogprobs[i] = lp64(lps[i])
		out.TextOffset[i] = base + offs[i]
		if top > 0 {
			m := map[string]float64{}
			if tops != nil {
				for _, alt := range tops[i] {
					at, _ := s.tokenText(alt.Token)
					if _, dup := m[at]; !dup {
						m[at] = lp64(alt.Logprob)
					}
				}
			}
			out.TopLogprobs[i] = m
		}
	}
	return out
}
