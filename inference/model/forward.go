package model

import (
	"fmt"
	"math"

	"github.com/logsift/logsift/inference/tensor"
)

// scratch holds every buffer Forward needs, sized for maxBatch entries, so
// that a steady-state Forward allocates nothing. Buffers that depend on the
// context length or on the number of logits grow on demand.
type scratch struct {
	x      []float32 // residual stream, n × NEmbd
	h      []float32 // normalised input of a sub-layer, n × NEmbd
	q, att []float32 // queries and attention output, n × QDim
	k, v   []float32 // new keys and values, n × KVDim
	g, u   []float32 // FFN gate and up projections, n × NFF
	out    []int     // batch indices of the entries that want logits
	logits []float32

	// attention state, read by attendSlots (a method value bound once so
	// that handing it to the pool does not allocate)
	attnFn func(lo, hi int)
	layer  int
	kv     KV
	paged  Paged // kv as a Paged store, else nil
	batch  []Entry
	slots  int         // attention work slots (one per thread)
	scores [][]float32 // per slot, one score per attended position
	rows   [][]float32 // per slot, keys then values gathered from a KV store that is neither flat nor paged
}

func (s *scratch) init(m *Model) {
	c, n := m.cfg, m.maxBatch
	s.x = make([]float32, n*c.NEmbd)
	s.h = make([]float32, n*c.NEmbd)
	s.q = make([]float32, n*c.QDim())
	s.att = make([]float32, n*c.QDim())
	s.k = make([]float32, n*c.KVDim())
	s.v = make([]float32, n*c.KVDim())
	s.g = make([]float32, n*c.NFF)
	s.u = make([]float32, n*c.NFF)
	s.out = make([]int, 0, n)
	s.slots = m.pool.Threads()
	s.scores = make([][]float32, s.slots)
	s.rows = make([][]float32, s.slots)
	s.attnFn = m.attendSlots
}

// Forward runs the model on a batch, storing its keys and values in kv, and
// returns the logits of the entries that asked for them, in batch order:
// row j (NVocab floats) belongs to the j-th such entry. The returned slice is
// owned by the model and valid until the next Forward.
func (m *Model) Forward(b *Batch, kv KV) ([]float32, error) {
	c, s := &m.cfg, &m.s
	n := len(b.Entries)
	if n == 0 {
		return nil, fmt.Errorf("model: empty batch")
	}
	if n > m.maxBatch {
		return nil, fmt.Errorf("model: batch of %d entries exceeds MaxBatch %d", n, m.maxBatch)
	}
	s.out = s.out[:0]
	maxPos := 0
	for i, e := range b.Entries {
		if e.Token < 0 || int(e.Token) >= c.NVocab {
			return nil, fmt.Errorf("model: batch entry %d: token %d out of range [0, %d)", i, e.Token, c.NVocab)
		}
		if err := kv.Prepare(int(e.Seq), int(e.Pos)); err != nil {
			return nil, fmt.Errorf("model: batch entry %d: %w", i, err)
		}
		if e.Logits {
			s.out = append(s.out, i)
		}
		maxPos = max(maxPos, int(e.Pos))
	}
	for i := range s.scores {
		if len(s.scores[i]) <= maxPos {
			s.scores[i] = make([]float32, max(maxPos+1, 2*len(s.scores[i])))
		}
	}

	E := c.NEmbd
	for i, e := range b.Entries {
		m.embd.Row(int(e.Token), s.x[i*E:(i+1)*E])
	}
	s.kv, s.batch = kv, b.Entries
	s.paged, _ = kv.(Paged)
	if s.paged != nil {
		for i := range s.scores {
			if len(s.scores[i]) < s.paged.BlockSize() {
				s.scores[i] = make([]float32, s.paged.BlockSize())
			}
		}
	}
	for l := range m.layers {
		m.layerForward(l, n)
	}
	s.kv, s.batch, s.paged = nil, nil, nil

	no := len(s.out)
	if no == 0 {
		return s.logits[:0], nil
	}
	if len(s.logits) < no*c.NVocab {
		s.logits = make([]float32, no*c.NVocab)
	}
	// The last layer left only the rows that want logits, in order.
	normRows(s.h[:no*E], s.x[:no*E], m.outNorm, E, c.NormEps)
	m.pool.MatMul(s.logits[:no*c.NVocab], &m.output, s.h[:no*E], no)
	return s.logits[:no*c.NVocab], nil
}

