package pg

import (
	"context"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/logsift/logsift/platform/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func connect(t *testing.T) *pgxpool.Pool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool, err := Connect(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

var goodMigrations = fstest.MapFS{
	"0001_items.sql":  {Data: []byte("CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL);\nCREATE INDEX items_name ON items (name);")},
	"0002_seed.sql":   {Data: []byte("INSERT INTO items VALUES (1, 'one'), (2, 'two');")},
	"README.md":       {Data: []byte("not a migration")},
	"sub/0003_x.sql":  {Data: []byte("this is in a subdirectory and ignored")},
	"0010_column.sql": {Data: []byte("ALTER TABLE items ADD COLUMN note text;")},
}

func count(t *testing.T, pool *pgxpool.Pool, sql string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func TestMigrateTwiceIsNoop(t *testing.T) {
	pool := connect(t)
	ctx := context.Background()
	n, err := Migrate(ctx, pool, goodMigrations)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("first Migrate applied %d, want 3", n)
	}
	n, err = Migrate(ctx, pool, goodMigrations)
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("second Migrate applied %d, want 0", n)
	}
	if got := count(t, pool, "SELECT count(*) FROM items"); got != 2 {
		t.Errorf("items = %d, want 2 (seed applied once)", got)
	}
	if got := count(t, pool, "SELECT count(*) FROM logsift_schema_migrations"); got != 3 {
		t.Errorf("recorded migrations = %d, want 3", got)
	}
	// Applied in version order: 0010 after 0002 (the column exists).
	if got := count(t, pool, "SELECT count(*) FROM information_schema.columns WHERE table_name='items' AND column_name='note'"); got != 1 {
		t.Error("0010_column.sql not applied")
	}

	// A new file later is applied alone.
	more := fstest.MapFS{}
	for k, v := range goodMigrations {
		more[k] = v
	}
	more["0011_more.sql"] = &fstest.MapFile{Data: []byte("INSERT INTO items VALUES (3, 'three');")}
	if n, err := Migrate(ctx, pool, more); err != nil || n != 1 {
		t.Errorf("Migrate with one new file = %d, %v; want 1, nil", n, err)
	}
}

func TestMigrateConcurrent(t *testing.T) {
	pool := connect(t)
	// A second pool: the lock must hold across sessions, as between processes.
	other, err := Connect(context.Background(), pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	slow := fstest.MapFS{
		"0001_t.sql": {Data: []byte("CREATE TABLE t (x int); SELECT pg_sleep(0.2);")},
		"0002_u.sql": {Data: []byte("INSERT INTO t VALUES (1);")},
	}
	var wg sync.WaitGroup
	results := make([]int, 2)
	errs := make([]error, 2)
	for i, p := range []*pgxpool.Pool{pool, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = Migrate(context.Background(), p, slow)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Migrate %d: %v", i, err)
		}
	}
	if results[0]+results[1] != 2 {
		t.Errorf("applied %d + %d, want 2 in total", results[0], results[1])
	}
	if got := count(t, pool, "SELECT count(*) FROM t"); got != 1 {
		t.Errorf("rows in t = %d, want 1", got)
	}
}

func TestMigrateFailureRollsBack(t *testing.T) {
	pool := connect(t)
	ctx := context.Background()
	bad := fstest.MapFS{
		"0001_ok.sql":     {Data: []byte("CREATE TABLE ok (x int);")},
		"0002_broken.sql": {Data: []byte("CREATE TABLE half (x int);\nINSERT INTO nowhere VALUES (1);")},
		"0003_after.sql":  {Data: []byte("CREATE TABLE after (x int);")},
	}
	n, err := Migrate(ctx, pool, bad)
	if err == nil {
		t.Fatal("Migrate with a broken file succeeded")
	}
	if !strings.Contains(err.Error(), "0002_broken.sql") {
		t.Errorf("error %q does not name the failing file", err)
	}
	if n != 1 {
		t.Errorf("applied = %d, want 1 (the file before the broken one)", n)
	}
	if got := count(t, pool, "SELECT count(*) FROM pg_tables WHERE tablename IN ('half', 'after')"); got != 0 {
		t.Errorf("%d tables from the failed and later files exist; want a rollback", got)
	}
	if got := count(t, pool, "SELECT count(*) FROM logsift_schema_migrations"); got != 1 {
		t.Errorf("recorded = %d, want 1", got)
	}
	// The lock was released: a fixed set migrates.
	bad["0002_broken.sql"] = &fstest.MapFile{Data: []byte("CREATE TABLE half (x int);")}
	if n, err := Migrate(ctx, pool, bad); err != nil || n != 2 {
		t.Errorf("Migrate after fix = %d, %v; want 2, nil", n, err)
	}
}

func TestMigrateEditedFileReported(t *testing.T) {
	pool := connect(t)
	ctx := context.Background()
	fsys := fstest.MapFS{"0001_a.sql": {Data: []byte("CREATE TABLE a (x int);")}}
	if _, err := Migrate(ctx, pool, fsys); err != nil {
		t.Fatal(err)
	}
	fsys["0001_a.sql"] = &fstest.MapFile{Data: []byte("CREATE TABLE a (x int, y int);")}
	if _, err := Migrate(ctx, pool, fsys); err == nil || !strings.Contains(err.Error(), "0001_a.sql") {
		t.Errorf("edited applied migration: err = %v, want an error naming the file", err)
	}
}

func TestReadMigrationsRejectsBadNames(t *testing.T) {
	f := func(fsys fstest.MapFS, wantErr string) {
		t.Helper()
		_, err := readMigrations(fsys)
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("readMigrations(%v) = %v, want error containing %q", fsys, err, wantErr)
		}
	}
	f(fstest.MapFS{"1_short.sql": {}}, "1_short.sql")
	f(fstest.MapFS{"init.sql": {}}, "init.sql")
	f(fstest.MapFS{"0001_a.sql": {}, "0001_b.sql": {}}, "share version 0001")
}

