package logging

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestNew(t *testing.T) {
	f := func(level, format string, wantDebug, wantInfo, wantWarn bool, wantJSON bool) {
		t.Helper()
		var buf bytes.Buffer
		l, err := New(&buf, level, format)
		if err != nil {
			t.Fatalf("New(%q, %q): %v", level, format, err)
		}
		l.Debug("d", "k", 1)
		l.Info("i", "k", 2)
		l.Warn("w", "k", 3)
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		got := map[string]bool{}
		for _, line := range lines {
			if line == "" {
				continue
			}
			if wantJSON {
				var m map[string]any
				if err := json.Unmarshal([]byte(line), &m); err != nil {
					t.Fatalf("format %q: line %q is not JSON: %v", format, line, err)
				}
				got[m["msg"].(string)] = true
			} else {
				if strings.HasPrefix(line, "{") {
					t.Fatalf("format %q wrote JSON: %q", format, line)
				}
				for _, m := range []string{"d", "i", "w"} {
					if strings.Contains(line, "msg="+m+" ") {
						got[m] = true
					}
				}
			}
		}
		if got["d"] != wantDebug || got["i"] != wantInfo || got["w"] != wantWarn {
			t.Errorf("New(%q, %q) logged debug=%v info=%v warn=%v; want %v %v %v\n%s",
				level, format, got["d"], got["i"], got["w"], wantDebug, wantInfo, wantWarn, buf.String())
		}
	}
	f("debug", "json", true, true, true, true)
	f("info", "json", false, true, true, true)
	f("", "", false, true, true, true)
	f("WARN", "text", false, false, true, false)
	f("warning", "text", false, false, true, false)
	f("error", "json", false, false, false, true)
}

func TestNewRejects(t *testing.T) {
	f := func(level, format, want string) {
		t.Helper()
		_, err := New(&bytes.Buffer{}, level, format)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New(%q, %q) = %v, want an error containing %q", level, format, err, want)
		}
	}
	f("loud", "json", `"loud"`)
	f("info", "xml", `"xml"`)
}

func TestOrDiscard(t *testing.T) {
	if OrDiscard(nil) == nil {
		t.Fatal("OrDiscard(nil) = nil")
	}
	OrDiscard(nil).Error("dropped") // must not panic
	l := Discard()
	if OrDiscard(l) != l {
		t.Error("OrDiscard replaced a non-nil logger")
	}
}
