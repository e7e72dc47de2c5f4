package stream

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/logsift/logsift/schemas"
)

func TestDecodeRecord(t *testing.T) {
	l := logFor(3)
	l.Service = ""
	pretty, _ := json.MarshalIndent(l, "", "  ")
	e, err := decodeRecord(2, 17, []byte("key-svc"), pretty)
	if err != nil {
		t.Fatal(err)
	}
	if e.partition != 2 || e.offset != 17 || e.service != "key-svc" || e.category != l.Category ||
		e.rank != schemas.SeverityRank(l.Severity) || !e.classifiedAt.Equal(l.ClassifiedAt) {
		t.Errorf("entry %+v", e)
	}
	if bytes.ContainsAny(e.data, "\r\n") {
		t.Errorf("data not one line: %q", e.data)
	}
	var back schemas.ClassifiedLog
	if err := json.Unmarshal(e.data, &back); err != nil || back.Message != l.Message {
		t.Errorf("data %q does not decode back: %v", e.data, err)
	}
	// Compact records are passed through as they are, unknown fields included.
	raw := []byte(`{"message":"m","severity":"info","extra":{"x":1}}`)
	if e, err := decodeRecord(0, 0, nil, raw); err != nil || !bytes.Equal(e.data, raw) {
		t.Errorf("compact record: %v %q", err, e.data)
	}
	for _, bad := range []string{"", "null", "{}", `{"message":""}`, "[1]", "text line", `{"message":"m","severity":3}`, `{"message":"m"`} {
		if _, err := decodeRecord(0, 0, nil, []byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// FuzzDecodeRecord: record values come from whoever can write to the topic.
// Whatever is accepted must be one line of JSON that decodes as a
// ClassifiedLog with a message.
func FuzzDecodeRecord(f *testing.F) {
	v, _ := json.Marshal(logFor(1))
	f.Add(v)
	pretty, _ := json.MarshalIndent(logFor(2), "", "\t")
	f.Add(pretty)
	f.Add([]byte(`{"message":"a\nb","severity":"error"}`))
	f.Add([]byte("not json"))
	f.Fuzz(func(t *testing.T, value []byte) {
		e, err := decodeRecord(0, 0, []byte("k"), value)
		if err != nil {
			return
		}
		if bytes.ContainsAny(e.data, "\r\n") {
			t.Fatalf("multi-line data %q", e.data)
		}
		var cl schemas.ClassifiedLog
		if err := json.Unmarshal(e.data, &cl); err != nil || cl.Message == "" {
			t.Fatalf("data %q: %v", e.data, err)
		}
		if e.rank < -1 || e.rank >= len(schemas.Severities) {
			t.Fatalf("rank %d", e.rank)
		}
	})
}
