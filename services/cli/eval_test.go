package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logsift/logsift/classifier/eval"
	"github.com/logsift/logsift/classifier/synth"
	"github.com/logsift/logsift/platform/config"
)

// runEvalJSON runs `model eval --format json` with args and decodes its
// stdout, which must be exactly one JSON object.
func runEvalJSON(t *testing.T, args ...string) evalReport {
	t.Helper()
	var o, e bytes.Buffer
	args = append([]string{"model", "eval", "--format", "json", "--log-level", "warn"}, args...)
	if code := Run(context.Background(), args, &o, &e, func(string) string { return "" }); code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, e.String())
	}
	dec := json.NewDecoder(&o)
	var rep evalReport
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("%v: stdout is not a JSON object: %v", args, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("%v: stdout holds more than one JSON value (%v)", args, err)
	}
	return rep
}

// `model eval` on a small labelled file with the embedded model: one JSON
// object whose per-set, pooled and mean numbers, confusion matrices and
// per-category supports agree with each other and with the --predictions
// file (one line per input line, in input order), and a mistakes file
// holding exactly the lines that are wrong.
func TestModelEval(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "small.jsonl")
	// Systems interleave (a, b, a) to check that predictions keep input
	// order; the b line has no gold component.
	lines := `{"system":"a","raw":"sshd[1]: Failed password for root from 10.0.0.1 port 22 ssh2","severity":"warning","category":"auth","component":"sshd","template":"t1"}
{"system":"b","raw":"2026-01-01 10:00:00 INFO org.example.Server: started in 1200 ms","severity":"info","category":"application","component":""}
{"system":"a","raw":"kernel: Out of memory: Killed process 42 (java)","severity":"critical","category":"resource","component":"kernel","template":"t2"}
`
	if err := os.WriteFile(data, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	const heldOut = 5
	mistakes, predictions := filepath.Join(dir, "mistakes.jsonl"), filepath.Join(dir, "pred.jsonl")
	rep := runEvalJSON(t, "--held-out", fmt.Sprint(heldOut), "--mistakes", mistakes, "--predictions", predictions, "--data", data)

	sets := map[string]evalScores{}
	for _, s := range rep.Sets {
		sets[s.Set] = s
	}
	if len(rep.Sets) != 3 || sets["a"].N != 2 || sets["b"].N != 1 || sets[heldOutSet].N != heldOut || rep.N != 3+heldOut {
		t.Fatalf("n %d, sets %+v; want 3+%d lines in sets a (2), b (1), %s", rep.N, rep.Sets, heldOut, heldOutSet)
	}
	if sets["a"].ComponentN != 2 || sets["b"].ComponentN != 0 || rep.ComponentN != 2+sets[heldOutSet].ComponentN {
		t.Errorf("component_n a %d, b %d, pooled %d: want 2, 0 (empty gold components are not scored) and their sum",
			sets["a"].ComponentN, sets["b"].ComponentN, rep.ComponentN)
	}
	for _, s := range append(rep.Sets, rep.evalScores) {
		for name, v := range map[string]float64{"severity_acc": s.SeverityAcc, "category_acc": s.CategoryAcc, "category_macro_f1": s.CategoryMacroF1,
			"component_exact": s.ComponentExact, "valid_rate": s.ValidRate} {
			if !(v >= 0 && v <= 1) {
				t.Errorf("%s %s = %v, outside [0, 1]", s.Set, name, v)
			}
		}
		if s.ValidRate != float64(s.N-s.Invalid)/float64(s.N) || s.LogsPerS <= 0 || s.Seconds <= 0 {
			t.Errorf("%s: valid_rate %v with %d invalid of %d, logs_per_s %v over %vs", s.Set, s.ValidRate, s.Invalid, s.N, s.LogsPerS, s.Seconds)
		}
	}
	m := rep.MeanOverSets
	if m == nil || strings.Join(m.Sets, ",") != "a,b" {
		t.Fatalf("mean_over_sets %+v, want one over a and b (not the generator's held-out set)", m)
	}
	if want := (sets["a"].SeverityAcc + sets["b"].SeverityAcc) / 2; m.SeverityAcc != want {
		t.Errorf("mean severity_acc %v, want the unweighted mean %v", m.SeverityAcc, want)
	}
	if m.ComponentSets != 1 || m.ComponentExact != sets["a"].ComponentExact {
		t.Errorf("mean component_exact %v over %d sets, want a's %v alone (b has no gold components)", m.ComponentExact, m.ComponentSets, sets["a"].ComponentExact)
	}
	// a's two lines are two templates (one line each: template accuracy is
	// line accuracy); b names none; the held-out lines carry theirs.
	if a := sets["a"]; a.Templates != 2 || a.CategoryTemplateAcc != a.CategoryAcc || sets["b"].Templates != 0 || sets[heldOutSet].Templates == 0 {
		t.Errorf("templates a %d (acc %v, line acc %v), b %d, held-out %d: want 2 (equal), 0, > 0",
			a.Templates, a.CategoryTemplateAcc, a.CategoryAcc, sets["b"].Templates, sets[heldOutSet].Templates)
	}
	if m.TemplateSets != 1 || m.CategoryTemplateAcc != sets["a"].CategoryTemplateAcc {
		t.Errorf("mean category_template_acc %v over %d sets, want a's alone", m.CategoryTemplateAcc, m.TemplateSets)
	}

	// Predictions: one per input line, in input order.
	pb, err := os.ReadFile(predictions)
	if err != nil {
		t.Fatal(err)
	}
	var preds []evalPrediction
	for _, l := range strings.Split(strings.TrimSpace(string(pb)), "\n") {
		var p evalPrediction
		if err := json.Unmarshal([]byte(l), &p); err != nil {
			t.Fatalf("prediction %q: %v", l, err)
		}
		preds = append(preds, p)
	}
	if len(preds) != rep.N {
		t.Fatalf("%d predictions for %d input lines", len(preds), rep.N)
	}
	for i, want := range []string{"a", "b", "a", heldOutSet} {
		if preds[i].Set != want {
			t.Errorf("prediction %d is of set %q, want %q (input order)", i, preds[i].Set, want)
		}
	}
	// The report's pooled numbers recount from the predictions and the gold.
	gold := []eval.Label{
		{Severity: "warning", Category: "auth", Component: "sshd"},
		{Severity: "info", Category: "application"},
		{Severity: "critical", Category: "resource", Component: "kernel"},
	}
	held := synthHeldOut(t, heldOut)
	gold = append(gold, held...)
	sevOK, cached, invalid, wrong := 0, 0, 0, 0
	for i, p := range preds {
		if p.Valid && p.Severity == gold[i].Severity {
			sevOK++
		}
		if p.Cached {
			cached++
		}
		if !p.Valid {
			invalid++
			if p.Error == "" {
				t.Errorf("prediction %d invalid without an error", i)
			}
		}
		if !p.Valid || !eval.Right(gold[i], eval.Label{Severity: p.Severity, Category: p.Category, Component: p.Component}) {
			wrong++
		}
		if p.Valid && !(p.Confidence >= 0 && p.Confidence <= 1) {
			t.Errorf("prediction %d confidence %v", i, p.Confidence)
		}
	}
	if float64(sevOK)/float64(rep.N) != rep.SeverityAcc || cached != rep.Cached || invalid != rep.Invalid {
		t.Errorf("predictions: %d severities right, %d cached, %d invalid; report: severity_acc %v, cached %d, invalid %d",
			sevOK, cached, invalid, rep.SeverityAcc, rep.Cached, rep.Invalid)
	}
	mb, err := os.ReadFile(mistakes)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(mb), "\n"); got != wrong {
		t.Errorf("%d lines in the mistakes file, want the %d wrong ones", got, wrong)
	}

	// Confusion matrices: every line once, rows summing to the gold counts.
	for name, c := range map[string]evalConfusion{"severity": rep.Confusion.Severity, "category": rep.Confusion.Category} {
		if len(c.Columns) != len(c.Labels)+1 || c.Columns[len(c.Labels)] != "invalid" || len(c.Matrix) != len(c.Labels) {
			t.Fatalf("%s confusion shape: labels %v, columns %v, %d rows", name, c.Labels, c.Columns, len(c.Matrix))
		}
		total, lastCol := 0, 0
		for i, l := range c.Labels {
			row := 0
			for _, n := range c.Matrix[i] {
				row += n
			}
			total += row
			lastCol += c.Matrix[i][len(c.Labels)]
			want := 0
			for _, g := range gold {
				if name == "severity" && g.Severity == l || name == "category" && g.Category == l {
					want++
				}
			}
			if row != want {
				t.Errorf("%s confusion row %s sums to %d, want its %d gold lines", name, l, row, want)
			}
		}
		if total != rep.N || lastCol != rep.Invalid {
			t.Errorf("%s confusion holds %d lines (%d invalid), want %d (%d)", name, total, lastCol, rep.N, rep.Invalid)
		}
	}
	support := 0
	for _, x := range rep.PerCategory {
		support += x.Support
	}
	if support != rep.N || rep.PerCategory["auth"].Support != 1+countCategory(held, "auth") {
		t.Errorf("per_category supports add to %d, want %d: %+v", support, rep.N, rep.PerCategory)
	}
}