// layerForward applies transformer block l to the residual stream of the n
// batch entries:
//
//	h = rmsnorm(x) · attn_norm
//	q, k, v = Wq h (+bq), Wk h (+bk), Wv h (+bv);  rope(q), rope(k)
//	x += Wo · attention(q, k, v)
//	h = rmsnorm(x) · ffn_norm
//	x += Wdown · (silu(Wgate h) ⊙ Wup h)
//
// The last layer runs its FFN only for the entries that want logits and
// leaves them in the first rows of x.
func (m *Model) layerForward(l, n int) {
	c, s, w := &m.cfg, &m.s, &m.layers[l]
	E, qd, kvd, ff := c.NEmbd, c.QDim(), c.KVDim(), c.NFF
	x, h := s.x[:n*E], s.h[:n*E]
	q, k, v, att := s.q[:n*qd], s.k[:n*kvd], s.v[:n*kvd], s.att[:n*qd]

	normRows(h, x, w.attnNorm, E, c.NormEps)
	m.pool.MatMul(q, &w.wq, h, n)
	m.pool.MatMul(k, &w.wk, h, n)
	m.pool.MatMul(v, &w.wv, h, n)
	m.positionAndStore(l, q, k, v)
	s.layer = l
	m.pool.Parallel(s.slots, s.attnFn) // att = attention(q, cached k, cached v)
	m.pool.MatMul(h, &w.wo, att, n)
	addTo(x, h)

	if l == len(m.layers)-1 {
		if n = m.keepLogitRows(); n == 0 {
			return
		}
		x, h = x[:n*E], h[:n*E]
	}
	g, u := s.g[:n*ff], s.u[:n*ff]
	normRows(h, x, w.ffnNorm, E, c.NormEps)
	m.pool.MatMul(g, &w.gate, h, n)
	m.pool.MatMul(u, &w.up, h, n)
	m.pool.SiLUMul(g, u)
	m.pool.MatMul(h, &w.down, g, n)
	addTo(x, h)
}

// positionAndStore finishes each entry's projections for layer l: adds the
// q/k/v biases, rotates q and k by the entry's position, rounds to F16 for
// an F16 cache, and stores k and v in the KV store.
func (m *Model) positionAndStore(l int, q, k, v []float32) {
	c, s, w := &m.cfg, &m.s, &m.layers[l]
	qd, kvd := c.QDim(), c.KVDim()
	for i, e := range s.batch {
		qi, ki, vi := q[i*qd:(i+1)*qd], k[i*kvd:(i+1)*kvd], v[i*kvd:(i+1)*kvd]
		if w.bq != nil {
			addTo(qi, w.bq)
			addTo(ki, w.bk)
			addTo(vi, w.bv)
		}
		pos := int(e.Pos)
		if m.ropeFF == nil && c.RopeScale == 1 {
			rope(qi, c.NHead, c.HeadDim, c.RopeDim, pos, c.RopeBase, c.RopeNeox)
			rope(ki, c.NHeadKV, c.HeadDim, c.RopeDim, pos, c.RopeBase, c.RopeNeox)
		} else {
			ropeScaled(qi, c.NHead, c.HeadDim, c.RopeDim, pos, c.RopeBase, c.RopeScale, m.ropeFF, c.RopeNeox)
			ropeScaled(ki, c.NHeadKV, c.HeadDim, c.RopeDim, pos, c.RopeBase, c.RopeScale, m.ropeFF, c.RopeNeox)
		}
		if m.kvF16 {
			roundF16(qi)
			roundF16(ki)
			roundF16(vi)
		}
		s.kv.Store(l, int(e.Seq), pos, ki, vi)
	}
}

// keepLogitRows moves the residual rows of the entries that want logits to
// the front of x and returns their count. Past the last attention nothing
// else matters; llama.cpp makes the same cut, which also decides the shapes
// (and so the kernels) of its last FFN products.
func (m *Model) keepLogitRows() int {
	E, x := m.cfg.NEmbd, m.s.x
	for j, i := range m.s.out {
		copy(x[j*E:(j+1)*E], x[i*E:(i+1)*E])
	}
	return len(m.s.out)
}

