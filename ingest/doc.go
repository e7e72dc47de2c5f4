// Package ingest is logsift's HTTP front door: producers POST log lines to
// /v1/logs and the server turns them into LogEvent records on the logs.raw
// Kafka topic, keyed by service, for the classifier to consume.
//
// # The request
//
// POST /v1/logs takes application/json (one LogEvent object or an array of
// them), application/x-ndjson (one object per line, blank lines skipped) or
// text/plain (one message per line, CRLF tolerated, blank lines skipped),
// optionally with Content-Encoding: gzip. Field names match exactly and
// unknown or repeated fields are refused. A missing ts becomes the receive
// time; every ts is stored in UTC. A missing service becomes ?service=, else
// the X-Logsift-Service header, else Config.DefaultService.
//
// A request is all-or-nothing. The whole body is decoded, validated and
// normalised before anything is produced; the first bad line fails the
// request and names itself ("line" is 1-based; for a JSON array it is the
// element number). The valid batch goes to Kafka in one WriteMessages call,
// and the client hears 202 {"accepted":N} only after the producer returned
// nil, which with platform/broker's writer (acks=all) means stored.
//
// # Answers
//
//	202 {"accepted":N}
//	400 {"error","line","reason"}  bad JSON, wrong type, missing message, bad ts, invalid UTF-8, NUL, unknown field, empty body
//	401 {"error"} + WWW-Authenticate  missing or wrong API key (when Config.APIKeys is set)
//	413 {"error","limit","max"[,"line"]}  body (also after gunzip), line/message, event or record-count limit
//	415 {"error"}  unknown Content-Type, charset or Content-Encoding
//	503 {"error":"kafka unavailable: ..."} + Retry-After: 5  the producer failed; nothing is reported accepted
//	503 {"error":"overloaded: ..."} + Retry-After: 5  MaxInflight requests busy for longer than ProduceTimeout
//
// After a 503 some records of the batch may still have reached Kafka, so a
// retrying client gets at-least-once delivery; events carrying an id let
// consumers drop duplicates.
//
// # Limits and the connection
//
// Only POST /v1/logs needs the API key; the Extra routes (probes, metrics)
// are open. Limits are checked on decompressed bytes, so a gzip bomb stops at
// MaxBodyBytes of output. Bodies past the limit are read as streams and
// drained a little so the client can read its 413; a connection whose body
// was not fully read is closed, never reused (see readBody).
//
// The package has no main: services/ builds the Kafka writer, the metrics
// registry and the health handlers and passes them to New (Config.Extra), so
// one port serves /v1/logs, /metrics, /healthz and /readyz.
package ingest
