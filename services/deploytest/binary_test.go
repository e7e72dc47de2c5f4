package deploytest

import (
	"bytes"
	"context"
	"net"
	"regexp"
	"strconv"
	"testing"

	"github.com/logsift/logsift/services/cli"
)

// flagEnv is one environment variable a command reads, with its default.
type flagEnv struct{ name, def string }

var envLine = regexp.MustCompile(`(?m)^\s+env (LOGSIFT_[A-Z0-9_]+)(?:, default (.*))?$`)

// binaryEnv runs `logsift <command> --help` in-process and returns the
// environment variables it lists.
func binaryEnv(t *testing.T, command string) map[string]flagEnv {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), []string{command, "--help"}, &out, &errb, func(string) string { return "" })
	if code != 0 {
		t.Fatalf("logsift %s --help: exit %d: %s", command, code, errb.String())
	}
	env := map[string]flagEnv{}
	for _, m := range envLine.FindAllStringSubmatch(out.String(), -1) {
		env[m[1]] = flagEnv{m[1], m[2]}
	}
	if len(env) == 0 {
		t.Fatalf("logsift %s --help lists no environment variables:\n%s", command, out.String())
	}
	return env
}

// listenPort is the port of a listen address such as ":8081".
func listenPort(t *testing.T, addr string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("listen address %q: %v", addr, err)
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		t.Fatalf("listen address %q: %v", addr, err)
	}
	return n
}

// servicePort is the port a command serves HTTP (and /healthz, /readyz) on:
// LOGSIFT_ADDR as set, else the binary's default.
func servicePort(t *testing.T, command string, set map[string]string) int {
	t.Helper()
	if a, ok := set["LOGSIFT_ADDR"]; ok {
		return listenPort(t, a)
	}
	d, ok := binaryEnv(t, command)["LOGSIFT_ADDR"]
	if !ok {
		t.Fatalf("logsift %s has no --addr", command)
	}
	return listenPort(t, d.def)
}

// Health paths every service serves (platform/health, mounted by services/app).
const (
	livenessPath  = "/healthz"
	readinessPath = "/readyz"
)
