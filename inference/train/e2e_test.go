package train

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/logsift/logsift/inference/gguf"
	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/tensor"
	"github.com/logsift/logsift/inference/train/bpe"
)

// The toy task: a prompt of filler tokens with one keyword somewhere in it,
// a separator, then the answer: the keyword's label and EOS. Only the
// answer is in the loss. The model has to attend back to the keyword, so
// the task exercises attention, not just the output bias.
var (
	taskKeywords = []int32{100, 101, 102, 103}
	taskLabels   = []int32{200, 201, 202, 203}
)

const (
	taskBOS, taskEOS, taskSep = 0, 1, 2
)

func taskVocab(t testing.TB) *bpe.Vocab {
	t.Helper()
	v, err := bpe.Train(context.Background(), slices.Values([]string{"aa bb aa"}), bpe.Options{
		VocabSize: 262, Pre: "logsift", Specials: []string{"<|bos|>", "<|eos|>", "<|sep|>"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func taskExample(rng *rand.Rand) (prompt []int32, answer []int32) {
	n := 3 + rng.IntN(6)
	prompt = []int32{taskBOS}
	k := rng.IntN(len(taskKeywords))
	at := rng.IntN(n)
	for i := range n {
		if i == at {
			prompt = append(prompt, taskKeywords[k])
		} else {
			prompt = append(prompt, 10+int32(rng.IntN(60)))
		}
	}
	prompt = append(prompt, taskSep)
	return prompt, []int32{taskLabels[k], taskEOS}
}

func taskData(seed uint64, n int) Examples {
	rng := rand.New(rand.NewPCG(seed, 1))
	var ex Examples
	for range n {
		p, a := taskExample(rng)
		toks := append(p, a...)
		mask := make([]bool, len(toks))
		for i := len(p); i < len(toks); i++ {
			mask[i] = true
		}
		ex = append(ex, Example{toks, mask})
	}
	return ex
}

func taskConfig(vocab int) Config {
	return Config{NEmbd: 32, NLayer: 2, NHead: 4, NHeadKV: 2, NFF: 64, Vocab: vocab, Ctx: 16}
}

// exportLoad writes m as a GGUF file of type typ and loads it with package
// model.
func exportLoad(t *testing.T, m *Model, v *bpe.Vocab, typ tensor.Type) *model.Model {
	t.Helper()
	var buf bytes.Buffer
	if err := m.WriteGGUF(&buf, v.WriteGGUF, typ); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.gguf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	lm, err := model.Load(path, model.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lm.Close() })
	return lm
}

// greedy generates up to max tokens after prompt through the engine.
func greedy(t *testing.T, lm *model.Model, prompt []int32, maxNew int) []int32 {
	t.Helper()
	kv := lm.NewCache(1, lm.Config().NCtx)
	var b model.Batch
	b.AddSeq(prompt, 0, 0)
	var out []int32
	pos := len(prompt)
	for range maxNew {
		logits, err := lm.Forward(&b, kv)
		if err != nil {
			t.Fatal(err)
		}
		next := int32(argmax(logits))
		out = append(out, next)
		if next == taskEOS {
			break
		}
		b.Reset()
		b.Add(next, pos, 0, true)
		pos++
	}
	return out
}

func argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// The exported model, run by package model, gives the trainer's logits: the
// two forward passes agree on RMSNorm, RoPE pair order and rounding, GQA and
// the tied output.
func TestExportLogitsMatch(t *testing.T) {
	v := taskVocab(t)
	m, err := New(taskConfig(len(v.Tokens)), 11)
	if err != nil {
		t.Fatal(err)
	}
	// Larger weights than at initialisation, so attention is far from
	// uniform and a wrong rotation would show.
	rng := rand.New(rand.NewPCG(11, 11))
	for _, p := range m.Params {
		if p.Decay {
			for i := p.Off; i < p.Off+p.N; i++ {
				m.W[i] = float32(rng.NormFloat64() * 0.15)
			}
		}
	}
	toks := []int32{0, 17, 102, 40, 41, 250, 2, 201, 1, 5, 6, 7, 8, 9, 10, 11}
	want, err := m.Logits(toks)
	if err != nil {
		t.Fatal(err)
	}
	lm := exportLoad(t, m, v, tensor.F32)
	kv := lm.NewCache(1, len(toks))
	var b model.Batch
	for i, tok := range toks {
		b.Add(tok, i, 0, true)
	}
	got, err := lm.Forward(&b, kv)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("engine returned %d logits, trainer %d", len(got), len(want))
	}
	var worst, scale float64
	for i := range got {
		worst = max(worst, math.Abs(float64(got[i]-want[i])))
		scale = max(scale, math.Abs(float64(want[i])))
	}
	if worst > 1e-4 {
		t.Errorf("engine and trainer logits differ by up to %.3g (logits up to %.3g)", worst, scale)
	}
	t.Logf("max |engine − trainer| = %.2g over %d logits up to %.3g", worst, len(got), scale)
}

// A short run learns the toy task; the exported model (F32 and Q8_0) answers
// it through the engine's greedy generation.
func TestTrainToyTask(t *testing.T) {
	v := taskVocab(t)
	m, err := New(taskConfig(len(v.Tokens)), 5)
	if err != nil {
		t.Fatal(err)
	}
	data := taskData(1, 2000)
	var losses []float64
	var prog []Progress
	last, err := Train(context.Background(), m, data, Options{
		Steps: 120, BatchTokens: 128, LR: 1e-2, Warmup: 10, WeightDecay: 0.01, Clip: 1, Seed: 3, Threads: 2,
		Progress: func(p Progress) { losses = append(losses, p.Loss); prog = append(prog, p) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(losses) != 120 || last.Step != 120 || prog[0].Step != 1 || last.Tokens < 120*128 || !(last.TokensPerSec > 0) {
		t.Fatalf("progress: %d reports, last %+v", len(losses), last)
	}
	start := mean(losses[:5])
	end := mean(losses[len(losses)-5:])
	t.Logf("loss %.3f → %.3f, %.0f tokens/s", start, end, last.TokensPerSec)
	if !(end < 0.5*start) {
		t.Fatalf("loss went from %.3f to %.3f, want below half", start, end)
	}

	rng := rand.New(rand.NewPCG(99, 1)) // prompts the run never saw in this order
	for _, typ := range []tensor.Type{tensor.F32, tensor.Q8_0} {
		lm := exportLoad(t, m, v, typ)
		wrong := 0
		const n = 20
		for range n {
			p, a := taskExample(rng)
			if got := greedy(t, lm, p, 4); !slices.Equal(got, a) {
				wrong++
				t.Logf("%s: prompt %v: generated %v, want %v", typ, p, got, a)
			}
		}
		if wrong > 1 {
			t.Errorf("%s: %d of %d prompts answered wrongly", typ, wrong, n)
		}
	}
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// The weights do not depend on the number of threads, with dropout too
// (its masks are drawn per shard and chunk, not per thread), and dropout
// does change them.
func TestThreadsSameWeights(t *testing.T) {
	data := taskData(3, 200)
	var first []float32
	for _, drop := range []float64{0, 0.2} {
		var ws [][]float32
		for _, threads := range []int{1, 2, 3} {
			m, _ := New(taskConfig(210), 1)
			if _, err := Train(context.Background(), m, data, Options{Steps: 4, BatchTokens: 96, LR: 5e-3, Clip: 1, Seed: 4, Threads: threads, Dropout: drop}); err != nil {
				t.Fatal(err)
			}
			ws = append(ws, m.W)
		}
		if !slices.Equal(ws[0], ws[1]) || !slices.Equal(ws[0], ws[2]) {
			t.Errorf("dropout %g: weights after training with 1, 2 and 3 threads differ", drop)
		}
		if first == nil {
			first = ws[0]
		} else if slices.Equal(first, ws[0]) {
			t.Errorf("dropout %g left the weights as they are without it", drop)
		}
	}
}

// Stopping at step 5 and resuming from the checkpoint gives the losses and
// the weights of the uninterrupted run.
func TestCheckpointResume(t *testing.T) {
	cfg := taskConfig(210)
	data := taskData(2, 300)
	path := filepath.Join(t.TempDir(), "ckpt.gguf")
	opts := Options{Steps: 10, BatchTokens: 64, LR: 5e-3, Warmup: 2, WeightDecay: 0.1, Clip: 1, Seed: 4, Threads: 2, Dropout: 0.1}

	full, _ := New(cfg, 1)
	var want []float64
	o := opts
	o.Progress = func(p Progress) { want = append(want, p.Loss) }
	if _, err := Train(context.Background(), full, data, o); err != nil {
		t.Fatal(err)
	}

	first, _ := New(cfg, 1)
	ctx, cancel := context.WithCancel(context.Background())
	var got []float64
	o = opts
	o.Checkpoint = path
	o.Progress = func(p Progress) {
		got = append(got, p.Loss)
		if p.Step == 5 {
			cancel()
		}
	}
	if _, err := Train(ctx, first, data, o); err == nil || ctx.Err() == nil {
		t.Fatalf("cancelled run returned %v", err)
	}
	if len(got) != 5 {
		t.Fatalf("cancelled run made %d steps, want 5", len(got))
	}

	resumed, _ := New(cfg, 999) // different weights: the checkpoint must replace them
	o.Resume = true
	if _, err := Train(context.Background(), resumed, data, o); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("losses with resume %v\nuninterrupted    %v", got, want)
	}
	if !slices.Equal(resumed.W, full.W) {
		t.Errorf("weights after resume differ from the uninterrupted run's")
	}

	// A checkpoint for another shape is refused.
	other, _ := New(Config{NEmbd: 16, NLayer: 1, NHead: 2, NHeadKV: 1, NFF: 8, Vocab: 210, Ctx: 16}, 1)
	if _, err := Train(context.Background(), other, data, o); err == nil {
		t.Errorf("resuming a differently shaped model succeeded")
	}
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if s, _ := f.Int(keyStep); s != 10 {
		t.Errorf("final checkpoint at step %d, want 10", s)
	}

	// A damaged checkpoint is an error, not a fresh start.
	if err := os.WriteFile(path, []byte("GGUF\x03\x00\x00\x00junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	again, _ := New(cfg, 1)
	if _, err := Train(context.Background(), again, data, o); err == nil {
		t.Errorf("resuming from a damaged checkpoint succeeded")
	}
}

// CheckpointEvery writes the checkpoint on schedule: when step s is
// reported, the file holds the last multiple of the interval before s.
func TestCheckpointEvery(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ckpt.gguf")
	m, _ := New(taskConfig(210), 1)
	var seen []int
	_, err := Train(context.Background(), m, taskData(2, 50), Options{
		Steps: 7, BatchTokens: 32, Seed: 1, Threads: 1, Checkpoint: path, CheckpointEvery: 3,
		Progress: func(p Progress) {
			f, err := gguf.Open(path)
			if err != nil {
				seen = append(seen, -1)
				return
			}
			s, _ := f.Int(keyStep)
			f.Close()
			seen = append(seen, s)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{-1, -1, -1, 3, 3, 3, 6}; !slices.Equal(seen, want) {
		t.Errorf("checkpoint steps seen at each report %v, want %v", seen, want)
	}
}

// With EMA the model ends with the bias-corrected average of the weights
// after every step, computed as the trainer does (float32 updates), and a
// run stopped and resumed from its checkpoint ends with the same average.
func TestEMAWeights(t *testing.T) {
	cfg := taskConfig(210)
	data := taskData(2, 300)
	const d = 0.8
	opts := Options{Steps: 6, BatchTokens: 64, LR: 5e-3, Clip: 1, Seed: 4, Threads: 2, EMA: d}

	m, _ := New(cfg, 1)
	var ema []float32
	o := opts
	o.Progress = func(Progress) {
		if ema == nil {
			ema = make([]float32, len(m.W))
		}
		df := float32(d)
		for i, w := range m.W {
			ema[i] = df*ema[i] + (1-df)*w
		}
	}
	if _, err := Train(context.Background(), m, data, o); err != nil {
		t.Fatal(err)
	}
	c := 1 - math.Pow(d, float64(opts.Steps))
	for i, v := range ema {
		if want := float32(float64(v) / c); m.W[i] != want {
			t.Fatalf("weight %d: %g, want the average %g", i, m.W[i], want)
		}
	}
	last, _ := New(cfg, 1)
	if _, err := Train(context.Background(), last, data, Options{Steps: 6, BatchTokens: 64, LR: 5e-3, Clip: 1, Seed: 4, Threads: 2}); err != nil {
		t.Fatal(err)
	}
	if slices.Equal(last.W, m.W) {
		t.Fatalf("EMA run ended with the last step's weights")
	}

	path := filepath.Join(t.TempDir(), "ckpt.gguf")
	ctx, cancel := context.WithCancel(context.Background())
	first, _ := New(cfg, 1)
	o = opts
	o.Checkpoint = path
	o.Progress = func(p Progress) {
		if p.Step == 3 {
			cancel()
		}
	}
	if _, err := Train(ctx, first, data, o); err == nil {
		t.Fatal("cancelled run returned no error")
	}
	resumed, _ := New(cfg, 999)
	o.Resume, o.Progress = true, nil
	if _, err := Train(context.Background(), resumed, data, o); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(resumed.W, m.W) {
		t.Errorf("EMA weights after resume differ from the uninterrupted run's")
	}
}
