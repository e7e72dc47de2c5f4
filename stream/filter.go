package stream

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/logsift/logsift/schemas"
)

// filter selects the events a subscriber receives. The zero value selects
// everything. Lists are short (a handful of names), so a linear scan beats a
// map and allocates nothing.
type filter struct {
	minRank    int // -1: no severity filter
	categories []string
	services   []string
}

func (f *filter) match(e *entry) bool {
	if f.minRank >= 0 && e.rank < f.minRank {
		return false
	}
	if len(f.categories) > 0 && !slices.Contains(f.categories, e.category) {
		return false
	}
	if len(f.services) > 0 && !slices.Contains(f.services, e.service) {
		return false
	}
	return true
}

// start says where a subscriber begins.
type start int

const (
	startLive     start = iota // the live end: only what arrives after subscribing
	startEarliest              // the start of retention (?from=earliest)
	startResume                // just after a Last-Event-ID
)

// subRequest is a parsed GET /v1/stream.
type subRequest struct {
	filter filter
	start  start
	resume map[int32]int64 // startResume only
}

// paramError is a bad query parameter or header; the handler answers 400 and
// names Param so a client can tell which one to fix.
type paramError struct {
	Param string
	Msg   string
}

func (e *paramError) Error() string { return e.Param + ": " + e.Msg }

// Limits on filter lists: they come from the network.
const (
	maxListItems = 64
	maxNameLen   = 256
)

// parseSubRequest reads the query string and the Last-Event-ID header.
// categories are the values ?category= accepts. Parameters it does not know
// are ignored, as browsers' cache-busters and dashboards' own parameters must
// not break a subscription.
func parseSubRequest(q url.Values, lastEventID string, categories []string) (subRequest, error) {
	req := subRequest{filter: filter{minRank: -1}}

	if vs, ok := q["severity"]; ok {
		if len(vs) != 1 {
			return req, &paramError{"severity", "give one minimum severity"}
		}
		r := schemas.SeverityRank(strings.ToLower(vs[0]))
		if r < 0 {
			return req, &paramError{"severity", fmt.Sprintf("unknown severity %q (want one of %s)",
				truncate(vs[0]), strings.Join(schemas.Severities, ", "))}
		}
		req.filter.minRank = r
	}

	cats, err := parseList(q, "category", func(v string) (string, error) {
		v = strings.ToLower(v)
		if !slices.Contains(categories, v) {
			return "", fmt.Errorf("unknown category %q (want one of %s)", truncate(v), strings.Join(categories, ", "))
		}
		return v, nil
	})
	if err != nil {
		return req, err
	}
	req.filter.categories = cats

	svcs, err := parseList(q, "service", func(v string) (string, error) {
		if len(v) > maxNameLen {
			return "", fmt.Errorf("service name of %d bytes, limit %d", len(v), maxNameLen)
		}
		if !utf8.ValidString(v) || strings.ContainsFunc(v, unicode.IsControl) {
			return "", fmt.Errorf("service name %q has invalid or control characters", truncate(v))
		}
		return v, nil
	})
	if err != nil {
		return req, err
	}
	req.filter.services = svcs

	if vs, ok := q["from"]; ok {
		switch {
		case len(vs) != 1:
			return req, &paramError{"from", "give it once"}
		case vs[0] == "earliest":
			req.start = startEarliest
		case vs[0] == "latest" || vs[0] == "":
			req.start = startLive
		default:
			return req, &paramError{"from", fmt.Sprintf("unknown value %q (want earliest or latest)", truncate(vs[0]))}
		}
	}

	// The header is what EventSource sends on reconnect; the query parameter is
	// for curl and tests. The header wins: a page opened with ?last_event_id=
	// keeps that URL, and its reconnects carry a newer header.
	param, id := "Last-Event-ID", lastEventID
	if id == "" {
		param, id = "last_event_id", q.Get("last_event_id")
	}
	if id != "" {
		m, err := parsePosition(id)
		if err != nil {
			return req, &paramError{param, "malformed event id: " + err.Error()}
		}
		// A resume wins over ?from=: EventSource reconnects with the URL it was
		// opened with, so a dashboard opened with ?from=earliest must resume,
		// not start over.
		req.start, req.resume = startResume, m
	}
	return req, nil
}

// parseList reads a parameter that may repeat and may hold comma-separated
// values, and returns the distinct values checked by check.
func parseList(q url.Values, name string, check func(string) (string, error)) ([]string, error) {
	vs, ok := q[name]
	if !ok {
		return nil, nil
	}
	var out []string
	for _, v := range vs {
		for item := range strings.SplitSeq(v, ",") {
			if item == "" {
				return nil, &paramError{name, "empty value"}
			}
			item, err := check(item)
			if err != nil {
				return nil, &paramError{name, err.Error()}
			}
			if !slices.Contains(out, item) {
				if len(out) == maxListItems {
					return nil, &paramError{name, fmt.Sprintf("more than %d values", maxListItems)}
				}
				out = append(out, item)
			}
		}
	}
	return out, nil
}

// truncate keeps error messages short when a client sends something huge.
func truncate(s string) string {
	const n = 64
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
