package dashboardtest

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logsift/logsift/classifier"
	"github.com/logsift/logsift/platform/pgtest"
	"github.com/logsift/logsift/schemas"
	"github.com/logsift/logsift/services/app"
)

var update = flag.Bool("update", false, "write the screenshot to docs/dashboard.png (the README shows it)")

func TestMain(m *testing.M) { pgtest.Main(m) }

// keywordLabeler stands in for the model: labels follow from words in the
// template, the same words dashboard.cjs uses to know what each line must
// show.
type keywordLabeler struct{}

func (keywordLabeler) Name() string { return "keyword-test-double" }

func (keywordLabeler) Label(_ context.Context, in []classifier.Input) ([]classifier.Output, error) {
	out := make([]classifier.Output, len(in))
	for i, x := range in {
		sev := "info"
		switch {
		case strings.HasPrefix(x.Message, "CRIT"):
			sev = "critical"
		case strings.HasPrefix(x.Message, "ERROR"):
			sev = "error"
		case strings.HasPrefix(x.Message, "WARN"):
			sev = "warning"
		}
		cat, comp := "application", "http"
		for _, k := range []struct{ word, cat, comp string }{
			{"db ", "database", "pgpool"}, {"disk", "storage", "kernel"}, {"login", "auth", "sshd"},
			{"timeout", "network", "envoy"}, {"config", "config", "loader"},
		} {
			if strings.Contains(x.Message, k.word) {
				cat, comp = k.cat, k.comp
				break
			}
		}
		out[i].Classification = schemas.Classification{
			Severity: sev, Category: cat, Component: comp, Confidence: 0.8 + float64(len(x.Message)%20)/100,
		}
	}
	return out, nil
}

// tools finds node, Chromium and the installed playwright-core; when one is
// missing the test fails under CI=true and is skipped elsewhere.
func tools(t *testing.T) (node, chromium string) {
	t.Helper()
	var missing []string
	node, err := exec.LookPath("node")
	if err != nil {
		missing = append(missing, "node (Debian: apt-get install nodejs)")
	}
	chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		if chromium, err = exec.LookPath("chromium"); err != nil {
			missing = append(missing, "chromium (apt-get install chromium)")
		}
	}
	if _, err := os.Stat(filepath.Join("node_modules", "playwright-core", "package.json")); err != nil {
		missing = append(missing, "playwright-core (npm ci in services/dashboardtest)")
	}
	if len(missing) > 0 {
		msg := "browser test needs " + strings.Join(missing, ", ") + "; scripts/ci-deps.sh installs them"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return node, chromium
}

// TestDashboardInChromium runs the same wiring as `logsift dev` (app.StartDev:
// embedded Kafka-protocol broker, ingest, classifier worker, PostgreSQL store,
// gateway and dashboard) with the model swapped for a deterministic labeler,
// because `logsift dev` cannot run without a model yet; PostgreSQL is a
// throwaway database from platform/pgtest instead of dev's ./.logsift/pg.
// dashboard.cjs then opens the dashboard in headless Chromium, posts lines
// through ingest, checks rows, filters, the pause, keyboard reach and a
// gateway restart with no gap and no repeat, and takes a screenshot.
func TestDashboardInChromium(t *testing.T) {
	node, chromium := tools(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	d, err := app.StartDev(ctx, app.DevConfig{
		KafkaAddr: "127.0.0.1:0", IngestAddr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0",
		DatabaseURL: pgtest.URL(t),
		Topics:      app.Topics{Raw: "logs.raw", Classified: "logs.classified", DLQ: "logs.dlq", Partitions: 3},
	}, keywordLabeler{}, logger)
	if err != nil {
		t.Fatal(err)
	}
	// mu orders the control handlers' changes to d.Gateway with d.Stop.
	var mu sync.Mutex
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		if err := d.Stop(context.Background()); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	dashboard := d.Gateway.URL()

	control := http.NewServeMux()
	var restarts int
	control.HandleFunc("POST /gateway/{op}", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		var err error
		switch r.PathValue("op") {
		case "stop":
			err = d.StopGateway(r.Context())
		case "start":
			err = d.StartGateway(ctx)
			restarts++
		default:
			http.NotFound(w, r)
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	ctl := httptest.NewServer(control)
	defer ctl.Close()

	shot := filepath.Join(t.TempDir(), "dashboard.png")
	cmd := exec.CommandContext(ctx, node, "dashboard.cjs")
	cmd.Env = append(os.Environ(),
		"DASHBOARD_URL="+dashboard, "INGEST_URL="+d.Ingest.URL(), "CONTROL_URL="+ctl.URL,
		"CHROMIUM="+chromium, "USER_DATA_DIR="+t.TempDir(), "SCREENSHOT="+shot)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("dashboard.cjs: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), `"ok":true`) {
		t.Fatalf("dashboard.cjs did not report success: %s", stdout.String())
	}
	mu.Lock()
	if restarts != 1 || d.Gateway == nil || d.Gateway.URL() != dashboard {
		t.Errorf("gateway restarts %d, now at %v; want 1 restart on %s", restarts, d.Gateway, dashboard)
	}
	mu.Unlock()

	b, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if sz := img.Bounds().Size(); sz.X < 800 || sz.Y < 600 {
		t.Errorf("screenshot is %v", sz)
	}
	if *update {
		dst := filepath.Join("..", "..", "docs", "dashboard.png")
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "wrote %s\n", dst)
	}
}
