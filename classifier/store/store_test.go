package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/logsift/logsift/platform/pg"
	"github.com/logsift/logsift/platform/pgtest"
	"github.com/logsift/logsift/schemas"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// fixedNow is the clock of every test, so the partition names are stable.
var fixedNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func openStore(t *testing.T) (*Store, *pgxpool.Pool) { return openStoreTB(t) }

func openStoreTB(t testing.TB) (*Store, *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	pool, err := pg.Connect(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	s, err := OpenOptions(ctx, pool, Options{Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	return s, pool
}

func rows(n int, ts time.Time, offset0 int64) []schemas.ClassifiedLog {
	out := make([]schemas.ClassifiedLog, n)
	for i := range out {
		out[i] = schemas.ClassifiedLog{
			LogEvent: schemas.LogEvent{
				Message: fmt.Sprintf("connection to 10.0.0.%d refused", i), TS: ts.Add(time.Duration(i) * time.Second),
				Service: "api", Host: "h1", Level: "ERROR", Attrs: map[string]string{"k": "v"}, ID: fmt.Sprint("ev", i),
			},
			Template: "connection to <IP> refused", Severity: "error", Category: "network", Component: "api",
			Confidence: 0.75, Labels: json.RawMessage(`{"severity":"error"}`), Model: "test",
			Source:       schemas.Source{Topic: "logs.raw", Partition: 2, Offset: offset0 + int64(i)},
			ClassifiedAt: fixedNow,
		}
	}
	return out
}

func count(t *testing.T, pool *pgxpool.Pool, q string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestOpenCreatesWindowAndIsRepeatable(t *testing.T) {
	s, pool := openStore(t)
	got, err := s.Partitions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for d := -1; d <= 7; d++ {
		want = append(want, partitionName(day(fixedNow).AddDate(0, 0, d)))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("partitions = %v; want %v", got, want)
	}
	// A second Open (another replica starting) migrates nothing and fails on nothing.
	if _, err := OpenOptions(context.Background(), pool, Options{Now: func() time.Time { return fixedNow }}); err != nil {
		t.Fatalf("second Open: %v", err)
	}
}

func TestWriteIsIdempotent(t *testing.T) {
	s, pool := openStore(t)
	ctx := context.Background()
	batch := rows(50, fixedNow, 100)
	n, err := s.Write(ctx, batch)
	if err != nil || n != 50 {
		t.Fatalf("first Write = %d, %v; want 50", n, err)
	}
	// A redelivered batch overlapping the first by half, with a duplicate inside itself.
	again := append(rows(50, fixedNow.Add(25*time.Second), 125), rows(1, fixedNow.Add(25*time.Second), 125)...)
	n, err = s.Write(ctx, again)
	if err != nil || n != 25 {
		t.Fatalf("overlapping Write = %d, %v; want 25 new rows", n, err)
	}
	if c := count(t, pool, `SELECT count(*) FROM classified_logs`); c != 75 {
		t.Fatalf("count = %d; want 75", c)
	}
	// Every column made the round trip.
	var (
		service, host, level, msg, tmpl, sev, cat, comp, model, eventID, topic string
		conf                                                                   float32
		labels, attrs                                                          map[string]string
		cached                                                                 bool
		part                                                                   int
		off                                                                    int64
		ts, at                                                                 time.Time
	)
	err = pool.QueryRow(ctx, `SELECT ts, service, host, level, message, template, severity, category, component,
		confidence, labels, model, cached, attrs, event_id, src_topic, src_partition, src_offset, classified_at
		FROM classified_logs WHERE src_offset = 100`).Scan(&ts, &service, &host, &level, &msg, &tmpl, &sev, &cat,
		&comp, &conf, &labels, &model, &cached, &attrs, &eventID, &topic, &part, &off, &at)
	if err != nil {
		t.Fatal(err)
	}
	r := batch[0]
	if !ts.Equal(r.TS) || service != "api" || host != "h1" || level != "ERROR" || msg != r.Message ||
		tmpl != r.Template || sev != "error" || cat != "network" || comp != "api" || conf != 0.75 ||
		labels["severity"] != "error" || model != "test" || cached || attrs["k"] != "v" || eventID != "ev0" ||
		topic != "logs.raw" || part != 2 || off != 100 || !at.Equal(fixedNow) {
		t.Fatalf("row round trip mismatch: %v %q %q %q %q %q %q %q %q %v %v %q %v %v %q %q %d %d %v",
			ts, service, host, level, msg, tmpl, sev, cat, comp, conf, labels, model, cached, attrs, eventID, topic, part, off, at)
	}
}

func TestWriteSurvivesTextPostgresRejects(t *testing.T) {
	s, pool := openStore(t)
	r := rows(1, fixedNow, 0)
	r[0].Message = "nul\x00byte and bad utf8 \xff"
	r[0].Attrs = map[string]string{"a\x00": "b\xfe"}
	r[0].Labels = json.RawMessage(`{"x":"\u0000"}`)
	if n, err := s.Write(context.Background(), r); err != nil || n != 1 {
		t.Fatalf("Write = %d, %v; want 1 row despite NUL and invalid UTF-8", n, err)
	}
	if c := count(t, pool, `SELECT count(*) FROM classified_logs WHERE message LIKE 'nul%'`); c != 1 {
		t.Fatalf("count = %d; want 1", c)
	}
}

func TestPartitionsCreatedOnDemandAndDefaultCatchesTheRest(t *testing.T) {
	s, pool := openStore(t)
	ctx := context.Background()
	old := fixedNow.AddDate(0, 0, -10)    // inside the 30-day on-demand window
	future := fixedNow.AddDate(1, 0, 0)   // far future: default partition
	ancient := fixedNow.AddDate(-2, 0, 0) // far past: default partition
	batch := append(append(rows(3, old, 0), rows(2, future, 10)...), rows(1, ancient, 20)...)
	if n, err := s.Write(ctx, batch); err != nil || n != 6 {
		t.Fatalf("Write = %d, %v; want 6", n, err)
	}
	oldPart := partitionName(day(old))
	if c := count(t, pool, `SELECT count(*) FROM `+oldPart); c != 3 {
		t.Fatalf("%s holds %d rows; want 3 (created on demand)", oldPart, c)
	}
	if c := count(t, pool, `SELECT count(*) FROM classified_logs_default`); c != 3 {
		t.Fatalf("default partition holds %d rows; want 3 (far future and far past)", c)
	}
	if c := count(t, pool, `SELECT count(*) FROM classified_logs WHERE ts > now() + interval '300 days'`); c != 2 {
		t.Fatalf("far-future rows visible through the parent: %d; want 2", c)
	}

	// Creating the far-future day later moves its rows out of the default partition.
	if err := s.EnsurePartitions(ctx, future, future); err != nil {
		t.Fatalf("EnsurePartitions over rows in the default partition: %v", err)
	}
	if c := count(t, pool, `SELECT count(*) FROM `+partitionName(day(future))); c != 2 {
		t.Fatalf("new partition holds %d rows; want the 2 moved from default", c)
	}
	if c := count(t, pool, `SELECT count(*) FROM classified_logs_default`); c != 1 {
		t.Fatalf("default partition holds %d rows after the move; want 1", c)
	}
	if c := count(t, pool, `SELECT count(*) FROM classified_logs`); c != 6 {
		t.Fatalf("total = %d after the move; want 6", c)
	}
	// The moved rows are still protected against redelivery.
	if n, err := s.Write(ctx, rows(2, future, 10)); err != nil || n != 0 {
		t.Fatalf("rewrite of moved rows = %d, %v; want 0", n, err)
	}
	if err := s.EnsurePartitions(ctx, future, future.AddDate(0, 0, -1)); err == nil {
		t.Fatal("reversed range accepted")
	}
}

func TestDropPartitionsBefore(t *testing.T) {
	s, pool := openStore(t)
	ctx := context.Background()
	start := day(fixedNow).AddDate(0, 0, -5)
	if err := s.EnsurePartitions(ctx, start, fixedNow); err != nil {
		t.Fatal(err)
	}
	for d := range 6 {
		if _, err := s.Write(ctx, rows(4, start.AddDate(0, 0, d).Add(time.Hour), int64(d*10))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Write(ctx, rows(2, fixedNow.AddDate(-3, 0, 0), 500)); err != nil { // default partition
		t.Fatal(err)
	}
	cut := day(fixedNow).AddDate(0, 0, -3)
	dropped, err := s.DropPartitionsBefore(ctx, cut)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{partitionName(start), partitionName(start.AddDate(0, 0, 1))}
	if !slices.Equal(dropped, want) {
		t.Fatalf("dropped %v; want %v", dropped, want)
	}
	if c := count(t, pool, `SELECT count(*) FROM classified_logs WHERE ts < $1`, cut); c != 0 {
		t.Fatalf("%d rows older than the cut survive; want 0", c)
	}
	if c := count(t, pool, `SELECT count(*) FROM classified_logs`); c != 16 {
		t.Fatalf("%d rows left; want 16 (4 days x 4)", c)
	}
	// Retention through the maintenance entry point is a no-op now.
	if err := s.MaintainOnce(ctx, fixedNow.Sub(cut)); err != nil {
		t.Fatal(err)
	}
	if c := count(t, pool, `SELECT count(*) FROM classified_logs`); c != 16 {
		t.Fatalf("MaintainOnce dropped more: %d rows left; want 16", c)
	}
}

func TestMigrationsListed(t *testing.T) {
	f, err := Migrations().Open("0001_classified_logs.sql")
	if err != nil {
		t.Fatalf("Migrations() lacks 0001_classified_logs.sql: %v", err)
	}
	f.Close()
}
