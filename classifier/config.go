package classifier

import (
	"github.com/logsift/logsift/schemas"

	"errors"
	"fmt"
	"time"
)

// Config configures a Worker. Zero values pick the defaults named on each
// field; Brokers is the only field without one.
type Config struct {
	// Brokers are the Kafka bootstrap host:port addresses.
	Brokers []string
	// Group is the consumer group. Default "classifier".
	Group string
	// InTopic holds raw records. Default "logs.raw".
	InTopic string
	// OutTopic receives ClassifiedLog JSON. Default "logs.classified".
	OutTopic string
	// DLQTopic receives records that cannot be classified. Default "logs.dlq".
	DLQTopic string
	// BatchSize is the most lines handed to the Labeler at once. Default 64.
	BatchSize int
	// BatchWait is how long a lane waits to fill a batch once it has one
	// record. Default 50ms.
	BatchWait time.Duration
	// MaxLineBytes bounds a cleaned line. Default 16 KiB.
	MaxLineBytes int
	// MaxAttempts is how often a line may fail labelling before it goes to
	// the dead-letter topic. Default 3.
	MaxAttempts int
	// Workers is how many lanes process partitions in parallel; a partition
	// always goes to the same lane, so its records stay ordered. Default 4.
	Workers int
	// DrainTimeout bounds the graceful stop: how long Run keeps trying to
	// store, produce and commit the in-flight batches after its context is
	// done. Default 30s.
	DrainTimeout time.Duration
	// LagInterval is how often the consumer-group lag gauge is refreshed.
	// Default 15s; negative disables it.
	LagInterval time.Duration
	// ClientID is sent to Kafka. Default "logsift-classifier".
	ClientID string
	// Schema is the classification schema every answer is checked against
	// before it is stored (nil = the default schema). With a custom schema
	// the Labeler returns the whole answer in Classification.Labels, and
	// that is what is validated.
	Schema *schemas.Schema
}

const (
	defaultGroup        = "classifier"
	defaultInTopic      = "logs.raw"
	defaultOutTopic     = "logs.classified"
	defaultDLQTopic     = "logs.dlq"
	defaultBatchSize    = 64
	defaultBatchWait    = 50 * time.Millisecond
	defaultMaxLineBytes = 16 << 10
	defaultMaxAttempts  = 3
	defaultWorkers      = 4
	defaultDrainTimeout = 30 * time.Second
	defaultLagInterval  = 15 * time.Second
	defaultClientID     = "logsift-classifier"

	maxBatchSize = 4096
	maxWorkers   = 1024
)

// withDefaults returns cfg with zero values replaced by defaults, or the
// first value that is out of range.
func (c Config) withDefaults() (Config, error) {
	if len(c.Brokers) == 0 {
		return c, errors.New("classifier: no Kafka brokers configured")
	}
	setS := func(p *string, d string) {
		if *p == "" {
			*p = d
		}
	}
	setS(&c.Group, defaultGroup)
	setS(&c.InTopic, defaultInTopic)
	setS(&c.OutTopic, defaultOutTopic)
	setS(&c.DLQTopic, defaultDLQTopic)
	setS(&c.ClientID, defaultClientID)
	if c.BatchSize == 0 {
		c.BatchSize = defaultBatchSize
	}
	if c.BatchWait == 0 {
		c.BatchWait = defaultBatchWait
	}
	if c.MaxLineBytes == 0 {
		c.MaxLineBytes = defaultMaxLineBytes
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = defaultMaxAttempts
	}
	if c.Workers == 0 {
		c.Workers = defaultWorkers
	}
	if c.DrainTimeout == 0 {
		c.DrainTimeout = defaultDrainTimeout
	}
	if c.LagInterval == 0 {
		c.LagInterval = defaultLagInterval
	}
	switch {
	case c.BatchSize < 1 || c.BatchSize > maxBatchSize:
		return c, fmt.Errorf("classifier: batch size %d out of range [1, %d]", c.BatchSize, maxBatchSize)
	case c.BatchWait < 0:
		return c, fmt.Errorf("classifier: batch wait %v is negative", c.BatchWait)
	case c.MaxLineBytes < 64:
		return c, fmt.Errorf("classifier: max line bytes %d below the minimum of 64", c.MaxLineBytes)
	case c.MaxAttempts < 1:
		return c, fmt.Errorf("classifier: max attempts %d below 1", c.MaxAttempts)
	case c.Workers < 1 || c.Workers > maxWorkers:
		return c, fmt.Errorf("classifier: workers %d out of range [1, %d]", c.Workers, maxWorkers)
	case c.DrainTimeout < 0:
		return c, fmt.Errorf("classifier: drain timeout %v is negative", c.DrainTimeout)
	case c.InTopic == c.OutTopic || c.InTopic == c.DLQTopic:
		return c, fmt.Errorf("classifier: in topic %q must differ from the out and dead-letter topics", c.InTopic)
	}
	return c, nil
}
