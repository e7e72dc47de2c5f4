package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Options configure Start.
type Options struct {
	// Dir is the cluster's parent directory (the data directory is Dir/data,
	// the server log Dir/postgres.log). Empty: a temporary directory that
	// Stop removes. Set: initialised on first use and reused afterwards.
	Dir string
	// Port on 127.0.0.1; 0 picks a free one.
	Port int
	// BinDir holds initdb and postgres; empty searches (see FindBinDir).
	BinDir string
	// Durable keeps PostgreSQL's crash-safe settings (fsync and friends).
	// Leave it false only for clusters whose data may be lost: tests.
	Durable bool
	// Logger receives start/stop events; nil discards them.
	Logger *slog.Logger
}

// Cluster is a running local PostgreSQL server.
type Cluster struct {
	binDir  string
	parent  string
	dataDir string
	temp    bool
	port    int
	cred    *syscall.Credential
	log     *slog.Logger

	cmd     *exec.Cmd
	logFile *os.File
	exited  chan struct{} // closed when the postmaster has exited
	waitErr error         // valid after exited is closed

	stopOnce sync.Once
	stopErr  error
}

const (
	superuser    = "postgres"
	readyTimeout = 60 * time.Second
	stopTimeout  = 30 * time.Second
)

// Start initialises the cluster if needed and starts the server, returning
// once it accepts connections. Stop it with Stop.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.Port < 0 || opts.Port > 65535 {
		return nil, fmt.Errorf("pgcluster: port %d out of range 0-65535", opts.Port)
	}
	binDir, err := FindBinDir(opts.BinDir)
	if err != nil {
		return nil, err
	}
	cred, err := serverAccount()
	if err != nil {
		return nil, err
	}
	c := &Cluster{binDir: binDir, cred: cred, log: log}
	if opts.Dir == "" {
		if c.parent, err = os.MkdirTemp("", tempPrefix); err != nil {
			return nil, fmt.Errorf("pgcluster: temp dir: %w", err)
		}
		c.temp = true
		if err := writeOwner(c.parent); err != nil {
			os.RemoveAll(c.parent)
			return nil, err
		}
	} else {
		if c.parent, err = filepath.Abs(opts.Dir); err != nil {
			return nil, fmt.Errorf("pgcluster: dir %q: %w", opts.Dir, err)
		}
		if err := os.MkdirAll(c.parent, 0o700); err != nil {
			return nil, fmt.Errorf("pgcluster: create dir: %w", err)
		}
	}
	c.dataDir = filepath.Join(c.parent, "data")
	if err := c.startIn(ctx, opts); err != nil {
		if c.temp {
			os.RemoveAll(c.parent)
		}
		return nil, err
	}
	log.Info("postgresql started", "url", c.URL(), "dir", c.parent, "durable", opts.Durable, "bin", binDir)
	return c, nil
}

