package modelcli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// command is one subcommand: it parses its own flags from args.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"inspect", "show a GGUF model's architecture, sizes, tensors, tokenizer and metadata", runInspect},
	{"tokenize", "turn text into token ids with a model's tokenizer", runTokenize},
	{"generate", "greedy (or sampled) generation with top log-probabilities", runGenerate},
	{"init", "write a model with random weights (for tests and benchmarks)", runInit},
	{"quantize", "convert a model's matrices to q8_0, q4_0 or f16", runQuantize},
	{"bench", "measure prompt processing and token generation speed, or serving throughput (--concurrency)", runBench},
}

// usageError marks bad usage (exit code 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// errHelp reports that --help was printed (exit code 0).
var errHelp = errors.New("help requested")

// Run executes `logsift model <args...>` and returns the process exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "logsift model: missing subcommand (try --help)")
		return 2
	}
	sub := args[0]
	if sub == "-h" || sub == "-help" || sub == "--help" || sub == "help" {
		printUsage(stdout)
		return 0
	}
	for _, c := range commands {
		if c.name != sub {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		var ue *usageError
		switch {
		case err == nil, errors.Is(err, errHelp):
			return 0
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "logsift model %s: %s\n", sub, oneLine(ue.msg))
			return 2
		default:
			fmt.Fprintf(stderr, "logsift model %s: %s\n", sub, oneLine(err.Error()))
			return 1
		}
	}
	fmt.Fprintf(stderr, "logsift model: unknown subcommand %q (try --help)\n", sub)
	return 2
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: logsift model <subcommand> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "subcommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'logsift model <subcommand> --help' for its flags.")
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// newFlags makes a flag set that reports errors instead of printing them, so
// Run can print the one-line reason itself.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("logsift model "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses args; --help prints the flags to stdout and returns errHelp.
func parse(fs *flag.FlagSet, usage string, args []string, stdout io.Writer) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(stdout, "usage: %s %s\n\nflags:\n", fs.Name(), usage)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		return errHelp
	}
	if err != nil {
		return usagef("%v", err)
	}
	return nil
}

// noArgs rejects stray positional arguments.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

func checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return usagef("--format %q: want one of %s", format, strings.Join(allowed, ", "))
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
