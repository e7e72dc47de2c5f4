package kvcache

import (
	"errors"
	"slices"
	"testing"
)

func newTest(t *testing.T, blocks int) *Cache {
	t.Helper()
	c, err := New(Config{Layers: 2, Dim: 3, BlockSize: 4, Blocks: blocks, ModelID: "m"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func seqOf(n, from int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = int32(from + i)
	}
	return s
}

// fill stores a recognisable value for every appended, uncomputed position.
func fill(c *Cache, id int) {
	toks := c.Tokens(id)
	for p := c.ComputedLen(id); p < len(toks); p++ {
		for l := range 2 {
			v := float32(toks[p]*10 + int32(l))
			c.Store(l, id, p, []float32{v, v, v}, []float32{-v, -v, -v})
		}
	}
	c.SetComputed(id, len(toks))
}

func checkSeq(t *testing.T, c *Cache, id int) {
	t.Helper()
	for p, tok := range c.Tokens(id) {
		for l := range 2 {
			want := float32(tok*10 + int32(l))
			if k, v := c.Key(l, id, p), c.Value(l, id, p); k[0] != want || v[2] != -want {
				t.Fatalf("seq %d pos %d layer %d: k %v v %v, want %v", id, p, l, k, v, want)
			}
		}
	}
}

func TestAppendFreeAndBudget(t *testing.T) {
	c, err := New(Config{Layers: 2, Dim: 3, BlockSize: 4, Budget: 5 * 2 * 2 * 4 * 3 * 4})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Stats().Blocks; got != 5 {
		t.Fatalf("blocks from budget = %d, want 5", got)
	}
	if got := c.BytesPerToken(); got != 2*2*3*4 {
		t.Fatalf("bytes per token = %d", got)
	}
	a := c.NewSeq()
	if err := c.Append(a, seqOf(9, 0)); err != nil {
		t.Fatal(err)
	}
	fill(c, a)
	if s := c.Stats(); s.Used != 3 || s.Free != 2 {
		t.Fatalf("stats %+v", s)
	}
	b := c.NewSeq()
	if err := c.Append(b, seqOf(9, 100)); !errors.Is(err, ErrNoSpace) {
		t.Fatalf("append beyond pool: %v", err)
	}
	if c.Len(b) != 0 || c.Stats().Free != 2 {
		t.Fatalf("failed append changed state: len %d stats %+v", c.Len(b), c.Stats())
	}
	checkSeq(t, c, a)
	c.Free(a)
	c.Free(b)
	c.ClearPrefix()
	if s := c.Stats(); s.Free != 5 || s.Seqs != 0 {
		t.Fatalf("after free: %+v", s)
	}
}

func TestForkCopyOnWrite(t *testing.T) {
	c := newTest(t, 8)
	a := c.NewSeq()
	c.Append(a, seqOf(6, 0)) // blocks: full + partial(2)
	fill(c, a)
	b := c.Fork(a)
	if s := c.Stats(); s.Used != 2 {
		t.Fatalf("fork allocated: %+v", s)
	}
	if err := c.Append(b, []int32{50}); err != nil {
		t.Fatal(err)
	}
	fill(c, b)
	if err := c.Append(a, []int32{60}); err != nil {
		t.Fatal(err)
	}
	fill(c, a)
	if c.BlockTable(a)[0] != c.BlockTable(b)[0] || c.BlockTable(a)[1] == c.BlockTable(b)[1] {
		t.Fatalf("tables a %v b %v: want the full block shared, the partial one copied", c.BlockTable(a), c.BlockTable(b))
	}
	checkSeq(t, c, a)
	checkSeq(t, c, b)
	if c.Tokens(a)[6] != 60 || c.Tokens(b)[6] != 50 {
		t.Fatal("tokens mixed up")
	}
	c.Free(a)
	checkSeq(t, c, b)
	c.Free(b)
	c.ClearPrefix()
	if s := c.Stats(); s.Free != 8 {
		t.Fatalf("leak: %+v", s)
	}
}

func TestTruncate(t *testing.T) {
	c := newTest(t, 8)
	a := c.NewSeq()
	c.Append(a, seqOf(10, 0))
	fill(c, a)
	c.Truncate(a, 5)
	if c.Len(a) != 5 || c.ComputedLen(a) != 5 || len(c.BlockTable(a)) != 2 {
		t.Fatalf("len %d computed %d table %v", c.Len(a), c.ComputedLen(a), c.BlockTable(a))
	}
	if s := c.Stats(); s.Used != 2 {
		t.Fatalf("truncate kept blocks: %+v", s)
	}
	c.Append(a, []int32{7, 8, 9})
	fill(c, a)
	checkSeq(t, c, a)
	// Truncating into a block indexed by the prefix cache un-indexes it, so
	// a new sequence does not pick up the overwritten content.
	c.Truncate(a, 6)
	c.Append(a, []int32{99, 98})
	fill(c, a)
	b := c.NewSeq()
	if got := c.Prefix(b, append(seqOf(8, 0), 1)); got != 4 {
		t.Fatalf("prefix after overwrite = %d positions, want 4", got)
	}
}

func TestPrefixCacheAndLRU(t *testing.T) {
	c := newTest(t, 6)
	prompt := seqOf(10, 0) // 2 full blocks + 2
	a := c.NewSeq()
	if got := c.Prefix(a, prompt); got != 0 {
		t.Fatalf("cold prefix = %d", got)
	}
	c.Append(a, prompt)
	fill(c, a)
	b := c.NewSeq()
	if got := c.Prefix(b, prompt); got != 8 {
		t.Fatalf("warm prefix = %d, want 8", got)
	}
	if !slices.Equal(c.BlockTable(b), c.BlockTable(a)[:2]) {
		t.Fatalf("tables a %v b %v", c.BlockTable(a), c.BlockTable(b))
	}
	c.Append(b, prompt[8:])
	fill(c, b)
	checkSeq(t, c, b)
	// A prompt of exactly two blocks reuses only one: its last token must be
	// computed for logits.
	d := c.NewSeq()
	if got := c.Prefix(d, prompt[:8]); got != 4 {
		t.Fatalf("prefix of block-aligned prompt = %d, want 4", got)
	}
	c.Free(d)
	// Another model id shares nothing.
	other, _ := New(Config{Layers: 2, Dim: 3, BlockSize: 4, Blocks: 6, ModelID: "other"})
	if c.blockHash(0, prompt[:4]) == other.blockHash(0, prompt[:4]) {
		t.Fatal("model id not in the hash")
	}
	c.Free(a)
	c.Free(b)
	if s := c.Stats(); s.Cached != 2 || s.Free != 4 {
		t.Fatalf("after free: %+v, want the 2 full prefix blocks cached", s)
	}
	// Still reusable after the owners left.
	e := c.NewSeq()
	if got := c.Prefix(e, prompt); got != 8 {
		t.Fatalf("prefix from unreferenced cache = %d", got)
	}
	c.Free(e)
	// Pressure evicts the cached blocks (LRU) instead of failing.
	f := c.NewSeq()
	if err := c.Append(f, seqOf(24, 1000)); err != nil {
		t.Fatal(err)
	}
	fill(c, f)
	checkSeq(t, c, f)
	g := c.NewSeq()
	if got := c.Prefix(g, prompt); got != 0 {
		t.Fatalf("prefix after eviction = %d", got)
	}
	c.Free(g)
	c.Free(f)
	c.ClearPrefix()
	if s := c.Stats(); s.Free != 6 {
		t.Fatalf("leak: %+v", s)
	}
}
