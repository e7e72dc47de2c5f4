// Package app wires logsift's modules into running services: the ingest API,
// the classifier worker, the SSE gateway, and "dev", which runs all of them
// with an embedded Kafka-protocol broker and a local PostgreSQL in one
// process.
//
// It holds no logic worth testing on its own beyond the wiring itself; the
// end-to-end tests in this package drive the same wiring the binary runs, with
// only the model swapped for a deterministic labeler.
package app
