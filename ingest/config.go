package ingest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Config configures the ingest server. The zero value of every field means
// its default.
type Config struct {
	// MaxBodyBytes caps the request body, and again the body after gunzip,
	// so a gzip bomb is refused with 413 instead of filling memory.
	// Default 8 MiB.
	MaxBodyBytes int64
	// MaxLineBytes caps one message (JSON, NDJSON) or one text line.
	// Default 64 KiB.
	MaxLineBytes int
	// MaxEventBytes caps one normalised event as JSON, which is the Kafka
	// record value. It must stay under the producer's batch byte limit
	// (kafka-go's default is 1 MiB). Default 256 KiB.
	MaxEventBytes int
	// MaxRecords caps the events of one request, bounding the memory of a
	// body full of tiny lines. Default 100,000.
	MaxRecords int
	// APIKeys, if non-empty, are the accepted bearer tokens for POST
	// /v1/logs ("Authorization: Bearer <key>"). The other routes are open:
	// probes and scrapers do not carry keys.
	APIKeys []string
	// DefaultService is the service of events that name none, when the
	// request has neither ?service= nor X-Logsift-Service. Default "unknown".
	DefaultService string
	// Topic is the topic records go to. Default "logs.raw". When the
	// producer is a *kafka.Writer with its own Topic, the two must agree.
	Topic string
	// MaxInflight caps the POST /v1/logs requests being read, decoded or
	// produced at once, which bounds memory (each can hold a few times
	// MaxBodyBytes). More requests wait up to ProduceTimeout for a slot,
	// then get 503 with Retry-After. Default 16.
	MaxInflight int
	// ProduceTimeout bounds one WriteMessages call; past it the request gets
	// 503. Default 10s.
	ProduceTimeout time.Duration
	// ReadTimeout bounds reading one request (slow clients). Default 30s.
	ReadTimeout time.Duration
	// IdleTimeout closes idle keep-alive connections. Default 2m.
	IdleTimeout time.Duration
	// Extra are net/http handlers served on the same port, keyed by path:
	// typically /metrics, /healthz and /readyz from platform. They answer
	// GET and HEAD. Their responses are buffered by Fiber's adaptor, so they
	// must not stream.
	Extra map[string]http.Handler
}

const (
	defaultMaxBodyBytes   = 8 << 20
	defaultMaxLineBytes   = 64 << 10
	defaultMaxEventBytes  = 256 << 10
	defaultMaxRecords     = 100_000
	defaultService        = "unknown"
	defaultTopic          = "logs.raw"
	defaultMaxInflight    = 16
	defaultProduceTimeout = 10 * time.Second
	defaultReadTimeout    = 30 * time.Second
	defaultIdleTimeout    = 2 * time.Minute
	logsPath              = "/v1/logs"
)

// withDefaults fills zero fields and checks the rest, naming the field and
// its value in the error.
func (c Config) withDefaults() (Config, error) {
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = defaultMaxBodyBytes
	}
	if c.MaxLineBytes == 0 {
		c.MaxLineBytes = defaultMaxLineBytes
	}
	if c.MaxEventBytes == 0 {
		c.MaxEventBytes = max(defaultMaxEventBytes, c.MaxLineBytes+16<<10)
	}
	if c.MaxRecords == 0 {
		c.MaxRecords = defaultMaxRecords
	}
	if c.DefaultService == "" {
		c.DefaultService = defaultService
	}
	if c.Topic == "" {
		c.Topic = defaultTopic
	}
	if c.MaxInflight == 0 {
		c.MaxInflight = defaultMaxInflight
	}
	if c.ProduceTimeout == 0 {
		c.ProduceTimeout = defaultProduceTimeout
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = defaultReadTimeout
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = defaultIdleTimeout
	}
	var errs []error
	// Fiber's BodyLimit is an int; 1 GiB is far past any sane log batch.
	if c.MaxBodyBytes < 0 || c.MaxBodyBytes > 1<<30 {
		errs = append(errs, fmt.Errorf("MaxBodyBytes %d: want 1..%d", c.MaxBodyBytes, 1<<30))
	}
	if c.MaxLineBytes < 0 || int64(c.MaxLineBytes) > c.MaxBodyBytes {
		errs = append(errs, fmt.Errorf("MaxLineBytes %d: want 1..MaxBodyBytes (%d)", c.MaxLineBytes, c.MaxBodyBytes))
	}
	if c.MaxEventBytes < c.MaxLineBytes {
		errs = append(errs, fmt.Errorf("MaxEventBytes %d: want at least MaxLineBytes (%d)", c.MaxEventBytes, c.MaxLineBytes))
	}
	if c.MaxInflight < 0 {
		errs = append(errs, fmt.Errorf("MaxInflight %d: want > 0", c.MaxInflight))
	}
	if c.MaxRecords < 0 {
		errs = append(errs, fmt.Errorf("MaxRecords %d: want > 0", c.MaxRecords))
	}
	for i, k := range c.APIKeys {
		if strings.TrimSpace(k) == "" || strings.ContainsAny(k, " \t\r\n") {
			errs = append(errs, fmt.Errorf("APIKeys[%d]: empty or contains whitespace", i))
		}
	}
	if rerr := checkService(c.DefaultService); rerr != "" {
		errs = append(errs, fmt.Errorf("DefaultService %q: %s", c.DefaultService, rerr))
	}
	if c.ProduceTimeout < 0 || c.ReadTimeout < 0 || c.IdleTimeout < 0 {
		errs = append(errs, fmt.Errorf("timeouts must not be negative (produce %v, read %v, idle %v)", c.ProduceTimeout, c.ReadTimeout, c.IdleTimeout))
	}
	for p, h := range c.Extra {
		if !strings.HasPrefix(p, "/") || p == logsPath || h == nil {
			errs = append(errs, fmt.Errorf("extra handler %q: want a path starting with / other than %s, and a non-nil handler", p, logsPath))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return c, fmt.Errorf("ingest: config: %w", err)
	}
	return c, nil
}
