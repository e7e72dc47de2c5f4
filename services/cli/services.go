package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/logsift/logsift/classifier"
	"github.com/logsift/logsift/classifier/store"
	"github.com/logsift/logsift/ingest"
	"github.com/logsift/logsift/platform/broker"
	"github.com/logsift/logsift/platform/config"
	"github.com/logsift/logsift/platform/health"
	"github.com/logsift/logsift/platform/metrics"
	"github.com/logsift/logsift/platform/pg"
	"github.com/logsift/logsift/services/app"
	"github.com/logsift/logsift/stream"
)

type kafkaFlags struct {
	brokers    []string
	partitions int
	topics     app.Topics
}

func (k *kafkaFlags) register(fs *config.FlagSet) {
	fs.Strings(&k.brokers, "kafka-brokers", []string{"127.0.0.1:9092"}, "Kafka bootstrap brokers, comma-separated")
	fs.Int(&k.partitions, "partitions", app.DefaultTopics.Partitions, "partitions for topics logsift creates")
	fs.String(&k.topics.Raw, "raw-topic", app.DefaultTopics.Raw, "topic of incoming log lines")
	fs.String(&k.topics.Classified, "classified-topic", app.DefaultTopics.Classified, "topic of classified lines")
	fs.String(&k.topics.DLQ, "dlq-topic", app.DefaultTopics.DLQ, "dead-letter topic for records that cannot be classified")
}

func (k *kafkaFlags) config(client string) broker.Config {
	return broker.Config{Brokers: k.brokers, ClientID: client}
}

func (k *kafkaFlags) ensure(ctx context.Context, client string) error {
	t := k.topics
	t.Partitions = k.partitions
	return broker.EnsureTopics(ctx, k.config(client),
		broker.TopicSpec{Name: t.Raw, Partitions: t.Partitions},
		broker.TopicSpec{Name: t.Classified, Partitions: t.Partitions},
		broker.TopicSpec{Name: t.DLQ, Partitions: t.Partitions})
}

// registerIngest registers the ingest flags; the returned func finishes the
// config once flags are parsed (sizes parse as int64, the config holds int).
func registerIngest(fs *config.FlagSet, c *ingest.Config) (finish func()) {
	fs.Bytes(&c.MaxBodyBytes, "max-body", 8<<20, "largest request body, after decompression")
	var line int64
	fs.Bytes(&line, "max-line", 64<<10, "largest single log line")
	fs.Strings(&c.APIKeys, "api-keys", nil, "API keys accepted as Authorization: Bearer (none = no auth)")
	fs.String(&c.DefaultService, "default-service", "unknown", "service of lines that name none")
	return func() { c.MaxLineBytes = int(line) }
}

func registerWorker(fs *config.FlagSet, c *classifier.Config) {
	fs.String(&c.Group, "group", "classifier", "Kafka consumer group of the classifier workers")
	fs.Int(&c.BatchSize, "batch-size", 64, "lines per model batch")
	fs.Duration(&c.BatchWait, "batch-wait", 50*time.Millisecond, "longest wait to fill a batch")
	fs.Int(&c.MaxAttempts, "max-attempts", 3, "attempts before a record goes to the dead-letter topic")
	fs.Int(&c.Workers, "workers", 0, "partitions processed in parallel (0 = one per assigned partition)")
}

func registerGateway(fs *config.FlagSet, c *stream.Config) {
	fs.Int(&c.MaxSubscribers, "max-subscribers", 10000, "concurrent SSE subscribers before 503")
	fs.Duration(&c.Heartbeat, "heartbeat", 15*time.Second, "SSE heartbeat interval")
	fs.Strings(&c.AuthTokens, "auth-tokens", nil, "tokens that may read the stream and dashboard (none = open); sent as Authorization: Bearer or the session cookie")
}

// started is a running service as runService sees it: how to stop it and,
// if it can end by itself, a channel that says so.
type started struct {
	stop func(context.Context) error
	done <-chan struct{}
}

type startFunc func(ctx context.Context, kc broker.Config, reg *prometheus.Registry, h *health.Health, logger *slog.Logger) (started, error)

