package tokenizer

import (
	"bytes"
	"strings"
	"testing"

	"github.com/logsift/logsift/inference/gguf"
)

func ggufWith(t *testing.T, set func(w *gguf.Writer)) *gguf.File {
	t.Helper()
	w := gguf.NewWriter()
	set(w)
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

func letters(n int) []string {
	var toks []string
	for i := range n {
		toks = append(toks, string(rune('a'+i)))
	}
	return toks
}

// Absent keys get llama.cpp's defaults.
func TestConfigFromGGUFDefaults(t *testing.T) {
	f := ggufWith(t, func(w *gguf.Writer) {
		w.SetKV(keyModel, gguf.TypeString, "gpt2")
		w.SetKV(keyTokens, gguf.TypeArray, letters(20))
		w.SetKV(keyMerges, gguf.TypeArray, []string{"a b"})
	})
	cfg, err := ConfigFromGGUF(f)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Pre != "default" || cfg.BOS != 11 || cfg.EOS != 11 || cfg.UNK != -1 || cfg.PAD != -1 || cfg.AddBOS || cfg.AddSpacePrefix {
		t.Errorf("gpt2 defaults: %+v", cfg)
	}

	f = ggufWith(t, func(w *gguf.Writer) {
		w.SetKV(keyModel, gguf.TypeString, "llama")
		w.SetKV(keyTokens, gguf.TypeArray, letters(2))
		w.SetKV(keyBOS, gguf.TypeUint32, 7) // out of range: keeps the default
	})
	cfg, err = ConfigFromGGUF(f)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.BOS != 1 || cfg.EOS != -1 || cfg.UNK != 0 || !cfg.AddBOS || !cfg.AddSpacePrefix {
		t.Errorf("llama defaults: %+v", cfg)
	}
	if _, err := New(cfg); err != nil {
		t.Errorf("defaults must form a valid config: %v", err)
	}

	f = ggufWith(t, func(w *gguf.Writer) {
		w.SetKV(keyModel, gguf.TypeString, "gpt2")
		w.SetKV(keyPre, gguf.TypeString, "llama-bpe")
		w.SetKV(keyTokens, gguf.TypeArray, letters(20))
		w.SetKV(keyMerges, gguf.TypeArray, []string{"a b"})
		w.SetKV(keyBOS, gguf.TypeUint32, 3)
		w.SetKV(keyAddPrefix, gguf.TypeBool, true)
	})
	cfg, err = ConfigFromGGUF(f)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.AddBOS || cfg.BOS != 3 || !cfg.AddSpacePrefix {
		t.Errorf("llama-bpe: %+v", cfg)
	}
}

func TestFromGGUFErrors(t *testing.T) {
	f := func(set func(w *gguf.Writer), wantSub string) {
		t.Helper()
		_, err := FromGGUF(ggufWith(t, set))
		if err == nil || !strings.Contains(err.Error(), wantSub) {
			t.Errorf("err = %v, want it to contain %q", err, wantSub)
		}
	}
	f(func(w *gguf.Writer) { w.SetKV("general.name", gguf.TypeString, "x") }, keyModel)
	f(func(w *gguf.Writer) { w.SetKV(keyModel, gguf.TypeString, "gpt2") }, keyTokens)
	f(func(w *gguf.Writer) {
		w.SetKV(keyModel, gguf.TypeString, "gpt2")
		w.SetKV(keyTokens, gguf.TypeArray, letters(3))
	}, keyMerges)
	f(func(w *gguf.Writer) {
		w.SetKV(keyModel, gguf.TypeString, "gpt2")
		w.SetKV(keyTokens, gguf.TypeArray, letters(3))
		w.SetKV(keyMerges, gguf.TypeArray, []string{"a b"})
		w.SetKV(keyTypes, gguf.TypeArray, []float32{1, 1, 1})
	}, keyTypes)
	f(func(w *gguf.Writer) {
		w.SetKV(keyModel, gguf.TypeString, "gpt2")
		w.SetKV(keyPre, gguf.TypeString, "tekken")
		w.SetKV(keyTokens, gguf.TypeArray, letters(3))
		w.SetKV(keyMerges, gguf.TypeArray, []string{"a b"})
	}, `"tekken"`)
}
