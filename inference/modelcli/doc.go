// Package modelcli implements `logsift model <subcommand>`: the offline tools
// around the inference engine (inspect a GGUF model, tokenize, greedy
// generation with log-probabilities, random-weight model initialisation,
// quantisation and a llama-bench style throughput benchmark).
//
// services/ calls Run with the arguments after "model"; everything here is a
// library so that each command is testable without a binary. Exit codes follow
// the project's convention: 0 ok, 1 runtime failure, 2 bad usage, with a
// one-line reason on stderr.
package modelcli
