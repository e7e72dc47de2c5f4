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
	// JumpForward appends forced bytes (see JumpTokens) without sampling,
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
	st := x.Start()
	// states[i] is the state before res.Tokens[i]; tokens from tailFrom on
	// were sampled since the last jump and may be re-encoded by the next one.
	var states []State
	tailFrom := 0
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
				// The tail reaches one token into the previous jump: its last
				// token can merge with what was sampled since ('":"' + '"').
				from := max(tailFrom-1, 0)
				tailStart := st
				if from < len(states) {
					tailStart = states[from]
				}
				keep, ids, end := JumpTokens(tok, x, res.Tokens[from:], tailStart, f)
				if len(ids) > 0 {
					// Rewind the re-encoded part of the tail; its KV positions
					// are overwritten by the forward below.
					cut := from + keep
					if cut < len(res.Tokens) {
						st = states[cut]
						res.Text = res.Text[:0]
						for _, t := range res.Tokens[:cut] {
							res.Text = tok.AppendPiece(res.Text, t)
						}
						res.Tokens, states = res.Tokens[:cut], states[:cut]
					}
					if room := maxTok - cut; len(ids) > room {
						ids = ids[:room] // MaxTokens ends the output inside the jump
						end = -1
					}
					for _, t := range ids {
						states = append(states, st)
						st, _ = x.Next(st, t)
					}
					if end >= 0 && st != end {
						return res, fmt.Errorf("BUG: constrain: jump-forward ends in state %d, want %d", st, end)
					}
					next = ids
					res.Forced += len(ids)
					tailFrom = cut + len(ids)
				}
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
			states = append(states, st)
			var ok bool
			if st, ok = x.Next(st, t); !ok {
				return res, fmt.Errorf("BUG: constrain: masked token %d not allowed", t)
			}
			next = []int32{t}
		}
		pos := len(prompt) + len(res.Tokens)
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
	}
	return res, nil
}

// ForcedTokens turns the forced bytes at state s into tokens by encoding them
// on their own, and returns the longest prefix of that encoding the index
// allows, with the state after it. See JumpTokens for why this alone is not
// what Decode uses.
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

// maxRetokenize bounds how many sampled tokens JumpTokens re-encodes.
const maxRetokenize = 8

// JumpTokens chooses the tokens of a jump-forward. tail are the last tokens
// of the output (Decode passes those sampled since the previous jump and the
// last token of that jump), which start in state tailStart; forced are the
// bytes the automaton forces after them.
//
// The subtlety: encoding the forced text on its own is not how the tokenizer
// would split the whole output. A forced run can begin inside a word — after
// the model picks "i", an enum leaves "nfo" forced, where the whole text has
// the single token "info" — or next to punctuation that merges with the
// sampled bytes ('"' then '}' is '"}' in GPT-2's vocabulary). A model fed
// "i" + "nfo" sees a token sequence it never saw in training. So, like
// SGLang, JumpTokens re-encodes the tail together with the forced bytes and
// keeps the tail's first keep tokens where the two agree; the caller drops
// the rest of the tail (rewinding its KV positions) and appends ids. The
// right edge of a forced run is fixed up by the next jump, whose tail starts
// with the run's last token; what is sampled last before the end stays as
// sampled.
//
// When the re-encoding is not allowed by the automaton (a SentencePiece
// vocabulary adds a space prefix, for one), JumpTokens keeps the whole tail
// and falls back to ForcedTokens; ids is empty when even that fails, and the
// caller samples as usual.
func JumpTokens(tok *tokenizer.Tokenizer, x *Index, tail []int32, tailStart State, forced []byte) (keep int, ids []int32, end State) {
	if len(tail) > maxRetokenize {
		for _, id := range tail[:len(tail)-maxRetokenize] {
			tailStart, _ = x.Next(tailStart, id)
		}
		base := len(tail) - maxRetokenize
		k, ids, end := JumpTokens(tok, x, tail[base:], tailStart, forced)
		return base + k, ids, end
	}
	var text []byte
	for _, id := range tail {
		text = tok.AppendPiece(text, id)
	}
	text = append(text, forced...)
	enc := tok.Encode(string(text), tokenizer.EncodeOptions{})
	s := tailStart
	ok := true
	for _, id := range enc {
		if s, ok = x.Next(s, id); !ok || x.IsEOS(id) {
			ok = false
			break
		}
	}
	if ok {
		for keep < len(tail) && keep < len(enc) && tail[keep] == enc[keep] {
			keep++
		}
		return keep, enc[keep:], s
	}
	s = tailStart
	for _, id := range tail {
		s, _ = x.Next(s, id)
	}
	ids, end = ForcedTokens(tok, x, s, forced)
	return len(tail), ids, end
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
