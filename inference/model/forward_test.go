package model

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/logsift/logsift/inference/gguf"
)

// TestBatchedEqualsSequential runs three sequences through one cache in
// mixed batches (one prefills while others decode) and checks every logit
// against the same sequence run alone.
func TestBatchedEqualsSequential(t *testing.T) {
	for _, name := range []string{"tiny-llama-f32", "tiny-qwen2-f32", "tiny-llama-q8_0"} {
		t.Run(name, func(t *testing.T) {
			m := loadTestModel(t, name, Options{Threads: 2})
			prompts := [][]int32{
				{637, 84, 104, 101, 32, 113, 117},
				{50, 48, 50, 54, 45, 49, 49, 45, 50, 55, 84},
				{72, 101},
			}
			const steps = 4
			next := func(seq, k int) int32 { return int32((seq*31 + k*7 + 5) % 600) }

			// Alone: prefill, then steps single-token decodes.
			var alone [][][]float32 // [seq][step] logits
			for s, p := range prompts {
				cache := m.NewCache(1, 32)
				var b Batch
				b.AddSeq(p, 0, 0)
				var rows [][]float32
				for k := 0; k <= steps; k++ {
					if k > 0 {
						b.Reset()
						b.Add(next(s, k), len(p)+k-1, 0, true)
					}
					l, err := m.Forward(&b, cache)
					if err != nil {
						t.Fatal(err)
					}
					rows = append(rows, append([]float32(nil), l...))
				}
				alone = append(alone, rows)
			}

			// Together: seq 0 and 1 prefill in one batch; seq 2 prefills
			// while 0 and 1 decode their first token; then all decode.
			cache := m.NewCache(3, 32)
			var b Batch
			type want struct{ seq, step int }
			check := func(l []float32, wants []want) {
				t.Helper()
				V := m.Config().NVocab
				if len(l) != len(wants)*V {
					t.Fatalf("got %d logits, want %d rows of %d", len(l), len(wants), V)
				}
				for j, w := range wants {
					ref := alone[w.seq][w.step]
					for i := 0; i < V; i++ {
						if d := math.Abs(float64(l[j*V+i] - ref[i])); d > 1e-5 {
							t.Fatalf("seq %d step %d logit %d: batched %.8f alone %.8f", w.seq, w.step, i, l[j*V+i], ref[i])
						}
					}
				}
			}
			b.AddSeq(prompts[0], 0, 0)
			b.AddSeq(prompts[1], 0, 1)
			l, err := m.Forward(&b, cache)
			if err != nil {
				t.Fatal(err)
			}
			check(l, []want{{0, 0}, {1, 0}})
			b.Reset()
			b.Add(next(0, 1), len(prompts[0]), 0, true)
			b.AddSeq(prompts[2], 0, 2)
			b.Add(next(1, 1), len(prompts[1]), 1, true)
			if l, err = m.Forward(&b, cache); err != nil {
				t.Fatal(err)
			}
			check(l, []want{{0, 1}, {2, 0}, {1, 1}})
			for k := 2; k <= steps; k++ {
				b.Reset()
				for s := 2; s >= 0; s-- { // reverse order on purpose
					sk := k
					if s == 2 {
						sk = k - 1
					}
					b.Add(next(s, sk), len(prompts[s])+sk-1, s, true)
				}
				if l, err = m.Forward(&b, cache); err != nil {
					t.Fatal(err)
				}
				check(l, []want{{2, k - 1}, {1, k}, {0, k}})
			}
		})
	}
}

func TestForwardErrors(t *testing.T) {
	m := loadTestModel(t, "tiny-llama-f32", Options{Threads: 1, MaxBatch: 4})
	cache := m.NewCache(2, 8)
	f := func(b Batch, want string) {
		t.Helper()
		_, err := m.Forward(&b, cache)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Forward(%v): error %v, want it to contain %q", b.Entries, err, want)
		}
	}
	f(Batch{}, "empty batch")
	f(Batch{Entries: []Entry{{Token: 640}}}, "token 640 out of range")
	f(Batch{Entries: []Entry{{Token: -1}}}, "token -1 out of range")
	f(Batch{Entries: []Entry{{Token: 1, Pos: 8}}}, "position 8")
	f(Batch{Entries: []Entry{{Token: 1, Seq: 2}}}, "sequence 2")
	f(Batch{Entries: make([]Entry, 5)}, "exceeds MaxBatch 4")
}

