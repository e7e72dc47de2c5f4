package gguf

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// conformanceDir holds llama.cpp-made GGUF files (see its README.txt).
const conformanceDir = "../../../shared/conformance"

func openConformance(t *testing.T, rel string) *File {
	t.Helper()
	f, err := Open(filepath.Join(conformanceDir, rel))
	if err != nil {
		t.Fatalf("open %s: %v", rel, err)
	}
	t.Cleanup(func() {
		if err := f.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return f
}

func TestConformanceFilesRoundTrip(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(conformanceDir, "*", "*.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 9 {
		t.Fatalf("found %d conformance GGUF files, want 9: %v", len(files), files)
	}
	for _, p := range files {
		t.Run(filepath.Base(p), func(t *testing.T) {
			f, err := Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Version != 3 || f.Alignment != 32 {
				t.Errorf("version %d alignment %d, want 3 and 32", f.Version, f.Alignment)
			}
			for _, ti := range f.Tensors {
				if got := uint64(len(f.TensorData(ti))); got != ti.Size {
					t.Errorf("tensor %q: %d data bytes, want %d", ti.Name, got, ti.Size)
				}
			}
			w, err := NewWriterFrom(f)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			n, err := w.WriteTo(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if n != int64(buf.Len()) {
				t.Errorf("WriteTo reported %d bytes, wrote %d", n, buf.Len())
			}
			orig, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), orig) {
				t.Fatalf("rewritten file differs from the original (%d vs %d bytes)", buf.Len(), len(orig))
			}
		})
	}
}

func TestTinyLlamaValues(t *testing.T) {
	weightType := map[string]uint32{"f32": 0, "f16": 1, "q8_0": 8, "q4_0": 2}
	for _, q := range []string{"f32", "f16", "q8_0", "q4_0"} {
		t.Run(q, func(t *testing.T) {
			f := openConformance(t, "models/tiny-llama-"+q+".gguf")
			if s, _ := f.String("general.architecture"); s != "llama" {
				t.Errorf("architecture %q", s)
			}
			if v, ok := f.Uint32("llama.embedding_length"); !ok || v != 64 {
				t.Errorf("n_embd %d %v, want 64", v, ok)
			}
			if v, ok := f.Int("llama.attention.head_count_kv"); !ok || v != 2 {
				t.Errorf("n_head_kv %d %v, want 2", v, ok)
			}
			if v, ok := f.Float32("llama.rope.freq_base"); !ok || v != 10000 {
				t.Errorf("freq_base %v %v", v, ok)
			}
			if v, ok := f.Float32("llama.attention.layer_norm_rms_epsilon"); !ok || v != 1e-5 {
				t.Errorf("rms eps %v %v", v, ok)
			}
			if v, ok := f.Bool("tokenizer.ggml.add_bos_token"); !ok || !v {
				t.Errorf("add_bos_token %v %v", v, ok)
			}
			toks, ok := f.Strings("tokenizer.ggml.tokens")
			if !ok || len(toks) != 640 || toks[637] != "<|endoftext|>" || toks[638] != "<|im_start|>" {
				t.Errorf("tokens: ok=%v len=%d", ok, len(toks))
			}
			if toks[32] != "Ġ" {
				t.Errorf("token 32 = %q, want the GPT-2 space character", toks[32])
			}
			merges, _ := f.Strings("tokenizer.ggml.merges")
			if len(merges) != 381 || merges[0] != "Ġ Ġ" {
				t.Errorf("merges: len %d first %q", len(merges), merges[0])
			}
			types, ok := f.Int32s("tokenizer.ggml.token_type")
			if !ok || len(types) != 640 || types[0] != 1 || types[637] != 3 {
				t.Errorf("token_type: ok=%v len=%d", ok, len(types))
			}
			if _, ok := f.Uint32("tokenizer.ggml.tokens"); ok {
				t.Error("Uint32 accepted an array")
			}
			if len(f.Tensors) != 21 {
				t.Errorf("%d tensors, want 21", len(f.Tensors))
			}
			emb, ok := f.Tensor("token_embd.weight")
			if !ok || len(emb.Dims) != 2 || emb.Dims[0] != 64 || emb.Dims[1] != 640 || emb.Type != weightType[q] {
				t.Errorf("token_embd.weight = %+v", emb)
			}
			out, _ := f.Tensor("output.weight")
			wantOut := weightType[q]
			if q == "q4_0" {
				wantOut = 8 // llama-quantize falls back to Q8_0 for the output matrix
			}
			if out.Type != wantOut {
				t.Errorf("output.weight type %d, want %d", out.Type, wantOut)
			}
			down, _ := f.Tensor("blk.1.ffn_down.weight")
			if down.Dims[0] != 192 || down.Dims[1] != 64 {
				t.Errorf("ffn_down dims %v, want [192 64]", down.Dims)
			}
			norm, _ := f.Tensor("blk.0.attn_norm.weight")
			data := f.TensorData(norm)
			if norm.Type != 0 || len(data) != 256 || !bytes.Equal(data[:4], []byte{0, 0, 0x80, 0x3f}) {
				t.Errorf("attn_norm: type %d, %d bytes, first %x (want 1.0f)", norm.Type, len(data), data[:4])
			}
			if _, ok := f.Tensor("nope"); ok {
				t.Error("found a tensor that does not exist")
			}
		})
	}
}

func TestTinyQwen2Values(t *testing.T) {
	f := openConformance(t, "models/tiny-qwen2-f32.gguf")
	if _, ok := f.Tensor("output.weight"); ok {
		t.Error("tiny-qwen2 has tied embeddings, yet output.weight exists")
	}
	if b, ok := f.Tensor("blk.1.attn_k.bias"); !ok || b.Dims[0] != 32 || b.Size != 128 {
		t.Errorf("attn_k.bias = %+v %v", b, ok)
	}
	if v, _ := f.Float32("qwen2.rope.freq_base"); v != 1e6 {
		t.Errorf("freq_base %v", v)
	}
	if v, ok := f.Bool("tokenizer.ggml.add_bos_token"); !ok || v {
		t.Errorf("add_bos_token %v %v, want false", v, ok)
	}
}

func TestVocabFiles(t *testing.T) {
	f := func(name, model, pre string, n int) {
		t.Helper()
		g := openConformance(t, "vocab/"+name)
		if len(g.Tensors) != 0 {
			t.Errorf("%s: %d tensors", name, len(g.Tensors))
		}
		if s, _ := g.String("tokenizer.ggml.model"); s != model {
			t.Errorf("%s: model %q, want %q", name, s, model)
		}
		if s, _ := g.String("tokenizer.ggml.pre"); s != pre {
			t.Errorf("%s: pre %q, want %q", name, s, pre)
		}
		if toks, _ := g.Strings("tokenizer.ggml.tokens"); len(toks) != n {
			t.Errorf("%s: %d tokens, want %d", name, len(toks), n)
		}
	}
	f("ggml-vocab-gpt-2.gguf", "gpt2", "gpt-2", 50257)
	f("ggml-vocab-starcoder.gguf", "gpt2", "starcoder", 49152)
	f("ggml-vocab-llama-spm.gguf", "llama", "default", 32000)

	spm := openConformance(t, "vocab/ggml-vocab-llama-spm.gguf")
	scores, ok := spm.Float32s("tokenizer.ggml.scores")
	if !ok || len(scores) != 32000 {
		t.Fatalf("scores: ok=%v len=%d", ok, len(scores))
	}
	toks, _ := spm.Strings("tokenizer.ggml.tokens")
	if toks[1] != "<s>" || toks[3] != "<0x00>" {
		t.Errorf("tokens[1]=%q tokens[3]=%q", toks[1], toks[3])
	}
	if v, _ := spm.Uint32("tokenizer.ggml.bos_token_id"); v != 1 {
		t.Errorf("bos %d", v)
	}
}
