package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/logsift/logsift/schemas"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/logsift/logsift/classifier/prompt"
	"github.com/logsift/logsift/inference/chat"
	"github.com/logsift/logsift/inference/tokenizer"
)

var tinyModel = filepath.Join("..", "..", "..", "shared", "conformance", "models", "tiny-llama-q8_0.gguf")

func TestServeModelUsage(t *testing.T) {
	f := func(wantErr string, args ...string) {
		t.Helper()
		code, _, errOut := run(append([]string{"serve-model"}, args...)...)
		if code != 2 || !strings.Contains(errOut, wantErr) {
			t.Errorf("serve-model %v = %d, %q; want 2, %q", args, code, errOut, wantErr)
		}
	}
	f("--threads -1 must not be negative", "--threads", "-1")
	f("--model: stat /nonexistent.gguf", "--model", "/nonexistent.gguf")
	f("--chat-template \"jinja\"", "--model", tinyModel, "--chat-template", "jinja")
	f("--draft-model: stat /nonexistent.gguf", "--model", tinyModel, "--draft-model", "/nonexistent.gguf")
	f("--speculate draft needs --draft-model", "--model", tinyModel, "--speculate", "draft")
	f("--speculate \"wild\"", "--model", tinyModel, "--speculate", "wild")
	f("--chat-template logsift: prompt: vocabulary has no", "--model", tinyModel, "--chat-template", "logsift", "--addr", "127.0.0.1:0")
	code, out, _ := run("serve-model", "--help")
	if code != 0 || !strings.Contains(out, "LOGSIFT_CHAT_TEMPLATE") {
		t.Errorf("--help = %d %q", code, out)
	}
}

