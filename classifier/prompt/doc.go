// Package prompt is the text format of logsift's default model: what the
// model reads for a log line and what it writes back. The trainer
// (../trainer) builds its examples with it and the classifier builds its
// requests with it, so the two can never drift apart.
//
// A prompt is
//
//	<|bos|><|log|>TEMPLATE\nLINE<|/log|><|json|>
//
// where LINE is the cleaned line (textproc.Clean, capped at MaxLine bytes)
// and TEMPLATE is its masked form (textproc.Mask of the cleaned line, capped
// at MaxTemplate). The template comes first because it is what the
// classification mostly depends on and what the template cache keys on; the
// raw line follows because the component must be copied from it verbatim and
// masking can hide parts of a name. Clean turns every line break into a space,
// so the "\n" between the two cannot occur inside either.
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
