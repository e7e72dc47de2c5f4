package classifier

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"github.com/logsift/logsift/classifier/store"
	"github.com/logsift/logsift/platform/broker"
	"github.com/logsift/logsift/schemas"
)

// Worker consumes the in topic and classifies every record. Build it with
// New; Run may be called again after it returns, but not concurrently.
type Worker struct {
	cfg     Config
	labeler Labeler
	store   *store.Store
	log     *slog.Logger
	m       *metrics
	schema  *schemas.Schema
	running atomic.Bool
}

// New validates cfg and registers the worker's metrics on reg (nil: not
// registered). It does not connect to anything; Run does.
func New(cfg Config, l Labeler, st *store.Store, logger *slog.Logger, reg prometheus.Registerer) (*Worker, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if l == nil {
		return nil, errors.New("classifier: nil labeler")
	}
	if st == nil {
		return nil, errors.New("classifier: nil store")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	schema := cfg.Schema
	if schema == nil {
		schema = schemas.Default()
	}
	return &Worker{cfg: cfg, labeler: l, store: st, log: logger, m: m, schema: schema}, nil
}

// run is the state of one Run call.
type run struct {
	w      *Worker
	reader *kafka.Reader
	out    *kafka.Writer
	dlq    *kafka.Writer
	marks  *watermarks
	commit chan struct{} // a mark moved; capacity 1, coalesced
	model  string
}

// Run consumes until ctx is done, then stops gracefully: it stops fetching,
// lets each lane finish the batch it holds (storing, producing and
// committing it, for at most Config.DrainTimeout), commits, and returns.
// Records fetched but not finished are not committed and will be delivered
// again. Run returns nil after a graceful stop; an error means the final
// commit failed, which costs only redelivery.
func (w *Worker) Run(ctx context.Context) error {
	if !w.running.CompareAndSwap(false, true) {
		return errors.New("classifier: Run is already running")
	}
	defer w.running.Store(false)

	bcfg := broker.Config{Brokers: w.cfg.Brokers, ClientID: w.cfg.ClientID}
	r := &run{
		w:      w,
		reader: broker.NewReader(bcfg, w.cfg.Group, w.cfg.InTopic),
		out:    broker.NewWriter(bcfg, w.cfg.OutTopic),
		dlq:    broker.NewWriter(bcfg, w.cfg.DLQTopic),
		marks:  newWatermarks(),
		commit: make(chan struct{}, 1),
		model:  w.labeler.Name(),
	}
	defer func() {
		if err := r.out.Close(); err != nil {
			w.log.Warn("close out writer", "topic", w.cfg.OutTopic, "err", err)
		}
		if err := r.dlq.Close(); err != nil {
			w.log.Warn("close dead-letter writer", "topic", w.cfg.DLQTopic, "err", err)
		}
	}()

	// workCtx outlives ctx by DrainTimeout: storing, producing and
	// committing the batches in hand must not be cut off by the very
	// cancellation that asks for a graceful stop.
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	var drainTimer *time.Timer
	var drainMu sync.Mutex
	stopAfter := context.AfterFunc(ctx, func() {
		drainMu.Lock()
		drainTimer = time.AfterFunc(w.cfg.DrainTimeout, cancelWork)
		drainMu.Unlock()
	})
	defer func() {
		stopAfter()
		drainMu.Lock()
		if drainTimer != nil {
			drainTimer.Stop()
		}
		drainMu.Unlock()
	}()

	w.log.Info("classifier started", "topic", w.cfg.InTopic, "group", w.cfg.Group,
		"workers", w.cfg.Workers, "batch_size", w.cfg.BatchSize, "model", r.model)

	var bg sync.WaitGroup
	if w.cfg.LagInterval > 0 {
		bg.Go(func() { r.lagLoop(ctx, bcfg) })
	}
	committerDone := make(chan error, 1)
	committerStop := make(chan struct{})
	go func() { committerDone <- r.committer(workCtx, committerStop) }()

	lanes := make([]*lane, w.cfg.Workers)
	var lanesWG sync.WaitGroup
	for i := range lanes {
		lanes[i] = &lane{r: r, id: i, in: make(chan kafka.Message, w.cfg.BatchSize)}
		lanesWG.Go(func() { lanes[i].run(ctx, workCtx) })
	}

	r.fetchLoop(ctx, lanes)
	for _, l := range lanes {
		close(l.in)
	}
	lanesWG.Wait()
	close(committerStop)
	err := <-committerDone
	bg.Wait()
	if cerr := r.reader.Close(); cerr != nil {
		w.log.Warn("close reader", "err", cerr)
	}
	w.log.Info("classifier stopped", "topic", w.cfg.InTopic)
	return err
}

// fetchLoop hands records to lanes until ctx is done.
func (r *run) fetchLoop(ctx context.Context, lanes []*lane) {
	for attempt := 0; ; {
		msg, err := r.reader.FetchMessage(ctx)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, io.EOF) {
				return
			}
			r.w.m.retries.WithLabelValues("fetch").Inc()
			r.w.log.Warn("fetch failed; retrying", "topic", r.w.cfg.InTopic, "err", err)
			if !sleep(ctx, backoff(attempt)) {
				return
			}
			attempt++
			continue
		}
		attempt = 0
		if !r.marks.Register(msg.Partition, msg.Offset) {
			r.w.m.duplicates.Inc()
			continue
		}
		r.w.m.in.Inc()
		l := lanes[msg.Partition%len(lanes)]
		select {
		case l.in <- msg:
		case <-ctx.Done():
			return
		}
	}
}

