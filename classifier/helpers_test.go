package classifier

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"github.com/logsift/logsift/classifier/store"
	"github.com/logsift/logsift/platform/broker"
	"github.com/logsift/logsift/platform/pg"
	"github.com/logsift/logsift/platform/pgtest"
	"github.com/logsift/logsift/schemas"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const (
	inTopic  = "logs.raw"
	outTopic = "logs.classified"
	dlqTopic = "logs.dlq"
)

// env is one embedded broker and one fresh database.
type env struct {
	t     testing.TB
	bcfg  broker.Config
	pool  *pgxpool.Pool
	store *store.Store
}

func newEnv(t testing.TB, partitions int) *env {
	t.Helper()
	return newEnvTopics(t,
		broker.TopicSpec{Name: inTopic, Partitions: partitions},
		broker.TopicSpec{Name: outTopic, Partitions: partitions},
		broker.TopicSpec{Name: dlqTopic, Partitions: 1})
}

func newEnvTopics(t testing.TB, topics ...broker.TopicSpec) *env {
	t.Helper()
	b, err := broker.StartEmbedded("127.0.0.1:0", topics...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	ctx := context.Background()
	pool, err := pg.Connect(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	st, err := store.Open(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, bcfg: broker.Config{Brokers: []string{b.Addr()}}, pool: pool, store: st}
}

func (e *env) config() Config {
	return Config{
		Brokers: e.bcfg.Brokers, InTopic: inTopic, OutTopic: outTopic, DLQTopic: dlqTopic,
		BatchSize: 32, BatchWait: 5 * time.Millisecond, Workers: 3, LagInterval: -1,
	}
}

func (e *env) produce(msgs ...kafka.Message) {
	e.t.Helper()
	w := broker.NewWriter(e.bcfg, inTopic)
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for len(msgs) > 0 {
		n := min(len(msgs), 1000)
		if err := w.WriteMessages(ctx, msgs[:n]...); err != nil {
			e.t.Fatalf("produce: %v", err)
		}
		msgs = msgs[n:]
	}
}

// start runs w until the returned stop is called; stop returns Run's error.
func (e *env) start(w *Worker) (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var stopped atomic.Bool
	stop = func() error {
		if !stopped.CompareAndSwap(false, true) {
			return nil
		}
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(time.Minute):
			e.t.Fatal("worker did not stop within a minute of cancellation")
			return nil
		}
	}
	e.t.Cleanup(func() { stop() })
	return stop
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.pool.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// waitFor polls cond until it holds; the deadline only keeps a broken
// pipeline from hanging the test, it is not a speed assertion.
func (e *env) waitFor(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (e *env) waitRows(n int) {
	e.t.Helper()
	e.waitFor(fmt.Sprintf("%d rows", n), func() bool { return e.count(`SELECT count(*) FROM classified_logs`) >= n })
}

// waitCommitted waits until the group has committed every record of the in topic.
func (e *env) waitCommitted() {
	e.t.Helper()
	var last int64 = -1
	var lastErr error
	e.waitFor("lag 0", func() bool {
		last, lastErr = broker.Lag(context.Background(), e.bcfg, "classifier", inTopic)
		return lastErr == nil && last == 0
	})
}

// readAll reads every record of topic that is there now, partition by
// partition from the first offset to the end.
func (e *env) readAll(topic string) []kafka.Message {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	conn, err := kafka.DialContext(ctx, "tcp", e.bcfg.Brokers[0])
	if err != nil {
		e.t.Fatal(err)
	}
	defer conn.Close()
	parts, err := conn.ReadPartitions(topic)
	if err != nil {
		e.t.Fatal(err)
	}
	var msgs []kafka.Message
	for _, p := range parts {
		lc, err := kafka.DialLeader(ctx, "tcp", e.bcfg.Brokers[0], topic, p.ID)
		if err != nil {
			e.t.Fatal(err)
		}
		_, end, err := lc.ReadOffsets()
		lc.Close()
		if err != nil {
			e.t.Fatal(err)
		}
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: e.bcfg.Brokers, Topic: topic, Partition: p.ID, MaxWait: 100 * time.Millisecond})
		for off := int64(0); off < end; {
			m, err := r.FetchMessage(ctx)
			if err != nil {
				r.Close()
				e.t.Fatalf("read %s[%d] at offset %d of %d: %v", topic, p.ID, off, end, err)
			}
			msgs = append(msgs, m)
			off = m.Offset + 1
		}
		r.Close()
	}
	return msgs
}

func newWorker(t testing.TB, cfg Config, l Labeler, st *store.Store, reg prometheus.Registerer) *Worker {
	t.Helper()
	w, err := New(cfg, l, st, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// keywordLabeler is a deterministic stand-in for a model: it labels from
// keywords of the template. Lines with the words below misbehave on purpose.
type keywordLabeler struct {
	failBatches atomic.Int64 // the next N calls fail as a whole
	delay       time.Duration
	calls       atomic.Int64
}

const (
	wordAlwaysFails = "poisonword"   // per-line error on every attempt
	wordBadLabel    = "badlabelword" // a label outside the schema
	wordPanic       = "panicword"    // the labeler panics
)

func (k *keywordLabeler) Name() string { return "keyword-test" }

func (k *keywordLabeler) Label(ctx context.Context, in []Input) ([]Output, error) {
	k.calls.Add(1)
	if k.failBatches.Load() > 0 && k.failBatches.Add(-1) >= 0 {
		return nil, errors.New("backend unavailable")
	}
	if k.delay > 0 {
		time.Sleep(k.delay)
	}
	outs := make([]Output, len(in))
	for i, x := range in {
		t := strings.ToLower(x.Template)
		switch {
		case strings.Contains(t, wordPanic):
			panic("test labeler: " + wordPanic)
		case strings.Contains(t, wordAlwaysFails):
			outs[i].Err = errors.New("model output unparseable")
		case strings.Contains(t, wordBadLabel):
			outs[i].Classification = schemas.Classification{Severity: "catastrophic", Category: "network", Confidence: 0.5}
		default:
			outs[i].Classification = keywordClass(t, x.Service)
		}
	}
	return outs, nil
}

func keywordClass(t, service string) schemas.Classification {
	c := schemas.Classification{Severity: "info", Category: "application", Confidence: 0.9}
	switch {
	case strings.Contains(t, "fatal") || strings.Contains(t, "panic"):
		c.Severity = "critical"
	case strings.Contains(t, "error") || strings.Contains(t, "fail"):
		c.Severity = "error"
	case strings.Contains(t, "warn"):
		c.Severity = "warning"
	case strings.Contains(t, "debug"):
		c.Severity = "debug"
	}
	switch {
	case strings.Contains(t, "login") || strings.Contains(t, "password") || strings.Contains(t, "sudo"):
		c.Category = "auth"
	case strings.Contains(t, "connect") || strings.Contains(t, "socket") || strings.Contains(t, "<ip>"):
		c.Category = "network"
	case strings.Contains(t, "disk") || strings.Contains(t, "block") || strings.Contains(t, "<path>"):
		c.Category = "storage"
	case strings.Contains(t, "query") || strings.Contains(t, "database"):
		c.Category = "database"
	}
	if len(service) <= schemas.MaxComponentLen {
		c.Component = service
	}
	return c
}

// mixedRecords returns n records alternating JSON events and plain lines,
// keyed by eight services so they spread over the partitions.
func mixedRecords(n int, base time.Time) []kafka.Message {
	lines := []string{
		"Accepted password for user%d from 10.0.0.%d port 22",
		"connection to db-%d refused after %d ms",
		"block blk_%d replicated to /data/%d/blk",
		"query took %d ms on shard %d",
		"WARN heap usage %d%% of %d MiB",
		"error: failed to load config file %d line %d",
	}
	msgs := make([]kafka.Message, n)
	for i := range msgs {
		svc := fmt.Sprintf("svc-%d", i%8)
		line := fmt.Sprintf(lines[i%len(lines)], i, i%250)
		if i%2 == 0 {
			ts := base.Add(time.Duration(i) * time.Millisecond).Format(time.RFC3339Nano)
			msgs[i] = kafka.Message{Key: []byte(svc),
				Value: fmt.Appendf(nil, `{"message":%q,"ts":%q,"host":"h%d","level":"INFO","attrs":{"i":"%d"},"id":"e%d"}`, line, ts, i%3, i, i)}
		} else {
			msgs[i] = kafka.Message{Key: []byte(svc), Value: []byte(line + "\n")}
		}
	}
	return msgs
}
