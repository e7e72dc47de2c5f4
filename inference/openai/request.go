package openai

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
)

// params are the fields the chat and completions requests share.
type params struct {
	Model            string             `json:"model"`
	Stream           bool               `json:"stream"`
	StreamOptions    *streamOptions     `json:"stream_options"`
	Temperature      *float64           `json:"temperature"`
	TopP             *float64           `json:"top_p"`
	MaxTokens        *int               `json:"max_tokens"`
	Seed             *int64             `json:"seed"`
	Stop             json.RawMessage    `json:"stop"`
	N                *int               `json:"n"`
	ResponseFormat   *responseFormat    `json:"response_format"`
	PresencePenalty  *float64           `json:"presence_penalty"`
	FrequencyPenalty *float64           `json:"frequency_penalty"`
	LogitBias        map[string]float64 `json:"logit_bias"`
	Logprobs         json.RawMessage    `json:"logprobs"`
}

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

type responseFormat struct {
	Type       string      `json:"type"`
	JSONSchema *jsonSchema `json:"json_schema"`
}

type jsonSchema struct {
	Name   string          `json:"name"`
	Schema json.RawMessage `json:"schema"`
	Strict *bool           `json:"strict"`
}

type chatRequest struct {
	params
	Messages            []chatMessage   `json:"messages"`
	TopLogprobs         *int            `json:"top_logprobs"`
	MaxCompletionTokens *int            `json:"max_completion_tokens"`
	Tools               json.RawMessage `json:"tools"`
	Functions           json.RawMessage `json:"functions"`
}

type chatMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

type completionRequest struct {
	params
	Prompt json.RawMessage `json:"prompt"`
	Echo   bool            `json:"echo"`
	Suffix *string         `json:"suffix"`
	BestOf *int            `json:"best_of"`
}

// Limits of a request.
const (
	maxStops       = 16
	maxTopLogprobs = 20
	maxMessages    = 4096
)

// decodeJSON decodes one JSON object into v, mapping the decoder's errors
// to OpenAI's shape with the offending field as param.
func decodeJSON(body []byte, v any) *apiError {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			te.Field = strings.TrimPrefix(te.Field, "params.")
			return badRequest(te.Field, "invalid_type", "%s: got a JSON %s, want %s", fieldName(te.Field), te.Value, goTypeName(te.Type.String()))
		}
		return badRequest("", "invalid_json", "request body is not valid JSON: %v", err)
	}
	if dec.More() {
		return badRequest("", "invalid_json", "request body holds more than one JSON value")
	}
	return nil
}

func fieldName(f string) string {
	if f == "" {
		return "request body"
	}
	return f
}

func goTypeName(t string) string {
	t = strings.TrimPrefix(t, "*")
	switch {
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"):
		return "an integer"
	case strings.HasPrefix(t, "float"):
		return "a number"
	case t == "string":
		return "a string"
	case t == "bool":
		return "a boolean"
	case strings.HasPrefix(t, "[]"):
		return "an array"
	case strings.HasPrefix(t, "map["):
		return "an object"
	}
	return "an object"
}

// isNull reports whether raw is absent or the JSON null.
func isNull(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || string(raw) == "null"
}

// stops parses "stop": a string or an array of strings; empty strings are
// dropped.
func parseStop(raw json.RawMessage) ([]string, *apiError) {
	if isNull(raw) {
		return nil, nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		if one == "" {
			return nil, nil
		}
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, badRequest("stop", "invalid_type", "stop: want a string or an array of strings")
	}
	if len(many) > maxStops {
		return nil, badRequest("stop", "invalid_value", "stop: %d sequences, at most %d", len(many), maxStops)
	}
	out := many[:0]
	for _, s := range many {
		if s != "" {
			out = append(out, s)
		}
	}
	return out, nil
}

// sampling is what params contribute to an engine request.
type sampling struct {
	temperature float64
	topP        float64
	seed        *int64
	maxTokens   int // 0 = not given
	stop        []string
	schema      []byte // json_schema
	jsonObject  bool
	schemaName  string
}

var schemaNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// check validates the shared fields (everything but model, which the
// server checks against its own).
func (p *params) check(maxTokensAlias *int) (sampling, *apiError) {
	s := sampling{temperature: 1, topP: 1}
	if p.N != nil && *p.N != 1 {
		return s, badRequest("n", "invalid_value", "n = %d: this server returns one choice per request (n must be 1)", *p.N)
	}
	if t := p.Temperature; t != nil {
		if !(*t >= 0 && *t <= 2) {
			return s, badRequest("temperature", "invalid_value", "temperature %g must be in [0, 2]", *t)
		}
		s.temperature = *t
	}
	if t := p.TopP; t != nil {
		if !(*t >= 0 && *t <= 1) {
			return s, badRequest("top_p", "invalid_value", "top_p %g must be in [0, 1]", *t)
		}
		s.topP = *t
	}
	mt, param := p.MaxTokens, "max_tokens"
	if maxTokensAlias != nil {
		mt, param = maxTokensAlias, "max_completion_tokens"
	}
	if mt != nil {
		if *mt < 1 {
			return s, badRequest(param, "invalid_value", "%s %d must be at least 1", param, *mt)
		}
		s.maxTokens = *mt
	}
	s.seed = p.Seed
	for _, pen := range []struct {
		name string
		v    *float64
	}{{"presence_penalty", p.PresencePenalty}, {"frequency_penalty", p.FrequencyPenalty}} {
		if pen.v != nil && *pen.v != 0 {
			return s, badRequest(pen.name, "unsupported_parameter", "%s is not supported by this server (only 0)", pen.name)
		}
	}
	if len(p.LogitBias) > 0 {
		return s, badRequest("logit_bias", "unsupported_parameter", "logit_bias is not supported by this server")
	}
	var err *apiError
	if s.stop, err = parseStop(p.Stop); err != nil {
		return s, err
	}
	if rf := p.ResponseFormat; rf != nil {
		switch rf.Type {
		case "", "text":
		case "json_object":
			s.jsonObject = true
		case "json_schema":
			js := rf.JSONSchema
			if js == nil {
				return s, badRequest("response_format.json_schema", "missing_required_parameter", "response_format json_schema needs a json_schema object")
			}
			if js.Name != "" && !schemaNameRE.MatchString(js.Name) {
				return s, badRequest("response_format.json_schema.name", "invalid_value", "json_schema name %q: want 1 to 64 of a-z, A-Z, 0-9, _ and -", js.Name)
			}
			raw := bytes.TrimSpace(js.Schema)
			if len(raw) == 0 || raw[0] != '{' {
				return s, badRequest("response_format.json_schema.schema", "invalid_value", "json_schema needs a schema object")
			}
			s.schema, s.schemaName = raw, js.Name
		default:
			return s, badRequest("response_format.type", "invalid_value", "response_format type %q: want text, json_object or json_schema", rf.Type)
		}
	}
	return s, nil
}

// chatLogprobs parses the chat form: logprobs a boolean, top_logprobs
// 0..20 and only with logprobs.
func (r *chatRequest) logprobs() (on bool, top int, err *apiError) {
	if !isNull(r.Logprobs) {
		if json.Unmarshal(r.Logprobs, &on) != nil {
			return false, 0, badRequest("logprobs", "invalid_type", "logprobs: want a boolean")
		}
	}
	if r.TopLogprobs != nil {
		top = *r.TopLogprobs
		if top < 0 || top > maxTopLogprobs {
			return false, 0, badRequest("top_logprobs", "invalid_value", "top_logprobs %d must be in [0, %d]", top, maxTopLogprobs)
		}
		if top > 0 && !on {
			return false, 0, badRequest("top_logprobs", "invalid_value", "top_logprobs needs logprobs: true")
		}
	}
	return on, top, nil
}

// logprobs parses the legacy form: an integer 0..20, the number of
// alternatives per token (0 = the chosen token's only).
func (r *completionRequest) logprobs() (on bool, top int, err *apiError) {
	if isNull(r.Logprobs) {
		return false, 0, nil
	}
	var n float64
	if json.Unmarshal(r.Logprobs, &n) != nil || n != math.Trunc(n) {
		return false, 0, badRequest("logprobs", "invalid_type", "logprobs: want an integer (the completions endpoint's form)")
	}
	if n < 0 || n > maxTopLogprobs {
		return false, 0, badRequest("logprobs", "invalid_value", "logprobs %g must be in [0, %d]", n, maxTopLogprobs)
	}
	return true, int(n), nil
}

// messageText is a message's content: a string, or an array of text parts.
func messageText(i int, raw json.RawMessage) (string, *apiError) {
	param := fmt.Sprintf("messages[%d].content", i)
	if isNull(raw) {
		return "", nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	var parts []struct {
		Type string  `json:"type"`
		Text *string `json:"text"`
	}
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", badRequest(param, "invalid_type", "%s: want a string or an array of content parts", param)
	}
	var b strings.Builder
	for j, p := range parts {
		if p.Type != "text" || p.Text == nil {
			return "", badRequest(fmt.Sprintf("%s[%d]", param, j), "unsupported_content", "%s[%d]: content part type %q: only text is supported", param, j, p.Type)
		}
		b.WriteString(*p.Text)
	}
	return b.String(), nil
}

// promptInput is the completions prompt: text or token ids.
type promptInput struct {
	text string
	ids  []int32
}

func parsePrompt(raw json.RawMessage, vocab int) (promptInput, *apiError) {
	if isNull(raw) {
		return promptInput{}, badRequest("prompt", "missing_required_parameter", "prompt is required")
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return promptInput{text: s}, nil
	}
	var ss []string
	if json.Unmarshal(raw, &ss) == nil {
		if len(ss) != 1 {
			return promptInput{}, badRequest("prompt", "invalid_value", "prompt: %d prompts; this server takes one per request", len(ss))
		}
		return promptInput{text: ss[0]}, nil
	}
	var ids []int64
	if json.Unmarshal(raw, &ids) != nil {
		var batch [][]int64
		if json.Unmarshal(raw, &batch) != nil {
			return promptInput{}, badRequest("prompt", "invalid_type", "prompt: want a string, an array of one string, or token ids")
		}
		if len(batch) != 1 {
			return promptInput{}, badRequest("prompt", "invalid_value", "prompt: %d prompts; this server takes one per request", len(batch))
		}
		ids = batch[0]
	}
	if len(ids) == 0 {
		return promptInput{}, badRequest("prompt", "invalid_value", "prompt: no token ids")
	}
	out := make([]int32, len(ids))
	for i, id := range ids {
		if id < 0 || id >= int64(vocab) {
			return promptInput{}, badRequest("prompt", "invalid_value", "prompt token %d = %d is outside the vocabulary [0, %d)", i, id, vocab)
		}
		out[i] = int32(id)
	}
	return promptInput{ids: out}, nil
}
