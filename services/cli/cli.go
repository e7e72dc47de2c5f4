package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/logsift/logsift/inference/modelcli"
	"github.com/logsift/logsift/platform/config"
	"github.com/logsift/logsift/platform/logging"
	"github.com/logsift/logsift/services/app"
)

// Version is set at build time with -ldflags "-X .../cli.Version=...".
var Version = "dev"

// Env reads an environment variable; tests pass their own.
type Env func(string) string

type command struct {
	summary string
	run     func(ctx context.Context, args []string, io *stdio) int
}

type stdio struct {
	out, err io.Writer
	env      Env
}

var commands map[string]command

func init() {
	commands = map[string]command{
		"dev":         {"all-in-one: embedded broker, local PostgreSQL, ingest, classifier, gateway", runDev},
		"ingest":      {"HTTP ingest API → Kafka logs.raw", runIngest},
		"classify":    {"Kafka logs.raw → model → PostgreSQL + logs.classified", runClassify},
		"gateway":     {"Kafka logs.classified → SSE and the dashboard", runGateway},
		"migrate":     {"apply the PostgreSQL migrations and exit", runMigrate},
		"loadgen":     {"replay or synthesise log traffic against ingest or Kafka; report rate and latency", runLoadgen},
		"serve-model": {"serve the engine over an OpenAI-compatible HTTP API", runServeModel},
		"model":       {"inspect | tokenize | generate | init | quantize | bench | train | eval", runModel},
		"version":     {"print the version", runVersion},
		"healthcheck": {"GET a service's health endpoint; exit 0 when it is healthy (for container healthchecks)", runHealthcheck},
	}
}

// Run executes the logsift command line and returns the exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, env Env) int {
	if env == nil {
		env = os.Getenv
	}
	s := &stdio{out: stdout, err: stderr, env: env}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage())
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "logsift: unknown command %q (see logsift --help)\n", args[0])
		return 2
	}
	return c.run(ctx, args[1:], s)
}

func usage() string {
	var b strings.Builder
	b.WriteString("logsift classifies log lines with a language model running in-process.\n\nUsage: logsift <command> [flags]\n\nCommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "  %-10s %s\n", n, commands[n].summary)
	}
	b.WriteString("\nEvery flag also reads an environment variable (LOGSIFT_<FLAG>); run logsift <command> --help.\n")
	return b.String()
}

// parse handles --help and bad flags the same way for every command.
func parse(fs *config.FlagSet, args []string, s *stdio) (code int, done bool) {
	err := fs.Parse(args, s.env)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(s.out, fs.Usage())
		return 0, true
	}
	if err != nil {
		fmt.Fprintf(s.err, "logsift: %v\n", err)
		return 2, true
	}
	return 0, false
}

// fail prints a one-line reason and maps it to an exit code.
func fail(s *stdio, err error) int {
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	fmt.Fprintf(s.err, "logsift: %s\n", msg)
	var ce *app.ConfigError
	if errors.As(err, &ce) {
		return 2
	}
	return 1
}

type logFlags struct{ level, format string }

func (l *logFlags) register(fs *config.FlagSet) {
	fs.String(&l.level, "log-level", "info", "log level: debug, info, warn, error")
	fs.String(&l.format, "log-format", "json", "log format: json or text")
}

func (l *logFlags) logger(s *stdio) (*slog.Logger, error) {
	lg, err := logging.New(s.err, l.level, l.format)
	if err != nil {
		return nil, &app.ConfigError{Err: err}
	}
	return lg, nil
}

// signalContext ends on SIGINT/SIGTERM so services drain and commit.
func signalContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
}

const stopTimeout = 30 * time.Second

func runVersion(_ context.Context, args []string, s *stdio) int {
	v := Version
	if bi, ok := debug.ReadBuildInfo(); ok && v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	fmt.Fprintf(s.out, "logsift %s\n", v)
	return 0
}

func runModel(ctx context.Context, args []string, s *stdio) int {
	if len(args) > 0 && args[0] == "train" {
		return runModelTrain(ctx, args[1:], s)
	}
	if len(args) > 0 && args[0] == "eval" {
		return runModelEval(ctx, args[1:], s)
	}
	return modelcli.Run(ctx, args, s.out, s.err)
}
