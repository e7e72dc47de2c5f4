package classifier

import (
	"bytes"
	"encoding/json"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/logsift/logsift/schemas"
)

// DecodeError is why a record could not be turned into a LogEvent. Such a
// record goes to the dead-letter topic at once: retrying cannot fix it.
type DecodeError struct {
	Reason string
	Err    error
}

func (e *DecodeError) Error() string {
	if e.Err != nil {
		return "decode: " + e.Reason + ": " + e.Err.Error()
	}
	return "decode: " + e.Reason
}

func (e *DecodeError) Unwrap() error { return e.Err }

const (
	unknownService = "unknown"
	// maxServiceLen is logevent.schema.json's bound on service; a longer
	// record key is not taken for a service name.
	maxServiceLen = 256
)

// Decode turns a raw record value into a LogEvent.
//
// A value that is a JSON object must be a valid LogEvent (schemas'
// logevent.schema.json). A value that merely starts like one — '{' followed
// by '"' or '}' — but does not parse is taken for a broken JSON producer, not
// for a log line, and fails too. Anything else is a plain-text line: the
// message is the value, trailing newline removed.
//
// Defaults: ts is recordTime, service is key, else "unknown".
func Decode(value []byte, key []byte, recordTime time.Time) (schemas.LogEvent, error) {
	var ev schemas.LogEvent
	trimmed := bytes.TrimLeft(value, " \t\r\n")
	switch {
	case looksLikeObject(trimmed):
		if !json.Valid(trimmed) {
			return ev, &DecodeError{Reason: "malformed JSON object"}
		}
		if err := schemas.ValidateLogEvent(trimmed); err != nil {
			return ev, &DecodeError{Reason: "invalid LogEvent", Err: err}
		}
		if err := json.Unmarshal(trimmed, &ev); err != nil {
			return ev, &DecodeError{Reason: "invalid LogEvent", Err: err}
		}
	default:
		line := bytes.TrimRight(value, "\r\n")
		if len(bytes.TrimSpace(line)) == 0 {
			return ev, &DecodeError{Reason: "empty record"}
		}
		ev.Message = string(line)
	}
	if ev.Message == "" {
		return ev, &DecodeError{Reason: "empty message"}
	}
	if ev.TS.IsZero() {
		ev.TS = recordTime
	}
	ev.TS = ev.TS.UTC()
	if ev.Service == "" {
		if len(key) > 0 && len(key) <= maxServiceLen && utf8.Valid(key) {
			ev.Service = string(key)
		} else {
			ev.Service = unknownService
		}
	}
	return ev, nil
}

func looksLikeObject(b []byte) bool {
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	rest := bytes.TrimLeft(b[1:], " \t\r\n")
	return len(rest) == 0 || rest[0] == '"' || rest[0] == '}'
}

// isDecodeError reports whether err came from Decode.
func isDecodeError(err error) bool {
	var de *DecodeError
	return errors.As(err, &de)
}
