package prompt

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/logsift/logsift/classifier/synth"
	"github.com/logsift/logsift/classifier/textproc"
	"github.com/logsift/logsift/inference/tokenizer"
)

// Special tokens of the format.
const (
	BOS     = "<|bos|>"
	EOS     = "<|eos|>"
	LogOpen = "<|log|>"
	LogEnd  = "<|/log|>"
	JSON    = "<|json|>"
)

// Specials lists the special tokens in the order a vocabulary should hold
// them (BOS first and EOS second, as bpe.Options expects by default).
var Specials = []string{BOS, EOS, LogOpen, LogEnd, JSON}

// MaxTemplate caps the template, in bytes. It bounds the prompt so that a
// model with a few hundred positions of context always has room for the
// answer.
const MaxTemplate = 256

// MaxPromptTokens bounds the length of any prompt in tokens: four fence
// tokens around at most MaxTemplate bytes, and every token of text spells at
// least one byte.
const MaxPromptTokens = 4 + MaxTemplate

// Text returns what goes between the fences for a raw line: its masked
// template. Lines with the same template get the same prompt, so the
// template cache in front of the model returns exactly what the model would.
func Text(raw string) string {
	return textproc.Clean(textproc.Mask(textproc.Clean(raw, 0)), MaxTemplate)
}

// TemplateText returns what goes between the fences for a line whose
// masked template (textproc.Mask of the cleaned line) is tmpl: the same as
// Text of the line, for lines within the classifier's length cap.
func TemplateText(tmpl string) string {
	return textproc.Clean(tmpl, MaxTemplate)
}

// Build renders the prompt of raw as a string, BOS excluded. It is for
// display; feed models Codec.Prompt's ids (re-encoding this string with
// ParseSpecial would let the line's text become fence tokens).
func Build(raw string) string {
	return LogOpen + Text(raw) + LogEnd + JSON
}

// Label is a classification in the default schema.
type Label struct {
	Severity  string `json:"severity"`
	Category  string `json:"category"`
	Component string `json:"component"`
}

// Answer returns the JSON the model is trained to write for l: the default
// schema's property order, no whitespace, no HTML escaping (so "<" in a
// component stays one byte, as constrained decoding writes it).
func Answer(l Label) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(l); err != nil {
		panic("BUG: encoding a struct of strings: " + err.Error())
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte{'\n'}))
}

// AnswerPhrases are the fixed parts of every Answer, in order: what is left
// of an answer without them is its three values. A vocabulary that has them
// as USER_DEFINED tokens (bpe.Options.UserDefined; the trainer's
// AnswerTokens) spells each in one token instead of two to seven, which
// takes about a fifth of the tokens out of a training example and 18
// positions out of every answer the model writes.
var AnswerPhrases = []string{`{"severity":"`, `","category":"`, `","component":"`, `"}`}

// Codec turns lines and examples into token ids for one tokenizer whose
// vocabulary has the format's special tokens.
type Codec struct {
	tok                          *tokenizer.Tokenizer
	bos, eos, open, close, jsonT int32
}

// NewCodec resolves the special tokens in tok's vocabulary; each must be a
// CONTROL token, or the tokenizer could produce it from a line's text.
func NewCodec(tok *tokenizer.Tokenizer) (*Codec, error) {
	c := &Codec{tok: tok}
	for _, s := range []struct {
		name string
		id   *int32
	}{{BOS, &c.bos}, {EOS, &c.eos}, {LogOpen, &c.open}, {LogEnd, &c.close}, {JSON, &c.jsonT}} {
		id, ok := tok.TokenID(s.name)
		if !ok {
			return nil, fmt.Errorf("prompt: vocabulary has no %q token", s.name)
		}
		if !tok.IsControl(id) {
			return nil, fmt.Errorf("prompt: token %q (id %d) is type %d, not CONTROL", s.name, id, tok.Type(id))
		}
		*s.id = id
	}
	return c, nil
}

// Tokenizer returns the codec's tokenizer.
func (c *Codec) Tokenizer() *tokenizer.Tokenizer { return c.tok }

// EOS is the id that ends an answer.
func (c *Codec) EOS() int32 { return c.eos }

// Prompt returns the prompt ids of raw: the fence tokens by id, the text
// encoded without parsing specials.
func (c *Codec) Prompt(raw string) []int32 {
	ids := make([]int32, 0, 64)
	return c.appendPrompt(ids, raw)
}

func (c *Codec) appendPrompt(ids []int32, raw string) []int32 {
	return c.appendText(ids, Text(raw))
}

// TemplatePrompt returns the prompt ids of a line whose masked template is
// tmpl (see TemplateText).
func (c *Codec) TemplatePrompt(tmpl string) []int32 {
	return c.appendText(make([]int32, 0, 64), TemplateText(tmpl))
}

func (c *Codec) appendText(ids []int32, text string) []int32 {
	ids = append(ids, c.bos, c.open)
	ids = c.tok.AppendEncode(ids, text, tokenizer.EncodeOptions{})
	return append(ids, c.close, c.jsonT)
}

// Example returns the training sequence of ex and its loss mask: false over
// the prompt, true over the answer and its EOS.
func (c *Codec) Example(ex synth.Example) (tokens []int32, mask []bool) {
	tokens = c.appendPrompt(make([]int32, 0, 96), ex.Raw)
	n := len(tokens)
	tokens = c.tok.AppendEncode(tokens, Answer(Label{ex.Severity, ex.Category, ex.Component}), tokenizer.EncodeOptions{})
	tokens = append(tokens, c.eos)
	mask = make([]bool, len(tokens))
	for i := n; i < len(mask); i++ {
		mask[i] = true
	}
	return tokens, mask
}
