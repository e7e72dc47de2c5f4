package app

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/logsift/logsift/classifier"
	"github.com/logsift/logsift/platform/pgtest"
	"github.com/logsift/logsift/schemas"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// keywordLabeler is the test double for the model: labels follow from words
// in the template, so the test knows what every line must be labelled.
type keywordLabeler struct{}

func (keywordLabeler) Name() string { return "keyword-test-double" }

func (keywordLabeler) Label(_ context.Context, in []classifier.Input) ([]classifier.Output, error) {
	out := make([]classifier.Output, len(in))
	for i, x := range in {
		out[i].Classification = schemas.Classification{
			Severity: severityOf(x.Message), Category: categoryOf(x.Message), Component: "e2e", Confidence: 0.5,
		}
	}
	return out, nil
}

func severityOf(msg string) string {
	switch {
	case strings.Contains(msg, "CRIT"):
		return "critical"
	case strings.Contains(msg, "ERROR"):
		return "error"
	case strings.Contains(msg, "WARN"):
		return "warning"
	}
	return "info"
}

func categoryOf(msg string) string {
	switch {
	case strings.Contains(msg, "db"):
		return "database"
	case strings.Contains(msg, "disk"):
		return "storage"
	}
	return "application"
}

var levels = []string{"INFO", "WARN", "ERROR", "CRIT"}
var things = []string{"db query took 12ms", "disk /dev/sda1 at 91%", "request served in 3ms"}

func lineText(i int) string {
	return fmt.Sprintf("%s line-%04d %s", levels[i%len(levels)], i, things[(i/4)%len(things)])
}

func serviceOf(i int) string { return fmt.Sprintf("svc-%d", i%5) }

// post sends lines [lo, hi) in the given format and checks the 202.
func post(t *testing.T, base, format string, lo, hi int) {
	t.Helper()
	var body bytes.Buffer
	ctype, url := "", base+"/v1/logs"
	gz := strings.HasPrefix(format, "gzip-")
	switch strings.TrimPrefix(format, "gzip-") {
	case "json":
		ctype = "application/json"
		if hi-lo == 1 {
			_ = json.NewEncoder(&body).Encode(schemas.LogEvent{Message: lineText(lo), Service: serviceOf(lo)})
		} else {
			evs := make([]schemas.LogEvent, 0, hi-lo)
			for i := lo; i < hi; i++ {
				evs = append(evs, schemas.LogEvent{Message: lineText(i), Service: serviceOf(i)})
			}
			_ = json.NewEncoder(&body).Encode(evs)
		}
	case "ndjson":
		ctype = "application/x-ndjson"
		for i := lo; i < hi; i++ {
			_ = json.NewEncoder(&body).Encode(schemas.LogEvent{Message: lineText(i), Service: serviceOf(i)})
		}
	case "text":
		// One service per text request: it comes from the query string.
		ctype = "text/plain"
		url += "?service=svc-text"
		for i := lo; i < hi; i++ {
			body.WriteString(lineText(i) + "\r\n")
		}
	}
	payload := body.Bytes()
	if gz {
		var zb bytes.Buffer
		zw := gzip.NewWriter(&zb)
		_, _ = zw.Write(payload)
		_ = zw.Close()
		payload = zb.Bytes()
	}
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(payload))
	req.Header.Set("Content-Type", ctype)
	if gz {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post %s [%d,%d): %v", format, lo, hi, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusAccepted || !bytes.Contains(b, []byte(fmt.Sprintf(`"accepted":%d`, hi-lo))) {
		t.Fatalf("post %s [%d,%d): %d %s", format, lo, hi, resp.StatusCode, b)
	}
}

// postRange spreads [lo, hi) over every input format.
func postRange(t *testing.T, base string, lo, hi int) {
	t.Helper()
	formats := []struct {
		name string
		size int
	}{{"json", 1}, {"json", 100}, {"ndjson", 100}, {"text", 100}, {"gzip-ndjson", 100}, {"gzip-text", 100}, {"gzip-json", 50}}
	i, f := lo, 0
	for i < hi {
		fm := formats[f%len(formats)]
		f++
		n := min(fm.size, hi-i)
		post(t, base, fm.name, i, i+n)
		i += n
	}
}

type sseEvent struct {
	id   string
	data schemas.ClassifiedLog
}

// subscriber is a real SSE client reading the gateway over HTTP.
type subscriber struct {
	mu     sync.Mutex
	events []sseEvent
	cancel context.CancelFunc
	done   chan error
}

func subscribe(t *testing.T, url, lastID string) *subscriber {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Header.Set("Accept", "text/event-stream")
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("subscribe %s: %v", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		cancel()
		t.Fatalf("subscribe %s: %d %s", url, resp.StatusCode, b)
	}
	s := &subscriber{cancel: cancel, done: make(chan error, 1)}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var id, data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "id:"):
				id = strings.TrimSpace(line[3:])
			case strings.HasPrefix(line, "data:"):
				data += strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " ")
			case line == "":
				if data != "" {
					var cl schemas.ClassifiedLog
					if err := json.Unmarshal([]byte(data), &cl); err != nil {
						s.done <- fmt.Errorf("event %q: %w", data, err)
						return
					}
					s.mu.Lock()
					s.events = append(s.events, sseEvent{id, cl})
					s.mu.Unlock()
				}
				id, data = "", ""
			}
		}
		s.done <- sc.Err()
	}()
	return s
}

func (s *subscriber) snapshot() []sseEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sseEvent(nil), s.events...)
}

func (s *subscriber) waitFor(t *testing.T, n int, d time.Duration) []sseEvent {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if ev := s.snapshot(); len(ev) >= n {
			return ev
		}
		time.Sleep(20 * time.Millisecond)
	}
	ev := s.snapshot()
	t.Fatalf("subscriber got %d events, want %d", len(ev), n)
	return nil
}

