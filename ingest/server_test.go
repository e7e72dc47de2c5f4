package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/segmentio/kafka-go"

	"github.com/logsift/logsift/platform/broker"
	"github.com/logsift/logsift/schemas"
)

const (
	testTopic      = "logs.raw"
	testPartitions = 3
)

// env is one embedded broker, one writer and one ingest server on a real
// listener.
type env struct {
	t      testing.TB
	kafka  *broker.Embedded
	addr   string // broker address, fixed for the test so it can restart
	writer *kafka.Writer
	srv    *Server
	reg    *prometheus.Registry
	url    string // http://127.0.0.1:port
}

func startBroker(t testing.TB, addr string) *broker.Embedded {
	t.Helper()
	k, err := broker.StartEmbedded(addr, broker.TopicSpec{Name: testTopic, Partitions: testPartitions})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newEnv(t testing.TB, cfg Config) *env {
	t.Helper()
	e := &env{t: t}
	e.kafka = startBroker(t, "127.0.0.1:0")
	e.addr = e.kafka.Addr()
	t.Cleanup(func() { e.kafka.Close() })
	e.writer = broker.NewWriter(broker.Config{Brokers: []string{e.addr}}, testTopic)
	t.Cleanup(func() { e.writer.Close() })

	e.reg = prometheus.NewRegistry()
	if cfg.Extra == nil {
		cfg.Extra = map[string]http.Handler{
			"/metrics": promhttp.HandlerFor(e.reg, promhttp.HandlerOpts{}),
			"/healthz": http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, `{"status":"ok"}`)
			}),
		}
	}
	srv, err := New(cfg, e.writer, nil, e.reg)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.url = "http://" + ln.Addr().String()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return e
}

// response is a decoded answer of the server.
type response struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func (e *env) post(body []byte, ct string, hdr map[string]string, query string) response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.url+"/v1/logs"+query, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return e.do(req)
}

func (e *env) do(req *http.Request) response {
	e.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	r := response{status: resp.StatusCode, header: resp.Header, raw: raw}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			e.t.Fatalf("%s %s: %d body %q is not JSON: %v", req.Method, req.URL, resp.StatusCode, raw, err)
		}
	}
	return r
}

// endOffsets returns the next offset of every partition of the topic.
func endOffsets(t testing.TB, addr string) [testPartitions]int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl := &kafka.Client{Addr: kafka.TCP(addr)}
	req := make([]kafka.OffsetRequest, testPartitions)
	for p := range req {
		req[p] = kafka.LastOffsetOf(p)
	}
	resp, err := cl.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{testTopic: req}})
	if err != nil {
		t.Fatal(err)
	}
	var out [testPartitions]int64
	for _, po := range resp.Topics[testTopic] {
		if po.Error != nil {
			t.Fatalf("partition %d: %v", po.Partition, po.Error)
		}
		out[po.Partition] = po.LastOffset
	}
	return out
}

// readRange reads the records between two sets of end offsets.
func readRange(t testing.TB, addr string, from, to [testPartitions]int64) []kafka.Message {
	t.Helper()
	var out []kafka.Message
	for p := range testPartitions {
		if to[p] == from[p] {
			continue
		}
		r := kafka.NewReader(kafka.ReaderConfig{
			Brokers: []string{addr}, Topic: testTopic, Partition: p,
			MinBytes: 1, MaxBytes: 10 << 20, MaxWait: 50 * time.Millisecond,
		})
		if err := r.SetOffset(from[p]); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		for off := from[p]; off < to[p]; off++ {
			m, err := r.ReadMessage(ctx)
			if err != nil {
				t.Fatalf("partition %d offset %d: %v", p, off, err)
			}
			out = append(out, m)
		}
		cancel()
		r.Close()
	}
	return out
}

// produced posts and returns what landed on the topic for that request.
func (e *env) produced(body []byte, ct string, hdr map[string]string, query string) (response, []kafka.Message) {
	e.t.Helper()
	before := endOffsets(e.t, e.addr)
	r := e.post(body, ct, hdr, query)
	after := endOffsets(e.t, e.addr)
	return r, readRange(e.t, e.addr, before, after)
}

