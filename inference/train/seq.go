package train

import (
	"sync"

	"github.com/logsift/logsift/inference/tensor"
)

// arena hands out zeroed scratch for one sequence's forward and backward
// pass. It learns the size a pass needs: what does not fit this time comes
// from the heap, and the next reset grows the buffer to cover it.
type arena struct {
	buf       []float32
	off, need int
}

func (a *arena) take(n int) []float32 {
	s := a.takeDirty(n)
	clear(s)
	return s
}

// takeDirty is take without the zeroing, for buffers that are written in
// full before they are read.
func (a *arena) takeDirty(n int) []float32 {
	a.need += n
	if a.off+n > len(a.buf) {
		return make([]float32, n)
	}
	s := a.buf[a.off : a.off+n : a.off+n]
	a.off += n
	return s
}

func (a *arena) reset() {
	if a.need > len(a.buf) {
		a.buf = make([]float32, a.need)
	}
	a.off, a.need = 0, 0
}

// layerActs are the activations of one block that its backward pass reads.
type layerActs struct {
	h1, rstd1 []float32 // attn_norm output and its 1/rms
	q, k, v   []float32 // projections, q and k rotated
	p, att    []float32 // attention probabilities and output
	xmid      []float32 // residual stream after attention
	h2, rstd2 []float32 // ffn_norm output and its 1/rms
	g, u, a   []float32 // gate, up, silu(gate)⊙up
	sig       []float32 // sigmoid(gate)
	m1, m2    []float32 // dropout masks of the attention and FFN outputs (nil: none)
}

// pass is one worker's state: scratch, a single-threaded tensor.Pool for
// its matrix products, and a gradient buffer laid out like Model.W.
type pass struct {
	m    *Model
	w    weights
	wt   weights // the matrices of w transposed (see transposeWeights)
	grad []float32
	gw   weights
	mem  *arena
	lin  linear
	rope []float32 // cos/sin table for Cfg.Ctx positions
}

// newPass makes a worker. A pass that computes gradients needs wT, the
// weights as transposeWeights leaves them, refreshed after every update;
// workers share it (read only).
func newPass(m *Model, wT []float32) *pass {
	c := m.Cfg
	mem := &arena{}
	p := &pass{m: m, w: m.bind(m.W), mem: mem, lin: linear{tensor.NewPool(1), mem}, rope: ropeTable(c.Ctx, c.HeadDim(), c.RopeBase)}
	if wT != nil {
		p.wt = m.bind(wT)
		p.grad = make([]float32, len(m.W))
		p.gw = m.bind(p.grad)
	}
	return p
}

// transposeWeights writes every matrix of m.W, transposed, at its own offset
// in dst (norm vectors are copied as they are), splitting the work over
// goroutines by parameter.
func (m *Model) transposeWeights(dst []float32, threads int) {
	var wg sync.WaitGroup
	next := make(chan Param, len(m.Params))
	for _, p := range m.Params {
		next <- p
	}
	close(next)
	for range max(1, threads) {
		wg.Go(func() {
			for p := range next {
				src, d := m.W[p.Off:p.Off+p.N], dst[p.Off:p.Off+p.N]
				if len(p.Dims) == 2 {
					transpose(d, src, p.Dims[1], p.Dims[0])
				} else {
					copy(d, src)
				}
			}
		})
	}
	wg.Wait()
}

