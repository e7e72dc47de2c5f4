package train

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/logsift/logsift/inference/gguf"
	"github.com/logsift/logsift/inference/tensor"
)

// setModelKV writes the llama.* hyper-parameters under llama.cpp's keys.
func (m *Model) setModelKV(w *gguf.Writer) {
	c := m.Cfg
	name := c.Name
	if name == "" {
		name = fmt.Sprintf("logsift llama %dx%d", c.NLayer, c.NEmbd)
	}
	w.SetKV("general.architecture", gguf.TypeString, "llama")
	w.SetKV("general.type", gguf.TypeString, "model")
	w.SetKV("general.name", gguf.TypeString, name)
	w.SetKV("llama.block_count", gguf.TypeUint32, c.NLayer)
	w.SetKV("llama.context_length", gguf.TypeUint32, c.Ctx)
	w.SetKV("llama.embedding_length", gguf.TypeUint32, c.NEmbd)
	w.SetKV("llama.feed_forward_length", gguf.TypeUint32, c.NFF)
	w.SetKV("llama.attention.head_count", gguf.TypeUint32, c.NHead)
	w.SetKV("llama.attention.head_count_kv", gguf.TypeUint32, c.NHeadKV)
	w.SetKV("llama.rope.freq_base", gguf.TypeFloat32, c.RopeBase)
	w.SetKV("llama.attention.layer_norm_rms_epsilon", gguf.TypeFloat32, c.Eps)
	w.SetKV("llama.rope.dimension_count", gguf.TypeUint32, c.HeadDim())
	w.SetKV("llama.vocab_size", gguf.TypeUint32, c.Vocab)
}

// WriteGGUF writes the model as a llama GGUF file: llama.cpp's metadata keys
// and tensor names, the output matrix tied to token_embd (no output.weight),
// norms in F32 and matrices in t (tensor.F32 or tensor.Q8_0, whose rows must
// then be a multiple of 32 wide). tokenizer writes the tokenizer.ggml.*
// metadata (e.g. a bpe.Vocab's WriteGGUF); its vocabulary must have
// Cfg.Vocab tokens, as llama.cpp requires.
func (m *Model) WriteGGUF(out io.Writer, tokenizer func(*gguf.Writer), t tensor.Type) error {
	if t != tensor.F32 && t != tensor.Q8_0 {
		return fmt.Errorf("train: export type %s not supported (want f32 or q8_0)", t)
	}
	w := gguf.NewWriter()
	m.setModelKV(w)
	fileType := 0 // LLAMA_FTYPE_ALL_F32
	if t == tensor.Q8_0 {
		fileType = 7 // LLAMA_FTYPE_MOSTLY_Q8_0
	}
	w.SetKV("general.file_type", gguf.TypeUint32, fileType)
	if t == tensor.Q8_0 {
		w.SetKV("general.quantization_version", gguf.TypeUint32, 2)
	}
	if tokenizer != nil {
		if err := m.copyTokenizer(w, tokenizer); err != nil {
			return err
		}
	}
	for _, p := range m.Params {
		typ := tensor.F32
		if len(p.Dims) == 2 {
			typ = t
		}
		rb, err := typ.RowBytes(p.Dims[0])
		if err != nil {
			return fmt.Errorf("train: tensor %q as %s: %w", p.Name, typ, err)
		}
		data := make([]byte, rb*(p.N/p.Dims[0]))
		tensor.Quantize(typ, m.W[p.Off:p.Off+p.N], data)
		if err := w.AddTensor(p.Name, uint32(typ), dims64(p.Dims), data); err != nil {
			return fmt.Errorf("train: %w", err)
		}
	}
	_, err := w.WriteTo(out)
	return err
}

// copyTokenizer runs the caller's tokenizer writer on a scratch Writer and
// copies its metadata into w after checking the vocabulary size: a file
// whose token_embd has more or fewer rows than the tokenizer has tokens
// loads in our engine but not in llama.cpp.
func (m *Model) copyTokenizer(w *gguf.Writer, tokenizer func(*gguf.Writer)) error {
	scratch := gguf.NewWriter()
	tokenizer(scratch)
	var buf bytes.Buffer
	if _, err := scratch.WriteTo(&buf); err != nil {
		return fmt.Errorf("train: tokenizer metadata: %w", err)
	}
	f, err := gguf.Parse(buf.Bytes())
	if err != nil {
		return fmt.Errorf("train: tokenizer metadata: %w", err)
	}
	toks, ok := f.Strings("tokenizer.ggml.tokens")
	if !ok {
		return fmt.Errorf("train: tokenizer metadata has no tokenizer.ggml.tokens")
	}
	if len(toks) != m.Cfg.Vocab {
		return fmt.Errorf("train: tokenizer has %d tokens, the model's vocabulary %d", len(toks), m.Cfg.Vocab)
	}
	for _, kv := range f.Metadata {
		w.SetKV(kv.Key, kv.Type, kv.Value)
	}
	return nil
}

