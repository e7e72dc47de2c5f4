package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/logsift/logsift/classifier"
	"github.com/logsift/logsift/ingest"
	"github.com/logsift/logsift/platform/broker"
	"github.com/logsift/logsift/platform/health"
	"github.com/logsift/logsift/platform/metrics"
	"github.com/logsift/logsift/platform/pgcluster"
	"github.com/logsift/logsift/stream"
)

// DevConfig configures the all-in-one process.
type DevConfig struct {
	DataDir     string // PostgreSQL lives under DataDir/pg and is kept between runs
	KafkaAddr   string // the embedded broker, reachable by any Kafka client
	IngestAddr  string
	GatewayAddr string
	DatabaseURL string // use this PostgreSQL instead of starting one
	PGBin       string // where initdb/pg_ctl are, if not on PATH or in /usr/lib/postgresql/*/bin
	Durable     bool   // fsync the local PostgreSQL (off is fine for a try-out)
	Topics      Topics
	Ingest      ingest.Config
	Worker      classifier.Config
	Gateway     stream.Config
	// Registry receives every component's metrics (nil = a new one), so
	// a Labeler built before StartDev can register its own.
	Registry *prometheus.Registry
}

// Dev is the whole pipeline in one process.
type Dev struct {
	Broker   *broker.Embedded
	PG       *pgcluster.Cluster // nil when DatabaseURL was given
	DBURL    string
	Ingest   *Ingest
	Classify *Classify
	Gateway  *Gateway
	Registry *prometheus.Registry
	Started  time.Duration

	// What the gateway was started with, so RestartGateway can start it again.
	gatewayCfg GatewayConfig
	health     *health.Health
	logger     *slog.Logger
}

// StartDev starts broker, PostgreSQL, ingest, classifier and gateway, in that
// order, and stops what it started if any step fails.
func StartDev(ctx context.Context, cfg DevConfig, l classifier.Labeler, logger *slog.Logger) (d *Dev, err error) {
	t0 := time.Now()
	if cfg.Topics.Raw == "" {
		cfg.Topics = DefaultTopics
	}
	d = &Dev{Registry: cfg.Registry}
	if d.Registry == nil {
		d.Registry = metrics.NewRegistry()
	}
	defer func() {
		if err != nil {
			_ = d.Stop(context.WithoutCancel(ctx))
			d = nil
		}
	}()
	if cfg.DatabaseURL == "" {
		bin, err := DevPostgres(cfg)
		if err != nil {
			return d, err
		}
		d.PG, err = pgcluster.Start(ctx, pgcluster.Options{
			Dir: filepath.Join(cfg.DataDir, "pg"), BinDir: bin, Durable: cfg.Durable, Logger: logger,
		})
		if err != nil {
			return d, fmt.Errorf("dev: postgres: %w", err)
		}
		d.DBURL = d.PG.URL()
	} else {
		d.DBURL = cfg.DatabaseURL
	}
	d.Broker, err = broker.StartEmbedded(cfg.KafkaAddr, cfg.Topics.specs()...)
	if err != nil {
		return d, fmt.Errorf("dev: kafka: %w", err)
	}
	kc := broker.Config{Brokers: []string{d.Broker.Addr()}, ClientID: "logsift-dev"}
	h := health.New()
	h.AddReadiness("kafka", func(ctx context.Context) error { return broker.Ping(ctx, kc) })

	wcfg := cfg.Worker
	wcfg.InTopic, wcfg.OutTopic, wcfg.DLQTopic = cfg.Topics.Raw, cfg.Topics.Classified, cfg.Topics.DLQ
	d.Classify, err = StartClassify(ctx, ClassifyConfig{Kafka: kc, DatabaseURL: d.DBURL, Worker: wcfg}, l, d.Registry, h, logger)
	if err != nil {
		return d, err
	}
	gcfg := cfg.Gateway
	gcfg.Topic = cfg.Topics.Classified
	d.gatewayCfg, d.health, d.logger = GatewayConfig{Addr: cfg.GatewayAddr, Kafka: kc, Gateway: gcfg}, h, logger
	d.Gateway, err = StartGateway(ctx, d.gatewayCfg, d.Registry, h, logger)
	if err != nil {
		return d, err
	}
	d.Ingest, err = StartIngest(IngestConfig{Addr: cfg.IngestAddr, Kafka: kc, Topic: cfg.Topics.Raw, Ingest: cfg.Ingest}, d.Registry, h, logger)
	if err != nil {
		return d, err
	}
	d.Started = time.Since(t0)
	return d, nil
}

// DevPostgres finds the PostgreSQL server binaries dev runs its local
// database with, or says in one line how to fix their absence.
func DevPostgres(cfg DevConfig) (binDir string, err error) {
	bin, err := pgcluster.FindBinDir(cfg.PGBin)
	if err == nil {
		return bin, nil
	}
	if cfg.PGBin != "" {
		return "", &ConfigError{Err: fmt.Errorf("--pg-bin %s: no PostgreSQL server binaries (initdb, postgres) there: point --pg-bin (LOGSIFT_PG_BIN) at them, or pass --database-url", cfg.PGBin)}
	}
	return "", &ConfigError{Err: fmt.Errorf("no PostgreSQL server binaries (initdb, postgres) on PATH or in /usr/lib/postgresql/*/bin: install PostgreSQL (apt-get install postgresql), point --pg-bin at them, or pass --database-url")}
}

// Stop stops the services front to back, so that what was accepted is
// classified and committed before the broker and database go away.
func (d *Dev) Stop(ctx context.Context) error {
	var errs []error
	if d.Ingest != nil {
		errs = append(errs, d.Ingest.Stop(ctx))
	}
	if d.Classify != nil {
		errs = append(errs, d.Classify.Stop(ctx))
	}
	if d.Gateway != nil {
		errs = append(errs, d.Gateway.Stop(ctx))
	}
	if d.Broker != nil {
		d.Broker.Close()
	}
	if d.PG != nil {
		errs = append(errs, d.PG.Stop())
	}
	return errors.Join(errs...)
}

// StopGateway stops the gateway alone, as a crash or a redeploy would:
// open streams end and the port closes while ingest and the classifier go
// on. StartGateway brings it back.
func (d *Dev) StopGateway(ctx context.Context) error {
	if d.Gateway == nil {
		return errors.New("dev: gateway is not running")
	}
	// The next start listens where this one did, so clients reconnect to
	// the same URL (port 0 would otherwise pick a new one).
	d.gatewayCfg.Addr = d.Gateway.http.Addr()
	err := d.Gateway.Stop(ctx)
	d.Gateway = nil
	return err
}

// StartGateway starts the gateway again after StopGateway, on the same
// address, with the same configuration and metrics.
func (d *Dev) StartGateway(ctx context.Context) error {
	if d.Gateway != nil {
		return errors.New("dev: gateway is already running")
	}
	g, err := StartGateway(ctx, d.gatewayCfg, d.Registry, d.health, d.logger)
	if err != nil {
		return err
	}
	d.Gateway = g
	return nil
}

// ConfigError is a failure the user fixes by changing flags or installing
// something; the binary exits 2 on it.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }
