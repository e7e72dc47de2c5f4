package broker

import (
	"time"

	"github.com/segmentio/kafka-go"
)

// NewWriter returns a producer for topic. Close it when done; its
// connections then close after 30 s idle (kafka-go's Writer.Close leaves a
// transport it did not create to its idle timeout).
//
// RequiredAcks is RequireAll: a record ingest acknowledged must survive a
// broker failure. The Hash balancer keeps each service's records (keyed by
// service) on one partition, in order. MaxAttempts is small and the backoff
// short so that, with Kafka unreachable, WriteMessages returns an error within
// a few seconds rather than after kafka-go's default ten attempts.
func NewWriter(cfg Config, topic string) *kafka.Writer {
	return &kafka.Writer{
		Addr:                   kafka.TCP(cfg.Brokers...),
		Topic:                  topic,
		Balancer:               &kafka.Hash{},
		RequiredAcks:           kafka.RequireAll,
		BatchTimeout:           cfg.batchTimeout(),
		BatchSize:              cfg.batchSize(),
		MaxAttempts:            3,
		WriteBackoffMin:        50 * time.Millisecond,
		WriteBackoffMax:        500 * time.Millisecond,
		ReadTimeout:            10 * time.Second,
		WriteTimeout:           10 * time.Second,
		AllowAutoTopicCreation: false,
		Transport:              newTransport(cfg),
	}
}

// NewReader returns a consumer-group reader of topic. Use FetchMessage and
// CommitMessages (never ReadMessage, which commits before the record is
// processed). Commits are synchronous (CommitInterval 0), so when
// CommitMessages returns the offset is stored. A group that has never
// committed starts at the earliest offset.
func NewReader(cfg Config, group, topic string) *kafka.Reader {
	return kafka.NewReader(kafka.ReaderConfig{
		Brokers:        cfg.Brokers,
		GroupID:        group,
		Topic:          topic,
		Dialer:         newDialer(cfg),
		MinBytes:       1,
		MaxBytes:       10 << 20,
		MaxWait:        250 * time.Millisecond,
		StartOffset:    kafka.FirstOffset,
		CommitInterval: 0,
		// kafka-go's default of 5s between retries makes a consumer sit idle
		// long after a broker restart; these keep recovery prompt.
		ReadBackoffMin:   50 * time.Millisecond,
		ReadBackoffMax:   time.Second,
		JoinGroupBackoff: 500 * time.Millisecond,
		// A dead worker's partitions move after 10 s rather than 30 s;
		// heartbeats run on their own goroutine, so a slow batch does not
		// count against it. A member joining or leaving is noticed on the
		// next heartbeat.
		SessionTimeout:    10 * time.Second,
		HeartbeatInterval: time.Second,
	})
}

func newTransport(cfg Config) *kafka.Transport {
	return &kafka.Transport{
		ClientID:    cfg.clientID(),
		DialTimeout: dialTimeout,
		IdleTimeout: 30 * time.Second,
		MetadataTTL: 10 * time.Second,
	}
}

func newDialer(cfg Config) *kafka.Dialer {
	return &kafka.Dialer{
		ClientID:  cfg.clientID(),
		Timeout:   dialTimeout,
		DualStack: true,
	}
}
