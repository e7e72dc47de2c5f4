package classifier

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// BenchmarkPipeline measures the worker's ceiling with a labeler that costs
// nothing: records per second from the producer's write through decode,
// clean, mask, labelling, COPY into PostgreSQL, the acknowledged write to the
// out topic and the offset commit, on the embedded broker and the local
// PostgreSQL. Producing is inside the timed region, so the number is
// end-to-end, not the consumer alone.
func BenchmarkPipeline(b *testing.B) {
	const n = 20000
	e := newEnv(b, 4)
	cfg := e.config()
	cfg.BatchSize = 64
	cfg.BatchWait = 50 * time.Millisecond
	cfg.Workers = 4
	reg := prometheus.NewRegistry()
	stop := e.start(newWorker(b, cfg, &keywordLabeler{}, e.store, reg))
	defer stop()
	base := time.Now().UTC().Add(-time.Hour)
	b.ReportAllocs()
	total := 0
	var elapsed time.Duration
	for b.Loop() {
		start := time.Now()
		e.produce(mixedRecords(n, base)...)
		total += n
		e.waitRows(total)
		elapsed += time.Since(start)
	}
	b.ReportMetric(float64(total)/elapsed.Seconds(), "records/s")
	// Where a batch's time goes, for reading the number above.
	fams, err := reg.Gather()
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range fams {
		for _, m := range f.Metric {
			if h := m.GetHistogram(); h != nil && h.GetSampleCount() > 0 {
				b.ReportMetric(h.GetSampleSum()/float64(h.GetSampleCount()), strings.TrimPrefix(f.GetName(), "logsift_classifier_")+"_mean")
			}
		}
	}
}
