package ingest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/logsift/logsift/schemas"
)

var testNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func testDecoder() *decoder {
	return &decoder{maxBody: 1 << 20, maxLine: 64, maxEvent: 1024, maxRecords: 100}
}

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// decodeEvents decodes and checks the records' shape: key = service, value a
// schema-valid LogEvent.
func decodeEvents(t *testing.T, d *decoder, ct, body string) []schemas.LogEvent {
	t.Helper()
	msgs, rerr := d.decode([]byte(body), request{contentType: ct, service: "svc-default", now: testNow})
	if rerr != nil {
		t.Fatalf("decode(%q, %q): %v", ct, body, rerr)
	}
	out := make([]schemas.LogEvent, len(msgs))
	for i, m := range msgs {
		if err := schemas.ValidateLogEvent(m.Value); err != nil {
			t.Fatalf("record %d %s: %v", i, m.Value, err)
		}
		if err := json.Unmarshal(m.Value, &out[i]); err != nil {
			t.Fatal(err)
		}
		if string(m.Key) != out[i].Service {
			t.Fatalf("record %d: key %q, service %q", i, m.Key, out[i].Service)
		}
	}
	return out
}

func TestDecodeAccepts(t *testing.T) {
	d := testDecoder()
	f := func(ct, body string, want ...schemas.LogEvent) {
		t.Helper()
		got := decodeEvents(t, d, ct, body)
		if len(got) != len(want) {
			t.Fatalf("decode(%q, %q): %d events, want %d: %+v", ct, body, len(got), len(want), got)
		}
		for i := range want {
			if want[i].TS.IsZero() {
				want[i].TS = testNow
			}
			if want[i].Service == "" {
				want[i].Service = "svc-default"
			}
			g, w := got[i], want[i]
			if g.Message != w.Message || !g.TS.Equal(w.TS) || g.Service != w.Service || g.Host != w.Host ||
				g.Level != w.Level || g.ID != w.ID || len(g.Attrs) != len(w.Attrs) {
				t.Fatalf("decode(%q, %q)[%d] = %+v, want %+v", ct, body, i, g, w)
			}
			for k, v := range w.Attrs {
				if g.Attrs[k] != v {
					t.Fatalf("decode(%q, %q)[%d].attrs[%q] = %q, want %q", ct, body, i, k, g.Attrs[k], v)
				}
			}
		}
	}
	ev := func(msg string) schemas.LogEvent { return schemas.LogEvent{Message: msg} }
	ts := time.Date(2026, 1, 2, 3, 4, 5, 600000000, time.UTC)

	f("application/json", `{"message":"a"}`, ev("a"))
	f("application/json; charset=utf-8", ` {"message":"a <b> & c"} `+"\n", ev("a <b> & c"))
	f("application/json", `[{"message":"a"},{"message":"b","service":"s2"}]`, ev("a"), schemas.LogEvent{Message: "b", Service: "s2"})
	f("application/json", `{"message":"m","ts":"2026-01-02T04:04:05.6+01:00","host":"h","level":"WARN","attrs":{"k":"v"},"id":"x1","service":"api"}`,
		schemas.LogEvent{Message: "m", TS: ts, Host: "h", Level: "WARN", Attrs: map[string]string{"k": "v"}, ID: "x1", Service: "api"})
	f("application/json", `{"message":"m","ts":null,"service":null}`, ev("m"))
	f("application/json", `{"message":"caf\u00e9 \ud83d\ude00"}`, ev("café 😀"))
	f("application/json", `{"message":"q\"b\\s\/ n\n t\t r\r b\b f\f \u00e9\ud83d\ude00 lone \ud800 x \u2028"}`,
		ev("q\"b\\s/ n\n t\t r\r b\b f\f é😀 lone \ufffd x \u2028"))
	f("application/json", ` { "message" : "a" , "attrs" : { "k" : "v" , "gone" : null } , "host" : null } `,
		schemas.LogEvent{Message: "a", Attrs: map[string]string{"k": "v"}})
	f("application/json", `[ {"message":"a"} , {"message":"b"} ]`, ev("a"), ev("b"))
	f("application/x-ndjson", "{\"message\":\"a\"}\n\n  \n{\"message\":\"b\"}\r\n", ev("a"), ev("b"))
	f("application/x-ndjson", `{"message":"no newline at end"}`, ev("no newline at end"))
	f("text/plain", "line one\r\nline two\n\nline three", ev("line one"), ev("line two"), ev("line three"))
	f("text/plain; charset=UTF-8", "  indented stays\t\n", ev("  indented stays\t"))
	f("text/plain", strings.Repeat("x", 64), ev(strings.Repeat("x", 64)))
	f("text/plain", "α"+strings.Repeat("x", 62), ev("α"+strings.Repeat("x", 62)))
}

