package ingest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/segmentio/kafka-go"

	"github.com/logsift/logsift/schemas"
)

// Limits from the LogEvent JSON Schema, in characters. Checking them here
// keeps every record we produce valid against the schema without running the
// schema validator on the hot path.
const (
	maxServiceChars = 256
	maxHostChars    = 256
	maxLevelChars   = 64
	maxIDChars      = 256
)

// decoder turns a request body into Kafka records. It holds only limits, so
// one value is shared by all requests.
type decoder struct {
	maxBody    int64
	maxLine    int
	maxEvent   int
	maxRecords int
}

// request is what decode needs to know about one HTTP request besides its
// body.
type request struct {
	contentType     string
	contentEncoding string
	service         string    // default service: query, header or Config.DefaultService
	now             time.Time // ts of events that carry none
}

type format int

const (
	formatJSON format = iota
	formatNDJSON
	formatText
)

// decode validates the whole body and returns one record per event. It
// either returns every record or a *requestError; it never returns some.
func (d *decoder) decode(body []byte, r request) ([]kafka.Message, *requestError) {
	f, rerr := parseContentType(r.contentType)
	if rerr != nil {
		return nil, rerr
	}
	body, rerr = d.uncompress(body, r.contentEncoding)
	if rerr != nil {
		return nil, rerr
	}
	b := batch{d: d, defService: r.service, now: r.now.UTC()}
	switch f {
	case formatJSON:
		rerr = b.json(body)
	case formatNDJSON:
		rerr = b.ndjson(body)
	default:
		rerr = b.text(body)
	}
	if rerr != nil {
		return nil, rerr
	}
	if len(b.msgs) == 0 {
		return nil, badRequest("no events in the body")
	}
	// Values were appended to one buffer to save an allocation per event;
	// slice it only now because appending may have moved it.
	for i := range b.msgs {
		b.msgs[i].Value = b.buf[b.ends[i][0]:b.ends[i][1]:b.ends[i][1]]
	}
	return b.msgs, nil
}

func parseContentType(ct string) (format, *requestError) {
	if ct == "" {
		return 0, unsupported("missing Content-Type: want application/json, application/x-ndjson or text/plain")
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return 0, unsupported("unsupported Content-Type %q: %v", ct, err)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		return 0, unsupported("unsupported charset %q: only utf-8 is accepted", cs)
	}
	switch mt {
	case "application/json":
		return formatJSON, nil
	case "application/x-ndjson", "application/ndjson", "application/jsonl":
		return formatNDJSON, nil
	case "text/plain":
		return formatText, nil
	}
	return 0, unsupported("unsupported Content-Type %q: want application/json, application/x-ndjson or text/plain", mt)
}

// uncompress undoes Content-Encoding. The output is capped at maxBody so a
// small compressed body cannot expand into unbounded memory.
func (d *decoder) uncompress(body []byte, enc string) ([]byte, *requestError) {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "", "identity":
		return body, nil
	case "gzip", "x-gzip":
	default:
		return nil, unsupported("unsupported Content-Encoding %q: want gzip or none", enc)
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, badRequest("invalid gzip body: %v", err)
	}
	var out bytes.Buffer
	// A guess that saves a few regrowths for typical log text (5-10x).
	out.Grow(int(min(int64(len(body))*4, d.maxBody+1)))
	n, err := io.Copy(&out, io.LimitReader(zr, d.maxBody+1))
	if err != nil {
		return nil, badRequest("invalid gzip body: %v", err)
	}
	if n > d.maxBody {
		return nil, tooLarge(0, "decompressed request body", n, "max_body_bytes", d.maxBody)
	}
	return out.Bytes(), nil
}

// batch accumulates the records of one request.
type batch struct {
	d          *decoder
	defService string
	now        time.Time

	msgs    []kafka.Message
	buf     []byte   // all encoded values, back to back
	ends    [][2]int // value i is buf[ends[i][0]:ends[i][1]]
	lastKey []byte   // records of one service share one key slice
	enc     *json.Encoder
	encBuf  bytes.Buffer
}

