package pg

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrationLockKey is the pg_advisory_lock key shared by every logsift
// process migrating the same database (an arbitrary constant: "logsift" in
// ASCII).
const migrationLockKey int64 = 0x6c6f6773696674

var migrationName = regexp.MustCompile(`^(\d{4})_[A-Za-z0-9_\-]+\.sql$`)

type migration struct {
	version int
	name    string
	sql     string
	sum     string
}

// Migrate applies the migrations in the root of fsys that this database has
// not seen, in version order, and returns how many it applied. Each file runs
// in one transaction; statements that refuse a transaction (CREATE INDEX
// CONCURRENTLY) cannot be used. On failure the failing file is rolled back,
// the files before it stay applied, and the error names the file.
func Migrate(ctx context.Context, pool *pgxpool.Pool, migrations fs.FS) (applied int, err error) {
	files, err := readMigrations(migrations)
	if err != nil {
		return 0, err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("pg: migrate: %w", err)
	}
	defer conn.Release()

	// The lock is per session, so everything below uses this one connection.
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLockKey); err != nil {
		return 0, fmt.Errorf("pg: migrate: take advisory lock: %w", err)
	}
	defer func() {
		// With ctx cancelled the unlock cannot be sent; the broken
		// connection must then not go back to the pool still holding the lock.
		if _, uerr := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockKey); uerr != nil {
			conn.Conn().Close(context.WithoutCancel(ctx))
			if err == nil {
				err = fmt.Errorf("pg: migrate: release advisory lock: %w", uerr)
			}
		}
	}()

	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS logsift_schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		checksum   text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return 0, fmt.Errorf("pg: migrate: create logsift_schema_migrations: %w", err)
	}
	done, err := appliedMigrations(ctx, conn.Conn())
	if err != nil {
		return 0, err
	}
	for _, m := range files {
		if prev, ok := done[m.version]; ok {
			if prev.sum != m.sum {
				return applied, fmt.Errorf("pg: migration %s changed after it was applied (as %s); add a new migration instead of editing it", m.name, prev.name)
			}
			continue
		}
		if err := apply(ctx, conn.Conn(), m); err != nil {
			return applied, err
		}
		applied++
	}
	return applied, nil
}

func apply(ctx context.Context, conn *pgx.Conn, m migration) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pg: migration %s: begin: %w", m.name, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	// No arguments: pgx uses the simple protocol, which runs a file of
	// several statements in one round trip.
	if _, err := tx.Exec(ctx, m.sql); err != nil {
		return fmt.Errorf("pg: migration %s: %w", m.name, err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO logsift_schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", m.version, m.name, m.sum); err != nil {
		return fmt.Errorf("pg: migration %s: record: %w", m.name, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pg: migration %s: commit: %w", m.name, err)
	}
	return nil
}

func appliedMigrations(ctx context.Context, conn *pgx.Conn) (map[int]migration, error) {
	rows, err := conn.Query(ctx, "SELECT version, name, checksum FROM logsift_schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("pg: migrate: read logsift_schema_migrations: %w", err)
	}
	done := map[int]migration{}
	for rows.Next() {
		var m migration
		if err := rows.Scan(&m.version, &m.name, &m.sum); err != nil {
			return nil, fmt.Errorf("pg: migrate: read logsift_schema_migrations: %w", err)
		}
		done[m.version] = m
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pg: migrate: read logsift_schema_migrations: %w", err)
	}
	return done, nil
}

// readMigrations lists the .sql files at the root of fsys. A .sql file that
// does not follow the naming scheme is an error rather than silently skipped:
// it is almost certainly a migration someone meant to run.
func readMigrations(fsys fs.FS) ([]migration, error) {
	if fsys == nil {
		return nil, errors.New("pg: migrate: no migrations fs")
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("pg: migrate: list migrations: %w", err)
	}
	var out []migration
	seen := map[int]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		mm := migrationName.FindStringSubmatch(e.Name())
		if mm == nil {
			return nil, fmt.Errorf("pg: migration file %q: name must be NNNN_name.sql", e.Name())
		}
		v, _ := strconv.Atoi(mm[1])
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("pg: migrations %s and %s share version %04d", other, e.Name(), v)
		}
		seen[v] = e.Name()
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("pg: migration %s: %w", e.Name(), err)
		}
		sum := sha256.Sum256(b)
		out = append(out, migration{version: v, name: e.Name(), sql: string(b), sum: hex.EncodeToString(sum[:])})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}
