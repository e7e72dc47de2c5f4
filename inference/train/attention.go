package train

import "math"

// Attention as matrix products. For query head h reading key/value head
// g = h/G (G = nHead/nHeadKV), with the head's rows gathered into
// contiguous T×hd blocks Q, K, V and s = 1/sqrt(hd):
//
//	S = Q·Kᵀ·s,  P = causal softmax of the rows of S,  O = P·V
//
// and backward, with c_i = Σ_j P_ij dP_ij:
//
//	dP = dO·Vᵀ,  dS_ij = P_ij (dP_ij − c_i),
//	dQ = dS·K·s,  dK += dSᵀ·Q·s,  dV += Pᵀ·dO
//
// Each product is one tensor.Pool MatMul; the entries above the diagonal
// are zero in P and dS, so the products compute them (twice the work of the
// triangle) but at matrix-kernel speed, which for heads of 32–64 beats one
// short dot product per pair by far. Scores and softmax round as package
// model does (float32 exponentials, float64 sum); the products sum in a
// different order, so the outputs agree with it to float32 rounding.

// heads gathers head h (hd wide) of every row of x (rows of width stride)
// into dst (T×hd).
func gatherHead(dst, x []float32, T, stride, off, hd int) {
	for t := range T {
		copy(dst[t*hd:(t+1)*hd], x[t*stride+off:t*stride+off+hd])
	}
}

// scatterAddHead adds src (T×hd) into head columns off..off+hd of x.
func scatterAddHead(x, src []float32, T, stride, off, hd int) {
	for t := range T {
		addTo(x[t*stride+off:t*stride+off+hd], src[t*hd:(t+1)*hd])
	}
}

// attnFwd computes out (T×nHead·hd) and keeps P (nHead·T·T, zero above the
// diagonal) for the backward pass.
func (l linear) attnFwd(out, P, q, k, v []float32, T, nHead, nHeadKV, hd int) {
	qd, kvd, group := nHead*hd, nHeadKV*hd, nHead/nHeadKV
	scale := float32(1 / math.Sqrt(float64(hd)))
	qh, kh, vT, oh := l.mem.takeDirty(T*hd), l.mem.takeDirty(T*hd), l.mem.takeDirty(T*hd), l.mem.takeDirty(T*hd)
	tmp := l.mem.takeDirty(T * hd)
	for g := range nHeadKV {
		gatherHead(kh, k, T, kvd, g*hd, hd)
		gatherHead(tmp, v, T, kvd, g*hd, hd)
		transpose(vT, tmp, T, hd)
		for h := g * group; h < (g+1)*group; h++ {
			gatherHead(qh, q, T, qd, h*hd, hd)
			S := P[h*T*T : (h+1)*T*T]
			l.pool.MatMul(S, matrix(kh, T, hd), qh, T) // S[i][j] = K_j·Q_i
			for i := range T {
				row := S[i*T : (i+1)*T]
				mx := float32(math.Inf(-1))
				for j := range row[:i+1] {
					row[j] *= scale
					mx = max(mx, row[j])
				}
				var sum float64
				for j, sc := range row[:i+1] {
					ex := float32(math.Exp(float64(sc - mx)))
					row[j] = ex
					sum += float64(ex)
				}
				inv := float32(1 / sum)
				for j := range row[:i+1] {
					row[j] *= inv
				}
				clear(row[i+1:])
			}
			l.pool.MatMul(oh, matrix(vT, hd, T), S, T) // O[i][c] = Σ_j V_jc P_ij
			for t := range T {
				copy(out[t*qd+h*hd:t*qd+(h+1)*hd], oh[t*hd:(t+1)*hd])
			}
		}
	}
}

// attnBwd adds the gradients of q, k and v given dout and attnFwd's P.
func (l linear) attnBwd(dq, dk, dv, dout, P, q, k, v []float32, T, nHead, nHeadKV, hd int) {
	qd, kvd, group := nHead*hd, nHeadKV*hd, nHead/nHeadKV
	scale := float32(1 / math.Sqrt(float64(hd)))
	m := l.mem.takeDirty
	kh, kT, vh, qh, qT, do, doT := m(T*hd), m(T*hd), m(T*hd), m(T*hd), m(T*hd), m(T*hd), m(T*hd)
	dK, dV, tmp := m(T*hd), m(T*hd), m(T*hd)
	dP, dST, PT := m(T*T), m(T*T), m(T*T)
	for g := range nHeadKV {
		gatherHead(kh, k, T, kvd, g*hd, hd)
		transpose(kT, kh, T, hd)
		gatherHead(vh, v, T, kvd, g*hd, hd)
		clear(dK)
		clear(dV)
		for h := g * group; h < (g+1)*group; h++ {
			Ph := P[h*T*T : (h+1)*T*T]
			gatherHead(qh, q, T, qd, h*hd, hd)
			transpose(qT, qh, T, hd)
			gatherHead(do, dout, T, qd, h*hd, hd)
			transpose(doT, do, T, hd)
			l.pool.MatMul(dP, matrix(vh, T, hd), do, T) // dP[i][j] = V_j·dO_i
			dS := dP                                    // in place, row by row
			for i := range T {
				p, d := Ph[i*T:i*T+i+1], dP[i*T:(i+1)*T]
				var c float64
				for j, pj := range p {
					c += float64(pj * d[j])
				}
				cf := float32(c)
				for j, pj := range p {
					d[j] = pj * (d[j] - cf) * scale
				}
				clear(d[i+1:])
			}
			l.pool.MatMul(tmp, matrix(kT, hd, T), dS, T) // dQ[i][c] = Σ_j K_jc dS_ij
			scatterAddHead(dq, tmp, T, qd, h*hd, hd)
			transpose(dST, dS, T, T)
			l.pool.MatMul(tmp, matrix(qT, hd, T), dST, T) // dK[j][c] = Σ_i Q_ic dS_ij
			addTo(dK, tmp)
			transpose(PT, Ph, T, T)
			l.pool.MatMul(tmp, matrix(doT, hd, T), PT, T) // dV[j][c] = Σ_i dO_ic P_ij
			addTo(dV, tmp)
		}
		scatterAddHead(dk, dK, T, kvd, g*hd, hd)
		scatterAddHead(dv, dV, T, kvd, g*hd, hd)
	}
}
