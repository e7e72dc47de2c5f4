package model

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/logsift/logsift/inference/tensor"
	"github.com/logsift/logsift/inference/tokenizer"
)

// conformanceDir holds llama.cpp's reference outputs; see its README.txt.
var conformanceDir = filepath.Join("..", "..", "..", "shared", "conformance")

type refFile struct {
	ModelFile string      `json:"model_file"`
	Prompts   []refPrompt `json:"prompts"`
}

type refPrompt struct {
	Text      string `json:"text"`
	PromptIDs []int32
	Results   struct {
		KVF32 refResult `json:"kv_f32"`
		KVF16 refResult `json:"kv_f16"`
	} `json:"results"`
}

func (p *refPrompt) UnmarshalJSON(b []byte) error {
	type plain refPrompt
	var aux struct {
		plain
		PromptIDs []int32 `json:"prompt_ids"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*p = refPrompt(aux.plain)
	p.PromptIDs = aux.PromptIDs
	return nil
}

type refResult struct {
	GeneratedIDs []int32   `json:"generated_ids"`
	Steps        []refStep `json:"steps"`
	LogitsStep0  []float64 `json:"logits_step0"`
}

type refStep struct {
	ID  int32    `json:"id"`
	Top []refTop `json:"top"`
}

type refTop struct {
	ID      int32   `json:"id"`
	Logit   float64 `json:"logit"`
	Logprob float64 `json:"logprob"`
}

// conformanceModels lists the fixtures with the tolerance their weight type
// allows (README: 1e-4 F32, 2e-3 F16, 1e-2 Q8_0/Q4_0).
var conformanceModels = []struct {
	name string
	tol  float64
}{
	{"tiny-llama-f32", 1e-4},
	{"tiny-llama-f16", 2e-3},
	{"tiny-llama-q8_0", 1e-2},
	{"tiny-llama-q4_0", 1e-2},
	{"tiny-qwen2-f32", 1e-4},
	{"tiny-qwen2-f16", 2e-3},
}

func loadRef(t *testing.T, name string) *refFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(conformanceDir, "models", name+".ref.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r refFile
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s.ref.json: %v", name, err)
	}
	if len(r.Prompts) == 0 {
		t.Fatalf("%s.ref.json: no prompts", name)
	}
	return &r
}

func loadTestModel(t testing.TB, name string, opts Options) *Model {
	t.Helper()
	m, err := Load(filepath.Join(conformanceDir, "models", name+".gguf"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// logprobs returns log-softmax of logits in float64, as the reference does.
func logprobs(logits []float32) []float64 {
	mx := math.Inf(-1)
	for _, l := range logits {
		mx = max(mx, float64(l))
	}
	var sum float64
	for _, l := range logits {
		sum += math.Exp(float64(l) - mx)
	}
	lse := mx + math.Log(sum)
	out := make([]float64, len(logits))
	for i, l := range logits {
		out[i] = float64(l) - lse
	}
	return out
}

// topIDs returns the ids of the k largest values, ties to the lowest id.
func topIDs(v []float64, k int) []int32 {
	ids := make([]int32, 0, k)
	used := make(map[int]bool, k)
	for len(ids) < k {
		best := -1
		for i, x := range v {
			if !used[i] && (best < 0 || x > v[best]) {
				best = i
			}
		}
		used[best] = true
		ids = append(ids, int32(best))
	}
	return ids
}

// checkStep compares one step's distribution with llama.cpp's top-5:
// every reference token's log-probability, the sorted top-5 values, and the
// ranking wherever llama.cpp's neighbouring logits are more than tol apart.
func checkStep(t *testing.T, where string, logits []float32, ref refStep, tol float64) {
	t.Helper()
	lp := logprobs(logits)
	k := len(ref.Top)
	ours := topIDs(lp, k+1)
	for j, r := range ref.Top {
		if d := math.Abs(lp[r.ID] - r.Logprob); d > tol {
			t.Errorf("%s: rank %d token %d: logprob %.7f, llama.cpp %.7f (diff %.2g > %.g)", where, j, r.ID, lp[r.ID], r.Logprob, d, tol)
		}
		if d := math.Abs(lp[ours[j]] - r.Logprob); d > tol {
			t.Errorf("%s: rank %d: our logprob %.7f (token %d), llama.cpp %.7f (token %d)", where, j, lp[ours[j]], ours[j], r.Logprob, r.ID)
		}
		separated := true
		if j > 0 && ref.Top[j-1].Logit-r.Logit <= tol {
			separated = false
		}
		if j+1 < k && r.Logit-ref.Top[j+1].Logit <= tol {
			separated = false
		}
		// The 6th logit is unknown; use our own gap as its stand-in.
		if j == k-1 && lp[ours[j]]-lp[ours[j+1]] <= 2*tol {
			separated = false
		}
		if separated && ours[j] != r.ID {
			t.Errorf("%s: rank %d: token %d, llama.cpp %d", where, j, ours[j], r.ID)
		}
	}
}

func TestConformance(t *testing.T) {
	conformance(t, tensor.F32)
}

// TestConformanceKVF16 compares an F16 KV cache with llama.cpp's default
// (F16 cache) runs.
func TestConformanceKVF16(t *testing.T) {
	conformance(t, tensor.F16)
}

func conformance(t *testing.T, kvType tensor.Type) {
	for _, tc := range conformanceModels {
		t.Run(tc.name, func(t *testing.T) {
			ref := loadRef(t, tc.name)
			m := loadTestModel(t, tc.name, Options{Threads: 2, KVType: kvType})
			if m.Config().NVocab != 640 {
				t.Fatalf("n_vocab %d, want 640", m.Config().NVocab)
			}
			for pi, p := range ref.Prompts {
				t.Run(fmt.Sprint("prompt", pi+1), func(t *testing.T) {
					ids := m.Tokenizer().Encode(p.Text, tokenizer.EncodeOptions{AddSpecial: true, ParseSpecial: true})
					if fmt.Sprint(ids) != fmt.Sprint(p.PromptIDs) {
						t.Fatalf("prompt ids\n got %v\nwant %v", ids, p.PromptIDs)
					}
					r := p.Results.KVF32
					if kvType == tensor.F16 {
						r = p.Results.KVF16
					}
					teacherForce(t, m, p.PromptIDs, r, tc.tol)
					freeRun(t, m, p.PromptIDs, r, tc.tol)
				})
			}
		})
	}
}

// teacherForce feeds the prompt as one batch and then llama.cpp's own
// continuation one token at a time, comparing every step.
func teacherForce(t *testing.T, m *Model, prompt []int32, r refResult, tol float64) {
	t.Helper()
	cache := m.NewCache(1, len(prompt)+len(r.GeneratedIDs))
	var b Batch
	b.AddSeq(prompt, 0, 0)
	logits, err := m.Forward(&b, cache)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i, want := range r.LogitsStep0 {
		d := math.Abs(float64(logits[i]) - want)
		worst = max(worst, d)
		if d > tol {
			t.Errorf("step 0 logit %d: %.7f, llama.cpp %.7f (diff %.2g > %g)", i, logits[i], want, d, tol)
			break
		}
	}
	t.Logf("step 0: max |logit diff| %.3g over %d logits", worst, len(r.LogitsStep0))
	for k, st := range r.Steps {
		if k > 0 {
			b.Reset()
			b.Add(r.GeneratedIDs[k-1], len(prompt)+k-1, 0, true)
			if logits, err = m.Forward(&b, cache); err != nil {
				t.Fatal(err)
			}
		}
		checkStep(t, fmt.Sprintf("step %d", k), logits, st, tol)
	}
}

// freeRun generates greedily and checks the ids up to llama.cpp's first near
// tie (top-1/top-2 logit gap below tol), where rounding may flip the choice.
func freeRun(t *testing.T, m *Model, prompt []int32, r refResult, tol float64) {
	t.Helper()
	cache := m.NewCache(1, len(prompt)+len(r.GeneratedIDs))
	var b Batch
	b.AddSeq(prompt, 0, 0)
	var got []int32
	for k, st := range r.Steps {
		if k > 0 {
			b.Reset()
			b.Add(got[k-1], len(prompt)+k-1, 0, true)
		}
		logits, err := m.Forward(&b, cache)
		if err != nil {
			t.Fatal(err)
		}
		best := 0
		for i, l := range logits {
			if l > logits[best] {
				best = i
			}
		}
		got = append(got, int32(best))
		if st.Top[0].Logit-st.Top[1].Logit < tol {
			t.Logf("free run: near tie at step %d, compared %d ids", k, k)
			return
		}
		if got[k] != r.GeneratedIDs[k] {
			t.Fatalf("free run step %d: token %d, llama.cpp %d\n got %v\nwant %v", k, got[k], r.GeneratedIDs[k], got, r.GeneratedIDs[:k+1])
		}
	}
	t.Logf("free run: all %d ids equal", len(got))
}
