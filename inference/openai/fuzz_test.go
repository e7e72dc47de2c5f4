package openai

import (
	"encoding/json"
	"net/http"
	"testing"
)

// FuzzDecodeRequest feeds arbitrary bodies to the request decoders: they
// never panic, and every rejection is a 400 with a message whose error
// document is valid JSON.
func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{
		`{"model":"m","messages":[{"role":"user","content":"hi"}],"stop":["a",""],"logprobs":true,"top_logprobs":2}`,
		`{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a"}]}],"response_format":{"type":"json_schema","json_schema":{"name":"n","schema":{"type":"object"}}}}`,
		`{"model":"m","prompt":[[1,2,3]],"logprobs":3,"max_tokens":5,"temperature":0.5,"top_p":0.9,"seed":-1}`,
		`{"model":"m","prompt":["x"],"stream":true,"stream_options":{"include_usage":true},"n":1}`,
		`{"prompt":1e400}`, `{"temperature":"x"}`, `[]`, `null`, `{"stop":{}}`, `{"logprobs":1.5}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		check := func(e *apiError) {
			if e == nil {
				return
			}
			if e.Status != http.StatusBadRequest || e.Message == "" || e.Type != typeInvalid {
				t.Fatalf("rejection %+v", e)
			}
			if !json.Valid(errorBody(e)) {
				t.Fatalf("error body %q is not JSON", errorBody(e))
			}
		}
		var c chatRequest
		if e := decodeJSON(body, &c); e != nil {
			check(e)
		} else {
			_, e := c.check(c.MaxCompletionTokens)
			check(e)
			_, _, e = c.logprobs()
			check(e)
			for i, m := range c.Messages {
				_, e := messageText(i, m.Content)
				check(e)
			}
		}
		var p completionRequest
		if e := decodeJSON(body, &p); e != nil {
			check(e)
			return
		}
		_, e := p.check(nil)
		check(e)
		_, _, e = p.logprobs()
		check(e)
		in, e := parsePrompt(p.Prompt, 640)
		check(e)
		for _, id := range in.ids {
			if id < 0 || id >= 640 {
				t.Fatalf("prompt id %d accepted", id)
			}
		}
	})
}

// FuzzJSONMask checks the json_object recogniser against encoding/json:
// every byte string it accepts as a finished object is valid JSON.
func FuzzJSONMask(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":[1,-2.5e+3,true,null,"x\u00e9\n"],"b":{"c":false}}`, `{"a":01}`, `{"a":"\ud800"}`, `[1]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		st := jsonState{mode: jTop}
		for _, c := range b {
			if !st.step(c) {
				return
			}
		}
		if st.mode == jDone {
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("mask accepted %q, encoding/json says %v", b, err)
			}
		}
	})
}