// forward runs the blocks over toks, a chunk of sequences packed back to
// back that end at ends (ascending, the last one len(toks)), and returns the
// residual stream after each block (xs[0] is the embedding, xs[NLayer] the
// last block's output) and the saved activations. Positions start at 0 in
// every sequence and attention stays within it, so a chunk computes what
// its sequences would one by one; only the matrix products run over the
// whole chunk, which is what packing is for (see Options.ChunkTokens).
// Every buffer is written in full before it is read, so none is zeroed.
// With drop set, the attention and FFN outputs are dropped out (see
// dropout) and the masks saved for the backward pass.
func (ps *pass) forward(toks []int32, ends []int, drop *dropout) ([][]float32, []layerActs) {
	c := ps.m.Cfg
	T, E, qd, kvd, ff, hd := len(toks), c.NEmbd, c.qDim(), c.kvDim(), c.NFF, c.HeadDim()
	xs := make([][]float32, c.NLayer+1)
	acts := make([]layerActs, c.NLayer)
	xs[0] = ps.mem.takeDirty(T * E)
	embedFwd(xs[0], ps.w.embd, toks, E)
	for l := range c.NLayer {
		w, a := &ps.w.layers[l], &acts[l]
		x := xs[l]
		a.h1, a.rstd1 = ps.mem.takeDirty(T*E), ps.mem.takeDirty(T)
		rmsnormFwd(a.h1, a.rstd1, x, w.attnNorm, T, E, c.Eps)
		a.q, a.k, a.v = ps.mem.takeDirty(T*qd), ps.mem.takeDirty(T*kvd), ps.mem.takeDirty(T*kvd)
		ps.lin.fwd(a.q, a.h1, w.wq, T, E, qd)
		ps.lin.fwd(a.k, a.h1, w.wk, T, E, kvd)
		ps.lin.fwd(a.v, a.h1, w.wv, T, E, kvd)
		a.p, a.att = ps.mem.takeDirty(c.NHead*squares(ends)), ps.mem.takeDirty(T*qd)
		eachSeq(ends, func(s0, s1, p0 int) {
			n := s1 - s0
			q, k := a.q[s0*qd:s1*qd], a.k[s0*kvd:s1*kvd]
			ropeFwd(q, ps.rope, n, c.NHead, hd)
			ropeFwd(k, ps.rope, n, c.NHeadKV, hd)
			ps.lin.attnFwd(a.att[s0*qd:s1*qd], a.p[c.NHead*p0:c.NHead*(p0+n*n)], q, k, a.v[s0*kvd:s1*kvd], n, c.NHead, c.NHeadKV, hd)
		})
		a.xmid = ps.mem.takeDirty(T * E)
		ps.lin.fwd(a.xmid, a.att, w.wo, T, qd, E)
		if drop != nil {
			a.m1 = ps.mem.takeDirty(T * E)
			drop.mask(a.m1)
			mulBy(a.xmid, a.m1)
		}
		addTo(a.xmid, x)

		a.h2, a.rstd2 = ps.mem.takeDirty(T*E), ps.mem.takeDirty(T)
		rmsnormFwd(a.h2, a.rstd2, a.xmid, w.ffnNorm, T, E, c.Eps)
		a.g, a.u, a.a, a.sig = ps.mem.takeDirty(T*ff), ps.mem.takeDirty(T*ff), ps.mem.takeDirty(T*ff), ps.mem.takeDirty(T*ff)
		ps.lin.fwd(a.g, a.h2, w.gate, T, E, ff)
		ps.lin.fwd(a.u, a.h2, w.up, T, E, ff)
		swigluFwd(a.a, a.sig, a.g, a.u)
		out := ps.mem.takeDirty(T * E)
		ps.lin.fwd(out, a.a, w.down, T, ff, E)
		if drop != nil {
			a.m2 = ps.mem.takeDirty(T * E)
			drop.mask(a.m2)
			mulBy(out, a.m2)
		}
		addTo(out, a.xmid)
		xs[l+1] = out
	}
	return xs, acts
}

// eachSeq calls fn for every sequence of a chunk with its rows [s0, s1) and
// the offset p0 of its T×T attention block (per head) among the chunk's.
func eachSeq(ends []int, fn func(s0, s1, p0 int)) {
	s0, p0 := 0, 0
	for _, s1 := range ends {
		fn(s0, s1, p0)
		p0 += (s1 - s0) * (s1 - s0)
		s0 = s1
	}
}

// squares is Σ T_i² over a chunk's sequences: the size of one head's
// attention probabilities.
func squares(ends []int) int {
	n := 0
	eachSeq(ends, func(s0, s1, _ int) { n += (s1 - s0) * (s1 - s0) })
	return n
}

// logits returns the logits of every position of toks (T rows of Vocab).
func (ps *pass) logits(toks []int32) []float32 {
	ps.mem.reset()
	c := ps.m.Cfg
	T, E := len(toks), c.NEmbd
	xs, _ := ps.forward(toks, []int{T}, nil)
	hf, rstd := ps.mem.take(T*E), ps.mem.take(T)
	rmsnormFwd(hf, rstd, xs[c.NLayer], ps.w.outNorm, T, E, c.Eps)
	out := make([]float32, T*c.Vocab)
	ps.lin.fwd(out, hf, ps.w.embd, T, E, c.Vocab)
	return out
}

