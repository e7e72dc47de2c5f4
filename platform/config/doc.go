// Package config reads a command's settings from flags, with an environment
// variable behind every flag: flag "kafka-brokers" falls back to
// LOGSIFT_KAFKA_BROKERS, then to its default. Only services/ uses it; the
// libraries take plain structs.
//
// It wraps the standard flag package (ContinueOnError, so a command can map
// errors to exit code 2) and adds the environment layer, byte sizes such as
// "8MiB", comma-separated lists, and a --help text and table that list the
// environment names next to the flags, so docs cannot drift from the code.
package config
