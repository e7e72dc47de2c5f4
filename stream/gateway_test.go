package stream

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/logsift/logsift/schemas"
	"github.com/segmentio/kafka-go"
)

func TestFanOutAndFilters(t *testing.T) {
	f := newFixture(t, nil)
	subs := []struct {
		name, query string
		keep        func(schemas.ClassifiedLog) bool
	}{
		{"all", "", func(schemas.ClassifiedLog) bool { return true }},
		{"severity", "severity=warning", func(l schemas.ClassifiedLog) bool {
			return schemas.SeverityRank(l.Severity) >= 2
		}},
		{"category", "category=database", func(l schemas.ClassifiedLog) bool { return l.Category == "database" }},
		{"service", "service=api", func(l schemas.ClassifiedLog) bool { return l.Service == "api" }},
		{"combination", "severity=ERROR&category=database,network&service=api&service=db", func(l schemas.ClassifiedLog) bool {
			return schemas.SeverityRank(l.Severity) >= 3 && (l.Category == "database" || l.Category == "network") &&
				(l.Service == "api" || l.Service == "db")
		}},
	}
	clients := make([]*sseClient, len(subs))
	for i, s := range subs {
		clients[i] = f.subscribe(s.query, nil)
		clients[i].waitComment("live")
	}

	logs := f.produce(150)
	// Records that are not ClassifiedLogs are skipped; a pretty-printed one is
	// valid and must arrive as one line.
	pretty, _ := json.MarshalIndent(logFor(9000), "", "  ")
	f.write(
		record(t, 0, []byte("not json at all")),
		record(t, 1, []byte(`{"severity":"error"}`)),
		record(t, 2, []byte(`[1,2,3]`)),
		record(t, 1, pretty),
	)
	logs = append(logs, logFor(9000))
	logs = append(logs, f.produce(150)...)
	f.produceSentinels()

	for i, s := range subs {
		evs := clients[i].readUntilSentinels()
		want := selectLogs(logs, s.keep)
		if len(want) == 0 {
			t.Fatalf("%s: test data selects nothing", s.name)
		}
		checkExactly(t, s.name, evs, want)
	}
	if n := f.counter(f.g.m.invalid); n != 3 {
		t.Errorf("invalid records counted %v, want 3", n)
	}
	if n := f.counter(f.g.m.eventsIn); n != float64(len(logs)+testPartitions) {
		t.Errorf("events_in_total %v, want %d", n, len(logs)+testPartitions)
	}
}

func TestFromEarliest(t *testing.T) {
	f := newFixture(t, nil)
	before := f.produce(90)
	c := f.subscribe("from=earliest&severity=info", nil)
	after := f.produce(30)
	f.produceSentinels()
	keep := func(l schemas.ClassifiedLog) bool { return l.Severity != "debug" }
	checkExactly(t, "earliest", c.readUntilSentinels(), selectLogs(append(before, after...), keep))

	// Without from=earliest a subscriber starts at the live end.
	live := f.subscribe("", nil)
	live.waitComment("live")
	more := f.produce(12)
	f.produceSentinels()
	checkExactly(t, "live", live.readUntilSentinels(), more)
}

