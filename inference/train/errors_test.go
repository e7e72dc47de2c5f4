package train

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/logsift/logsift/inference/gguf"
	"github.com/logsift/logsift/inference/tensor"
)

func TestConfigErrors(t *testing.T) {
	f := func(c Config, want string) {
		t.Helper()
		_, err := New(c, 1)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New(%+v) = %v, want an error with %q", c, err, want)
		}
	}
	ok := tinyConfig
	c := ok
	c.NLayer = 0
	f(c, "NLayer = 0")
	c = ok
	c.NHead = 3
	f(c, "NEmbd 16 must be NHead 3")
	c = ok
	c.NHead, c.NHeadKV = 4, 3
	f(c, "not a multiple of NHeadKV")
	c = ok
	c.Eps = -1
	f(c, "must be positive")
}

func TestTrainErrors(t *testing.T) {
	m, err := New(tinyConfig, 1)
	if err != nil {
		t.Fatal(err)
	}
	good := Examples{{Tokens: []int32{1, 2, 3}, Mask: []bool{false, true, true}}}
	f := func(data Dataset, o Options, want string) {
		t.Helper()
		_, err := Train(context.Background(), m, data, o)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Train = %v, want an error with %q", err, want)
		}
	}
	f(good, Options{}, "Steps 0")
	f(good, Options{Steps: 1, LR: -1}, "must not be negative")
	f(good, Options{Steps: 1, Beta2: 1}, "betas")
	f(good, Options{Steps: 1, Resume: true}, "Resume needs a Checkpoint")
	f(good, Options{Steps: 1, EMA: 1}, "EMA 1")
	f(Examples{}, Options{Steps: 1}, "empty dataset")
	f(Examples{{Tokens: []int32{1, 2}, Mask: []bool{true}}}, Options{Steps: 1}, "mask of 1")
	f(Examples{{Tokens: make([]int32, 9), Mask: make([]bool, 9)}}, Options{Steps: 1}, "want 1..8")
	f(Examples{{Tokens: []int32{1, 40}, Mask: []bool{false, true}}}, Options{Steps: 1}, "token 40 out of range")
	if _, err := Train(context.Background(), m, good, Options{Steps: 2}); err != nil {
		t.Errorf("a valid run failed: %v", err)
	}
}

func TestWriteGGUFErrors(t *testing.T) {
	m, err := New(tinyConfig, 1)
	if err != nil {
		t.Fatal(err)
	}
	vocab := func(n int) func(*gguf.Writer) {
		return func(w *gguf.Writer) {
			w.SetKV("tokenizer.ggml.model", gguf.TypeString, "gpt2")
			w.SetKV("tokenizer.ggml.tokens", gguf.TypeArray, make([]string, n))
		}
	}
	f := func(tok func(*gguf.Writer), typ tensor.Type, want string) {
		t.Helper()
		err := m.WriteGGUF(&bytes.Buffer{}, tok, typ)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("WriteGGUF = %v, want an error with %q", err, want)
		}
	}
	f(vocab(41), tensor.F32, "41 tokens, the model's vocabulary 40")
	f(func(*gguf.Writer) {}, tensor.F32, "no tokenizer.ggml.tokens")
	f(vocab(40), tensor.Q4_0, "not supported")
	f(vocab(40), tensor.Q8_0, "as q8_0") // rows of 16 do not split into blocks of 32
	if err := m.WriteGGUF(&bytes.Buffer{}, vocab(40), tensor.F32); err != nil {
		t.Errorf("valid export failed: %v", err)
	}
}
