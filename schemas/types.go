package schemas

import (
	"encoding/json"
	"time"
)

// Version is the version of the contracts in this package. It is bumped when
// a field changes meaning; adding an optional field does not bump it.
const Version = "1"

// LogEvent is one log line as producers send it. Only Message is required;
// see DESIGN.md for the defaults of the other fields.
type LogEvent struct {
	Message string            `json:"message"`
	TS      time.Time         `json:"ts,omitzero"`
	Service string            `json:"service,omitempty"`
	Host    string            `json:"host,omitempty"`
	Level   string            `json:"level,omitempty"`
	Attrs   map[string]string `json:"attrs,omitempty"`
	ID      string            `json:"id,omitempty"`
}

// Classification is what the labeler returns for one line under the default
// schema. Labels carries the whole decoded object when a custom schema adds
// fields beyond the default three, so nothing the model produced is dropped.
type Classification struct {
	Severity   string          `json:"severity"`
	Category   string          `json:"category"`
	Component  string          `json:"component"`
	Confidence float64         `json:"confidence"`
	Labels     json.RawMessage `json:"labels,omitempty"`
}

// Source is the Kafka position a classified line was read from. It is the
// identity of a row: the store is idempotent on (ts, topic, partition, offset).
type Source struct {
	Topic     string `json:"topic"`
	Partition int    `json:"partition"`
	Offset    int64  `json:"offset"`
}

// ClassifiedLog is a LogEvent with its labels, as written to PostgreSQL and
// to the logs.classified topic.
type ClassifiedLog struct {
	LogEvent
	Template     string          `json:"template"`
	Severity     string          `json:"severity"`
	Category     string          `json:"category"`
	Component    string          `json:"component"`
	Confidence   float64         `json:"confidence"`
	Labels       json.RawMessage `json:"labels,omitempty"`
	Model        string          `json:"model"`
	Cached       bool            `json:"cached"`
	Source       Source          `json:"source"`
	ClassifiedAt time.Time       `json:"classified_at"`
}
