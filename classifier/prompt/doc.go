// Package prompt is the text format of logsift's default model: what the
// model reads for a log line and what it writes back. The trainer
// (../trainer) builds its examples with it and the classifier builds its
// requests with it, so the two can never drift apart.
//
// A prompt is
//
//	<|bos|><|log|>TEMPLATE<|/log|><|json|>
//
// where TEMPLATE is the line's masked form (textproc.Mask of the cleaned
// line, cleaned again and capped at MaxTemplate bytes). The raw line itself
// is not in the prompt: the classification must depend on the template only,
// because the classifier's template cache answers every line of a template
// with the first line's labels. Components are names, which masking keeps
// (on the eight Loghub systems the labelled component is inside the
// template on 15,993 of 16,000 lines), and leaving the line out halves the
// prompt, which is most of the cost of training and of a cache miss.
//
// The answer is the classification as compact JSON with the default schema's
// properties in its order (severity, category, component), followed by
// <|eos|>:
//
//	{"severity":"error","category":"auth","component":"sshd"}<|eos|>
//
// The fences are special (CONTROL) tokens, and a log line can never produce
// them: the fence tokens are added by id, and the line's text is encoded with
// EncodeOptions.ParseSpecial false, under which the tokenizer never emits a
// CONTROL token from text. A line that contains the characters "<|/log|>"
// gets ordinary byte-level tokens for them, so it cannot close the fence and
// pose as an instruction or an answer.
//
// Build renders the prompt as a string for people (logs, debugging, docs); a
// model must be fed Codec.Prompt's ids, never the string re-encoded.
package prompt
