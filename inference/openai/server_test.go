package openai

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/logsift/logsift/inference/chat"
	"github.com/logsift/logsift/inference/constrain"
	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/inference/tokenizer"
)

func TestModels(t *testing.T) {
	f := newFixture(t, nil)
	resp, err := http.Get(f.url + "/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	var list modelList
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if resp.StatusCode != 200 || list.Object != "list" || len(list.Data) != 1 || list.Data[0].ID != testModel || list.Data[0].Object != "model" {
		t.Fatalf("GET /v1/models = %d %+v", resp.StatusCode, list)
	}
	resp, err = http.Get(f.url + "/v1/models/nope")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("GET /v1/models/nope = %d, want 404", resp.StatusCode)
	}
}

// greedy runs the engine directly: what the server must return.
func greedy(t *testing.T, e *engine.Engine, prompt []int32, maxTokens int, stop []string) engine.Result {
	t.Helper()
	res, err := e.Generate(context.Background(), engine.Request{Prompt: prompt, MaxTokens: maxTokens, Stop: stop})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestCompletionEqualsEngine(t *testing.T) {
	f := newFixture(t, nil)
	prompt := "the quick brown fox"
	ids := f.eng.Tokenizer().Encode(prompt, tokenizer.EncodeOptions{AddSpecial: true, ParseSpecial: true})
	want := greedy(t, f.eng, ids, 12, nil)
	code, got := f.post(t, "/v1/completions", map[string]any{"model": testModel, "prompt": prompt, "max_tokens": 12, "temperature": 0})
	if code != 200 {
		t.Fatalf("status %d: %v", code, got)
	}
	if s := dig(got, "choices", 0, "text"); s != clean(want.Text) {
		t.Errorf("text %q, engine says %q", s, want.Text)
	}
	if dig(got, "object") != "text_completion" || dig(got, "model") != testModel || !strings.HasPrefix(dig(got, "id").(string), "cmpl-") {
		t.Errorf("envelope: %v", got)
	}
	if n := dig(got, "usage", "prompt_tokens"); n != float64(len(ids)) {
		t.Errorf("prompt_tokens %v, want %d", n, len(ids))
	}
	if n := dig(got, "usage", "completion_tokens"); n != float64(len(want.Tokens)) {
		t.Errorf("completion_tokens %v, want %d", n, len(want.Tokens))
	}
	if fr := dig(got, "choices", 0, "finish_reason"); fr != finishReason(want.FinishReason) {
		t.Errorf("finish_reason %v, want %s", fr, finishReason(want.FinishReason))
	}
	// Token ids as the prompt give the same answer.
	code, got2 := f.post(t, "/v1/completions", map[string]any{"model": testModel, "prompt": ids, "max_tokens": 12, "temperature": 0})
	if code != 200 || dig(got2, "choices", 0, "text") != clean(want.Text) {
		t.Errorf("token prompt: %d %v", code, got2)
	}
}

func TestChatEqualsEngine(t *testing.T) {
	f := newFixture(t, nil)
	msgs := []chat.Message{{Role: "system", Content: "you label logs"}, {Role: "user", Content: "disk sda1 failed"}}
	ids, err := f.srv.Template().Encode(f.eng.Tokenizer(), msgs)
	if err != nil {
		t.Fatal(err)
	}
	want := greedy(t, f.eng, ids, 10, chat.ChatML{}.StopStrings())
	code, got := f.post(t, "/v1/chat/completions", map[string]any{"model": testModel, "temperature": 0, "max_tokens": 10,
		"messages": []map[string]any{
			{"role": "developer", "content": "you label logs"},
			{"role": "user", "content": []map[string]string{{"type": "text", "text": "disk sda1 "}, {"type": "text", "text": "failed"}}},
		}})
	if code != 200 {
		t.Fatalf("status %d: %v", code, got)
	}
	if s := dig(got, "choices", 0, "message", "content"); s != clean(want.Text) {
		t.Errorf("content %q, engine says %q", s, want.Text)
	}
	if dig(got, "choices", 0, "message", "role") != "assistant" || dig(got, "object") != "chat.completion" {
		t.Errorf("envelope: %v", got)
	}
	if n := dig(got, "usage", "total_tokens"); n != float64(len(ids)+len(want.Tokens)) {
		t.Errorf("total_tokens %v, want %d", n, len(ids)+len(want.Tokens))
	}
}

// chunks decodes a stream's events, checking the [DONE] terminator.
func chunks(t *testing.T, evs []string) []map[string]any {
	t.Helper()
	if len(evs) == 0 || evs[len(evs)-1] != "[DONE]" {
		t.Fatalf("stream does not end with [DONE]: %q", evs)
	}
	var out []map[string]any
	for _, e := range evs[:len(evs)-1] {
		var m map[string]any
		if err := json.Unmarshal([]byte(e), &m); err != nil {
			t.Fatalf("chunk %q: %v", e, err)
		}
		out = append(out, m)
	}
	return out
}

func TestStreamEqualsNonStream(t *testing.T) {
	f := newFixture(t, nil)
	for _, path := range []string{"/v1/chat/completions", "/v1/completions"} {
		body := map[string]any{"model": testModel, "temperature": 0.8, "seed": 7, "max_tokens": 40}
		isChat := path == "/v1/chat/completions"
		if isChat {
			body["messages"] = []map[string]any{{"role": "user", "content": "héllo wörld ✓"}}
		} else {
			body["prompt"] = "héllo wörld ✓"
		}
		code, whole := f.post(t, path, body)
		if code != 200 {
			t.Fatalf("%s: %d %v", path, code, whole)
		}
		body["stream"] = true
		body["stream_options"] = map[string]any{"include_usage": true}
		cs := chunks(t, f.events(t, context.Background(), path, body))
		var text strings.Builder
		var finish any
		for i, c := range cs {
			if c["id"] != whole["id"] && !strings.HasPrefix(c["id"].(string), strings.Split(whole["id"].(string), "-")[0]) {
				t.Errorf("chunk %d id %v", i, c["id"])
			}
			if i == len(cs)-1 {
				if u := dig(c, "usage", "completion_tokens"); u != dig(whole, "usage", "completion_tokens") {
					t.Errorf("%s: usage chunk %v, non-streamed %v", path, c["usage"], whole["usage"])
				}
				if n := len(c["choices"].([]any)); n != 0 {
					t.Errorf("usage chunk has %d choices", n)
				}
				continue
			}
			if isChat {
				if c["object"] != "chat.completion.chunk" {
					t.Errorf("object %v", c["object"])
				}
				if i == 0 && dig(c, "choices", 0, "delta", "role") != "assistant" {
					t.Errorf("first chunk has no role: %v", c)
				}
				if s, ok := dig(c, "choices", 0, "delta", "content").(string); ok {
					text.WriteString(s)
				}
			} else if s, ok := dig(c, "choices", 0, "text").(string); ok {
				text.WriteString(s)
			}
			if fr := dig(c, "choices", 0, "finish_reason"); fr != nil {
				if finish != nil {
					t.Errorf("two finish reasons")
				}
				finish = fr
			}
		}
		wantText := dig(whole, "choices", 0, "text")
		if isChat {
			wantText = dig(whole, "choices", 0, "message", "content")
		}
		if text.String() != wantText {
			t.Errorf("%s: streamed %q, non-streamed %q", path, text.String(), wantText)
		}
		if finish != dig(whole, "choices", 0, "finish_reason") {
			t.Errorf("%s: streamed finish %v, non-streamed %v", path, finish, dig(whole, "choices", 0, "finish_reason"))
		}
	}
}

func TestStop(t *testing.T) {
	f := newFixture(t, nil)
	base := map[string]any{"model": testModel, "prompt": "one two three", "temperature": 0, "max_tokens": 30}
	_, full := f.post(t, "/v1/completions", base)
	text := dig(full, "choices", 0, "text").(string)
	if len(text) < 8 {
		t.Fatalf("greedy output too short to cut: %q", text)
	}
	// A stop string of printable ASCII: the model's text holds invalid
	// UTF-8, which JSON turns into U+FFFD on the way.
	at := -1
	for i := 1; i+3 <= len(text) && at < 0; i++ {
		if strings.IndexFunc(text[i:i+3], func(r rune) bool { return r < ' ' || r > '~' }) < 0 {
			at = i
		}
	}
	if at < 0 {
		t.Fatalf("greedy output %q has no 3 printable ASCII bytes in a row", text)
	}
	stop := text[at : at+3]
	cut := text[:strings.Index(text, stop)]
	for _, st := range []any{stop, []string{"\u0000never", stop}} {
		body := map[string]any{"model": testModel, "prompt": "one two three", "temperature": 0, "max_tokens": 30, "stop": st}
		_, got := f.post(t, "/v1/completions", body)
		if s := dig(got, "choices", 0, "text"); s != cut || dig(got, "choices", 0, "finish_reason") != "stop" {
			t.Errorf("stop %q: %q (%v), want %q", st, s, dig(got, "choices", 0, "finish_reason"), cut)
		}
		body["stream"] = true
		var streamed strings.Builder
		for _, c := range chunks(t, f.events(t, context.Background(), "/v1/completions", body)) {
			streamed.WriteString(dig(c, "choices", 0, "text").(string))
		}
		if streamed.String() != cut {
			t.Errorf("stop %q streamed %q, want %q (a stop string's start must never be sent)", st, streamed.String(), cut)
		}
	}
}

func TestJSONSchema(t *testing.T) {
	f := newFixture(t, nil)
	custom := `{"type":"object","properties":{"level":{"enum":["low","high"]},"count":{"type":"integer","minimum":0,"maximum":99},
		"tags":{"type":"array","items":{"type":"string","maxLength":6},"maxItems":3},"ok":{"type":"boolean"}},"required":["level","count","tags","ok"]}`
	for name, schema := range map[string]string{"default": string(constrain.DefaultSchema), "custom": custom} {
		v := validator(t, []byte(schema))
		for seed := range 4 {
			for _, stream := range []bool{false, true} {
				body := map[string]any{"model": testModel, "temperature": 1, "seed": seed, "stream": stream,
					"messages":        []map[string]any{{"role": "user", "content": "Failed password for root from 10.0.0.1"}},
					"response_format": map[string]any{"type": "json_schema", "json_schema": map[string]any{"name": "labels", "strict": true, "schema": json.RawMessage(schema)}}}
				var content string
				if stream {
					for _, c := range chunks(t, f.events(t, context.Background(), "/v1/chat/completions", body)) {
						if s, ok := dig(c, "choices", 0, "delta", "content").(string); ok {
							content += s
						}
					}
				} else {
					code, got := f.post(t, "/v1/chat/completions", body)
					if code != 200 {
						t.Fatalf("%d %v", code, got)
					}
					content = dig(got, "choices", 0, "message", "content").(string)
				}
				if err := validate(v, content); err != nil {
					t.Errorf("%s seed %d stream %v: %q does not validate: %v", name, seed, stream, content, err)
				}
			}
		}
	}
}

func TestJSONObject(t *testing.T) {
	f := newFixture(t, nil)
	finished := 0
	for seed := range 6 {
		code, got := f.post(t, "/v1/chat/completions", map[string]any{"model": testModel, "temperature": 1, "seed": seed, "max_tokens": 120,
			"messages":        []map[string]any{{"role": "user", "content": "answer in JSON"}},
			"response_format": map[string]any{"type": "json_object"}})
		if code != 200 {
			t.Fatalf("%d %v", code, got)
		}
		content := dig(got, "choices", 0, "message", "content").(string)
		if dig(got, "choices", 0, "finish_reason") == "length" {
			// Cut short: still the start of an object.
			if !strings.HasPrefix(content, "{") || !prefixOK(content) {
				t.Errorf("seed %d: truncated output %q is not a JSON prefix", seed, content)
			}
			continue
		}
		finished++
		var obj map[string]any
		if err := json.Unmarshal([]byte(content), &obj); err != nil {
			t.Errorf("seed %d: %q does not parse as an object: %v", seed, content, err)
		}
	}
	if finished == 0 {
		t.Error("no json_object output finished within 120 tokens")
	}
}

func prefixOK(s string) bool {
	st := jsonState{mode: jTop}
	for i := 0; i < len(s); i++ {
		if !st.step(s[i]) {
			return false
		}
	}
	return true
}

func TestLogprobs(t *testing.T) {
	f := newFixture(t, nil)
	code, got := f.post(t, "/v1/chat/completions", map[string]any{"model": testModel, "temperature": 0, "max_tokens": 8,
		"logprobs": true, "top_logprobs": 3, "messages": []map[string]any{{"role": "user", "content": "hi"}}})
	if code != 200 {
		t.Fatalf("%d %v", code, got)
	}
	content := dig(got, "choices", 0, "logprobs", "content").([]any)
	var joined string
	for i, e := range content {
		lp := dig(e, "logprob").(float64)
		top := dig(e, "top_logprobs").([]any)
		if len(top) != 3 || lp > 0 {
			t.Fatalf("entry %d: %v", i, e)
		}
		// Greedy: the chosen token is the most likely one.
		if dig(top, 0, "token") != dig(e, "token") || dig(top, 0, "logprob").(float64) != lp {
			t.Errorf("entry %d: chosen %v %v, most likely %v", i, dig(e, "token"), lp, top[0])
		}
		for k := 1; k < 3; k++ {
			if dig(top, k, "logprob").(float64) > dig(top, k-1, "logprob").(float64) {
				t.Errorf("entry %d: top_logprobs not descending", i)
			}
		}
		for _, b := range dig(e, "bytes").([]any) {
			joined += string([]byte{byte(b.(float64))})
		}
	}
	if c := dig(got, "choices", 0, "message", "content"); clean(joined) != c {
		t.Errorf("logprob tokens spell %q, content %q", joined, c)
	}

	code, got = f.post(t, "/v1/completions", map[string]any{"model": testModel, "temperature": 0, "max_tokens": 8, "logprobs": 2, "prompt": "hi"})
	if code != 200 {
		t.Fatalf("%d %v", code, got)
	}
	lp := dig(got, "choices", 0, "logprobs")
	toks, offs := dig(lp, "tokens").([]any), dig(lp, "text_offset").([]any)
	text := dig(got, "choices", 0, "text").(string)
	var spelled string
	exact := !strings.ContainsRune(text, utf8.RuneError) // else JSON changed the bytes
	for i := range toks {
		if exact && int(offs[i].(float64)) != len(spelled) {
			t.Errorf("text_offset[%d] = %v, want %d", i, offs[i], len(spelled))
		}
		spelled += toks[i].(string)
		if m := dig(lp, "top_logprobs", i).(map[string]any); len(m) == 0 || len(m) > 2 {
			t.Errorf("top_logprobs[%d] = %v", i, m)
		}
	}
	if spelled != text && exact {
		t.Errorf("legacy tokens spell %q, text %q", spelled, text)
	}
}

// Requests in flight together are batched by the engine and still each get
// what they would get alone.
func TestConcurrentEqualsSequential(t *testing.T) {
	f := newFixture(t, nil)
	prompts := []string{"alpha", "beta gamma", "delta epsilon zeta", "eta", "theta iota", "kappa"}
	want := make([]string, len(prompts))
	for i, p := range prompts {
		_, got := f.post(t, "/v1/completions", map[string]any{"model": testModel, "prompt": p, "temperature": 0, "max_tokens": 16})
		want[i] = dig(got, "choices", 0, "text").(string)
	}
	var wg sync.WaitGroup
	got := make([]string, len(prompts))
	for i, p := range prompts {
		wg.Go(func() {
			_, r := f.post(t, "/v1/completions", map[string]any{"model": testModel, "prompt": p, "temperature": 0, "max_tokens": 16})
			got[i], _ = dig(r, "choices", 0, "text").(string)
		})
	}
	wg.Wait()
	for i := range prompts {
		if got[i] != want[i] {
			t.Errorf("prompt %q: concurrent %q, alone %q", prompts[i], got[i], want[i])
		}
	}
}

func TestClientDisconnectCancels(t *testing.T) {
	f := newFixture(t, nil)
	f.rec.ch = make(chan RequestInfo, 1)
	ctx, cancel := context.WithCancel(context.Background())
	body := map[string]any{"model": testModel, "prompt": "x", "temperature": 1, "seed": 1, "max_tokens": 400, "stream": true}
	js, _ := json.Marshal(body)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, f.url+"/v1/completions", strings.NewReader(string(js)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1)
	if _, err := resp.Body.Read(buf); err != nil { // the stream has started
		t.Fatal(err)
	}
	cancel()
	resp.Body.Close()
	info := <-f.rec.ch
	if info.Status != StatusClientClosed && info.FinishReason != "stop" {
		// Only a generation that ended by itself (EOG) before the
		// disconnect may finish; one cut by the client must say 499.
		t.Errorf("disconnected stream observed as %+v", info)
	}
}

// cancelWriter is a client that goes away at the first byte of the
// stream: its request's context ends inside the first Write.
type cancelWriter struct {
	*httptest.ResponseRecorder
	cancel context.CancelFunc
}

func (w cancelWriter) Write(b []byte) (int, error) {
	w.cancel()
	return w.ResponseRecorder.Write(b)
}

func TestClientGoneCancelsGeneration(t *testing.T) {
	f := newFixture(t, nil)
	// A seed whose generation runs to max_tokens, so that only the
	// disconnect can end it early.
	seed := -1
	for s := range 20 {
		_, got := f.post(t, "/v1/completions", map[string]any{"model": testModel, "prompt": "x", "temperature": 1, "seed": s, "max_tokens": 300})
		if dig(got, "choices", 0, "finish_reason") == "length" {
			seed = s
			break
		}
	}
	if seed < 0 {
		t.Fatal("no seed of 20 generates 300 tokens without an end-of-generation token")
	}
	before := f.eng.Stats().Cancelled
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	body := fmt.Sprintf(`{"model":%q,"prompt":"x","temperature":1,"seed":%d,"max_tokens":300,"stream":true}`, testModel, seed)
	r := httptest.NewRequestWithContext(ctx, http.MethodPost, "/v1/completions", strings.NewReader(body))
	f.rec.ch = make(chan RequestInfo, 1)
	f.srv.ServeHTTP(cancelWriter{httptest.NewRecorder(), cancel}, r)
	info := <-f.rec.ch
	if info.Status != StatusClientClosed {
		t.Fatalf("observed %+v, want status %d", info, StatusClientClosed)
	}
	// The engine drops the sequence at its next step.
	deadline := time.Now().Add(30 * time.Second)
	for f.eng.Stats().Cancelled == before {
		if time.Now().After(deadline) {
			t.Fatal("the engine never cancelled the abandoned sequence")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestOverloadedAndClosed(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.MaxInFlight = 1 })
	f.srv.slots <- struct{}{} // a request in flight
	code, got := f.post(t, "/v1/completions", map[string]any{"model": testModel, "prompt": "x"})
	if code != 503 || dig(got, "error", "code") != "overloaded" {
		t.Errorf("over the limit: %d %v", code, got)
	}
	<-f.srv.slots
	f.eng.Close()
	code, got = f.post(t, "/v1/completions", map[string]any{"model": testModel, "prompt": "x"})
	if code != 503 || dig(got, "error", "code") != "shutting_down" {
		t.Errorf("closed engine: %d %v", code, got)
	}
}

func TestErrors(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.MaxBodyBytes = 1 << 16 })
	msgs := `"messages":[{"role":"user","content":"hi"}]`
	long := strings.Repeat("word ", 600)
	cases := []struct {
		path, body string
		status     int
		param      string
		contains   string
	}{
		{"/v1/chat/completions", `{`, 400, "", "not valid JSON"},
		{"/v1/chat/completions", `{"model":"tiny",` + msgs + `} {}`, 400, "", "more than one"},
		{"/v1/chat/completions", `{"model":"other",` + msgs + `}`, 404, "model", "does not exist"},
		{"/v1/chat/completions", `{` + msgs + `}`, 400, "model", "model is required"},
		{"/v1/chat/completions", `{"model":"tiny","messages":[]}`, 400, "messages", "at least one"},
		{"/v1/chat/completions", `{"model":"tiny","messages":[{"role":"tool","content":"x"}]}`, 400, "messages[0].role", "tool"},
		{"/v1/chat/completions", `{"model":"tiny","messages":[{"role":"user","content":[{"type":"image_url"}]}]}`, 400, "messages[0].content[0]", "image_url"},
		{"/v1/chat/completions", `{"model":"tiny","n":2,` + msgs + `}`, 400, "n", "n = 2"},
		{"/v1/chat/completions", `{"model":"tiny","temperature":3,` + msgs + `}`, 400, "temperature", "[0, 2]"},
		{"/v1/chat/completions", `{"model":"tiny","temperature":"hot",` + msgs + `}`, 400, "temperature", "want a number"},
		{"/v1/chat/completions", `{"model":"tiny","top_p":1.5,` + msgs + `}`, 400, "top_p", "top_p"},
		{"/v1/chat/completions", `{"model":"tiny","max_tokens":0,` + msgs + `}`, 400, "max_tokens", "at least 1"},
		{"/v1/chat/completions", `{"model":"tiny","max_tokens":100000,` + msgs + `}`, 400, "max_tokens", "context length"},
		{"/v1/chat/completions", `{"model":"tiny","stop":5,` + msgs + `}`, 400, "stop", "stop"},
		{"/v1/chat/completions", `{"model":"tiny","logprobs":3,` + msgs + `}`, 400, "logprobs", "boolean"},
		{"/v1/chat/completions", `{"model":"tiny","top_logprobs":2,` + msgs + `}`, 400, "top_logprobs", "logprobs: true"},
		{"/v1/chat/completions", `{"model":"tiny","top_logprobs":50,"logprobs":true,` + msgs + `}`, 400, "top_logprobs", "[0, 20]"},
		{"/v1/chat/completions", `{"model":"tiny","frequency_penalty":0.5,` + msgs + `}`, 400, "frequency_penalty", "not supported"},
		{"/v1/chat/completions", `{"model":"tiny","logit_bias":{"5":1},` + msgs + `}`, 400, "logit_bias", "not supported"},
		{"/v1/chat/completions", `{"model":"tiny","tools":[{"type":"function"}],` + msgs + `}`, 400, "tools", "not supported"},
		{"/v1/chat/completions", `{"model":"tiny","tools":[],"functions":[{"name":"f"}],` + msgs + `}`, 400, "functions", "not supported"},
		{"/v1/chat/completions", `{"model":"tiny","stream_options":{"include_usage":true},` + msgs + `}`, 400, "stream_options", "stream: true"},
		{"/v1/chat/completions", `{"model":"tiny","response_format":{"type":"xml"},` + msgs + `}`, 400, "response_format.type", "xml"},
		{"/v1/chat/completions", `{"model":"tiny","response_format":{"type":"json_schema"},` + msgs + `}`, 400, "response_format.json_schema", "json_schema"},
		{"/v1/chat/completions", `{"model":"tiny","response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object","patternProperties":{"a":{}}}}},` + msgs + `}`, 400, "response_format.json_schema.schema", "patternProperties"},
		{"/v1/chat/completions", `{"model":"tiny","response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object","patternProperties":{"a":{}},"properties":{"t":{"type":"array","items":{"type":"string"},"uniqueItems":true,"contains":{}}},"required":["t"]}}},` + msgs + `}`, 400, "response_format.json_schema.schema", `"contains" at /properties/t`},
		{"/v1/chat/completions", `{"model":"tiny","response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"string","minLength":5,"maxLength":2}}},` + msgs + `}`, 422, "response_format.json_schema.schema", ""},
		{"/v1/chat/completions", `{"model":"tiny","response_format":{"type":"json_schema","json_schema":{"name":"bad name!","schema":{}}},` + msgs + `}`, 400, "response_format.json_schema.name", "bad name"},
		{"/v1/chat/completions", `{"model":"tiny","messages":[{"role":"user","content":"` + long + `"}]}`, 400, "messages", "context length"},
		{"/v1/chat/completions", `{"model":"tiny","messages":[{"role":"user","content":"` + strings.Repeat("x", 1<<17) + `"}]}`, 413, "", "exceeds"},
		{"/v1/completions", `{"model":"tiny"}`, 400, "prompt", "required"},
		{"/v1/completions", `{"model":"tiny","prompt":["a","b"]}`, 400, "prompt", "2 prompts"},
		{"/v1/completions", `{"model":"tiny","prompt":[1,2,99999]}`, 400, "prompt", "vocabulary"},
		{"/v1/completions", `{"model":"tiny","prompt":"x","logprobs":true}`, 400, "logprobs", "integer"},
		{"/v1/completions", `{"model":"tiny","prompt":"x","echo":true}`, 400, "echo", "echo"},
		{"/v1/completions", `{"model":"tiny","prompt":"x","best_of":3}`, 400, "best_of", "best_of"},
		{"/v1/nothing", `{}`, 404, "", "unknown URL"},
	}
	for _, c := range cases {
		code, raw := f.postRaw(t, c.path, c.body)
		var e struct {
			Error struct {
				Message string  `json:"message"`
				Type    string  `json:"type"`
				Param   *string `json:"param"`
				Code    *string `json:"code"`
			} `json:"error"`
		}
		body := c.body
		if len(body) > 80 {
			body = body[:80] + "..."
		}
		if err := json.Unmarshal(raw, &e); err != nil || e.Error.Message == "" || e.Error.Type == "" {
			t.Errorf("%s %s: not OpenAI's error shape: %s", c.path, body, raw)
			continue
		}
		param := ""
		if e.Error.Param != nil {
			param = *e.Error.Param
		}
		if code != c.status || param != c.param || !strings.Contains(e.Error.Message, c.contains) {
			t.Errorf("%s %s: %d param %q %q; want %d param %q containing %q", c.path, body, code, param, e.Error.Message, c.status, c.param, c.contains)
		}
	}
	resp, err := http.Get(f.url + "/v1/chat/completions")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Errorf("GET chat completions: %d, want 405", resp.StatusCode)
	}
}

