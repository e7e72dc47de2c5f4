package loadgen

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logsift/logsift/classifier"
	"github.com/logsift/logsift/platform/pgtest"
	"github.com/logsift/logsift/schemas"
	"github.com/logsift/logsift/services/app"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// fixedLabeler stands in for the model; loadgen only needs lines to come
// back, not particular labels.
type fixedLabeler struct{}

func (fixedLabeler) Name() string { return "fixed-test-double" }
func (fixedLabeler) Label(_ context.Context, in []classifier.Input) ([]classifier.Output, error) {
	out := make([]classifier.Output, len(in))
	for i := range out {
		out[i].Classification = schemas.Classification{Severity: "info", Category: "application", Confidence: 0.5}
	}
	return out, nil
}

func startPipeline(t testing.TB) *app.Dev {
	t.Helper()
	d, err := app.StartDev(context.Background(), app.DevConfig{
		KafkaAddr: "127.0.0.1:0", IngestAddr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0",
		DatabaseURL: pgtest.URL(t),
		Topics:      app.Topics{Raw: "logs.raw", Classified: "logs.classified", DLQ: "logs.dlq", Partitions: 3},
	}, fixedLabeler{}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Stop(context.Background()); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return d
}

func checkReport(t *testing.T, who string, r Report, want int) {
	t.Helper()
	if r.Sent != want || r.Failed != 0 || r.Received != want || r.Lost != 0 {
		t.Errorf("%s: %+v, want %d sent and received", who, r, want)
	}
	if !(0 < r.P50 && r.P50 <= r.P95 && r.P95 <= r.P99 && r.P99 <= r.Max) || r.Rate <= 0 {
		t.Errorf("%s: percentiles or rate out of order: %+v", who, r)
	}
}

func TestAgainstPipeline(t *testing.T) {
	d := startPipeline(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	var progress bytes.Buffer
	r, err := Run(ctx, Config{
		IngestURL: d.Ingest.URL(), GatewayURL: d.Gateway.URL(), Rate: 1000, Count: 300,
		Progress: &progress, ProgressEvery: 50 * time.Millisecond,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, "http, synthesised", r, 300)
	if !strings.Contains(progress.String(), "received") {
		t.Errorf("no progress line: %q", progress.String())
	}

	r, err = Run(ctx, Config{
		Brokers: []string{d.Broker.Addr()}, Topic: "logs.raw", GatewayURL: d.Gateway.URL(), Rate: 1000, Count: 200,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, "kafka, synthesised", r, 200)

	// Replay a file in Loghub's JSONL shape and a text file; they loop.
	dir := t.TempDir()
	jl := filepath.Join(dir, "a.jsonl")
	txt := filepath.Join(dir, "b.log")
	_ = os.WriteFile(jl, []byte(`{"system":"Apache","raw":"[error] mod_jk child workerEnv in error state 6"}`+"\n"+`{"message":"disk full","service":"node-1"}`+"\n"), 0o644)
	_ = os.WriteFile(txt, []byte("kernel: EXT4-fs error (device sda1)\n\nsshd[1]: Accepted password for bob\n"), 0o644)
	r, err = Run(ctx, Config{
		IngestURL: d.Ingest.URL(), GatewayURL: d.Gateway.URL(), Rate: 500, Count: 50, Files: []string{jl, txt},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, "http, replay", r, 50)

	// Without a gateway only the sending side is reported.
	r, err = Run(ctx, Config{IngestURL: d.Ingest.URL(), Rate: 2000, Duration: 200 * time.Millisecond}, nil)
	if err != nil || r.Sent == 0 || r.Received != 0 || r.Lost != 0 {
		t.Errorf("duration-bound run without gateway: %+v, %v", r, err)
	}
}

func TestConfigErrors(t *testing.T) {
	f := func(c Config, want string) {
		t.Helper()
		_, err := Run(context.Background(), c, nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Run(%+v) = %v, want error with %q", c, err, want)
		}
	}
	f(Config{Rate: 1, Count: 1}, "exactly one target")
	f(Config{IngestURL: "http://x", Brokers: []string{"b"}, Rate: 1, Count: 1}, "exactly one target")
	f(Config{Brokers: []string{"b"}, Rate: 1, Count: 1}, "without a topic")
	f(Config{IngestURL: "http://x", Rate: 0, Count: 1}, "rate")
	f(Config{IngestURL: "http://x", Rate: 1}, "bound")
	f(Config{IngestURL: "http://x", Rate: 1, Count: 1, Files: []string{"/nonexistent"}}, "nonexistent")
}

func TestParseLine(t *testing.T) {
	f := func(in string, want Line, wantOK bool) {
		t.Helper()
		got, ok := ParseLine([]byte(in), "dflt")
		if got != want || ok != wantOK {
			t.Errorf("ParseLine(%q) = %+v, %v; want %+v, %v", in, got, ok, want, wantOK)
		}
	}
	f(`{"system":"HDFS","raw":"Receiving block blk_1"}`, Line{"Receiving block blk_1", "HDFS"}, true)
	f(`{"message":"m","service":"api","system":"x"}`, Line{"m", "api"}, true)
	f(`{"raw":"","message":"fallback"}`, Line{"fallback", "dflt"}, true)
	f(`{"other":1}`, Line{}, false)
	f("plain text line\r\n", Line{"plain text line", "dflt"}, true)
	f("{not json", Line{"{not json", "dflt"}, true)
	f("   ", Line{}, false)
}

func TestPercentile(t *testing.T) {
	d := []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	f := func(p float64, want time.Duration) {
		t.Helper()
		if got := Percentile(d, p); got != want {
			t.Errorf("p%v = %v, want %v", p, got, want)
		}
	}
	f(50, 5)
	f(95, 10)
	f(99, 10)
	f(100, 10)
	f(0, 1)
	if Percentile(nil, 50) != 0 {
		t.Error("empty")
	}
}

func FuzzParseLine(f *testing.F) {
	for _, s := range []string{`{"raw":"x"}`, `{"message":"m","service":"s"}`, "text", "{", `{"raw":1}`, ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		l, ok := ParseLine(b, "d")
		if ok && (l.Message == "" || l.Service == "") {
			t.Fatalf("ParseLine(%q) = %+v: ok without message or service", b, l)
		}
	})
}
