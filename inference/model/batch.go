package model

// Entry is one token of a Batch: the token id, its position in its sequence,
// the sequence (a KV store slot), and whether Forward should return logits
// for it.
type Entry struct {
	Token  int32
	Pos    int32
	Seq    int32
	Logits bool
}

// Batch is the input of one Forward: tokens of one or more sequences. Within
// a sequence, entries must have distinct positions; a token at position p
// attends to positions 0..p of its sequence, taken from the KV store
// (earlier forwards) or from this batch.
type Batch struct {
	Entries []Entry
}

// Add appends a token.
func (b *Batch) Add(token int32, pos, seq int, logits bool) {
	b.Entries = append(b.Entries, Entry{Token: token, Pos: int32(pos), Seq: int32(seq), Logits: logits})
}

// AddSeq appends tokens at consecutive positions from pos, asking logits for
// the last one only (a prompt prefill).
func (b *Batch) AddSeq(tokens []int32, pos, seq int) {
	for i, t := range tokens {
		b.Add(t, pos+i, seq, i == len(tokens)-1)
	}
}

// Reset empties the batch, keeping its memory.
func (b *Batch) Reset() { b.Entries = b.Entries[:0] }

// Len is the number of entries.
func (b *Batch) Len() int { return len(b.Entries) }

// NumLogits counts the entries that want logits: the rows Forward returns.
func (b *Batch) NumLogits() int {
	n := 0
	for _, e := range b.Entries {
		if e.Logits {
			n++
		}
	}
	return n
}
