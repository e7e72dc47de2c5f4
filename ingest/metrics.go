package ingest

import (
	"fmt"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	requests      *prometheus.CounterVec
	records       prometheus.Counter
	bytes         prometheus.Counter
	seconds       prometheus.Histogram
	produceErrors prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "logsift_ingest_requests_total",
			Help: "POST /v1/logs requests by HTTP status code.",
		}, []string{"code"}),
		records: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "logsift_ingest_records_total",
			Help: "Events acknowledged by Kafka and answered 202.",
		}),
		bytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "logsift_ingest_bytes_total",
			Help: "Request body bytes received on POST /v1/logs, as sent (before gunzip).",
		}),
		seconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "logsift_ingest_request_seconds",
			Help:    "Time to serve POST /v1/logs, from routing to response, including the Kafka write.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
		produceErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "logsift_ingest_produce_errors_total",
			Help: "WriteMessages calls that failed (each answered 503 or 413).",
		}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.records, m.bytes, m.seconds, m.produceErrors} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("ingest: register metrics: %w", err)
		}
	}
	return m, nil
}

// codeLabel avoids an allocation for the common codes.
func codeLabel(code int) string {
	switch code {
	case 202:
		return "202"
	case 400:
		return "400"
	case 401:
		return "401"
	case 413:
		return "413"
	case 415:
		return "415"
	case 503:
		return "503"
	}
	return strconv.Itoa(code)
}