func (c *Cluster) startIn(ctx context.Context, opts Options) error {
	if c.cred != nil {
		if err := os.Chown(c.parent, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			return fmt.Errorf("pgcluster: give %s to the postgres account: %w", c.parent, err)
		}
		if err := reachable(c.parent, c.cred); err != nil {
			return err
		}
	}
	initialised, err := c.initialised()
	if err != nil {
		return err
	}
	fromTemplate := false
	if !initialised {
		initFn := func() error { return c.initdb(ctx, opts.Durable) }
		if c.temp && !opts.Durable {
			initFn = func() error { return c.initFromTemplate(ctx) }
			fromTemplate = true
		}
		if err := initFn(); err != nil {
			// A half-written data dir would make every later Start refuse
			// the directory as "not empty".
			os.RemoveAll(c.dataDir)
			return err
		}
	} else if c.cred != nil {
		if err := chownTree(c.dataDir, c.cred); err != nil {
			return err
		}
	}
	if err := clearStalePid(c.dataDir); err != nil {
		return err
	}
	lf, err := os.OpenFile(filepath.Join(c.parent, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("pgcluster: server log: %w", err)
	}
	c.logFile = lf
	err = c.startServer(ctx, opts)
	if err != nil && fromTemplate && ctx.Err() == nil && !errors.Is(err, errPortInUse) {
		// The shared template may be damaged (a /tmp cleaner deleting old
		// files inside it): drop it for the next run to rebuild, and start
		// this cluster from its own initdb.
		c.log.Warn("postgresql: start from template failed; retrying with initdb", "err", err)
		if tmpl, terr := c.templateDir(); terr == nil {
			os.RemoveAll(tmpl)
		}
		os.RemoveAll(c.dataDir)
		if err = c.initdb(ctx, opts.Durable); err == nil {
			err = c.startServer(ctx, opts)
		}
	}
	if err != nil {
		lf.Close()
	}
	return err
}

// startServer runs the postmaster on opts.Port, or on a free port, retrying
// when another process takes the port between our choice and the bind.
func (c *Cluster) startServer(ctx context.Context, opts Options) error {
	var err error
	// A free port found by listening can be taken by someone else before the
	// server binds it; when we chose the port, choose again.
	attempts := 1
	if opts.Port == 0 {
		attempts = 5
	}
	// After a crash of the postmaster its backends notice and exit within
	// moments, but until the last one is gone the server refuses to start
	// on the shared memory they still hold: wait for them a little.
	shmemWaits := 20
	for i := 0; ; i++ {
		c.port = opts.Port
		if c.port == 0 {
			if c.port, err = freePort(); err != nil {
				break
			}
		}
		err = c.runServer(ctx, opts.Durable)
		if err == nil {
			return nil
		}
		if errors.Is(err, errShmemInUse) && shmemWaits > 0 {
			shmemWaits--
			i--
			select {
			case <-ctx.Done():
				return err
			case <-time.After(250 * time.Millisecond):
			}
			continue
		}
		if i+1 >= attempts || !errors.Is(err, errPortInUse) {
			break
		}
	}
	return err
}

func (c *Cluster) initialised() (bool, error) {
	if _, err := os.Stat(filepath.Join(c.dataDir, "PG_VERSION")); err == nil {
		return true, nil
	}
	entries, err := os.ReadDir(c.dataDir)
	if err != nil && !os.IsNotExist(err) {
		return false, fmt.Errorf("pgcluster: data dir: %w", err)
	}
	if len(entries) > 0 {
		return false, fmt.Errorf("pgcluster: %s is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away or choose another dir", c.dataDir)
	}
	return false, nil
}

func (c *Cluster) initdb(ctx context.Context, durable bool) error {
	args := []string{"-D", c.dataDir, "-U", superuser, "--auth=trust", "--encoding=UTF8", "--locale=C"}
	if !durable {
		args = append(args, "--no-sync")
	}
	cmd := c.command(ctx, "initdb", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pgcluster: initdb %s: %w: %s", c.dataDir, err, strings.TrimSpace(out.String()))
	}
	return nil
}

var (
	errPortInUse  = errors.New("port in use")
	errShmemInUse = errors.New("shared memory of an old server still in use")
)

func (c *Cluster) runServer(ctx context.Context, durable bool) error {
	args := []string{
		"-D", c.dataDir,
		"-p", strconv.Itoa(c.port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=",
		"-c", "max_connections=200",
		"-c", "logging_collector=off",
	}
	if !durable {
		args = append(args,
			"-c", "fsync=off",
			"-c", "synchronous_commit=off",
			"-c", "full_page_writes=off",
			"-c", "shared_buffers=32MB",
		)
	}
	// Not tied to ctx: the server outlives Start. Stop ends it.
	cmd := c.command(context.Background(), "postgres", args...)
	cmd.Stdout, cmd.Stderr = c.logFile, c.logFile
	// Parent death signal: if this process dies without Stop, the server
	// gets SIGINT (fast shutdown) instead of living on. Its own process
	// group: a Ctrl-C on the terminal reaches logsift, which stops the
	// services first and the database last, not all at once.
	cmd.SysProcAttr.Pdeathsig = syscall.SIGINT
	cmd.SysProcAttr.Setpgid = true
	logStart, _ := c.logFile.Seek(0, io.SeekEnd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pgcluster: start postgres: %w", err)
	}
	c.cmd = cmd
	c.exited = make(chan struct{})
	go func() {
		c.waitErr = cmd.Wait()
		close(c.exited)
	}()

	if err := c.waitReady(ctx); err != nil {
		c.kill()
		tail := c.logTail(logStart)
		if strings.Contains(tail, "could not bind") || strings.Contains(tail, "already in use") {
			return fmt.Errorf("pgcluster: postgres on port %d: %w: %s", c.port, errPortInUse, tail)
		}
		if strings.Contains(tail, "pre-existing shared memory block") {
			return fmt.Errorf("pgcluster: postgres on port %d: %w: %s", c.port, errShmemInUse, tail)
		}
		return fmt.Errorf("pgcluster: postgres on port %d: %w; server log:\n%s", c.port, err, tail)
	}
	return nil
}

func (c *Cluster) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	var lastErr error
	for {
		select {
		case <-c.exited:
			return fmt.Errorf("server exited during start-up: %v", c.waitErr)
		default:
		}
		actx, acancel := context.WithTimeout(ctx, 2*time.Second)
		conn, err := pgx.Connect(actx, c.URL())
		if err == nil {
			err = conn.Ping(actx)
			conn.Close(actx)
		}
		acancel()
		if err == nil {
			return nil
		}
		lastErr = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("not accepting connections: %w (last error: %v)", ctx.Err(), lastErr)
		case <-c.exited:
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// command prepares a PostgreSQL binary to run as the server account.
func (c *Cluster) command(ctx context.Context, tool string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(c.binDir, tool), args...)
	// The postgres account may not be able to enter our working directory
	// (initdb then fails with "could not change directory").
	cmd.Dir = c.parent
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	return cmd
}

func (c *Cluster) logTail(from int64) string {
	f, err := os.Open(c.logFile.Name())
	if err != nil {
		return ""
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size()-from > 4096 {
		from = fi.Size() - 4096
	}
	f.Seek(from, io.SeekStart)
	b, _ := io.ReadAll(f)
	return strings.TrimSpace(string(b))
}

// URL is the connection URL of the postgres database as the superuser.
func (c *Cluster) URL() string { return c.DatabaseURL("postgres") }

// DatabaseURL is the connection URL of database name.
func (c *Cluster) DatabaseURL(name string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(superuser),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + name,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Port is the TCP port the server listens on (127.0.0.1).
func (c *Cluster) Port() int { return c.port }

// Dir is the cluster's parent directory.
func (c *Cluster) Dir() string { return c.parent }

var dbName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// CreateDatabase creates an empty database and returns its URL. name must be
// a lower-case SQL identifier (letters, digits, underscore).
func (c *Cluster) CreateDatabase(ctx context.Context, name string) (string, error) {
	if !dbName.MatchString(name) {
		return "", fmt.Errorf("pgcluster: database name %q: want [a-z_][a-z0-9_]*, at most 63 characters", name)
	}
	conn, err := pgx.Connect(ctx, c.URL())
	if err != nil {
		return "", fmt.Errorf("pgcluster: create database %s: %w", name, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("pgcluster: create database %s: %w", name, err)
	}
	return c.DatabaseURL(name), nil
}

// Stop shuts the server down (fast shutdown: open sessions are ended) and,
// for a throwaway cluster, deletes its directory. Safe to call twice.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() {
		c.stopErr = c.stop()
	})
	return c.stopErr
}

func (c *Cluster) stop() error {
	var errs []error
	if c.cmd != nil {
		if err := c.cmd.Process.Signal(syscall.SIGINT); err != nil && !errors.Is(err, os.ErrProcessDone) {
			errs = append(errs, fmt.Errorf("pgcluster: signal postgres: %w", err))
		}
		select {
		case <-c.exited:
		case <-time.After(stopTimeout):
			c.kill()
			errs = append(errs, fmt.Errorf("pgcluster: postgres did not shut down within %s; killed", stopTimeout))
		}
	}
	c.logFile.Close()
	if c.temp {
		if err := os.RemoveAll(c.parent); err != nil {
			errs = append(errs, fmt.Errorf("pgcluster: remove %s: %w", c.parent, err))
		}
	}
	c.log.Info("postgresql stopped", "dir", c.parent, "removed", c.temp)
	return errors.Join(errs...)
}

// kill ends the postmaster at once; its backends exit when they notice.
func (c *Cluster) kill() {
	if c.cmd == nil {
		return
	}
	c.cmd.Process.Kill()
	<-c.exited
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgcluster: find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
