// Package models holds logsift's default classification models, embedded in
// the binary so that logsift classifies out of the box with no download:
//
//   - target.gguf, the classifier: a llama-architecture model of about 4M
//     parameters that reads a log line's masked template and writes the
//     classification JSON (classifier/prompt is its format);
//   - draft.gguf, its speculative-decoding draft: the same tokenizer, under
//     a quarter of the parameters.
//
// Both are trained from scratch by `logsift model train` on lines from
// logsift's own generator (classifier/synth); `make model` rebuilds them,
// seeded, so the files are reproducible. They are stored as Q8_0.
package models