func countCategory(ls []eval.Label, c string) int {
	n := 0
	for _, l := range ls {
		if l.Category == c {
			n++
		}
	}
	return n
}

// synthHeldOut is the gold of `--held-out n` with the default flags.
func synthHeldOut(t *testing.T, n int) []eval.Label {
	t.Helper()
	_, held := synth.Split(synth.Generate(1, 50000), 1, 0.1)
	if len(held) < n {
		t.Fatalf("the generator holds out %d lines, want %d", len(held), n)
	}
	out := make([]eval.Label, n)
	for i, ex := range held[:n] {
		out[i] = eval.Label{Severity: ex.Severity, Category: ex.Category, Component: ex.Component}
	}
	return out
}

// Files add up from repeated --data, comma-separated --data and arguments;
// the table shows every set, the mean, the pooled row and both matrices.
func TestModelEvalFiles(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i, raw := range []string{
		"sshd[1]: Failed password for root from 10.0.0.1 port 22 ssh2",
		"kernel: Out of memory: Killed process 42 (java)",
		"2026-01-01 10:00:00 INFO org.example.Server: started in 1200 ms",
	} {
		p := filepath.Join(dir, fmt.Sprintf("sys%d.jsonl", i))
		b, _ := json.Marshal(eval.Record{Raw: raw, Severity: "info", Category: "system"})
		if err := os.WriteFile(p, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	rep := runEvalJSON(t, "--data", paths[0], "--data="+paths[1]+","+paths[2], paths[0])
	var names []string
	for _, s := range rep.Sets {
		names = append(names, s.Set)
	}
	// sys0 twice: once from --data, once as an argument.
	if got := strings.Join(names, ","); got != "sys0,sys1,sys2" || rep.N != 4 || rep.Sets[0].N != 2 || len(rep.MeanOverSets.Sets) != 3 {
		t.Errorf("sets %s, n %d, first set %d, mean over %v: want sys0 (2 lines), sys1, sys2", got, rep.N, rep.Sets[0].N, rep.MeanOverSets.Sets)
	}

	var o, e bytes.Buffer
	if code := Run(context.Background(), []string{"model", "eval", "--log-level", "warn", "--data", paths[1], "--data", paths[2]},
		&o, &e, func(string) string { return "" }); code != 0 {
		t.Fatalf("table: exit %d: %s", code, e.String())
	}
	for _, want := range []string{"severity_acc", "logs_per_s", "sys1", "sys2", "mean over 2 sets", "all lines pooled", "severity confusion", "category confusion", "invalid"} {
		if !strings.Contains(o.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, o.String())
		}
	}
}

// Every bad input is exit 2 with a one-line reason naming the problem,
// before any model loads.
func TestModelEvalBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.jsonl", `{"raw":"x","severity":"info","category":"system","component":""}`+"\n")
	notJSON := write("notjson.jsonl", `{"raw":"x","severity":"info","category":"system"}`+"\n{\"raw\":\n")
	noCat := write("nocat.jsonl", "\n\n"+`{"raw":"x","severity":"info"}`+"\n")
	empty := write("empty.jsonl", "\n")
	f := func(wantInErr string, args ...string) {
		t.Helper()
		var o, e bytes.Buffer
		code := Run(context.Background(), append([]string{"model", "eval"}, args...), &o, &e, func(string) string { return "" })
		msg := strings.TrimSuffix(e.String(), "\n")
		if code != 2 || strings.Contains(msg, "\n") || !strings.Contains(msg, wantInErr) || o.Len() != 0 {
			t.Errorf("%v: exit %d, stderr %q, stdout %q; want exit 2, one line naming %q", args, code, e.String(), o.String(), wantInErr)
		}
	}
	f("nothing to evaluate")
	f("nothing to evaluate", "--data=")
	f("/nonexistent.jsonl", "--data", "/nonexistent.jsonl")
	f("/nonexistent.jsonl", good, "/nonexistent.jsonl")
	f("/nonexistent.jsonl", "--data", good+",/nonexistent.jsonl")
	f("notjson.jsonl: eval: line 2", "--data", notJSON)
	f("nocat.jsonl: eval: line 3", "--data", good, "--data", noCat)
	f("empty.jsonl: no labelled lines", "--data", empty)
	f("--format", "--format", "xml", "--data", good)
	f("--batch", "--batch", "0", "--data", good)
	f("--predictions", "--predictions", filepath.Join(dir, "no", "such", "dir.jsonl"), "--data", good)
}

