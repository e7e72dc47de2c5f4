package openai

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/inference/sample"
	"github.com/logsift/logsift/inference/tokenizer"
)

// textStream turns the engine's tokens into text deltas that are always a
// prefix of the final text: it holds back an unfinished UTF-8 character
// and any tail that may be the start of a stop string (the engine cuts the
// final text before the stop string, so such a tail may never be shown),
// and it follows jump-forward, which may replace the last tokens (the text
// only grows: the replacing tokens spell the replaced bytes and more).
type textStream struct {
	tok   *tokenizer.Tokenizer
	stops []string
	ids   []int32
	sent  int // bytes of text sent

	// pending tokens (for logprobs) since the last delta
	pend    []int32
	pendLP  []float32
	pendTop [][]sample.TokenLogprob
}

func (t *textStream) add(tk engine.Token) (delta string) {
	if tk.Index < len(t.ids) {
		drop := len(t.ids) - tk.Index
		t.ids = t.ids[:tk.Index]
		t.pend = t.pend[:max(0, len(t.pend)-drop)]
		t.pendLP = t.pendLP[:len(t.pend)]
		t.pendTop = t.pendTop[:len(t.pend)]
	}
	t.ids = append(t.ids, tk.ID)
	if t.tok.IsEOG(tk.ID) {
		return "" // the engine ends here; the final text leaves it out
	}
	t.pend = append(t.pend, tk.ID)
	t.pendLP = append(t.pendLP, tk.Logprob)
	t.pendTop = append(t.pendTop, tk.Top)
	text := t.tok.Decode(t.ids)
	safe := len(text)
	for _, st := range t.stops {
		if i := strings.Index(text, st); i >= 0 {
			safe = min(safe, i)
		}
	}
	for _, st := range t.stops {
		for k := min(len(st)-1, safe); k > 0; k-- {
			if strings.HasSuffix(text[:safe], st[:k]) {
				safe -= k
				break
			}
		}
	}
	safe = completeUTF8(text, safe)
	if safe <= t.sent {
		return ""
	}
	d := text[t.sent:safe]
	t.sent = safe
	return d
}

// completeUTF8 moves end back to the start of a character whose bytes are
// not all there yet.
func completeUTF8(s string, end int) int {
	for back := 1; back <= 3 && end-back >= 0; back++ {
		c := s[end-back]
		if c < utf8.RuneSelf {
			return end
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRuneInString(s[end-back : end]) {
				return end - back
			}
			return end
		}
	}
	return end
}

// takePending returns the tokens of the deltas so far and forgets them.
func (t *textStream) takePending() ([]int32, []float32, [][]sample.TokenLogprob) {
	a, b, c := t.pend, t.pendLP, t.pendTop
	t.pend, t.pendLP, t.pendTop = nil, nil, nil
	return a, b, c
}

// sse writes Server-Sent Events; the first write sends the headers.
type sse struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	started bool
	failed  bool
	cancel  context.CancelFunc
}

func (e *sse) send(v any) {
	if e.failed {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic("BUG: openai: encoding a chunk: " + err.Error())
	}
	e.raw(b)
}

func (e *sse) raw(b []byte) {
	if !e.started {
		h := e.w.Header()
		h.Set("Content-Type", "text/event-stream")
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Accel-Buffering", "no")
		e.w.WriteHeader(http.StatusOK)
		e.started = true
	}
	buf := make([]byte, 0, len(b)+8)
	buf = append(buf, "data: "...)
	buf = append(buf, b...)
	buf = append(buf, '\n', '\n')
	if _, err := e.w.Write(buf); err != nil {
		e.fail()
		return
	}
	if err := e.rc.Flush(); err != nil {
		e.fail()
	}
}

// fail stops the generation: nobody is reading.
func (e *sse) fail() {
	e.failed = true
	e.cancel()
}

func (s *Server) runStream(w http.ResponseWriter, r *http.Request, j *job, info *RequestInfo) *apiError {
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	out := &sse{w: w, rc: http.NewResponseController(w), cancel: cancel}
	ts := &textStream{tok: s.tok, stops: j.req.Stop}
	chunk := func(text string, lp any, finish *string) any {
		if j.chat {
			c := chatChoice{Delta: &assistantMsg{}, FinishReason: finish}
			if finish == nil {
				c.Delta.Content = &text
			}
			if l, ok := lp.(*chatLogprobs); ok && l != nil {
				c.Logprobs = l
			}
			return chatCompletion{ID: j.id, Object: "chat.completion.chunk", Created: j.created, Model: s.cfg.ModelID,
				SystemFingerprint: s.cfg.Fingerprint, Choices: []chatChoice{c}}
		}
		c := textChoice{Text: text, FinishReason: finish}
		if l, ok := lp.(*textLogprobs); ok && l != nil {
			c.Logprobs = l
		}
		return textCompletion{ID: j.id, Object: "text_completion", Created: j.created, Model: s.cfg.ModelID,
			SystemFingerprint: s.cfg.Fingerprint, Choices: []textChoice{c}}
	}
	logprobs := func(base int) any {
		ids, lps, tops := ts.takePending()
		if !j.logprobs || len(ids) == 0 {
			return nil
		}
		if j.top == 0 {
			tops = nil
		}
		if j.chat {
			return s.chatLogprobs(ids, lps, tops, j.top)
		}
		return s.textLogprobs(ids, lps, tops, j.top, base)
	}
	begin := func() {
		if !out.started && j.chat {
			empty := ""
			out.send(chatCompletion{ID: j.id, Object: "chat.completion.chunk", Created: j.created, Model: s.cfg.ModelID,
				SystemFingerprint: s.cfg.Fingerprint, Choices: []chatChoice{{Delta: &assistantMsg{Role: "assistant", Content: &empty}}}})
		}
	}
	res, err := s.eng.Stream(ctx, j.req, func(tk engine.Token) {
		base := ts.sent
		d := ts.add(tk)
		if d == "" {
			return
		}
		begin()
		out.send(chunk(d, logprobs(base), nil))
	})
	if err != nil {
		switch {
		case r.Context().Err() != nil || out.failed:
			info.Status = StatusClientClosed
			return nil
		case !out.started:
			return s.engineError(ctx, err)
		}
		// Headers are gone: report in the stream, as OpenAI does.
		info.Status = http.StatusOK
		out.raw(errorBody(s.engineError(ctx, err)))
		return nil
	}
	fillInfo(info, res)
	info.Status = http.StatusOK
	begin()
	if len(res.Text) > ts.sent {
		base := ts.sent
		lp := logprobs(base)
		if res.FinishReason == "stop" {
			lp = nil // what is pending spelled the stop string too
		}
		out.send(chunk(res.Text[ts.sent:], lp, nil))
		ts.sent = len(res.Text)
	}
	fr := finishReason(res.FinishReason)
	out.send(chunk("", nil, &fr))
	if j.includeUsage {
		u := usageOf(res)
		if j.chat {
			out.send(chatCompletion{ID: j.id, Object: "chat.completion.chunk", Created: j.created, Model: s.cfg.ModelID,
				SystemFingerprint: s.cfg.Fingerprint, Choices: []chatChoice{}, Usage: u})
		} else {
			out.send(textCompletion{ID: j.id, Object: "text_completion", Created: j.created, Model: s.cfg.ModelID,
				SystemFingerprint: s.cfg.Fingerprint, Choices: []textChoice{}, Usage: u})
		}
	}
	out.raw([]byte("[DONE]"))
	if out.failed {
		info.Status = StatusClientClosed
	}
	return nil
}
