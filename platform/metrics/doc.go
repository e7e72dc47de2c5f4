// Package metrics gives each logsift command one Prometheus registry and its
// /metrics handler. Components register their own collectors on the registry
// they are handed (never on the global default), so tests can build isolated
// registries and two components in one process (`logsift dev`) cannot clash.
//
// Naming, in every module: prefix logsift_, counters end in _total, durations
// are histograms in _seconds, sizes in _bytes, and labels have few values
// (topic, outcome, severity; never a service name from user input or an id).
package metrics