func ExampleServer() {
	// A server over an engine, mounted next to a service's own handlers.
	var e *engine.Engine // engine.New(model, engine.Config{})
	if e == nil {
		return
	}
	s, err := New(Config{Engine: e, ModelID: "logsift-default"})
	if err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	mux.Handle("/v1/", s)
	// Output:
}

// clean is what JSON makes of text: invalid UTF-8 bytes become U+FFFD.
func clean(s string) string {
	b, _ := json.Marshal(s)
	var out string
	json.Unmarshal(b, &out)
	return out
}

// A streamed schema request with logprobs turns jump-forward off, so every
// streamed token has its entry and the entries spell the content.
func TestStreamSchemaLogprobs(t *testing.T) {
	f := newFixture(t, nil)
	body := map[string]any{"model": testModel, "temperature": 0, "stream": true, "logprobs": true, "top_logprobs": 2,
		"messages":        []map[string]any{{"role": "user", "content": "disk full"}},
		"response_format": map[string]any{"type": "json_schema", "json_schema": map[string]any{"name": "c", "schema": json.RawMessage(constrain.DefaultSchema)}}}
	var content, spelled string
	entries := 0
	for _, c := range chunks(t, f.events(t, context.Background(), "/v1/chat/completions", body)) {
		if s, ok := dig(c, "choices", 0, "delta", "content").(string); ok {
			content += s
		}
		lp, _ := dig(c, "choices", 0, "logprobs", "content").([]any)
		for _, e := range lp {
			entries++
			if n := len(dig(e, "top_logprobs").([]any)); n != 2 {
				t.Errorf("entry with %d alternatives, want 2", n)
			}
			for _, b := range dig(e, "bytes").([]any) {
				spelled += string([]byte{byte(b.(float64))})
			}
		}
	}
	if err := validate(validator(t, constrain.DefaultSchema), content); err != nil {
		t.Errorf("%q: %v", content, err)
	}
	if entries == 0 || clean(spelled) != content {
		t.Errorf("%d logprob entries spell %q, content %q", entries, spelled, content)
	}
}