func dims64(d []int) []uint64 {
	out := make([]uint64, len(d))
	for i, v := range d {
		out[i] = uint64(v)
	}
	return out
}

// A checkpoint is a GGUF file: the model's metadata and F32 weights under
// their export names, the AdamW moments as "adam.m.<name>" and
// "adam.v.<name>", with Options.EMA the running average as "ema.<name>",
// and the run's position in train.step and train.adam_t.
// Reusing GGUF means no new binary format, and a checkpoint can be inspected
// with the usual tools.

const (
	keyStep  = "train.step"
	keyAdamT = "train.adam_t"
)

func f32Bytes(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

// stateTensor is one of a run's buffers laid out like Model.W, saved under
// prefix+name in a checkpoint.
type stateTensor struct {
	prefix string
	v      []float32
}

// state is what a checkpoint holds per parameter: the weights, AdamW's
// moments and, with Options.EMA, the running average ("ema.<name>").
func (tr *trainer) state() []stateTensor {
	s := []stateTensor{{"", tr.m.W}, {"adam.m.", tr.opt.m}, {"adam.v.", tr.opt.v}}
	if tr.ema != nil {
		s = append(s, stateTensor{"ema.", tr.ema})
	}
	return s
}

func (tr *trainer) save(path string) error {
	w := gguf.NewWriter()
	tr.m.setModelKV(w)
	w.SetKV(keyStep, gguf.TypeUint64, uint64(tr.step))
	w.SetKV(keyAdamT, gguf.TypeUint64, uint64(tr.opt.t))
	for _, p := range tr.m.Params {
		for _, t := range tr.state() {
			if err := w.AddTensor(t.prefix+p.Name, uint32(tensor.F32), dims64(p.Dims), f32Bytes(t.v[p.Off:p.Off+p.N])); err != nil {
				return fmt.Errorf("train: checkpoint: %w", err)
			}
		}
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	if _, err := w.WriteTo(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("train: checkpoint %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("train: checkpoint %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	tr.o.Logger.Debug("checkpoint written", "path", path, "step", tr.step)
	return nil
}

// load restores weights, AdamW state and step from a checkpoint written for
// a model of the same shape.
func (tr *trainer) load(path string) error {
	f, err := gguf.Open(path)
	if err != nil {
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	defer f.Close()
	step, ok1 := f.Int(keyStep)
	adamT, ok2 := f.Int(keyAdamT)
	if !ok1 || !ok2 || step < 0 || adamT < 0 {
		return fmt.Errorf("train: checkpoint %s: no valid %s and %s", path, keyStep, keyAdamT)
	}
	c := tr.m.Cfg
	for _, k := range []struct {
		key  string
		want int
	}{{"llama.embedding_length", c.NEmbd}, {"llama.block_count", c.NLayer}, {"llama.attention.head_count", c.NHead},
		{"llama.attention.head_count_kv", c.NHeadKV}, {"llama.feed_forward_length", c.NFF}, {"llama.vocab_size", c.Vocab}} {
		if got, ok := f.Int(k.key); !ok || got != k.want {
			return fmt.Errorf("train: checkpoint %s: %s is %d, the model has %d", path, k.key, got, k.want)
		}
	}
	for _, p := range tr.m.Params {
		for _, t := range tr.state() {
			name := t.prefix + p.Name
			ti, ok := f.Tensor(name)
			if !ok || ti.Type != uint32(tensor.F32) || ti.Elements() != uint64(p.N) || strings.TrimSpace(fmt.Sprint(ti.Dims)) != fmt.Sprint(dims64(p.Dims)) {
				return fmt.Errorf("train: checkpoint %s: tensor %q missing or not F32 %v", path, name, p.Dims)
			}
			tensor.Dequantize(tensor.F32, f.TensorData(ti), t.v[p.Off:p.Off+p.N])
		}
	}
	tr.step, tr.opt.t = step, adamT
	return nil
}
