package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// EnvPrefix starts every environment variable name.
const EnvPrefix = "LOGSIFT_"

// Row describes one setting, for --help and generated docs.
type Row struct {
	Flag    string // "kafka-brokers"
	Env     string // "LOGSIFT_KAFKA_BROKERS"
	Default string // as the flag would accept it
	Usage   string
	Kind    string // "string", "int", "bytes", "list", ...
}

// FlagSet is a set of flags, each with an environment variable fallback.
type FlagSet struct {
	name  string
	usage string
	fs    *flag.FlagSet
	rows  []Row
}

// NewFlagSet returns an empty set for the command name; usage is the
// paragraph --help prints under the synopsis.
func NewFlagSet(name, usage string) *FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned; help comes from Usage
	fs.Usage = func() {}
	return &FlagSet{name: name, usage: usage, fs: fs}
}

// EnvName is the environment variable behind flag name.
func EnvName(flagName string) string {
	var b strings.Builder
	b.WriteString(EnvPrefix)
	for _, r := range flagName {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

func (f *FlagSet) define(v flag.Value, name, kind, usage string) {
	if f.fs.Lookup(name) != nil {
		panic(fmt.Sprintf("BUG: config: flag %q defined twice in %s", name, f.name))
	}
	f.fs.Var(v, name, usage)
	f.rows = append(f.rows, Row{Flag: name, Env: EnvName(name), Default: v.String(), Usage: usage, Kind: kind})
}

// String defines a string setting stored in p.
func (f *FlagSet) String(p *string, name, def, usage string) {
	*p = def
	f.define(stringValue{p}, name, "string", usage)
}

// Int defines an int setting stored in p.
func (f *FlagSet) Int(p *int, name string, def int, usage string) {
	*p = def
	f.define(intValue{p}, name, "int", usage)
}

// Int64 defines an int64 setting stored in p.
func (f *FlagSet) Int64(p *int64, name string, def int64, usage string) {
	*p = def
	f.define(int64Value{p}, name, "int", usage)
}

// Bool defines a boolean setting stored in p ("--name" alone means true).
func (f *FlagSet) Bool(p *bool, name string, def bool, usage string) {
	*p = def
	f.define(boolValue{p}, name, "bool", usage)
}

// Duration defines a duration setting stored in p ("500ms", "1m30s").
func (f *FlagSet) Duration(p *time.Duration, name string, def time.Duration, usage string) {
	*p = def
	f.define(durationValue{p}, name, "duration", usage)
}

// Float64 defines a float setting stored in p.
func (f *FlagSet) Float64(p *float64, name string, def float64, usage string) {
	*p = def
	f.define(float64Value{p}, name, "float", usage)
}

// Strings defines a comma-separated list stored in p.
func (f *FlagSet) Strings(p *[]string, name string, def []string, usage string) {
	*p = append([]string(nil), def...)
	f.define(stringsValue{p}, name, "list", usage)
}

// Bytes defines a byte size stored in p ("8MiB", "64KiB", "1024").
func (f *FlagSet) Bytes(p *int64, name string, def int64, usage string) {
	*p = def
	f.define(bytesValue{p}, name, "bytes", usage)
}

// Parse reads args (without the command name), then fills every setting no
// flag gave from its environment variable (env; nil means os.Getenv). An
// empty variable counts as unset. It returns flag.ErrHelp for -h/--help, and
// an error naming the flag or variable for a bad value.
func (f *FlagSet) Parse(args []string, env func(string) string) error {
	if env == nil {
		env = os.Getenv
	}
	if err := f.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return flag.ErrHelp
		}
		return fmt.Errorf("%s: %w", f.name, err)
	}
	set := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	for _, r := range f.rows {
		if set[r.Flag] {
			continue
		}
		val := env(r.Env)
		if val == "" {
			continue
		}
		if err := f.fs.Lookup(r.Flag).Value.Set(val); err != nil {
			return fmt.Errorf("%s: environment variable %s=%q: %w", f.name, r.Env, val, err)
		}
	}
	return nil
}

// Args returns the arguments left after the flags.
func (f *FlagSet) Args() []string { return f.fs.Args() }

// Table lists the settings in the order they were defined.
func (f *FlagSet) Table() []Row { return append([]Row(nil), f.rows...) }

// Usage is the --help text: synopsis, description, and every flag with its
// environment variable and default.
func (f *FlagSet) Usage() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: %s [flags]\n", f.name)
	if f.usage != "" {
		fmt.Fprintf(&b, "\n%s\n", strings.TrimSpace(f.usage))
	}
	b.WriteString("\nFlags (each can also be set by the environment variable shown; a flag wins):\n")
	for _, r := range f.rows {
		fmt.Fprintf(&b, "  --%s %s\n", r.Flag, r.Kind)
		def := r.Default
		if def == "" {
			def = `""`
		}
		fmt.Fprintf(&b, "        %s\n        env %s, default %s\n", r.Usage, r.Env, def)
	}
	b.WriteString("  -h, --help\n        show this help\n")
	return b.String()
}
