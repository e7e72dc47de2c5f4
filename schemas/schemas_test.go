package schemas

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDefaultSchemaMatchesTaxonomy(t *testing.T) {
	var doc struct {
		Properties struct {
			Severity  struct{ Enum []string } `json:"severity"`
			Category  struct{ Enum []string } `json:"category"`
			Component struct {
				MaxLength int `json:"maxLength"`
			} `json:"component"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(DefaultClassificationSchema(), &doc); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(doc.Properties.Severity.Enum, Severities) {
		t.Errorf("severity enum %v != taxonomy %v", doc.Properties.Severity.Enum, Severities)
	}
	if !slices.Equal(doc.Properties.Category.Enum, CategoryNames()) {
		t.Errorf("category enum %v != taxonomy %v", doc.Properties.Category.Enum, CategoryNames())
	}
	if doc.Properties.Component.MaxLength != MaxComponentLen {
		t.Errorf("component maxLength %d != %d", doc.Properties.Component.MaxLength, MaxComponentLen)
	}
}

func TestDefaultSchemaValidates(t *testing.T) {
	f := func(doc string, ok bool) {
		t.Helper()
		err := Default().Validate([]byte(doc))
		if (err == nil) != ok {
			t.Errorf("Validate(%s) = %v, want ok=%v", doc, err, ok)
		}
	}
	f(`{"severity":"error","category":"database","component":"pg"}`, true)
	f(`{"severity":"info","category":"auth","component":""}`, true)
	f(`{"severity":"fatal","category":"auth","component":""}`, false)
	f(`{"severity":"info","category":"web","component":""}`, false)
	f(`{"severity":"info","category":"auth"}`, false)
	f(`{"severity":"info","category":"auth","component":"","extra":1}`, false)
	f(`{"severity":"info","category":"auth","component":"`+strings.Repeat("x", 49)+`"}`, false)
	f(`{"severity":"info","category":"auth","component":`, false)
}

func TestLogEventSchema(t *testing.T) {
	f := func(doc string, ok bool) {
		t.Helper()
		err := ValidateLogEvent([]byte(doc))
		if (err == nil) != ok {
			t.Errorf("ValidateLogEvent(%s) = %v, want ok=%v", doc, err, ok)
		}
	}
	f(`{"message":"hello"}`, true)
	f(`{"message":"hello","ts":"2026-11-27T10:00:00Z","service":"api","attrs":{"a":"b"}}`, true)
	f(`{"message":""}`, false)
	f(`{"ts":"2026-11-27T10:00:00Z"}`, false)
	f(`{"message":"x","ts":"yesterday"}`, false)
	f(`{"message":"x","attrs":{"a":1}}`, false)
	f(`{"message":1}`, false)
}

// The Go types and the JSON Schemas must describe the same documents.
func TestTypesRoundTripThroughSchemas(t *testing.T) {
	ev := LogEvent{Message: "m", TS: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), Service: "api", Host: "h", Level: "WARN", Attrs: map[string]string{"k": "v"}, ID: "1"}
	b, _ := json.Marshal(ev)
	if err := ValidateLogEvent(b); err != nil {
		t.Fatalf("LogEvent %s: %v", b, err)
	}
	cl := ClassifiedLog{LogEvent: ev, Template: "m", Severity: "info", Category: "application", Confidence: 0.9, Model: "x",
		Source: Source{Topic: "logs.raw", Partition: 1, Offset: 2}, ClassifiedAt: ev.TS}
	b, _ = json.Marshal(cl)
	s, err := Compile(ClassifiedLogSchema())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(b); err != nil {
		t.Fatalf("ClassifiedLog %s: %v", b, err)
	}
	var back ClassifiedLog
	if err := json.Unmarshal(b, &back); err != nil || back.Source != cl.Source || back.Message != "m" || !back.TS.Equal(ev.TS) {
		t.Fatalf("round trip: %+v %v", back, err)
	}
}

func TestSeverityRank(t *testing.T) {
	if SeverityRank("debug") != 0 || SeverityRank("critical") != 4 || SeverityRank("fatal") != -1 {
		t.Fatal("SeverityRank wrong")
	}
	if !IsCategory("storage") || IsCategory("disk") {
		t.Fatal("IsCategory wrong")
	}
}

func TestCompileRejectsBadSchema(t *testing.T) {
	if _, err := Compile([]byte(`{"type": 3}`)); err == nil {
		t.Fatal("want error for invalid schema")
	}
	if _, err := Compile([]byte(`{`)); err == nil {
		t.Fatal("want error for invalid JSON")
	}
}
