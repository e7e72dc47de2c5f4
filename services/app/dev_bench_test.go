package app

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/logsift/logsift/platform/pgcluster"
)

// BenchmarkDevStart measures what `logsift dev` takes to come up once its
// PostgreSQL data directory exists (the usual case: it is kept between runs):
// embedded broker, PostgreSQL start and migrations, classifier, gateway,
// ingest. Only the model is the test double.
func BenchmarkDevStart(b *testing.B) {
	if _, err := pgcluster.FindBinDir(os.Getenv("PG_BIN")); err != nil {
		b.Skip(err)
	}
	// Not b.TempDir: when root, the server runs as the postgres account, which
	// must be able to enter every directory above the data dir.
	dir, err := os.MkdirTemp("", "logsift-devstart-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := DevConfig{DataDir: dir, KafkaAddr: "127.0.0.1:0", IngestAddr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0", PGBin: os.Getenv("PG_BIN")}
	ctx := context.Background()
	// The first start runs initdb; it is not what a returning user waits for.
	d, err := StartDev(ctx, cfg, keywordLabeler{}, logger)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("first start (initdb included): %s", d.Started)
	if err := d.Stop(ctx); err != nil {
		b.Fatal(err)
	}
	var total float64
	for b.Loop() {
		d, err := StartDev(ctx, cfg, keywordLabeler{}, logger)
		if err != nil {
			b.Fatal(err)
		}
		total += d.Started.Seconds()
		b.StopTimer()
		if err := d.Stop(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(total/float64(b.N), "start-s")
}
