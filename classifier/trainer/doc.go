// Package trainer trains logsift's default classification model from
// scratch: it generates labelled lines (../synth), trains a byte-level BPE
// vocabulary with the prompt format's special tokens (../prompt) on the
// prompt texts and answers, turns every example into tokens and a loss mask
// (loss on the answer only), trains a llama model on them
// (inference/train) and writes a GGUF file whose tokenizer metadata is that
// vocabulary, ready for inference/model and inference/engine.
//
// It is the glue between the log-aware classifier module and the
// log-agnostic inference module: nothing in inference knows about logs, and
// nothing here knows how a model is computed. Run is a pure function of its
// Options (seeded data, seeded weights, seeded batches; inference/train
// makes the result independent of the thread count), so the shipped weights
// are reproducible with `logsift model train`.
package trainer
