// Package ingest is logsift's HTTP front door: producers POST log lines to
// /v1/logs and the server turns them into LogEvent records on the logs.raw
// Kafka topic, keyed by service, for the classifier to consume.
//
// A request is all-or-nothing. The body (JSON object or array, NDJSON, or
// plain text, optionally gzip-compressed) is decoded and every event is
// validated and normalised before anything is produced; the first bad line
// fails the whole request with a 4xx naming it. The valid batch then goes to
// Kafka in one WriteMessages call, and the client hears 202 only after the
// producer acknowledged it (with acks=all from platform/broker's writer). A
// producer error answers 503 with Retry-After, so a client that retries gets
// at-least-once delivery; events carrying an id let the consumer drop
// duplicates.
//
// Limits are enforced on the decompressed bytes, so a gzip bomb is refused
// with 413 after at most MaxBodyBytes of output. Every error body is JSON.
//
// The package has no main: services/ builds the Kafka writer, the metrics
// registry and the health handlers and passes them to New, so one port serves
// /v1/logs, /metrics, /healthz and /readyz.
package ingest
