package modelcli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/logsift/logsift/inference/gguf"
	"github.com/logsift/logsift/inference/model"
)

var modelsDir = filepath.Join("..", "..", "..", "shared", "conformance", "models")

func fixture(name string) string { return filepath.Join(modelsDir, name+".gguf") }

// run calls Run and returns exit code, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := run(t, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d, stderr %q", args, code, errs)
	}
	return out
}

func TestUsageErrors(t *testing.T) {
	f := func(want int, args ...string) {
		t.Helper()
		code, _, errs := run(t, args...)
		if code != want {
			t.Errorf("%q: exit %d, want %d (stderr %q)", args, code, want, errs)
		}
		if want == 2 && (strings.Count(errs, "\n") != 1 || !strings.HasSuffix(errs, "\n")) {
			t.Errorf("%q: stderr %q, want one line", args, errs)
		}
	}
	f(2)
	f(2, "frobnicate")
	f(2, "inspect")
	f(2, "inspect", "--bogus")
	f(2, "inspect", "--model", fixture("tiny-llama-f32"), "--format", "yaml")
	f(2, "tokenize", "--text", "x")
	f(2, "generate", "--model", fixture("tiny-llama-f32"), "--max-tokens", "-1")
	f(2, "generate", "--model", fixture("tiny-llama-f32"), "--max-tokens", "many")
	f(2, "init", "--arch", "gpt9", "--shape", "tiny", "--vocab-from", fixture("tiny-llama-f32"), "-o", "x")
	f(2, "init", "--arch", "llama", "--shape", "huge", "--vocab-from", fixture("tiny-llama-f32"), "-o", "x")
	f(2, "init", "--arch", "llama", "--dims", "64,2,4", "--vocab-from", fixture("tiny-llama-f32"), "-o", "x")
	f(2, "init", "--arch", "llama", "--shape", "tiny", "--vocab-from", fixture("tiny-llama-f32"), "--type", "q5_k", "-o", "x")
	f(2, "quantize", "--type", "q8_0", "only-one.gguf")
	f(2, "quantize", "--type", "q2_k", "a.gguf", "b.gguf")
	f(2, "bench", "--model", fixture("tiny-llama-f32"), "--reps", "0")
	f(2, "generate", "--model", fixture("tiny-llama-f32"), "--kv-type", "q8_0")
	f(2, "generate", "--model", fixture("tiny-llama-f32"), "--top-p", "1.5")
	f(2, "generate", "--model", fixture("tiny-llama-f32"), "--min-p", "-0.1")
	f(2, "generate", "--model", fixture("tiny-llama-f32"), "--top-k", "-3")
	f(2, "bench", "--model", fixture("tiny-llama-f32"), "--concurrency", "2", "--shared-prefix", "64", "--prompt-tokens", "64")
	f(2, "bench", "--model", fixture("tiny-llama-f32"), "--concurrency", "-1")
	f(1, "inspect", "--model", filepath.Join(t.TempDir(), "missing.gguf"))
	f(1, "generate", "--model", fixture("tiny-llama-f32"), "--prompt", "hi", "--max-tokens", "600")
}

func TestHelp(t *testing.T) {
	code, out, _ := run(t, "--help")
	if code != 0 || !strings.Contains(out, "generate") {
		t.Errorf("--help: exit %d, stdout %q", code, out)
	}
	for _, c := range commands {
		code, out, errs := run(t, c.name, "--help")
		if code != 0 || !strings.Contains(out, "usage: logsift model "+c.name) || errs != "" {
			t.Errorf("%s --help: exit %d, stdout %q, stderr %q", c.name, code, out, errs)
		}
	}
}

type refFile struct {
	Prompts []struct {
		Text      string  `json:"text"`
		PromptIDs []int32 `json:"prompt_ids"`
		Results   struct {
			KVF32 struct {
				GeneratedIDs []int32 `json:"generated_ids"`
				Steps        []struct {
					Top []struct {
						ID      int32   `json:"id"`
						Logprob float64 `json:"logprob"`
					} `json:"top"`
				} `json:"steps"`
			} `json:"kv_f32"`
		} `json:"results"`
	} `json:"prompts"`
}

