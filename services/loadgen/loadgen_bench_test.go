package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// benchDuration is how long each measured run sends; LOADGEN_BENCH_SECONDS
// overrides it.
func benchDuration() time.Duration {
	if s, err := strconv.Atoi(os.Getenv("LOADGEN_BENCH_SECONDS")); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return 10 * time.Second
}

// BenchmarkEndToEnd sends synthesised lines at a fixed rate through the
// in-process pipeline (app.StartDev with a test-double labeler in place of
// the model) and reports ingest → SSE latency. Run with -benchtime=1x.
func BenchmarkEndToEnd(b *testing.B) {
	for _, rate := range []float64{200, 1000, 5000} {
		b.Run(fmt.Sprintf("rate=%v", rate), func(b *testing.B) {
			d := startPipeline(b)
			b.ReportAllocs()
			for b.Loop() {
				r, err := Run(context.Background(), Config{
					IngestURL: d.Ingest.URL(), GatewayURL: d.Gateway.URL(), Rate: rate, Duration: benchDuration(),
				}, nil)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(r.Rate, "lines/s")
				b.ReportMetric(float64(r.P50)/1e6, "p50-ms")
				b.ReportMetric(float64(r.P95)/1e6, "p95-ms")
				b.ReportMetric(float64(r.P99)/1e6, "p99-ms")
				b.ReportMetric(float64(r.Lost), "lost")
			}
		})
	}
}

// BenchmarkGatewayFanout runs `logsift gateway` (the built binary, so its
// memory is its own) against the in-process pipeline's broker, opens
// LOADGEN_SUBSCRIBERS (default 1000) SSE subscriptions to it, and sends
// LOADGEN_RATE (default 1,000) lines/s through ingest. Latency is loadgen's own ingest → SSE
// measure on one more subscription to the same gateway, and the gateway's
// logsift_gateway_delivery_seconds; memory is the gateway process's peak RSS.
// Needs bin/logsift (make build) or LOGSIFT_BIN.
func BenchmarkGatewayFanout(b *testing.B) {
	bin := os.Getenv("LOGSIFT_BIN")
	if bin == "" {
		bin, _ = filepath.Abs(filepath.Join("..", "..", "bin", "logsift"))
	}
	if _, err := os.Stat(bin); err != nil {
		b.Skipf("no logsift binary at %s (make build)", bin)
	}
	subs := 1000
	if n, err := strconv.Atoi(os.Getenv("LOADGEN_SUBSCRIBERS")); err == nil && n > 0 {
		subs = n
	}
	rate := 1000.0
	if r, err := strconv.ParseFloat(os.Getenv("LOADGEN_RATE"), 64); err == nil && r > 0 {
		rate = r
	}
	d := startPipeline(b)
	addr := "127.0.0.1:18181"
	cmd := exec.Command(bin, "gateway", "--addr", addr, "--kafka-brokers", d.Broker.Addr(), "--partitions", "3",
		"--max-subscribers", strconv.Itoa(subs+10), "--log-level", "warn")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	url := "http://" + addr
	for deadline := time.Now().Add(30 * time.Second); ; {
		if resp, err := http.Get(url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			b.Fatal("gateway not ready")
		}
		time.Sleep(100 * time.Millisecond)
	}

	// Subscribers read and count events without decoding them, so the
	// benchmark process spends little CPU per event.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var live, events, ended atomic.Int64
	var wg sync.WaitGroup
	tr := &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: subs}
	client := &http.Client{Transport: tr}
	for range subs {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"/v1/stream", nil)
			resp, err := client.Do(req)
			if err != nil {
				ended.Add(1)
				return
			}
			defer resp.Body.Close()
			rd := bufio.NewReaderSize(resp.Body, 64<<10)
			buf := make([]byte, 64<<10)
			first := true
			for {
				n, err := rd.Read(buf)
				if first && bytes.Contains(buf[:n], []byte(": live")) {
					live.Add(1)
					first = false
				}
				events.Add(int64(bytes.Count(buf[:n], []byte("\ndata:")) + boolInt(bytes.HasPrefix(buf[:n], []byte("data:")))))
				if err != nil {
					if ctx.Err() == nil {
						ended.Add(1)
					}
					return
				}
			}
		})
	}
	for deadline := time.Now().Add(60 * time.Second); live.Load()+ended.Load() < int64(subs); {
		if time.Now().After(deadline) {
			b.Fatalf("only %d of %d subscribers live", live.Load(), subs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for b.Loop() {
		before := events.Load()
		r, err := Run(context.Background(), Config{
			IngestURL: d.Ingest.URL(), GatewayURL: url, Rate: rate, Duration: benchDuration(),
		}, nil)
		if err != nil {
			b.Fatal(err)
		}
		time.Sleep(2 * time.Second) // let the subscribers finish reading
		got := events.Load() - before
		b.ReportMetric(float64(subs), "subscribers")
		b.ReportMetric(float64(live.Load()), "live")
		b.ReportMetric(float64(ended.Load()), "dropped")
		b.ReportMetric(r.Rate, "lines/s")
		b.ReportMetric(float64(r.P50)/1e6, "e2e-p50-ms")
		b.ReportMetric(float64(r.P99)/1e6, "e2e-p99-ms")
		b.ReportMetric(float64(got)/float64(max(r.Sent, 1))/float64(subs), "delivered-fraction")
		b.ReportMetric(metricQuantile(b, url, "logsift_gateway_delivery_seconds", 0.99)*1e3, "hub-p99-ms")
		b.ReportMetric(float64(procKB(b, cmd.Process.Pid, "VmHWM"))/1024, "gateway-peak-RSS-MiB")
		b.ReportMetric(float64(procKB(b, cmd.Process.Pid, "VmRSS"))/1024, "gateway-RSS-MiB")
	}
	cancel()
	tr.CloseIdleConnections()
}

func boolInt(v bool) int {
	if v {
		return 1
	}
	return 0
}

func procKB(b *testing.B, pid int, field string) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			n, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return n
		}
	}
	return 0
}

// metricQuantile estimates a quantile of a Prometheus histogram from its
// cumulative buckets on /metrics (the upper bound of the first bucket
// reaching it).
func metricQuantile(b *testing.B, base, name string, q float64) float64 {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	type bucket struct{ le, n float64 }
	var bs []bucket
	var total float64
	for _, l := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(l, name+"_count ") {
			total, _ = strconv.ParseFloat(strings.Fields(l)[1], 64)
		}
		rest, ok := strings.CutPrefix(l, name+`_bucket{le="`)
		if !ok {
			continue
		}
		le, after, _ := strings.Cut(rest, `"}`)
		lv, _ := strconv.ParseFloat(le, 64)
		nv, _ := strconv.ParseFloat(strings.TrimSpace(after), 64)
		bs = append(bs, bucket{lv, nv})
	}
	for _, bk := range bs {
		if total > 0 && bk.n >= q*total {
			return bk.le
		}
	}
	return -1
}
