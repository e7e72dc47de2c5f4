package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHealthcheck(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"status":"x"}`))
	}))
	defer srv.Close()
	run := func(args ...string) (int, string) {
		var o, e bytes.Buffer
		code := Run(context.Background(), append([]string{"healthcheck"}, args...), &o, &e, func(string) string { return "" })
		return code, e.String()
	}
	if code, msg := run("--url", srv.URL+"/readyz"); code != 0 {
		t.Errorf("healthy: exit %d %s", code, msg)
	}
	status = http.StatusServiceUnavailable
	if code, msg := run("--url", srv.URL+"/readyz"); code != 1 || !strings.Contains(msg, "503") {
		t.Errorf("unready: exit %d %q, want 1 naming 503", code, msg)
	}
	if code, _ := run("--url", "http://127.0.0.1:1/readyz", "--timeout", "1s"); code != 1 {
		t.Errorf("refused: exit %d, want 1", code)
	}
	if code, msg := run("--url", "ftp://x"); code != 2 || !strings.Contains(msg, "--url") {
		t.Errorf("bad url: exit %d %q, want 2", code, msg)
	}
}
