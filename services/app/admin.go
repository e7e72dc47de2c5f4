package app

import (
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/logsift/logsift/platform/health"
	"github.com/logsift/logsift/platform/metrics"
)

// Admin serves /metrics, /healthz and /readyz for a service that has no
// user-facing HTTP port of its own (the classifier).
type Admin struct{ *httpServer }

// StartAdmin starts the admin endpoints on addr.
func StartAdmin(addr string, reg *prometheus.Registry, h *health.Health, logger *slog.Logger) (*Admin, error) {
	mux := http.NewServeMux()
	mux.Handle("/metrics", metrics.Handler(reg))
	h.Register(mux)
	hs, err := startHTTP(addr, mux, logger)
	if err != nil {
		return nil, err
	}
	return &Admin{hs}, nil
}
