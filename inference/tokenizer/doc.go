// Package tokenizer turns text into the token ids a GGUF model expects, and
// back, reproducing llama.cpp's tokenizer exactly (checked against its
// tokenizer test vectors and prompt ids in ../shared/conformance; the
// pre-tokenizers without llama.cpp vectors are checked against an independent
// regex engine, testdata/pretokenize_golden.json).
//
// A Tokenizer is built from the tokenizer.ggml.* metadata of a GGUF file
// (FromGGUF) or from a Config. Two models are supported:
//
//   - "gpt2": byte-level BPE. Text is first cut into pieces by the named
//     pre-tokenizer (tokenizer.ggml.pre: "default", "gpt-2", "starcoder",
//     "llama-bpe" (Llama 3), "qwen2", their llama.cpp aliases, and logsift's
//     own "logsift"; see PreTokenize), each piece's bytes are mapped to
//     GPT-2's printable characters, and merges are applied by rank. Results
//     are cached per piece, which pays off on repetitive log text.
//   - "llama": SentencePiece BPE. Spaces become "▁", a space prefix is added,
//     and adjacent symbols are merged by token score, with "<0xXX>" byte
//     tokens for characters outside the vocabulary.
//
// Special tokens: with EncodeOptions.ParseSpecial the text of CONTROL tokens
// ("<|im_start|>") becomes that token, which prompt templates need. Without
// it — the default, and the only safe setting for log lines or user text — no
// CONTROL token can come out of Encode. Decode is the inverse: for valid UTF-8
// Decode(Encode(s)) == s. StreamDecoder renders generated ids incrementally
// without ever splitting a UTF-8 character.
//
// Differences from llama.cpp, all confined to malformed vocabularies:
// text never merges into a CONTROL token (llama.cpp would emit it if a merge
// or SentencePiece pair spelled one), BPE symbols missing from the vocabulary
// fall back to all their byte tokens (llama.cpp keeps only ASCII ones), a
// SentencePiece vocabulary without byte tokens falls back to UNK (llama.cpp
// aborts), per-token lstrip/rstrip attributes that llama.cpp sets by model
// name are not applied, and Decode leaves out llama.cpp's
// clean_up_tokenization_spaces unless DecodeOptions.CleanSpaces is set.
package tokenizer
