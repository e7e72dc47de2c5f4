package train

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Config is the shape of a model.
type Config struct {
	Name     string  // general.name of the exported file
	NEmbd    int     // width of the residual stream
	NLayer   int     // transformer blocks
	NHead    int     // query heads
	NHeadKV  int     // key/value heads (NHead must be a multiple)
	NFF      int     // hidden width of the SwiGLU feed-forward
	Vocab    int     // tokens (rows of token_embd)
	Ctx      int     // longest sequence trained on (context_length)
	RopeBase float32 // rope.freq_base (0 = 10000)
	Eps      float32 // RMSNorm epsilon (0 = 1e-5)
}

// HeadDim is NEmbd / NHead.
func (c Config) HeadDim() int { return c.NEmbd / c.NHead }

func (c Config) qDim() int  { return c.NHead * c.HeadDim() }
func (c Config) kvDim() int { return c.NHeadKV * c.HeadDim() }

func (c *Config) defaults() {
	if c.RopeBase == 0 {
		c.RopeBase = 10000
	}
	if c.Eps == 0 {
		c.Eps = 1e-5
	}
}

func (c Config) validate() error {
	for _, f := range []struct {
		name string
		v    int
	}{{"NEmbd", c.NEmbd}, {"NLayer", c.NLayer}, {"NHead", c.NHead}, {"NHeadKV", c.NHeadKV}, {"NFF", c.NFF}, {"Vocab", c.Vocab}, {"Ctx", c.Ctx}} {
		if f.v <= 0 || f.v > 1<<24 {
			return fmt.Errorf("train: config %s = %d out of range [1, %d]", f.name, f.v, 1<<24)
		}
	}
	if c.NEmbd%c.NHead != 0 || c.HeadDim()%2 != 0 {
		return fmt.Errorf("train: config NEmbd %d must be NHead %d times an even head size", c.NEmbd, c.NHead)
	}
	if c.HeadDim() > 1024 {
		return fmt.Errorf("train: config head size %d above 1024", c.HeadDim())
	}
	if c.NHead%c.NHeadKV != 0 {
		return fmt.Errorf("train: config NHead %d is not a multiple of NHeadKV %d", c.NHead, c.NHeadKV)
	}
	if !(c.RopeBase > 0) || !(c.Eps > 0) {
		return fmt.Errorf("train: config RopeBase %g and Eps %g must be positive", c.RopeBase, c.Eps)
	}
	return nil
}

// Param is one named tensor of a model, a view into Model.W.
type Param struct {
	Name  string // GGUF tensor name, e.g. "blk.0.attn_q.weight"
	Dims  []int  // ggml order: Dims[0] elements per row
	Off   int    // offset in Model.W
	N     int    // elements
	Decay bool   // AdamW applies weight decay (matrices, not norms)
}

// Model is a trainable llama model: all weights in one flat slice, so that
// gradients, optimizer moments and checkpoints share one layout.
type Model struct {
	Cfg    Config
	W      []float32
	Params []Param
}

// weights are the views of one flat buffer (the weights or a gradient) by
// role; matrices are row-major with Dims[1] rows of Dims[0] elements.
type weights struct {
	embd, outNorm []float32
	layers        []layerWeights
}

type layerWeights struct {
	attnNorm, wq, wk, wv, wo, ffnNorm, gate, up, down []float32
}

// layout lists the tensors in the order llama.cpp's converter writes them.
func layout(c Config) []Param {
	var ps []Param
	off := 0
	add := func(name string, decay bool, dims ...int) {
		n := 1
		for _, d := range dims {
			n *= d
		}
		ps = append(ps, Param{Name: name, Dims: dims, Off: off, N: n, Decay: decay})
		off += n
	}
	E, qd, kvd := c.NEmbd, c.qDim(), c.kvDim()
	add("token_embd.weight", true, E, c.Vocab)
	add("output_norm.weight", false, E)
	for l := range c.NLayer {
		p := fmt.Sprintf("blk.%d.", l)
		add(p+"attn_norm.weight", false, E)
		add(p+"attn_q.weight", true, E, qd)
		add(p+"attn_k.weight", true, E, kvd)
		add(p+"attn_v.weight", true, E, kvd)
		add(p+"attn_output.weight", true, qd, E)
		add(p+"ffn_norm.weight", false, E)
		add(p+"ffn_gate.weight", true, E, c.NFF)
		add(p+"ffn_up.weight", true, E, c.NFF)
		add(p+"ffn_down.weight", true, c.NFF, E)
	}
	return ps
}

func (m *Model) bind(flat []float32) weights {
	v := func(i int) []float32 { p := m.Params[i]; return flat[p.Off : p.Off+p.N : p.Off+p.N] }
	w := weights{embd: v(0), outNorm: v(1), layers: make([]layerWeights, m.Cfg.NLayer)}
	for l := range w.layers {
		b := 2 + 9*l
		w.layers[l] = layerWeights{v(b), v(b + 1), v(b + 2), v(b + 3), v(b + 4), v(b + 5), v(b + 6), v(b + 7), v(b + 8)}
	}
	return w
}

// New makes a model with seeded random weights: matrices N(0, 0.02²), the
// residual projections (attn_output, ffn_down) scaled down by
// 1/sqrt(2·NLayer) so the residual stream's variance does not grow with
// depth (GPT-2's initialisation), norm weights 1.
func New(cfg Config, seed uint64) (*Model, error) {
	cfg.defaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	m := &Model{Cfg: cfg, Params: layout(cfg)}
	last := m.Params[len(m.Params)-1]
	m.W = make([]float32, last.Off+last.N)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	resid := 0.02 / math.Sqrt(2*float64(cfg.NLayer))
	for _, p := range m.Params {
		w := m.W[p.Off : p.Off+p.N]
		switch {
		case !p.Decay:
			for i := range w {
				w[i] = 1
			}
		default:
			std := 0.02
			if hasSuffix(p.Name, "attn_output.weight") || hasSuffix(p.Name, "ffn_down.weight") {
				std = resid
			}
			for i := range w {
				w[i] = float32(rng.NormFloat64() * std)
			}
		}
	}
	return m, nil
}

// NumParams is the number of trainable values.
func (m *Model) NumParams() int { return len(m.W) }

func hasSuffix(s, suf string) bool { return len(s) >= len(suf) && s[len(s)-len(suf):] == suf }
