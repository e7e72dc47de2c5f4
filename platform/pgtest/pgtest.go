package pgtest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/logsift/logsift/platform/pgcluster"
)

var (
	once       sync.Once
	cluster    *pgcluster.Cluster
	missingErr error // PostgreSQL binaries not found: skip (or fail in CI)
	startErr   error // binaries present but the cluster did not start: fail
	dbSeq      atomic.Int64
)

func shared() (*pgcluster.Cluster, error, error) {
	once.Do(func() {
		bin, err := pgcluster.FindBinDir(os.Getenv("PG_BIN"))
		if err != nil {
			missingErr = err
			return
		}
		pgcluster.RemoveOrphans()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cluster, startErr = pgcluster.Start(ctx, pgcluster.Options{BinDir: bin})
	})
	return cluster, missingErr, startErr
}

// URL returns the URL of a new, empty database that is dropped when t ends.
func URL(t testing.TB) string {
	t.Helper()
	c, missing, err := shared()
	if missing != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pgtest: CI=true and no PostgreSQL: %v", missing)
		}
		t.Skipf("pgtest: no PostgreSQL: %v", missing)
	}
	if err != nil {
		t.Fatalf("pgtest: start shared cluster: %v", err)
	}
	name := fmt.Sprintf("test_%d", dbSeq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	url, err := c.CreateDatabase(ctx, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := drop(ctx, c.URL(), name); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return url
}

// drop removes the database even if the test left connections open (a pool
// it forgot to close): WITH (FORCE) ends them first.
func drop(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	return err
}

// Main runs the tests, stops the shared cluster if one was started, and
// exits with the tests' code. Use it as TestMain's body.
func Main(m *testing.M) {
	code := m.Run()
	if cluster != nil {
		if err := cluster.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
	}
	os.Exit(code)
}
