package ingest

import (
	"fmt"
	"net/http"
	"unicode/utf8"
)

// requestError is a refusal of a request that the client can fix. It is
// rendered as the JSON error body, so its fields are part of the API.
type requestError struct {
	Status int    `json:"-"`
	Msg    string `json:"error"`
	// Line is the 1-based line (NDJSON, text) or element (JSON array) that
	// failed; 0 when the error is not about one event.
	Line   int    `json:"line,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Limit and Max name the configured limit a 413 hit, so a client knows
	// how to split its batch.
	Limit string `json:"limit,omitempty"`
	Max   int64  `json:"max,omitempty"`
}

func (e *requestError) Error() string { return e.Msg }

// badLine is a 400 about one event.
func badLine(line int, format string, args ...any) *requestError {
	reason := fmt.Sprintf(format, args...)
	return &requestError{
		Status: http.StatusBadRequest,
		Msg:    fmt.Sprintf("invalid event at line %d: %s", line, reason),
		Line:   line,
		Reason: reason,
	}
}

// badRequest is a 400 about the request as a whole.
func badRequest(format string, args ...any) *requestError {
	reason := fmt.Sprintf(format, args...)
	return &requestError{Status: http.StatusBadRequest, Msg: reason, Reason: reason}
}

// tooLarge is a 413; line is 0 when the whole body is over the limit.
func tooLarge(line int, what string, size int64, limit string, max int64) *requestError {
	var msg string
	if line > 0 {
		msg = fmt.Sprintf("line %d: %s is %d bytes, over the limit of %d bytes (%s)", line, what, size, max, limit)
	} else {
		msg = fmt.Sprintf("%s over the limit of %d bytes (%s)", what, max, limit)
	}
	return &requestError{Status: http.StatusRequestEntityTooLarge, Msg: msg, Line: line, Limit: limit, Max: max}
}

func unsupported(format string, args ...any) *requestError {
	return &requestError{Status: http.StatusUnsupportedMediaType, Msg: fmt.Sprintf(format, args...)}
}

// clip shortens client-supplied text quoted in an error, so an error body
// stays small whatever the request held.
func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
