package model

import (
	"fmt"
	"testing"
)

// blockKV is a toy paged store: rows live in fixed-size blocks allocated on
// demand in Prepare, the way the paged cache will. Forward must give the same
// logits through it as through the contiguous Cache, which shows it touches
// the store only through the KV interface.
type blockKV struct {
	dim, blockLen int
	blocks        map[[3]int][]float32 // (layer, seq, block) → keys then values
	layers        int
}

func (b *blockKV) Prepare(seq, pos int) error {
	if seq < 0 || pos < 0 {
		return fmt.Errorf("bad (seq %d, pos %d)", seq, pos)
	}
	for l := 0; l < b.layers; l++ {
		k := [3]int{l, seq, pos / b.blockLen}
		if b.blocks[k] == nil {
			b.blocks[k] = make([]float32, 2*b.blockLen*b.dim)
		}
	}
	return nil
}

func (b *blockKV) row(layer, seq, pos, which int) []float32 {
	blk := b.blocks[[3]int{layer, seq, pos / b.blockLen}]
	o := (which*b.blockLen + pos%b.blockLen) * b.dim
	return blk[o : o+b.dim]
}

func (b *blockKV) Store(layer, seq, pos int, k, v []float32) {
	copy(b.row(layer, seq, pos, 0), k)
	copy(b.row(layer, seq, pos, 1), v)
}
func (b *blockKV) Key(layer, seq, pos int) []float32   { return b.row(layer, seq, pos, 0) }
func (b *blockKV) Value(layer, seq, pos int) []float32 { return b.row(layer, seq, pos, 1) }

func TestKVInterface(t *testing.T) {
	m := loadTestModel(t, "tiny-qwen2-f32", Options{Threads: 2})
	cfg := m.Config()
	paged := &blockKV{dim: cfg.KVDim(), blockLen: 4, blocks: map[[3]int][]float32{}, layers: cfg.NLayer}
	flat := m.NewCache(8, 64)
	prompt := []int32{72, 101, 108, 108, 111, 44, 32, 119, 111, 114, 108, 100}
	var b Batch
	b.AddSeq(prompt, 0, 5) // an arbitrary sequence slot
	tok := int32(0)
	for step := 0; step < 6; step++ {
		lf, err := m.Forward(&b, flat)
		if err != nil {
			t.Fatal(err)
		}
		lf = append([]float32(nil), lf...)
		lp, err := m.Forward(&b, paged)
		if err != nil {
			t.Fatal(err)
		}
		for i := range lf {
			if lf[i] != lp[i] {
				t.Fatalf("step %d logit %d: contiguous %v, paged %v", step, i, lf[i], lp[i])
			}
		}
		tok = argmax(lf)
		b.Reset()
		b.Add(tok, len(prompt)+step, 5, true)
	}
}

func argmax(l []float32) int32 {
	best := 0
	for i, v := range l {
		if v > l[best] {
			best = i
		}
	}
	return int32(best)
}
