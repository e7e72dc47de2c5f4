package openai

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/logsift/logsift/inference/chat"
	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/inference/model"
)

var modelPath = filepath.Join("..", "..", "..", "shared", "conformance", "models", "tiny-llama-q8_0.gguf")

const testModel = "tiny"

// recorder is an Observer that keeps what it saw.
type recorder struct {
	mu   sync.Mutex
	seen []RequestInfo
	ch   chan RequestInfo
}

func (r *recorder) Observe(i RequestInfo) {
	r.mu.Lock()
	r.seen = append(r.seen, i)
	r.mu.Unlock()
	if r.ch != nil {
		r.ch <- i
	}
}

type fixture struct {
	eng *engine.Engine
	srv *Server
	url string
	rec *recorder
}

func newEngine(t testing.TB) *engine.Engine {
	t.Helper()
	m, err := model.Load(modelPath, model.Options{Threads: 2, MaxBatch: 256})
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(m, engine.Config{KVBlocks: 512, BlockSize: 16})
	if err != nil {
		m.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close(); m.Close() })
	return e
}

func newFixture(t testing.TB, mod func(*Config)) *fixture {
	t.Helper()
	e := newEngine(t)
	rec := &recorder{}
	cfg := Config{Engine: e, ModelID: testModel, Observer: rec}
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return &fixture{eng: e, srv: s, url: hs.URL, rec: rec}
}

// post sends body and returns the status and the decoded JSON response.
func (f *fixture) post(t testing.TB, path string, body any) (int, map[string]any) {
	t.Helper()
	code, raw := f.postRaw(t, path, body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: response is not JSON: %v: %s", path, err, raw)
	}
	return code, m
}

func (f *fixture) postRaw(t testing.TB, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(js)
	}
	resp, err := http.Post(f.url+path, "application/json", rd)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, raw
}

// events posts a streaming request and returns the data of each event
// (the last is "[DONE]").
func (f *fixture) events(t testing.TB, ctx context.Context, path string, body any) []string {
	t.Helper()
	js, _ := json.Marshal(body)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, f.url+path, bytes.NewReader(js))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	var out []string
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		d, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			t.Fatalf("not a data line: %q", line)
		}
		out = append(out, d)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// dig walks a decoded JSON document: keys for objects, ints for arrays.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func validator(t testing.TB, doc []byte) *jsonschema.Schema {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("mem://s.json", v); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("mem://s.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(s *jsonschema.Schema, out string) error {
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		return err
	}
	return s.Validate(v)
}

func chatMsgs(user string) []chat.Message {
	return []chat.Message{{Role: "user", Content: user}}
}
