package store

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/logsift/logsift/platform/pg"
	"github.com/logsift/logsift/schemas"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the store's migrations (NNNN_name.sql files at the
// root), for platform/pg.Migrate.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic("BUG: embedded migrations: " + err.Error())
	}
	return sub
}

// Options tune a Store. Zero values pick the defaults named on each field.
type Options struct {
	// Ahead is how many days after today Open and Maintain create
	// partitions for. Default 7.
	Ahead int
	// Behind is how many days before today they create. Default 1.
	Behind int
	// OnDemandPast bounds how old a row's day may be for Write to create its
	// partition; older rows go to the default partition. Default 30 days.
	OnDemandPast time.Duration
	// OnDemandFuture is the same bound into the future. Default 7 days.
	OnDemandFuture time.Duration
	// Logger; nil discards.
	Logger *slog.Logger
	// Now is the clock; nil is time.Now. Tests move it.
	Now func() time.Time
}

// Store writes classified_logs. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
	opts Options
	log  *slog.Logger

	mu   sync.Mutex
	days map[time.Time]bool // UTC midnights known to have a partition
}

// Open runs the migrations, creates the partitions from Behind days ago to
// Ahead days ahead, and returns a Store with default Options.
func Open(ctx context.Context, pool *pgxpool.Pool) (*Store, error) {
	return OpenOptions(ctx, pool, Options{})
}

// OpenOptions is Open with Options.
func OpenOptions(ctx context.Context, pool *pgxpool.Pool, opts Options) (*Store, error) {
	if pool == nil {
		return nil, errors.New("store: nil pool")
	}
	if opts.Ahead == 0 {
		opts.Ahead = 7
	}
	if opts.Behind == 0 {
		opts.Behind = 1
	}
	if opts.OnDemandPast == 0 {
		opts.OnDemandPast = 30 * 24 * time.Hour
	}
	if opts.OnDemandFuture == 0 {
		opts.OnDemandFuture = 7 * 24 * time.Hour
	}
	if opts.Ahead < 0 || opts.Behind < 0 || opts.OnDemandPast < 0 || opts.OnDemandFuture < 0 {
		return nil, fmt.Errorf("store: negative partition window (ahead %d, behind %d days, on demand %v back, %v ahead)",
			opts.Ahead, opts.Behind, opts.OnDemandPast, opts.OnDemandFuture)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if _, err := pg.Migrate(ctx, pool, Migrations()); err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	s := &Store{pool: pool, opts: opts, log: log, days: make(map[time.Time]bool)}
	if err := s.refreshDays(ctx); err != nil {
		return nil, err
	}
	today := day(opts.Now())
	if err := s.EnsurePartitions(ctx, today.AddDate(0, 0, -opts.Behind), today.AddDate(0, 0, opts.Ahead)); err != nil {
		return nil, err
	}
	return s, nil
}

// columns of classified_logs in the order Write copies them.
var columns = []string{
	"ts", "service", "host", "level", "message", "template", "severity", "category",
	"component", "confidence", "labels", "model", "cached", "attrs", "event_id",
	"src_topic", "src_partition", "src_offset", "classified_at",
}

var (
	createStaging = `CREATE TEMP TABLE classified_logs_in (LIKE classified_logs INCLUDING DEFAULTS) ON COMMIT DROP`
	insertStaged  = `INSERT INTO classified_logs (` + strings.Join(columns, ", ") + `) SELECT ` +
		strings.Join(columns, ", ") + ` FROM classified_logs_in ON CONFLICT DO NOTHING`
)

// Write stores rows and returns how many were new; rows whose source
// position is already stored are skipped. Before writing it creates the
// missing day partitions within the on-demand window.
func (s *Store) Write(ctx context.Context, rows []schemas.ClassifiedLog) (inserted int, err error) {
	if len(rows) == 0 {
		return 0, nil
	}
	if err := s.ensureFor(ctx, rows); err != nil {
		return 0, err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	if _, err := tx.Exec(ctx, createStaging); err != nil {
		return 0, fmt.Errorf("store: create staging table: %w", err)
	}
	src := pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) { return rowValues(&rows[i]) })
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"classified_logs_in"}, columns, src); err != nil {
		return 0, fmt.Errorf("store: copy %d rows: %w", len(rows), err)
	}
	tag, err := tx.Exec(ctx, insertStaged)
	if err != nil {
		return 0, fmt.Errorf("store: insert %d rows: %w", len(rows), err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("store: commit %d rows: %w", len(rows), err)
	}
	return int(tag.RowsAffected()), nil
}

// rowValues maps a row to the column values. Text is made acceptable to
// PostgreSQL first: a NUL byte or invalid UTF-8 would otherwise fail the
// whole batch on every retry and stall its partition.
func rowValues(r *schemas.ClassifiedLog) ([]any, error) {
	var labels, attrs, eventID any
	if len(r.Labels) > 0 {
		labels = json.RawMessage(jsonText(r.Labels))
	}
	if len(r.Attrs) > 0 {
		m := make(map[string]string, len(r.Attrs))
		for k, v := range r.Attrs {
			m[text(k)] = text(v)
		}
		b, err := json.Marshal(m)
		if err != nil {
			return nil, fmt.Errorf("store: attrs of %s/%d/%d: %w", r.Source.Topic, r.Source.Partition, r.Source.Offset, err)
		}
		attrs = json.RawMessage(b)
	}
	if r.ID != "" {
		eventID = text(r.ID)
	}
	return []any{
		r.TS.UTC(), text(r.Service), text(r.Host), text(r.Level), text(r.Message), text(r.Template),
		text(r.Severity), text(r.Category), text(r.Component), float32(r.Confidence), labels,
		text(r.Model), r.Cached, attrs, eventID,
		text(r.Source.Topic), int32(r.Source.Partition), r.Source.Offset, r.ClassifiedAt.UTC(),
	}, nil
}

// text returns s as PostgreSQL text accepts it: valid UTF-8 without NUL.
func text(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// jsonText does the same for jsonb, which also refuses the \u0000 escape.
func jsonText(b []byte) []byte {
	if !bytes.Contains(b, []byte(`\u0000`)) && utf8.Valid(b) {
		return b
	}
	return bytes.ReplaceAll(bytes.ToValidUTF8(b, []byte("\uFFFD")), []byte(`\u0000`), []byte(`\uFFFD`))
}

// Ping checks that the store's database answers.
func (s *Store) Ping(ctx context.Context) error {
	return pg.Ping(ctx, s.pool)
}