func TestGatherRepeated(t *testing.T) {
	fs := config.NewFlagSet("t", "")
	var s string
	var b bool
	var l []string
	fs.String(&s, "model", "", "")
	fs.Bool(&b, "json-ish", false, "")
	fs.Strings(&l, "data", nil, "")
	f := func(in, want string) {
		t.Helper()
		if got := strings.Join(gatherRepeated(fs, strings.Fields(in), "data"), " "); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
	f("", "")
	f("a.jsonl b.jsonl", "a.jsonl b.jsonl")
	f("--model m --data a", "--data=a --model m")
	f("--data a --json-ish --data=b,c -data d x", "--data=a,b,c,d --json-ish x")
	f("--model --data --data a", "--data=a --model --data")     // --data is --model's value
	f("x --data a", "x --data a")                               // after the first argument: a file named --data, as flag does
	f("--data a -- --data b", "--data=a -- --data b")           // after --
	f("--json-ish=false --data a", "--data=a --json-ish=false") // a bool with = takes no next argument
	f("--data", "--data")                                       // the flag package reports the missing value
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
	eval := func(extra ...string) evalReport {
		t.Helper()
		return runEvalJSON(t, append(append([]string{"--free-component", "--batch", "1"}, extra...), "--data", data)...)
	}
	remote := eval("--inference-url", "http://"+addr+"/v1", "--inference-model", "logsift-default")
	local := eval()
	if remote.N != 3 || remote.Invalid != 0 || remote.ValidRate != 1 || remote.Cached != 1 {
		t.Errorf("remote eval %+v, want 3 lines, all valid, one from the cache", remote.evalScores)
	}
	if remote.SeverityAcc != local.SeverityAcc || remote.CategoryAcc != local.CategoryAcc || remote.ComponentExact != local.ComponentExact {
		t.Errorf("remote %+v and in-process %+v answers differ", remote, local)
	}
}