// TestResume disconnects subscribers part-way while production continues and
// reconnects them with their last id, once with the replay window covering
// the gap and once with a window so small that the gap is read from Kafka.
func TestResume(t *testing.T) {
	for _, tc := range []struct {
		name   string
		window int
		source string
	}{
		{"window", 0, "window"},
		{"kafka", 1, "kafka"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, func(c *Config) { c.ReplayWindow = tc.window })
			type sub struct {
				query  string
				header bool // resume with the header (else ?last_event_id=)
				keep   func(schemas.ClassifiedLog) bool
			}
			subs := []sub{
				{"", true, func(schemas.ClassifiedLog) bool { return true }},
				{"severity=error", true, func(l schemas.ClassifiedLog) bool { return schemas.SeverityRank(l.Severity) >= 3 }},
				{"service=db,api&category=database,auth", false, func(l schemas.ClassifiedLog) bool {
					return (l.Service == "db" || l.Service == "api") && (l.Category == "database" || l.Category == "auth")
				}},
			}
			first := make([][]got, len(subs))
			clients := make([]*sseClient, len(subs))
			for i, s := range subs {
				clients[i] = f.subscribe(s.query, nil)
				clients[i].waitComment("live")
			}
			logs := f.produce(120)
			for i, s := range subs {
				k := len(selectLogs(logs, s.keep)) / 2
				first[i] = clients[i].readEvents(func(got) bool { k--; return k == 0 })
				clients[i].close()
			}

			// Production goes on while they are away and while they come back.
			done := make(chan []schemas.ClassifiedLog)
			go func() {
				var more []schemas.ClassifiedLog
				for range 10 {
					more = append(more, f.produce(15)...)
				}
				done <- more
			}()
			logs = append(logs, f.produce(60)...)
			for i, s := range subs {
				last := first[i][len(first[i])-1].id
				var c *sseClient
				if s.header {
					c = f.subscribe(s.query, http.Header{"Last-Event-ID": {last}})
				} else {
					c = f.subscribe(s.query+"&last_event_id="+last, nil)
				}
				clients[i] = c
			}
			logs = append(logs, <-done...)
			f.produceSentinels()
			for i, s := range subs {
				evs := append(first[i], clients[i].readUntilSentinels()...)
				checkExactly(t, fmt.Sprintf("%q", s.query), evs, selectLogs(logs, s.keep))
			}
			if n := f.counter(f.g.m.replayedTotal.WithLabelValues(tc.source)); n != float64(len(subs)) {
				t.Errorf("resumes from %s: %v, want %d", tc.source, n, len(subs))
			}
		})
	}
}

// TestResumeFromCraftedPosition checks the meaning of each component of an
// id: partition 0 resumes mid-way, partition 1 is ahead of anything
// produced (nothing of it may come until it passes that offset), and
// partition 2 is absent (all of it).
func TestResumeFromCraftedPosition(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.ReplayWindow = 4 })
	logs := f.produce(60) // 20 per partition, offsets 0..19
	c := f.subscribe("last_event_id=p0:5,p1:25", nil)
	logs = append(logs, f.produce(30)...) // offsets 20..29
	f.produceSentinels()                  // offset 30
	want := selectLogs(logs, func(l schemas.ClassifiedLog) bool {
		var i int
		fmt.Sscan(l.ID, &i)
		p, off := i%testPartitions, i/testPartitions
		switch p {
		case 0:
			return off >= 5
		case 1:
			return off >= 25
		}
		return true
	})
	checkExactly(t, "crafted", c.readUntilSentinels(), want)
}

func TestSlowSubscriberIsDropped(t *testing.T) {
	// The buffer must hold a burst of one Kafka fetch (the hub hands events
	// over faster than the stream goroutines are scheduled); each round below
	// is smaller than it, so the fast subscriber never overflows.
	f := newFixture(t, func(c *Config) { c.BufferPerSubscriber = 64 })
	fast := f.subscribe("", nil)
	fast.waitComment("live")

	// The slow client sends its request and never reads; a small receive
	// buffer makes the kernel's share of the backlog small.
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) {
			_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		})
	}}
	conn, err := d.Dial("tcp", f.srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /v1/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")

	var logs []schemas.ClassifiedLog
	var fastGot []got
	pad := strings.Repeat("x", 16<<10)
	deadline := time.Now().Add(waitLimit)
	for f.counter(f.g.m.dropped.WithLabelValues(dropSlow)) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("slow subscriber not dropped after %d events", len(logs))
		}
		msgs := make([]kafka.Message, 20)
		for i := range msgs {
			l := logFor(len(logs))
			l.Attrs = map[string]string{"pad": pad}
			logs = append(logs, l)
			msgs[i] = record(t, i%testPartitions, l)
		}
		f.write(msgs...)
		// Keep the fast subscriber drained as we go, as a browser would.
		fastGot = append(fastGot, fast.readEvents(func(g got) bool { return g.log.ID == logs[len(logs)-1].ID })...)
	}
	// The fast one saw every event, before and after the drop.
	f.mu.Lock()
	f.next = len(logs)
	f.mu.Unlock()
	logs = append(logs, f.produce(30)...)
	f.produceSentinels()
	checkExactly(t, "fast", append(fastGot, fast.readUntilSentinels()...), logs)

	// The slow one's connection is closed by the server: reading what was
	// buffered ends in EOF rather than blocking forever.
	_ = conn.SetReadDeadline(time.Now().Add(waitLimit))
	if _, err := io.Copy(io.Discard, conn); err != nil {
		t.Errorf("slow connection: %v, want EOF", err)
	}
}

