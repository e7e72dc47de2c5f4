package bpe

import (
	"context"
	"fmt"
	"iter"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/logsift/logsift/inference/tokenizer"
)

// Options configure Train.
type Options struct {
	// VocabSize is the number of tokens wanted: specials + 256 byte tokens
	// + merges. Training stops earlier when no pair is frequent enough.
	VocabSize int
	// Pre names the pre-tokenizer (tokenizer.ggml.pre), e.g. "logsift".
	Pre string
	// Specials are CONTROL tokens placed first, in this order. The tokenizer
	// never produces them from plain text.
	Specials []string
	// UserDefined are USER_DEFINED tokens placed right after the specials,
	// in this order: phrases the tokenizer cuts out of any text, user text
	// included, before pre-tokenizing it (as llama.cpp does), so each is
	// always one token. They are for strings a model writes often and whose
	// every byte costs a step, such as the fixed parts of a JSON answer. The
	// training text is cut the same way, so merges never learn from them.
	// Each must be at least two bytes long (a one-byte one would shadow a
	// byte token).
	UserDefined []string
	// BOS and EOS name special tokens; empty means Specials[0] for BOS and
	// Specials[1] (else Specials[0]) for EOS. Without specials there is no
	// BOS or EOS.
	BOS, EOS string
	// AddBOS is written as tokenizer.ggml.add_bos_token.
	AddBOS bool
	// MinFrequency is the least number of occurrences of a pair worth a
	// merge; values below 2 mean 2 (a pair seen once saves nothing).
	MinFrequency int
	// Workers count pieces in parallel; 0 means GOMAXPROCS.
	Workers int
}

// Vocab is a trained byte-level BPE vocabulary, in the form GGUF stores it.
type Vocab struct {
	Pre    string
	Tokens []string // GPT-2 byte-level spelling; specials as given
	Types  []int32  // tokenizer.TypeControl for specials, else TypeNormal
	Merges []string // "left right", in rank order
	BOS    int      // -1 if none
	EOS    int      // -1 if none
	AddBOS bool

	// Words and Pieces describe the training text: distinct pre-tokenizer
	// pieces and their total count.
	Words, Pieces int64
}

const numBytes = 256

// Train builds a vocabulary from texts. It honours ctx between merges.
func Train(ctx context.Context, texts iter.Seq[string], opts Options) (*Vocab, error) {
	v, _, err := train(ctx, texts, opts)
	return v, err
}

// train also returns the final state, whose words tests compare with the
// tokenizer's segmentation.
func train(ctx context.Context, texts iter.Seq[string], opts Options) (*Vocab, *trainer, error) {
	if _, err := tokenizer.PreTokenize(opts.Pre, ""); err != nil {
		return nil, nil, fmt.Errorf("bpe: %w", err)
	}
	seen := map[string]bool{}
	for _, s := range opts.Specials {
		if s == "" {
			return nil, nil, fmt.Errorf("bpe: empty special token")
		}
		if seen[s] {
			return nil, nil, fmt.Errorf("bpe: special token %q given twice", s)
		}
		seen[s] = true
	}
	for _, s := range opts.UserDefined {
		if len(s) < 2 {
			return nil, nil, fmt.Errorf("bpe: user-defined token %q shorter than two bytes", s)
		}
		if seen[s] {
			return nil, nil, fmt.Errorf("bpe: token %q given twice", s)
		}
		seen[s] = true
	}
	if minSize := len(opts.Specials) + len(opts.UserDefined) + numBytes; opts.VocabSize < minSize {
		return nil, nil, fmt.Errorf("bpe: vocab size %d below %d (%d specials + %d user-defined + %d byte tokens)",
			opts.VocabSize, minSize, len(opts.Specials), len(opts.UserDefined), numBytes)
	}
	v := &Vocab{Pre: opts.Pre, AddBOS: opts.AddBOS, BOS: -1, EOS: -1}
	bos, eos := opts.BOS, opts.EOS
	if len(opts.Specials) > 0 {
		if bos == "" {
			bos = opts.Specials[0]
		}
		if eos == "" {
			eos = opts.Specials[min(1, len(opts.Specials)-1)]
		}
	}
	for _, sp := range []struct {
		name string
		dst  *int
	}{{bos, &v.BOS}, {eos, &v.EOS}} {
		if sp.name == "" {
			continue
		}
		i := slices.Index(opts.Specials, sp.name)
		if i < 0 {
			return nil, nil, fmt.Errorf("bpe: bos/eos token %q is not among the specials %q", sp.name, opts.Specials)
		}
		*sp.dst = i
	}
	if v.AddBOS && v.BOS < 0 {
		return nil, nil, fmt.Errorf("bpe: AddBOS without a BOS token")
	}

	counts, err := countWords(ctx, texts, opts)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range counts {
		v.Pieces += c
	}
	v.Words = int64(len(counts))

	for _, s := range opts.Specials {
		v.Tokens = append(v.Tokens, s)
		v.Types = append(v.Types, tokenizer.TypeControl)
	}
	for _, s := range opts.UserDefined {
		v.Tokens = append(v.Tokens, s)
		v.Types = append(v.Types, tokenizer.TypeUserDefined)
	}
	t := newTrainer(v, counts)
	minFreq := int64(max(opts.MinFrequency, 2))
	for len(v.Tokens) < opts.VocabSize {
		if len(v.Merges)%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, fmt.Errorf("bpe: training stopped after %d merges: %w", len(v.Merges), err)
			}
		}
		if !t.step(minFreq) {
			break
		}
	}
	return v, t, nil
}

// countWords returns the frequency of every distinct pre-tokenizer piece.
// Texts are handed to workers in batches; each worker counts into its own
// map and the maps are summed, so the result does not depend on scheduling.
func countWords(ctx context.Context, texts iter.Seq[string], opts Options) (map[string]int64, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	const batchBytes = 1 << 18
	batches := make(chan []string, workers)
	results := make([]map[string]int64, workers)
	phrases := byLength(opts.UserDefined)
	var wg sync.WaitGroup
	for w := range workers {
		results[w] = map[string]int64{}
		wg.Go(func() {
			m := results[w]
			var parts, spare []string
			for batch := range batches {
				for _, text := range batch {
					parts, spare = cutPhrases(parts[:0], spare[:0], text, phrases)
					for _, stretch := range parts {
						pieces, _ := tokenizer.PreTokenize(opts.Pre, stretch) // name checked by Train
						for _, p := range pieces {
							if c, ok := m[p]; ok {
								m[p] = c + 1
							} else {
								// Pieces point into the batch's texts; clone so
								// the map does not pin whole lines.
								m[strings.Clone(p)] = 1
							}
						}
					}
				}
			}
		})
	}
	var err error
	var batch []string
	size := 0
	for text := range texts {
		batch = append(batch, text)
		size += len(text)
		if size >= batchBytes {
			if err = ctx.Err(); err != nil {
				break
			}
			batches <- batch
			batch, size = nil, 0
		}
	}
	if len(batch) > 0 && err == nil {
		batches <- batch
	}
	close(batches)
	wg.Wait()
	if err != nil {
		return nil, fmt.Errorf("bpe: counting words: %w", err)
	}
	total := results[0]
	for _, m := range results[1:] {
		for k, c := range m {
			total[k] += c
		}
	}
	return total, nil
}

// byLength orders user-defined phrases as the tokenizer tries them: longest
// first, equally long ones in vocabulary order.
func byLength(phrases []string) []string {
	p := slices.Clone(phrases)
	slices.SortStableFunc(p, func(a, b string) int { return len(b) - len(a) })
	return p
}

// cutPhrases appends to parts the stretches of text between occurrences of
// phrases, cutting phrase by phrase in the given order and each left to
// right, as the tokenizer partitions its input. spare is scratch; both
// slices are returned for reuse, so counting allocates nothing per text.
func cutPhrases(parts, spare []string, text string, phrases []string) ([]string, []string) {
	parts = append(parts, text)
	for _, ph := range phrases {
		if !strings.Contains(text, ph) {
			continue
		}
		next := spare[:0]
		for _, p := range parts {
			for {
				i := strings.Index(p, ph)
				if i < 0 {
					break
				}
				if i > 0 {
					next = append(next, p[:i])
				}
				p = p[i+len(ph):]
			}
			if p != "" {
				next = append(next, p)
			}
		}
		parts, spare = next, parts
	}
	return parts, spare
}

// trainer holds the merge state. Symbols are token ids of v.Tokens.
type trainer struct {
	v      *Vocab
	ids    map[string]int32 // token text → id
	texts  []string         // each distinct word
	words  [][]int32        // its current segmentation
	freq   []int64          // occurrences of each word
	pairs  map[uint64]int64 // occurrences of each adjacent pair, weighted by freq
	where  map[uint64][]int32
	heap   pairHeap
	banned map[uint64]bool // pairs whose merge would duplicate a token
	stamp  []int32         // last step that visited each word (dedupes where lists)
	steps  int32
}

func pairKey(l, r int32) uint64      { return uint64(uint32(l))<<32 | uint64(uint32(r)) }
func splitKey(k uint64) (l, r int32) { return int32(k >> 32), int32(uint32(k)) }

