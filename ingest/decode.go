package ingest

import (
	"bytes"
	"compress/gzip"
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
	// Sizes for the common case of one event per line: a value is the line
	// plus the JSON around the message and a ts and service if it had none.
	if f == formatJSON {
		b.buf = make([]byte, 0, 2*len(body)+64)
	} else {
		lines := min(bytes.Count(body, []byte("\n"))+1, d.maxRecords)
		perLine := 48
		if f == formatText {
			perLine = 96
		}
		b.buf = make([]byte, 0, len(body)+perLine*lines)
		b.msgs = make([]kafka.Message, 0, lines)
		b.ends = make([][2]int, 0, lines)
	}
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
		return 0, unsupported("unsupported Content-Type %q: %v", clip(ct), err)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		return 0, unsupported("unsupported charset %q: only utf-8 is accepted", clip(cs))
	}
	switch mt {
	case "application/json":
		return formatJSON, nil
	case "application/x-ndjson", "application/ndjson", "application/jsonl":
		return formatNDJSON, nil
	case "text/plain":
		return formatText, nil
	}
	return 0, unsupported("unsupported Content-Type %q: want application/json, application/x-ndjson or text/plain", clip(mt))
}

// uncompress undoes Content-Encoding. The output is capped at maxBody so a
// small compressed body cannot expand into unbounded memory.
func (d *decoder) uncompress(body []byte, enc string) ([]byte, *requestError) {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "", "identity":
		return body, nil
	case "gzip", "x-gzip":
	default:
		return nil, unsupported("unsupported Content-Encoding %q: want gzip or none", clip(enc))
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
	jr      jsonReader
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
	start := len(b.buf)
	var err error
	if b.buf, err = appendEvent(b.buf, ev); err != nil {
		b.buf = b.buf[:start]
		return badLine(line, "cannot encode event: %v", err)
	}
	if n := len(b.buf) - start; n > b.d.maxEvent {
		return tooLarge(line, "encoded event", int64(n), "max_event_bytes", int64(b.d.maxEvent))
	}
	if b.lastKey == nil || string(b.lastKey) != ev.Service {
		b.lastKey = []byte(ev.Service)
	}
	b.ends = append(b.ends, [2]int{start, len(b.buf)})
	b.msgs = append(b.msgs, kafka.Message{Key: b.lastKey})
	return nil
}

// checkEventStrings enforces no NUL bytes anywhere and the schema's length
// limits. UTF-8 validity was already checked once on the raw bytes, which is
// cheaper than per string and also covers text lines.
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
			return badLine(line, "attrs[%q] contains a NUL byte", clip(k))
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
	r := &b.jr
	r.b, r.pos = body, 0
	switch r.peek() {
	case 0:
		return badRequest("empty body: want a JSON object or array")
	case '[':
	default:
		return b.addJSON(1, body)
	}
	r.pos++
	if r.peek() == ']' {
		r.pos++
	} else {
		for n := 1; ; n++ {
			r.skipWS()
			start := r.pos
			var ev schemas.LogEvent
			if reason := r.event(&ev); reason != "" {
				return badLine(n, "%s", reason)
			}
			if !utf8.Valid(body[start:r.pos]) {
				return badLine(n, "not valid UTF-8")
			}
			if rerr := b.add(n, &ev); rerr != nil {
				return rerr
			}
			c := r.peek()
			r.pos++
			if c == ']' {
				break
			}
			if c != ',' {
				// A missing comma or a truncated array: blame the element
				// that should have come next.
				r.pos--
				return badLine(n+1, "%s", r.unexpected(`"," or "]"`).reason())
			}
		}
	}
	if r.peek() != 0 {
		return badRequest("unexpected data after the JSON array at byte %d", r.pos)
	}
	return nil
}

// addJSON reads one object that must fill raw (an NDJSON line or a whole
// JSON body).
func (b *batch) addJSON(line int, raw []byte) *requestError {
	if !utf8.Valid(raw) {
		return badLine(line, "not valid UTF-8")
	}
	r := &b.jr
	r.b, r.pos = raw, 0
	var ev schemas.LogEvent
	if reason := r.event(&ev); reason != "" {
		return badLine(line, "%s", reason)
	}
	if r.peek() != 0 {
		return badLine(line, "unexpected data after the JSON object at byte %d", r.pos)
	}
	return b.add(line, &ev)
}

func isBlank(l []byte) bool {
	for _, c := range l {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}
