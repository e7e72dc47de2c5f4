package stream

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Reasons a subscriber is dropped (label of subscribers_dropped_total).
const (
	dropSlow    = "slow"     // its buffer filled: it cannot keep up with the live feed
	dropCatchUp = "catch_up" // reading its missed records from Kafka failed
)

type metrics struct {
	subscribers   prometheus.Gauge
	eventsIn      prometheus.Counter
	invalid       prometheus.Counter
	eventsSent    prometheus.Counter
	dropped       *prometheus.CounterVec
	rejected      prometheus.Counter
	deliverySecs  prometheus.Histogram
	replayedTotal *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		subscribers: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "logsift_gateway_subscribers",
			Help: "Open SSE subscriptions.",
		}),
		eventsIn: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "logsift_gateway_events_in_total",
			Help: "Valid ClassifiedLog records read from the live feed.",
		}),
		invalid: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "logsift_gateway_invalid_records_total",
			Help: "Records on the topic that are not ClassifiedLog JSON, skipped.",
		}),
		eventsSent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "logsift_gateway_events_sent_total",
			Help: "Events handed to subscribers (one per subscriber per event), live and catch-up.",
		}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "logsift_gateway_subscribers_dropped_total",
			Help: "Subscribers the gateway disconnected, by reason (slow: could not keep up; catch_up: reading missed records failed).",
		}, []string{"reason"}),
		rejected: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "logsift_gateway_subscribers_rejected_total",
			Help: "Subscriptions refused because the gateway was at MaxSubscribers.",
		}),
		deliverySecs: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "logsift_gateway_delivery_seconds",
			Help:    "From a live event's classified_at to its hand-off to the subscribers' send buffers.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 14),
		}),
		replayedTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "logsift_gateway_resumes_total",
			Help: "Subscriptions that resumed from an event id, by where the missed records came from (window: memory only; kafka: a catch-up read).",
		}, []string{"source"}),
	}
	// A gateway restarted inside one process (dev, tests) registers the same
	// metrics again: it takes over the existing collectors, so the counters
	// go on instead of the second New failing.
	err := errors.Join(
		adopt(reg, &m.subscribers), adopt(reg, &m.eventsIn), adopt(reg, &m.invalid),
		adopt(reg, &m.eventsSent), adopt(reg, &m.dropped), adopt(reg, &m.rejected),
		adopt(reg, &m.deliverySecs), adopt(reg, &m.replayedTotal),
	)
	if err != nil {
		return nil, err
	}
	m.dropped.WithLabelValues(dropSlow)
	m.dropped.WithLabelValues(dropCatchUp)
	m.replayedTotal.WithLabelValues("window")
	m.replayedTotal.WithLabelValues("kafka")
	return m, nil
}

// adopt registers *c, or points *c at the collector already registered
// under the same description.
func adopt[C prometheus.Collector](reg prometheus.Registerer, c *C) error {
	err := reg.Register(*c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		existing, ok := are.ExistingCollector.(C)
		if !ok {
			return fmt.Errorf("stream: metric registered with another type: %w", err)
		}
		*c = existing
		return nil
	}
	return err
}
