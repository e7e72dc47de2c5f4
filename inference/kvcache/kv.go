package kvcache

import "fmt"

// The methods of model.KV and model.Paged: the forward pass writes and
// reads the blocks through these.

// Prepare checks that position pos of sequence seq was appended.
func (c *Cache) Prepare(seq, pos int) error {
	if seq < 0 || seq >= len(c.seqs) || !c.seqs[seq].live {
		return fmt.Errorf("kvcache: sequence %d is not live", seq)
	}
	if n := len(c.seqs[seq].tokens); pos < 0 || pos >= n {
		return fmt.Errorf("kvcache: position %d of sequence %d out of range [0, %d): append it first", pos, seq, n)
	}
	return nil
}

func (c *Cache) off(seq, pos int) int {
	b := c.seqs[seq].table[pos/c.bs]
	return (int(b)*c.bs + pos%c.bs) * c.dim
}

// Store writes the keys and values of one position.
func (c *Cache) Store(layer, seq, pos int, k, v []float32) {
	o := c.off(seq, pos)
	copy(c.k[layer][o:o+c.dim], k)
	copy(c.v[layer][o:o+c.dim], v)
}

// Key returns the keys of one position.
func (c *Cache) Key(layer, seq, pos int) []float32 {
	o := c.off(seq, pos)
	return c.k[layer][o : o+c.dim : o+c.dim]
}

// Value returns the values of one position.
func (c *Cache) Value(layer, seq, pos int) []float32 {
	o := c.off(seq, pos)
	return c.v[layer][o : o+c.dim : o+c.dim]
}

// BlockTable returns the block ids of sequence seq (read only, valid until
// the next Append, Truncate or Free).
func (c *Cache) BlockTable(seq int) []int32 { return c.seqs[seq].table }

// Layer returns the key and value storage of one layer: block b's position
// r starts at (b·BlockSize + r)·Dim.
func (c *Cache) Layer(layer int) (k, v []float32) { return c.k[layer], c.v[layer] }
