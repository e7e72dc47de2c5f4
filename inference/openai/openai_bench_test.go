package openai

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/logsift/logsift/inference/chat"
	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/inference/gguf"
	"github.com/logsift/logsift/inference/tokenizer"
)

// BenchmarkJSONMaskApply is one step of the json_object mask over GPT-2's
// 50,257-token vocabulary, at the start (few tokens pass the first byte)
// and inside a string (almost every token is walked to its end): the cost
// the engine's step loop pays per json_object request per token.
func BenchmarkJSONMaskApply(b *testing.B) {
	f, err := gguf.Open(filepath.Join("..", "..", "..", "shared", "conformance", "vocab", "ggml-vocab-gpt-2.gguf"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	tok, err := tokenizer.FromGGUF(f)
	if err != nil {
		b.Fatal(err)
	}
	v := newJSONVocab(tok)
	logits := make([]float32, len(v.pieces))
	for _, c := range []struct {
		name, prefix string
	}{{"start", ""}, {"in-string", `{"message":"abc`}, {"after-value", `{"a":1`}} {
		b.Run(c.name, func(b *testing.B) {
			m := newJSONMask(v)
			for _, ch := range []byte(c.prefix) {
				if !m.st.step(ch) {
					b.Fatalf("prefix %q rejected", c.prefix)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				clear(logits)
				m.Apply(logits)
			}
		})
		// A state's first step: the mask is computed.
		b.Run(c.name+"-cold", func(b *testing.B) {
			m := newJSONMask(v)
			for _, ch := range []byte(c.prefix) {
				m.st.step(ch)
			}
			b.ReportAllocs()
			for b.Loop() {
				v.mu.Lock()
				clear(v.masks)
				v.mu.Unlock()
				clear(logits)
				m.Apply(logits)
			}
		})
	}
}

// BenchmarkChatRoundTrip is one short greedy chat completion through HTTP
// against the same request on the engine directly: the server's overhead
// (JSON, template, HTTP) on the tiny model, where generation itself is
// cheap.
func BenchmarkChatRoundTrip(b *testing.B) {
	f := newFixture(b, nil)
	body := []byte(`{"model":"tiny","temperature":0,"max_tokens":8,"messages":[{"role":"user","content":"disk sda1 failed"}]}`)
	b.Run("http", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			resp, err := http.Post(f.url+"/v1/chat/completions", "application/json", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatal(resp.Status)
			}
		}
	})
	b.Run("http-stream", func(b *testing.B) {
		sb := []byte(`{"model":"tiny","temperature":0,"max_tokens":8,"stream":true,"messages":[{"role":"user","content":"disk sda1 failed"}]}`)
		b.ReportAllocs()
		for b.Loop() {
			resp, err := http.Post(f.url+"/v1/chat/completions", "application/json", bytes.NewReader(sb))
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	b.Run("engine", func(b *testing.B) {
		prompt, err := f.srv.Template().Encode(f.eng.Tokenizer(), chatMsgs("disk sda1 failed"))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := f.eng.Generate(context.Background(), engine.Request{Prompt: prompt, MaxTokens: 8, Stop: chat.ChatML{}.StopStrings()}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