func TestIngestFormats(t *testing.T) {
	e := newEnv(t, Config{})
	cases := []struct {
		name, ct, query string
		hdr             map[string]string
		body            string
		want            []schemas.LogEvent // TS zero: must be the receive time
	}{
		{name: "json object", ct: "application/json",
			body: `{"message":"disk full on /var","service":"api","level":"ERROR","ts":"2026-11-27T10:00:00Z","attrs":{"disk":"sda"}}`,
			want: []schemas.LogEvent{{Message: "disk full on /var", Service: "api", Level: "ERROR", TS: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), Attrs: map[string]string{"disk": "sda"}}}},
		{name: "json array", ct: "application/json", query: "?service=web",
			body: `[{"message":"a"},{"message":"b","service":"db"},{"message":"c","host":"h1","id":"e-3"}]`,
			want: []schemas.LogEvent{{Message: "a", Service: "web"}, {Message: "b", Service: "db"}, {Message: "c", Service: "web", Host: "h1", ID: "e-3"}}},
		{name: "ndjson", ct: "application/x-ndjson", hdr: map[string]string{"X-Logsift-Service": "batch"},
			body: "{\"message\":\"one\"}\n\n{\"message\":\"two\",\"service\":\"other\"}\r\n{\"message\":\"three <&>\"}\n",
			want: []schemas.LogEvent{{Message: "one", Service: "batch"}, {Message: "two", Service: "other"}, {Message: "three <&>", Service: "batch"}}},
		{name: "text with query service", ct: "text/plain", query: "?service=sshd",
			body: "Failed password for root from 10.0.0.1\r\nAccepted publickey for alice\r\n",
			want: []schemas.LogEvent{{Message: "Failed password for root from 10.0.0.1", Service: "sshd"}, {Message: "Accepted publickey for alice", Service: "sshd"}}},
		{name: "text with header service", ct: "text/plain; charset=utf-8", hdr: map[string]string{"X-Logsift-Service": "kernel"},
			body: "Out of memory: Killed process 1234\n",
			want: []schemas.LogEvent{{Message: "Out of memory: Killed process 1234", Service: "kernel"}}},
		{name: "text default service", ct: "text/plain", body: "no service given",
			want: []schemas.LogEvent{{Message: "no service given", Service: "unknown"}}},
		{name: "query beats header", ct: "text/plain", query: "?service=q", hdr: map[string]string{"X-Logsift-Service": "h"}, body: "x",
			want: []schemas.LogEvent{{Message: "x", Service: "q"}}},
	}
	for _, c := range cases {
		for _, gzipped := range []bool{false, true} {
			name := c.name
			body := []byte(c.body)
			hdr := map[string]string{}
			for k, v := range c.hdr {
				hdr[k] = v
			}
			if gzipped {
				name += " gzip"
				body = gz(t, body)
				hdr["Content-Encoding"] = "gzip"
			}
			t.Run(name, func(t *testing.T) {
				before := time.Now().UTC()
				r, got := e.produced(body, c.ct, hdr, c.query)
				after := time.Now().UTC()
				if r.status != http.StatusAccepted || r.body["accepted"] != float64(len(c.want)) {
					t.Fatalf("status %d body %s, want 202 accepted %d", r.status, r.raw, len(c.want))
				}
				if len(got) != len(c.want) {
					t.Fatalf("%d records on %s, want %d", len(got), testTopic, len(c.want))
				}
				// Records of different services may land on different
				// partitions: match them by message.
				byMsg := map[string]schemas.LogEvent{}
				for _, m := range got {
					if err := schemas.ValidateLogEvent(m.Value); err != nil {
						t.Fatalf("record %s: %v", m.Value, err)
					}
					var ev schemas.LogEvent
					if err := json.Unmarshal(m.Value, &ev); err != nil {
						t.Fatal(err)
					}
					if string(m.Key) != ev.Service {
						t.Fatalf("record key %q, service %q", m.Key, ev.Service)
					}
					byMsg[ev.Message] = ev
				}
				for _, w := range c.want {
					g, ok := byMsg[w.Message]
					if !ok {
						t.Fatalf("message %q not on the topic; got %v", w.Message, byMsg)
					}
					if g.Service != w.Service || g.Level != w.Level || g.Host != w.Host || g.ID != w.ID || fmt.Sprint(g.Attrs) != fmt.Sprint(w.Attrs) {
						t.Fatalf("got %+v, want %+v", g, w)
					}
					if w.TS.IsZero() {
						if g.TS.Before(before.Add(-time.Second)) || g.TS.After(after.Add(time.Second)) {
							t.Fatalf("default ts %v outside the request [%v, %v]", g.TS, before, after)
						}
					} else if !g.TS.Equal(w.TS) {
						t.Fatalf("ts %v, want %v", g.TS, w.TS)
					}
				}
			})
		}
	}
}

