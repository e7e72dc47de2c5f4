package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// The remote path end to end: serve-model with the embedded model, and
// `model eval --inference-url` labelling through it (the remote labeler
// behind the template cache). Every line gets a valid answer, and the
// answers are the in-process labeler's.
func TestModelEvalRemote(t *testing.T) {
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var serveErr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve-model", "--addr", addr, "--threads", "1", "--kv-budget", "16MiB", "--log-level", "warn"},
			io.Discard, &serveErr, func(string) string { return "" })
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve-model exit %d: %s", code, serveErr.String())
		}
	}()
	deadline := time.Now().Add(time.Minute)
	for {
		if resp, err := http.Get("http://" + addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve-model not ready: %s", serveErr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	data := filepath.Join(t.TempDir(), "lines.jsonl")
	lines := `{"system":"a","raw":"sshd[1]: Failed password for root from 10.0.0.1 port 22 ssh2","severity":"warning","category":"auth","component":"sshd"}
{"system":"a","raw":"sshd[2]: Failed password for root from 10.0.0.2 port 22 ssh2","severity":"warning","category":"auth","component":"sshd"}
{"system":"a","raw":"kernel: Out of memory: Killed process 42 (java)","severity":"critical","category":"resource","component":"kernel"}
`
	if err := os.WriteFile(data, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	eval := func(extra ...string) evalResult {
		t.Helper()
		var o, e bytes.Buffer
		args := append([]string{"model", "eval", "--json", "--log-level", "warn", "--free-component", "--batch", "1"}, extra...)
		if code := Run(context.Background(), append(args, data), &o, &e, func(string) string { return "" }); code != 0 {
			t.Fatalf("eval %v: exit %d: %s", extra, code, e.String())
		}
		var r evalResult
		if err := json.Unmarshal([]byte(strings.SplitN(o.String(), "\n", 2)[0]), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	remote := eval("--inference-url", "http://"+addr+"/v1", "--inference-model", "logsift-default")
	local := eval()
	if remote.Lines != 3 || remote.Failed != 0 || remote.Cached != 1 {
		t.Errorf("remote eval %+v, want 3 lines, none failed, one from the cache", remote)
	}
	if remote.Severity != local.Severity || remote.CategoryOK != local.CategoryOK || remote.Component != local.Component {
		t.Errorf("remote %+v and in-process %+v answers differ", remote, local)
	}
}
