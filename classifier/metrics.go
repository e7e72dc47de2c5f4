package classifier

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// DLQ reasons, the values of dlq_total's reason label and of the
// logsift-reason header.
const (
	ReasonDecode  = "decode"  // not a LogEvent; never retried
	ReasonLabel   = "label"   // the Labeler failed the line MaxAttempts times
	ReasonInvalid = "invalid" // the Labeler's answer failed the schema MaxAttempts times
)

type metrics struct {
	in         prometheus.Counter
	out        prometheus.Counter
	dlq        *prometheus.CounterVec
	retries    *prometheus.CounterVec
	batchSize  prometheus.Histogram
	label      prometheus.Histogram
	store      prometheus.Histogram
	endToEnd   prometheus.Histogram
	lag        prometheus.Gauge
	duplicates prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	const ns, sub = "logsift", "classifier"
	m := &metrics{
		in: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "records_in_total", Help: "Records fetched from the in topic."}),
		out: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "records_out_total", Help: "Records stored and produced to the out topic."}),
		dlq: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "dlq_total", Help: "Records sent to the dead-letter topic, by reason."}, []string{"reason"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "retries_total", Help: "Failed attempts of an operation that is retried with backoff, by operation."}, []string{"op"}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Subsystem: sub,
			Name: "batch_size", Help: "Lines per Labeler call.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512}}),
		label: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Subsystem: sub,
			Name: "label_seconds", Help: "Duration of one Labeler call.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 14)}),
		store: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Subsystem: sub,
			Name: "store_seconds", Help: "Duration of storing one batch in PostgreSQL, retries included.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 14)}),
		endToEnd: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Subsystem: sub,
			Name: "end_to_end_seconds", Help: "From the record's Kafka timestamp to its result being stored and produced.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 16)}),
		lag: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub,
			Name: "lag", Help: "Records of the in topic not yet committed by the consumer group."}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub,
			Name: "refetched_total", Help: "Records fetched again after a rebalance and skipped because they were already in flight or done."}),
	}
	for _, r := range []string{ReasonDecode, ReasonLabel, ReasonInvalid} {
		m.dlq.WithLabelValues(r)
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.in, m.out, m.dlq, m.retries, m.batchSize, m.label, m.store, m.endToEnd, m.lag, m.duplicates} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("classifier: register metrics: %w", err)
		}
	}
	return m, nil
}