func TestIngestRefusesAndProducesNothing(t *testing.T) {
	const maxBody, maxLine = 64 << 10, 1 << 10
	e := newEnv(t, Config{MaxBodyBytes: maxBody, MaxLineBytes: maxLine})
	good := "{\"message\":\"fine\"}\n" // precedes every bad line, so a partial produce would show
	cases := []struct {
		name, ct, enc string
		body          []byte
		status, line  int
		limit         string
	}{
		{name: "invalid json", ct: "application/json", body: []byte(`[{"message":"fine"},{"message":"x",}]`), status: 400, line: 2},
		{name: "wrong type", ct: "application/x-ndjson", body: []byte(good + `{"message":1}`), status: 400, line: 2},
		{name: "empty body", ct: "application/json", body: nil, status: 400},
		{name: "missing message", ct: "application/x-ndjson", body: []byte(good + good + `{"level":"info"}`), status: 400, line: 3},
		{name: "unknown field", ct: "application/json", body: []byte(`[{"message":"fine"},{"message":"x","severity":"high"}]`), status: 400, line: 2},
		{name: "invalid utf-8", ct: "text/plain", body: []byte("fine\nbad \xc3\x28 byte\n"), status: 400, line: 2},
		{name: "nul byte", ct: "text/plain", body: []byte("fine\nnul \x00 here\n"), status: 400, line: 2},
		{name: "nul escape", ct: "application/x-ndjson", body: []byte(good + `{"message":"a\u0000"}`), status: 400, line: 2},
		{name: "bad ts", ct: "application/x-ndjson", body: []byte(good + `{"message":"a","ts":"27/11/2026"}`), status: 400, line: 2},
		{name: "line over limit", ct: "text/plain", body: []byte("fine\n" + strings.Repeat("x", maxLine+1) + "\n"), status: 413, line: 2, limit: "max_line_bytes"},
		{name: "message over limit", ct: "application/x-ndjson", body: []byte(good + `{"message":"` + strings.Repeat("x", maxLine+1) + `"}`), status: 413, line: 2, limit: "max_line_bytes"},
		{name: "body over limit", ct: "text/plain", body: bytes.Repeat([]byte("fine\n"), maxBody/5+1), status: 413, limit: "max_body_bytes"},
		{name: "gzip bomb", ct: "text/plain", enc: "gzip", body: gz(t, bytes.Repeat([]byte("fine\n"), 10*maxBody)), status: 413, limit: "max_body_bytes"},
		{name: "corrupt gzip", ct: "text/plain", enc: "gzip", body: []byte("fine\n"), status: 400},
		{name: "unknown content type", ct: "application/xml", body: []byte("<log>fine</log>"), status: 415},
		{name: "no content type", ct: "", body: []byte("fine"), status: 415},
		{name: "unknown encoding", ct: "text/plain", enc: "zstd", body: []byte("fine"), status: 415},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hdr := map[string]string{}
			if c.enc != "" {
				hdr["Content-Encoding"] = c.enc
			}
			before := endOffsets(t, e.addr)
			r := e.post(c.body, c.ct, hdr, "")
			if after := endOffsets(t, e.addr); after != before {
				t.Fatalf("refused request changed the topic: offsets %v -> %v", before, after)
			}
			if r.status != c.status {
				t.Fatalf("status %d body %s, want %d", r.status, r.raw, c.status)
			}
			msg, _ := r.body["error"].(string)
			if msg == "" {
				t.Fatalf("body %q has no JSON error", r.raw)
			}
			if line, _ := r.body["line"].(float64); int(line) != c.line {
				t.Fatalf("line %v in %s, want %d", r.body["line"], r.raw, c.line)
			}
			if c.line > 0 && c.status == 400 && r.body["reason"] == nil {
				t.Fatalf("no reason in %s", r.raw)
			}
			if c.limit != "" && r.body["limit"] != c.limit {
				t.Fatalf("limit %v in %s, want %s", r.body["limit"], r.raw, c.limit)
			}
		})
	}
	// Nothing at all landed during the whole table, and the server still
	// accepts after all those refusals.
	if off := endOffsets(t, e.addr); off != [testPartitions]int64{} {
		t.Fatalf("topic offsets %v after refused requests only", off)
	}
	if r := e.post([]byte(good), "application/x-ndjson", nil, ""); r.status != 202 {
		t.Fatalf("after refusals: %d %s", r.status, r.raw)
	}
}

