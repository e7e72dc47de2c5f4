package model

import (
	"fmt"
	"log/slog"
	"runtime"

	"github.com/logsift/logsift/inference/gguf"
	"github.com/logsift/logsift/inference/tensor"
	"github.com/logsift/logsift/inference/tokenizer"
)

// Options configure a Model.
type Options struct {
	// Threads used by the matrix products and attention (0 = one per CPU).
	// Ignored when Pool is set.
	Threads int
	// Pool, if set, is shared with the caller and not closed by Model.Close.
	Pool *tensor.Pool
	// KVType is the precision of cached keys and values: tensor.F32 (the
	// zero value) or tensor.F16, llama.cpp's default. With F16, keys, values
	// and queries are rounded to F16 and so are the attention weights before
	// they multiply the values, as ggml's F16-cache attention does.
	KVType tensor.Type
	// MaxBatch is the largest number of batch entries one Forward accepts
	// (0 = 512). Scratch memory grows linearly with it.
	MaxBatch int
	// Logger receives load-time information (nil = discard).
	Logger *slog.Logger
}

// Model is a loaded llama or qwen2 model. Forward uses scratch buffers owned
// by the model, so one Model serves one Forward at a time; everything else is
// safe for concurrent use.
type Model struct {
	cfg     Config
	tok     *tokenizer.Tokenizer
	file    *gguf.File // closed by Close when owned
	ownFile bool
	pool    *tensor.Pool
	ownPool bool

	embd    tensor.Matrix // token_embd: NVocab rows of NEmbd
	outNorm []float32
	ropeFF  []float32     // rope_freqs.weight (Llama 3 frequency factors), else nil
	output  tensor.Matrix // output, or token_embd when tied
	layers  []layer

	maxBatch int
	kvF16    bool
	s        scratch
}

// layer holds one transformer block's weights, bound by GGUF tensor name.
type layer struct {
	attnNorm   []float32     // blk.N.attn_norm
	wq, wk, wv tensor.Matrix // blk.N.attn_{q,k,v}
	bq, bk, bv []float32     // blk.N.attn_{q,k,v}.bias (qwen2), else nil
	wo         tensor.Matrix // blk.N.attn_output
	ffnNorm    []float32     // blk.N.ffn_norm
	gate, up   tensor.Matrix // blk.N.ffn_{gate,up}
	down       tensor.Matrix // blk.N.ffn_down
}

