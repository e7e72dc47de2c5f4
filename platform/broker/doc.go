// Package broker sets up Kafka clients the same way in every logsift service,
// and runs an embedded Kafka-protocol broker for `logsift dev` and for tests.
//
// Clients are segmentio/kafka-go. NewWriter returns a producer that waits for
// all in-sync replicas (acks=all), hashes the record key so one service's lines
// stay ordered on one partition, lingers only milliseconds (kafka-go's default
// is a full second) and gives up after a few attempts, so that ingest can
// answer 503 quickly when Kafka is gone instead of holding requests open.
// EnsureTopics, Ping and Lag are the small admin calls the services need at
// start-up, for readiness and for the lag metric.
//
// The embedded broker is github.com/twmb/franz-go/pkg/kfake: an in-memory,
// single-node Kafka that speaks the real wire protocol over TCP, so the code
// under test uses exactly the client path it uses against a real cluster.
package broker
