package stream

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logsift/logsift/platform/broker"
	"github.com/logsift/logsift/schemas"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/segmentio/kafka-go"
)

const (
	testTopic      = "logs.classified"
	testPartitions = 3
	// waitLimit only keeps a broken test from hanging; nothing asserts speed.
	waitLimit = 30 * time.Second
)

// fixture is an embedded broker, a running gateway and an HTTP server in
// front of it.
type fixture struct {
	t      *testing.T
	emb    *broker.Embedded
	g      *Gateway
	reg    *prometheus.Registry
	srv    *httptest.Server
	writer *kafka.Writer
	stop   context.CancelFunc
	runErr chan error

	mu   sync.Mutex
	next int // id of the next produced log
}

func newFixture(t *testing.T, mod func(*Config)) *fixture {
	t.Helper()
	emb, err := broker.StartEmbedded("127.0.0.1:0", broker.TopicSpec{Name: testTopic, Partitions: testPartitions})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Close)
	cfg := Config{Brokers: []string{emb.Addr()}, Topic: testTopic, Heartbeat: time.Hour}
	if mod != nil {
		mod(&cfg)
	}
	reg := prometheus.NewRegistry()
	var logger *slog.Logger
	if os.Getenv("STREAM_TEST_LOG") != "" {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	g, err := New(cfg, logger, reg)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, emb: emb, g: g, reg: reg, runErr: make(chan error, 1)}
	f.srv = httptest.NewUnstartedServer(g.Handler())
	// Small kernel send buffers on the server side make a client that does
	// not read back up into the gateway after a few events rather than
	// megabytes.
	f.srv.Listener = smallSendBufListener{f.srv.Listener}
	f.srv.Start()
	t.Cleanup(f.srv.Close) // runs after the gateway stopped, so no stream is open
	ctx, cancel := context.WithCancel(context.Background())
	f.stop = cancel
	go func() { f.runErr <- g.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-f.runErr; err != nil {
			t.Errorf("Run: %v", err)
		}
	})

	f.writer = broker.NewWriter(broker.Config{Brokers: []string{emb.Addr()}}, testTopic)
	// Tests choose the partition of each record (header "p") so they know
	// every record's position.
	f.writer.Balancer = kafka.BalancerFunc(func(m kafka.Message, parts ...int) int {
		for _, h := range m.Headers {
			if h.Key == "p" {
				p, _ := strconv.Atoi(string(h.Value))
				return p
			}
		}
		return 0
	})
	t.Cleanup(func() { f.writer.Close() })
	return f
}

var (
	testServices   = []string{"api", "db", "auth", "web"}
	testCategories = []string{"database", "network", "auth", "application"}
)

// logFor is the i-th test log: severity, category and service cycle with
// different periods so every filter combination selects something.
func logFor(i int) schemas.ClassifiedLog {
	return schemas.ClassifiedLog{
		LogEvent: schemas.LogEvent{
			Message: fmt.Sprintf("line %d", i),
			Service: testServices[i%len(testServices)],
			ID:      strconv.Itoa(i),
			TS:      time.Now().UTC(),
		},
		Template:     "line <*>",
		Severity:     schemas.Severities[i%len(schemas.Severities)],
		Category:     testCategories[i%3],
		Model:        "test",
		Source:       schemas.Source{Topic: "logs.raw", Partition: i % 2, Offset: int64(i)},
		ClassifiedAt: time.Now().UTC(),
	}
}

// sentinel logs match every filter the tests use (so each filter must let
// service api, category database and severity critical through); one goes to each partition
// after the real ones, and a subscriber that has all three has everything
// produced before them (Kafka keeps order within a partition).
func sentinelFor(p int) schemas.ClassifiedLog {
	return schemas.ClassifiedLog{
		LogEvent: schemas.LogEvent{Message: "sentinel", Service: "api", ID: fmt.Sprintf("sentinel-%d", p)},
		Severity: "critical", Category: "database", Model: "test", ClassifiedAt: time.Now().UTC(),
	}
}

