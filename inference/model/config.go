package model

import (
	"fmt"
	"math"
	"reflect"

	"github.com/logsift/logsift/inference/gguf"
)

// Config holds the hyper-parameters of a model, read from GGUF metadata.
type Config struct {
	Arch       string  // general.architecture: "llama" or "qwen2"
	Name       string  // general.name, if any
	NEmbd      int     // <arch>.embedding_length
	NLayer     int     // <arch>.block_count
	NHead      int     // <arch>.attention.head_count
	NHeadKV    int     // <arch>.attention.head_count_kv (defaults to NHead)
	NFF        int     // <arch>.feed_forward_length
	NCtx       int     // <arch>.context_length (training context)
	NVocab     int     // rows of token_embd
	HeadDim    int     // NEmbd / NHead
	RopeDim    int     // <arch>.rope.dimension_count (defaults to HeadDim)
	RopeBase   float32 // <arch>.rope.freq_base (defaults to 10000)
	RopeScale  float32 // position scale: 1/<arch>.rope.scaling.factor for linear scaling, else 1
	NormEps    float32 // <arch>.attention.layer_norm_rms_epsilon
	RopeNeox   bool    // rotate halves (qwen2) instead of adjacent pairs (llama)
	TiedOutput bool    // no output.weight: token_embd doubles as the output matrix
	QKVBias    bool    // attn_{q,k,v}.bias present (qwen2)
}

// QDim is the width of the query projection (all heads).
func (c Config) QDim() int { return c.NHead * c.HeadDim }

// KVDim is the width of one position's keys (or values) over all KV heads.
func (c Config) KVDim() int { return c.NHeadKV * c.HeadDim }

// archs lists the architectures this package runs and how they rotate.
var archs = map[string]struct{ neox bool }{
	"llama": {neox: false},
	"qwen2": {neox: true},
}

// ConfigFromGGUF reads the hyper-parameters of f. The vocabulary size is left
// zero; it comes from the token_embd tensor when the weights are bound.
func ConfigFromGGUF(f *gguf.File) (Config, error) {
	var c Config
	arch, ok := metaString(f, "general.architecture")
	if !ok {
		return c, fmt.Errorf("model: missing general.architecture")
	}
	a, ok := archs[arch]
	if !ok {
		return c, fmt.Errorf("model: architecture %q not supported (want llama or qwen2)", arch)
	}
	c.Arch = arch
	c.RopeNeox = a.neox
	c.Name, _ = metaString(f, "general.name")

	req := func(dst *int, key string) error {
		v, ok := metaInt(f, arch+"."+key)
		if !ok {
			return fmt.Errorf("model: missing %s.%s", arch, key)
		}
		if v <= 0 || v > 1<<24 {
			return fmt.Errorf("model: %s.%s = %d out of range", arch, key, v)
		}
		*dst = int(v)
		return nil
	}
	for _, r := range []struct {
		dst *int
		key string
	}{
		{&c.NEmbd, "embedding_length"},
		{&c.NLayer, "block_count"},
		{&c.NHead, "attention.head_count"},
		{&c.NFF, "feed_forward_length"},
		{&c.NCtx, "context_length"},
	} {
		if err := req(r.dst, r.key); err != nil {
			return c, err
		}
	}
	c.NHeadKV = c.NHead
	if v, ok := metaInt(f, arch+".attention.head_count_kv"); ok {
		c.NHeadKV = int(v)
	}
	if c.NHeadKV <= 0 || c.NHead%c.NHeadKV != 0 {
		return c, fmt.Errorf("model: head_count %d is not a multiple of head_count_kv %d", c.NHead, c.NHeadKV)
	}
	if c.NEmbd%c.NHead != 0 {
		return c, fmt.Errorf("model: embedding_length %d is not a multiple of head_count %d", c.NEmbd, c.NHead)
	}
	c.HeadDim = c.NEmbd / c.NHead
	c.RopeDim = c.HeadDim
	if v, ok := metaInt(f, arch+".rope.dimension_count"); ok {
		c.RopeDim = int(v)
	}
	if c.RopeDim <= 0 || c.RopeDim > c.HeadDim || c.RopeDim%2 != 0 {
		return c, fmt.Errorf("model: rope.dimension_count %d invalid for head_dim %d", c.RopeDim, c.HeadDim)
	}
	c.RopeBase = 10000
	if v, ok := metaFloat(f, arch+".rope.freq_base"); ok {
		c.RopeBase = float32(v)
	}
	if !(c.RopeBase > 0) {
		return c, fmt.Errorf("model: rope.freq_base %g must be positive", c.RopeBase)
	}
	c.RopeScale = 1
	scaling, _ := metaString(f, arch+".rope.scaling.type")
	switch scaling {
	case "", "none":
	case "linear":
		factor, ok := metaFloat(f, arch+".rope.scaling.factor")
		if !ok || !(factor > 0) {
			return c, fmt.Errorf("model: linear rope scaling needs a positive %s.rope.scaling.factor", arch)
		}
		c.RopeScale = float32(1 / factor)
	default:
		return c, fmt.Errorf("model: rope scaling %q not supported (want none or linear)", scaling)
	}
	if factor, ok := metaFloat(f, arch+".rope.scale_linear"); ok && scaling == "" && factor > 0 {
		c.RopeScale = float32(1 / factor)
	}
	v, ok := metaFloat(f, arch+".attention.layer_norm_rms_epsilon")
	if !ok {
		return c, fmt.Errorf("model: missing %s.attention.layer_norm_rms_epsilon", arch)
	}
	c.NormEps = float32(v)
	if !(c.NormEps > 0) {
		return c, fmt.Errorf("model: layer_norm_rms_epsilon %g must be positive", c.NormEps)
	}
	return c, nil
}

// The metadata helpers walk File.Metadata themselves so that any integer or
// float width the writer chose is accepted (converters disagree: uint32 for
// block_count, int32 or uint64 elsewhere).

func metaValue(f *gguf.File, key string) (any, bool) {
	for _, kv := range f.Metadata {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return nil, false
}

func metaString(f *gguf.File, key string) (string, bool) {
	v, ok := metaValue(f, key)
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	return s, ok
}

func metaInt(f *gguf.File, key string) (int64, bool) {
	v, ok := metaValue(f, key)
	if !ok {
		return 0, false
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return 0, false
		}
		return int64(u), true
	}
	return 0, false
}

func metaFloat(f *gguf.File, key string) (float64, bool) {
	v, ok := metaValue(f, key)
	if !ok {
		return 0, false
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Float32, reflect.Float64:
		return rv.Float(), true
	}
	if i, ok := metaInt(f, key); ok {
		return float64(i), true
	}
	return 0, false
}