func (s *subscriber) close() { s.cancel(); <-s.done }

// messages checks each event is unique and returns the set of messages.
func messages(t *testing.T, who string, ev []sseEvent) map[string]bool {
	t.Helper()
	set := make(map[string]bool, len(ev))
	for _, e := range ev {
		if set[e.data.Message] {
			t.Fatalf("%s: duplicate event %q", who, e.data.Message)
		}
		set[e.data.Message] = true
	}
	return set
}

func TestEndToEnd(t *testing.T) {
	const total = 2000
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	cfg := DevConfig{
		KafkaAddr: "127.0.0.1:0", IngestAddr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0",
		DatabaseURL: pgtest.URL(t), Topics: Topics{Raw: "logs.raw", Classified: "logs.classified", DLQ: "logs.dlq", Partitions: 3},
	}
	d, err := StartDev(ctx, cfg, keywordLabeler{}, logger)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := d.Stop(context.Background()); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	stream := d.Gateway.URL() + "/v1/stream?from=earliest"
	all := subscribe(t, stream, "")
	defer all.close()
	errs := subscribe(t, stream+"&severity=error", "")
	defer errs.close()
	dbErrs := subscribe(t, stream+"&severity=warning&category=database&service=svc-1,svc-text", "")
	defer dbErrs.close()
	rc := subscribe(t, stream, "")

	postRange(t, d.Ingest.URL(), 0, total/2)
	first := rc.waitFor(t, 300, time.Minute)
	rc.close()
	seen := rc.snapshot()
	lastID := seen[len(seen)-1].id
	if lastID == "" {
		t.Fatal("events carry no id")
	}
	postRange(t, d.Ingest.URL(), total/2, total)

	got := messages(t, "unfiltered", all.waitFor(t, total, 2*time.Minute))
	for i := 0; i < total; i++ {
		if !got[lineText(i)] {
			t.Fatalf("unfiltered subscriber missed %q", lineText(i))
		}
	}
	// Filtered subscribers get exactly the matching lines.
	wantErr, wantDB := map[string]bool{}, map[string]bool{}
	for i := 0; i < total; i++ {
		m := lineText(i)
		if schemas.SeverityRank(severityOf(m)) >= schemas.SeverityRank("error") {
			wantErr[m] = true
		}
		svc := serviceOf(i)
		// Text requests carry their service in the query string.
		if isText(i) {
			svc = "svc-text"
		}
		if schemas.SeverityRank(severityOf(m)) >= schemas.SeverityRank("warning") && categoryOf(m) == "database" && (svc == "svc-1" || svc == "svc-text") {
			wantDB[m] = true
		}
	}
	checkExactly(t, "severity>=error", errs, wantErr)
	checkExactly(t, "warning+database+service", dbErrs, wantDB)

	// Reconnect with Last-Event-ID: exactly what was missed, no gap, no repeat.
	back := subscribe(t, d.Gateway.URL()+"/v1/stream", lastID)
	defer back.close()
	back.waitFor(t, total-len(seen), time.Minute)
	time.Sleep(300 * time.Millisecond) // anything extra would have arrived by now
	missed := back.snapshot()
	union := messages(t, "before reconnect", seen)
	for m := range messages(t, "after reconnect", missed) {
		if union[m] {
			t.Fatalf("reconnect repeated %q", m)
		}
		union[m] = true
	}
	if len(union) != total || len(first) < 300 {
		t.Fatalf("reconnect: %d before + %d after = %d distinct, want %d", len(seen), len(missed), len(union), total)
	}

	// Every line is exactly one row, with its labels.
	conn, err := pgx.Connect(ctx, d.DBURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// The worker stores and produces a batch concurrently, so the stream
	// may show a line a moment before its row is committed.
	var rows, distinct, bad int
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		if err := conn.QueryRow(ctx, `SELECT count(*), count(DISTINCT message) FROM classified_logs`).Scan(&rows, &distinct); err != nil {
			t.Fatal(err)
		}
		if rows >= total || time.Now().After(deadline) {
			break
		}
	}
	if rows != total || distinct != total {
		t.Fatalf("classified_logs has %d rows (%d distinct lines), want %d", rows, distinct, total)
	}
	r, err := conn.Query(ctx, `SELECT message, severity, category, model FROM classified_logs`)
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		var m, sev, cat, model string
		if err := r.Scan(&m, &sev, &cat, &model); err != nil {
			t.Fatal(err)
		}
		if sev != severityOf(m) || cat != categoryOf(m) || model != "keyword-test-double" {
			bad++
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Fatalf("%d rows carry labels other than the labeler's", bad)
	}
}

// isText reports whether line i was sent as text/plain by postRange (those
// lines' service is the query string's, not the event's).
func isText(i int) bool {
	pos := i % 1000 // postRange restarts its format cycle at each half
	sizes := []struct {
		text bool
		n    int
	}{{false, 1}, {false, 100}, {false, 100}, {true, 100}, {false, 100}, {true, 100}, {false, 50}}
	for k := 0; ; k++ {
		s := sizes[k%len(sizes)]
		if pos < s.n {
			return s.text
		}
		pos -= s.n
	}
}

func checkExactly(t *testing.T, who string, s *subscriber, want map[string]bool) {
	t.Helper()
	s.waitFor(t, len(want), time.Minute)
	time.Sleep(200 * time.Millisecond) // anything extra would have arrived by now
	got := messages(t, who, s.snapshot())
	if len(got) != len(want) {
		t.Fatalf("%s: got %d events, want %d", who, len(got), len(want))
	}
	for m := range want {
		if !got[m] {
			t.Fatalf("%s: missing %q", who, m)
		}
	}
}
