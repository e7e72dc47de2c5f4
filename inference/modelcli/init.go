package modelcli

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	"github.com/logsift/logsift/inference/gguf"
	"github.com/logsift/logsift/inference/tensor"
)

const initUsage = "--arch llama|qwen2 (--shape tiny|smollm2-135m | --dims n_embd,n_layer,n_head,n_head_kv,n_ff) --vocab-from V.gguf [--seed S] [--type f32|f16|bf16|q8_0|q4_0] [--tied] [--ctx N] -o out.gguf"

// shape is the size of a model to initialise.
type shape struct {
	nEmbd, nLayer, nHead, nHeadKV, nFF, nCtx int
	ropeBase, eps                            float32
	tied, bias                               bool
}

// archDefaults are the per-architecture choices of the conformance models:
// llama untied without biases, qwen2 tied with q/k/v biases.
func archDefaults(arch string) shape {
	if arch == "qwen2" {
		return shape{nCtx: 512, ropeBase: 1e6, eps: 1e-6, tied: true, bias: true}
	}
	return shape{nCtx: 512, ropeBase: 10000, eps: 1e-5}
}

func runInit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("init")
	arch := fs.String("arch", "llama", "architecture: llama or qwen2")
	shapeName := fs.String("shape", "", "preset: tiny (64 wide, 2 layers) or smollm2-135m")
	dims := fs.String("dims", "", "explicit n_embd,n_layer,n_head,n_head_kv,n_ff (instead of --shape)")
	vocab := fs.String("vocab-from", "", "GGUF file whose tokenizer.* metadata is copied")
	seed := fs.Uint64("seed", 1, "random seed of the weights")
	typ := fs.String("type", "f32", "weight type: f32, f16, bf16, q8_0 or q4_0")
	ctxLen := fs.Int("ctx", 0, "context length (0 = the shape's default)")
	tied := fs.String("tied", "", "true|false: tie the output matrix to token_embd (default: per shape/arch)")
	out := fs.String("o", "", "output GGUF path")
	if err := parse(fs, initUsage, args, stdout); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *arch != "llama" && *arch != "qwen2" {
		return usagef("--arch %q: want llama or qwen2", *arch)
	}
	if *out == "" {
		return usagef("-o is required")
	}
	if *vocab == "" {
		return usagef("--vocab-from is required")
	}
	wt, err := parseWeightType(*typ, "f32", "f16", "bf16", "q8_0", "q4_0")
	if err != nil {
		return err
	}
	sh := archDefaults(*arch)
	switch {
	case *shapeName != "" && *dims != "":
		return usagef("--shape and --dims are exclusive")
	case *shapeName == "tiny":
		sh.nEmbd, sh.nLayer, sh.nHead, sh.nHeadKV, sh.nFF = 64, 2, 4, 2, 192
	case *shapeName == "smollm2-135m":
		sh.nEmbd, sh.nLayer, sh.nHead, sh.nHeadKV, sh.nFF = 576, 30, 9, 3, 1536
		sh.nCtx, sh.ropeBase, sh.eps, sh.tied = 2048, 100000, 1e-5, true
	case *shapeName != "":
		return usagef("--shape %q: want tiny or smollm2-135m", *shapeName)
	case *dims != "":
		var v [5]int
		parts := strings.Split(*dims, ",")
		if len(parts) != 5 {
			return usagef("--dims %q: want 5 comma-separated numbers", *dims)
		}
		for i, p := range parts {
			n, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil || n <= 0 {
				return usagef("--dims %q: %q is not a positive number", *dims, p)
			}
			v[i] = n
		}
		sh.nEmbd, sh.nLayer, sh.nHead, sh.nHeadKV, sh.nFF = v[0], v[1], v[2], v[3], v[4]
	default:
		return usagef("one of --shape or --dims is required")
	}
	if sh.nEmbd%sh.nHead != 0 || sh.nHead%sh.nHeadKV != 0 || (sh.nEmbd/sh.nHead)%2 != 0 {
		return usagef("--dims: n_embd %d must be a multiple of n_head %d (even head size), n_head of n_head_kv %d", sh.nEmbd, sh.nHead, sh.nHeadKV)
	}
	if *ctxLen < 0 {
		return usagef("--ctx %d must not be negative", *ctxLen)
	} else if *ctxLen > 0 {
		sh.nCtx = *ctxLen
	}
	switch *tied {
	case "":
	case "true":
		sh.tied = true
	case "false":
		sh.tied = false
	default:
		return usagef("--tied %q: want true or false", *tied)
	}

	vf, err := gguf.Open(*vocab)
	if err != nil {
		return err
	}
	defer vf.Close()
	w, nParams, err := buildRandom(*arch, sh, vf, wt, *seed)
	if err != nil {
		return err
	}
	if err := writeFile(*out, w); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote %s: %s, %d params, %s weights\n", *out, *arch, nParams, wt.name)
	return nil
}