func loadRef(t *testing.T, name string) refFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(modelsDir, name+".ref.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r refFile
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestTokenize(t *testing.T) {
	ref := loadRef(t, "tiny-llama-f32")
	p := ref.Prompts[4] // contains <|im_start|> and <|im_end|>
	var got struct{ Tokens []int32 }
	out := mustRun(t, "tokenize", "--model", fixture("tiny-llama-f32"), "--text", p.Text, "--special", "--format", "json")
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	if fmt.Sprint(got.Tokens) != fmt.Sprint(p.PromptIDs) {
		t.Errorf("tokens\n got %v\nwant %v", got.Tokens, p.PromptIDs)
	}
	out = mustRun(t, "tokenize", "--model", fixture("tiny-llama-f32"), "--text", "ab", "--no-bos", "--format", "json")
	if strings.Contains(out, "637") || !strings.HasPrefix(out, `{"tokens":[`) {
		t.Errorf("--no-bos: %q", out)
	}
}

func TestGenerateMatchesLlamaCpp(t *testing.T) {
	ref := loadRef(t, "tiny-llama-f32")
	p := ref.Prompts[1]
	r := p.Results.KVF32
	out := mustRun(t, "generate", "--model", fixture("tiny-llama-f32"), "--prompt", p.Text, "--special",
		"--max-tokens", "16", "--temperature", "0", "--top-logprobs", "5", "--format", "json", "--threads", "2")
	var got generateResult
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	if fmt.Sprint(got.PromptTokens) != fmt.Sprint(p.PromptIDs) {
		t.Errorf("prompt_tokens\n got %v\nwant %v", got.PromptTokens, p.PromptIDs)
	}
	// Every F32 step's top-1/top-2 gap is >= 1e-3, well above the 1e-4 tolerance.
	if fmt.Sprint(got.Tokens) != fmt.Sprint(r.GeneratedIDs) {
		t.Errorf("tokens\n got %v\nwant %v", got.Tokens, r.GeneratedIDs)
	}
	if len(got.TopLogprobs) != 16 {
		t.Fatalf("%d top_logprobs steps, want 16", len(got.TopLogprobs))
	}
	for k, st := range r.Steps {
		if len(got.TopLogprobs[k]) != 5 {
			t.Fatalf("step %d: %d entries", k, len(got.TopLogprobs[k]))
		}
		for j, want := range st.Top {
			g := got.TopLogprobs[k][j]
			if math.Abs(g.Logprob-want.Logprob) > 1e-4 {
				t.Errorf("step %d rank %d: %+v, llama.cpp id %d logprob %.7f", k, j, g, want.ID, want.Logprob)
			}
		}
	}
	if got.Text == "" || got.Stop != "limit" {
		t.Errorf("text %q stop %q", got.Text, got.Stop)
	}
	// Sampling is seeded: the same seed gives the same tokens.
	args := []string{"generate", "--model", fixture("tiny-llama-f32"), "--prompt", "hello", "--max-tokens", "8", "--temperature", "1", "--seed", "7"}
	if a, b := mustRun(t, args...), mustRun(t, args...); a != b {
		t.Errorf("seeded sampling differs:\n%s\n%s", a, b)
	}
}

// tensorTypes maps tensor name to ggml type id.
func tensorTypes(t *testing.T, path string) map[string]uint32 {
	t.Helper()
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]uint32{}
	for _, ti := range f.Tensors {
		m[ti.Name] = ti.Type
	}
	return m
}

