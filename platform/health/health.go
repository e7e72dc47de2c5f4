package health

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"
)

// Check reports whether one dependency is usable. It must honour ctx.
type Check func(ctx context.Context) error

// DefaultTimeout bounds a readiness request's checks.
const DefaultTimeout = 2 * time.Second

// Health holds the readiness checks of one process. Safe for concurrent use.
type Health struct {
	mu       sync.RWMutex
	checks   map[string]Check
	timeout  time.Duration
	draining bool
}

// New returns a Health with no checks (always ready) and DefaultTimeout.
func New() *Health {
	return &Health{checks: map[string]Check{}, timeout: DefaultTimeout}
}

// AddReadiness registers (or replaces) the check called name.
func (h *Health) AddReadiness(name string, c Check) {
	if c == nil {
		panic(fmt.Sprintf("BUG: health: nil check %q", name))
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.checks[name] = c
}

// SetTimeout changes how long readiness waits for its checks.
func (h *Health) SetTimeout(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.timeout = d
}

// SetDraining marks the process as shutting down (true): readiness then
// fails without running checks.
func (h *Health) SetDraining(draining bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.draining = draining
}

type response struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks,omitempty"`
}

func write(w http.ResponseWriter, code int, r response) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(r)
}

// Liveness serves 200 {"status":"ok"}.
func (h *Health) Liveness() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		write(w, http.StatusOK, response{Status: "ok"})
	})
}

// Readiness serves 200 {"status":"ok","checks":{"kafka":"ok"}} when every
// check passes, else 503 {"status":"unavailable","checks":{"kafka":"<error>"}}.
func (h *Health) Readiness() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		results, ok := h.Check(r.Context())
		if ok {
			write(w, http.StatusOK, response{Status: "ok", Checks: results})
			return
		}
		write(w, http.StatusServiceUnavailable, response{Status: "unavailable", Checks: results})
	})
}

// errDraining is what readiness reports while shutting down.
var errDraining = errors.New("shutting down")

// Check runs every check concurrently and returns each one's outcome ("ok"
// or the error text) and whether all passed. A check still running at the
// timeout is reported as timed out; it is not waited for.
func (h *Health) Check(ctx context.Context) (map[string]string, bool) {
	h.mu.RLock()
	checks := make(map[string]Check, len(h.checks))
	for n, c := range h.checks {
		checks[n] = c
	}
	timeout, draining := h.timeout, h.draining
	h.mu.RUnlock()
	if draining {
		return map[string]string{"shutdown": errDraining.Error()}, false
	}

	// Checks get the timeout; we wait a little longer so one that honours
	// ctx reports its own error (which says what it was waiting for)
	// rather than a bare "no answer".
	wait, cancelWait := context.WithTimeout(ctx, timeout+timeout/10+50*time.Millisecond)
	defer cancelWait()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type result struct {
		name string
		err  error
	}
	// Buffered so a check that ignores ctx and returns late does not block
	// its goroutine forever.
	ch := make(chan result, len(checks))
	for n, c := range checks {
		go func() {
			defer func() {
				if p := recover(); p != nil {
					ch <- result{n, fmt.Errorf("check panicked: %v", p)}
				}
			}()
			ch <- result{n, c(ctx)}
		}()
	}
	out := make(map[string]string, len(checks))
	ok := true
	for range checks {
		select {
		case res := <-ch:
			switch {
			case res.err != nil && ctx.Err() != nil:
				out[res.name], ok = fmt.Sprintf("no answer within %s: %v", timeout, res.err), false
			case res.err != nil:
				out[res.name], ok = res.err.Error(), false
			default:
				out[res.name] = "ok"
			}
		case <-wait.Done():
			names := make([]string, 0)
			for n := range checks {
				if _, done := out[n]; !done {
					names = append(names, n)
				}
			}
			sort.Strings(names)
			for _, n := range names {
				out[n] = fmt.Sprintf("no answer within %s", timeout)
			}
			return out, false
		}
	}
	return out, ok
}

// Register mounts /healthz and /readyz on mux.
func (h *Health) Register(mux *http.ServeMux) {
	mux.Handle("GET /healthz", h.Liveness())
	mux.Handle("GET /readyz", h.Readiness())
}
