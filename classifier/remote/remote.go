package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/logsift/logsift/classifier"
	"github.com/logsift/logsift/inference/constrain"
	"github.com/logsift/logsift/schemas"
)

// Config configures a Labeler.
type Config struct {
	// URL is the server's API base ("http://host:8090/v1"); the labeler
	// posts to URL + "/chat/completions". A URL that already ends in
	// /chat/completions is used as it is.
	URL string
	// Model is the "model" of every request (required); the rows' model
	// is "remote:" + Model.
	Model string
	// APIKey is sent as Authorization: Bearer (empty: no header).
	APIKey string
	// Schema is the classification JSON Schema (nil = the default one). It
	// must be an object schema with required string properties "severity"
	// (an enum of the taxonomy's severities) and "category"; with a custom
	// schema the whole answer is returned in Classification.Labels.
	Schema []byte
	// SendTemplate sends the line's masked template (Input.Template)
	// instead of the line (Input.Message), so that a template cache in front
	// of the labeler returns what the model would say for every line of a
	// template.
	SendTemplate bool
	// Instructions replaces the system message (empty = Instructions(Schema)),
	// for a model that wants its own wording or a short prompt.
	Instructions string
	// Timeout bounds one HTTP request (0 = 30s).
	Timeout time.Duration
	// Retries is how often a request is retried after a transport error,
	// 429 or 5xx (0 = 3; negative = never).
	Retries int
	// Backoff is the first retry's upper bound; each retry doubles it, up
	// to 32 times, and the wait is drawn uniformly below it (0 = 250ms).
	Backoff time.Duration
	// Concurrency bounds the requests in flight over all Label calls
	// (0 = 8).
	Concurrency int
	// MaxTokens is the answer's token budget (0 = 256; the default
	// schema's answers take about 30).
	MaxTokens int
	// NoLogprobs stops asking for log-probabilities, for servers that
	// refuse them; confidence is then 0.
	NoLogprobs bool
	// HTTPClient sends the requests (nil = a new http.Client).
	HTTPClient *http.Client
	Logger     *slog.Logger
}

// Labeler implements classifier.Labeler over an OpenAI-compatible server.
type Labeler struct {
	cfg          Config
	endpoint     string
	schema       []byte
	validator    *schemas.Schema
	custom       bool
	instructions string
	sem          chan struct{}
	log          *slog.Logger
}

var _ classifier.Labeler = (*Labeler)(nil)

