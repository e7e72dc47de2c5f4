package tokenizer

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Token types as stored in tokenizer.ggml.token_type.
const (
	TypeUndefined   int32 = 0
	TypeNormal      int32 = 1
	TypeUnknown     int32 = 2
	TypeControl     int32 = 3
	TypeUserDefined int32 = 4
	TypeUnused      int32 = 5
	TypeByte        int32 = 6
)

// Config is a tokenizer as described by GGUF tokenizer metadata. Values are
// used as given; FromGGUF fills in llama.cpp's defaults for absent keys.
type Config struct {
	Model  string    // tokenizer.ggml.model: "gpt2" (byte-level BPE) or "llama" (SentencePiece BPE)
	Pre    string    // tokenizer.ggml.pre (gpt2 only; "" means "default"); see PreTokenize
	Tokens []string  // tokenizer.ggml.tokens
	Types  []int32   // tokenizer.ggml.token_type; nil: all normal
	Scores []float32 // tokenizer.ggml.scores (llama); nil: all 0
	Merges []string  // tokenizer.ggml.merges (gpt2): "left right", rank = index

	BOS, EOS, UNK, PAD int // token ids, -1 if absent

	// EOG lists extra end-of-generation ids (tokenizer.ggml.eot_token_id,
	// eom_token_id); EOS and the tokens llama.cpp recognises by their text
	// ("<|im_end|>", "<|eot_id|>", ...) are end-of-generation anyway.
	EOG []int

	AddBOS, AddEOS bool // prepend BOS / append EOS when EncodeOptions.AddSpecial
	AddSpacePrefix bool // llama: prefix raw text with a space; both: strip it again on Decode
}

type modelKind uint8

const (
	modelBPE modelKind = iota
	modelSPM
)

// Tokenizer encodes text to token ids and back. It is immutable after New
// and safe for concurrent use.
type Tokenizer struct {
	kind   modelKind
	pre    *preTokenizer
	texts  []string // token text, with llama.cpp's "[EMPTY_i]" for empty entries
	types  []int32  // normalized: unknown values become TypeUndefined
	scores []float32
	toID   map[string]int32 // text → id; on duplicate texts the last id wins, as in llama.cpp

	bos, eos, unk, pad int32
	addBOS, addEOS     bool
	addSpace           bool

	eog []int32 // sorted end-of-generation ids

	// Tokens split out of raw text before the model sees it, longest first.
	specials []int32

	// piece bytes of every token (llama_token_to_piece with special = true)
	pieceData []byte
	pieceOff  []uint32

	bpe   *bpeModel
	spm   *spmModel
	cache *pieceCache // nil: no caching (SentencePiece, benchmarks)

	scratch sync.Pool // *encodeState
}

// New validates cfg and builds the lookup tables.
func New(cfg Config) (*Tokenizer, error) {
	n := len(cfg.Tokens)
	if n == 0 {
		return nil, fmt.Errorf("tokenizer: empty vocabulary")
	}
	if n > 1<<30 {
		return nil, fmt.Errorf("tokenizer: vocabulary of %d tokens is too large", n)
	}
	if cfg.Types != nil && len(cfg.Types) != n {
		return nil, fmt.Errorf("tokenizer: %d token types for %d tokens", len(cfg.Types), n)
	}
	if cfg.Scores != nil && len(cfg.Scores) != n {
		return nil, fmt.Errorf("tokenizer: %d scores for %d tokens", len(cfg.Scores), n)
	}
	t := &Tokenizer{
		texts:    make([]string, n),
		types:    make([]int32, n),
		scores:   slices.Clone(cfg.Scores),
		toID:     make(map[string]int32, n),
		addBOS:   cfg.AddBOS,
		addEOS:   cfg.AddEOS,
		addSpace: cfg.AddSpacePrefix,
	}
	for _, id := range []struct {
		name string
		v    int
		dst  *int32
	}{{"bos", cfg.BOS, &t.bos}, {"eos", cfg.EOS, &t.eos}, {"unk", cfg.UNK, &t.unk}, {"pad", cfg.PAD, &t.pad}} {
		if id.v < -1 || id.v >= n {
			return nil, fmt.Errorf("tokenizer: %s token id %d out of range [0, %d)", id.name, id.v, n)
		}
		*id.dst = int32(id.v)
	}
	if cfg.AddBOS && t.bos < 0 {
		return nil, fmt.Errorf("tokenizer: add_bos_token set but no bos token id")
	}
	if cfg.AddEOS && t.eos < 0 {
		return nil, fmt.Errorf("tokenizer: add_eos_token set but no eos token id")
	}
	for i, s := range cfg.Tokens {
		if s == "" {
			s = "[EMPTY_" + strconv.Itoa(i) + "]"
		}
		t.texts[i] = s
		t.toID[s] = int32(i)
		ty := TypeNormal
		if cfg.Types != nil {
			ty = cfg.Types[i]
			if ty < TypeNormal || ty > TypeByte {
				ty = TypeUndefined
			}
		}
		t.types[i] = ty
	}
	// llama.cpp forces these end-of-turn and fill-in-the-middle markers to
	// CONTROL whatever the file says, so they can never come out of text.
	for _, s := range forcedControl {
		if id, ok := t.toID[s]; ok {
			t.types[id] = TypeControl
		}
	}

	if t.eos >= 0 {
		t.eog = append(t.eog, t.eos)
	}
	for _, id := range cfg.EOG {
		if id < 0 || id >= n {
			return nil, fmt.Errorf("tokenizer: end-of-generation id %d out of range [0, %d)", id, n)
		}
		t.eog = append(t.eog, int32(id))
	}
	for _, s := range eogTexts {
		if id, ok := t.toID[s]; ok {
			t.eog = append(t.eog, id)
		}
	}
	slices.Sort(t.eog)
	t.eog = slices.Compact(t.eog)

	switch cfg.Model {
	case "gpt2":
		t.kind = modelBPE
		p, err := lookupPre(cfg.Pre)
		if err != nil {
			return nil, err
		}
		t.pre = p
		if t.bpe, err = newBPE(t, cfg.Merges); err != nil {
			return nil, err
		}
		t.cache = newPieceCache()
	case "llama":
		t.kind = modelSPM
		t.spm = newSPM(t)
	default:
		return nil, fmt.Errorf("tokenizer: unsupported tokenizer model %q (want \"gpt2\" or \"llama\")", cfg.Model)
	}

	for id, ty := range t.types {
		if ty == TypeControl || ty == TypeUserDefined || ty == TypeUnknown {
			t.specials = append(t.specials, int32(id))
		}
	}
	// llama.cpp sorts by length only (std::sort, unstable); ties between
	// equally long texts are broken by id here so results are deterministic.
	slices.SortStableFunc(t.specials, func(a, b int32) int {
		return cmp.Compare(len(t.texts[b]), len(t.texts[a]))
	})

	t.buildPieces()
	t.scratch.New = func() any { return new(encodeState) }
	return t, nil
}

