package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func run(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = Run(context.Background(), args, &o, &e, func(string) string { return "" })
	return code, o.String(), e.String()
}

func TestExitCodes(t *testing.T) {
	f := func(wantCode int, wantOut, wantErr string, args ...string) {
		t.Helper()
		code, out, errOut := run(args...)
		if code != wantCode || !strings.Contains(out, wantOut) || !strings.Contains(errOut, wantErr) {
			t.Errorf("logsift %v = %d, stdout %q, stderr %q; want %d, %q, %q", args, code, out, errOut, wantCode, wantOut, wantErr)
		}
		if code == 2 && wantErr != "" && strings.Count(strings.TrimRight(errOut, "\n"), "\n") != 0 {
			t.Errorf("logsift %v: reason is not one line: %q", args, errOut)
		}
	}
	f(0, "Usage: logsift", "", "--help")
	f(2, "Usage: logsift", "")
	f(2, "", "unknown command", "frobnicate")
	f(0, "logsift ", "", "version")
	f(0, "LOGSIFT_KAFKA_BROKERS", "", "ingest", "--help")
	f(0, "LOGSIFT_DATABASE_URL", "", "classify", "--help")
	f(0, "LOGSIFT_MAX_SUBSCRIBERS", "", "gateway", "--help")
	f(0, "LOGSIFT_AUTH_TOKENS", "", "gateway", "--help")
	f(0, "LOGSIFT_DATA_DIR", "", "dev", "--help")
	f(2, "", "flag provided but not defined", "ingest", "--nope")
	f(2, "", "--database-url", "classify")
	f(2, "", "--database-url", "migrate")
	f(2, "", "--model: stat m.gguf: no such file", "classify", "--database-url", "postgres://x", "--model", "m.gguf")
	f(2, "", `--cache "maybe": want on or off`, "classify", "--database-url", "postgres://x", "--cache", "maybe")
	f(2, "", `--speculate "wild": want off, lookup, draft or auto`, "classify", "--database-url", "postgres://x", "--speculate", "wild")
	f(2, "", "--schema: stat /nonexistent.json", "classify", "--database-url", "postgres://x", "--schema", "/nonexistent.json")
	f(2, "", "--model: stat m.gguf: no such file", "dev", "--model", "m.gguf")
	f(2, "", "--inference-url needs --inference-model", "classify", "--database-url", "postgres://x", "--inference-url", "http://h:8090/v1")
	f(2, "", `--inference-url "ftp://h"`, "classify", "--database-url", "postgres://x", "--inference-url", "ftp://h", "--inference-model", "m")
	f(2, "", `--prompt-format "alpaca"`, "classify", "--database-url", "postgres://x", "--prompt-format", "alpaca")
	f(2, "", "--speculate draft needs a draft model", "classify", "--database-url", "postgres://x", "--speculate", "draft", "--draft-model", "none")
	f(2, "", "--pg-bin /nonexistent: no PostgreSQL server binaries", "dev", "--pg-bin", "/nonexistent")
}

func TestEnvFallback(t *testing.T) {
	var o, e bytes.Buffer
	env := map[string]string{"LOGSIFT_DATABASE_URL": "postgres://x", "LOGSIFT_MODEL": "/nonexistent.gguf"}
	code := Run(context.Background(), []string{"classify"}, &o, &e, func(k string) string { return env[k] })
	// The database URL comes from the environment, so the next check is the model's, also from it.
	if code != 2 || !strings.Contains(e.String(), "--model: stat /nonexistent.gguf") {
		t.Fatalf("code %d stderr %q", code, e.String())
	}
}