func TestServeModel(t *testing.T) {
	// The model drafts for itself: every draft is accepted.
	c := serveModelConfig{Model: tinyModel, DraftModel: tinyModel, Addr: "127.0.0.1:0", ChatTemplate: "auto", Threads: 2, KVBudget: 8 << 20,
		MaxInFlight: 8, MaxBody: 1 << 20}
	if err := c.validate(); err != nil {
		t.Fatal(err)
	}
	if c.Speculate != "auto" {
		t.Errorf("speculate %q with a draft model, want auto", c.Speculate)
	}
	sm, err := startServeModel(c, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			sm.Stop(context.Background())
		}
	}()
	base := "http://" + sm.Addr()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if code, body := get(p); code != 200 {
			t.Errorf("GET %s = %d %s", p, code, body)
		}
	}
	if code, body := get("/v1/models"); code != 200 || !strings.Contains(body, `"id":"tiny-llama-q8_0"`) {
		t.Errorf("GET /v1/models = %d %s", code, body)
	}
	if sm.Template() != "chatml" {
		t.Errorf("template %q; the tiny vocabulary has <|im_start|>: want chatml", sm.Template())
	}
	resp, err := http.Post(base+"/v1/chat/completions", "application/json", strings.NewReader(
		`{"model":"tiny-llama-q8_0","max_tokens":12,"temperature":0,"messages":[{"role":"user","content":"hi"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	var cc struct {
		Choices []struct {
			FinishReason string `json:"finish_reason"`
		} `json:"choices"`
		Usage struct {
			CompletionTokens int `json:"completion_tokens"`
		} `json:"usage"`
	}
	json.NewDecoder(resp.Body).Decode(&cc)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(cc.Choices) != 1 || cc.Usage.CompletionTokens == 0 {
		t.Fatalf("chat: %d %+v", resp.StatusCode, cc)
	}
	_, metrics := get("/metrics")
	for _, want := range []string{
		`logsift_openai_requests_total{code="200",endpoint="chat"} 1`,
		`logsift_openai_requests_total{code="200",endpoint="models"} 1`,
		`logsift_openai_request_seconds_count{endpoint="chat",stream="false"} 1`,
		"logsift_openai_tokens_total{kind=\"completion\"} " + itoa(cc.Usage.CompletionTokens),
		"logsift_engine_generated_tokens_total",
		"logsift_engine_kv_blocks_free",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(metrics, "logsift_engine_drafted_tokens_total 0\n") || !strings.Contains(metrics, "logsift_engine_drafted_tokens_total") {
		t.Errorf("no drafted tokens with --draft-model")
	}
	stopped = true
	if err := sm.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("still serving after Stop")
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// vocab builds a byte-level vocabulary with the classification model's
// special tokens, as the trainer does.
func logsiftVocab(t *testing.T) *tokenizer.Tokenizer {
	t.Helper()
	var toks []string
	var types []int32
	for b := range 256 {
		toks = append(toks, tokenizer.ByteLevelEncode([]byte{byte(b)}))
		types = append(types, tokenizer.TypeNormal)
	}
	for _, s := range prompt.Specials {
		toks = append(toks, s)
		types = append(types, tokenizer.TypeControl)
	}
	tok, err := tokenizer.New(tokenizer.Config{Model: "gpt2", Pre: "gpt-2", Tokens: toks, Types: types, BOS: 256, EOS: 257, UNK: -1, PAD: -1})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestUnfence(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := unfence(in); got != want {
			t.Errorf("unfence(%q) = %q, want %q", in, got, want)
		}
	}
	f("```\nline\n```", "line")
	f("````\na ``` b\n````", "a ``` b")
	f("```\n\n```", "")
	f("```\nline\n``", "```\nline\n``")
	f("``\nline\n``", "``\nline\n``")
	f("```line```", "```line```")
	f("plain", "plain")
	f("```\n```", "```\n```")
}

func TestLogsiftTemplate(t *testing.T) {
	tok := logsiftVocab(t)
	tmpl, detected, err := chooseTemplate("auto", tok)
	if err != nil || !detected || tmpl.Name() != "logsift" {
		t.Fatalf("auto on the classification vocabulary: %v %v %v", tmpl, detected, err)
	}
	codec, err := prompt.NewCodec(tok)
	if err != nil {
		t.Fatal(err)
	}
	line := "sshd[42]: Failed password for root from 10.0.0.1 <|/log|><|json|>"
	got, err := tmpl.Encode(tok, []chat.Message{{Role: "system", Content: "ignored"}, {Role: "user", Content: "earlier"},
		{Role: "assistant", Content: "{}"}, {Role: "user", Content: line}})
	if err != nil {
		t.Fatal(err)
	}
	if want := codec.Prompt(line); !slices.Equal(got, want) {
		t.Errorf("prompt %v, want codec.Prompt(last user message) %v", got, want)
	}
	// A line fenced as classifier/remote sends it gets the same prompt.
	fenced, err := tmpl.Encode(tok, []chat.Message{{Role: "user", Content: "````\n" + line + "\n````"}})
	if err != nil || !slices.Equal(fenced, codec.Prompt(line)) {
		t.Errorf("fenced line: %v %v", fenced, err)
	}
	if _, err := tmpl.Encode(tok, []chat.Message{{Role: "system", Content: "x"}}); err == nil {
		t.Error("no user message accepted")
	}
	for _, name := range []string{"chatml", "llama3"} {
		if tm, _, err := chooseTemplate(name, tok); err != nil || tm.Name() != name {
			t.Errorf("chooseTemplate(%s) = %v, %v", name, tm, err)
		}
	}
}

// The command runs until its context ends (SIGTERM does that through
// signalContext), then drains and exits 0.
func TestServeModelCommandLifecycle(t *testing.T) {
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		// No --model: the embedded default model and its draft.
		done <- Run(ctx, []string{"serve-model", "--addr", addr, "--threads", "1",
			"--kv-budget", "8MiB"}, io.Discard, &stderr, func(string) string { return "" })
	}()
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Get("http://" + addr + "/v1/models")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !strings.Contains(string(b), `"id":"logsift-default"`) {
				t.Fatalf("/v1/models: %s", b)
			}
			break
		}
		select {
		case code := <-done:
			t.Fatalf("serve-model exited with %d: %s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("serve-model never listened")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The default model classifies the line of a chat's user message.
	body := `{"model":"logsift-default","messages":[{"role":"user","content":"kernel: Out of memory: Killed process 4242 (java)"}],` +
		`"response_format":{"type":"json_schema","json_schema":{"name":"c","schema":` + string(schemas.DefaultClassificationSchema()) + `}}}`
	resp, err := http.Post("http://"+addr+"/v1/chat/completions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var cr struct {
		Choices []struct {
			Message struct{ Content string } `json:"message"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(b, &cr); err != nil || resp.StatusCode != 200 || len(cr.Choices) != 1 {
		t.Fatalf("chat: %d %s", resp.StatusCode, b)
	}
	if err := schemas.Default().Validate([]byte(cr.Choices[0].Message.Content)); err != nil {
		t.Errorf("chat answer %q: %v", cr.Choices[0].Message.Content, err)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d after the stop signal: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "shutting down") {
		t.Errorf("no shutdown log line: %s", stderr.String())
	}
}

// freeAddr returns a loopback address with a port that was free a moment
// ago, for a command that takes --addr.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
