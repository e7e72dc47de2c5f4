package pgtest

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

// Without PostgreSQL, a test using URL must fail under CI=true and skip
// otherwise. The test binary runs itself with PG_BIN pointing at an empty
// directory.
func TestMissingPostgres(t *testing.T) {
	if os.Getenv("PGTEST_CHILD") == "1" {
		t.Skip("already the child")
	}
	for _, ci := range []string{"true", ""} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestURLGivesFreshDatabases$", "-test.v")
		cmd.Env = append(os.Environ(), "PGTEST_CHILD=1", "PG_BIN="+t.TempDir(), "CI="+ci)
		out, err := cmd.CombinedOutput()
		failed := err != nil
		switch {
		case ci == "true" && (!failed || !strings.Contains(string(out), "CI=true and no PostgreSQL")):
			t.Errorf("CI=true without PostgreSQL: err=%v, want a failure saying why\n%s", err, out)
		case ci == "" && (failed || !strings.Contains(string(out), "--- SKIP")):
			t.Errorf("no CI, no PostgreSQL: err=%v, want a skip\n%s", err, out)
		}
	}
}

func TestURLGivesFreshDatabases(t *testing.T) {
	ctx := context.Background()
	var first string
	t.Run("a", func(t *testing.T) {
		first = URL(t)
		conn, err := pgx.Connect(ctx, first)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "CREATE TABLE only_in_a (x int)"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("b", func(t *testing.T) {
		second := URL(t)
		if second == first {
			t.Fatalf("two tests got the same database %s", first)
		}
		conn, err := pgx.Connect(ctx, second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Error("a new database sees another test's table")
		}
	})
	// a's database was dropped when a ended.
	if _, err := pgx.Connect(ctx, first); err == nil {
		t.Errorf("database %s still exists after its test ended", first)
	}
}

func TestDropWithOpenConnection(t *testing.T) {
	var url string
	t.Run("leaky", func(t *testing.T) {
		url = URL(t)
		conn, err := pgx.Connect(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		_ = conn // left open on purpose: the drop must still succeed
	})
	if _, err := pgx.Connect(context.Background(), url); err == nil {
		t.Errorf("database %s survived its test", url)
	}
}

// Parallel tests each get their own database at the same time.
func TestURLParallel(t *testing.T) {
	urls := make(chan string, 6)
	t.Run("group", func(t *testing.T) {
		for i := 0; i < cap(urls); i++ {
			t.Run("", func(t *testing.T) {
				t.Parallel()
				u := URL(t)
				conn, err := pgx.Connect(context.Background(), u)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close(context.Background())
				if _, err := conn.Exec(context.Background(), "CREATE TABLE mine (x int)"); err != nil {
					t.Fatal(err)
				}
				urls <- u
			})
		}
	})
	close(urls)
	seen := map[string]bool{}
	for u := range urls {
		if seen[u] {
			t.Errorf("database %s handed out twice", u)
		}
		seen[u] = true
	}
	if len(seen) != 6 {
		t.Errorf("%d databases, want 6", len(seen))
	}
}
