package chat

import (
	"errors"
	"fmt"
	"strings"

	"github.com/logsift/logsift/inference/tokenizer"
)

// Message is one turn of a conversation.
type Message struct {
	// Role is "system", "user" or "assistant" (callers map OpenAI's
	// "developer" to "system").
	Role    string
	Content string
}

// Template is a model's conversation format.
type Template interface {
	// Name identifies the template ("chatml", "llama3", ...).
	Name() string
	// Encode returns the prompt ids of msgs, ending where the assistant's
	// reply begins. Content is encoded without special-token parsing.
	Encode(tok *tokenizer.Tokenizer, msgs []Message) ([]int32, error)
}

// Stopper is implemented by templates whose end-of-turn marker may come out
// as plain text (a vocabulary without the marker as a token); the server
// adds these stop strings to every chat request.
type Stopper interface {
	StopStrings() []string
}

// ErrNoMessages is returned for an empty conversation.
var ErrNoMessages = errors.New("chat: no messages")

// Roles a built-in template accepts.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

func checkRoles(msgs []Message) error {
	if len(msgs) == 0 {
		return ErrNoMessages
	}
	for i, m := range msgs {
		switch m.Role {
		case RoleSystem, RoleUser, RoleAssistant:
		default:
			return fmt.Errorf("chat: message %d: role %q: want system, user or assistant", i, m.Role)
		}
	}
	return nil
}

// encoder appends the parts of a prompt: markers as their vocabulary token
// when the vocabulary has one (else as plain text), content always as
// plain text.
type encoder struct {
	tok *tokenizer.Tokenizer
	ids []int32
}

func (e *encoder) marker(s string) {
	if id, ok := e.tok.TokenID(s); ok {
		e.ids = append(e.ids, id)
		return
	}
	e.text(s)
}

func (e *encoder) text(s string) {
	if s != "" {
		e.ids = e.tok.AppendEncode(e.ids, s, tokenizer.EncodeOptions{})
	}
}

func (e *encoder) bos() {
	if e.tok.AddsBOS() && e.tok.BOS() >= 0 {
		e.ids = append(e.ids, e.tok.BOS())
	}
}

// ChatML is the <|im_start|>role\ncontent<|im_end|>\n format.
type ChatML struct{}

// Name is "chatml".
func (ChatML) Name() string { return "chatml" }

// StopStrings ends a reply at a textual <|im_end|>.
func (ChatML) StopStrings() []string { return []string{"<|im_end|>"} }

// Encode implements Template.
func (ChatML) Encode(tok *tokenizer.Tokenizer, msgs []Message) ([]int32, error) {
	if err := checkRoles(msgs); err != nil {
		return nil, err
	}
	e := &encoder{tok: tok}
	e.bos()
	for _, m := range msgs {
		e.marker("<|im_start|>")
		e.text(m.Role + "\n")
		e.text(m.Content)
		e.marker("<|im_end|>")
		e.text("\n")
	}
	e.marker("<|im_start|>")
	e.text("assistant\n")
	return e.ids, nil
}

// Render is the text form of Encode's prompt (BOS excluded).
func (ChatML) Render(msgs []Message) string {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString("<|im_start|>" + m.Role + "\n" + m.Content + "<|im_end|>\n")
	}
	b.WriteString("<|im_start|>assistant\n")
	return b.String()
}

// Llama3 is Meta's Llama-3 instruct format.
type Llama3 struct{}

// Name is "llama3".
func (Llama3) Name() string { return "llama3" }

// StopStrings ends a reply at a textual <|eot_id|>.
func (Llama3) StopStrings() []string { return []string{"<|eot_id|>"} }

// Encode implements Template. BOS (<|begin_of_text|>) comes from the
// tokenizer's configuration.
func (Llama3) Encode(tok *tokenizer.Tokenizer, msgs []Message) ([]int32, error) {
	if err := checkRoles(msgs); err != nil {
		return nil, err
	}
	e := &encoder{tok: tok}
	e.bos()
	for _, m := range msgs {
		e.marker("<|start_header_id|>")
		e.text(m.Role)
		e.marker("<|end_header_id|>")
		e.text("\n\n")
		e.text(m.Content)
		e.marker("<|eot_id|>")
	}
	e.marker("<|start_header_id|>")
	e.text("assistant")
	e.marker("<|end_header_id|>")
	e.text("\n\n")
	return e.ids, nil
}

// Render is the text form of Encode's prompt (BOS excluded).
func (Llama3) Render(msgs []Message) string {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString("<|start_header_id|>" + m.Role + "<|end_header_id|>\n\n" + m.Content + "<|eot_id|>")
	}
	b.WriteString("<|start_header_id|>assistant<|end_header_id|>\n\n")
	return b.String()
}

// ByName returns a built-in template: "chatml" or "llama3".
func ByName(name string) (Template, error) {
	switch name {
	case "chatml":
		return ChatML{}, nil
	case "llama3":
		return Llama3{}, nil
	}
	return nil, fmt.Errorf("chat: template %q: want chatml or llama3", name)
}

// Detect picks the built-in template whose markers tok's vocabulary holds:
// "<|start_header_id|>" is Llama-3, "<|im_start|>" ChatML. ok is false when
// neither is there; the caller then chooses a fallback (ChatML, as
// llama.cpp's server does) or its own template.
func Detect(tok *tokenizer.Tokenizer) (t Template, ok bool) {
	if _, ok := tok.TokenID("<|start_header_id|>"); ok {
		return Llama3{}, true
	}
	if _, ok := tok.TokenID("<|im_start|>"); ok {
		return ChatML{}, true
	}
	return ChatML{}, false
}
