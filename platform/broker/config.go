package broker

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Config says how to reach Kafka. The zero values of the tuning fields pick
// the defaults documented on each field.
type Config struct {
	// Brokers are the bootstrap host:port addresses.
	Brokers []string
	// ClientID is sent with every request so broker logs and quotas can tell
	// the services apart. Default "logsift".
	ClientID string
	// BatchTimeout is how long a writer lingers to fill a batch. Default 2ms.
	BatchTimeout time.Duration
	// BatchSize is the most records a writer puts in one batch. Default 1000.
	BatchSize int
	// ReplicationFactor for topics created by EnsureTopics. Default 1.
	ReplicationFactor int
}

// TopicSpec names a topic and its partition count (<= 0 means 1).
type TopicSpec struct {
	Name       string
	Partitions int
}

const (
	defaultClientID     = "logsift"
	defaultBatchTimeout = 2 * time.Millisecond
	defaultBatchSize    = 1000
	// adminTimeout bounds admin calls whose context has no earlier deadline,
	// so a readiness probe never hangs on a black-holed address.
	adminTimeout = 5 * time.Second
	dialTimeout  = 3 * time.Second
)

// Validate reports the first problem with cfg.
func (c Config) Validate() error {
	if len(c.Brokers) == 0 {
		return errors.New("broker: no brokers configured")
	}
	for _, b := range c.Brokers {
		if strings.TrimSpace(b) == "" {
			return fmt.Errorf("broker: empty broker address in %q", c.Brokers)
		}
	}
	if c.BatchTimeout < 0 {
		return fmt.Errorf("broker: batch timeout %s is negative", c.BatchTimeout)
	}
	if c.BatchSize < 0 {
		return fmt.Errorf("broker: batch size %d is negative", c.BatchSize)
	}
	if c.ReplicationFactor < 0 {
		return fmt.Errorf("broker: replication factor %d is negative", c.ReplicationFactor)
	}
	return nil
}

func (c Config) clientID() string {
	if c.ClientID == "" {
		return defaultClientID
	}
	return c.ClientID
}

func (c Config) batchTimeout() time.Duration {
	if c.BatchTimeout == 0 {
		return defaultBatchTimeout
	}
	return c.BatchTimeout
}

func (c Config) batchSize() int {
	if c.BatchSize == 0 {
		return defaultBatchSize
	}
	return c.BatchSize
}

func (c Config) replicationFactor() int {
	if c.ReplicationFactor <= 0 {
		return 1
	}
	return c.ReplicationFactor
}

func (t TopicSpec) partitions() int {
	if t.Partitions <= 0 {
		return 1
	}
	return t.Partitions
}
