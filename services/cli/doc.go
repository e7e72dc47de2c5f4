// Package cli is the logsift command line: it reads flags and LOGSIFT_*
// environment variables, builds a logger, and starts the services of package
// app. The main package only calls Run, so every command and its exit codes
// are testable in-process.
//
// Exit codes: 0 ok, 1 runtime failure, 2 bad usage or configuration (with a
// one-line reason on stderr).
package cli
