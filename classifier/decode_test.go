package classifier

import (
	"errors"
	"testing"
	"time"
)

func TestDecode(t *testing.T) {
	recTime := time.Date(2026, 11, 27, 10, 0, 0, 0, time.FixedZone("X", 3600))
	f := func(value, key string, wantMsg, wantService string, wantTS time.Time) {
		t.Helper()
		ev, err := Decode([]byte(value), []byte(key), recTime)
		if err != nil {
			t.Fatalf("Decode(%q): %v", value, err)
		}
		if ev.Message != wantMsg || ev.Service != wantService || !ev.TS.Equal(wantTS) || ev.TS.Location() != time.UTC {
			t.Fatalf("Decode(%q) = message %q service %q ts %v; want %q %q %v (UTC)",
				value, ev.Message, ev.Service, ev.TS, wantMsg, wantService, wantTS)
		}
	}
	ts := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f(`{"message":"disk full","service":"db","ts":"2026-01-02T03:04:05Z"}`, "k", "disk full", "db", ts)
	f(`  {"message":"disk full"}`, "api", "disk full", "api", recTime)
	f(`{"message":"x"}`, "", "x", "unknown", recTime)
	f("plain line here\n", "web", "plain line here", "web", recTime)
	f("plain line\r\n", "", "plain line", "unknown", recTime)
	f(`{foo} bar happened`, "s", `{foo} bar happened`, "s", recTime) // braces in a log line, not JSON
	f(`["an","array"]`, "s", `["an","array"]`, "s", recTime)
	f(`"a string"`, "s", `"a string"`, "s", recTime)
	f("x", "\xff\xfe", "x", "unknown", recTime) // a key that is not text is not a service

	bad := func(value, wantReason string) {
		t.Helper()
		_, err := Decode([]byte(value), nil, recTime)
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Fatalf("Decode(%q) error = %v; want a *DecodeError", value, err)
		}
		if de.Reason != wantReason {
			t.Fatalf("Decode(%q) reason = %q; want %q", value, de.Reason, wantReason)
		}
	}
	bad(`{"msg":"no message field"}`, "invalid LogEvent")
	bad(`{"message":""}`, "invalid LogEvent")
	bad(`{"message":"x","ts":"yesterday"}`, "invalid LogEvent")
	bad(`{"message":"x","attrs":{"a":1}}`, "invalid LogEvent")
	bad(`{"message": broken`, "malformed JSON object")
	bad(`{}`, "invalid LogEvent")
	bad(`{ }x`, "malformed JSON object")
	bad("", "empty record")
	bad("  \r\n", "empty record")
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"message":"disk full","service":"db","ts":"2026-01-02T03:04:05Z","attrs":{"a":"b"}}`,
		`{"message": broken`, "plain text line", "", `{}`, "{\"message\":\"\\u0000\"}", "\xff\xfe",
	} {
		f.Add([]byte(s), []byte("svc"))
	}
	rec := time.Unix(1_700_000_000, 0)
	f.Fuzz(func(t *testing.T, value, key []byte) {
		ev, err := Decode(value, key, rec)
		if err != nil {
			if !isDecodeError(err) {
				t.Fatalf("Decode error %v is not a *DecodeError", err)
			}
			return
		}
		if ev.Message == "" || ev.Service == "" || ev.TS.IsZero() {
			t.Fatalf("Decode(%q) = %+v: message, service and ts must be set", value, ev)
		}
	})
}