// runService is the life every long-running command shares: logger, signals,
// topics, metrics and health, start, wait for a signal (or the service's own
// end), then drain within stopTimeout.
func runService(ctx context.Context, s *stdio, lf logFlags, kf *kafkaFlags, client string, start startFunc) int {
	logger, err := lf.logger(s)
	if err != nil {
		return fail(s, err)
	}
	ctx, stop := signalContext(ctx)
	defer stop()
	if err := kf.ensure(ctx, client); err != nil {
		return fail(s, fmt.Errorf("kafka: %w", err))
	}
	reg := metrics.NewRegistry()
	h := health.New()
	kc := kf.config(client)
	h.AddReadiness("kafka", func(ctx context.Context) error { return broker.Ping(ctx, kc) })
	svc, err := start(ctx, kc, reg, h, logger)
	if err != nil {
		return fail(s, err)
	}
	select {
	case <-ctx.Done():
	case <-svc.done:
	}
	sctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	if err := svc.stop(sctx); err != nil {
		return fail(s, err)
	}
	return 0
}

func runIngest(ctx context.Context, args []string, s *stdio) int {
	fs := config.NewFlagSet("ingest", "logsift ingest: accepts logs over HTTP (POST /v1/logs) and writes them to Kafka.")
	var (
		addr string
		kf   kafkaFlags
		ic   ingest.Config
		lf   logFlags
	)
	fs.String(&addr, "addr", ":8080", "listen address")
	kf.register(fs)
	finishIngest := registerIngest(fs, &ic)
	lf.register(fs)
	if code, done := parse(fs, args, s); done {
		return code
	}
	finishIngest()
	return runService(ctx, s, lf, &kf, "logsift-ingest", func(_ context.Context, kc broker.Config, reg *prometheus.Registry, h *health.Health, logger *slog.Logger) (started, error) {
		in, err := app.StartIngest(app.IngestConfig{Addr: addr, Kafka: kc, Topic: kf.topics.Raw, Ingest: ic}, reg, h, logger)
		if err != nil {
			return started{}, err
		}
		return started{stop: in.Stop}, nil
	})
}

func runClassify(ctx context.Context, args []string, s *stdio) int {
	fs := config.NewFlagSet("classify", "logsift classify: consumes logs.raw, labels each line with the model, writes PostgreSQL and logs.classified.")
	var (
		kf    kafkaFlags
		dbURL string
		addr  string
		lbf   labelerFlags
		ret   time.Duration
		wc    classifier.Config
		lf    logFlags
	)
	kf.register(fs)
	fs.String(&dbURL, "database-url", "", "PostgreSQL connection string (required)")
	fs.String(&addr, "addr", ":9090", "listen address for /metrics, /healthz and /readyz")
	lbf.register(fs)
	fs.Duration(&ret, "retention", 0, "drop stored lines older than this, by day partition (0 = keep all)")
	registerWorker(fs, &wc)
	lf.register(fs)
	if code, done := parse(fs, args, s); done {
		return code
	}
	if dbURL == "" {
		return fail(s, &app.ConfigError{Err: fmt.Errorf("classify needs --database-url (or LOGSIFT_DATABASE_URL)")})
	}
	if err := lbf.check(); err != nil {
		return fail(s, err)
	}
	wc.InTopic, wc.OutTopic, wc.DLQTopic = kf.topics.Raw, kf.topics.Classified, kf.topics.DLQ
	return runService(ctx, s, lf, &kf, "logsift-classify", func(ctx context.Context, kc broker.Config, reg *prometheus.Registry, h *health.Health, logger *slog.Logger) (started, error) {
		l, err := lbf.build(reg, logger)
		if err != nil {
			return started{}, err
		}
		wc.Schema = l.schema
		c, err := app.StartClassify(ctx, app.ClassifyConfig{Kafka: kc, DatabaseURL: dbURL, Worker: wc, Retention: ret}, l, reg, h, logger)
		if err != nil {
			_ = l.close()
			return started{}, err
		}
		admin, err := app.StartAdmin(addr, reg, h, logger)
		if err != nil {
			_ = c.Stop(context.Background())
			_ = l.close()
			return started{}, err
		}
		return started{
			// The engine closes last: the worker drains through it.
			stop: func(ctx context.Context) error { return errors.Join(admin.Stop(ctx), c.Stop(ctx), l.close()) },
			done: c.Done(),
		}, nil
	})
}

