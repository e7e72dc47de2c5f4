package pgcluster

import (
	"context"
	"os"
	"testing"
)

// BenchmarkStartStop measures a throwaway cluster's full life: copy from the
// template, start, accept a connection, stop, remove. Run with -benchtime=5x.
func BenchmarkStartStop(b *testing.B) {
	if _, err := FindBinDir(os.Getenv("PG_BIN")); err != nil {
		b.Skip(err)
	}
	ctx := context.Background()
	warm, err := Start(ctx, Options{}) // builds the template if missing
	if err != nil {
		b.Fatal(err)
	}
	warm.Stop()
	b.ReportAllocs()
	for b.Loop() {
		c, err := Start(ctx, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Stop(); err != nil {
			b.Fatal(err)
		}
	}
}
