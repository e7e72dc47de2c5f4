// Package pgcluster runs a local PostgreSQL cluster from the machine's own
// server binaries (initdb and postgres), for `logsift dev` and for tests.
//
// A throwaway cluster (Options.Dir empty) lives in a fresh temporary
// directory, trades durability for speed (fsync, synchronous_commit and
// full_page_writes off) and is deleted by Stop. A persistent cluster
// (Options.Dir set) is initialised once and reused by later runs; with
// Options.Durable it keeps PostgreSQL's crash-safe defaults. Throwaway
// clusters are copied from a template that initdb makes once per machine and
// PostgreSQL build (under os.TempDir(), named logsift-pgtemplate-*), which
// turns a start from seconds into well under one.
//
// The server listens only on 127.0.0.1 with trust authentication for the
// postgres role, and needs no Unix socket. initdb and postgres refuse to run
// as root, so when the process is root (as in CI containers) they run as the
// unprivileged `postgres` account in a directory that account owns.
//
// The postmaster is started as a direct child with a parent-death signal
// rather than detached through pg_ctl: if the test binary or `logsift dev`
// dies without calling Stop, the server shuts down with it instead of
// lingering on the machine.
package pgcluster
