package train

import (
	"math"

	"github.com/logsift/logsift/inference/tensor"
)

// The plain attention: one dot product or axpy per (query, key) pair. It is
// the oracle for attention.go's matrix-product version.

// attnFwdRef is causal grouped-query attention over one sequence of T rows.
// Query head h reads key/value head h/G (G = nHead/nHeadKV):
//
//	P[h][i][j] = softmax_j≤i( q_i,h · k_j,h/G / sqrt(hd) )
//	out_i,h    = Σ_j P[h][i][j] v_j,h/G
//
// rounded as package model's attention (float32 scores and exponentials,
// float64 sum), except that the weighted sum of values uses fused
// multiply-adds (tensor.Axpy), which package model does not: the results
// differ in the last bits. P (nHead·T·T, upper triangle unused) is kept for backward.
func attnFwdRef(out, P, q, k, v []float32, T, nHead, nHeadKV, hd int) {
	qd, kvd, group := nHead*hd, nHeadKV*hd, nHead/nHeadKV
	scale := float32(1 / math.Sqrt(float64(hd)))
	for h := range nHead {
		ko := (h / group) * hd
		for i := range T {
			qi := q[i*qd+h*hd : i*qd+(h+1)*hd]
			p := P[(h*T+i)*T : (h*T+i)*T+i+1]
			mx := float32(math.Inf(-1))
			for j := range p {
				sc := tensor.Dot(qi, k[j*kvd+ko:j*kvd+ko+hd]) * scale
				p[j] = sc
				mx = max(mx, sc)
			}
			var sum float64
			for j, sc := range p {
				ex := float32(math.Exp(float64(sc - mx)))
				p[j] = ex
				sum += float64(ex)
			}
			inv := float32(1 / sum)
			o := out[i*qd+h*hd : i*qd+(h+1)*hd]
			clear(o)
			for j := range p {
				p[j] *= inv
				tensor.Axpy(o, p[j], v[j*kvd+ko:j*kvd+ko+hd])
			}
		}
	}
}

// attnBwdRef, per head and query row i, with dP_ij = dout_i · v_j:
//
//	dv_j += P_ij dout_i
//	dS_ij = P_ij (dP_ij − Σ_j' P_ij' dP_ij')
//	dq_i += Σ_j dS_ij k_j / sqrt(hd),   dk_j += dS_ij q_i / sqrt(hd)
//
// dS is scratch of T floats.
func attnBwdRef(dq, dk, dv, dout, P, q, k, v, dS []float32, T, nHead, nHeadKV, hd int) {
	qd, kvd, group := nHead*hd, nHeadKV*hd, nHead/nHeadKV
	scale := float32(1 / math.Sqrt(float64(hd)))
	for h := range nHead {
		ko := (h / group) * hd
		for i := range T {
			p := P[(h*T+i)*T : (h*T+i)*T+i+1]
			do := dout[i*qd+h*hd : i*qd+(h+1)*hd]
			ds := dS[:i+1]
			var dot float64
			for j, pj := range p {
				dp := tensor.Dot(do, v[j*kvd+ko:j*kvd+ko+hd])
				ds[j] = dp
				dot += float64(pj * dp)
				tensor.Axpy(dv[j*kvd+ko:j*kvd+ko+hd], pj, do)
			}
			d := float32(dot)
			qi, dqi := q[i*qd+h*hd:i*qd+(h+1)*hd], dq[i*qd+h*hd:i*qd+(h+1)*hd]
			for j, pj := range p {
				g := pj * (ds[j] - d) * scale
				if g == 0 {
					continue
				}
				tensor.Axpy(dqi, g, k[j*kvd+ko:j*kvd+ko+hd])
				tensor.Axpy(dk[j*kvd+ko:j*kvd+ko+hd], g, qi)
			}
		}
	}
}
