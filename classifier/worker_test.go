package classifier

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"github.com/logsift/logsift/classifier/store"
	"github.com/logsift/logsift/schemas"
)

func distinctSources(msgs []kafka.Message) map[schemas.Source]schemas.ClassifiedLog {
	out := make(map[schemas.Source]schemas.ClassifiedLog)
	for _, m := range msgs {
		var cl schemas.ClassifiedLog
		if err := json.Unmarshal(m.Value, &cl); err == nil {
			out[cl.Source] = cl
		}
	}
	return out
}

func TestEveryRecordStoredAndProduced(t *testing.T) {
	const n = 600
	e := newEnv(t, 4)
	base := time.Now().UTC().Add(-time.Hour).Truncate(time.Millisecond)
	e.produce(mixedRecords(n, base)...)

	reg := prometheus.NewRegistry()
	stop := e.start(newWorker(t, e.config(), &keywordLabeler{}, e.store, reg))
	e.waitRows(n)
	e.waitCommitted()
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}

	if c := e.count(`SELECT count(*) FROM classified_logs`); c != n {
		t.Fatalf("rows = %d; want %d", c, n)
	}
	if c := e.count(`SELECT count(DISTINCT (src_partition, src_offset)) FROM classified_logs WHERE src_topic = $1`, inTopic); c != n {
		t.Fatalf("distinct sources = %d; want %d", c, n)
	}
	if c := e.count(`SELECT count(DISTINCT src_partition) FROM classified_logs`); c < 2 {
		t.Fatalf("records came from %d partition(s); the test needs several", c)
	}
	// JSON events keep their own ts; plain lines take the record time and the key as service.
	if c := e.count(`SELECT count(*) FROM classified_logs WHERE event_id = 'e10' AND ts = $1 AND host = 'h1' AND attrs->>'i' = '10'`,
		base.Add(10*time.Millisecond)); c != 1 {
		t.Fatal("JSON event e10 not stored with its own ts, host and attrs")
	}
	if c := e.count(`SELECT count(*) FROM classified_logs WHERE event_id IS NULL AND service LIKE 'svc-%' AND ts > $1`, base.Add(30*time.Minute)); c != n/2 {
		t.Fatalf("plain lines with key service and record-time ts = %d; want %d", c, n/2)
	}
	if c := e.count(`SELECT count(*) FROM classified_logs WHERE template LIKE '%<NUM>%' AND model = 'keyword-test'`); c == 0 {
		t.Fatal("no row carries a masked template")
	}

	sch, err := schemas.Compile(schemas.ClassifiedLogSchema())
	if err != nil {
		t.Fatal(err)
	}
	msgs := e.readAll(outTopic)
	for _, m := range msgs {
		if err := sch.Validate(m.Value); err != nil {
			t.Fatalf("out record %s is not a valid ClassifiedLog: %v", m.Value, err)
		}
	}
	for src, cl := range distinctSources(msgs) {
		if src.Topic != inTopic || src.Offset < 0 || string(cl.Service) == "" {
			t.Fatalf("out record with bad source %+v", src)
		}
	}

	if got := counter(t, reg, "logsift_classifier_records_out_total"); got != n {
		t.Fatalf("records_out_total = %v; want %d", got, n)
	}
}

// counter returns the sum of a counter family's series in reg.
func counter(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, f := range fams {
		if f.GetName() == name {
			for _, m := range f.Metric {
				sum += m.GetCounter().GetValue()
			}
		}
	}
	return sum
}

