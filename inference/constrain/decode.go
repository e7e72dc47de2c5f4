package constrain

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/tokenizer"
)

// DecodeOptions control Decode.
type DecodeOptions struct {
	// Temperature 0 is greedy; otherwise logits are divided by it before
	// sampling from the masked softmax.
	Temperature float32
	// Seed seeds the sampler.
	Seed uint64
	// JumpForward appends forced bytes (see ForcedTokens) without sampling,
	// computing their keys and values in one Forward.
	JumpForward bool
	// MaxTokens stops generation early (0: the automaton's MaxBytes + 1,
	// which every output fits in since every token has at least one byte).
	MaxTokens int
}

// DecodeResult is one constrained generation.
type DecodeResult struct {
	Tokens   []int32 // generated tokens, sampled and forced, without EOS
	Text     []byte  // their bytes
	Forwards int     // model.Forward calls, the prompt's included
	Sampled  int     // tokens chosen by sampling (EOS included)
	Forced   int     // tokens appended by jump-forward
	Complete bool    // the text is a complete value of the schema
}

// Decode generates one value of the index's schema with a single sequence
// on m: a reference loop for tests and measurements until the serving
// engine masks logits itself. x must index m's vocabulary.
func Decode(ctx context.Context, m *model.Model, prompt []int32, x *Index, opts DecodeOptions) (DecodeResult, error) {
	var res DecodeResult
	if len(prompt) == 0 {
		return res, fmt.Errorf("constrain: decode: empty prompt")
	}
	if opts.Temperature < 0 {
		return res, fmt.Errorf("constrain: decode: temperature %g must not be negative", opts.Temperature)
	}
	maxTok := opts.MaxTokens
	if maxTok <= 0 {
		maxTok = x.a.MaxBytes() + 1
	}
	tok := m.Tokenizer()
	nv := m.Config().NVocab
	cache := m.NewCache(1, len(prompt)+maxTok+1)
	rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))
	buf := make([]float32, nv)

	var b model.Batch
	forward := func(toks []int32, pos int) ([]float32, error) {
		for i := 0; i < len(toks); i += m.MaxBatch() {
			b.Reset()
			chunk := toks[i:min(len(toks), i+m.MaxBatch())]
			b.AddSeq(chunk, pos+i, 0)
			logits, err := m.Forward(&b, cache)
			res.Forwards++
			if err != nil || i+len(chunk) == len(toks) {
				return logits, err
			}
		}
		panic("BUG: forward of no tokens")
	}
	logits, err := forward(prompt, 0)
	if err != nil {
		return res, fmt.Errorf("constrain: decode: prompt: %w", err)
	}
	pos := len(prompt)
	st := x.Start()
	for len(res.Tokens) < maxTok {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if x.Done(st) {
			res.Complete = true
			break
		}
		var next []int32
		if opts.JumpForward {
			if f, ok := x.Forced(st); ok {
				next, st = ForcedTokens(tok, x, st, f)
				res.Forced += len(next)
			}
		}
		if len(next) == 0 {
			copy(buf, logits[:nv])
			x.Mask(st).Apply(buf)
			t := sample(buf, opts.Temperature, rng)
			if t < 0 {
				return res, fmt.Errorf("BUG: constrain: no token allowed in state %d after %q", st, res.Text)
			}
			res.Sampled++
			if x.IsEOS(t) {
				res.Complete = x.Accepting(st)
				break
			}
			var ok bool
			if st, ok = x.Next(st, t); !ok {
				return res, fmt.Errorf("BUG: constrain: masked token %d not allowed", t)
			}
			next = []int32{t}
		}
		for _, t := range next {
			res.Tokens = append(res.Tokens, t)
			res.Text = tok.AppendPiece(res.Text, t)
		}
		if x.Done(st) {
			res.Complete = true
			break
		}
		if logits, err = forward(next, pos); err != nil {
			return res, fmt.Errorf("constrain: decode: %w", err)
		}
		pos += len(next)
	}
	return res, nil
}

// ForcedTokens turns the forced bytes at state s into tokens by encoding them
// on their own, and returns the longest prefix of that encoding the index
// allows, with the state after it.
//
// The subtlety: the tokenizer would not necessarily split the whole output
// at the point where forced text begins or ends; encoding the whole text
// could merge the last sampled bytes with the first forced ones (`"` + `:`
// into `":`), or the last forced bytes with what the model samples next. We
// encode the forced text separately and accept the mismatch at the two
// boundaries: byte-level BPE pre-tokenizers (GPT-2, Llama 3, Qwen2) split
// letters from punctuation, and JSON's forced runs begin and end at
// punctuation or quotes, so inside a forced run the tokens are the canonical
// ones, and at its edges the split usually coincides with the pre-tokenizer's.
// SGLang instead re-tokenises the last sampled tokens together with the forced
// text and rolls back the KV of the tokens that changed; that is more faithful
// at the left edge and costs a rollback. A SentencePiece tokenizer that adds a
// space prefix produces a first token that the automaton rejects; then the
// allowed prefix is empty and the caller samples as usual.
func ForcedTokens(tok *tokenizer.Tokenizer, x *Index, s State, forced []byte) ([]int32, State) {
	ids := tok.Encode(string(forced), tokenizer.EncodeOptions{})
	for i, id := range ids {
		ns, ok := x.Next(s, id)
		if !ok || x.IsEOS(id) {
			return ids[:i], s
		}
		s = ns
	}
	return ids, s
}

// sample picks a token from masked logits (-Inf = disallowed); -1 if none is
// allowed.
func sample(logits []float32, temp float32, rng *rand.Rand) int32 {
	best := int32(-1)
	for i, l := range logits {
		if !math.IsInf(float64(l), -1) && (best < 0 || l > logits[best]) {
			best = int32(i)
		}
	}
	if best < 0 || temp == 0 {
		return best
	}
	mx := float64(logits[best])
	sum := 0.0
	for _, l := range logits {
		if !math.IsInf(float64(l), -1) {
			sum += math.Exp((float64(l) - mx) / float64(temp))
		}
	}
	r := rng.Float64() * sum
	for i, l := range logits {
		if math.IsInf(float64(l), -1) {
			continue
		}
		r -= math.Exp((float64(l) - mx) / float64(temp))
		if r <= 0 {
			return int32(i)
		}
	}
	return best
}