func TestConnectErrorsHidePassword(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, u := range []string{
		"postgres://app:s3cretpw@127.0.0.1:1/logs?sslmode=disable&connect_timeout=2",
		"postgres://app:s3cretpw@127.0.0.1:notaport/logs",
		"host=127.0.0.1 port=1 user=app password=s3cretpw dbname=logs connect_timeout=2",
		"postgres://app:s3cretpw@127.0.0.1:1/logs?pool_max_conns=nope",
	} {
		_, err := Connect(ctx, u)
		if err == nil {
			t.Errorf("Connect(%q) succeeded", u)
			continue
		}
		if strings.Contains(err.Error(), "s3cretpw") {
			t.Errorf("error leaks the password: %v", err)
		}
	}
	_, err := Connect(ctx, "postgres://app:pw@127.0.0.1:1/logs?sslmode=disable&connect_timeout=2")
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1/logs") {
		t.Errorf("error %v does not name host and database", err)
	}
}

func TestPing(t *testing.T) {
	pool := connect(t)
	if err := Ping(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	pool.Close()
	if err := Ping(context.Background(), pool); err == nil {
		t.Error("Ping on a closed pool succeeded")
	}
}

func TestApplicationName(t *testing.T) {
	pool := connect(t)
	var name string
	if err := pool.QueryRow(context.Background(), "SELECT current_setting('application_name')").Scan(&name); err != nil {
		t.Fatal(err)
	}
	if name != "logsift" {
		t.Errorf("application_name = %q, want logsift", name)
	}
	pool2, err := Connect(context.Background(), pool.Config().ConnString()+"&application_name=classifier")
	if err != nil {
		t.Fatal(err)
	}
	defer pool2.Close()
	if err := pool2.QueryRow(context.Background(), "SELECT current_setting('application_name')").Scan(&name); err != nil {
		t.Fatal(err)
	}
	if name != "classifier" {
		t.Errorf("application_name = %q, want the URL's classifier", name)
	}
}