// add validates and normalises one event and appends its record.
func (b *batch) add(line int, ev *schemas.LogEvent) *requestError {
	if ev.Message == "" {
		return badLine(line, "message is required and must not be empty")
	}
	if len(ev.Message) > b.d.maxLine {
		return tooLarge(line, "message", int64(len(ev.Message)), "max_line_bytes", int64(b.d.maxLine))
	}
	if rerr := checkEventStrings(line, ev); rerr != nil {
		return rerr
	}
	if ev.Service == "" {
		ev.Service = b.defService
	}
	if ev.TS.IsZero() {
		ev.TS = b.now
	}
	if len(b.msgs) >= b.d.maxRecords {
		return &requestError{
			Status: 413,
			Msg:    fmt.Sprintf("line %d: more than %d events in one request (max_records)", line, b.d.maxRecords),
			Line:   line, Limit: "max_records", Max: int64(b.d.maxRecords),
		}
	}
	if b.enc == nil {
		b.enc = json.NewEncoder(&b.encBuf)
		// Log lines are full of <, > and &; escaping them only bloats the
		// record and the classifier's input.
		b.enc.SetEscapeHTML(false)
	}
	b.encBuf.Reset()
	if err := b.enc.Encode(ev); err != nil {
		// Reachable only through a ts whose UTC year leaves 0000-9999.
		return badLine(line, "cannot encode event: %v", err)
	}
	v := bytes.TrimSuffix(b.encBuf.Bytes(), []byte("\n"))
	if len(v) > b.d.maxEvent {
		return tooLarge(line, "encoded event", int64(len(v)), "max_event_bytes", int64(b.d.maxEvent))
	}
	if b.lastKey == nil || string(b.lastKey) != ev.Service {
		b.lastKey = []byte(ev.Service)
	}
	start := len(b.buf)
	b.buf = append(b.buf, v...)
	b.ends = append(b.ends, [2]int{start, len(b.buf)})
	b.msgs = append(b.msgs, kafka.Message{Key: b.lastKey})
	return nil
}

// checkEventStrings enforces no NUL bytes anywhere and the schema's length
// limits. UTF-8 validity was already checked on the raw bytes, because
// encoding/json silently replaces invalid sequences with U+FFFD.
func checkEventStrings(line int, ev *schemas.LogEvent) *requestError {
	for _, f := range [...]struct {
		name, v string
		max     int
	}{
		{"message", ev.Message, 0},
		{"service", ev.Service, maxServiceChars},
		{"host", ev.Host, maxHostChars},
		{"level", ev.Level, maxLevelChars},
		{"id", ev.ID, maxIDChars},
	} {
		if strings.IndexByte(f.v, 0) >= 0 {
			return badLine(line, "%s contains a NUL byte", f.name)
		}
		if f.max > 0 && len(f.v) > f.max && utf8.RuneCountInString(f.v) > f.max {
			return badLine(line, "%s is longer than %d characters", f.name, f.max)
		}
	}
	for k, v := range ev.Attrs {
		if strings.IndexByte(k, 0) >= 0 || strings.IndexByte(v, 0) >= 0 {
			return badLine(line, "attrs[%q] contains a NUL byte", strings.ReplaceAll(k, "\x00", `\0`))
		}
	}
	return nil
}

// text reads one message per line. A trailing CR is dropped so CRLF bodies
// work; blank lines are skipped but still counted.
func (b *batch) text(body []byte) *requestError {
	for line, rest := 1, body; len(rest) > 0; line++ {
		var l []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			l, rest = rest[:i], rest[i+1:]
		} else {
			l, rest = rest, nil
		}
		l = bytes.TrimSuffix(l, []byte("\r"))
		if isBlank(l) {
			continue
		}
		if len(l) > b.d.maxLine {
			return tooLarge(line, "line", int64(len(l)), "max_line_bytes", int64(b.d.maxLine))
		}
		if !utf8.Valid(l) {
			return badLine(line, "not valid UTF-8")
		}
		if bytes.IndexByte(l, 0) >= 0 {
			return badLine(line, "message contains a NUL byte")
		}
		ev := schemas.LogEvent{Message: string(l)}
		if rerr := b.add(line, &ev); rerr != nil {
			return rerr
		}
	}
	return nil
}

