// Command logsift runs every part of the logsift pipeline: the ingest API,
// the classifier workers, the SSE gateway, the all-in-one dev mode and the
// model tools. See logsift --help; the commands live in package cli so they
// can be tested in-process, and this main only hands them the process's
// arguments, streams and environment.
package main
