package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/logsift/logsift/platform/config"
)

// runHealthcheck is `logsift healthcheck`: it GETs a service's health
// endpoint and exits 0 on 200, 1 otherwise. The container image is the
// static binary alone, with no shell or HTTP client, so this is what Docker
// Compose's healthcheck runs.
func runHealthcheck(ctx context.Context, args []string, s *stdio) int {
	fs := config.NewFlagSet("healthcheck", "logsift healthcheck: GETs a logsift service's /healthz or /readyz; exit 0 when it answers 200, 1 when not.")
	var (
		target  string
		timeout time.Duration
	)
	fs.String(&target, "url", "http://127.0.0.1:8080/readyz", "health endpoint to check")
	fs.Duration(&timeout, "timeout", 3*time.Second, "give up after this long")
	if code, done := parse(fs, args, s); done {
		return code
	}
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fail(s, cfgErr("--url %q: want an http(s) URL", target))
	}
	if timeout <= 0 {
		return fail(s, cfgErr("--timeout %s must be positive", timeout))
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fail(s, cfgErr("--url: %w", err))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(s.err, "logsift healthcheck: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(s.err, "logsift healthcheck: %s: %d %s\n", target, resp.StatusCode, body)
		return 1
	}
	return 0
}
