package stream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/r3labs/sse/v2"
	"github.com/segmentio/kafka-go"
)

// Gateway reads the classified topic and serves it as Server-Sent Events.
type Gateway struct {
	cfg Config
	log *slog.Logger
	m   *metrics
	sse *sse.Server
	hub *hub
	mux *http.ServeMux
	// fetcher serves the catch-up reads of all subscribers over pooled
	// connections.
	fetcher *kafka.Client

	parts int           // partitions of the topic; set before ready closes
	ready chan struct{} // closed when Run knows the partitions and their live end

	stopCtx context.Context // cancelled when Run returns
	stop    context.CancelFunc
	started atomic.Bool

	nsubs    atomic.Int64
	streamNo atomic.Uint64
	sessions sync.Map // stream id → *session, for sse's OnSubscribe
}

// New validates cfg and builds a gateway. reg receives the metrics (nil: a
// private registry); logger nil discards.
func New(cfg Config, logger *slog.Logger, reg prometheus.Registerer) (*Gateway, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, fmt.Errorf("stream: register metrics: %w", err)
	}
	g := &Gateway{cfg: cfg, log: logger, m: m, ready: make(chan struct{})}
	g.stopCtx, g.stop = context.WithCancel(context.Background())

	// One sse.Server, one sse.Stream per subscriber: a stream's goroutine
	// sends to its subscribers with blocking sends, so sharing one would let a
	// slow client stall the rest. The stream's buffer is the subscriber's
	// buffer; AutoReplay stays off (its log never shrinks; resume is ours).
	g.sse = sse.NewWithCallback(g.onSubscribe, nil)
	g.sse.AutoReplay = false
	g.sse.AutoStream = false
	g.sse.BufferSize = cfg.BufferPerSubscriber
	g.sse.Headers["X-Accel-Buffering"] = "no" // nginx would otherwise buffer the stream
	g.hub = newHub(g.sse, m)
	g.fetcher = g.kafkaClient()

	g.mux = http.NewServeMux()
	g.mux.HandleFunc("GET /v1/stream", g.requireAuth(g.serveStream))
	g.mux.HandleFunc("GET /v1/session", g.serveSessionState)
	g.mux.HandleFunc("POST /v1/session", g.serveLogin)
	g.mux.HandleFunc("DELETE /v1/session", g.serveLogout)
	g.mux.Handle("GET /{$}", dashboardPage())
	g.mux.Handle("GET /assets/", dashboardAssets())
	return g, nil
}

// Handler serves GET /v1/stream, the session endpoints and, at /, the
// dashboard.
func (g *Gateway) Handler() http.Handler { return g.mux }

// Run finds the topic's partitions, starts one reader per partition at the
// live end and feeds the hub until ctx is done. It keeps retrying while Kafka
// is unreachable or the topic is missing (logging each failure). When it
// returns, open subscriptions are closed and new ones get 503.
func (g *Gateway) Run(ctx context.Context) error {
	if !g.started.CompareAndSwap(false, true) {
		return errors.New("stream: Run called twice")
	}
	defer func() {
		g.hub.close()
		g.stop()
		g.fetcher.Transport.(*kafka.Transport).CloseIdleConnections()
	}()
	head, err := g.discover(ctx)
	if err != nil {
		return nil // ctx done
	}
	g.parts = len(head)
	g.hub.init(head, g.cfg.ReplayWindow)
	close(g.ready)
	g.log.Info("stream gateway consuming", "topic", g.cfg.Topic, "partitions", len(head), "from", head.String())

	var wg sync.WaitGroup
	for p := range head {
		wg.Go(func() { g.consume(ctx, int32(p), head[p]) })
	}
	wg.Wait()
	return nil
}

