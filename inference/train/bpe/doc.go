// Package bpe trains byte-level BPE vocabularies (GPT-2 style) and writes them
// as GGUF tokenizer metadata that llama.cpp and ../../tokenizer read.
//
// Training follows the tokenizer it feeds: text is cut by the same named
// pre-tokenizer (tokenizer.PreTokenize), so no merge ever crosses a piece the
// tokenizer would not cross, and each distinct piece ("word") is counted
// once with its frequency. Every word starts as its bytes, spelled with
// GPT-2's bytes-to-unicode characters (tokenizer.ByteLevelEncode); then the
// most frequent adjacent pair is merged, repeatedly, until the vocabulary is
// full or no pair occurs MinFrequency times. Pair counts are kept up to date
// incrementally: a merge only revisits the words that contain the pair (an
// index from pair to words), subtracting their old pairs and adding their new
// ones, and a max-heap with lazy deletion finds the next pair.
//
// Two rules keep what the trainer saw and what the tokenizer produces the
// same: ties between equally frequent pairs are broken by token ids (so the
// result depends only on the text, never on map order or thread timing), and
// a merge whose result spells an existing token is never made (otherwise a
// token could be reached through two merges of different rank, and the
// tokenizer, which applies merges by rank, could segment a training word
// differently from the trainer). With unique merge results, applying merges
// lowest rank first and leftmost first — llama.cpp's procedure — reproduces
// the trainer's segmentation of every training word.
//
// Special tokens (prompt fences, BOS/EOS) come first in the vocabulary, typed
// CONTROL, so their ids do not depend on the vocabulary size; then any
// USER_DEFINED phrases (Options.UserDefined: strings such as the fixed parts
// of a JSON answer, which the tokenizer cuts out of every text as single
// tokens, so training cuts them out of its text too); then the 256 byte
// tokens, so any input can be encoded; then one token per merge.
//
// The package knows nothing about logs: the log-aware pieces are the
// "logsift" pre-tokenizer in ../../tokenizer and the text a caller feeds in.
package bpe
