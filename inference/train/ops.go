package train

import (
	"math"
	"unsafe"

	"github.com/logsift/logsift/inference/tensor"
)

// The ops of the model, each a forward function and a backward function.
// Activations are row-major, one row per position. Backward functions
// accumulate (+=) into the gradients they produce, so that a residual branch
// and the path around it can write into the same buffer, and weight
// gradients sum over positions and examples. The forward functions round
// exactly as package model's kernels do (tensor.RMSNorm, tensor.Rope, its
// attention), which the export test checks.

// embedFwd: x[t] = E[tok[t]].
func embedFwd(x, embd []float32, toks []int32, e int) {
	for t, id := range toks {
		copy(x[t*e:(t+1)*e], embd[int(id)*e:(int(id)+1)*e])
	}
}

// embedBwd: dE[tok[t]] += dx[t].
func embedBwd(dEmbd, dx []float32, toks []int32, e int) {
	for t, id := range toks {
		tensor.Axpy(dEmbd[int(id)*e:(int(id)+1)*e], 1, dx[t*e:(t+1)*e])
	}
}

// linear is the matrix product of a layer, y = x·Wᵀ with W of out rows of
// in, and its gradients. All three products run on tensor.Pool's F32 MatMul
// (a register-blocked FMA kernel): the forward pass directly, the backward
// pass on transposed operands, because MatMul only computes "rows of a
// matrix dotted with vectors":
//
//	dx = dy·W   : rows of Wᵀ (in × out, prepared once per step) · rows of dy
//	dW = dyᵀ·x  : rows of xᵀ (in × T) · rows of dyᵀ (out vectors of T)
//
// Transposing x and dy costs O(T·(in+out)), small beside the O(T·in·out)
// products.
type linear struct {
	pool *tensor.Pool
	mem  *arena
}

// matrix views a float32 slice as an F32 tensor.Matrix without copying.
func matrix(w []float32, rows, cols int) *tensor.Matrix {
	return &tensor.Matrix{Type: tensor.F32, Rows: rows, Cols: cols, Data: unsafe.Slice((*byte)(unsafe.Pointer(&w[0])), 4*len(w))}
}

// transpose sets dst (cols × rows) to the transpose of src (rows × cols),
// in tiles of b×b so that the scattered writes stay within a few cache
// lines per source row.
func transpose(dst, src []float32, rows, cols int) { transposePad(dst, src, rows, cols, rows) }

// transposePad is transpose with dst rows of stride ≥ rows, the columns
// past rows set to zero.
func transposePad(dst, src []float32, rows, cols, stride int) {
	const b = 16
	dst, src = dst[:stride*cols], src[:rows*cols]
	for r0 := 0; r0 < rows; r0 += b {
		r1 := min(rows, r0+b)
		for c0 := 0; c0 < cols; c0 += b {
			c1 := min(cols, c0+b)
			for r := r0; r < r1; r++ {
				d := dst[c0*stride+r:]
				for c, v := range src[r*cols+c0 : r*cols+c1] {
					d[c*stride] = v
				}
			}
		}
	}
	if stride > rows {
		for c := range cols {
			clear(dst[c*stride+rows : (c+1)*stride])
		}
	}
}

// padT is a length of T summed positions rounded up to a multiple of 8. The
// F32 kernel runs its dot products 8 lanes at a time and adds a remainder
// one product at a time, which made the weight-gradient products (whose
// length is the number of positions) 2–5× slower than the others; their
// transposed operands get zero columns up to padT instead.
func padT(T int) int { return (T + 7) &^ 7 }

// fwd: y[t][o] = Σ_i x[t][i]·W[o][i] for T rows.
func (l linear) fwd(y, x, w []float32, T, in, out int) {
	l.pool.MatMul(y, matrix(w, out, in), x, T)
}

// bwd: dx[t] += Σ_o dy[t][o]·W[o] (skipped when dx is nil) and
// dW[o] += Σ_t dy[t][o]·x[t]. wT is W transposed (in rows of out).
func (l linear) bwd(dx, dw, dy, x, wT []float32, T, in, out int) {
	l.bwdX(dx, dy, wT, T, in, out)
	l.bwdW(dw, dy, l.transposed(x, T, in), T, in, out)
}

// bwdX: dx[t] += Σ_o dy[t][o]·W[o], skipped when dx is nil.
func (l linear) bwdX(dx, dy, wT []float32, T, in, out int) {
	if dx == nil {
		return
	}
	tmp := l.mem.takeDirty(T * in)
	l.pool.MatMul(tmp, matrix(wT, in, out), dy, T)
	addTo(dx[:T*in], tmp)
}

// transposed returns x (T rows of in) transposed, for bwdW; an input shared
// by several products (q, k and v read the same normed rows) is transposed
// once.
func (l linear) transposed(x []float32, T, in int) []float32 {
	xT := l.mem.takeDirty(in * padT(T))
	transposePad(xT, x, T, in, padT(T))
	return xT
}

// bwdW: dW[o] += Σ_t dy[t][o]·x[t], with x given transposed (by
// transposed, so padded to padT(T) positions).
func (l linear) bwdW(dw, dy, xT []float32, T, in, out int) {
	Tp := padT(T)
	dyT, tmp := l.mem.takeDirty(out*Tp), l.mem.takeDirty(out*in)
	transposePad(dyT, dy, T, out, Tp)
	l.pool.MatMul(tmp, matrix(xT, in, Tp), dyT, out)
	addTo(dw[:out*in], tmp)
}