func TestDecodeGzip(t *testing.T) {
	d := testDecoder()
	for _, c := range []struct{ ct, body string }{
		{"application/json", `[{"message":"a"},{"message":"b"}]`},
		{"application/x-ndjson", "{\"message\":\"a\"}\n{\"message\":\"b\"}\n"},
		{"text/plain", "a\nb\n"},
	} {
		msgs, rerr := d.decode(gz(t, []byte(c.body)), request{contentType: c.ct, contentEncoding: "gzip", service: "s", now: testNow})
		if rerr != nil {
			t.Fatalf("%s: %v", c.ct, rerr)
		}
		if len(msgs) != 2 || !bytes.Contains(msgs[1].Value, []byte(`"message":"b"`)) {
			t.Fatalf("%s: got %d records, last %s", c.ct, len(msgs), msgs[len(msgs)-1].Value)
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	d := testDecoder()
	f := func(ct, enc, body string, status, line int, reasonHas string) {
		t.Helper()
		msgs, rerr := d.decode([]byte(body), request{contentType: ct, contentEncoding: enc, service: "s", now: testNow})
		if rerr == nil {
			t.Fatalf("decode(%q, %q) accepted %d records, want %d", ct, body, len(msgs), status)
		}
		if msgs != nil {
			t.Fatalf("decode(%q, %q) returned records with an error", ct, body)
		}
		if rerr.Status != status || rerr.Line != line || !strings.Contains(rerr.Msg+" "+rerr.Reason, reasonHas) {
			t.Fatalf("decode(%q, %q) = %d line %d %q (reason %q), want %d line %d containing %q",
				ct, body, rerr.Status, rerr.Line, rerr.Msg, rerr.Reason, status, line, reasonHas)
		}
	}
	long := strings.Repeat("x", 65)
	const js, nd, tx = "application/json", "application/x-ndjson", "text/plain"

	// Content types and encodings.
	f("", "", `{"message":"a"}`, 415, 0, "missing Content-Type")
	f("application/xml", "", `<a/>`, 415, 0, "application/xml")
	f("text/plain; charset=latin1", "", "a", 415, 0, "charset")
	f("not a / type", "", "a", 415, 0, "Content-Type")
	f(tx, "br", "a", 415, 0, "Content-Encoding")
	f(tx, "gzip", "not gzip", 400, 0, "gzip")

	// Empty bodies.
	f(js, "", "", 400, 0, "empty body")
	f(js, "", " \n", 400, 0, "empty body")
	f(js, "", "[]", 400, 0, "no events")
	f(nd, "", "\n\n", 400, 0, "no events")
	f(tx, "", "", 400, 0, "no events")

	// JSON syntax and shape.
	f(js, "", `{"message":`, 400, 1, "unexpected end")
	f(js, "", `{"message":"a"`, 400, 1, "end of JSON")
	f(js, "", `{"message":"a"} {"message":"b"}`, 400, 1, "after the JSON object")
	f(js, "", `"just a string"`, 400, 1, "want a JSON object, got a string")
	f(js, "", `[{"message":"a"},{"message":}]`, 400, 2, "invalid JSON")
	f(js, "", `[{"message":"a"} {"message":"b"}]`, 400, 2, "")
	f(js, "", `[{"message":"a"},`, 400, 2, "")
	f(js, "", `[{"message":"a"}`, 400, 2, "end of JSON")
	f(js, "", `[{"message":"a"}] x`, 400, 0, "after the JSON array")
	f(js, "", `[{"message":"a"},[]]`, 400, 2, "want a JSON object, got an array")
	f(js, "", `[{"message":"a"},1]`, 400, 2, "got a number")
	f(nd, "", "{\"message\":\"a\"}\n{\"message\":\"b\"} {\"message\":\"c\"}\n", 400, 2, "after the JSON object")
	f(nd, "", "{\"message\":\"a\"}\nnot json\n", 400, 2, "invalid JSON")

	// Fields.
	f(js, "", `{"message":1}`, 400, 1, "message: want a string, got number")
	f(js, "", `{"message":"a","attrs":{"k":1}}`, 400, 1, `attrs["k"]: want a string, got number`)
	f(js, "", `{"message":"a","attrs":{"k":"v",}}`, 400, 1, "want a field name")
	f(js, "", `{"message":"a",}`, 400, 1, "want a field name")
	f(js, "", `{"message":"a" "level":"x"}`, 400, 1, `want "," or "}"`)
	f(js, "", `{"message":"a\x"}`, 400, 1, "invalid escape")
	f(js, "", `{"message":"a\u12"}`, 400, 1, `invalid \u escape`)
	f(js, "", "{\"message\":\"a\nb\"}", 400, 1, "control character")
	f(js, "", `{"message":"a}`, 400, 1, "unterminated string")
	f(js, "", `{"message":tru}`, 400, 1, "want a value")
	f(js, "", `{"message":"a","attrs":"k"}`, 400, 1, "attrs: want an object of strings, got string")
	f(js, "", `{"message":"a","host":true}`, 400, 1, "host: want a string, got bool")
	f(js, "", `{}`, 400, 1, "message is required")
	f(js, "", `{"message":""}`, 400, 1, "message is required")
	f(js, "", `{"message":null}`, 400, 1, "message is required")
	f(nd, "", "{\"message\":\"a\"}\n\n{\"level\":\"info\"}\n", 400, 3, "message is required")
	f(js, "", `{"message":"a","extra":1}`, 400, 1, `unknown field "extra"`)
	f(js, "", `{"MESSAGE":"a"}`, 400, 1, `unknown field "MESSAGE"`)
	f(js, "", `{"message":"a","message":"b"}`, 400, 1, `duplicate field "message"`)
	f(js, "", `{"message":"a","ts":"yesterday"}`, 400, 1, "RFC 3339")
	f(js, "", `{"message":"a","ts":"2026-11-27 12:00:00Z"}`, 400, 1, "RFC 3339")
	f(js, "", `{"message":"a","ts":1700000000}`, 400, 1, "ts: want a string")
	f(js, "", `{"message":"a","ts":"0000-01-01T00:00:00+01:00"}`, 400, 1, "cannot encode")
	f(js, "", `{"message":"a","level":"`+strings.Repeat("l", 65)+`"}`, 400, 1, "level is longer than 64")
	f(js, "", `{"message":"a","service":"`+strings.Repeat("s", 257)+`"}`, 400, 1, "service is longer than 256")

	// UTF-8 and NUL.
	f(tx, "", "ok\nbad \xff byte\n", 400, 2, "UTF-8")
	f(nd, "", "{\"message\":\"bad \xc3\x28\"}", 400, 1, "UTF-8")
	f(js, "", "[{\"message\":\"a\"},{\"message\":\"\xed\xa0\x80\"}]", 400, 2, "UTF-8")
	f(tx, "", "a\x00b", 400, 1, "NUL")
	f(js, "", `{"message":"a\u0000b"}`, 400, 1, "message contains a NUL")
	f(js, "", `{"message":"a","attrs":{"k":"\u0000"}}`, 400, 1, "NUL")
	f(js, "", "{\"message\":\"a\x00b\"}", 400, 1, "invalid JSON")

	// Limits: the first bad line wins, whatever its kind.
	f(tx, "", "ok\n"+long+"\n\xff\n", 413, 2, "max_line_bytes")
	f(tx, "", "ok\n\xff\n"+long+"\n", 400, 2, "UTF-8")
	f(nd, "", "{\"message\":\"ok\"}\n{\"message\":\""+long+"\"}\n", 413, 2, "max_line_bytes")
	f(js, "", `[{"message":"ok"},{"message":"`+long+`"}]`, 413, 2, "max_line_bytes")
	f(js, "", `{"message":"a","attrs":{"k":"`+strings.Repeat("v", 1100)+`"}}`, 413, 1, "max_event_bytes")
	f(tx, "", strings.Repeat("a\n", 101), 413, 101, "max_records")
}

func TestDecodeGzipBomb(t *testing.T) {
	d := testDecoder()
	bomb := gz(t, bytes.Repeat([]byte("x\n"), int(d.maxBody))) // 2 MiB of output from ~2 KiB
	if len(bomb) > 16<<10 {
		t.Fatalf("bomb is %d bytes, expected a tiny one", len(bomb))
	}
	_, rerr := d.decode(bomb, request{contentType: "text/plain", contentEncoding: "gzip", service: "s", now: testNow})
	if rerr == nil || rerr.Status != 413 || rerr.Limit != "max_body_bytes" {
		t.Fatalf("gzip bomb: got %+v, want 413 max_body_bytes", rerr)
	}
	// Exactly at the limit is fine.
	exact := gz(t, bytes.Repeat([]byte("x\n"), 50))
	if _, rerr := d.decode(exact, request{contentType: "text/plain", contentEncoding: "gzip", service: "s", now: testNow}); rerr != nil {
		t.Fatalf("small gzip: %v", rerr)
	}
}

func TestDecodeSharesKeysPerService(t *testing.T) {
	d := testDecoder()
	msgs, rerr := d.decode([]byte("a\nb\n"), request{contentType: "text/plain", service: "s", now: testNow})
	if rerr != nil {
		t.Fatal(rerr)
	}
	if &msgs[0].Key[0] != &msgs[1].Key[0] {
		t.Fatal("records of one service should share one key slice")
	}
	if cap(msgs[0].Value) != len(msgs[0].Value) {
		t.Fatal("a value must be capped so appending to it cannot overwrite the next one")
	}
}

// TestAppendEventMatchesEncodingJSON: our writer and encoding/json must
// produce values that decode to the same event.
func TestAppendEventMatchesEncodingJSON(t *testing.T) {
	evs := []schemas.LogEvent{
		{Message: "plain"},
		{Message: "esc \" \\ / \n\r\t\b\f \x01 \x1f <&> é 😀 \u2028\u2029", TS: testNow.Add(123456789), Service: "s", Host: "h", Level: "l",
			Attrs: map[string]string{"b": "2", "a": "1\n", "": "empty key"}, ID: "id"},
		{Message: "offset", TS: time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("x", 3600))},
	}
	for _, ev := range evs {
		got, err := appendEvent(nil, &ev)
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(got) {
			t.Fatalf("appendEvent(%+v) = %s: not JSON", ev, got)
		}
		var back schemas.LogEvent
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(ev)
		again, _ := json.Marshal(back)
		if string(want) != string(again) {
			t.Fatalf("round trip changed the event:\n got %s\nwant %s", again, want)
		}
	}
	if _, err := appendEvent(nil, &schemas.LogEvent{Message: "m", TS: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}); err == nil {
		t.Fatal("year 10000 must not encode")
	}
}

// TestDecodeErrorsStaySmall: client text quoted in an error is clipped.
func TestDecodeErrorsStaySmall(t *testing.T) {
	d := testDecoder()
	huge := strings.Repeat("é", 5000)
	for _, c := range []struct{ ct, enc, body string }{
		{"application/json", "", `{"` + huge + `":1}`},
		{"application/json", "", `{"message":"a","ts":"` + huge + `"}`},
		{"application/json", "", `{"message":"a","attrs":{"` + huge + `":1}}`},
		{"application/" + strings.Repeat("x", 5000), "", "a"},
		{"text/plain", strings.Repeat("z", 5000), "a"},
	} {
		_, rerr := d.decode([]byte(c.body), request{contentType: c.ct, contentEncoding: c.enc, service: "s", now: testNow})
		if rerr == nil {
			t.Fatal("accepted")
		}
		if len(rerr.Msg) > 300 || len(rerr.Reason) > 300 || !utf8.ValidString(rerr.Msg) {
			t.Fatalf("error of %d bytes (valid UTF-8 %v): %.100q", len(rerr.Msg), utf8.ValidString(rerr.Msg), rerr.Msg)
		}
	}
}