// step runs forward and backward over a chunk of examples packed back to
// back (toks and mask concatenated, example i ending at ends[i]), adding the
// gradient of scale·Σ(masked token losses) to ps.grad, and returns the
// unscaled loss sum and the number of masked tokens. The first token of an
// example is never predicted, so its mask is ignored. drop, if not nil,
// applies dropout to the chunk.
func (ps *pass) step(toks []int32, mask []bool, ends []int, scale float32, drop *dropout) (float64, int) {
	ps.mem.reset()
	c := ps.m.Cfg
	T, E, qd, kvd, ff, hd, V := len(toks), c.NEmbd, c.qDim(), c.kvDim(), c.NFF, c.HeadDim(), c.Vocab

	// Rows whose next token is an answer token: only they need logits.
	rows := make([]int, 0, T)
	targets := make([]int32, 0, T)
	eachSeq(ends, func(s0, s1, _ int) {
		for i := s0 + 1; i < s1; i++ {
			if mask[i] {
				rows = append(rows, i-1)
				targets = append(targets, toks[i])
			}
		}
	})
	if len(rows) == 0 {
		return 0, 0
	}
	xs, acts := ps.forward(toks, ends, drop)
	n := len(rows)
	hf, rstd := ps.mem.take(T*E), ps.mem.take(T)
	rmsnormFwd(hf, rstd, xs[c.NLayer], ps.w.outNorm, T, E, c.Eps)
	hsel := ps.mem.takeDirty(n * E)
	for r, i := range rows {
		copy(hsel[r*E:(r+1)*E], hf[i*E:(i+1)*E])
	}
	logits := ps.mem.takeDirty(n * V)
	ps.lin.fwd(logits, hsel, ps.w.embd, n, E, V)
	loss := crossEntropy(logits, targets, V, scale)

	// Backward. dx is the gradient of the residual stream, flowing down.
	dsel := ps.mem.take(n * E)
	ps.lin.bwd(dsel, ps.gw.embd, logits, hsel, ps.wt.embd, n, E, V)
	dhf := ps.mem.take(T * E)
	for r, i := range rows {
		copy(dhf[i*E:(i+1)*E], dsel[r*E:(r+1)*E])
	}
	dx := ps.mem.take(T * E)
	rmsnormBwd(dx, ps.gw.outNorm, dhf, xs[c.NLayer], ps.w.outNorm, rstd, T, E)

	dh := ps.mem.take(T * E)
	dg, du, da := ps.mem.take(T*ff), ps.mem.take(T*ff), ps.mem.take(T*ff)
	dq, dk, dv, datt := ps.mem.take(T*qd), ps.mem.take(T*kvd), ps.mem.take(T*kvd), ps.mem.take(T*qd)
	// dbr is a branch output's gradient under dropout: dx through the mask.
	var dbr []float32
	if drop != nil {
		dbr = ps.mem.takeDirty(T * E)
	}
	branch := func(m []float32) []float32 {
		if m == nil {
			return dx
		}
		mulTo(dbr, dx, m)
		return dbr
	}
	for l := c.NLayer - 1; l >= 0; l-- {
		w, wt, gw, a := &ps.w.layers[l], &ps.wt.layers[l], &ps.gw.layers[l], &acts[l]
		// FFN: dx is d(xout) = d(xmid) through the residual.
		clear(da)
		ps.lin.bwd(da, gw.down, branch(a.m2), a.a, wt.down, T, ff, E)
		clear(dg)
		clear(du)
		swigluBwd(dg, du, da, a.sig, a.g, a.u)
		clear(dh)
		h2T := ps.lin.transposed(a.h2, T, E)
		ps.lin.bwdX(dh, dg, wt.gate, T, E, ff)
		ps.lin.bwdW(gw.gate, dg, h2T, T, E, ff)
		ps.lin.bwdX(dh, du, wt.up, T, E, ff)
		ps.lin.bwdW(gw.up, du, h2T, T, E, ff)
		rmsnormBwd(dx, gw.ffnNorm, dh, a.xmid, w.ffnNorm, a.rstd2, T, E)

		// Attention: dx is now d(xmid) = d(xin) through the residual.
		clear(datt)
		ps.lin.bwd(datt, gw.wo, branch(a.m1), a.att, wt.wo, T, qd, E)
		clear(dq)
		clear(dk)
		clear(dv)
		eachSeq(ends, func(s0, s1, p0 int) {
			n := s1 - s0
			dq, dk := dq[s0*qd:s1*qd], dk[s0*kvd:s1*kvd]
			ps.lin.attnBwd(dq, dk, dv[s0*kvd:s1*kvd], datt[s0*qd:s1*qd], a.p[c.NHead*p0:c.NHead*(p0+n*n)],
				a.q[s0*qd:s1*qd], a.k[s0*kvd:s1*kvd], a.v[s0*kvd:s1*kvd], n, c.NHead, c.NHeadKV, hd)
			ropeBwd(dq, ps.rope, n, c.NHead, hd)
			ropeBwd(dk, ps.rope, n, c.NHeadKV, hd)
		})
		clear(dh)
		h1T := ps.lin.transposed(a.h1, T, E)
		for _, p := range []struct{ gw, wt, dy []float32 }{{gw.wq, wt.wq, dq}, {gw.wk, wt.wk, dk}, {gw.wv, wt.wv, dv}} {
			ps.lin.bwdX(dh, p.dy, p.wt, T, E, len(p.dy)/T)
			ps.lin.bwdW(p.gw, p.dy, h1T, T, E, len(p.dy)/T)
		}
		rmsnormBwd(dx, gw.attnNorm, dh, xs[l], w.attnNorm, a.rstd1, T, E)
	}
	embedBwd(ps.gw.embd, dx, toks, E)
	return loss, n
}

// addTo: dst += x.
func addTo(dst, x []float32) {
	for i, v := range x[:len(dst)] {
		dst[i] += v
	}
}