// Load opens a GGUF file and binds its weights. Close releases the file.
func Load(path string, opts Options) (*Model, error) {
	f, err := gguf.Open(path)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	m, err := FromGGUF(f, opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	m.ownFile = true
	return m, nil
}

// FromGGUF binds the weights of an already opened file. The file must stay
// open while the model is used; Close does not close it.
func FromGGUF(f *gguf.File, opts Options) (*Model, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg, err := ConfigFromGGUF(f)
	if err != nil {
		return nil, err
	}
	if opts.MaxBatch < 0 {
		return nil, fmt.Errorf("model: MaxBatch %d must not be negative", opts.MaxBatch)
	}
	if opts.Threads < 0 {
		return nil, fmt.Errorf("model: Threads %d must not be negative", opts.Threads)
	}
	if opts.KVType != tensor.F32 && opts.KVType != tensor.F16 {
		return nil, fmt.Errorf("model: KVType %s not supported (want f32 or f16)", opts.KVType)
	}
	m := &Model{file: f, maxBatch: opts.MaxBatch, kvF16: opts.KVType == tensor.F16}
	if m.maxBatch == 0 {
		m.maxBatch = 512
	}
	b := binder{f: f}
	m.embd = b.matrix("token_embd.weight", cfg.NEmbd, -1)
	cfg.NVocab = m.embd.Rows
	m.outNorm = b.vector("output_norm.weight", cfg.NEmbd)
	if _, ok := f.Tensor("output.weight"); ok {
		m.output = b.matrix("output.weight", cfg.NEmbd, cfg.NVocab)
	} else {
		cfg.TiedOutput = true
		m.output = m.embd
	}
	if _, ok := f.Tensor("rope_freqs.weight"); ok {
		m.ropeFF = b.vector("rope_freqs.weight", cfg.RopeDim/2)
	}
	if _, ok := f.Tensor("blk.0.attn_q.bias"); ok {
		cfg.QKVBias = true
	}
	qd, kvd := cfg.QDim(), cfg.KVDim()
	m.layers = make([]layer, cfg.NLayer)
	for i := range m.layers {
		p := fmt.Sprintf("blk.%d.", i)
		l := &m.layers[i]
		l.attnNorm = b.vector(p+"attn_norm.weight", cfg.NEmbd)
		l.wq = b.matrix(p+"attn_q.weight", cfg.NEmbd, qd)
		l.wk = b.matrix(p+"attn_k.weight", cfg.NEmbd, kvd)
		l.wv = b.matrix(p+"attn_v.weight", cfg.NEmbd, kvd)
		if cfg.QKVBias {
			l.bq = b.vector(p+"attn_q.bias", qd)
			l.bk = b.vector(p+"attn_k.bias", kvd)
			l.bv = b.vector(p+"attn_v.bias", kvd)
		}
		l.wo = b.matrix(p+"attn_output.weight", qd, cfg.NEmbd)
		l.ffnNorm = b.vector(p+"ffn_norm.weight", cfg.NEmbd)
		l.gate = b.matrix(p+"ffn_gate.weight", cfg.NEmbd, cfg.NFF)
		l.up = b.matrix(p+"ffn_up.weight", cfg.NEmbd, cfg.NFF)
		l.down = b.matrix(p+"ffn_down.weight", cfg.NFF, cfg.NEmbd)
	}
	if b.err != nil {
		return nil, b.err
	}
	m.cfg = cfg

	tok, err := tokenizer.FromGGUF(f)
	if err != nil {
		return nil, fmt.Errorf("model: tokenizer: %w", err)
	}
	if tok.VocabSize() > cfg.NVocab {
		return nil, fmt.Errorf("model: tokenizer has %d tokens but token_embd only %d rows", tok.VocabSize(), cfg.NVocab)
	}
	m.tok = tok

	if opts.Pool != nil {
		m.pool = opts.Pool
	} else {
		t := opts.Threads
		if t == 0 {
			t = runtime.NumCPU()
		}
		m.pool = tensor.NewPool(t)
		m.ownPool = true
	}
	m.s.init(m)
	log.Info("model loaded", "arch", cfg.Arch, "n_embd", cfg.NEmbd, "n_layer", cfg.NLayer,
		"n_head", cfg.NHead, "n_head_kv", cfg.NHeadKV, "n_ff", cfg.NFF, "n_vocab", cfg.NVocab,
		"tied_output", cfg.TiedOutput, "threads", m.pool.Threads())
	return m, nil
}

// Config returns the model's hyper-parameters.
func (m *Model) Config() Config { return m.cfg }

// Tokenizer returns the tokenizer read from the model file.
func (m *Model) Tokenizer() *tokenizer.Tokenizer { return m.tok }

// MaxBatch is the largest batch Forward accepts.
func (m *Model) MaxBatch() int { return m.maxBatch }

// KVType is the precision of the keys and values Forward stores.
func (m *Model) KVType() tensor.Type {
	if m.kvF16 {
		return tensor.F16
	}
	return tensor.F32
}

// Threads is the number of threads Forward uses.
func (m *Model) Threads() int { return m.pool.Threads() }

// Close releases the worker pool and the file when the model owns them.
func (m *Model) Close() error {
	var err error
	if m.ownPool && m.pool != nil {
		m.pool.Close()
		m.pool = nil
	}
	if m.ownFile && m.file != nil {
		err = m.file.Close()
		m.file = nil
	}
	return err
}

// binder looks tensors up by name and checks their shapes; the first error
// sticks so that binding code reads as a flat list of names.
type binder struct {
	f   *gguf.File
	err error
}

// matrix binds a 2-D tensor with rows of cols elements and, if rows >= 0,
// exactly rows rows.
func (b *binder) matrix(name string, cols, rows int) tensor.Matrix {
	if b.err != nil {
		return tensor.Matrix{}
	}
	ti, ok := b.f.Tensor(name)
	if !ok {
		b.err = fmt.Errorf("model: missing tensor %q", name)
		return tensor.Matrix{}
	}
	if len(ti.Dims) != 2 || ti.Dims[0] != uint64(cols) || (rows >= 0 && ti.Dims[1] != uint64(rows)) || ti.Dims[1] == 0 || ti.Dims[1] > 1<<31 {
		b.err = fmt.Errorf("model: tensor %q has shape %v, want [%d %s]", name, ti.Dims, cols, rowsText(rows))
		return tensor.Matrix{}
	}
	t := tensor.Type(ti.Type)
	data := b.f.TensorData(ti)
	m := tensor.Matrix{Type: t, Rows: int(ti.Dims[1]), Cols: cols, Data: data}
	rb, err := t.RowBytes(cols)
	if err != nil {
		b.err = fmt.Errorf("model: tensor %q: %w", name, err)
		return tensor.Matrix{}
	}
	if len(data) != rb*m.Rows {
		b.err = fmt.Errorf("model: tensor %q: %d bytes of data, want %d (%d rows of %d bytes)", name, len(data), rb*m.Rows, m.Rows, rb)
		return tensor.Matrix{}
	}
	return m
}

// vector binds a 1-D tensor of n elements, converted to F32.
func (b *binder) vector(name string, n int) []float32 {
	if b.err != nil {
		return nil
	}
	ti, ok := b.f.Tensor(name)
	if !ok {
		b.err = fmt.Errorf("model: missing tensor %q", name)
		return nil
	}
	if len(ti.Dims) != 1 || ti.Dims[0] != uint64(n) {
		b.err = fmt.Errorf("model: tensor %q has shape %v, want [%d]", name, ti.Dims, n)
		return nil
	}
	t := tensor.Type(ti.Type)
	rb, err := t.RowBytes(n)
	if err != nil {
		b.err = fmt.Errorf("model: tensor %q: %w", name, err)
		return nil
	}
	data := b.f.TensorData(ti)
	if len(data) != rb {
		b.err = fmt.Errorf("model: tensor %q: %d bytes of data, want %d", name, len(data), rb)
		return nil
	}
	out := make([]float32, n)
	tensor.Dequantize(t, data, out)
	return out
}

func rowsText(rows int) string {
	if rows < 0 {
		return "any"
	}
	return fmt.Sprint(rows)
}
