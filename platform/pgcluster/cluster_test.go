package pgcluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// needBinaries skips (or fails under CI=true) when PostgreSQL is missing.
// pgtest cannot be used here: it imports this package.
func needBinaries(t *testing.T) {
	t.Helper()
	if _, err := FindBinDir(os.Getenv("PG_BIN")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func queryInt(t *testing.T, ctx context.Context, url, sql string) int {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, sql).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func execSQL(t *testing.T, ctx context.Context, url string, sqls ...string) {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, s := range sqls {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestThrowawayCluster(t *testing.T) {
	needBinaries(t)
	t.Parallel()
	ctx := ctxT(t)
	c, err := Start(ctx, Options{BinDir: os.Getenv("PG_BIN")})
	if err != nil {
		t.Fatal(err)
	}
	dir := c.Dir()
	defer c.Stop()

	if !strings.HasPrefix(c.URL(), fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres", c.Port())) {
		t.Errorf("URL() = %s", c.URL())
	}
	// Throwaway settings are in effect.
	conn, err := pgx.Connect(ctx, c.URL())
	if err != nil {
		t.Fatal(err)
	}
	for setting, want := range map[string]string{"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "200", "listen_addresses": "127.0.0.1", "unix_socket_directories": ""} {
		var got string
		if err := conn.QueryRow(ctx, "SELECT current_setting($1)", setting).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s = %q, want %q", setting, got, want)
		}
	}
	conn.Close(ctx)

	url, err := c.CreateDatabase(ctx, "app_1")
	if err != nil {
		t.Fatal(err)
	}
	execSQL(t, ctx, url, "CREATE TABLE t (x int)", "INSERT INTO t VALUES (1), (2)")
	if n := queryInt(t, ctx, url, "SELECT count(*) FROM t"); n != 2 {
		t.Errorf("count = %d, want 2", n)
	}
	if _, err := c.CreateDatabase(ctx, "app_1"); err == nil {
		t.Error("creating an existing database succeeded")
	}
	for _, bad := range []string{"", "Bad", "a-b", "x; DROP DATABASE postgres", strings.Repeat("a", 64)} {
		if _, err := c.CreateDatabase(ctx, bad); err == nil {
			t.Errorf("CreateDatabase(%q) succeeded", bad)
		}
	}

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("Stop left %s behind (stat: %v)", dir, err)
	}
	if _, err := pgx.Connect(ctx, url); err == nil {
		t.Error("server still accepts connections after Stop")
	}
}

// A persistent cluster keeps its data across restarts, including a restart
// after the server was killed and left its postmaster.pid behind, and one
// where that pid now names an unrelated live process.
func TestPersistentRestart(t *testing.T) {
	needBinaries(t)
	t.Parallel()
	ctx := ctxT(t)
	dir := filepath.Join(t.TempDir(), "pg")
	if os.Geteuid() == 0 {
		// t.TempDir's parents are 0700 root; the postgres account must be
		// able to enter the dir's parents.
		d, err := os.MkdirTemp("", "pgcluster-test-")
		if err != nil {
			t.Fatal(err)
		}
		os.Chmod(d, 0o755)
		t.Cleanup(func() { os.RemoveAll(d) })
		dir = filepath.Join(d, "pg")
	}
	opts := Options{Dir: dir, Durable: true, BinDir: os.Getenv("PG_BIN")}

	c, err := Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	execSQL(t, ctx, c.URL(), "CREATE TABLE kept (x int)", "INSERT INTO kept VALUES (42)")
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "PG_VERSION")); err != nil {
		t.Fatalf("Stop removed a persistent cluster: %v", err)
	}

	// Restart: the data is still there.
	c, err = Start(ctx, opts)
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	if n := queryInt(t, ctx, c.URL(), "SELECT x FROM kept"); n != 42 {
		t.Errorf("after restart x = %d, want 42", n)
	}
	// A second server on the same dir must be refused while this one runs.
	if c2, err := Start(ctx, opts); err == nil {
		c2.Stop()
		t.Error("second Start on a running dir succeeded")
	}

	// Crash: kill the postmaster, leaving postmaster.pid behind.
	c.kill()
	pidFile := filepath.Join(dir, "data", "postmaster.pid")
	if _, err := os.Stat(pidFile); err != nil {
		t.Fatalf("expected a stale %s after kill: %v", pidFile, err)
	}
	waitBackendsGone(t, dir)
	c, err = Start(ctx, opts)
	if err != nil {
		t.Fatalf("start after crash: %v", err)
	}
	if n := queryInt(t, ctx, c.URL(), "SELECT x FROM kept"); n != 42 {
		t.Errorf("after crash x = %d, want 42", n)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}

	// Stale pid reused by an unrelated live process (this test binary).
	if err := os.WriteFile(pidFile, []byte(fmt.Sprintf("%d\n%s/data\n", os.Getpid(), dir)), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = Start(ctx, opts)
	if err != nil {
		t.Fatalf("start with a stale pid file naming a live process: %v", err)
	}
	defer c.Stop()
	if n := queryInt(t, ctx, c.URL(), "SELECT x FROM kept"); n != 42 {
		t.Errorf("x = %d, want 42", n)
	}
}

// waitBackendsGone waits for the killed postmaster's children to notice and
// exit; until then the old shared memory is in use and a new server rightly
// refuses to start.
func waitBackendsGone(t *testing.T, dir string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if !anyProcessMentions(filepath.Join(dir, "data")) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("backends of the killed server still running after 30s")
}

func anyProcessMentions(s string) bool {
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(b), s) {
			return true
		}
	}
	return false
}

func TestFindBinDir(t *testing.T) {
	if _, err := FindBinDir(t.TempDir()); err == nil || !strings.Contains(err.Error(), "initdb") {
		t.Errorf("FindBinDir(empty dir) = %v, want an error naming initdb", err)
	}
	needBinaries(t)
	d, err := FindBinDir("")
	if err != nil {
		t.Fatal(err)
	}
	if hasTools(d) != nil {
		t.Errorf("FindBinDir returned %s without the server tools", d)
	}
}

func TestBadOptions(t *testing.T) {
	if _, err := Start(context.Background(), Options{Port: 70000}); err == nil {
		t.Error("port 70000 accepted")
	}
	if _, err := Start(context.Background(), Options{BinDir: t.TempDir()}); err == nil {
		t.Error("bin dir without PostgreSQL accepted")
	}
}

func TestNotEmptyDataDirRefused(t *testing.T) {
	needBinaries(t)
	t.Parallel()
	d, err := os.MkdirTemp("", "pgcluster-test-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(d)
	os.MkdirAll(filepath.Join(d, "data"), 0o700)
	os.WriteFile(filepath.Join(d, "data", "junk"), []byte("x"), 0o600)
	if c, err := Start(ctxT(t), Options{Dir: d}); err == nil {
		c.Stop()
		t.Fatal("Start initialised over a non-empty data dir")
	} else if !strings.Contains(err.Error(), "PG_VERSION") {
		t.Errorf("error %q does not say what is wrong", err)
	}
}

func TestRemoveOrphans(t *testing.T) {
	orphan, err := os.MkdirTemp("", tempPrefix)
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(orphan)
	// A pid that cannot be alive: above the kernel's pid_max limit.
	os.WriteFile(filepath.Join(orphan, ownerFile), []byte("99999999\n"), 0o644)
	mine, err := os.MkdirTemp("", tempPrefix)
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(mine)
	if err := writeOwner(mine); err != nil {
		t.Fatal(err)
	}
	if _, err := RemoveOrphans(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Errorf("orphan %s not removed", orphan)
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("directory of a live process removed: %v", err)
	}
}