func TestInitThenGenerate(t *testing.T) {
	dir := t.TempDir()
	for _, arch := range []string{"llama", "qwen2"} {
		for _, typ := range []string{"f32", "f16", "q8_0", "q4_0"} {
			out := filepath.Join(dir, arch+"-"+typ+".gguf")
			mustRun(t, "init", "--arch", arch, "--shape", "tiny", "--vocab-from", fixture("tiny-llama-f32"), "--seed", "3", "--type", typ, "-o", out)
			m, err := model.Load(out, model.Options{Threads: 1})
			if err != nil {
				t.Fatalf("%s %s: %v", arch, typ, err)
			}
			cfg := m.Config()
			m.Close()
			if cfg.Arch != arch || cfg.NEmbd != 64 || cfg.NLayer != 2 || cfg.NVocab != 640 || cfg.TiedOutput != (arch == "qwen2") || cfg.QKVBias != (arch == "qwen2") {
				t.Errorf("%s %s: config %+v", arch, typ, cfg)
			}
			var g generateResult
			if err := json.Unmarshal([]byte(mustRun(t, "generate", "--model", out, "--prompt", "hello world", "--max-tokens", "4", "--top-logprobs", "2")), &g); err != nil {
				t.Fatal(err)
			}
			if len(g.Tokens) != 4 || len(g.TopLogprobs) != 4 || len(g.TopLogprobs[0]) != 2 || g.TopLogprobs[0][0].Logprob < g.TopLogprobs[0][1].Logprob {
				t.Errorf("%s %s: generate %+v", arch, typ, g)
			}
			// llama-quantize's choices: the output matrix of a Q4_0 model is Q8_0.
			types := tensorTypes(t, out)
			outName := "output.weight"
			if arch == "qwen2" {
				outName = "token_embd.weight"
			}
			want := map[string]uint32{"f32": 0, "f16": 1, "q8_0": 8, "q4_0": 8}[typ]
			if types[outName] != want || types["blk.1.ffn_down.weight"] != map[string]uint32{"f32": 0, "f16": 1, "q8_0": 8, "q4_0": 2}[typ] || types["blk.0.attn_norm.weight"] != 0 {
				t.Errorf("%s %s: tensor types %v", arch, typ, types)
			}
		}
	}
	// The same seed writes the same file.
	a, b := filepath.Join(dir, "a.gguf"), filepath.Join(dir, "b.gguf")
	for _, p := range []string{a, b} {
		mustRun(t, "init", "--arch", "llama", "--dims", "32,1,2,1,64", "--vocab-from", fixture("tiny-llama-f32"), "--seed", "9", "-o", p)
	}
	ab, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if !bytes.Equal(ab, bb) || len(ab) == 0 {
		t.Errorf("init with the same seed wrote different files")
	}
}

