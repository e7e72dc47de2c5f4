// Package services is the home of the logsift binary (cmd/logsift) and the
// wiring of the modules into running services (app) and commands (cli).
package services
