package classifier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/logsift/logsift/classifier/textproc"
	"github.com/logsift/logsift/schemas"
)

// lane processes the partitions mapped to it, so a partition's records are
// labelled in order and one slow partition holds up only its lane. A lane is
// two stages: the lane goroutine collects and labels a batch and hands the
// results to its finisher, which stores, produces and marks them done while
// the next batch is being labelled. Storing is the slow step (a round trip
// to PostgreSQL and one to Kafka); overlapping it with labelling keeps the
// model busy. The finisher may complete batches of a partition in any order
// relative to later retries; the watermarks make that safe.
type lane struct {
	r     *run
	id    int
	in    chan kafka.Message
	fin   chan labelled // to the finisher; small, so labelling stays at most a batch or two ahead
	retry []*item       // lines that failed labelling and go first into the next batch
	timer *time.Timer
}

// labelled is a batch's outcome on its way to the finisher.
type labelled struct {
	ok   []*item
	rows []schemas.ClassifiedLog
	dead []*item
}

// item is one record on its way through a lane.
type item struct {
	msg      kafka.Message
	prepared bool
	ev       schemas.LogEvent
	in       Input
	attempts int
	err      error
	reason   string
}

// run collects and processes batches until ctx is done or in is closed. The
// batch in hand when that happens is still processed, under workCtx.
func (l *lane) run(ctx, workCtx context.Context) {
	l.timer = time.NewTimer(time.Hour)
	l.timer.Stop()
	l.fin = make(chan labelled, 1)
	var finisher sync.WaitGroup
	finisher.Go(func() {
		for b := range l.fin {
			l.complete(workCtx, b)
		}
	})
	defer finisher.Wait()
	defer close(l.fin)
	for {
		batch, more := l.collect(ctx)
		if len(batch) > 0 {
			l.process(workCtx, batch)
		}
		if !more {
			return
		}
	}
}

// collect returns up to BatchSize items: pending retries first, then new
// records, waiting at most BatchWait after the first one.
func (l *lane) collect(ctx context.Context) (batch []*item, more bool) {
	cfg := l.r.w.cfg
	n := min(len(l.retry), cfg.BatchSize)
	batch = append(make([]*item, 0, cfg.BatchSize), l.retry[:n]...)
	l.retry = append(l.retry[:0], l.retry[n:]...)
	var wait <-chan time.Time
	arm := func() {
		l.timer.Reset(cfg.BatchWait)
		wait = l.timer.C
	}
	if len(batch) > 0 {
		arm()
	}
	defer l.timer.Stop()
	for len(batch) < cfg.BatchSize {
		// Take what is already queued without arming anything.
		select {
		case msg, ok := <-l.in:
			if !ok {
				return batch, false
			}
			batch = append(batch, &item{msg: msg})
			if wait == nil {
				arm()
			}
			continue
		default:
		}
		select {
		case msg, ok := <-l.in:
			if !ok {
				return batch, false
			}
			batch = append(batch, &item{msg: msg})
			if wait == nil {
				arm()
			}
		case <-wait:
			return batch, true
		case <-ctx.Done():
			return batch, false
		}
	}
	return batch, ctx.Err() == nil
}

// process decodes and labels a batch, queues lines that failed for retry,
// and hands the rest to the finisher.
func (l *lane) process(ctx context.Context, batch []*item) {
	w := l.r.w
	var toLabel []*item
	var dead []*item
	for _, it := range batch {
		if !it.prepared {
			if err := w.prepare(it); err != nil {
				it.attempts, it.err, it.reason = 1, err, ReasonDecode
				dead = append(dead, it)
				continue
			}
		}
		toLabel = append(toLabel, it)
	}

	var ok []*item
	var rows []schemas.ClassifiedLog
	if len(toLabel) > 0 {
		inputs := make([]Input, len(toLabel))
		for i, it := range toLabel {
			inputs[i] = it.in
		}
		outs, done := w.label(ctx, inputs)
		if !done {
			return
		}
		now := time.Now().UTC()
		for i, it := range toLabel {
			o := outs[i]
			err, reason := o.Err, ReasonLabel
			if err == nil {
				if err = validateClassification(w.schema, o.Classification); err != nil {
					reason = ReasonInvalid
				}
			}
			if err != nil {
				it.attempts++
				it.err, it.reason = err, reason
				if it.attempts >= w.cfg.MaxAttempts {
					dead = append(dead, it)
				} else {
					l.retry = append(l.retry, it)
				}
				continue
			}
			ok = append(ok, it)
			rows = append(rows, it.row(o, l.r.model, now))
		}
	}

	if len(ok) == 0 && len(dead) == 0 {
		return
	}
	select {
	case l.fin <- labelled{ok: ok, rows: rows, dead: dead}:
	case <-ctx.Done():
	}
}

