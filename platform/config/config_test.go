package config

import (
	"errors"
	"flag"
	"reflect"
	"strings"
	"testing"
	"time"
)

type settings struct {
	brokers  []string
	url      string
	workers  int
	max      int64
	verbose  bool
	timeout  time.Duration
	ratio    float64
	maxBody  int64
	pageSize int64
}

func newSet(s *settings) *FlagSet {
	f := NewFlagSet("logsift ingest", "Accept log lines over HTTP and write them to Kafka.")
	f.Strings(&s.brokers, "kafka-brokers", []string{"localhost:9092"}, "Kafka bootstrap brokers, comma-separated")
	f.String(&s.url, "database-url", "", "PostgreSQL URL")
	f.Int(&s.workers, "workers", 4, "worker goroutines")
	f.Int64(&s.max, "max-lines", 1000, "lines per request")
	f.Bool(&s.verbose, "verbose", false, "log more")
	f.Duration(&s.timeout, "timeout", 5*time.Second, "request timeout")
	f.Float64(&s.ratio, "sample-ratio", 0.5, "fraction kept")
	f.Bytes(&s.maxBody, "max-body", 8<<20, "largest request body")
	f.Bytes(&s.pageSize, "page-size", 1000, "odd size")
	return f
}

func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestPrecedence(t *testing.T) {
	f := func(args []string, env map[string]string, want settings) {
		t.Helper()
		var s settings
		if err := newSet(&s).Parse(args, envMap(env)); err != nil {
			t.Fatalf("Parse(%q, %v): %v", args, env, err)
		}
		if !reflect.DeepEqual(s, want) {
			t.Errorf("Parse(%q, %v)\n got %+v\nwant %+v", args, env, s, want)
		}
	}
	def := settings{brokers: []string{"localhost:9092"}, workers: 4, max: 1000, timeout: 5 * time.Second, ratio: 0.5, maxBody: 8 << 20, pageSize: 1000}
	with := func(mod func(*settings)) settings { s := def; mod(&s); return s }

	f(nil, nil, def)
	// env beats default
	f(nil, map[string]string{"LOGSIFT_WORKERS": "8", "LOGSIFT_KAFKA_BROKERS": "a:1, b:2", "LOGSIFT_MAX_BODY": "64KiB", "LOGSIFT_VERBOSE": "true", "LOGSIFT_TIMEOUT": "250ms"},
		with(func(s *settings) {
			s.workers, s.brokers, s.maxBody, s.verbose, s.timeout = 8, []string{"a:1", "b:2"}, 64<<10, true, 250*time.Millisecond
		}))
	// flag beats env
	f([]string{"--workers=2", "--kafka-brokers", "c:3", "--max-body", "512"}, map[string]string{"LOGSIFT_WORKERS": "8", "LOGSIFT_KAFKA_BROKERS": "a:1", "LOGSIFT_MAX_BODY": "1MiB"},
		with(func(s *settings) { s.workers, s.brokers, s.maxBody = 2, []string{"c:3"}, 512 }))
	// a flag set to its default value still beats the environment
	f([]string{"-workers", "4"}, map[string]string{"LOGSIFT_WORKERS": "8"}, def)
	// bool flag alone means true; explicit false beats env true
	f([]string{"--verbose"}, nil, with(func(s *settings) { s.verbose = true }))
	f([]string{"--verbose=false"}, map[string]string{"LOGSIFT_VERBOSE": "1"}, def)
	// empty env var counts as unset
	f(nil, map[string]string{"LOGSIFT_WORKERS": ""}, def)
	// the rest of the types through env
	f(nil, map[string]string{"LOGSIFT_DATABASE_URL": "postgres://x", "LOGSIFT_MAX_LINES": "7", "LOGSIFT_SAMPLE_RATIO": "0.25"},
		with(func(s *settings) { s.url, s.max, s.ratio = "postgres://x", 7, 0.25 }))
}

func TestBadValues(t *testing.T) {
	f := func(args []string, env map[string]string, wantInErr ...string) {
		t.Helper()
		var s settings
		err := newSet(&s).Parse(args, envMap(env))
		if err == nil {
			t.Fatalf("Parse(%q, %v) succeeded", args, env)
		}
		for _, w := range wantInErr {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q does not contain %q", err, w)
			}
		}
	}
	f(nil, map[string]string{"LOGSIFT_WORKERS": "many"}, "LOGSIFT_WORKERS", "many", "not a number")
	f(nil, map[string]string{"LOGSIFT_MAX_BODY": "8 parsecs"}, "LOGSIFT_MAX_BODY")
	f(nil, map[string]string{"LOGSIFT_TIMEOUT": "5"}, "LOGSIFT_TIMEOUT", "duration")
	f(nil, map[string]string{"LOGSIFT_VERBOSE": "yes please"}, "LOGSIFT_VERBOSE")
	f(nil, map[string]string{"LOGSIFT_SAMPLE_RATIO": "half"}, "LOGSIFT_SAMPLE_RATIO")
	f(nil, map[string]string{"LOGSIFT_MAX_LINES": "99999999999999999999"}, "LOGSIFT_MAX_LINES", "out of range")
	f([]string{"--workers=x"}, nil, "workers")
	f([]string{"--no-such-flag"}, nil, "no-such-flag")
	// a bad env value for a setting the flag overrides is not read at all
	var s settings
	if err := newSet(&s).Parse([]string{"--workers=3"}, envMap(map[string]string{"LOGSIFT_WORKERS": "many"})); err != nil || s.workers != 3 {
		t.Errorf("flag did not shadow a bad env value: %v, workers=%d", err, s.workers)
	}
}

