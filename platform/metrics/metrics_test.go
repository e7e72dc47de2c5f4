package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRegistryAndHandler(t *testing.T) {
	reg := NewRegistry()
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Name: "lines_total", Help: "Lines seen.",
	}, []string{"outcome"})
	h := prometheus.NewHistogram(prometheus.HistogramOpts{
		Namespace: Namespace, Name: "classify_seconds", Help: "Time to classify.", Buckets: LatencyBuckets,
	})
	reg.MustRegister(c, h)
	c.WithLabelValues("ok").Add(3)
	h.Observe(0.003)

	body := scrape(t, Handler(reg))
	for _, want := range []string{
		`logsift_lines_total{outcome="ok"} 3`,
		`logsift_classify_seconds_bucket{le="0.005"} 1`,
		`logsift_classify_seconds_count 1`,
		"go_goroutines",
		"process_cpu_seconds_total",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
}

// A second registry is independent: components can be built twice in one
// process (tests, `logsift dev`) without duplicate-registration panics.
func TestRegistriesIndependent(t *testing.T) {
	for i := 0; i < 2; i++ {
		reg := NewRegistry()
		reg.MustRegister(prometheus.NewCounter(prometheus.CounterOpts{Namespace: Namespace, Name: "x_total", Help: "x"}))
	}
}

func TestBucketsSorted(t *testing.T) {
	for i := 1; i < len(LatencyBuckets); i++ {
		if LatencyBuckets[i] <= LatencyBuckets[i-1] {
			t.Fatalf("LatencyBuckets not increasing at %d: %v", i, LatencyBuckets)
		}
	}
}
