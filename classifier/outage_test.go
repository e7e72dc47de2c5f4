package classifier

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/logsift/logsift/platform/broker"
)

// retries returns retries_total{op}.
func retries(t *testing.T, reg *prometheus.Registry, op string) float64 {
	t.Helper()
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != "logsift_classifier_retries_total" {
			continue
		}
		for _, m := range f.Metric {
			for _, l := range m.Label {
				if l.GetName() == "op" && l.GetValue() == op {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

func gauge(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() == name && len(f.Metric) == 1 {
			return f.Metric[0].GetGauge().GetValue()
		}
	}
	return -1
}

// While PostgreSQL refuses the writes and the out topic does not exist,
// nothing is committed and nothing is dead-lettered; once both are back,
// every record arrives.
func TestStoreAndKafkaOutagesAreRetried(t *testing.T) {
	const n = 200
	e := newEnvTopics(t, broker.TopicSpec{Name: inTopic, Partitions: 2}, broker.TopicSpec{Name: dlqTopic, Partitions: 1})
	ctx := context.Background()
	if _, err := e.pool.Exec(ctx, `ALTER TABLE classified_logs RENAME TO classified_logs_away`); err != nil {
		t.Fatal(err)
	}
	e.produce(mixedRecords(n, time.Now().UTC())...)
	reg := prometheus.NewRegistry()
	cfg := e.config()
	cfg.LagInterval = 20 * time.Millisecond
	stop := e.start(newWorker(t, cfg, &keywordLabeler{}, e.store, reg))

	e.waitFor("store and produce failures", func() bool {
		return retries(t, reg, "store") >= 2 && retries(t, reg, "produce") >= 2
	})
	lag, err := broker.Lag(ctx, e.bcfg, "classifier", inTopic)
	if err != nil {
		t.Fatal(err)
	}
	if lag != n {
		t.Fatalf("lag during the outage = %d; want %d (nothing may be committed)", lag, n)
	}
	e.waitFor("the lag gauge to show the backlog", func() bool { return gauge(t, reg, "logsift_classifier_lag") == n })

	if _, err := e.pool.Exec(ctx, `ALTER TABLE classified_logs_away RENAME TO classified_logs`); err != nil {
		t.Fatal(err)
	}
	if err := broker.EnsureTopics(ctx, e.bcfg, broker.TopicSpec{Name: outTopic, Partitions: 2}); err != nil {
		t.Fatal(err)
	}
	e.waitRows(n)
	e.waitCommitted()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if c := e.count(`SELECT count(*) FROM classified_logs`); c != n {
		t.Fatalf("rows = %d; want %d", c, n)
	}
	if got := len(distinctSources(e.readAll(outTopic))); got != n {
		t.Fatalf("out topic holds %d distinct sources; want %d", got, n)
	}
	if got := counter(t, reg, "logsift_classifier_dlq_total"); got != 0 {
		t.Fatalf("dlq_total = %v; an outage must not dead-letter records", got)
	}
}
