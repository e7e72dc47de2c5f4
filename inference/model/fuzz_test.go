package model

import (
	"bytes"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logsift/logsift/inference/gguf"
	"github.com/logsift/logsift/inference/tensor"
)

// microModel writes a one-layer llama (n_embd 32, tied Q8_0 embeddings) with
// the tiny fixtures' tokenizer: a small seed for fuzzing the loader.
func microModel(t testing.TB) []byte {
	t.Helper()
	src, err := gguf.Open(filepath.Join(conformanceDir, "models", "tiny-llama-f32.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	w := gguf.NewWriter()
	w.SetKV("general.architecture", gguf.TypeString, "llama")
	for k, v := range map[string]int{"embedding_length": 32, "block_count": 1, "attention.head_count": 2, "attention.head_count_kv": 1, "feed_forward_length": 64, "context_length": 64} {
		w.SetKV("llama."+k, gguf.TypeUint32, v)
	}
	w.SetKV("llama.attention.layer_norm_rms_epsilon", gguf.TypeFloat32, float32(1e-5))
	for _, kv := range src.Metadata {
		if strings.HasPrefix(kv.Key, "tokenizer.") {
			w.SetKV(kv.Key, kv.Type, kv.Value)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	add := func(name string, typ tensor.Type, dims ...uint64) {
		n := int(dims[0])
		if len(dims) == 2 {
			n *= int(dims[1])
		}
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64() * 0.02)
			if len(dims) == 1 {
				v[i] = 1
			}
		}
		rb, err := typ.RowBytes(int(dims[0]))
		if err != nil {
			t.Fatal(err)
		}
		data := make([]byte, rb*n/int(dims[0]))
		tensor.Quantize(typ, v, data)
		if err := w.AddTensor(name, uint32(typ), dims, data); err != nil {
			t.Fatal(err)
		}
	}
	add("token_embd.weight", tensor.Q8_0, 32, 640)
	add("output_norm.weight", tensor.F32, 32)
	add("blk.0.attn_norm.weight", tensor.F32, 32)
	add("blk.0.attn_q.weight", tensor.F16, 32, 32)
	add("blk.0.attn_k.weight", tensor.Q4_0, 32, 16)
	add("blk.0.attn_v.weight", tensor.F32, 32, 16)
	add("blk.0.attn_output.weight", tensor.Q8_0, 32, 32)
	add("blk.0.ffn_norm.weight", tensor.F32, 32)
	add("blk.0.ffn_gate.weight", tensor.Q8_0, 32, 64)
	add("blk.0.ffn_up.weight", tensor.Q8_0, 32, 64)
	add("blk.0.ffn_down.weight", tensor.Q8_0, 64, 32)
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestMicroModel(t *testing.T) {
	f, err := gguf.Parse(microModel(t))
	if err != nil {
		t.Fatal(err)
	}
	m, err := FromGGUF(f, Options{Threads: 1, MaxBatch: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if c := m.Config(); c.HeadDim != 16 || c.NHeadKV != 1 || !c.TiedOutput || c.RopeBase != 10000 {
		t.Errorf("config %+v", c)
	}
	var b Batch
	b.AddSeq([]int32{637, 1, 2}, 0, 0)
	l, err := m.Forward(&b, m.NewCache(1, 8))
	if err != nil || len(l) != 640 {
		t.Fatalf("Forward: %d logits, %v", len(l), err)
	}
}

// FuzzFromGGUF: whatever the bytes, loading either fails with an error or
// yields a model whose forward pass runs.
func FuzzFromGGUF(f *testing.F) {
	seed := microModel(f)
	f.Add(seed)
	f.Add(seed[:len(seed)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		gf, err := gguf.Parse(data)
		if err != nil {
			return
		}
		m, err := FromGGUF(gf, Options{Threads: 1, MaxBatch: 4})
		if err != nil {
			return
		}
		defer m.Close()
		c := m.Config()
		if c.NEmbd*c.NLayer > 1<<16 {
			return // valid but too big to run quickly
		}
		var b Batch
		b.Add(0, 0, 0, true)
		b.Add(int32(c.NVocab-1), 1, 0, true)
		l, err := m.Forward(&b, m.NewCache(1, 2))
		if err != nil {
			t.Fatal(err)
		}
		if len(l) != 2*c.NVocab {
			t.Fatalf("%d logits, want %d", len(l), 2*c.NVocab)
		}
	})
}
