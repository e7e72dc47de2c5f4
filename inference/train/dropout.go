package train

import "math/rand/v2"

// dropout zeroes each element of a branch's output (attention's and the
// feed-forward block's, just before they join the residual stream) with
// probability p and scales the rest by 1/(1−p), so the expected value is
// unchanged and inference, which never drops, needs no rescaling. The masks
// come from rng, which the trainer seeds from the run's seed, the step, the
// shard and the chunk: the same run draws the same masks whatever the number
// of threads, and a resumed run draws what the uninterrupted one would have.
type dropout struct {
	p   float64
	rng *rand.Rand
}

// dropStream separates the dropout masks' random stream from the batch
// draw's, which is seeded by the same run seed.
const dropStream = 0x6c6f677369667464

// newDropout returns the masks' source for one chunk of a step, or nil when
// p is 0 (no dropout: forward leaves the branches as they are).
func newDropout(p float64, seed uint64, step, shard, chunk int) *dropout {
	if p <= 0 {
		return nil
	}
	s := uint64(step)<<24 ^ uint64(shard)<<16 ^ uint64(chunk)
	return &dropout{p: p, rng: rand.New(rand.NewPCG(seed^dropStream, s))}
}

// mask fills m with 0 or 1/(1−p), each element kept with probability 1−p,
// 16 random bits per element (p is resolved to 1/65536).
func (d *dropout) mask(m []float32) {
	cut := uint64(d.p*65536 + 0.5)
	keep := float32(1 / (1 - d.p))
	var bits uint64
	for i := range m {
		if i%4 == 0 {
			bits = d.rng.Uint64()
		}
		if bits&0xffff >= cut {
			m[i] = keep
		} else {
			m[i] = 0
		}
		bits >>= 16
	}
}

// mulTo: dst = x ⊙ m.
func mulTo(dst, x, m []float32) {
	for i, v := range x[:len(dst)] {
		dst[i] = v * m[i]
	}
}

// mulBy: x ⊙= m.
func mulBy(x, m []float32) {
	for i := range x {
		x[i] *= m[i]
	}
}
