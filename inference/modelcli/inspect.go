package modelcli

import (
	"context"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strings"

	"github.com/logsift/logsift/inference/gguf"
	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/tensor"
	"github.com/logsift/logsift/inference/tokenizer"
)

const inspectUsage = "--model M [--format text|json]"

type inspectResult struct {
	File         string            `json:"file"`
	FileBytes    int64             `json:"file_bytes"`
	GGUFVersion  uint32            `json:"gguf_version"`
	Architecture string            `json:"architecture"`
	Config       *model.Config     `json:"config,omitempty"`
	ConfigError  string            `json:"config_error,omitempty"`
	Params       uint64            `json:"params"`
	TensorBytes  uint64            `json:"tensor_bytes"`
	TensorTypes  map[string]int    `json:"tensor_types"`
	Tensors      []inspectTensor   `json:"tensors"`
	Tokenizer    *inspectTokenizer `json:"tokenizer,omitempty"`
	TokErr       string            `json:"tokenizer_error,omitempty"`
	Metadata     []inspectKV       `json:"metadata"`
}

type inspectTensor struct {
	Name  string   `json:"name"`
	Type  string   `json:"type"`
	Dims  []uint64 `json:"dims"`
	Bytes uint64   `json:"bytes"`
}

type inspectTokenizer struct {
	Model     string `json:"model"`
	Pre       string `json:"pre,omitempty"`
	VocabSize int    `json:"vocab_size"`
	BOS       int32  `json:"bos"`
	EOS       int32  `json:"eos"`
}

type inspectKV struct {
	Key   string `json:"key"`
	Type  string `json:"type"`
	Value any    `json:"value"`
}

func runInspect(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("inspect")
	path := fs.String("model", "", "GGUF file")
	format := fs.String("format", "text", "output format: text or json")
	if err := parse(fs, inspectUsage, args, stdout); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *path == "" {
		return usagef("--model is required")
	}
	if err := checkFormat(*format, "text", "json"); err != nil {
		return err
	}
	f, err := gguf.Open(*path)
	if err != nil {
		return err
	}
	defer f.Close()
	res := inspect(*path, f)
	if *format == "json" {
		return writeJSON(stdout, res)
	}
	return printInspect(stdout, res)
}

func inspect(path string, f *gguf.File) *inspectResult {
	res := &inspectResult{File: path, GGUFVersion: f.Version, TensorTypes: map[string]int{}, Tensors: []inspectTensor{}}
	if st, err := os.Stat(path); err == nil {
		res.FileBytes = st.Size()
	}
	res.Architecture, _ = f.String("general.architecture")
	// A vocabulary-only file has hyper-parameters but nothing to run.
	if cfg, err := model.ConfigFromGGUF(f); err == nil && len(f.Tensors) > 0 {
		if ti, ok := f.Tensor("token_embd.weight"); ok && len(ti.Dims) == 2 {
			cfg.NVocab = int(ti.Dims[1])
		}
		_, hasOut := f.Tensor("output.weight")
		_, hasBias := f.Tensor("blk.0.attn_q.bias")
		cfg.TiedOutput, cfg.QKVBias = !hasOut, hasBias
		res.Config = &cfg
	} else if len(f.Tensors) > 0 {
		res.ConfigError = err.Error()
	}
	for _, ti := range f.Tensors {
		name := strings.ToUpper(tensor.Type(ti.Type).String())
		res.TensorTypes[name]++
		res.Params += ti.Elements()
		res.TensorBytes += ti.Size
		res.Tensors = append(res.Tensors, inspectTensor{Name: ti.Name, Type: name, Dims: ti.Dims, Bytes: ti.Size})
	}
	if tok, err := tokenizer.FromGGUF(f); err == nil {
		it := &inspectTokenizer{VocabSize: tok.VocabSize(), BOS: tok.BOS(), EOS: tok.EOS()}
		it.Model, _ = f.String("tokenizer.ggml.model")
		it.Pre, _ = f.String("tokenizer.ggml.pre")
		res.Tokenizer = it
	} else {
		res.TokErr = err.Error()
	}
	for _, kv := range f.Metadata {
		res.Metadata = append(res.Metadata, inspectKV{Key: kv.Key, Type: kv.Type.String(), Value: summarise(kv)})
	}
	return res
}

// summarise keeps scalars and replaces long arrays (vocabularies, merges) by
// their length and first elements.
func summarise(kv gguf.KV) any {
	if kv.Type != gguf.TypeArray {
		return kv.Value
	}
	rv := reflect.ValueOf(kv.Value)
	n := rv.Len()
	et, _ := kv.ElemType()
	if n <= 8 {
		return kv.Value
	}
	head := make([]any, 0, 4)
	for i := 0; i < 4; i++ {
		head = append(head, rv.Index(i).Interface())
	}
	return map[string]any{"array_of": et.String(), "len": n, "head": head}
}

func printInspect(w io.Writer, r *inspectResult) error {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("file:          %s (%d bytes, GGUF v%d)\n", r.File, r.FileBytes, r.GGUFVersion)
	p("architecture:  %s\n", orNone(r.Architecture))
	if c := r.Config; c != nil {
		p("shape:         n_embd %d, n_layer %d, n_head %d, n_head_kv %d (head_dim %d), n_ff %d, n_vocab %d\n",
			c.NEmbd, c.NLayer, c.NHead, c.NHeadKV, c.HeadDim, c.NFF, c.NVocab)
		p("context:       %d, rope base %g, rope dims %d (%s), rms eps %g, tied output %v, qkv bias %v\n",
			c.NCtx, c.RopeBase, c.RopeDim, map[bool]string{false: "norm", true: "neox"}[c.RopeNeox], c.NormEps, c.TiedOutput, c.QKVBias)
	}
	if r.ConfigError != "" {
		p("config error:  %s\n", r.ConfigError)
	}
	p("parameters:    %d (%.2f M), %d tensors, %.2f MiB of tensor data\n", r.Params, float64(r.Params)/1e6, len(r.Tensors), float64(r.TensorBytes)/(1<<20))
	types := make([]string, 0, len(r.TensorTypes))
	for t, n := range r.TensorTypes {
		types = append(types, fmt.Sprintf("%s×%d", t, n))
	}
	sort.Strings(types)
	p("tensor types:  %s\n", orNone(strings.Join(types, ", ")))
	if t := r.Tokenizer; t != nil {
		p("tokenizer:     %s (pre %s), %d tokens, bos %d, eos %d\n", t.Model, orNone(t.Pre), t.VocabSize, t.BOS, t.EOS)
	} else {
		p("tokenizer:     none (%s)\n", r.TokErr)
	}
	p("metadata:\n")
	for _, kv := range r.Metadata {
		p("  %-45s %-8s %v\n", kv.Key, kv.Type, kv.Value)
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// modelSize reports parameters (millions) and tensor bytes (MiB) of a file.
func modelSize(path string) (float64, float64) {
	f, err := gguf.Open(path)
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	var n, b uint64
	for _, ti := range f.Tensors {
		n += ti.Elements()
		b += ti.Size
	}
	return float64(n) / 1e6, float64(b) / (1 << 20)
}
