package dashboardtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/logsift/logsift/platform/pg"
	"github.com/logsift/logsift/schemas"
)

var update = flag.Bool("update", false, "write the screenshot to docs/dashboard.png (the README shows it)")

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

// label is what the classifier said about one posted line, as dashboard.cjs
// saw it on the SSE stream.
type label struct {
	Service   string `json:"service"`
	Severity  string `json:"severity"`
	Category  string `json:"category"`
	Component string `json:"component"`
	Model     string `json:"model"`
}

// TestDashboardInChromium runs the product as a user does: it builds the
// logsift binary, starts `logsift dev` (embedded Kafka-protocol broker, its
// own PostgreSQL under a temporary --data-dir, ingest, the classifier with
// the embedded default model, a gateway) and a separate `logsift gateway`
// reading dev's broker, which serves the dashboard the browser opens, so
// the test can restart it without losing the broker's data. dashboard.cjs
// drives headless Chromium against it: rows, filters, a gateway restart
// with no gap and no repeat, the pause, keyboard reach, a screenshot. The
// model's labels are not predicted: dashboard.cjs takes them from dev's own
// SSE stream, and this test checks them against what PostgreSQL stored.
func TestDashboardInChromium(t *testing.T) {
	node, chromium := tools(t)
	needPostgres(t)
	t0 := time.Now()
	bin := buildLogsift(t)
	t.Logf("built logsift in %s", time.Since(t0).Round(time.Millisecond))
	// A guard against hangs only; every wait inside has its own, longer
	// than the work needs on a loaded machine.
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()

	dev, err := startProc(t, "logsift dev", bin, "dev", "--data-dir", devDataDir(t),
		"--kafka-addr", "127.0.0.1:0", "--ingest-addr", "127.0.0.1:0", "--gateway-addr", "127.0.0.1:0",
		"--log-format", "text")
	if err != nil {
		t.Fatal(err)
	}
	upCtx, upCancel := context.WithTimeout(ctx, 3*time.Minute)
	urls, err := dev.devURLs(upCtx)
	upCancel()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("logsift dev up after %s: %v", time.Since(t0).Round(time.Millisecond), urls)
	devGateway := strings.TrimSuffix(urls["dashboard"], "/")
	ingest := strings.TrimSuffix(urls["ingest"], "/v1/logs")
	checkServesPage(t, devGateway)

	// The browser's gateway: its own process on a fixed port, so a restart
	// comes back where the page's EventSource reconnects.
	gwAddr := freeAddr(t)
	var (
		mu     sync.Mutex // orders the control handlers with the end of the test
		gw     *proc
		starts int
	)
	startGateway := func() error {
		starts++
		p, err := startProc(t, fmt.Sprintf("logsift gateway (start %d)", starts), bin, "gateway",
			"--kafka-brokers", urls["kafka"], "--addr", gwAddr, "--log-format", "text")
		if err != nil {
			return err
		}
		gw = p
		rctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		return p.waitReady(rctx, "http://"+gwAddr+"/readyz")
	}
	if err := startGateway(); err != nil {
		t.Fatal(err)
	}
	dashboard := "http://" + gwAddr
	checkServesPage(t, dashboard)

	control := http.NewServeMux()
	control.HandleFunc("POST /gateway/{op}", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		var err error
		switch r.PathValue("op") {
		case "stop":
			err = gw.stop()
		case "start":
			if gw.running() {
				err = errors.New("the gateway still runs")
			} else {
				err = startGateway()
			}
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
	// On the guard's deadline, SIGTERM: playwright then closes Chromium,
	// which a SIGKILL of node would leave running.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 30 * time.Second
	dieWithTest(cmd)
	cmd.Env = append(childEnv(),
		"DASHBOARD_URL="+dashboard, "DEV_GATEWAY_URL="+devGateway, "INGEST_URL="+ingest, "CONTROL_URL="+ctl.URL,
		"SEVERITIES="+strings.Join(schemas.Severities, ","), "CATEGORIES="+strings.Join(schemas.CategoryNames(), ","),
		"CHROMIUM="+chromium, "USER_DATA_DIR="+t.TempDir(), "SCREENSHOT="+shot)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("dashboard.cjs: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	var res struct {
		OK     bool             `json:"ok"`
		Labels map[string]label `json:"labels"`
	}
	if err := json.Unmarshal(lastLine(stdout.Bytes()), &res); err != nil || !res.OK {
		t.Fatalf("dashboard.cjs did not report success (%v): %s", err, stdout.String())
	}
	t.Logf("dashboard.cjs done after %s:\n%s", time.Since(t0).Round(time.Millisecond), allButLast(stdout.Bytes()))

	mu.Lock()
	defer mu.Unlock()
	if starts != 2 {
		t.Errorf("gateway started %d times, want 2 (one restart)", starts)
	}
	checkStored(ctx, t, urls["postgres"], res.Labels)
	if err := gw.stop(); err != nil {
		t.Error(err)
	}
	if err := dev.stop(); err != nil {
		t.Error(err)
	}

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
	if *update && !t.Failed() {
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

// checkServesPage checks that a gateway at base serves the dashboard page
// and its script.
func checkServesPage(t *testing.T, base string) {
	t.Helper()
	for _, c := range []struct{ path, want string }{
		{"/", "<title>logsift"},
		{"/assets/app.js", "EventSource"},
	} {
		resp, err := http.Get(base + c.path)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(c.want)) {
			t.Fatalf("GET %s%s: %s, %d bytes, want 200 with %q", base, c.path, resp.Status, len(body), c.want)
		}
	}
}

var seqRE = regexp.MustCompile(`seq=(\d+)`)

// checkStored checks that PostgreSQL holds every posted line exactly once,
// labelled by one named model with valid labels, the same ones the SSE
// stream carried.
func checkStored(ctx context.Context, t *testing.T, dbURL string, want map[string]label) {
	t.Helper()
	if len(want) == 0 {
		t.Fatal("dashboard.cjs reported no labels")
	}
	pool, err := pg.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	// The worker writes a row before it acknowledges the classified record,
	// so the rows should all be there; waiting costs nothing if so.
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	var n int
	for {
		if err := pool.QueryRow(wctx, `SELECT count(*) FROM classified_logs`).Scan(&n); err != nil {
			t.Fatalf("count rows: %v", err)
		}
		if n >= len(want) {
			break
		}
		select {
		case <-wctx.Done():
			t.Fatalf("PostgreSQL holds %d rows, want %d", n, len(want))
		case <-time.After(200 * time.Millisecond):
		}
	}
	rows, err := pool.Query(ctx, `SELECT message, service, severity, category, component, model FROM classified_logs`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := map[string]int{}
	models := map[string]int{} // rows by the model that labelled them
	for rows.Next() {
		var msg string
		var got label
		if err := rows.Scan(&msg, &got.Service, &got.Severity, &got.Category, &got.Component, &got.Model); err != nil {
			t.Fatal(err)
		}
		m := seqRE.FindStringSubmatch(msg)
		if m == nil {
			t.Errorf("stored line %q is not one the test posted", msg)
			continue
		}
		seq := strconv.Itoa(mustAtoi(t, m[1]))
		seen[seq]++
		models[got.Model]++
		if schemas.SeverityRank(got.Severity) < 0 || !schemas.IsCategory(got.Category) {
			t.Errorf("line %s: labels outside the taxonomy: %+v", seq, got)
		}
		if w, ok := want[seq]; !ok {
			t.Errorf("line %s stored but never streamed", seq)
		} else if got != w {
			t.Errorf("line %s: stored %+v, streamed %+v", seq, got, w)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	// dev ran one model (the embedded default), and says which.
	if _, ok := models[""]; ok || len(models) != 1 {
		t.Errorf("rows by model: %v, want all by one named model", models)
	}
	t.Logf("PostgreSQL: %d rows, by model %v", n, models)
	for seq := range want {
		if seen[seq] != 1 {
			t.Errorf("line %s stored %d times, want once", seq, seen[seq])
		}
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func lastLine(b []byte) []byte {
	b = bytes.TrimSpace(b)
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		return b[i+1:]
	}
	return b
}

func allButLast(b []byte) []byte {
	b = bytes.TrimSpace(b)
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		return b[:i]
	}
	return nil
}
