package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logsift/logsift/classifier/prompt"
	"github.com/logsift/logsift/inference/constrain"
	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/schemas"
)

// `logsift model train` with tiny settings writes a model the engine loads
// and decodes into schema-valid JSON, and reports progress on stderr.
func TestModelTrain(t *testing.T) {
	out := filepath.Join(t.TempDir(), "m.gguf")
	code, stdout, stderr := run("model", "train", "--out", out, "--seed", "2", "--examples", "200", "--steps", "20",
		"--vocab", "360", "--dims", "custom", "--embd", "32", "--layers", "1", "--heads", "2", "--kv-heads", "1", "--ff", "64",
		"--batch-tokens", "1024", "--lr", "0.01", "--threads", "2", "--type", "q8_0", "--progress", "0", "--log-level", "error")
	if code != 0 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "wrote "+out) {
		t.Errorf("stdout %q does not name the file", stdout)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) != 20 || !strings.HasPrefix(lines[19], "step 20/20  loss ") || !strings.Contains(lines[19], "tokens/s") || !strings.Contains(lines[19], "eta ") {
		t.Errorf("progress on stderr: %d lines, last %q", len(lines), lines[len(lines)-1])
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatal(err)
	}
	m, err := model.Load(out, model.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(m, engine.Config{KVBlocks: 64})
	if err != nil {
		m.Close()
		t.Fatal(err)
	}
	defer func() { eng.Close(); m.Close() }()
	codec, err := prompt.NewCodec(eng.Tokenizer())
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Generate(context.Background(), engine.Request{
		Prompt: codec.Prompt("2024-05-01T10:00:00Z ERROR kafka.server.ReplicaManager: partition 3 offline"), Schema: constrain.DefaultSchema,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := schemas.Default().Validate(res.JSON); err != nil {
		t.Errorf("%q: %v", res.JSON, err)
	}
}

func TestModelTrainFlags(t *testing.T) {
	f := func(wantErr string, args ...string) {
		t.Helper()
		code, _, errOut := run(append([]string{"model", "train"}, args...)...)
		if code != 2 || !strings.Contains(errOut, wantErr) {
			t.Errorf("logsift model train %v = %d, stderr %q; want 2, %q", args, code, errOut, wantErr)
		}
	}
	f("--out is required")
	f("--dims", "--out", "x", "--dims", "huge")
	f("--dims custom needs", "--out", "x", "--dims", "custom", "--embd", "32")
	f("--type", "--out", "x", "--type", "q4_0")
	f("--steps", "--out", "x", "--steps", "0")
	f("--ema 1: want a decay in [0, 1)", "--out", "x", "--ema", "1")
	f("--dropout 1: want a probability in [0, 1)", "--out", "x", "--dropout", "1")
	f("--weight-decay -0.1: want a value in [0, 1)", "--out", "x", "--weight-decay", "-0.1")
	code, out, _ := run("model", "train", "--help")
	if code != 0 || !strings.Contains(out, "--dims") {
		t.Errorf("model train --help = %d, %q", code, out)
	}
}