func isSentinel(id string) bool { return strings.HasPrefix(id, "sentinel-") }

func record(t testing.TB, p int, v any) kafka.Message {
	var b []byte
	switch v := v.(type) {
	case []byte:
		b = v
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	return kafka.Message{Value: b, Headers: []kafka.Header{{Key: "p", Value: []byte(strconv.Itoa(p))}}}
}

// produce writes n new logs round-robin over the partitions and returns them.
func (f *fixture) produce(n int) []schemas.ClassifiedLog {
	f.t.Helper()
	f.mu.Lock()
	first := f.next
	f.next += n
	f.mu.Unlock()
	logs := make([]schemas.ClassifiedLog, n)
	msgs := make([]kafka.Message, n)
	for i := range n {
		logs[i] = logFor(first + i)
		msgs[i] = record(f.t, (first+i)%testPartitions, logs[i])
	}
	f.write(msgs...)
	return logs
}

func (f *fixture) produceSentinels() {
	f.t.Helper()
	var msgs []kafka.Message
	for p := range testPartitions {
		msgs = append(msgs, record(f.t, p, sentinelFor(p)))
	}
	f.write(msgs...)
}

func (f *fixture) write(msgs ...kafka.Message) {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if err := f.writer.WriteMessages(ctx, msgs...); err != nil {
		f.t.Fatalf("produce: %v", err)
	}
}

func (f *fixture) counter(c prometheus.Collector) float64 { return testutil.ToFloat64(c) }

// sseFrame is one dispatched SSE event, or one comment line.
type sseFrame struct {
	id, data string
	comment  string
	hasID    bool
}

// sseClient reads a text/event-stream response, parsing the wire format
// itself (lines; "field: value"; a blank line dispatches; ':' starts a
// comment), and hands frames over a channel.
type sseClient struct {
	t       testing.TB
	resp    *http.Response
	frames  chan sseFrame
	errc    chan error
	lastID  string
	nframes int
}

func (f *fixture) subscribe(query string, header http.Header) *sseClient {
	f.t.Helper()
	c, status, body := f.trySubscribe(query, header)
	if c == nil {
		f.t.Fatalf("GET /v1/stream?%s: %d %s", query, status, body)
	}
	return c
}

// trySubscribe returns the client, or nil with the status and body of a
// refusal.
func (f *fixture) trySubscribe(query string, header http.Header) (*sseClient, int, string) {
	f.t.Helper()
	return trySubscribeURL(f.t, f.srv, query, header)
}

func trySubscribeURL(t *testing.T, srv *httptest.Server, query string, header http.Header) (*sseClient, int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL+"/v1/stream?"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return nil, resp.StatusCode, string(b)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	c := &sseClient{t: t, resp: resp, frames: make(chan sseFrame, 1<<16), errc: make(chan error, 1)}
	go c.read()
	t.Cleanup(c.close)
	return c, 200, ""
}

func (c *sseClient) read() {
	defer close(c.frames)
	br := bufio.NewReaderSize(c.resp.Body, 64<<10)
	var fr sseFrame
	var data []string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			c.errc <- err
			return
		}
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		switch {
		case line == "":
			if len(data) > 0 {
				fr.data = strings.Join(data, "\n")
				c.frames <- fr
			}
			fr, data = sseFrame{}, nil
		case strings.HasPrefix(line, ":"):
			c.frames <- sseFrame{comment: strings.TrimPrefix(strings.TrimPrefix(line, ":"), " ")}
		default:
			name, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch name {
			case "id":
				fr.id, fr.hasID = value, true
			case "data":
				data = append(data, value)
			}
		}
	}
}

func (c *sseClient) close() { c.resp.Body.Close() }

