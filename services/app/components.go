package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"github.com/logsift/logsift/classifier"
	"github.com/logsift/logsift/classifier/store"
	"github.com/logsift/logsift/ingest"
	"github.com/logsift/logsift/platform/broker"
	"github.com/logsift/logsift/platform/health"
	"github.com/logsift/logsift/platform/metrics"
	"github.com/logsift/logsift/platform/pg"
	"github.com/logsift/logsift/stream"
)

// Topics names the three Kafka topics of the pipeline.
type Topics struct {
	Raw, Classified, DLQ string
	Partitions           int
}

// DefaultTopics are the names DESIGN.md gives.
var DefaultTopics = Topics{Raw: "logs.raw", Classified: "logs.classified", DLQ: "logs.dlq", Partitions: 6}

func (t Topics) specs() []broker.TopicSpec {
	return []broker.TopicSpec{
		{Name: t.Raw, Partitions: t.Partitions},
		{Name: t.Classified, Partitions: t.Partitions},
		{Name: t.DLQ, Partitions: t.Partitions},
	}
}

// IngestConfig configures the HTTP ingest service.
type IngestConfig struct {
	Addr   string
	Kafka  broker.Config
	Topic  string
	Ingest ingest.Config
}

// Ingest is a running ingest API.
type Ingest struct {
	srv    *ingest.Server
	writer *kafka.Writer
	ln     net.Listener
	done   chan error
}

// StartIngest starts the ingest API on cfg.Addr. The caller's registry and
// health checks are served on the same port.
func StartIngest(cfg IngestConfig, reg *prometheus.Registry, h *health.Health, logger *slog.Logger) (*Ingest, error) {
	w := broker.NewWriter(cfg.Kafka, cfg.Topic)
	icfg := cfg.Ingest
	icfg.Topic = cfg.Topic
	icfg.Extra = map[string]http.Handler{
		"/metrics": metrics.Handler(reg),
		"/healthz": h.Liveness(),
		"/readyz":  h.Readiness(),
	}
	srv, err := ingest.New(icfg, w, logger, reg)
	if err != nil {
		_ = w.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("ingest: listen %s: %w", cfg.Addr, err)
	}
	in := &Ingest{srv: srv, writer: w, ln: ln, done: make(chan error, 1)}
	go func() { in.done <- srv.Serve(ln) }()
	return in, nil
}

// URL is the base URL of the ingest API.
func (in *Ingest) URL() string { return hostURL(in.ln.Addr().String()) }

// Stop stops accepting requests, finishes in-flight ones and closes the
// Kafka writer (which flushes what it holds).
func (in *Ingest) Stop(ctx context.Context) error {
	err := in.srv.Shutdown(ctx)
	// A Shutdown that lands before the server began serving finds nothing to
	// stop; closing the listener ends Serve in that case too.
	_ = in.ln.Close()
	<-in.done
	return errors.Join(err, in.writer.Close())
}

// ClassifyConfig configures the classifier worker.
type ClassifyConfig struct {
	Kafka       broker.Config
	DatabaseURL string
	Worker      classifier.Config
	// Retention drops day partitions older than this; zero keeps everything.
	Retention time.Duration
}

// Classify is a running classifier worker with its PostgreSQL pool.
type Classify struct {
	pool     *pgxpool.Pool
	cancel   context.CancelFunc
	finished chan struct{} // closed when the worker returned; runErr is then set
	runErr   error
}

// StartClassify connects to PostgreSQL (running the migrations), then starts
// the worker. It returns once the worker runs; Stop drains and commits.
func StartClassify(ctx context.Context, cfg ClassifyConfig, l classifier.Labeler, reg prometheus.Registerer, h *health.Health, logger *slog.Logger) (*Classify, error) {
	pool, err := pg.Connect(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, pool)
	if err != nil {
		pool.Close()
		return nil, err
	}
	wcfg := cfg.Worker
	wcfg.Brokers = cfg.Kafka.Brokers
	w, err := classifier.New(wcfg, l, st, logger, reg)
	if err != nil {
		pool.Close()
		return nil, err
	}
	h.AddReadiness("postgres", func(ctx context.Context) error { return pg.Ping(ctx, pool) })
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c := &Classify{pool: pool, cancel: cancel, finished: make(chan struct{})}
	// Partitions ahead of time and retention run beside the worker; several
	// workers doing it at once is harmless (the DDL is idempotent).
	go st.Maintain(runCtx, store.MaintenanceConfig{Retention: cfg.Retention})
	go func() {
		c.runErr = w.Run(runCtx)
		close(c.finished)
	}()
	return c, nil
}

// Stop asks the worker to drain its in-flight batch, commit, and return.
func (c *Classify) Stop(ctx context.Context) error {
	c.cancel()
	var err error
	select {
	case <-c.finished:
		err = c.runErr
	case <-ctx.Done():
		err = fmt.Errorf("classifier: stop: %w", ctx.Err())
	}
	c.pool.Close()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

// Done is closed when the worker ended, by itself or through Stop; Stop
// returns its error.
func (c *Classify) Done() <-chan struct{} { return c.finished }

// GatewayConfig configures the SSE gateway.
type GatewayConfig struct {
	Addr    string
	Kafka   broker.Config
	Gateway stream.Config
}

// Gateway is a running SSE gateway.
type Gateway struct {
	http   *httpServer
	cancel context.CancelFunc
	done   chan error
}

// StartGateway starts consuming logs.classified and serving SSE, the
// dashboard, metrics and health on cfg.Addr.
func StartGateway(ctx context.Context, cfg GatewayConfig, reg *prometheus.Registry, h *health.Health, logger *slog.Logger) (*Gateway, error) {
	gcfg := cfg.Gateway
	gcfg.Brokers = cfg.Kafka.Brokers
	g, err := stream.New(gcfg, logger, reg)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", metrics.Handler(reg))
	h.Register(mux)
	mux.Handle("/", g.Handler())
	hs, err := startHTTP(cfg.Addr, mux, logger)
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	gw := &Gateway{http: hs, cancel: cancel, done: make(chan error, 1)}
	go func() { gw.done <- g.Run(runCtx) }()
	logger.Info("gateway listening", "addr", hs.Addr(), "topic", gcfg.Topic)
	return gw, nil
}

// URL is the base URL of the gateway.
func (g *Gateway) URL() string { return hostURL(g.http.Addr()) }

// Stop stops consuming, which ends the open streams, then closes the server.
// Streams end only when Run returns, so the order matters: shutting the
// server down first would wait on streams that never end.
func (g *Gateway) Stop(ctx context.Context) error {
	g.cancel()
	err := <-g.done
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if herr := g.http.Stop(sctx); herr != nil && !errors.Is(herr, context.DeadlineExceeded) {
		err = errors.Join(err, herr)
	}
	return err
}