// TestQuantize converts the F32 fixtures and checks the result against the
// files llama-quantize made from them: same tensor types, same bytes; and the
// converted model's logits stay near the F32 model's.
func TestQuantize(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		typ, src, llamaCpp string
		tol                float64 // max |logit - F32 logit| on random weights
	}{
		{"q8_0", "tiny-llama-f32", "tiny-llama-q8_0", 0.02},
		{"q4_0", "tiny-llama-f32", "tiny-llama-q4_0", 0.25},
		{"f16", "tiny-llama-f32", "tiny-llama-f16", 0.002},
		{"f16", "tiny-qwen2-f32", "tiny-qwen2-f16", 0.002},
	} {
		out := filepath.Join(dir, tc.llamaCpp+".gguf")
		mustRun(t, "quantize", "--type", tc.typ, fixture(tc.src), out)
		got, err := gguf.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		want, err := gguf.Open(fixture(tc.llamaCpp))
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Tensors) != len(want.Tensors) {
			t.Errorf("%s: %d tensors, llama-quantize %d", tc.llamaCpp, len(got.Tensors), len(want.Tensors))
		}
		for _, wt := range want.Tensors {
			gt, ok := got.Tensor(wt.Name)
			if !ok || gt.Type != wt.Type || !bytes.Equal(got.TensorData(gt), want.TensorData(wt)) {
				t.Errorf("%s: tensor %s (type %d) differs from llama-quantize's (type %d)", tc.llamaCpp, wt.Name, gt.Type, wt.Type)
			}
		}
		if ft, _ := got.Uint32("general.file_type"); ft != map[string]uint32{"q8_0": 7, "q4_0": 2, "f16": 1}[tc.typ] {
			t.Errorf("%s: general.file_type %d", tc.llamaCpp, ft)
		}
		got.Close()
		want.Close()

		ref, err := model.Load(fixture(tc.src), model.Options{Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		m, err := model.Load(out, model.Options{Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		prompt := []int32{84, 104, 101, 32, 113, 117, 105, 99, 107}
		worst := maxLogitDiff(t, ref, m, prompt)
		m.Close()
		ref.Close()
		if worst > tc.tol {
			t.Errorf("%s: max logit difference to F32 %.4g > %g", tc.llamaCpp, worst, tc.tol)
		}
	}
}

func maxLogitDiff(t *testing.T, a, b *model.Model, prompt []int32) float64 {
	t.Helper()
	var batch model.Batch
	for i, id := range prompt {
		batch.Add(id, i, 0, true)
	}
	la, err := a.Forward(&batch, a.NewCache(1, len(prompt)))
	if err != nil {
		t.Fatal(err)
	}
	la = append([]float32(nil), la...)
	lb, err := b.Forward(&batch, b.NewCache(1, len(prompt)))
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i := range la {
		worst = max(worst, math.Abs(float64(la[i]-lb[i])))
	}
	return worst
}

func TestInspect(t *testing.T) {
	var r inspectResult
	out := mustRun(t, "inspect", "--model", fixture("tiny-qwen2-f32"), "--format", "json")
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	// 640×64 tied embedding, norms, and per layer q/k/v/o, their biases, FFN, norms.
	wantParams := uint64(640*64 + 64 + 2*(64*64+2*64*32+64*64+64+2*32+3*64*192+2*64))
	if r.Architecture != "qwen2" || r.Config == nil || r.Config.NLayer != 2 || !r.Config.TiedOutput || r.Params != wantParams ||
		r.Tokenizer == nil || r.Tokenizer.VocabSize != 640 || r.Tokenizer.EOS != 637 || r.TensorTypes["F32"] != len(r.Tensors) {
		t.Errorf("inspect: %+v (want %d params)", r, wantParams)
	}
	text := mustRun(t, "inspect", "--model", fixture("tiny-llama-q4_0"))
	for _, want := range []string{"architecture:  llama", "n_head_kv 2", "Q4_0", "tokenizer:     gpt2", "general.file_type"} {
		if !strings.Contains(text, want) {
			t.Errorf("inspect text lacks %q:\n%s", want, text)
		}
	}
}

func TestBench(t *testing.T) {
	var r benchResult
	out := mustRun(t, "bench", "--model", fixture("tiny-llama-q8_0"), "--threads", "1", "--pp", "16", "--tg", "4", "--reps", "2", "--format", "json")
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	if !(r.PPTokensPerS > 0) || !(r.TGTokensPerS > 0) || !(r.PPTokensPerCPUS > 0) || len(r.PPRepsPerS) != 2 || r.Threads != 1 {
		t.Errorf("bench: %+v", r)
	}
}

func TestGenerateCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := Run(ctx, []string{"generate", "--model", fixture("tiny-llama-f32"), "--prompt", "hello", "--max-tokens", "8"}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "context canceled") {
		t.Errorf("exit %d, stderr %q; want 1 and context canceled", code, errb.String())
	}
}

// TestGenerateChunkedPrompt: a prompt longer than MaxBatch is prefilled in
// chunks and gives the same tokens and log-probabilities.
func TestGenerateChunkedPrompt(t *testing.T) {
	ref := loadRef(t, "tiny-llama-f32")
	p := ref.Prompts[3] // 91 tokens
	run := func(maxBatch int) *generateResult {
		m, err := model.Load(fixture("tiny-llama-f32"), model.Options{Threads: 2, MaxBatch: maxBatch})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		res, err := generate(context.Background(), m, p.PromptIDs, genOptions{maxTokens: 6, topLogprobs: 3})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	whole, chunked := run(512), run(16)
	if fmt.Sprint(whole.Tokens) != fmt.Sprint(chunked.Tokens) || fmt.Sprint(whole.Tokens) != fmt.Sprint(p.Results.KVF32.GeneratedIDs[:6]) {
		t.Fatalf("tokens: whole %v, chunked %v, llama.cpp %v", whole.Tokens, chunked.Tokens, p.Results.KVF32.GeneratedIDs[:6])
	}
	for k := range whole.TopLogprobs {
		for j := range whole.TopLogprobs[k] {
			if a, b := whole.TopLogprobs[k][j], chunked.TopLogprobs[k][j]; a.ID != b.ID || math.Abs(a.Logprob-b.Logprob) > 1e-5 {
				t.Errorf("step %d rank %d: whole %+v, chunked %+v", k, j, a, b)
			}
		}
	}
}

// TestGenerateStopsAtEOG relies on tiny-qwen2's tied random embeddings making
// the current token the most likely next one: after <|im_end|> that is
// <|im_end|> again, an end-of-generation token, which ends the output (and is
// reported as its last token, as llama.cpp does).
func TestGenerateStopsAtEOG(t *testing.T) {
	var g generateResult
	out := mustRun(t, "generate", "--model", fixture("tiny-qwen2-f32"), "--prompt", "ok<|im_end|>", "--special", "--max-tokens", "5")
	if err := json.Unmarshal([]byte(out), &g); err != nil {
		t.Fatal(err)
	}
	if g.Stop != "eog" || fmt.Sprint(g.Tokens) != "[639]" || g.Text != "" {
		t.Errorf("got %+v, want stop eog after token 639 with empty text", g)
	}
}

// TestGenerateSamplingFlags: top-k 1 is greedy whatever the temperature;
// the other filters keep sampling seeded.
func TestGenerateSamplingFlags(t *testing.T) {
	base := []string{"generate", "--model", fixture("tiny-llama-f32"), "--prompt", "hello", "--max-tokens", "8"}
	tokens := func(extra ...string) string {
		t.Helper()
		var g generateResult
		if err := json.Unmarshal([]byte(mustRun(t, append(slices.Clone(base), extra...)...)), &g); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(g.Tokens)
	}
	greedy := tokens()
	if got := tokens("--temperature", "5", "--top-k", "1", "--seed", "3"); got != greedy {
		t.Errorf("top-k 1: %s, greedy %s", got, greedy)
	}
	if got := tokens("--temperature", "5", "--min-p", "1", "--seed", "3"); got != greedy {
		t.Errorf("min-p 1: %s, greedy %s", got, greedy)
	}
	a := tokens("--temperature", "1.5", "--top-p", "0.9", "--top-k", "40", "--min-p", "0.01", "--seed", "9")
	if b := tokens("--temperature", "1.5", "--top-p", "0.9", "--top-k", "40", "--min-p", "0.01", "--seed", "9"); a != b {
		t.Errorf("seeded sampling differs: %s, %s", a, b)
	}
}

func TestBenchServing(t *testing.T) {
	var r serveResult
	out := mustRun(t, "bench", "--model", fixture("tiny-llama-f32"), "--threads", "1", "--concurrency", "4",
		"--prompt-tokens", "40", "--gen-tokens", "5", "--shared-prefix", "32", "--requests", "10", "--format", "json")
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	// Every timed request finds the 32-token prefix (two blocks) cached by
	// the warm-up request.
	if r.Requests != 10 || r.GeneratedTokens != 50 || !(r.TokensPerS > 0) || !(r.TTFTMsP50 > 0) ||
		r.TTFTMsP99 < r.TTFTMsP50 || r.PrefixHitTokens != 10*32 || r.KVBytesPerToken <= 0 {
		t.Errorf("serving bench: %+v", r)
	}
}