// next returns the next frame; ok is false when the stream ended.
func (c *sseClient) next() (sseFrame, bool) {
	c.t.Helper()
	select {
	case fr, ok := <-c.frames:
		if ok {
			c.nframes++
		}
		return fr, ok
	case <-time.After(waitLimit):
		c.t.Fatalf("no SSE frame within %v (after %d frames, last id %q)", waitLimit, c.nframes, c.lastID)
		return sseFrame{}, false
	}
}

// waitComment reads until the comment want, failing on events.
func (c *sseClient) waitComment(want string) {
	c.t.Helper()
	for {
		fr, ok := c.next()
		if !ok {
			c.t.Fatalf("stream ended before comment %q", want)
		}
		if fr.comment == want {
			return
		}
		if fr.comment == "" {
			c.t.Fatalf("event %q before comment %q", fr.data, want)
		}
	}
}

// got is one received log with the id it came with.
type got struct {
	log schemas.ClassifiedLog
	id  string
}

// readEvents reads events (skipping comments) until stop says so or the
// stream ends.
func (c *sseClient) readEvents(stop func(got) bool) []got {
	c.t.Helper()
	var out []got
	for {
		fr, ok := c.next()
		if !ok {
			return out
		}
		if fr.comment != "" {
			continue
		}
		var cl schemas.ClassifiedLog
		if err := json.Unmarshal([]byte(fr.data), &cl); err != nil {
			c.t.Fatalf("event data is not a ClassifiedLog: %v: %q", err, fr.data)
		}
		if !fr.hasID {
			c.t.Fatalf("event without id: %q", fr.data)
		}
		c.lastID = fr.id
		g := got{cl, fr.id}
		out = append(out, g)
		if stop(g) {
			return out
		}
	}
}

// readUntilSentinels reads until it has one sentinel per partition.
func (c *sseClient) readUntilSentinels() []got {
	c.t.Helper()
	seen := 0
	evs := c.readEvents(func(g got) bool {
		if isSentinel(g.log.ID) {
			seen++
		}
		return seen == testPartitions
	})
	if seen != testPartitions {
		c.t.Fatalf("stream ended after %d sentinels", seen)
	}
	return evs
}

// checkExactly asserts that evs, sentinels aside, are exactly the logs of
// want, each once, and that ids never move backwards.
func checkExactly(t *testing.T, name string, evs []got, want []schemas.ClassifiedLog) {
	t.Helper()
	seen := map[string]int{}
	var prev position
	for _, g := range evs {
		m, err := parsePosition(g.id)
		if err != nil {
			t.Fatalf("%s: event id %q: %v", name, g.id, err)
		}
		pos := vectorOf(m, testPartitions)
		if prev != nil && !pos.covers(prev) {
			t.Errorf("%s: id %s moves back from %s", name, pos, prev)
		}
		prev = pos
		if isSentinel(g.log.ID) {
			continue
		}
		seen[g.log.ID]++
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("%s: log %s received %d times", name, id, n)
		}
	}
	missing := 0
	for _, l := range want {
		if seen[l.ID] == 0 {
			missing++
			if missing <= 5 {
				t.Errorf("%s: log %s (%s/%s/%s) not received", name, l.ID, l.Severity, l.Category, l.Service)
			}
		}
		delete(seen, l.ID)
	}
	if missing > 0 {
		t.Errorf("%s: %d of %d logs missing", name, missing, len(want))
	}
	for id := range seen {
		t.Errorf("%s: log %s received but not expected", name, id)
	}
}

func selectLogs(logs []schemas.ClassifiedLog, keep func(schemas.ClassifiedLog) bool) []schemas.ClassifiedLog {
	var out []schemas.ClassifiedLog
	for _, l := range logs {
		if keep(l) {
			out = append(out, l)
		}
	}
	return out
}

type smallSendBufListener struct{ net.Listener }

func (l smallSendBufListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(16 << 10)
	}
	return c, err
}

func testCounter(c prometheus.Collector) float64 { return testutil.ToFloat64(c) }
