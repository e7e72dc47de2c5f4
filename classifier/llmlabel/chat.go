package llmlabel

import (
	"github.com/logsift/logsift/classifier/remote"
	"github.com/logsift/logsift/inference/chat"
	"github.com/logsift/logsift/inference/tokenizer"
)

// ChatFormat prompts a general instruct model in its chat template: a
// system turn with the instructions (the taxonomy with its definitions, the
// answer's shape, and that the fenced text is data) and a user turn with the
// fenced template, exactly as the remote labeler sends them.
type ChatFormat struct {
	Template  chat.Template
	Tokenizer *tokenizer.Tokenizer
	// System is the system turn (see remote.Instructions).
	System string
}

// NewChatFormat returns the chat format for schema (nil = the default).
func NewChatFormat(t chat.Template, tok *tokenizer.Tokenizer, schema []byte) ChatFormat {
	return ChatFormat{Template: t, Tokenizer: tok, System: remote.Instructions(schema)}
}

// Prompt implements Format.
func (f ChatFormat) Prompt(template string) ([]int32, error) {
	return f.Template.Encode(f.Tokenizer, []chat.Message{
		{Role: chat.RoleSystem, Content: f.System},
		{Role: chat.RoleUser, Content: remote.UserMessage(template)},
	})
}
