package stream

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/logsift/logsift/schemas"
)

// countingWriter is an in-process http.ResponseWriter + Flusher that counts
// the SSE data lines and "live" comments written to it.
type countingWriter struct {
	h     http.Header
	data  *atomic.Int64
	live  *atomic.Int64
	bytes *atomic.Int64
}

func (w *countingWriter) Header() http.Header { return w.h }
func (w *countingWriter) WriteHeader(int)     {}
func (w *countingWriter) Flush()              {}
func (w *countingWriter) Write(p []byte) (int, error) {
	switch {
	case bytes.HasPrefix(p, []byte("data: ")):
		w.data.Add(1)
	case bytes.Equal(p, []byte(": live\n")):
		w.live.Add(1)
	}
	w.bytes.Add(int64(len(p)))
	return len(p), nil
}

// offlineGateway is a gateway whose hub is fed directly, without Kafka.
func offlineGateway(tb testing.TB, parts int, mod func(*Config)) *Gateway {
	tb.Helper()
	cfg := Config{Brokers: []string{"127.0.0.1:1"}, Heartbeat: time.Hour}
	if mod != nil {
		mod(&cfg)
	}
	g, err := New(cfg, nil, nil)
	if err != nil {
		tb.Fatal(err)
	}
	g.parts = parts
	g.hub.init(make(position, parts), g.cfg.ReplayWindow)
	close(g.ready)
	return g
}

// BenchmarkFanOut publishes events to 1,000 in-process subscribers through
// the whole path (hub → per-subscriber sse.Stream → sse's ServeHTTP writing
// the wire format) and waits, every 256 events, until all were written.
func BenchmarkFanOut(b *testing.B) {
	for _, bc := range []struct {
		name  string
		query func(i int) string
	}{
		{"subs=1000/unfiltered", func(int) string { return "" }},
		{"subs=1000/severity", func(i int) string { return "severity=" + schemas.Severities[i%5] }},
		{"subs=1000/service", func(i int) string { return "service=" + testServices[i%4] }},
	} {
		b.Run(bc.name, func(b *testing.B) { benchFanOut(b, 1000, bc.query) })
	}
}

func benchFanOut(b *testing.B, subs int, query func(int) string) {
	const parts, chunk = 3, 256
	g := offlineGateway(b, parts, nil)
	h := g.Handler()
	var data, live, nbytes atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i := range subs {
		req := httptest.NewRequestWithContext(ctx, "GET", "/v1/stream?"+query(i), nil)
		w := &countingWriter{h: http.Header{}, data: &data, live: &live, bytes: &nbytes}
		wg.Go(func() { h.ServeHTTP(w, req) })
	}
	defer func() {
		cancel()
		wg.Wait()
	}()
	for live.Load() < int64(subs) {
		time.Sleep(time.Millisecond)
	}

	// Each subscriber's expected count is computed from the same filter the
	// hub applies, so the wait is exact.
	filters := make([]filter, subs)
	for i := range subs {
		req := httptest.NewRequest("GET", "/v1/stream?"+query(i), nil)
		sr, err := parseSubRequest(req.URL.Query(), "", schemas.CategoryNames())
		if err != nil {
			b.Fatal(err)
		}
		filters[i] = sr.filter
	}
	payloads := make([][]byte, 20)
	entries := make([]entry, len(payloads))
	for i := range payloads {
		l := logFor(i)
		payloads[i], _ = json.Marshal(l)
		entries[i] = entry{rank: schemas.SeverityRank(l.Severity), category: l.Category, service: l.Service, data: payloads[i]}
	}
	perEntry := make([]int64, len(entries))
	for i := range entries {
		for _, f := range filters {
			if f.match(&entries[i]) {
				perEntry[i]++
			}
		}
	}

	var want int64
	wait := func() {
		for data.Load() < want {
			if testCounter(g.m.dropped.WithLabelValues(dropSlow)) > 0 {
				b.Fatalf("a subscriber was dropped as slow")
			}
			time.Sleep(50 * time.Microsecond)
		}
	}
	offsets := make([]int64, parts)
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		k := n % len(entries)
		e := entries[k]
		e.partition = int32(n % parts)
		e.offset = offsets[e.partition]
		e.classifiedAt = time.Now()
		offsets[e.partition]++
		g.hub.publish(&e)
		want += perEntry[k]
		n++
		if n%chunk == 0 {
			wait()
		}
	}
	wait()
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(n)/secs, "events/s")
	b.ReportMetric(float64(want)/secs, "deliveries/s")
}

// BenchmarkDecodeRecord is the per-record cost of checking a ClassifiedLog
// on the live readers.
func BenchmarkDecodeRecord(b *testing.B) {
	v, _ := json.Marshal(logFor(7))
	b.SetBytes(int64(len(v)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeRecord(0, 1, nil, v); err != nil {
			b.Fatal(err)
		}
	}
}
