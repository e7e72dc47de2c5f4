package ingest

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/logsift/logsift/schemas"
)

// FuzzDecode feeds arbitrary bodies through every decoder. Each input must
// either yield records that are valid LogEvents, or a 4xx refusal; never a
// panic, a 5xx, or records together with an error. Against encoding/json as
// the oracle: an accepted JSON body or NDJSON line is valid JSON, and a
// single accepted object decodes to the same fields.
func FuzzDecode(f *testing.F) {
	cts := []string{"application/json", "application/x-ndjson", "text/plain", "text/plain; charset=latin1", "image/png"}
	encs := []string{"", "gzip"}
	seeds := []string{
		`{"message":"a"}`,
		`[{"message":"a","ts":"2026-01-02T03:04:05Z"},{"message":"b","service":"s","attrs":{"k":"v"}}]`,
		"{\"message\":\"a\"}\n\n{\"message\":\"b\",\"level\":\"info\"}\r\n",
		"plain line\r\nsecond\n",
		`{"message":"a","ts":"0000-01-01T00:00:00+01:00"}`,
		`{"message":"\u0000"}`,
		"\xff\xfe",
		`[{"message":"a"},`,
		`{"message":"a","message":"b"}`,
	}
	for i, s := range seeds {
		f.Add([]byte(s), uint8(i%3), uint8(0))
	}
	f.Add(gz(f, []byte("a\nb\n")), uint8(2), uint8(1))
	f.Add(gz(f, []byte(`[{"message":"a"}]`)), uint8(0), uint8(1))

	d := &decoder{maxBody: 1 << 16, maxLine: 256, maxEvent: 1024, maxRecords: 64}
	f.Fuzz(func(t *testing.T, body []byte, ct, enc uint8) {
		r := request{
			contentType:     cts[int(ct)%len(cts)],
			contentEncoding: encs[int(enc)%len(encs)],
			service:         "fuzz",
			now:             testNow,
		}
		msgs, rerr := d.decode(body, r)
		if rerr != nil {
			if msgs != nil {
				t.Fatalf("records together with error %v", rerr)
			}
			if rerr.Status < 400 || rerr.Status > 499 || rerr.Msg == "" {
				t.Fatalf("refusal %d %q: want a 4xx with a message", rerr.Status, rerr.Msg)
			}
			if _, err := json.Marshal(rerr); err != nil {
				t.Fatalf("error body does not encode: %v", err)
			}
			return
		}
		if len(msgs) == 0 {
			t.Fatal("accepted with no records")
		}
		for i, m := range msgs {
			if err := schemas.ValidateLogEvent(m.Value); err != nil {
				t.Fatalf("record %d %q is not a valid LogEvent: %v", i, m.Value, err)
			}
			if len(m.Key) == 0 {
				t.Fatalf("record %d has no key", i)
			}
		}
		if r.contentEncoding != "" {
			return
		}
		switch r.contentType {
		case "application/json":
			if !json.Valid(body) {
				t.Fatalf("accepted invalid JSON %q", body)
			}
			if trimmed := bytes.TrimLeft(body, " \t\r\n"); trimmed[0] == '{' {
				var want, got schemas.LogEvent
				if err := json.Unmarshal(body, &want); err != nil {
					t.Fatalf("encoding/json refuses what we accepted: %v", err)
				}
				if err := json.Unmarshal(msgs[0].Value, &got); err != nil {
					t.Fatal(err)
				}
				if got.Message != want.Message || got.Host != want.Host || got.Level != want.Level || got.ID != want.ID ||
					(want.Service != "" && got.Service != want.Service) || (!want.TS.IsZero() && !got.TS.Equal(want.TS)) {
					t.Fatalf("decoded %+v, encoding/json says %+v", got, want)
				}
				for k, v := range got.Attrs {
					if want.Attrs[k] != v {
						t.Fatalf("attrs[%q] = %q, encoding/json says %q", k, v, want.Attrs[k])
					}
				}
			}
		case "application/x-ndjson":
			for _, l := range bytes.Split(body, []byte("\n")) {
				if len(bytes.TrimSpace(l)) > 0 && !json.Valid(l) {
					t.Fatalf("accepted invalid NDJSON line %q", l)
				}
			}
		}
	})
}