// complete stores and produces a labelled batch, marks its records done and
// wakes the committer. If ctx ends before the results are safely stored and
// produced, nothing is marked: the records stay uncommitted and will be
// delivered again.
func (l *lane) complete(ctx context.Context, b labelled) {
	w := l.r.w
	ok, dead := b.ok, b.dead
	if !l.finish(ctx, b.rows, dead) {
		return
	}
	now := time.Now()
	advanced := false
	for _, it := range ok {
		w.m.endToEnd.Observe(now.Sub(it.msg.Time).Seconds())
		if _, a := l.r.marks.Done(it.msg.Partition, it.msg.Offset); a {
			advanced = true
		}
	}
	for _, it := range dead {
		if _, a := l.r.marks.Done(it.msg.Partition, it.msg.Offset); a {
			advanced = true
		}
	}
	w.m.out.Add(float64(len(ok)))
	for _, it := range dead {
		w.m.dlq.WithLabelValues(it.reason).Inc()
	}
	if advanced {
		select {
		case l.r.commit <- struct{}{}:
		default:
		}
	}
}

// finish stores rows, produces them to the out topic and the dead records to
// the dead-letter topic, all three at once, each retried until it succeeds or
// ctx ends. It reports whether all succeeded.
func (l *lane) finish(ctx context.Context, rows []schemas.ClassifiedLog, dead []*item) bool {
	w := l.r.w
	var wg sync.WaitGroup
	var failed [3]bool
	if len(rows) > 0 {
		wg.Go(func() {
			start := time.Now()
			failed[0] = !retry(ctx, w, "store", func() error {
				_, err := w.store.Write(ctx, rows)
				return err
			})
			w.m.store.Observe(time.Since(start).Seconds())
		})
		msgs := make([]kafka.Message, len(rows))
		for i := range rows {
			v, err := json.Marshal(&rows[i])
			if err != nil {
				panic(fmt.Sprintf("BUG: marshal ClassifiedLog: %v", err))
			}
			msgs[i] = kafka.Message{Key: []byte(rows[i].Service), Value: v}
		}
		wg.Go(func() { failed[1] = !produce(ctx, w, l.r.out, "produce", msgs) })
	}
	if len(dead) > 0 {
		msgs := make([]kafka.Message, len(dead))
		for i, it := range dead {
			msgs[i] = it.deadLetter()
		}
		wg.Go(func() { failed[2] = !produce(ctx, w, l.r.dlq, "dlq", msgs) })
	}
	wg.Wait()
	return !failed[0] && !failed[1] && !failed[2]
}

// DLQ headers.
const (
	HeaderError           = "logsift-error"
	HeaderReason          = "logsift-reason"
	HeaderSourceTopic     = "logsift-source-topic"
	HeaderSourcePartition = "logsift-source-partition"
	HeaderSourceOffset    = "logsift-source-offset"
	HeaderAttempts        = "logsift-attempts"
)

// maxErrorHeader bounds the error text: a Labeler could put a whole line in
// its error, and the header must not outgrow the record.
const maxErrorHeader = 1024

func (it *item) deadLetter() kafka.Message {
	msg := errString(it.err)
	if len(msg) > maxErrorHeader {
		msg = msg[:maxErrorHeader]
	}
	h := make([]kafka.Header, 0, len(it.msg.Headers)+6)
	h = append(h, it.msg.Headers...)
	h = append(h,
		kafka.Header{Key: HeaderError, Value: []byte(msg)},
		kafka.Header{Key: HeaderReason, Value: []byte(it.reason)},
		kafka.Header{Key: HeaderSourceTopic, Value: []byte(it.msg.Topic)},
		kafka.Header{Key: HeaderSourcePartition, Value: []byte(strconv.Itoa(it.msg.Partition))},
		kafka.Header{Key: HeaderSourceOffset, Value: []byte(strconv.FormatInt(it.msg.Offset, 10))},
		kafka.Header{Key: HeaderAttempts, Value: []byte(strconv.Itoa(it.attempts))},
	)
	return kafka.Message{Key: it.msg.Key, Value: it.msg.Value, Headers: h}
}