func TestRestartsLoseAndDuplicateNothing(t *testing.T) {
	const n = 3000
	e := newEnv(t, 4)
	e.produce(mixedRecords(n, time.Now().UTC().Add(-time.Minute))...)

	cfg := e.config()
	cfg.BatchSize = 16
	lab := &keywordLabeler{delay: time.Millisecond}
	for i, frac := range []int{1, 2, 3} {
		c := cfg
		if i == 1 {
			// An abrupt stop: in-flight batches are abandoned after storing
			// some rows but before committing, so records are redelivered.
			c.DrainTimeout = time.Nanosecond
		}
		t0 := time.Now()
		stop := e.start(newWorker(t, c, lab, e.store, nil))
		e.waitRows(n * frac / 5)
		t.Logf("run %d reached %d rows after %v", i, n*frac/5, time.Since(t0))
		if err := stop(); err != nil && c.DrainTimeout > time.Nanosecond {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	t0 := time.Now()
	stop := e.start(newWorker(t, cfg, lab, e.store, nil))
	e.waitRows(n)
	t.Logf("final run: %d rows after %v", n, time.Since(t0))
	e.waitCommitted()
	t.Logf("final run: committed after %v", time.Since(t0))
	if err := stop(); err != nil {
		t.Fatalf("final run: %v", err)
	}
	if c := e.count(`SELECT count(*) FROM classified_logs`); c != n {
		t.Fatalf("rows = %d; want %d (duplicates)", c, n)
	}
	if c := e.count(`SELECT count(DISTINCT (src_partition, src_offset)) FROM classified_logs`); c != n {
		t.Fatalf("distinct source offsets = %d; want %d (lost records)", c, n)
	}
	msgs := e.readAll(outTopic)
	if got := len(distinctSources(msgs)); got != n {
		t.Fatalf("out topic holds %d distinct sources; want %d", got, n)
	}
	t.Logf("%d out records for %d distinct sources (redelivered: %d)", len(msgs), n, len(msgs)-n)
}

func TestPoisonRecordsGoToDLQAndPartitionKeepsFlowing(t *testing.T) {
	e := newEnv(t, 2)
	cfg := e.config()
	reg := prometheus.NewRegistry()
	poison := map[string]string{ // value → expected reason
		`{"msg":"no message field"}`: ReasonDecode,
		`{"message":""}`:             ReasonDecode,
		`{"message": "truncated`:     ReasonDecode,
		"   \n":                      ReasonDecode,
		"line with " + wordAlwaysFails + " inside":    ReasonLabel,
		"line with " + wordBadLabel + " inside":       ReasonInvalid,
		"labeler panics on " + wordPanic + " line 42": ReasonLabel,
	}
	// All on one key, so one partition: good records before, between and
	// after the poison must all arrive.
	var msgs []kafka.Message
	good := 0
	for v := range poison {
		for range 5 {
			msgs = append(msgs, kafka.Message{Key: []byte("one"), Value: fmt.Appendf(nil, "good line %d connected", good)})
			good++
		}
		msgs = append(msgs, kafka.Message{Key: []byte("one"), Value: []byte(v)})
	}
	for range 5 {
		msgs = append(msgs, kafka.Message{Key: []byte("one"), Value: fmt.Appendf(nil, "good line %d connected", good)})
		good++
	}
	e.produce(msgs...)

	stop := e.start(newWorker(t, cfg, &keywordLabeler{}, e.store, reg))
	e.waitRows(good)
	e.waitCommitted()
	dead := e.readAll(dlqTopic)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if c := e.count(`SELECT count(*) FROM classified_logs`); c != good {
		t.Fatalf("rows = %d; want %d good records", c, good)
	}
	seen := map[string]bool{}
	for _, m := range dead {
		h := map[string]string{}
		for _, x := range m.Headers {
			h[x.Key] = string(x.Value)
		}
		want, ok := poison[string(m.Value)]
		if !ok {
			t.Fatalf("unexpected dead letter %q", m.Value)
		}
		seen[string(m.Value)] = true
		if h[HeaderReason] != want || h[HeaderError] == "" || h[HeaderSourceTopic] != inTopic ||
			h[HeaderSourcePartition] == "" || string(m.Key) != "one" {
			t.Fatalf("dead letter %q: headers %v; want reason %q, an error, the source", m.Value, h, want)
		}
		off, err := strconv.ParseInt(h[HeaderSourceOffset], 10, 64)
		if err != nil || off < 0 {
			t.Fatalf("dead letter %q: bad source offset header %q", m.Value, h[HeaderSourceOffset])
		}
		attempts := h[HeaderAttempts]
		if want == ReasonDecode && attempts != "1" || want != ReasonDecode && attempts != strconv.Itoa(defaultMaxAttempts) {
			t.Fatalf("dead letter %q (%s) after %s attempts", m.Value, want, attempts)
		}
	}
	if len(seen) != len(poison) {
		t.Fatalf("dead letters for %d distinct records; want %d", len(seen), len(poison))
	}
	if got := counter(t, reg, "logsift_classifier_records_out_total"); got != float64(good) {
		t.Fatalf("records_out_total = %v; want %d", got, good)
	}
}

func TestBatchErrorsAreRetriedNotDeadLettered(t *testing.T) {
	const n = 100
	e := newEnv(t, 2)
	e.produce(mixedRecords(n, time.Now().UTC())...)
	lab := &keywordLabeler{}
	lab.failBatches.Store(3)
	reg := prometheus.NewRegistry()
	stop := e.start(newWorker(t, e.config(), lab, e.store, reg))
	e.waitRows(n)
	e.waitCommitted()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if lab.failBatches.Load() > 0 {
		t.Fatal("the labeler's failures were never exercised")
	}
	if got := counter(t, reg, "logsift_classifier_dlq_total"); got != 0 {
		t.Fatalf("dlq_total = %v; a failing backend must not dead-letter records", got)
	}
	if got := counter(t, reg, "logsift_classifier_retries_total"); got < 3 {
		t.Fatalf("retries_total = %v; want at least the 3 failed batches", got)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	lab := &keywordLabeler{}
	for _, c := range []Config{
		{},
		{Brokers: []string{"x:1"}, BatchSize: -1},
		{Brokers: []string{"x:1"}, MaxAttempts: -2},
		{Brokers: []string{"x:1"}, InTopic: "a", OutTopic: "a"},
		{Brokers: []string{"x:1"}, Workers: 1 << 20},
	} {
		if _, err := New(c, lab, &store.Store{}, nil, nil); err == nil {
			t.Fatalf("New(%+v) accepted", c)
		}
	}
	if _, err := New(Config{Brokers: []string{"x:1"}}, lab, nil, nil, nil); err == nil {
		t.Fatal("New accepted a nil store")
	}
	if _, err := New(Config{Brokers: []string{"x:1"}}, lab, &store.Store{}, nil, nil); err != nil {
		t.Fatalf("New with defaults: %v", err)
	}
}

// Two workers in one group split the partitions; the second one joining
// mid-stream forces a rebalance while batches are in flight.
func TestTwoWorkersShareTheGroup(t *testing.T) {
	const n = 2000
	e := newEnv(t, 4)
	e.produce(mixedRecords(n, time.Now().UTC())...)
	cfg := e.config()
	// Slow enough that the stream outlasts the rebalance (kafka-go notices
	// one at its next heartbeat).
	cfg.BatchSize = 8
	lab := &keywordLabeler{delay: 25 * time.Millisecond}
	stop1 := e.start(newWorker(t, cfg, lab, e.store, nil))
	e.waitRows(n / 10)
	reg2 := prometheus.NewRegistry()
	stop2 := e.start(newWorker(t, cfg, lab, e.store, reg2))
	e.waitRows(n)
	e.waitCommitted()
	if err := stop1(); err != nil {
		t.Fatal(err)
	}
	if err := stop2(); err != nil {
		t.Fatal(err)
	}
	if c := e.count(`SELECT count(*) FROM classified_logs`); c != n {
		t.Fatalf("rows = %d; want %d", c, n)
	}
	if got := len(distinctSources(e.readAll(outTopic))); got != n {
		t.Fatalf("out topic holds %d distinct sources; want %d", got, n)
	}
	t.Logf("second worker took %v records", counter(t, reg2, "logsift_classifier_records_in_total"))
}
