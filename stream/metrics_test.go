package stream

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// A gateway restarted in the same process takes over the first one's
// metrics rather than failing to register them.
func TestNewTwiceSameRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	cfg := Config{Brokers: []string{"127.0.0.1:1"}}
	g1, err := New(cfg, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	g2, err := New(cfg, nil, reg)
	if err != nil {
		t.Fatalf("second New on the same registry: %v", err)
	}
	g1.m.invalid.Inc()
	g2.m.invalid.Inc()
	if n := testCounter(g2.m.invalid); n != 2 {
		t.Errorf("shared counter = %v, want 2", n)
	}
	bad := prometheus.NewRegistry()
	bad.MustRegister(prometheus.NewHistogram(prometheus.HistogramOpts{Name: "logsift_gateway_events_in_total", Help: "Valid ClassifiedLog records read from the live feed."}))
	if _, err := New(cfg, nil, bad); err == nil {
		t.Error("New over a clashing metric of another type: no error")
	}
}
