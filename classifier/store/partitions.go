package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/logsift/logsift/schemas"
)

const (
	partitionPrefix = "classified_logs_p"
	dayLayout       = "20060102"
	// maxEnsureDays bounds one EnsurePartitions call, so a wrong date cannot
	// create thousands of tables.
	maxEnsureDays = 3660
	// lockKey serialises partition creation and retention across processes
	// (pg_advisory_xact_lock); it is "lsparts" in ASCII.
	lockKey int64 = 0x6c73_7061_7274_73
)

// day returns the UTC midnight starting t's day.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func partitionName(d time.Time) string { return partitionPrefix + d.Format(dayLayout) }

// parsePartition returns the day of a day partition's name.
func parsePartition(name string) (time.Time, bool) {
	s, ok := strings.CutPrefix(name, partitionPrefix)
	if !ok || len(s) != len(dayLayout) {
		return time.Time{}, false
	}
	d, err := time.Parse(dayLayout, s)
	return d, err == nil
}

// Partitions returns the names of the day partitions, oldest first (the
// default partition is not listed).
func (s *Store) Partitions(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = 'classified_logs'::regclass`)
	if err != nil {
		return nil, fmt.Errorf("store: list partitions: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("store: list partitions: %w", err)
	}
	out := names[:0]
	for _, n := range names {
		if _, ok := parsePartition(n); ok {
			out = append(out, n)
		}
	}
	sort.Strings(out) // the day layout sorts chronologically
	return out, nil
}

func (s *Store) refreshDays(ctx context.Context) error {
	names, err := s.Partitions(ctx)
	if err != nil {
		return err
	}
	days := make(map[time.Time]bool, len(names))
	for _, n := range names {
		d, _ := parsePartition(n)
		days[d] = true
	}
	s.mu.Lock()
	s.days = days
	s.mu.Unlock()
	return nil
}

// ensureFor creates the partitions rows need that are missing and inside
// the on-demand window. The check is against the days this Store knows of,
// so the common case costs no query.
func (s *Store) ensureFor(ctx context.Context, rows []schemas.ClassifiedLog) error {
	now := s.opts.Now()
	lo, hi := day(now.Add(-s.opts.OnDemandPast)), day(now.Add(s.opts.OnDemandFuture))
	var missing []time.Time
	s.mu.Lock()
	for i := range rows {
		d := day(rows[i].TS)
		if s.days[d] || d.Before(lo) || d.After(hi) {
			continue
		}
		missing = append(missing, d)
		s.days[d] = true // asked for once per batch; unset again on failure
	}
	s.mu.Unlock()
	for _, d := range missing {
		if err := s.createDay(ctx, d); err != nil {
			s.mu.Lock()
			delete(s.days, d)
			s.mu.Unlock()
			return err
		}
	}
	return nil
}

// EnsurePartitions creates the day partitions covering from through to
// (whole UTC days, both ends included) that do not exist yet. Rows of those
// days already in the default partition are moved into the new partition.
func (s *Store) EnsurePartitions(ctx context.Context, from, to time.Time) error {
	from, to = day(from), day(to)
	if to.Before(from) {
		return fmt.Errorf("store: partition range %s..%s is reversed", from.Format(time.DateOnly), to.Format(time.DateOnly))
	}
	if n := int(to.Sub(from)/(24*time.Hour)) + 1; n > maxEnsureDays {
		return fmt.Errorf("store: partition range %s..%s spans %d days, more than %d",
			from.Format(time.DateOnly), to.Format(time.DateOnly), n, maxEnsureDays)
	}
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		s.mu.Lock()
		known := s.days[d]
		s.mu.Unlock()
		if known {
			continue
		}
		if err := s.createDay(ctx, d); err != nil {
			return err
		}
		s.mu.Lock()
		s.days[d] = true
		s.mu.Unlock()
	}
	return nil
}

// createDay creates the partition of day d if no process has yet.
//
// A plain CREATE TABLE ... PARTITION OF fails when the default partition
// holds rows of that day (PostgreSQL refuses to leave them where they no
// longer belong), and such rows are exactly what a day created late
// produces. Then the partition is built as a table, the rows are moved into
// it, and it is attached, all in one transaction so no reader sees a row
// twice or not at all.
func (s *Store) createDay(ctx context.Context, d time.Time) error {
	name := partitionName(d)
	lo, hi := d, d.AddDate(0, 0, 1)
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("store: create partition %s: begin: %w", name, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey); err != nil {
		return fmt.Errorf("store: create partition %s: lock: %w", name, err)
	}
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, name).Scan(&exists); err != nil {
		return fmt.Errorf("store: create partition %s: %w", name, err)
	}
	if exists {
		return tx.Commit(ctx)
	}
	var stray bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM classified_logs_default WHERE ts >= $1 AND ts < $2)`,
		lo, hi).Scan(&stray); err != nil {
		return fmt.Errorf("store: create partition %s: check default partition: %w", name, err)
	}
	ident := pgx.Identifier{name}.Sanitize()
	bounds := fmt.Sprintf("FOR VALUES FROM ('%s') TO ('%s')", lo.Format(time.RFC3339), hi.Format(time.RFC3339))
	var stmts []string
	if !stray {
		stmts = []string{`CREATE TABLE ` + ident + ` PARTITION OF classified_logs ` + bounds}
	} else {
		rng := fmt.Sprintf("ts >= '%s' AND ts < '%s'", lo.Format(time.RFC3339), hi.Format(time.RFC3339))
		stmts = []string{
			`CREATE TABLE ` + ident + ` (LIKE classified_logs INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
			`INSERT INTO ` + ident + ` SELECT * FROM classified_logs_default WHERE ` + rng,
			`DELETE FROM classified_logs_default WHERE ` + rng,
			`ALTER TABLE classified_logs ATTACH PARTITION ` + ident + ` ` + bounds,
		}
	}
	for _, q := range stmts {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("store: create partition %s: %w", name, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("store: create partition %s: commit: %w", name, err)
	}
	s.log.Info("created partition", "partition", name, "moved_from_default", stray)
	return nil
}

// DropPartitionsBefore drops the day partitions that end at or before t
// and deletes the default partition's rows older than t: retention. It
// returns the dropped partitions' names, oldest first.
func (s *Store) DropPartitionsBefore(ctx context.Context, t time.Time) (dropped []string, err error) {
	names, err := s.Partitions(ctx)
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		d, _ := parsePartition(n)
		if d.AddDate(0, 0, 1).After(t) {
			continue
		}
		// IF EXISTS: another process running retention may have won.
		if _, err := s.pool.Exec(ctx, `DROP TABLE IF EXISTS `+pgx.Identifier{n}.Sanitize()); err != nil {
			return dropped, fmt.Errorf("store: drop partition %s: %w", n, err)
		}
		s.mu.Lock()
		delete(s.days, d)
		s.mu.Unlock()
		dropped = append(dropped, n)
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM classified_logs_default WHERE ts < $1`, t); err != nil {
		return dropped, fmt.Errorf("store: delete default-partition rows before %s: %w", t.Format(time.RFC3339), err)
	}
	if len(dropped) > 0 {
		s.log.Info("dropped partitions", "before", t.Format(time.RFC3339), "partitions", dropped)
	}
	return dropped, nil
}