// discover returns the live end of every partition, retrying until it gets
// an answer or ctx is done.
func (g *Gateway) discover(ctx context.Context) (position, error) {
	backoff := 250 * time.Millisecond
	for {
		head, err := g.endOffsets(ctx)
		if err == nil {
			return head, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		g.log.Warn("stream gateway cannot read the topic yet; retrying", "topic", g.cfg.Topic, "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

func (g *Gateway) kafkaClient() *kafka.Client {
	return &kafka.Client{
		Addr:      kafka.TCP(g.cfg.Brokers...),
		Timeout:   10 * time.Second,
		Transport: &kafka.Transport{ClientID: "logsift-gateway", DialTimeout: 5 * time.Second},
	}
}

// endOffsets asks the cluster for the topic's partitions and the offset the
// next record of each will get.
func (g *Gateway) endOffsets(ctx context.Context) (position, error) {
	cl := g.kafkaClient()
	defer cl.Transport.(*kafka.Transport).CloseIdleConnections()
	meta, err := cl.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{g.cfg.Topic}})
	if err != nil {
		return nil, fmt.Errorf("metadata of %q: %w", g.cfg.Topic, err)
	}
	if len(meta.Topics) != 1 || meta.Topics[0].Error != nil || len(meta.Topics[0].Partitions) == 0 {
		var terr error = errors.New("not listed")
		if len(meta.Topics) == 1 && meta.Topics[0].Error != nil {
			terr = meta.Topics[0].Error
		}
		return nil, fmt.Errorf("topic %q: %w", g.cfg.Topic, terr)
	}
	n := len(meta.Topics[0].Partitions)
	reqs := make([]kafka.OffsetRequest, n)
	for _, p := range meta.Topics[0].Partitions {
		if p.ID < 0 || p.ID >= n {
			return nil, fmt.Errorf("topic %q: partition ids not 0..%d (saw %d)", g.cfg.Topic, n-1, p.ID)
		}
		reqs[p.ID] = kafka.LastOffsetOf(p.ID)
	}
	offs, err := cl.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{g.cfg.Topic: reqs}})
	if err != nil {
		return nil, fmt.Errorf("end offsets of %q: %w", g.cfg.Topic, err)
	}
	head := make(position, n)
	got := 0
	for _, po := range offs.Topics[g.cfg.Topic] {
		if po.Error != nil {
			return nil, fmt.Errorf("end offset of %q partition %d: %w", g.cfg.Topic, po.Partition, po.Error)
		}
		if po.Partition >= 0 && po.Partition < n {
			head[po.Partition] = po.LastOffset
			got++
		}
	}
	if got != n {
		return nil, fmt.Errorf("end offsets of %q: %d of %d partitions answered", g.cfg.Topic, got, n)
	}
	return head, nil
}

// firstOffset returns the oldest offset retention still holds in partition.
func (g *Gateway) firstOffset(ctx context.Context, partition int32) (int64, error) {
	resp, err := g.fetcher.ListOffsets(ctx, &kafka.ListOffsetsRequest{
		Topics: map[string][]kafka.OffsetRequest{g.cfg.Topic: {kafka.FirstOffsetOf(int(partition))}},
	})
	if err != nil {
		return 0, fmt.Errorf("first offset of %q partition %d: %w", g.cfg.Topic, partition, err)
	}
	for _, po := range resp.Topics[g.cfg.Topic] {
		if po.Partition == int(partition) {
			if po.Error != nil {
				return 0, fmt.Errorf("first offset of %q partition %d: %w", g.cfg.Topic, partition, po.Error)
			}
			return po.FirstOffset, nil
		}
	}
	return 0, fmt.Errorf("first offset of %q partition %d: no answer", g.cfg.Topic, partition)
}

// newPartitionReader reads one partition directly (no consumer group: every
// gateway sees every record) from offset on.
func (g *Gateway) newPartitionReader(partition int32, offset int64) (*kafka.Reader, error) {
	rd := kafka.NewReader(kafka.ReaderConfig{
		Brokers:        g.cfg.Brokers,
		Topic:          g.cfg.Topic,
		Partition:      int(partition),
		Dialer:         &kafka.Dialer{ClientID: "logsift-gateway", Timeout: 10 * time.Second, DualStack: true},
		MinBytes:       1,
		MaxBytes:       10 << 20,
		MaxWait:        250 * time.Millisecond,
		ReadBackoffMin: 50 * time.Millisecond,
		ReadBackoffMax: time.Second,
	})
	if err := rd.SetOffset(offset); err != nil {
		rd.Close()
		return nil, fmt.Errorf("partition %d: seek to %d: %w", partition, offset, err)
	}
	return rd, nil
}

// consume feeds one partition into the hub until ctx is done.
func (g *Gateway) consume(ctx context.Context, partition int32, offset int64) {
	rd, err := g.newPartitionReader(partition, offset)
	if err != nil {
		panic("BUG: " + err.Error()) // SetOffset fails only on a used reader
	}
	defer rd.Close()
	for {
		msg, err := rd.ReadMessage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			g.log.Warn("stream gateway read failed; retrying", "topic", g.cfg.Topic, "partition", partition, "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
			continue
		}
		e, err := decodeRecord(partition, msg.Offset, msg.Key, msg.Value)
		if err != nil {
			// Counted, not logged per record: a producer writing garbage at
			// full speed must not turn into a log flood.
			g.m.invalid.Inc()
			g.hub.advance(partition, msg.Offset)
			continue
		}
		g.hub.publish(e)
	}
}

func (g *Gateway) onSubscribe(streamID string, _ *sse.Subscriber) {
	if s, ok := g.sessions.Load(streamID); ok {
		s.(*session).attachOnce.Do(func() { close(s.(*session).attached) })
	}
}