// TestForwardNoAllocs checks the steady state: a decode step allocates
// nothing once the scratch buffers have grown.
func TestForwardNoAllocs(t *testing.T) {
	m := loadTestModel(t, "tiny-llama-q8_0", Options{Threads: 2})
	cache := m.NewCache(1, 64)
	var b Batch
	b.AddSeq([]int32{637, 1, 2, 3}, 0, 0)
	if _, err := m.Forward(&b, cache); err != nil {
		t.Fatal(err)
	}
	b.Reset()
	b.Add(5, 4, 0, true)
	allocs := testing.AllocsPerRun(20, func() {
		if _, err := m.Forward(&b, cache); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("decode step: %v allocations, want 0", allocs)
	}
}

// rewrite copies the tiny llama model through the GGUF writer, letting edit
// change tensors, and parses the result.
func rewrite(t *testing.T, edit func(name string, typ uint32, dims []uint64, data []byte) (uint32, []uint64, []byte, bool)) *gguf.File {
	t.Helper()
	src, err := gguf.Open(conformanceDir + "/models/tiny-llama-f32.gguf")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	w := gguf.NewWriter()
	for _, kv := range src.Metadata {
		w.SetKV(kv.Key, kv.Type, kv.Value)
	}
	for _, ti := range src.Tensors {
		typ, dims, data, keep := edit(ti.Name, ti.Type, ti.Dims, bytes.Clone(src.TensorData(ti)))
		if !keep {
			continue
		}
		if err := w.AddTensor(ti.Name, typ, dims, data); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := gguf.Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestLoadErrors(t *testing.T) {
	f := func(edit func(name string, typ uint32, dims []uint64, data []byte) (uint32, []uint64, []byte, bool), want string) {
		t.Helper()
		_, err := FromGGUF(rewrite(t, edit), Options{Threads: 1})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want it to contain %q", err, want)
		}
	}
	f(func(n string, ty uint32, d []uint64, b []byte) (uint32, []uint64, []byte, bool) {
		return ty, d, b, n != "blk.1.ffn_up.weight"
	}, `missing tensor "blk.1.ffn_up.weight"`)
	f(func(n string, ty uint32, d []uint64, b []byte) (uint32, []uint64, []byte, bool) {
		if n == "blk.0.attn_k.weight" { // 64×128 instead of 64×32
			return ty, []uint64{64, 128}, bytes.Repeat(b, 4), true
		}
		return ty, d, b, true
	}, `tensor "blk.0.attn_k.weight" has shape [64 128], want [64 32]`)
	f(func(n string, ty uint32, d []uint64, b []byte) (uint32, []uint64, []byte, bool) {
		if n == "output_norm.weight" {
			return ty, []uint64{32}, b[:128], true
		}
		return ty, d, b, true
	}, `tensor "output_norm.weight" has shape [32], want [64]`)
}

func TestConfigFromGGUF(t *testing.T) {
	f := func(name string, want Config) {
		t.Helper()
		m := loadTestModel(t, name, Options{Threads: 1})
		if got := m.Config(); got != want {
			t.Errorf("%s:\n got %+v\nwant %+v", name, got, want)
		}
	}
	base := Config{NEmbd: 64, NLayer: 2, NHead: 4, NHeadKV: 2, NFF: 192, NCtx: 512, NVocab: 640, HeadDim: 16, RopeDim: 16, RopeScale: 1}
	llama := base
	llama.Arch, llama.RopeBase, llama.NormEps = "llama", 10000, 1e-5
	qwen := base
	qwen.Arch, qwen.RopeBase, qwen.NormEps, qwen.RopeNeox, qwen.TiedOutput, qwen.QKVBias = "qwen2", 1e6, 1e-6, true, true, true
	for _, n := range []string{"tiny-llama-f32", "tiny-llama-q4_0"} {
		m := loadTestModel(t, n, Options{Threads: 1})
		llama.Name = m.Config().Name
		f(n, llama)
	}
	m := loadTestModel(t, "tiny-qwen2-f32", Options{Threads: 1})
	qwen.Name = m.Config().Name
	f("tiny-qwen2-f32", qwen)
}
