package store

import (
	"context"
	"testing"
)

// BenchmarkWrite measures one Write of a 64-row batch (a classifier batch):
// staging table, COPY, INSERT ... ON CONFLICT, commit.
func BenchmarkWrite(b *testing.B) {
	ctx := context.Background()
	s, _ := openStoreTB(b)
	const batch = 64
	b.ReportAllocs()
	off := int64(0)
	for b.Loop() {
		if _, err := s.Write(ctx, rows(batch, fixedNow, off)); err != nil {
			b.Fatal(err)
		}
		off += batch
	}
	b.ReportMetric(float64(off)/b.Elapsed().Seconds(), "rows/s")
}
