package dashboardtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/logsift/logsift/platform/pgcluster"
)

// The browser test runs the real binary: built here the way the Makefile
// builds it, started as `logsift dev` and `logsift gateway` subprocesses.

// buildLogsift compiles ./cmd/logsift (CGO_ENABLED=0, as `make build`) into
// a temporary directory and returns the binary's path.
func buildLogsift(t *testing.T) string {
	t.Helper()
	// go test puts its own GOROOT/bin first on PATH, so this is the
	// toolchain that builds the test.
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("building logsift needs the go command on PATH: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "logsift")
	cmd := exec.Command(goBin, "build", "-trimpath", "-o", bin, "./cmd/logsift")
	cmd.Dir = ".." // the services module
	cmd.Env = append(childEnv(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/logsift: %v\n%s", err, out)
	}
	return bin
}

// childEnv is the test's environment without LOGSIFT_* variables, so that
// a developer's settings cannot change what the subprocesses do (every
// flag also reads one).
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LOGSIFT_") {
			env = append(env, kv)
		}
	}
	return env
}

// needPostgres fails under CI=true, and skips elsewhere, when the machine
// has no PostgreSQL server binaries for `logsift dev` to run.
func needPostgres(t *testing.T) {
	t.Helper()
	if _, err := pgcluster.FindBinDir(""); err != nil {
		msg := fmt.Sprintf("browser test needs PostgreSQL server binaries for logsift dev (apt-get install postgresql): %v", err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

// devDataDir is a fresh --data-dir for `logsift dev`. As root, dev runs
// PostgreSQL as the postgres account, which must be able to enter every
// directory above its cluster; t.TempDir makes them 0700, so they are
// opened for traversal (not listing).
func devDataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if os.Geteuid() == 0 {
		for _, d := range []string{dir, filepath.Dir(dir)} {
			if err := os.Chmod(d, 0o711); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// freeAddr returns a loopback address with a port nothing listens on right
// now. Another process could take it before the gateway binds it; on this
// test's scale that is rare enough, and the failure would be loud.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// syncBuffer is a bytes.Buffer that a subprocess writes while the test
// reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// proc is a running logsift subprocess.
type proc struct {
	name           string
	cmd            *exec.Cmd
	stdout, stderr syncBuffer
	exited         chan struct{} // closed once Wait has returned and waitErr is set
	waitErr        error
}

// stopWait bounds how long a process may take to drain after SIGTERM
// before the test gives up on it; it guards against hangs, it is not a
// speed requirement (dev's own drain limit is 30 s).
const stopWait = 90 * time.Second

// startProc starts bin with args. When the test ends the process is
// stopped if it still runs, and if the test failed its output is logged.
// It does not call t.Fatal, so the gateway-control handler may use it.
func startProc(t *testing.T, name, bin string, args ...string) (*proc, error) {
	p := &proc{name: name, exited: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = childEnv()
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	dieWithTest(p.cmd)
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		if p.running() {
			if err := p.stop(); err != nil {
				t.Errorf("%v", err)
			}
		}
		if t.Failed() {
			t.Logf("%s (%s) stdout:\n%s\n%s stderr:\n%s", p.name, strings.Join(args, " "), p.stdout.String(), p.name, p.stderr.String())
		}
	})
	return p, nil
}

func (p *proc) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// stop sends SIGTERM and waits for the exit, which must be 0: the
// commands drain and exit cleanly on SIGTERM.
func (p *proc) stop() error {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("%s: SIGTERM: %w", p.name, err)
	}
	select {
	case <-p.exited:
	case <-time.After(stopWait):
		_ = p.cmd.Process.Kill()
		<-p.exited
		return fmt.Errorf("%s still ran %s after SIGTERM; killed", p.name, stopWait)
	}
	if p.waitErr != nil {
		return fmt.Errorf("%s after SIGTERM: %v, want exit status 0", p.name, p.waitErr)
	}
	return nil
}

// devURLs waits for `logsift dev` to print where it is up:
//
//	logsift dev is up in 3.4s
//	  ingest:    http://127.0.0.1:41987/v1/logs
//	  dashboard: http://127.0.0.1:37865/
//	  ...
//
// and returns the values by name (ingest, dashboard, stream, kafka,
// postgres).
func (p *proc) devURLs(ctx context.Context) (map[string]string, error) {
	want := []string{"ingest", "dashboard", "stream", "kafka", "postgres"}
	for {
		out := p.stdout.String()
		if i := strings.Index(out, "logsift dev is up"); i >= 0 {
			got := map[string]string{}
			for _, line := range strings.Split(out[i:], "\n")[1:] {
				if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
					got[k] = strings.TrimSpace(v)
				}
			}
			complete := true
			for _, k := range want {
				complete = complete && got[k] != ""
			}
			if complete {
				return got, nil
			}
		}
		select {
		case <-p.exited:
			return nil, fmt.Errorf("%s exited before it was up: %v", p.name, p.waitErr)
		case <-ctx.Done():
			return nil, fmt.Errorf("%s did not say it was up: %w", p.name, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// waitReady polls url (a /readyz) until it answers 200.
func (p *proc) waitReady(ctx context.Context, url string) error {
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-p.exited:
			return fmt.Errorf("%s exited before it was ready: %v", p.name, p.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("%s not ready at %s: %w", p.name, url, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
