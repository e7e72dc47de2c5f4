package health

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"
)

func get(t *testing.T, srv *httptest.Server, path string) (int, response) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s Content-Type = %q", path, ct)
	}
	var r response
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("%s: body not JSON: %v", path, err)
	}
	return resp.StatusCode, r
}

func ok(context.Context) error { return nil }

func TestEndpoints(t *testing.T) {
	type tc struct {
		name       string
		checks     map[string]Check
		draining   bool
		wantCode   int
		wantStatus string
		wantChecks map[string]string
	}
	block := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
	ignoreCtx := func(context.Context) error { time.Sleep(500 * time.Millisecond); return nil }
	for _, c := range []tc{
		{"no checks", nil, false, 200, "ok", nil},
		{"all pass", map[string]Check{"kafka": ok, "postgres": ok}, false, 200, "ok", map[string]string{"kafka": "ok", "postgres": "ok"}},
		{"one fails", map[string]Check{"kafka": func(context.Context) error { return errors.New("dial tcp 127.0.0.1:9092: connection refused") }, "postgres": ok},
			false, 503, "unavailable", map[string]string{"kafka": "dial tcp 127.0.0.1:9092: connection refused", "postgres": "ok"}},
		{"check honours timeout", map[string]Check{"slow": block}, false, 503, "unavailable", map[string]string{"slow": "no answer within 100ms: context deadline exceeded"}},
		{"check ignores timeout", map[string]Check{"stuck": ignoreCtx, "kafka": ok}, false, 503, "unavailable", map[string]string{"stuck": "no answer within 100ms", "kafka": "ok"}},
		{"panicking check", map[string]Check{"bad": func(context.Context) error { panic("boom") }}, false, 503, "unavailable", map[string]string{"bad": "check panicked: boom"}},
		{"draining", map[string]Check{"kafka": ok}, true, 503, "unavailable", map[string]string{"shutdown": "shutting down"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := New()
			h.SetTimeout(100 * time.Millisecond)
			for n, chk := range c.checks {
				h.AddReadiness(n, chk)
			}
			h.SetDraining(c.draining)
			mux := http.NewServeMux()
			h.Register(mux)
			srv := httptest.NewServer(mux)
			defer srv.Close()

			code, r := get(t, srv, "/healthz")
			if code != 200 || r.Status != "ok" {
				t.Errorf("/healthz = %d %+v, want 200 ok", code, r)
			}
			code, r = get(t, srv, "/readyz")
			if code != c.wantCode || r.Status != c.wantStatus || !reflect.DeepEqual(r.Checks, c.wantChecks) {
				t.Errorf("/readyz = %d %+v, want %d %s %v", code, r, c.wantCode, c.wantStatus, c.wantChecks)
			}
		})
	}
}

func TestDefaultTimeoutIsTwoSeconds(t *testing.T) {
	if New().timeout != 2*time.Second {
		t.Errorf("default readiness timeout %s, want 2s", New().timeout)
	}
}

func TestRecovery(t *testing.T) {
	h := New()
	var fail = true
	h.AddReadiness("db", func(context.Context) error {
		if fail {
			return errors.New("down")
		}
		return nil
	})
	if _, ok := h.Check(context.Background()); ok {
		t.Fatal("ready while the check fails")
	}
	fail = false
	if _, ok := h.Check(context.Background()); !ok {
		t.Fatal("not ready after the check recovered")
	}
}
