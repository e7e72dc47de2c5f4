// Package classifier is logsift's worker: it consumes raw log records from
// Kafka, labels them with a model, and writes the labelled lines to
// PostgreSQL and to the classified topic.
//
// A record travels decode → clean (textproc.Clean) → mask (textproc.Mask,
// the template) → batch → Labeler → validate → store + produce → commit.
// The model sits behind the two-method Labeler interface declared here, so
// the embedded engine, a remote OpenAI-compatible backend and the test
// doubles are interchangeable.
//
// Delivery is at least once. A partition's offset is committed only up to the
// highest contiguous offset whose result is both in PostgreSQL and
// acknowledged on the out topic (or, for a record that cannot be classified,
// on the dead-letter topic). Partitions are processed in parallel lanes, and
// a record that fails inside a batch is retried in a later one while its
// neighbours complete, so completions arrive out of order: the watermark
// tracker turns them into a safe commit point. The store is idempotent on the
// source position, so a redelivered record never becomes a second row.
//
// Kafka and PostgreSQL failures are retried with backoff for as long as the
// worker runs; nothing is skipped to make progress. Only records that can
// never succeed (undecodable, or failing the Labeler MaxAttempts times) leave
// the pipeline, and they leave through the dead-letter topic.
package classifier