// ndjson reads one JSON object per line.
func (b *batch) ndjson(body []byte) *requestError {
	for line, rest := 1, body; len(rest) > 0; line++ {
		var l []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			l, rest = rest[:i], rest[i+1:]
		} else {
			l, rest = rest, nil
		}
		if isBlank(l) {
			continue
		}
		if rerr := b.addJSON(line, l); rerr != nil {
			return rerr
		}
	}
	return nil
}

// json reads one object or an array of objects; for an array, "line" in
// errors is the 1-based element number.
func (b *batch) json(body []byte) *requestError {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return badRequest("empty body: want a JSON object or array")
	}
	if trimmed[0] != '[' {
		return b.addJSON(1, trimmed)
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if _, err := dec.Token(); err != nil {
		return badLine(1, "%s", jsonReason(err))
	}
	n := 0
	for dec.More() {
		n++
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return badLine(n, "%s", jsonReason(err))
		}
		if rerr := b.addJSON(n, raw); rerr != nil {
			return rerr
		}
	}
	// The closing bracket; also where a missing comma or a truncated array
	// shows up.
	if tok, err := dec.Token(); err != nil {
		return badLine(n+1, "%s", jsonReason(err))
	} else if tok != json.Delim(']') {
		return badLine(n+1, "unexpected %v in array", tok)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("unexpected data after the JSON array")
	}
	return nil
}

func (b *batch) addJSON(line int, raw []byte) *requestError {
	if !utf8.Valid(raw) {
		return badLine(line, "not valid UTF-8")
	}
	var ev schemas.LogEvent
	if reason := parseEvent(raw, &ev); reason != "" {
		return badLine(line, "%s", reason)
	}
	return b.add(line, &ev)
}

// parseEvent decodes one LogEvent object strictly: field names match
// exactly (encoding/json alone would accept "MESSAGE"), unknown and repeated
// fields are refused, and nothing may follow the object. It returns the
// reason for a refusal, or "".
func parseEvent(raw []byte, ev *schemas.LogEvent) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return jsonReason(err)
	}
	if tok != json.Delim('{') {
		return fmt.Sprintf("want a JSON object, got %s", tokenKind(tok))
	}
	var seen uint8
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return jsonReason(err)
		}
		key, _ := tok.(string) // inside an object, a token here is always a key
		var bit uint8
		var dst any
		switch key {
		case "message":
			bit, dst = 1<<0, &ev.Message
		case "ts":
			bit, dst = 1<<1, nil
		case "service":
			bit, dst = 1<<2, &ev.Service
		case "host":
			bit, dst = 1<<3, &ev.Host
		case "level":
			bit, dst = 1<<4, &ev.Level
		case "attrs":
			bit, dst = 1<<5, &ev.Attrs
		case "id":
			bit, dst = 1<<6, &ev.ID
		default:
			return fmt.Sprintf("unknown field %q", key)
		}
		if seen&bit != 0 {
			return fmt.Sprintf("duplicate field %q", key)
		}
		seen |= bit
		if key == "ts" {
			var s *string
			if err := dec.Decode(&s); err != nil {
				return fieldReason(key, err)
			}
			if s != nil {
				t, err := time.Parse(time.RFC3339Nano, *s)
				if err != nil {
					return fmt.Sprintf("ts %q is not an RFC 3339 time", *s)
				}
				ev.TS = t.UTC()
			}
			continue
		}
		if err := dec.Decode(dst); err != nil {
			return fieldReason(key, err)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return jsonReason(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return jsonReason(err)
		}
		return "unexpected data after the JSON object"
	}
	return ""
}

func fieldReason(field string, err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		want := "a string"
		if field == "attrs" {
			want = "an object of strings"
		}
		return fmt.Sprintf("%s: want %s, got %s", field, want, te.Value)
	}
	return jsonReason(err)
}

func jsonReason(err error) string {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return "unexpected end of JSON input"
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d: %s", se.Offset, se.Error())
	}
	return "invalid JSON: " + strings.TrimPrefix(err.Error(), "json: ")
}

func tokenKind(tok json.Token) string {
	switch tok.(type) {
	case json.Delim:
		if tok == json.Delim('[') {
			return "an array"
		}
		return fmt.Sprintf("%v", tok)
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", tok)
}

func isBlank(l []byte) bool {
	for _, c := range l {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}
