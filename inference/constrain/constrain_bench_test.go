package constrain

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// maskLatencies runs random generations over x and returns the time of each
// Mask call, the per-token cost a sampler pays.
func maskLatencies(b *testing.B, x *Index, rng *rand.Rand, objects int) []time.Duration {
	var lat []time.Duration
	for range objects {
		s := x.Start()
		for !x.Done(s) {
			t0 := time.Now()
			m := x.Mask(s)
			lat = append(lat, time.Since(t0))
			if x.Accepting(s) && rng.IntN(4) == 0 {
				break
			}
			// Pick a random allowed non-EOS token: start at a random id and
			// scan, which is cheap and good enough for a benchmark.
			n := int32(len(x.vocab.Pieces))
			id := rng.Int32N(n)
			for i := int32(0); i < n && (!m.Has(id) || x.IsEOS(id)); i++ {
				id = (id + 1) % n
			}
			ns, ok := x.Next(s, id)
			if !ok {
				b.Fatalf("masked token %d rejected", id)
			}
			s = ns
		}
	}
	return lat
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	p := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Nanoseconds()) / 1e3 }
	b.ReportMetric(p(0.5), "p50-µs/token")
	b.ReportMetric(p(0.99), "p99-µs/token")
	b.ReportMetric(float64(len(lat))/float64(b.N), "tokens/op")
}

// BenchmarkMaskCold: every object with a freshly compiled schema and index,
// so every state's mask is computed on the spot (the first requests of a new
// schema).
func BenchmarkMaskCold(b *testing.B) {
	v := VocabFromTokenizer(loadVocab(b, "ggml-vocab-starcoder.gguf"))
	doc := defaultSchema(b)
	rng := rand.New(rand.NewPCG(1, 1))
	var lat []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		a, err := Compile(doc, Options{})
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, maskLatencies(b, NewIndex(a, v), rng, 1)...)
	}
	reportPercentiles(b, lat)
}

// BenchmarkMaskWarm: one shared index (Cache), many objects: masks of states
// seen before are lookups.
func BenchmarkMaskWarm(b *testing.B) {
	v := VocabFromTokenizer(loadVocab(b, "ggml-vocab-starcoder.gguf"))
	a, err := Compile(defaultSchema(b), Options{})
	if err != nil {
		b.Fatal(err)
	}
	x := NewIndex(a, v)
	rng := rand.New(rand.NewPCG(1, 1))
	maskLatencies(b, x, rng, 200) // warm up
	var lat []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		lat = append(lat, maskLatencies(b, x, rng, 1)...)
	}
	reportPercentiles(b, lat)
}

// BenchmarkCompile: the default schema to an automaton.
func BenchmarkCompile(b *testing.B) {
	doc := defaultSchema(b)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(doc, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewIndex: the vocabulary trie of the starcoder vocabulary (49k
// tokens) plus the start state's mask.
func BenchmarkNewIndex(b *testing.B) {
	v := VocabFromTokenizer(loadVocab(b, "ggml-vocab-starcoder.gguf"))
	a, err := Compile(defaultSchema(b), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		x := NewIndex(a, v)
		x.Mask(x.Start())
	}
}

// BenchmarkNext: checking one sampled token (the cheap path before a mask).
func BenchmarkNext(b *testing.B) {
	tok := loadVocab(b, "ggml-vocab-starcoder.gguf")
	x := NewIndex(mustCompile(b, string(defaultSchema(b)), Options{}), VocabFromTokenizer(tok))
	s := x.Start()
	for _, c := range []byte(`{"severity":"info","category":"auth","component":"`) {
		s = x.a.Step(s, c)
	}
	id, ok := tok.TokenID("ssh")
	if !ok {
		b.Fatal("no token ssh")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := x.Next(s, id); !ok {
			b.Fatal("ssh not allowed")
		}
	}
}

// BenchmarkCompileAndWarm: the default schema compiled and every state's
// mask computed over the starcoder vocabulary — the whole index, eagerly.
func BenchmarkCompileAndWarm(b *testing.B) {
	v := VocabFromTokenizer(loadVocab(b, "ggml-vocab-starcoder.gguf"))
	doc := defaultSchema(b)
	b.ReportAllocs()
	states := 0
	for b.Loop() {
		a, err := Compile(doc, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if states, err = NewIndex(a, v).Warm(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(states), "states")
}
