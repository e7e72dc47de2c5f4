// Package store keeps classified log lines in PostgreSQL.
//
// The table classified_logs is partitioned by day on ts (UTC days), so the
// dashboard's time-range queries touch only the days they ask for and
// retention is a DROP TABLE per day instead of a DELETE. Day partitions are
// created ahead of time (yesterday through a week ahead) by Open and by the
// maintenance loop, and on demand by Write for days within a bounded window
// around now; rows outside every partition go to a DEFAULT partition rather
// than failing their batch.
//
// Write is idempotent on the row's source position (ts, topic, partition,
// offset): it copies the batch into a temporary table with COPY and inserts
// from there with ON CONFLICT DO NOTHING, in one transaction. The classifier
// commits Kafka offsets only after Write returns, so a record delivered
// twice is written twice and stored once.
//
// Migrations are embedded SQL files applied with platform/pg.Migrate; Open
// runs them, and Migrations exposes them for `logsift migrate`.
package store