func errString(err error) string {
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}

func (it *item) row(o Output, model string, now time.Time) schemas.ClassifiedLog {
	c := o.Classification
	return schemas.ClassifiedLog{
		LogEvent:     it.ev,
		Template:     it.in.Template,
		Severity:     c.Severity,
		Category:     c.Category,
		Component:    c.Component,
		Confidence:   c.Confidence,
		Labels:       c.Labels,
		Model:        model,
		Cached:       o.Cached,
		Source:       schemas.Source{Topic: it.msg.Topic, Partition: it.msg.Partition, Offset: it.msg.Offset},
		ClassifiedAt: now,
	}
}

// prepare decodes, cleans and masks the record.
func (w *Worker) prepare(it *item) error {
	t := it.msg.Time
	if t.IsZero() {
		t = time.Now()
	}
	ev, err := Decode(it.msg.Value, it.msg.Key, t)
	if err != nil {
		return err
	}
	msg := textproc.Clean(ev.Message, w.cfg.MaxLineBytes)
	if msg == "" {
		return &DecodeError{Reason: "message empty after cleaning"}
	}
	ev.Message = msg
	it.ev = ev
	it.in = Input{Message: msg, Template: textproc.Mask(msg), Service: ev.Service, Level: ev.Level}
	it.prepared = true
	return nil
}

// validateClassification checks c against the classification schema and
// the ranges the schema does not state. A custom schema's answer comes whole
// in c.Labels; the default schema's is the three columns.
func validateClassification(s *schemas.Schema, c schemas.Classification) error {
	if !(c.Confidence >= 0 && c.Confidence <= 1) {
		return fmt.Errorf("invalid classification: confidence %v outside [0, 1]", c.Confidence)
	}
	if schemas.SeverityRank(c.Severity) < 0 {
		return fmt.Errorf("invalid classification: severity %q is not one of %v", c.Severity, schemas.Severities)
	}
	if len(c.Labels) > 0 {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(c.Labels, &obj); err != nil {
			return fmt.Errorf("invalid classification: labels are not a JSON object: %w", err)
		}
		if err := s.Validate(c.Labels); err != nil {
			return fmt.Errorf("invalid classification %s: %w", c.Labels, err)
		}
		return nil
	}
	doc, err := json.Marshal(struct {
		Severity  string `json:"severity"`
		Category  string `json:"category"`
		Component string `json:"component"`
	}{c.Severity, c.Category, c.Component})
	if err != nil {
		return fmt.Errorf("invalid classification: %w", err)
	}
	if err := s.Validate(doc); err != nil {
		return fmt.Errorf("invalid classification %s: %w", doc, err)
	}
	return nil
}

// retry runs fn until it succeeds or ctx ends, with backoff between
// failures. It reports whether fn succeeded.
func retry(ctx context.Context, w *Worker, op string, fn func() error) bool {
	for attempt := 0; ; attempt++ {
		err := fn()
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		w.m.retries.WithLabelValues(op).Inc()
		w.log.Warn("operation failed; retrying", "op", op, "attempt", attempt+1, "err", err)
		if !sleep(ctx, backoff(attempt)) {
			return false
		}
	}
}

// produce writes msgs with w, retrying only the records that failed.
func produce(ctx context.Context, w *Worker, wr *kafka.Writer, op string, msgs []kafka.Message) bool {
	pending := msgs
	return retry(ctx, w, op, func() error {
		err := wr.WriteMessages(ctx, pending...)
		if err == nil {
			return nil
		}
		var we kafka.WriteErrors
		if errors.As(err, &we) && len(we) == len(pending) {
			var left []kafka.Message
			for i, e := range we {
				if e != nil {
					left = append(left, pending[i])
				}
			}
			pending = left
			if len(pending) == 0 {
				return nil
			}
		}
		return fmt.Errorf("write %d records to %s: %w", len(pending), wr.Topic, err)
	})
}