var forcedControl = []string{
	"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<EOT>", "<|eom_id|>",
	"<｜end▁of▁sentence｜>",
	"<|fim_prefix|>", "<fim-prefix>", "<｜fim▁begin｜>", "<PRE>",
	"<|fim_suffix|>", "<fim-suffix>", "<｜fim▁hole｜>", "<SUF>",
	"<|fim_middle|>", "<fim-middle>", "<｜fim▁end｜>", "<MID>",
	"<|fim_pad|>", "<fim-pad>", "<PAD>",
	"<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>",
	"<|file_sep|>",
}

// eogTexts are the token texts llama.cpp treats as end of generation.
var eogTexts = []string{"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>"}

// IsEOG reports whether generating id ends generation (llama_vocab_is_eog).
func (t *Tokenizer) IsEOG(id int32) bool {
	_, ok := slices.BinarySearch(t.eog, id)
	return ok
}

// EOGs returns the end-of-generation ids in increasing order.
func (t *Tokenizer) EOGs() []int32 { return slices.Clone(t.eog) }

// VocabSize is the number of tokens.
func (t *Tokenizer) VocabSize() int { return len(t.texts) }

// BOS is the beginning-of-sequence id, -1 if none.
func (t *Tokenizer) BOS() int32 { return t.bos }

// EOS is the end-of-sequence id, -1 if none.
func (t *Tokenizer) EOS() int32 { return t.eos }

// UNK is the unknown-token id, -1 if none.
func (t *Tokenizer) UNK() int32 { return t.unk }

// PAD is the padding id, -1 if none.
func (t *Tokenizer) PAD() int32 { return t.pad }

// AddsBOS reports whether Encode with AddSpecial prepends BOS.
func (t *Tokenizer) AddsBOS() bool { return t.addBOS }

// Type is the token type of id (TypeUndefined when out of range).
func (t *Tokenizer) Type(id int32) int32 {
	if id < 0 || int(id) >= len(t.types) {
		return TypeUndefined
	}
	return t.types[id]
}

// IsControl reports whether id is a CONTROL token.
func (t *Tokenizer) IsControl(id int32) bool { return t.Type(id) == TypeControl }

// TokenText is the vocabulary text of id ("" when out of range).
func (t *Tokenizer) TokenText(id int32) string {
	if id < 0 || int(id) >= len(t.texts) {
		return ""
	}
	return t.texts[id]
}

// TokenID returns the id whose vocabulary text is exactly s.
func (t *Tokenizer) TokenID(s string) (int32, bool) {
	id, ok := t.toID[s]
	return id, ok
}

func (t *Tokenizer) String() string {
	var b strings.Builder
	if t.kind == modelBPE {
		fmt.Fprintf(&b, "gpt2/%s", t.pre.name)
	} else {
		b.WriteString("llama")
	}
	fmt.Fprintf(&b, " vocab=%d", len(t.texts))
	return b.String()
}