// attendSlots computes causal grouped-query attention for the (entry, head)
// pairs of work slots lo..hi-1; slot i takes pairs i, i+slots, ... so that
// each slot owns one score buffer. For query head hd of an entry at position
// p in sequence s, with group size G = NHead/NHeadKV:
//
//	w_t = softmax_t( q_hd · K[s][t][hd/G] / sqrt(HeadDim) ),  t = 0..p
//	out_hd = Σ_t w_t V[s][t][hd/G]
//
// The softmax subtracts the maximum and sums in float64 as ggml does. With an
// F16 cache the weights w_t are rounded to F16, as ggml rounds the second
// operand of its F16 matrix product.
func (m *Model) attendSlots(lo, hi int) {
	c, s := &m.cfg, &m.s
	if s.paged != nil {
		m.attendBlocks(lo, hi)
		return
	}
	hd, qd, kvd, group := c.HeadDim, c.QDim(), c.KVDim(), c.NHead/c.NHeadKV
	scale := float32(1 / math.Sqrt(float64(hd)))
	pairs := len(s.batch) * c.NHead
	flat, _ := s.kv.(*Cache)
	for slot := lo; slot < hi; slot++ {
		scores := s.scores[slot]
		for pi := slot; pi < pairs; pi += s.slots {
			i, head := pi/c.NHead, pi%c.NHead
			e := s.batch[i]
			seq, pos := int(e.Seq), int(e.Pos)
			ko := (head / group) * hd
			qh := s.q[i*qd+head*hd : i*qd+(head+1)*hd]
			out := s.att[i*qd+head*hd : i*qd+(head+1)*hd]
			sc := scores[:pos+1]
			// The flat cache keeps a sequence's positions kvd floats
			// apart: one strided call per step instead of one per key.
			// Another store's rows are gathered first (the same kernels,
			// so the same results).
			var kr, vr []float32
			stride := kvd
			if flat != nil {
				o := flat.off(s.layer, seq, 0) + ko
				kr, vr = flat.k[o:o+pos*kvd+hd], flat.v[o:o+pos*kvd+hd]
			} else {
				kr, vr = s.gather(slot, seq, pos+1, ko, hd)
				stride = hd
			}
			tensor.ScoreRows(sc, kr, stride, qh, scale)
			mx := float32(math.Inf(-1))
			for _, v := range sc {
				mx = max(mx, v)
			}
			inv := float32(1 / tensor.ExpShift(sc, mx))
			for t := range sc {
				w := sc[t] * inv
				if m.kvF16 {
					w = tensor.FP16ToFP32(tensor.FP32ToFP16(w))
				}
				sc[t] = w
			}
			clear(out)
			tensor.AccumRows(out, sc, vr, stride)
		}
	}
}

// gather copies columns [ko, ko+hd) of the keys and values of positions
// 0..n-1 of seq into the slot's scratch, hd floats per position.
func (s *scratch) gather(slot, seq, n, ko, hd int) (k, v []float32) {
	if cap(s.rows[slot]) < 2*n*hd {
		s.rows[slot] = make([]float32, 2*n*hd)
	}
	buf := s.rows[slot][:2*n*hd]
	k, v = buf[:n*hd], buf[n*hd:]
	for t := range n {
		copy(k[t*hd:(t+1)*hd], s.kv.Key(s.layer, seq, t)[ko:ko+hd])
		copy(v[t*hd:(t+1)*hd], s.kv.Value(s.layer, seq, t)[ko:ko+hd])
	}
	return k, v
}

// attendBlocks computes the attention of attendSlots over a Paged store,
// one block at a time with an online softmax (FlashAttention's running max
// and running sum), so that no score row longer than a block exists. With
// M_j the maximum score of blocks 0..j and S_j, o_j the sum and weighted
// values so far:
//
//	M_j = max(M_{j-1}, max_t∈j s_t)
//	S_j = S_{j-1}·exp(M_{j-1} - M_j) + Σ_t∈j exp(s_t - M_j)
//	o_j = o_{j-1}·exp(M_{j-1} - M_j) + Σ_t∈j exp(s_t - M_j) V_t
//
// and out = o_last / S_last, the plain softmax-weighted sum up to float32
// rounding (the tests hold it to 1e-5). With an F16 cache the weights are
// not rounded to F16 (they are only known up to the final 1/S), so F16
// results differ from llama.cpp's by about that rounding.
func (m *Model) attendBlocks(lo, hi int) {
	c, s := &m.cfg, &m.s
	hd, qd, kvd, group := c.HeadDim, c.QDim(), c.KVDim(), c.NHead/c.NHeadKV
	scale := float32(1 / math.Sqrt(float64(hd)))
	pairs := len(s.batch) * c.NHead
	bs := s.paged.BlockSize()
	kl, vl := s.paged.Layer(s.layer)
	for slot := lo; slot < hi; slot++ {
		scores := s.scores[slot][:bs]
		for pi := slot; pi < pairs; pi += s.slots {
			i, head := pi/c.NHead, pi%c.NHead
			e := s.batch[i]
			n := int(e.Pos) + 1
			table := s.paged.BlockTable(int(e.Seq))
			ko := (head / group) * hd
			qh := s.q[i*qd+head*hd : i*qd+(head+1)*hd]
			out := s.att[i*qd+head*hd : i*qd+(head+1)*hd]
			clear(out)
			mx := float32(math.Inf(-1))
			var sum float64
			for j := 0; j*bs < n; j++ {
				rows := min(bs, n-j*bs)
				base := int(table[j])*bs*kvd + ko
				end := base + (rows-1)*kvd + hd
				sc := scores[:rows]
				tensor.ScoreRows(sc, kl[base:end], kvd, qh, scale)
				bmx := float32(math.Inf(-1))
				for _, v := range sc {
					bmx = max(bmx, v)
				}
				if bmx > mx {
					if sum != 0 {
						r := math.Exp(float64(mx - bmx))
						sum *= r
						scaleTo(out, float32(r))
					}
					mx = bmx
				}
				sum += tensor.ExpShift(sc, mx)
				tensor.AccumRows(out, sc, vl[base:end], kvd)
			}
			scaleTo(out, float32(1/sum))
		}
	}
}