func TestIngestBadServiceParam(t *testing.T) {
	e := newEnv(t, Config{})
	r := e.post([]byte("x"), "text/plain", nil, "?service="+strings.Repeat("s", 300))
	if r.status != 400 || r.body["error"] == nil {
		t.Fatalf("long service: %d %s", r.status, r.raw)
	}
}

func TestIngestAPIKeys(t *testing.T) {
	e := newEnv(t, Config{APIKeys: []string{"k-one", "k-two"}})
	f := func(auth string, want int) {
		t.Helper()
		hdr := map[string]string{}
		if auth != "" {
			hdr["Authorization"] = auth
		}
		before := endOffsets(t, e.addr)
		r := e.post([]byte("a line"), "text/plain", hdr, "")
		after := endOffsets(t, e.addr)
		if r.status != want {
			t.Fatalf("Authorization %q: %d %s, want %d", auth, r.status, r.raw, want)
		}
		if want == 401 {
			if r.header.Get("WWW-Authenticate") == "" || r.body["error"] == nil {
				t.Fatalf("401 without WWW-Authenticate or JSON error: %v %s", r.header, r.raw)
			}
			if after != before {
				t.Fatalf("unauthorised request produced: %v -> %v", before, after)
			}
		}
	}
	f("", 401)
	f("Bearer", 401)
	f("Bearer wrong", 401)
	f("Basic k-one", 401)
	f("Bearer k-one-and-more", 401)
	f("Bearer k-one", 202)
	f("bearer k-two", 202)
}

