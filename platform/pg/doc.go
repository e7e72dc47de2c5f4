// Package pg connects to PostgreSQL with a pgx pool and applies the schema
// migrations a module embeds.
//
// Migrations are plain SQL files named NNNN_name.sql, applied in order, each
// in its own transaction together with its row in logsift_schema_migrations,
// so a file is either fully applied and recorded or not at all. A
// session-level advisory lock serialises Migrate across processes: several
// classifier replicas starting at once apply each file exactly once. A file
// whose content changed after it was applied is reported, not re-run.
package pg
