package openaitest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/openai"
)

var tinyModel = filepath.Join("..", "..", "..", "shared", "conformance", "models", "tiny-llama-q8_0.gguf")

// node finds node and the installed client; when either is missing the
// test fails under CI=true and is skipped elsewhere.
func node(t *testing.T) string {
	t.Helper()
	var missing []string
	bin, err := exec.LookPath("node")
	if err != nil {
		missing = append(missing, "node (Debian: apt-get install nodejs)")
	}
	if _, err := os.Stat(filepath.Join("node_modules", "openai", "package.json")); err != nil {
		missing = append(missing, "the openai npm package (npm ci in services/openaitest)")
	}
	if len(missing) > 0 {
		msg := "the OpenAI client test needs " + strings.Join(missing, ", ") + "; scripts/ci-deps.sh installs them"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return bin
}

func TestOfficialClient(t *testing.T) {
	bin := node(t)
	m, err := model.Load(tinyModel, model.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	e, err := engine.New(m, engine.Config{KVBudget: 16 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	api, err := openai.New(openai.Config{Engine: e, ModelID: "logsift-test"})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/v1/", api)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "client.mjs")
	cmd.Env = append(os.Environ(), "OPENAI_BASE_URL="+srv.URL+"/v1", "MODEL=logsift-test")
	out, err := cmd.CombinedOutput()
	if testing.Verbose() || err != nil {
		t.Logf("client.mjs:\n%s", out)
	}
	if err != nil {
		t.Fatalf("client.mjs failed: %v", err)
	}
	for _, want := range []string{"completion ok", "streamed chat ok", "json_schema chat ok", "errors ok"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("client.mjs output lacks %q", want)
		}
	}
}