func TestIngestKafkaUnavailable(t *testing.T) {
	e := newEnv(t, Config{ProduceTimeout: 5 * time.Second})
	if r := e.post([]byte("before the outage"), "text/plain", nil, ""); r.status != 202 {
		t.Fatalf("warm-up: %d %s", r.status, r.raw)
	}

	e.kafka.Close()
	r := e.post(bytes.Repeat([]byte("during the outage\n"), 500), "text/plain", nil, "?service=outage")
	if r.status != http.StatusServiceUnavailable {
		t.Fatalf("broker down: %d %s, want 503", r.status, r.raw)
	}
	if r.header.Get("Retry-After") != "5" {
		t.Fatalf("Retry-After %q, want 5", r.header.Get("Retry-After"))
	}
	if len(r.raw) > 1024 {
		t.Fatalf("503 body of %d bytes for one cause: %.300s", len(r.raw), r.raw)
	}
	if msg, _ := r.body["error"].(string); !strings.HasPrefix(msg, "kafka unavailable: ") {
		t.Fatalf("error %q", r.raw)
	}
	if _, ok := r.body["accepted"]; ok {
		t.Fatalf("503 reports accepted records: %s", r.raw)
	}

	// Same address: the writer only knows that one.
	e.kafka = startBroker(t, e.addr)
	deadline := time.Now().Add(30 * time.Second)
	for {
		r = e.post([]byte("after the restart"), "text/plain", nil, "?service=outage")
		if r.status == http.StatusAccepted {
			break
		}
		if r.status != http.StatusServiceUnavailable || time.Now().After(deadline) {
			t.Fatalf("after restart: %d %s", r.status, r.raw)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// The new broker is empty: exactly the retried record is there, nothing
	// of the refused request.
	got := readRange(t, e.addr, [testPartitions]int64{}, endOffsets(t, e.addr))
	if len(got) != 1 || !bytes.Contains(got[0].Value, []byte(`"after the restart"`)) {
		var vals []string
		for _, m := range got {
			vals = append(vals, string(m.Value))
		}
		t.Fatalf("after restart the topic holds %q, want only the retried record", vals)
	}
	if v := metricValue(t, e.reg, "logsift_ingest_produce_errors_total", ""); v < 1 {
		t.Fatalf("produce_errors_total %v, want >= 1", v)
	}
}

func TestIngestExtraRoutesAndMetrics(t *testing.T) {
	e := newEnv(t, Config{})
	if r := e.post([]byte("a\nb\nc"), "text/plain", nil, ""); r.status != 202 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	e.post([]byte("x"), "application/xml", nil, "")

	req, _ := http.NewRequest(http.MethodGet, e.url+"/healthz", nil)
	if r := e.do(req); r.status != 200 || r.body["status"] != "ok" {
		t.Fatalf("healthz: %d %s", r.status, r.raw)
	}
	req, _ = http.NewRequest(http.MethodGet, e.url+"/metrics", nil)
	r := e.do(req)
	if r.status != 200 || !bytes.Contains(r.raw, []byte("logsift_ingest_request_seconds_bucket")) {
		t.Fatalf("metrics: %d %.300s", r.status, r.raw)
	}
	for _, c := range []struct {
		name, code string
		want       float64
	}{
		{"logsift_ingest_requests_total", "202", 1},
		{"logsift_ingest_requests_total", "415", 1},
		{"logsift_ingest_records_total", "", 3},
		{"logsift_ingest_bytes_total", "", 6},
		{"logsift_ingest_produce_errors_total", "", 0},
	} {
		if got := metricValue(t, e.reg, c.name, c.code); got != c.want {
			t.Fatalf("%s{code=%q} = %v, want %v", c.name, c.code, got, c.want)
		}
	}

	// Fiber's own errors are JSON too.
	req, _ = http.NewRequest(http.MethodGet, e.url+"/nope", nil)
	if r := e.do(req); r.status != 404 || r.body["error"] == nil {
		t.Fatalf("unknown route: %d %s", r.status, r.raw)
	}
	req, _ = http.NewRequest(http.MethodGet, e.url+"/v1/logs", nil)
	if r := e.do(req); r.status < 400 || r.body["error"] == nil {
		t.Fatalf("GET /v1/logs: %d %s", r.status, r.raw)
	}
}

// TestIngestOverLimitBodies: bodies past MaxBodyBytes, with and without
// Content-Length, get a readable 413 (not a connection reset), produce
// nothing, and leave the keep-alive connection usable.
func TestIngestOverLimitBodies(t *testing.T) {
	const maxBody = 4 << 10
	e := newEnv(t, Config{MaxBodyBytes: maxBody, MaxLineBytes: 1 << 10})
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	send := func(size int, chunked bool) (int, []byte) {
		t.Helper()
		body := bytes.Repeat([]byte("fine\n"), size/5)
		var rd io.Reader = bytes.NewReader(body)
		if chunked {
			rd = io.MultiReader(rd) // hides the length: Transfer-Encoding: chunked
		}
		req, _ := http.NewRequest(http.MethodPost, e.url+"/v1/logs", rd)
		req.Header.Set("Content-Type", "text/plain")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%d bytes (chunked %v): %v", size, chunked, err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, raw
	}
	for _, c := range []struct {
		size    int
		chunked bool
		want    int
	}{
		{maxBody + 5, false, 413},
		{3 * maxBody, false, 413},
		{3 * maxBody, true, 413},
		{maxBody / 2, true, 202}, // chunked within the limit is fine
		{maxBody, false, 202},
	} {
		before := endOffsets(t, e.addr)
		status, raw := send(c.size, c.chunked)
		after := endOffsets(t, e.addr)
		if status != c.want {
			t.Fatalf("%d bytes (chunked %v): %d %s, want %d", c.size, c.chunked, status, raw, c.want)
		}
		if c.want == 413 {
			if !bytes.Contains(raw, []byte(`"limit":"max_body_bytes"`)) {
				t.Fatalf("413 body %s does not name the limit", raw)
			}
			if after != before {
				t.Fatalf("over-limit body produced: %v -> %v", before, after)
			}
		}
	}
}

// TestIngestNoSmuggling sends, on one raw connection, an over-limit body
// whose tail is itself an HTTP request. Whether the server drains the body
// or gives up and closes, the tail must never be served as a request.
func TestIngestNoSmuggling(t *testing.T) {
	const maxBody = 4 << 10
	e := newEnv(t, Config{MaxBodyBytes: maxBody, MaxLineBytes: 1 << 10})
	inner := "POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 8\r\n\r\nsmuggled"
	for _, padding := range []int{2 * maxBody, 10 * maxBody} { // drained; past the drain cap
		body := strings.Repeat("x", padding) + inner
		conn, err := net.Dial("tcp", strings.TrimPrefix(e.url, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			fmt.Fprintf(conn, "POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
			// Half-close: the server sees EOF after the request instead of
			// waiting for another one on this connection.
			conn.(*net.TCPConn).CloseWrite()
		}()
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		// Reading to EOF means the server is done with this connection, so
		// anything it would have served from it has been served.
		raw, _ := io.ReadAll(conn)
		conn.Close()
		if bytes.Count(raw, []byte("HTTP/1.1 ")) > 1 || bytes.Contains(raw, []byte("202 Accepted")) {
			t.Fatalf("padding %d: more than one response or a 202:\n%s", padding, raw)
		}
		if len(raw) > 0 && !bytes.HasPrefix(raw, []byte("HTTP/1.1 413")) {
			t.Fatalf("padding %d: response %q, want 413", padding, raw)
		}
		if off := endOffsets(t, e.addr); off != [testPartitions]int64{} {
			t.Fatalf("padding %d: the body's tail was served as a request: offsets %v", padding, off)
		}
	}
}

// TestIngestOtherRoutesRefuseStreamedBodies: a large body sent to another
// route is refused, not buffered by the net/http adaptor.
func TestIngestOtherRoutesRefuseStreamedBodies(t *testing.T) {
	e := newEnv(t, Config{MaxBodyBytes: 4 << 10, MaxLineBytes: 1 << 10})
	req, _ := http.NewRequest(http.MethodGet, e.url+"/healthz", io.MultiReader(bytes.NewReader(make([]byte, 64<<10))))
	// The server answers 413 and closes the connection without reading the
	// rest; a client still writing then sees a reset instead of the answer,
	// depending on timing. Either way the body was refused, not buffered.
	resp, err := http.DefaultClient.Do(req)
	switch {
	case err != nil:
		if !strings.Contains(err.Error(), "reset") && !strings.Contains(err.Error(), "broken pipe") {
			t.Fatalf("GET /healthz with a streamed body: %v", err)
		}
	default:
		resp.Body.Close()
		if resp.StatusCode != 413 {
			t.Fatalf("GET /healthz with a streamed body: %d", resp.StatusCode)
		}
	}
	req, _ = http.NewRequest(http.MethodGet, e.url+"/healthz", nil)
	if r := e.do(req); r.status != 200 {
		t.Fatalf("GET /healthz: %d %s", r.status, r.raw)
	}
}

func TestNewConfigErrors(t *testing.T) {
	w := &kafka.Writer{Addr: kafka.TCP("127.0.0.1:1"), Topic: "other"}
	f := func(cfg Config, p Producer, want string) {
		t.Helper()
		_, err := New(cfg, p, nil, nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("New(%+v): %v, want error containing %q", cfg, err, want)
		}
	}
	f(Config{}, w, `writer topic "other" differs`)
	f(Config{Topic: "other", MaxLineBytes: -1}, w, "MaxLineBytes -1")
	f(Config{Topic: "other", APIKeys: []string{""}}, w, "APIKeys[0]")
	f(Config{Topic: "other", Extra: map[string]http.Handler{"metrics": http.NotFoundHandler()}}, w, `extra handler "metrics"`)
	f(Config{Topic: "other"}, &kafka.Writer{Topic: "other", Async: true}, "Async")
	f(Config{}, nil, "nil Producer")

	reg := prometheus.NewRegistry()
	if _, err := New(Config{Topic: "other"}, w, nil, reg); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{Topic: "other"}, w, nil, reg); err == nil {
		t.Fatal("registering the metrics twice on one registry should fail")
	}
}

func metricValue(t testing.TB, reg *prometheus.Registry, name, code string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			match := code == ""
			for _, l := range m.GetLabel() {
				if l.GetName() == "code" && l.GetValue() == code {
					match = true
				}
			}
			if match {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// TestIngestWriterWithoutTopic: with a topic-less writer the server names
// the topic on every record instead.
func TestIngestWriterWithoutTopic(t *testing.T) {
	e := newEnv(t, Config{})
	w := &kafka.Writer{
		Addr: kafka.TCP(e.addr), Balancer: &kafka.Hash{}, RequiredAcks: kafka.RequireAll,
		BatchTimeout: time.Millisecond,
	}
	defer w.Close()
	srv, err := New(Config{Topic: testTopic}, w, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	before := endOffsets(t, e.addr)
	req, _ := http.NewRequest(http.MethodPost, "/v1/logs?service=direct", strings.NewReader("one\ntwo\n"))
	req.Header.Set("Content-Type", "text/plain")
	resp, err := srv.App().Test(req, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 202 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	got := readRange(t, e.addr, before, endOffsets(t, e.addr))
	if len(got) != 2 {
		t.Fatalf("got %d records, want 2", len(got))
	}
	for _, m := range got {
		if string(m.Key) != "direct" || m.Topic != testTopic {
			t.Fatalf("record key %q topic %q", m.Key, m.Topic)
		}
	}
}

// gatedProducer holds WriteMessages until released, then writes for real
// (with a context of its own, since the request's produce deadline may have
// passed while the test held it): it lets a test keep a request in flight.
type gatedProducer struct {
	w       *kafka.Writer
	entered chan struct{}
	release chan struct{}
}

func (g *gatedProducer) WriteMessages(ctx context.Context, msgs ...kafka.Message) error {
	g.entered <- struct{}{}
	<-g.release
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return g.w.WriteMessages(ctx, msgs...)
}

func TestIngestMaxInflight(t *testing.T) {
	e := newEnv(t, Config{})
	// Not a *kafka.Writer, so the server names the topic on each record
	// and the writer underneath must have none.
	w := &kafka.Writer{Addr: kafka.TCP(e.addr), Balancer: &kafka.Hash{}, RequiredAcks: kafka.RequireAll, BatchTimeout: time.Millisecond}
	defer w.Close()
	g := &gatedProducer{w: w, entered: make(chan struct{}, 1), release: make(chan struct{})}
	srv, err := New(Config{MaxInflight: 1, ProduceTimeout: 200 * time.Millisecond, Topic: testTopic}, g, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	post := func(body string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, "/v1/logs", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain")
		resp, err := srv.App().Test(req, 30_000)
		if err != nil {
			t.Error(err)
			return nil
		}
		return resp
	}
	first := make(chan *http.Response, 1)
	go func() { first <- post("first") }()
	<-g.entered // the first request holds the only slot

	resp := post("second")
	if resp == nil || resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "5" {
		t.Fatalf("second request while the slot is taken: %v", resp)
	}
	resp.Body.Close()

	close(g.release)
	if resp := <-first; resp == nil || resp.StatusCode != 202 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("first request: %v %s", resp.StatusCode, b)
	}
	if resp := post("third"); resp == nil || resp.StatusCode != 202 {
		t.Fatalf("third request after the slot freed: %v", resp)
	}
	got := readRange(t, e.addr, [testPartitions]int64{}, endOffsets(t, e.addr))
	if len(got) != 2 {
		t.Fatalf("%d records, want 2 (first and third)", len(got))
	}
}