func runGateway(ctx context.Context, args []string, s *stdio) int {
	fs := config.NewFlagSet("gateway", "logsift gateway: serves classified lines as Server-Sent Events (GET /v1/stream) and the dashboard.")
	var (
		addr string
		kf   kafkaFlags
		gc   stream.Config
		lf   logFlags
	)
	fs.String(&addr, "addr", ":8081", "listen address")
	kf.register(fs)
	registerGateway(fs, &gc)
	lf.register(fs)
	if code, done := parse(fs, args, s); done {
		return code
	}
	gc.Topic = kf.topics.Classified
	return runService(ctx, s, lf, &kf, "logsift-gateway", func(ctx context.Context, kc broker.Config, reg *prometheus.Registry, h *health.Health, logger *slog.Logger) (started, error) {
		g, err := app.StartGateway(ctx, app.GatewayConfig{Addr: addr, Kafka: kc, Gateway: gc}, reg, h, logger)
		if err != nil {
			return started{}, err
		}
		return started{stop: g.Stop}, nil
	})
}

func runMigrate(ctx context.Context, args []string, s *stdio) int {
	fs := config.NewFlagSet("migrate", "logsift migrate: applies the PostgreSQL migrations (the services also apply them at start).")
	var dbURL string
	fs.String(&dbURL, "database-url", "", "PostgreSQL connection string (required)")
	if code, done := parse(fs, args, s); done {
		return code
	}
	if dbURL == "" {
		return fail(s, &app.ConfigError{Err: fmt.Errorf("migrate needs --database-url (or LOGSIFT_DATABASE_URL)")})
	}
	pool, err := pg.Connect(ctx, dbURL)
	if err != nil {
		return fail(s, err)
	}
	defer pool.Close()
	n, err := pg.Migrate(ctx, pool, store.Migrations())
	if err != nil {
		return fail(s, err)
	}
	fmt.Fprintf(s.out, "applied %d migrations\n", n)
	return 0
}

func runDev(ctx context.Context, args []string, s *stdio) int {
	fs := config.NewFlagSet("dev", "logsift dev: the whole pipeline in one process (embedded Kafka-protocol broker, local PostgreSQL, ingest, classifier, gateway).")
	var (
		cfg app.DevConfig
		lbf labelerFlags
		lf  logFlags
	)
	fs.String(&cfg.DataDir, "data-dir", ".logsift", "where the local PostgreSQL keeps its data between runs")
	fs.String(&cfg.KafkaAddr, "kafka-addr", "127.0.0.1:9092", "listen address of the embedded Kafka-protocol broker")
	fs.String(&cfg.IngestAddr, "ingest-addr", ":8080", "listen address of the ingest API")
	fs.String(&cfg.GatewayAddr, "gateway-addr", ":8081", "listen address of the gateway and dashboard")
	fs.String(&cfg.DatabaseURL, "database-url", "", "use this PostgreSQL instead of a local one")
	fs.String(&cfg.PGBin, "pg-bin", "", "directory of initdb and pg_ctl (default: PATH, then /usr/lib/postgresql/*/bin)")
	fs.Int(&cfg.Topics.Partitions, "partitions", app.DefaultTopics.Partitions, "partitions of each topic")
	lbf.register(fs)
	finishIngest := registerIngest(fs, &cfg.Ingest)
	registerWorker(fs, &cfg.Worker)
	registerGateway(fs, &cfg.Gateway)
	lf.register(fs)
	if code, done := parse(fs, args, s); done {
		return code
	}
	finishIngest()
	t := app.DefaultTopics
	t.Partitions = cfg.Topics.Partitions
	cfg.Topics = t
	if err := lbf.check(); err != nil {
		return fail(s, err)
	}
	if cfg.DatabaseURL == "" {
		if _, err := app.DevPostgres(cfg); err != nil {
			return fail(s, err)
		}
	}
	logger, err := lf.logger(s)
	if err != nil {
		return fail(s, err)
	}
	cfg.Registry = metrics.NewRegistry()
	l, err := lbf.build(cfg.Registry, logger)
	if err != nil {
		return fail(s, err)
	}
	defer l.close()
	cfg.Worker.Schema = l.schema
	ctx, stop := signalContext(ctx)
	defer stop()
	d, err := app.StartDev(ctx, cfg, l, logger)
	if err != nil {
		return fail(s, err)
	}
	fmt.Fprintf(s.out, "logsift dev is up in %s\n  ingest:    %s/v1/logs\n  dashboard: %s/\n  stream:    %s/v1/stream\n  kafka:     %s\n  postgres:  %s\n",
		d.Started.Round(time.Millisecond), d.Ingest.URL(), d.Gateway.URL(), d.Gateway.URL(), d.Broker.Addr(), d.DBURL)
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	if err := d.Stop(sctx); err != nil {
		return fail(s, err)
	}
	return 0
}
