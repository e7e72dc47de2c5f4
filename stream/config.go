package stream

import (
	"errors"
	"fmt"
	"time"

	"github.com/logsift/logsift/schemas"
)

// Config of a Gateway. Zero values take the defaults noted.
type Config struct {
	Brokers []string // Kafka bootstrap addresses, required
	Topic   string   // default "logs.classified"

	// MaxSubscribers bounds open subscriptions; beyond it GET /v1/stream
	// answers 503. Default 10000.
	MaxSubscribers int
	// Heartbeat is the interval of the SSE comment that keeps idle
	// connections (and proxies) from timing out. Default 15s.
	Heartbeat time.Duration
	// BufferPerSubscriber is how many live events may wait for one slow
	// subscriber; when it is full the subscriber is disconnected (and counted)
	// rather than stalling the others. Default 1024.
	BufferPerSubscriber int
	// ReplayWindow is how many recent events per partition are kept in memory
	// so a reconnecting subscriber resumes without reading Kafka. Default
	// 10000. Memory: ReplayWindow × partitions × (record size + ~100 bytes).
	ReplayWindow int
	// Categories are the values ?category= accepts. Default: the categories
	// of the default taxonomy (schemas.CategoryNames); set it when the
	// classifier runs a custom schema.
	Categories []string
	// AuthTokens, when set, are the tokens a subscriber must present (as
	// Authorization: Bearer, or the cookie POST /v1/session sets). Empty:
	// no auth. Tokens are never read from the query string.
	AuthTokens []string
}

// DefaultTopic is the topic the classifier writes ClassifiedLog records to.
const DefaultTopic = "logs.classified"

func (c Config) withDefaults() (Config, error) {
	if len(c.Brokers) == 0 {
		return c, errors.New("stream: config: no Kafka brokers")
	}
	if c.Topic == "" {
		c.Topic = DefaultTopic
	}
	def := func(name string, v *int, d int) error {
		if *v < 0 {
			return fmt.Errorf("stream: config: %s %d is negative", name, *v)
		}
		if *v == 0 {
			*v = d
		}
		return nil
	}
	if err := errors.Join(
		def("MaxSubscribers", &c.MaxSubscribers, 10000),
		def("BufferPerSubscriber", &c.BufferPerSubscriber, 1024),
		def("ReplayWindow", &c.ReplayWindow, 10000),
	); err != nil {
		return c, err
	}
	if c.Heartbeat < 0 {
		return c, fmt.Errorf("stream: config: Heartbeat %v is negative", c.Heartbeat)
	}
	if c.Heartbeat == 0 {
		c.Heartbeat = 15 * time.Second
	}
	if len(c.Categories) == 0 {
		c.Categories = schemas.CategoryNames()
	}
	return c, nil
}