// committer commits the marks whenever one moves, coalescing bursts into one
// request, and once more after stop is closed (all lanes have finished).
func (r *run) committer(ctx context.Context, stop <-chan struct{}) error {
	committed := make(map[int]int64)
	commitNow := func() error {
		var msgs []kafka.Message
		for p, off := range r.marks.Marks() {
			if c, ok := committed[p]; ok && c >= off {
				continue
			}
			msgs = append(msgs, kafka.Message{Topic: r.w.cfg.InTopic, Partition: p, Offset: off})
		}
		if len(msgs) == 0 {
			return nil
		}
		if err := r.reader.CommitMessages(ctx, msgs...); err != nil {
			return err
		}
		for _, m := range msgs {
			committed[m.Partition] = m.Offset
		}
		return nil
	}
	for {
		select {
		case <-r.commit:
			if err := commitNow(); err != nil && ctx.Err() == nil {
				// The next mark retries it: a later commit covers every
				// earlier offset of the partition.
				r.w.m.retries.WithLabelValues("commit").Inc()
				r.w.log.Warn("commit failed", "topic", r.w.cfg.InTopic, "err", err)
			}
		case <-stop:
			var err error
			for attempt := range 5 {
				if err = commitNow(); err == nil || ctx.Err() != nil {
					break
				}
				r.w.m.retries.WithLabelValues("commit").Inc()
				sleep(ctx, backoff(attempt))
			}
			if err != nil {
				return fmt.Errorf("classifier: final commit of %s: %w", r.w.cfg.InTopic, err)
			}
			return nil
		}
	}
}

func (r *run) lagLoop(ctx context.Context, bcfg broker.Config) {
	t := time.NewTicker(r.w.cfg.LagInterval)
	defer t.Stop()
	for {
		lag, err := broker.Lag(ctx, bcfg, r.w.cfg.Group, r.w.cfg.InTopic)
		if err == nil {
			r.w.m.lag.Set(float64(lag))
		} else if ctx.Err() == nil {
			r.w.log.Debug("lag query failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// backoff is the wait before retry attempt+1: 100ms doubling to 5s.
func backoff(attempt int) time.Duration {
	d := 100 * time.Millisecond
	for range min(attempt, 6) {
		d *= 2
	}
	return min(d, 5*time.Second)
}

// sleep waits d or until ctx is done; it reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