func newTrainer(v *Vocab, counts map[string]int64) *trainer {
	t := &trainer{
		v:      v,
		ids:    make(map[string]int32, 4096),
		pairs:  map[uint64]int64{},
		where:  map[uint64][]int32{},
		banned: map[uint64]bool{},
	}
	for i, s := range v.Tokens {
		t.ids[s] = int32(i)
	}
	var byteID [numBytes]int32
	for b := range numBytes {
		s := tokenizer.ByteLevelEncode([]byte{byte(b)})
		if id, ok := t.ids[s]; ok {
			// A special spelled like a byte token would make that byte
			// unencodable; Train's callers are not expected to do this.
			byteID[b] = id
			continue
		}
		byteID[b] = int32(len(v.Tokens))
		t.ids[s] = byteID[b]
		v.Tokens = append(v.Tokens, s)
		v.Types = append(v.Types, tokenizer.TypeNormal)
	}

	// Words in sorted order: ids and where lists must not depend on map order.
	texts := make([]string, 0, len(counts))
	for w := range counts {
		texts = append(texts, w)
	}
	slices.Sort(texts)
	t.texts = texts
	t.words = make([][]int32, len(texts))
	t.freq = make([]int64, len(texts))
	t.stamp = make([]int32, len(texts))
	for i, w := range texts {
		syms := make([]int32, len(w))
		for j := 0; j < len(w); j++ {
			syms[j] = byteID[w[j]]
		}
		t.words[i] = syms
		t.freq[i] = counts[w]
		for j := 1; j < len(syms); j++ {
			k := pairKey(syms[j-1], syms[j])
			t.pairs[k] += t.freq[i]
			if ws := t.where[k]; len(ws) == 0 || ws[len(ws)-1] != int32(i) {
				t.where[k] = append(ws, int32(i))
			}
		}
	}
	t.heap = make(pairHeap, 0, len(t.pairs))
	for k, c := range t.pairs {
		t.heap = append(t.heap, pairEntry{count: c, key: k})
	}
	t.heap.init()
	return t
}

// step makes the best merge; false when none is left.
func (t *trainer) step(minFreq int64) bool {
	for len(t.heap) > 0 {
		e := t.heap.pop()
		if cur := t.pairs[e.key]; cur != e.count || cur < minFreq || t.banned[e.key] {
			continue // stale entry: the current count was pushed separately
		}
		l, r := splitKey(e.key)
		text := t.v.Tokens[l] + t.v.Tokens[r]
		if _, dup := t.ids[text]; dup {
			t.banned[e.key] = true
			continue
		}
		id := int32(len(t.v.Tokens))
		t.ids[text] = id
		t.v.Tokens = append(t.v.Tokens, text)
		t.v.Types = append(t.v.Types, tokenizer.TypeNormal)
		t.v.Merges = append(t.v.Merges, t.v.Tokens[l]+" "+t.v.Tokens[r])
		t.merge(e.key, l, r, id)
		return true
	}
	return false
}

// merge replaces every (l, r) in the words that hold it by id and updates
// the pair counts of those words only.
func (t *trainer) merge(key uint64, l, r, id int32) {
	t.steps++
	changed := map[uint64]struct{}{}
	ws := t.where[key]
	delete(t.where, key)
	for _, wi := range ws {
		if t.stamp[wi] == t.steps {
			continue
		}
		t.stamp[wi] = t.steps
		syms := t.words[wi]
		if !hasPair(syms, l, r) {
			continue // stale: an earlier merge consumed the pair here
		}
		f := t.freq[wi]
		for j := 1; j < len(syms); j++ {
			k := pairKey(syms[j-1], syms[j])
			t.pairs[k] -= f
			changed[k] = struct{}{}
		}
		out := syms[:0]
		for j := 0; j < len(syms); j++ {
			if j+1 < len(syms) && syms[j] == l && syms[j+1] == r {
				out = append(out, id)
				j++
				continue
			}
			out = append(out, syms[j])
		}
		t.words[wi] = out
		for j := 1; j < len(out); j++ {
			k := pairKey(out[j-1], out[j])
			t.pairs[k] += f
			changed[k] = struct{}{}
			if out[j-1] == id || out[j] == id {
				if w := t.where[k]; len(w) == 0 || w[len(w)-1] != wi {
					t.where[k] = append(w, wi)
				}
			}
		}
	}
	// Push the new count of every pair that changed, in a fixed order so
	// the heap's layout (and so nothing else) never depends on map order.
	keys := make([]uint64, 0, len(changed))
	for k := range changed {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		c := t.pairs[k]
		if c <= 0 {
			delete(t.pairs, k)
			continue
		}
		t.heap.push(pairEntry{count: c, key: k})
	}
}

func hasPair(syms []int32, l, r int32) bool {
	for j := 1; j < len(syms); j++ {
		if syms[j-1] == l && syms[j] == r {
			return true
		}
	}
	return false
}

// pairEntry is a heap entry: a pair and its count when pushed.
type pairEntry struct {
	count int64
	key   uint64
}

// before orders entries: higher count first, then lower left id, then lower
// right id. Ids are assigned deterministically, so the order is total and
// the merge sequence reproducible.
func (a pairEntry) before(b pairEntry) bool {
	if a.count != b.count {
		return a.count > b.count
	}
	return a.key < b.key
}

type pairHeap []pairEntry

func (h pairHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h *pairHeap) push(e pairEntry) {
	*h = append(*h, e)
	s := *h
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !s[i].before(s[p]) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *pairHeap) pop() pairEntry {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	*h = s[:n]
	h.down(0)
	return top
}

func (h pairHeap) down(i int) {
	n := len(h)
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && h[c+1].before(h[c]) {
			c++
		}
		if !h[c].before(h[i]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}
