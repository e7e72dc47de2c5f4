package tokenizer

import (
	"fmt"

	"github.com/logsift/logsift/inference/gguf"
)

// GGUF metadata keys read by FromGGUF.
const (
	keyModel     = "tokenizer.ggml.model"
	keyPre       = "tokenizer.ggml.pre"
	keyTokens    = "tokenizer.ggml.tokens"
	keyTypes     = "tokenizer.ggml.token_type"
	keyScores    = "tokenizer.ggml.scores"
	keyMerges    = "tokenizer.ggml.merges"
	keyBOS       = "tokenizer.ggml.bos_token_id"
	keyEOS       = "tokenizer.ggml.eos_token_id"
	keyUNK       = "tokenizer.ggml.unknown_token_id"
	keyPAD       = "tokenizer.ggml.padding_token_id"
	keyEOT       = "tokenizer.ggml.eot_token_id"
	keyEOM       = "tokenizer.ggml.eom_token_id"
	keyAddBOS    = "tokenizer.ggml.add_bos_token"
	keyAddEOS    = "tokenizer.ggml.add_eos_token"
	keyAddPrefix = "tokenizer.ggml.add_space_prefix"
)

// ConfigFromGGUF reads the tokenizer metadata of f, applying llama.cpp's
// defaults for absent keys: "llama" vocabularies get BOS 1, EOS 2, UNK 0,
// add_bos_token and add_space_prefix true; "gpt2" vocabularies get BOS = EOS
// = 11 and no BOS, EOS or space prefix; a missing tokenizer.ggml.pre means
// "default". As in llama.cpp, an id key out of range keeps the default, and
// a default out of range (a tiny vocabulary) becomes -1.
func ConfigFromGGUF(f *gguf.File) (Config, error) {
	var cfg Config
	var ok bool
	if cfg.Model, ok = f.String(keyModel); !ok {
		return cfg, fmt.Errorf("tokenizer: gguf: missing %s", keyModel)
	}
	if cfg.Tokens, ok = f.Strings(keyTokens); !ok {
		return cfg, fmt.Errorf("tokenizer: gguf: missing or mistyped %s", keyTokens)
	}
	if _, present := f.Get(keyTypes); present {
		if cfg.Types, ok = f.Int32s(keyTypes); !ok {
			return cfg, fmt.Errorf("tokenizer: gguf: %s is not an int32 array", keyTypes)
		}
	}
	if _, present := f.Get(keyScores); present {
		if cfg.Scores, ok = f.Float32s(keyScores); !ok {
			return cfg, fmt.Errorf("tokenizer: gguf: %s is not a float32 array", keyScores)
		}
	}
	cfg.Pre, _ = f.String(keyPre)
	if cfg.Pre == "" {
		cfg.Pre = "default"
	}
	cfg.BOS, cfg.EOS, cfg.UNK, cfg.PAD = -1, -1, -1, -1
	switch cfg.Model {
	case "llama":
		cfg.BOS, cfg.EOS, cfg.UNK = 1, 2, 0
		cfg.AddBOS, cfg.AddSpacePrefix = true, true
	case "gpt2":
		cfg.BOS, cfg.EOS = 11, 11
		if p, ok := preTokenizers[cfg.Pre]; ok && p.name == "llama3" {
			cfg.AddBOS = true // llama.cpp's default for Llama 3 vocabularies
		}
		if _, present := f.Get(keyMerges); !present {
			return cfg, fmt.Errorf("tokenizer: gguf: missing %s", keyMerges)
		}
		if cfg.Merges, ok = f.Strings(keyMerges); !ok {
			return cfg, fmt.Errorf("tokenizer: gguf: %s is not a string array", keyMerges)
		}
	}
	n := len(cfg.Tokens)
	for _, k := range []struct {
		key string
		dst *int
	}{{keyBOS, &cfg.BOS}, {keyEOS, &cfg.EOS}, {keyUNK, &cfg.UNK}, {keyPAD, &cfg.PAD}} {
		if v, ok := f.Uint32(k.key); ok && int(v) < n {
			*k.dst = int(v)
		}
		if *k.dst >= n {
			*k.dst = -1
		}
	}
	for _, key := range []string{keyEOT, keyEOM} {
		if v, ok := f.Uint32(key); ok && int(v) < n {
			cfg.EOG = append(cfg.EOG, int(v))
		}
	}
	if v, ok := f.Bool(keyAddBOS); ok {
		cfg.AddBOS = v
	}
	if v, ok := f.Bool(keyAddEOS); ok {
		cfg.AddEOS = v
	}
	if v, ok := f.Bool(keyAddPrefix); ok {
		cfg.AddSpacePrefix = v
	}
	if cfg.AddBOS && cfg.BOS < 0 {
		cfg.AddBOS = false
	}
	if cfg.AddEOS && cfg.EOS < 0 {
		cfg.AddEOS = false
	}
	return cfg, nil
}

// FromGGUF builds the tokenizer described by f's metadata. The tokenizer
// copies what it keeps, so f may be closed afterwards.
func FromGGUF(f *gguf.File) (*Tokenizer, error) {
	cfg, err := ConfigFromGGUF(f)
	if err != nil {
		return nil, err
	}
	return New(cfg)
}
