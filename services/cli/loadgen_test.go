package cli

import (
	"strings"
	"testing"
)

func TestLoadgenUsage(t *testing.T) {
	f := func(wantCode int, wantOut, wantErr string, args ...string) {
		t.Helper()
		code, out, errOut := run(args...)
		if code != wantCode || !strings.Contains(out, wantOut) || !strings.Contains(errOut, wantErr) {
			t.Errorf("logsift %v = %d, stdout %q, stderr %q; want %d, %q, %q", args, code, out, errOut, wantCode, wantOut, wantErr)
		}
	}
	f(0, "LOGSIFT_RATE", "", "loadgen", "--help")
	f(0, "loadgen", "", "--help")
	f(2, "", `--to "nope"`, "loadgen", "--to", "nope")
	f(2, "", "rate", "loadgen", "--rate", "0")
	f(2, "", "bound", "loadgen", "--duration", "0")
	f(2, "", "--format", "loadgen", "--format", "xml")
	// Nothing listens on port 1: a runtime failure, exit 1.
	f(1, "", "127.0.0.1:1", "loadgen", "--gateway-url", "http://127.0.0.1:1", "--count", "1", "--progress", "0")
}
