// Package schemas holds logsift's contracts: the Go types that travel on Kafka
// and into PostgreSQL (LogEvent, Classification, ClassifiedLog), their JSON
// Schemas (embedded), the label taxonomy, and the default classification
// schema the engine decodes under.
//
// Every other module imports this one and it imports nothing of the project,
// so a change to a contract is a change in one place. The JSON Schemas are the
// source of truth for anything that crosses a process boundary; the Go types
// mirror them and a test keeps the two in step.
package schemas
