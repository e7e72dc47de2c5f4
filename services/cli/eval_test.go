package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `model eval` on a small labelled file with the embedded model: one report
// row per system plus the mean, counts that add up, and a mistakes file
// holding exactly the lines the report counts as wrong.
func TestModelEval(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "small.jsonl")
	lines := `{"system":"a","raw":"sshd[1]: Failed password for root from 10.0.0.1 port 22 ssh2","severity":"warning","category":"auth","component":"sshd"}
{"system":"a","raw":"kernel: Out of memory: Killed process 42 (java)","severity":"critical","category":"resource","component":"kernel"}
{"system":"b","raw":"2026-01-01 10:00:00 INFO org.example.Server: started in 1200 ms","severity":"info","category":"application","component":"org.example.Server"}
`
	if err := os.WriteFile(data, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	mistakes := filepath.Join(dir, "mistakes.jsonl")
	var o, e bytes.Buffer
	code := Run(context.Background(), []string{"model", "eval", "--json", "--log-level", "warn", "--held-out", "20", "--mistakes", mistakes, data},
		&o, &e, func(string) string { return "" })
	if code != 0 {
		t.Fatalf("exit %d: %s", code, e.String())
	}
	rows := map[string]evalResult{}
	for _, l := range strings.Split(strings.TrimSpace(o.String()), "\n") {
		var r evalResult
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		rows[r.Set] = r
	}
	if rows["a"].Lines != 2 || rows["b"].Lines != 1 || rows["synth-held-out"].Lines != 20 || rows["mean"].Lines != 3 {
		t.Fatalf("rows %+v", rows)
	}
	for name, r := range rows {
		if r.Severity < 0 || r.Severity > 1 || r.MacroF1 < 0 || r.MacroF1 > 1 || r.Component < 0 || r.Component > 1 || r.Failed != 0 {
			t.Errorf("%s: %+v", name, r)
		}
	}
	if m, a, b := rows["mean"].Severity, rows["a"].Severity, rows["b"].Severity; m != (a+b)/2 {
		t.Errorf("mean severity accuracy %v, want the mean of the systems' %v and %v", m, a, b)
	}
	// Every line either fully right or in the mistakes file.
	mb, err := os.ReadFile(mistakes)
	if err != nil {
		t.Fatal(err)
	}
	wrong := 0
	if s := strings.TrimSpace(string(mb)); s != "" {
		wrong = len(strings.Split(s, "\n"))
	}
	maxRight := 0
	for _, name := range []string{"a", "b", "synth-held-out"} {
		r := rows[name]
		// A line is right only if all three labels are: at most the
		// fewest correct of the three.
		maxRight += int(min(r.Severity, r.CategoryOK, r.Component)*float64(r.Lines) + 0.5)
	}
	if wrong < 23-maxRight {
		t.Errorf("%d lines in the mistakes file, but at most %d of 23 can be fully right", wrong, maxRight)
	}

	for _, bad := range [][]string{{"model", "eval"}, {"model", "eval", "/nonexistent.jsonl"}, {"model", "eval", "--batch", "0", data}} {
		var o, e bytes.Buffer
		if code := Run(context.Background(), bad, &o, &e, func(string) string { return "" }); code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", bad, code, e.String())
		}
	}
}
