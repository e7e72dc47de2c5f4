package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/logsift/logsift/classifier/llmlabel"
	"github.com/logsift/logsift/classifier/textproc"
	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/models"
	"github.com/logsift/logsift/platform/pgtest"
	"github.com/logsift/logsift/schemas"
)

const loghubDir = "../../../shared/data/loghub"

type loghubLine struct {
	System, Raw, Severity, Category, Component string
}

// loghubSample returns per distinct (cleaned) lines of every Loghub system, spread
// over each file. Without the reference data the test fails in CI and is
// skipped elsewhere.
func loghubSample(t *testing.T, per int) []loghubLine {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(loghubDir, "*.jsonl"))
	if len(files) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no Loghub reference data in %s", loghubDir)
		}
		t.Skipf("no Loghub reference data in %s", loghubDir)
	}
	var out []loghubLine
	seen := map[string]bool{}
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		var all []loghubLine
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var l loghubLine
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Fatal(err)
			}
			all = append(all, l)
		}
		f.Close()
		n := 0
		for i := 0; i < len(all) && n < per; i++ {
			// Every k-th line, so each system's sample spans its file.
			l := all[(i*7)%len(all)]
			// The classifier stores the cleaned line; the test compares
			// with what it stores.
			l.Raw = textproc.Clean(l.Raw, 16<<10)
			if seen[l.Raw] {
				continue
			}
			seen[l.Raw] = true
			out = append(out, l)
			n++
		}
		if n < per {
			t.Fatalf("%s: only %d distinct lines", path, n)
		}
	}
	return out
}

// defaultEngine runs the embedded default model until the test ends.
func defaultEngine(t *testing.T) *engine.Engine {
	t.Helper()
	m, err := models.LoadTarget(model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(m, engine.Config{KVBudget: 64 << 20})
	if err != nil {
		m.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close(); m.Close() })
	return eng
}

// The pipeline with the real engine and the embedded default model: 2,000
// Loghub lines through ingest → Kafka → classifier (engine) → PostgreSQL and
// SSE. Every row has a valid classification and a confidence in (0, 1]; the
// accuracy against the reference labels is computed by SQL from the stored
// rows and reported.
func TestEndToEndDefaultModel(t *testing.T) {
	lines := loghubSample(t, 250)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))

	eng := defaultEngine(t)
	l, err := llmlabel.New(llmlabel.Config{Engine: eng, Name: models.TargetID, Speculate: engine.SpeculateLookup})
	if err != nil {
		t.Fatal(err)
	}
	cfg := DevConfig{
		KafkaAddr: "127.0.0.1:0", IngestAddr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0",
		DatabaseURL: pgtest.URL(t), Topics: Topics{Raw: "logs.raw", Classified: "logs.classified", DLQ: "logs.dlq", Partitions: 3},
	}
	cfg.Worker.BatchSize = 128
	d, err := StartDev(ctx, cfg, l, logger)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := d.Stop(context.Background()); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	sub := subscribe(t, d.Gateway.URL()+"/v1/stream?from=earliest", "")
	defer sub.close()

	t0 := time.Now()
	for lo := 0; lo < len(lines); lo += 500 {
		var body bytes.Buffer
		for _, x := range lines[lo:min(lo+500, len(lines))] {
			_ = json.NewEncoder(&body).Encode(schemas.LogEvent{Message: x.Raw, Service: x.System})
		}
		resp, err := http.Post(d.Ingest.URL()+"/v1/logs", "application/x-ndjson", &body)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("ingest: %d %s", resp.StatusCode, b)
		}
	}
	events := sub.waitFor(t, len(lines), 6*time.Minute)
	elapsed := time.Since(t0)
	got := messages(t, "stream", events)
	for _, x := range lines {
		if !got[x.Raw] {
			t.Fatalf("stream missed %q", x.Raw)
		}
	}
	for _, e := range events {
		c := e.data
		if schemas.SeverityRank(c.Severity) < 0 || !schemas.IsCategory(c.Category) || len(c.Component) > 48 ||
			!(c.Confidence > 0 && c.Confidence <= 1) || c.Model != models.TargetID {
			t.Fatalf("event with an invalid classification: %+v", c)
		}
	}

	conn, err := pgx.Connect(ctx, d.DBURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE TEMP TABLE gold (system text, message text PRIMARY KEY, severity text, category text, component text)`); err != nil {
		t.Fatal(err)
	}
	rows := make([][]any, len(lines))
	for i, x := range lines {
		rows[i] = []any{x.System, x.Raw, x.Severity, x.Category, x.Component}
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"gold"}, []string{"system", "message", "severity", "category", "component"}, pgx.CopyFromRows(rows)); err != nil {
		t.Fatal(err)
	}
	// The worker stores and produces a batch concurrently, so the stream
	// may show a line a moment before its row is committed.
	var stored, invalid int
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		if err := conn.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE NOT (confidence > 0 AND confidence <= 1) OR model <> $1)
			FROM classified_logs`, models.TargetID).Scan(&stored, &invalid); err != nil {
			t.Fatal(err)
		}
		if stored >= len(lines) || time.Now().After(deadline) {
			break
		}
	}
	if stored != len(lines) || invalid != 0 {
		t.Fatalf("%d rows stored (%d invalid), want %d valid", stored, invalid, len(lines))
	}
	// Accuracy per system, by SQL over the stored rows.
	r, err := conn.Query(ctx, `
		SELECT coalesce(g.system, 'all'), count(*),
		       avg((c.severity = g.severity)::int), avg((c.category = g.category)::int),
		       avg((c.component = g.component)::int), avg(c.confidence), avg(c.cached::int)
		FROM classified_logs c JOIN gold g USING (message)
		GROUP BY ROLLUP (g.system) ORDER BY g.system NULLS LAST`)
	if err != nil {
		t.Fatal(err)
	}
	var overallSev float64
	for r.Next() {
		var sys string
		var n int
		var sev, cat, comp, conf, cached float64
		if err := r.Scan(&sys, &n, &sev, &cat, &comp, &conf, &cached); err != nil {
			t.Fatal(err)
		}
		t.Logf("%-10s %4d lines  severity %.3f  category %.3f  component %.3f  mean confidence %.3f  cached %.2f", sys, n, sev, cat, comp, conf, cached)
		if sys == "all" {
			overallSev = sev
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d lines classified and streamed in %s (%.0f lines/s)", len(lines), elapsed.Round(time.Millisecond), float64(len(lines))/elapsed.Seconds())
	// A floor far below the model's measured accuracy: it catches a
	// pipeline that mixes up lines and answers, not small model changes.
	if overallSev < 0.5 {
		t.Errorf("severity accuracy %.3f over all systems, want at least 0.5", overallSev)
	}
}