// New checks cfg and returns a Labeler. It does not contact the server.
func New(cfg Config) (*Labeler, error) {
	if cfg.URL == "" {
		return nil, errors.New("remote: no server URL")
	}
	if !strings.HasPrefix(cfg.URL, "http://") && !strings.HasPrefix(cfg.URL, "https://") {
		return nil, fmt.Errorf("remote: URL %q: want http:// or https://", cfg.URL)
	}
	if cfg.Model == "" {
		return nil, errors.New("remote: no model name")
	}
	switch {
	case cfg.Timeout < 0:
		return nil, fmt.Errorf("remote: timeout %v must not be negative", cfg.Timeout)
	case cfg.Backoff < 0:
		return nil, fmt.Errorf("remote: backoff %v must not be negative", cfg.Backoff)
	case cfg.Concurrency < 0:
		return nil, fmt.Errorf("remote: concurrency %d must not be negative", cfg.Concurrency)
	case cfg.MaxTokens < 0:
		return nil, fmt.Errorf("remote: max tokens %d must not be negative", cfg.MaxTokens)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Retries == 0 {
		cfg.Retries = 3
	} else if cfg.Retries < 0 {
		cfg.Retries = 0
	}
	if cfg.Backoff == 0 {
		cfg.Backoff = 250 * time.Millisecond
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = 8
	}
	if cfg.MaxTokens == 0 {
		cfg.MaxTokens = 256
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	custom := cfg.Schema != nil
	schema := cfg.Schema
	if !custom {
		schema = schemas.DefaultClassificationSchema()
	}
	v, err := schemas.Compile(schema)
	if err != nil {
		return nil, fmt.Errorf("remote: schema: %w", err)
	}
	if err := schemas.CheckClassificationShape(schema); err != nil {
		return nil, fmt.Errorf("remote: schema: %w", err)
	}
	if cfg.Instructions == "" {
		cfg.Instructions = Instructions(schema)
	}
	endpoint := strings.TrimRight(cfg.URL, "/")
	if !strings.HasSuffix(endpoint, "/chat/completions") {
		endpoint += "/chat/completions"
	}
	return &Labeler{
		cfg: cfg, endpoint: endpoint, schema: schema, validator: v, custom: custom,
		instructions: cfg.Instructions, sem: make(chan struct{}, cfg.Concurrency), log: log,
	}, nil
}

// Name implements classifier.Labeler: "remote:" + the model.
func (l *Labeler) Name() string { return "remote:" + l.cfg.Model }

// outcome of one line's request.
type outcome struct {
	c     schemas.Classification
	err   error
	kind  failure
	tries int
}

type failure uint8

const (
	failNone    failure = iota
	failLine            // this line's answer or request is bad
	failDown            // retries exhausted on transport/429/5xx
	failBackend         // the backend refuses everything (401, 403, 404, ...)
)

// Label implements classifier.Labeler. See the package doc for which
// failures fail a line and which the batch.
func (l *Labeler) Label(ctx context.Context, in []classifier.Input) ([]classifier.Output, error) {
	out := make([]classifier.Output, len(in))
	// Identical lines share one request.
	idx := map[string][]int{}
	var lines []string
	for i, x := range in {
		text := x.Message
		if l.cfg.SendTemplate {
			text = x.Template
		}
		if _, ok := idx[text]; !ok {
			lines = append(lines, text)
		}
		idx[text] = append(idx[text], i)
	}
	res := make([]outcome, len(lines))
	var wg sync.WaitGroup
	for k, line := range lines {
		wg.Go(func() { res[k] = l.label(ctx, line) })
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	down := 0
	for _, r := range res {
		switch r.kind {
		case failBackend:
			return nil, r.err
		case failDown:
			down++
		}
	}
	if down == len(res) && len(res) > 0 {
		return nil, fmt.Errorf("remote: %s unavailable for the whole batch: %w", l.endpoint, res[0].err)
	}
	for k, line := range lines {
		for _, i := range idx[line] {
			out[i] = classifier.Output{Classification: res[k].c, Err: res[k].err}
		}
	}
	return out, nil
}

// label runs one line's request with retries.
func (l *Labeler) label(ctx context.Context, line string) outcome {
	body, err := l.requestBody(line)
	if err != nil {
		return outcome{err: err, kind: failLine}
	}
	var last error
	for attempt := 0; attempt <= l.cfg.Retries; attempt++ {
		if attempt > 0 {
			if err := sleep(ctx, l.backoff(attempt, last)); err != nil {
				return outcome{err: err, kind: failDown, tries: attempt}
			}
		}
		c, kind, err := l.once(ctx, body)
		if kind != failDown {
			return outcome{c: c, err: err, kind: kind, tries: attempt + 1}
		}
		last = err
		if ctx.Err() != nil {
			break
		}
		l.log.Debug("remote request failed; retrying", "attempt", attempt+1, "err", err)
	}
	return outcome{err: fmt.Errorf("remote: %d attempts failed: %w", l.cfg.Retries+1, last), kind: failDown, tries: l.cfg.Retries + 1}
}

// retryAfter is a server's Retry-After, when it gave one.
type retryAfter struct {
	err   error
	delay time.Duration
}

func (e *retryAfter) Error() string { return e.err.Error() }
func (e *retryAfter) Unwrap() error { return e.err }

// backoff is full jitter over an exponentially growing bound, or the
// server's Retry-After if longer (capped at a minute).
func (l *Labeler) backoff(attempt int, last error) time.Duration {
	bound := l.cfg.Backoff << min(attempt-1, 32)
	if bound <= 0 || bound > time.Minute {
		bound = time.Minute
	}
	d := time.Duration(rand.Int64N(int64(bound) + 1))
	var ra *retryAfter
	if errors.As(last, &ra) && ra.delay > d {
		d = min(ra.delay, time.Minute)
	}
	return d
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type chatRequest struct {
	Model          string          `json:"model"`
	Messages       []message       `json:"messages"`
	Temperature    float64         `json:"temperature"`
	MaxTokens      int             `json:"max_tokens"`
	Logprobs       bool            `json:"logprobs,omitempty"`
	ResponseFormat json.RawMessage `json:"response_format"`
}

type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

func (l *Labeler) requestBody(line string) ([]byte, error) {
	rf, err := json.Marshal(map[string]any{"type": "json_schema", "json_schema": map[string]any{
		"name": "classification", "strict": true, "schema": json.RawMessage(l.schema)}})
	if err != nil {
		return nil, fmt.Errorf("remote: response format: %w", err)
	}
	return json.Marshal(chatRequest{
		Model: l.cfg.Model, Temperature: 0, MaxTokens: l.cfg.MaxTokens, Logprobs: !l.cfg.NoLogprobs,
		Messages:       []message{{"system", l.instructions}, {"user", userMessage(line)}},
		ResponseFormat: rf,
	})
}

type chatResponse struct {
	Choices []struct {
		Message struct {
			Content *string `json:"content"`
			Refusal *string `json:"refusal"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
		Logprobs     *struct {
			Content []struct {
				Token   string  `json:"token"`
				Logprob float64 `json:"logprob"`
				Bytes   []int   `json:"bytes"`
			} `json:"content"`
		} `json:"logprobs"`
	} `json:"choices"`
}

// maxResponse bounds a response body: an answer is a few hundred bytes,
// its log-probabilities a few KiB.
const maxResponse = 4 << 20

// once sends one request under the semaphore and the timeout.
func (l *Labeler) once(ctx context.Context, body []byte) (schemas.Classification, failure, error) {
	var c schemas.Classification
	select {
	case l.sem <- struct{}{}:
	case <-ctx.Done():
		return c, failDown, ctx.Err()
	}
	defer func() { <-l.sem }()
	rctx, cancel := context.WithTimeout(ctx, l.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, l.endpoint, bytes.NewReader(body))
	if err != nil {
		return c, failBackend, fmt.Errorf("remote: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if l.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+l.cfg.APIKey)
	}
	resp, err := l.cfg.HTTPClient.Do(req)
	if err != nil {
		return c, failDown, fmt.Errorf("remote: POST %s: %w", l.endpoint, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return c, failDown, fmt.Errorf("remote: reading the response of %s: %w", l.endpoint, err)
	}
	if resp.StatusCode != http.StatusOK {
		err := fmt.Errorf("remote: %s: HTTP %d: %s", l.endpoint, resp.StatusCode, errorMessage(raw))
		switch {
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			if d, ok := parseRetryAfter(resp.Header.Get("Retry-After")); ok {
				err = &retryAfter{err: err, delay: d}
			}
			return c, failDown, err
		case resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusRequestEntityTooLarge ||
			resp.StatusCode == http.StatusUnprocessableEntity:
			return c, failLine, err
		}
		return c, failBackend, err
	}
	if len(raw) > maxResponse {
		return c, failLine, fmt.Errorf("remote: response of %s exceeds %d bytes", l.endpoint, maxResponse)
	}
	c, err = l.parse(raw)
	if err != nil {
		return c, failLine, err
	}
	return c, failNone, nil
}

// errorMessage is an OpenAI error body's message, or the start of the body.
func errorMessage(raw []byte) string {
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(raw, &e) == nil && e.Error.Message != "" {
		return e.Error.Message
	}
	s := strings.TrimSpace(string(raw))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return strconv.Quote(s)
}

func parseRetryAfter(v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, time.Until(t)), true
	}
	return 0, false
}

// parse turns a response into a Classification, trusting nothing in it.
func (l *Labeler) parse(raw []byte) (schemas.Classification, error) {
	var c schemas.Classification
	var r chatResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return c, fmt.Errorf("remote: response is not a chat completion: %w", err)
	}
	if len(r.Choices) == 0 {
		return c, errors.New("remote: response has no choices")
	}
	ch := r.Choices[0]
	if ch.Message.Refusal != nil && *ch.Message.Refusal != "" {
		return c, fmt.Errorf("remote: the model refused: %q", *ch.Message.Refusal)
	}
	if ch.Message.Content == nil {
		return c, errors.New("remote: answer has no content")
	}
	answer := strings.TrimSpace(*ch.Message.Content)
	if ch.FinishReason == "length" {
		return c, fmt.Errorf("remote: answer cut short at max_tokens %d: %q", l.cfg.MaxTokens, clip(answer))
	}
	if err := l.validator.Validate([]byte(answer)); err != nil {
		return c, fmt.Errorf("remote: answer %q fails the schema: %w", clip(answer), err)
	}
	c, err := schemas.ClassificationFromAnswer([]byte(answer), l.custom)
	if err != nil {
		return c, fmt.Errorf("remote: answer %q: %w", clip(answer), err)
	}
	if lp := ch.Logprobs; lp != nil && len(lp.Content) > 0 {
		c.Confidence = confidence(l.schema, answer, *ch.Message.Content, lp.Content)
	}
	return c, nil
}

// confidence is P(severity value) * P(category value) from the returned
// tokens, or 0 when the tokens do not spell the answer.
func confidence(schema []byte, answer, content string, toks []struct {
	Token   string  `json:"token"`
	Logprob float64 `json:"logprob"`
	Bytes   []int   `json:"bytes"`
}) float64 {
	pieces := make([][]byte, len(toks))
	lps := make([]float32, len(toks))
	var spelled []byte
	for i, t := range toks {
		if t.Bytes != nil {
			b := make([]byte, len(t.Bytes))
			for k, v := range t.Bytes {
				b[k] = byte(v)
			}
			pieces[i] = b
		} else {
			pieces[i] = []byte(t.Token)
		}
		lps[i] = float32(t.Logprob)
		spelled = append(spelled, pieces[i]...)
	}
	if string(spelled) != content && strings.TrimSpace(string(spelled)) != answer {
		return 0
	}
	probs, err := constrain.EnumProbs(schema, pieces, lps)
	if err != nil {
		return 0
	}
	sev, ok1 := probs["/severity"]
	cat, ok2 := probs["/category"]
	if !ok1 || !ok2 {
		return 0
	}
	p := sev * cat
	if !(p >= 0 && p <= 1) || math.IsNaN(p) {
		return 0
	}
	return p
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}
