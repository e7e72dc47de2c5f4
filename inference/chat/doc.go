// Package chat turns a conversation ([]Message) into the prompt a model was
// fine-tuned to continue. A Template encodes straight to token ids rather
// than to text, for two reasons: the turn markers (<|im_start|>,
// <|start_header_id|>, ...) must be the model's CONTROL tokens, while the
// messages' content must never become one, however it is spelled (text
// re-encoded with special-token parsing would let a user's message close
// its own turn and open a forged one); and some models (logsift's own
// classification model, implemented outside this package because inference
// must not import the classifier) have no text form of their prompt at all.
//
// ChatML (Qwen, SmolLM, many fine-tunes) and Llama-3 are built in. Detect
// picks a template from the markers a vocabulary holds; ByName resolves a
// flag value. Render gives the text form of the built-in templates for
// people and tests; a model is fed Encode's ids.
package chat