func TestHelp(t *testing.T) {
	for _, arg := range []string{"--help", "-h", "-help"} {
		var s settings
		fs := newSet(&s)
		if err := fs.Parse([]string{arg}, envMap(nil)); !errors.Is(err, flag.ErrHelp) {
			t.Errorf("Parse(%s) = %v, want flag.ErrHelp", arg, err)
		}
	}
	var s settings
	u := newSet(&s).Usage()
	for _, want := range []string{"Usage: logsift ingest", "Accept log lines", "--kafka-brokers", "LOGSIFT_KAFKA_BROKERS", "localhost:9092", "LOGSIFT_MAX_BODY", "8MiB", "5s", "--help"} {
		if !strings.Contains(u, want) {
			t.Errorf("Usage lacks %q:\n%s", want, u)
		}
	}
}

func TestTable(t *testing.T) {
	var s settings
	rows := newSet(&s).Table()
	if len(rows) != 9 {
		t.Fatalf("%d rows, want 9", len(rows))
	}
	want := Row{Flag: "kafka-brokers", Env: "LOGSIFT_KAFKA_BROKERS", Default: "localhost:9092", Usage: "Kafka bootstrap brokers, comma-separated", Kind: "list"}
	if rows[0] != want {
		t.Errorf("rows[0] = %+v, want %+v", rows[0], want)
	}
	if rows[7].Default != "8MiB" {
		t.Errorf("max-body default shown as %q, want 8MiB", rows[7].Default)
	}
}

func TestDuplicateFlagPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "BUG") {
			t.Errorf("recover() = %v, want a BUG panic", r)
		}
	}()
	var a, b int
	f := NewFlagSet("x", "")
	f.Int(&a, "n", 0, "")
	f.Int(&b, "n", 0, "")
}

func TestArgs(t *testing.T) {
	var s settings
	fs := newSet(&s)
	if err := fs.Parse([]string{"--workers", "1", "rest", "more"}, envMap(nil)); err != nil {
		t.Fatal(err)
	}
	if got := fs.Args(); !reflect.DeepEqual(got, []string{"rest", "more"}) {
		t.Errorf("Args() = %q", got)
	}
}

func TestEnvName(t *testing.T) {
	f := func(flag, want string) {
		t.Helper()
		if got := EnvName(flag); got != want {
			t.Errorf("EnvName(%q) = %q, want %q", flag, got, want)
		}
	}
	f("kafka-brokers", "LOGSIFT_KAFKA_BROKERS")
	f("database-url", "LOGSIFT_DATABASE_URL")
	f("http.addr", "LOGSIFT_HTTP_ADDR")
	f("x2", "LOGSIFT_X2")
}

func TestParseBytes(t *testing.T) {
	f := func(in string, want int64) {
		t.Helper()
		got, err := ParseBytes(in)
		if err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	f("512", 512)
	f("0", 0)
	f("64KiB", 64<<10)
	f("8MiB", 8<<20)
	f("8mib", 8<<20)
	f("8 MiB", 8<<20)
	f("2GiB", 2<<30)
	f("1TiB", 1<<40)
	f("1GB", 1e9)
	f("10kB", 10000)
	f("4K", 4096)
	f("100B", 100)
	bad := func(in string) {
		t.Helper()
		if n, err := ParseBytes(in); err == nil {
			t.Errorf("ParseBytes(%q) = %d, want an error", in, n)
		}
	}
	bad("")
	bad("MiB")
	bad("-1")
	bad("1.5MiB")
	bad("8 parsecs")
	bad("9999999999TiB")
	bad("0x10")
}

func TestFormatBytesRoundTrip(t *testing.T) {
	for _, n := range []int64{0, 1, 1000, 1024, 1536, 8 << 20, 3 << 30, 5 << 40, 1<<40 + 1} {
		s := FormatBytes(n)
		back, err := ParseBytes(s)
		if err != nil || back != n {
			t.Errorf("FormatBytes(%d) = %q, parses back to %d, %v", n, s, back, err)
		}
	}
	if s := FormatBytes(8 << 20); s != "8MiB" {
		t.Errorf("FormatBytes(8MiB) = %q", s)
	}
}

func FuzzParseBytes(f *testing.F) {
	for _, s := range []string{"512", "8MiB", "64KiB", "1GB", "", "-1", "9999999999TiB", "8 parsecs"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseBytes(s)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("ParseBytes(%q) = %d < 0", s, n)
		}
		if back, err := ParseBytes(FormatBytes(n)); err != nil || back != n {
			t.Fatalf("round trip of %q: %d -> %q -> %d, %v", s, n, FormatBytes(n), back, err)
		}
	})
}