// buildRandom makes the tensors, in the order convert_hf_to_gguf writes them,
// with N(0, 0.02²) matrices and biases and all-ones norms.
func buildRandom(arch string, sh shape, vf *gguf.File, wt weightType, seed uint64) (*gguf.Writer, int64, error) {
	toks, ok := vf.Strings("tokenizer.ggml.tokens")
	if !ok || len(toks) == 0 {
		return nil, 0, fmt.Errorf("vocabulary file has no tokenizer.ggml.tokens")
	}
	nVocab := len(toks)
	w := gguf.NewWriter()
	w.SetKV("general.architecture", gguf.TypeString, arch)
	w.SetKV("general.type", gguf.TypeString, "model")
	w.SetKV("general.name", gguf.TypeString, fmt.Sprintf("logsift random %s %dx%d", arch, sh.nLayer, sh.nEmbd))
	w.SetKV(arch+".block_count", gguf.TypeUint32, sh.nLayer)
	w.SetKV(arch+".context_length", gguf.TypeUint32, sh.nCtx)
	w.SetKV(arch+".embedding_length", gguf.TypeUint32, sh.nEmbd)
	w.SetKV(arch+".feed_forward_length", gguf.TypeUint32, sh.nFF)
	w.SetKV(arch+".attention.head_count", gguf.TypeUint32, sh.nHead)
	w.SetKV(arch+".attention.head_count_kv", gguf.TypeUint32, sh.nHeadKV)
	w.SetKV(arch+".rope.freq_base", gguf.TypeFloat32, sh.ropeBase)
	w.SetKV(arch+".attention.layer_norm_rms_epsilon", gguf.TypeFloat32, sh.eps)
	w.SetKV(arch+".rope.dimension_count", gguf.TypeUint32, sh.nEmbd/sh.nHead)
	w.SetKV(arch+".vocab_size", gguf.TypeUint32, nVocab)
	w.SetKV("general.file_type", gguf.TypeUint32, wt.fileType)
	if blockSize(wt.t) > 1 {
		w.SetKV("general.quantization_version", gguf.TypeUint32, uint32(2))
	}
	for _, kv := range vf.Metadata {
		if strings.HasPrefix(kv.Key, "tokenizer.") {
			w.SetKV(kv.Key, kv.Type, kv.Value)
		}
	}

	rng := rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))
	var nParams int64
	var err error
	matrix := func(name string, cols, rows int, isOutput bool) {
		if err != nil {
			return
		}
		v := make([]float32, cols*rows)
		for i := range v {
			v[i] = float32(rng.NormFloat64() * 0.02)
		}
		t := matrixType(wt.t, cols, isOutput)
		nParams += int64(len(v))
		err = w.AddTensor(name, uint32(t), []uint64{uint64(cols), uint64(rows)}, encode(t, cols, v))
	}
	vector := func(name string, n int, random bool) {
		if err != nil {
			return
		}
		v := make([]float32, n)
		for i := range v {
			if random {
				v[i] = float32(rng.NormFloat64() * 0.02)
			} else {
				v[i] = 1
			}
		}
		nParams += int64(n)
		err = w.AddTensor(name, uint32(tensor.F32), []uint64{uint64(n)}, encode(tensor.F32, n, v))
	}
	hd := sh.nEmbd / sh.nHead
	qd, kvd := sh.nHead*hd, sh.nHeadKV*hd
	matrix("token_embd.weight", sh.nEmbd, nVocab, sh.tied)
	vector("output_norm.weight", sh.nEmbd, false)
	if !sh.tied {
		matrix("output.weight", sh.nEmbd, nVocab, true)
	}
	for i := 0; i < sh.nLayer; i++ {
		p := fmt.Sprintf("blk.%d.", i)
		vector(p+"attn_norm.weight", sh.nEmbd, false)
		matrix(p+"attn_q.weight", sh.nEmbd, qd, false)
		matrix(p+"attn_k.weight", sh.nEmbd, kvd, false)
		matrix(p+"attn_v.weight", sh.nEmbd, kvd, false)
		if sh.bias {
			vector(p+"attn_q.bias", qd, true)
			vector(p+"attn_k.bias", kvd, true)
			vector(p+"attn_v.bias", kvd, true)
		}
		matrix(p+"attn_output.weight", qd, sh.nEmbd, false)
		vector(p+"ffn_norm.weight", sh.nEmbd, false)
		matrix(p+"ffn_gate.weight", sh.nEmbd, sh.nFF, false)
		matrix(p+"ffn_up.weight", sh.nEmbd, sh.nFF, false)
		matrix(p+"ffn_down.weight", sh.nFF, sh.nEmbd, false)
	}
	if err != nil {
		return nil, 0, err
	}
	return w, nParams, nil
}

// writeFile writes w to path through a temporary file, so a failed write
// never leaves a truncated model under the final name.
func writeFile(path string, w *gguf.Writer) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := w.WriteTo(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