func TestSubscriberLimit(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.MaxSubscribers = 2 })
	a := f.subscribe("", nil)
	f.subscribe("", nil)
	c, status, body := f.trySubscribe("", nil)
	if c != nil || status != http.StatusServiceUnavailable {
		t.Fatalf("third subscriber: status %d, want 503", status)
	}
	var e struct{ Error string }
	if err := json.Unmarshal([]byte(body), &e); err != nil || !strings.Contains(e.Error, "too many subscribers") {
		t.Errorf("503 body %q", body)
	}
	if n := f.counter(f.g.m.subscribers); n != 2 {
		t.Errorf("subscribers gauge %v, want 2", n)
	}
	// A slot frees when a subscriber leaves.
	a.close()
	deadline := time.Now().Add(waitLimit)
	for {
		if c, _, _ := f.trySubscribe("", nil); c != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no slot after a subscriber left")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestBadRequests(t *testing.T) {
	f := newFixture(t, nil)
	check := func(query string, header http.Header, param string) {
		t.Helper()
		c, status, body := f.trySubscribe(query, header)
		if c != nil {
			c.close()
			t.Errorf("%q: accepted", query)
			return
		}
		var e struct{ Error, Param string }
		if err := json.Unmarshal([]byte(body), &e); err != nil {
			t.Errorf("%q: body %q is not JSON: %v", query, body, err)
		}
		if status != http.StatusBadRequest || e.Param != param || !strings.Contains(e.Error, param) {
			t.Errorf("%q: %d %q, want 400 naming %s", query, status, body, param)
		}
	}
	check("severity=loud", nil, "severity")
	check("severity=warning&severity=error", nil, "severity")
	check("severity=warning,error", nil, "severity")
	check("category=nope", nil, "category")
	check("category=database,", nil, "category")
	check("service=", nil, "service")
	check("service=a%01b", nil, "service")
	check("from=middle", nil, "from")
	check("last_event_id=yesterday", nil, "last_event_id")
	check("", http.Header{"Last-Event-ID": {"p0:-1"}}, "Last-Event-ID")
	check("", http.Header{"Last-Event-ID": {"p0:1,p0:2"}}, "Last-Event-ID")

	resp, err := http.Post(f.srv.URL+"/v1/stream", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", resp.StatusCode)
	}
	resp, err = http.Get(f.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "/v1/stream") {
		t.Errorf("GET /: %d %q", resp.StatusCode, b)
	}
}

func TestHeartbeat(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Heartbeat = 20 * time.Millisecond })
	c := f.subscribe("", nil)
	c.waitComment("live")
	c.waitComment("heartbeat")
	c.waitComment("heartbeat")
}

func TestStopClosesStreams(t *testing.T) {
	f := newFixture(t, nil)
	c := f.subscribe("", nil)
	c.waitComment("live")
	f.stop()
	for {
		if _, ok := c.next(); !ok {
			break
		}
	}
	if err := <-c.errc; err != io.EOF && !strings.Contains(err.Error(), "EOF") {
		t.Errorf("stream ended with %v", err)
	}
	_, status, _ := f.trySubscribe("", nil)
	if status != http.StatusServiceUnavailable {
		t.Errorf("subscribe after stop: %d, want 503", status)
	}
	if !slices.Equal([]int{0}, []int{int(f.counter(f.g.m.subscribers))}) {
		t.Errorf("subscribers gauge %v after stop", f.counter(f.g.m.subscribers))
	}
}
