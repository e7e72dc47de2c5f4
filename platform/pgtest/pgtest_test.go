package pgtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

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
