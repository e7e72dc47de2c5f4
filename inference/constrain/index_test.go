package constrain

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/logsift/logsift/inference/gguf"
	"github.com/logsift/logsift/inference/tokenizer"
)

func loadVocab(t testing.TB, name string) *tokenizer.Tokenizer {
	t.Helper()
	f, err := gguf.Open(filepath.Join(conformance, "vocab", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tok, err := tokenizer.FromGGUF(f)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func defaultSchema(t testing.TB) []byte {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("testdata", "classification.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// randomWalk samples uniformly among allowed tokens (EOS with probability
// 1/4 where allowed) until the output is complete.
func randomWalk(x *Index, rng *rand.Rand, visit func(State)) ([]byte, error) {
	var out []byte
	s := x.Start()
	for steps := 0; !x.Done(s); steps++ {
		if steps > x.Automaton().MaxBytes()+1 {
			return out, fmt.Errorf("no end after %d tokens: %q", steps, out)
		}
		if visit != nil {
			visit(s)
		}
		m := x.Mask(s)
		var allowed []int32
		for id := range int32(len(x.vocab.Pieces)) {
			if m.Has(id) && !x.IsEOS(id) {
				allowed = append(allowed, id)
			}
		}
		if x.Accepting(s) && (len(allowed) == 0 || rng.IntN(4) == 0) {
			return out, nil
		}
		if len(allowed) == 0 {
			return out, fmt.Errorf("no token allowed after %q", out)
		}
		id := allowed[rng.IntN(len(allowed))]
		ns, ok := x.Next(s, id)
		if !ok {
			return out, fmt.Errorf("masked token %d (%q) rejected by Next after %q", id, x.vocab.Pieces[id], out)
		}
		out = append(out, x.vocab.Pieces[id]...)
		s = ns
	}
	return out, nil
}

// The mask equals walking every token's bytes through the automaton.
func TestMaskOracle(t *testing.T) {
	for _, vf := range []string{"ggml-vocab-starcoder.gguf", "ggml-vocab-llama-spm.gguf"} {
		tok := loadVocab(t, vf)
		v := VocabFromTokenizer(tok)
		a := mustCompile(t, string(defaultSchema(t)), Options{})
		x := NewIndex(a, v)
		rng := rand.New(rand.NewPCG(1, 2))
		checked := 0
		_, err := randomWalk(x, rng, func(s State) {
			if checked++; checked > 12 {
				return
			}
			m := x.Mask(s)
			for id, p := range v.Pieces {
				want := len(p) > 0
				st := s
				for _, c := range p {
					if st = a.Step(st, c); st == Dead {
						want = false
						break
					}
				}
				if x.IsEOS(int32(id)) {
					want = a.Accepting(s)
				}
				if m.Has(int32(id)) != want {
					t.Errorf("%s: state %d token %d %q: mask %v, walk %v", vf, s, id, p, !want, want)
					return
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if checked == 0 {
			t.Fatal("no state checked")
		}
	}
}

// Random walks over the masks of real vocabularies (byte-level BPE with two
// pre-tokenizers, SentencePiece with byte fallback) only produce valid JSON.
func TestVocabularies(t *testing.T) {
	_, docs := testSchemas(t)
	opts := Options{MaxStringLength: 8, MaxItems: 2, IntegerDigits: 5, FractionDigits: 3}
	for _, vf := range []string{"ggml-vocab-starcoder.gguf", "ggml-vocab-gpt-2.gguf", "ggml-vocab-llama-spm.gguf"} {
		v := VocabFromTokenizer(loadVocab(t, vf))
		for _, name := range []string{"classification", "pattern", "numbers", "scalar"} {
			a := mustCompile(t, string(docs[name]), opts)
			x := NewIndex(a, v)
			val := validator(t, docs[name])
			rng := rand.New(rand.NewPCG(3, 4))
			for i := range 8 {
				out, err := randomWalk(x, rng, nil)
				if err != nil {
					t.Fatalf("%s %s run %d: %v", vf, name, i, err)
				}
				if err := validate(val, out); err != nil {
					t.Fatalf("%s %s run %d: %q: %v", vf, name, i, out, err)
				}
			}
		}
	}
}

func TestCache(t *testing.T) {
	var c Cache
	tiny := VocabFromTokenizer(loadVocab(t, "ggml-vocab-llama-spm.gguf"))
	star := VocabFromTokenizer(loadVocab(t, "ggml-vocab-starcoder.gguf"))
	doc := defaultSchema(t)
	x1, err := c.Index(doc, Options{}, tiny)
	if err != nil {
		t.Fatal(err)
	}
	x2, _ := c.Index(append([]byte(nil), doc...), Options{}, tiny)
	x3, _ := c.Index(doc, Options{}, star)
	x4, _ := c.Index(doc, Options{Whitespace: 1}, tiny)
	x5, _ := c.Index(doc, Options{MaxStringLength: 256}, tiny) // the default spelled out
	if x1 != x2 || x1 != x5 {
		t.Fatal("same schema, options and vocabulary: want the cached index")
	}
	if x1 == x3 || x1 == x4 || x3 == x4 {
		t.Fatal("another vocabulary or options: want another index")
	}
	if _, err := c.Index([]byte(`{"type":"object","not":{}}`), Options{}, tiny); err == nil {
		t.Fatal("bad schema cached")
	}
}

// Jump-forward re-encodes the sampled tail with the forced bytes, so a
// model that samples the canonical tokens of each free span ends up with
// exactly the tokens the tokenizer gives the whole output; forced bytes
// encoded on their own (ForcedTokens) would not.
func TestJumpTokens(t *testing.T) {
	outputs := []string{
		`{"severity":"info","category":"auth","component":"sshd"}`,
		`{"severity":"warning","category":"storage","component":"dfs.DataNode$PacketResponder"}`,
		`{"severity":"critical","category":"scheduler","component":""}`,
		`{"severity":"debug","category":"config","component":"kernel: x"}`,
	}
	for _, vf := range []string{"ggml-vocab-starcoder.gguf", "ggml-vocab-gpt-2.gguf"} {
		tok := loadVocab(t, vf)
		x := NewIndex(mustCompile(t, string(defaultSchema(t)), Options{}), VocabFromTokenizer(tok))
		for _, out := range outputs {
			whole := tok.Encode(out, tokenizer.EncodeOptions{})
			var toks []int32
			var states []State
			s := x.Start()
			tailFrom := 0
			naive := 0 // forced runs whose own encoding differs from the whole's split
			for i := 0; i < len(out); {
				if f, ok := x.Forced(s); ok {
					from := max(tailFrom-1, 0)
					tailStart := s
					if from < len(states) {
						tailStart = states[from]
					}
					if own, _ := ForcedTokens(tok, x, s, f); string(piecesOf(tok, own)) != string(f) {
						t.Fatalf("%s: ForcedTokens spell %q, want %q", vf, piecesOf(tok, own), f)
					}
					keep, ids, end := JumpTokens(tok, x, toks[from:], tailStart, f)
					if keep < len(toks)-from {
						naive++
					}
					toks, states = toks[:from+keep], states[:from+keep]
					s = tailStart
					for _, id := range toks[from:] {
						s, _ = x.Next(s, id)
					}
					for _, id := range ids {
						states = append(states, s)
						s, _ = x.Next(s, id)
					}
					if s != end {
						t.Fatalf("%s: state %d after the jump, JumpTokens says %d", vf, s, end)
					}
					toks = append(toks, ids...)
					tailFrom = len(toks)
					i += len(f)
					continue
				}
				// The model "samples" the canonical tokens of the free span.
				j := i
				for st := s; j < len(out); j++ {
					if f, ok := x.Forced(st); ok && len(f) > 0 {
						break
					}
					st = x.a.Step(st, out[j])
				}
				for _, id := range tok.Encode(out[i:j], tokenizer.EncodeOptions{}) {
					states = append(states, s)
					var ok bool
					if s, ok = x.Next(s, id); !ok {
						t.Fatalf("%s: token %d of %q not allowed", vf, id, out[i:j])
					}
					toks = append(toks, id)
				}
				i = j
			}
			if !x.Done(s) {
				t.Fatalf("%s: not done after %q", vf, out)
			}
			if !slices.Equal(toks, whole) {
				t.Errorf("%s %s:\n got %v\nwant %v", vf, out, toks, whole)
			}
			if naive == 0 {
				t.Errorf("%s %s: no jump re-encoded the sampled tail; the test shows nothing", vf, out)
			}
		}
	}
}

func piecesOf(tok *tokenizer.Tokenizer, ids []int32) []byte {
	var b []byte
	for _, id := range ids {
		b = tok.AppendPiece(b, id)
	}
	return b
}

func TestWarm(t *testing.T) {
	x := NewIndex(mustCompile(t, `{"type":"object","properties":{"a":{"enum":["x","yz"]},"b":{"type":"string","maxLength":2}},"required":["a"]}`, Options{}),
		VocabFromTokenizer(loadVocab(t, "ggml-vocab-llama-spm.gguf")))
	n, err := x.Warm(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != x.Automaton().NumStates() || len(x.masks) != n {
		t.Fatalf("Warm: %d states, automaton has %d, %d masks", n, x.Automaton().NumStates(), len(x.masks))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewIndex(x.Automaton(), x.vocab).Warm(ctx); err == nil {
		t.Fatal("Warm ignored a cancelled context")
	}
}

// Many goroutines share one index (and automaton), as the engine's requests
// do; -race checks the lazy construction.
func TestConcurrentIndex(t *testing.T) {
	x := NewIndex(mustCompile(t, string(defaultSchema(t)), Options{MaxStringLength: 8}), VocabFromTokenizer(loadVocab(t, "ggml-vocab-llama-spm.gguf")))
	val := validator(t, defaultSchema(t))
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			rng := rand.New(rand.NewPCG(uint64(g), 9))
			var err error
			for range 5 {
				var out []byte
				if out, err = randomWalk(x, rng, nil); err != nil {
					break
				}
				if err = validate(val, out); err != nil {
					break
				}
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// The cache holds at most CacheSize indexes and drops the least recently
// used: a server whose clients send a new schema per request stays bounded,
// and a schema in steady use stays cached.
func TestCacheBounded(t *testing.T) {
	var c Cache
	v := VocabFromTokenizer(loadVocab(t, "ggml-vocab-llama-spm.gguf"))
	schema := func(i int) []byte { return fmt.Appendf(nil, `{"type":"string","enum":["v%d"]}`, i) }
	hot, err := c.Index(schema(-1), Options{}, v)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := c.Index(schema(0), Options{}, v)
	for i := 1; i < CacheSize+50; i++ {
		if _, err := c.Index(schema(i), Options{}, v); err != nil {
			t.Fatal(err)
		}
		if again, _ := c.Index(schema(-1), Options{}, v); again != hot {
			t.Fatalf("after %d schemas the one in steady use was dropped", i)
		}
	}
	if n := c.Len(); n != CacheSize {
		t.Errorf("cache holds %d indexes, want %d", n, CacheSize)
	}
	if x, _ := c.Index(schema(0), Options{}, v); x == first {
		t.Error("the least recently used index is still cached")
	}
}