// rmsnormFwd: y[t] = x[t]·r_t ⊙ w with r_t = 1/sqrt(mean(x[t]²) + eps), as
// tensor.RMSNorm rounds it; r_t is kept for the backward pass.
func rmsnormFwd(y, rstd, x, w []float32, T, e int, eps float32) {
	for t := range T {
		xr, yr := x[t*e:(t+1)*e], y[t*e:(t+1)*e]
		var sum float64
		for _, v := range xr {
			sum += float64(v * v)
		}
		mean := float32(sum / float64(e))
		r := 1 / float32(math.Sqrt(float64(mean+eps)))
		rstd[t] = r
		for i, v := range xr {
			yr[i] = float32(v*r) * w[i]
		}
	}
}

// rmsnormBwd, with g = dy ⊙ w:
//
//	dw += dy ⊙ x·r
//	dx += r·g − x·r³/e·Σ_i g_i x_i
func rmsnormBwd(dx, dw, dy, x, w, rstd []float32, T, e int) {
	for t := range T {
		xr, dyr, dxr := x[t*e:(t+1)*e], dy[t*e:(t+1)*e], dx[t*e:(t+1)*e]
		r := rstd[t]
		var dot float64
		for i, v := range xr {
			g := dyr[i] * w[i]
			dot += float64(g * v)
			dw[i] += dyr[i] * v * r
		}
		c := float32(dot) * r * r * r / float32(e)
		for i, v := range xr {
			dxr[i] += r*dyr[i]*w[i] - c*v
		}
	}
}

// ropeTable returns cos and sin of every (position, pair) for positions
// 0..T-1, built like tensor.Rope's angle cache: theta_0 = pos,
// theta_{i+1} = theta_i·base^(-2/ropeDim) in float32. tab[p*ropeDim+2i] is
// the cosine, tab[p*ropeDim+2i+1] the sine.
func ropeTable(T, ropeDim int, base float32) []float32 {
	tab := make([]float32, T*ropeDim)
	thetaScale := float32(math.Pow(float64(base), float64(float32(-2)/float32(ropeDim))))
	for p := range T {
		theta := float32(p)
		for i := 0; i < ropeDim; i += 2 {
			tab[p*ropeDim+i] = float32(math.Cos(float64(theta)))
			tab[p*ropeDim+i+1] = float32(math.Sin(float64(theta)))
			theta *= thetaScale
		}
	}
	return tab
}

// ropeFwd rotates, in place, each adjacent pair (2i, 2i+1) of every head of
// every row t by the angle of (t, i): llama's NORM mode, as tensor.Rope with
// neox = false (the whole head is rotated: ropeDim = headDim).
func ropeFwd(x, tab []float32, T, nHeads, hd int) {
	for t := range T {
		cs := tab[t*hd : (t+1)*hd]
		for h := range nHeads {
			v := x[(t*nHeads+h)*hd : (t*nHeads+h+1)*hd]
			for i := 0; i < hd; i += 2 {
				c, s := cs[i], cs[i+1]
				x0, x1 := v[i], v[i+1]
				v[i] = float32(x0*c) - float32(x1*s)
				v[i+1] = float32(x0*s) + float32(x1*c)
			}
		}
	}
}

// ropeBwd applies the transposed rotation (the angle negated) in place: the
// gradient of a rotation.
func ropeBwd(dx, tab []float32, T, nHeads, hd int) {
	for t := range T {
		cs := tab[t*hd : (t+1)*hd]
		for h := range nHeads {
			v := dx[(t*nHeads+h)*hd : (t*nHeads+h+1)*hd]
			for i := 0; i < hd; i += 2 {
				c, s := cs[i], cs[i+1]
				d0, d1 := v[i], v[i+1]
				v[i] = d0*c + d1*s
				v[i+1] = d1*c - d0*s
			}
		}
	}
}

// swigluFwd: a = silu(g) ⊙ u with silu(g) = g/(1+exp(-g)), as tensor.SiLU
// and tensor.Mul round it. sig receives sigmoid(g) for the backward pass.
func swigluFwd(a, sig, g, u []float32) {
	for i, gv := range g {
		e := 1 + float32(math.Exp(float64(-gv)))
		sig[i] = 1 / e
		a[i] = gv / e * u[i]
	}
}

// swigluBwd, with σ = sigmoid(g):
//
//	du += da·silu(g)
//	dg += da·u·σ·(1 + g·(1−σ))
func swigluBwd(dg, du, da, sigs, g, u []float32) {
	for i, gv := range g {
		sig := sigs[i]
		dg[i] += da[i] * u[i] * sig * (1 + gv*(1-sig))
		du[i] += da[i] * gv * sig
	}
}

// crossEntropy turns each row of logits (n rows of vocab) into its gradient
// scale·(softmax − onehot(target)) in place and returns Σ −log softmax at the
// targets, in float64 (log-sum-exp with the maximum subtracted).
func crossEntropy(logits []float32, targets []int32, vocab int, scale float32) float64 {
	var loss float64
	for r, tgt := range targets {
		row := logits[r*vocab : (r+1)*vocab]
		mx := float32(math.Inf(-1))
		for _, v := range row {
			mx = max(mx, v)
		}
		var sum float64
		for _, v := range row {
			sum += math.Exp(float64(v - mx))
		}
		loss += math.Log(sum) - float64(row[tgt]-mx)
		inv := 1 / sum
		for i, v := range row {
			row[i] = float32(math.Exp(float64(v-mx))*inv) * scale
		}
		row[tgt] -= scale
	}
	return loss
}
