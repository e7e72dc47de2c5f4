// Package loadgen drives log traffic into a running logsift and measures it:
// it replays JSONL or text files (or synthesises lines) at a target rate,
// to the ingest API over HTTP or straight to Kafka, while it subscribes to
// the gateway's SSE stream and matches each classified event back to the
// line it sent by the event's id (LogEvent.id, which the pipeline carries
// through). It reports the achieved rate and end-to-end latency (send →
// SSE receipt) percentiles. `logsift loadgen` is its command line.
package loadgen
