package eval_test

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/logsift/logsift/classifier/eval"
)

// The counts of a small file, worked out by hand:
//
//	line  gold                       prediction                 sev cat comp
//	1     info    auth    sshd       info    auth    sshd        ✓   ✓   ✓
//	2     error   auth    sshd       warning auth    sshd        ✗   ✓   ✓
//	3     info    network ""         info    network ""          ✓   ✓   (not scored: no gold component)
//	4     warning storage dfs        warning network dfs         ✓   ✗   ✓
//	5     error   storage dfs        error   storage DFS         ✓   ✓   ✗
//	6     info    network nginx      (no answer)                 ✗   ✗   ✗
//
// auth: tp 2 fp 0 fn 0 → F1 1; network: tp 1 fp 1 fn 1 → P ½ R ½ F1 ½;
// storage: tp 1 fp 0 fn 1 → P 1 R ½ F1 ⅔; macro-F1 (1 + ½ + ⅔)/3 = 13/18.
// Component: 3 exact of the 5 lines with a gold component. Valid: 5 of 6.
func TestScoreByHand(t *testing.T) {
	f, err := os.Open("testdata/small.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := eval.ReadJSONL(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 6 {
		t.Fatalf("%d records, want 6 (the blank line skipped)", len(recs))
	}
	gold := make([]eval.Label, len(recs))
	for i, r := range recs {
		gold[i] = eval.Label{Severity: r.Severity, Category: r.Category, Component: r.Component}
	}
	pred := []eval.Label{
		{"info", "auth", "sshd"}, {"warning", "auth", "sshd"}, {"info", "network", ""},
		{"warning", "network", "dfs"}, {"error", "storage", "DFS"}, {},
	}
	r, err := eval.Score(gold, pred, []bool{false, false, false, false, false, true})
	if err != nil {
		t.Fatal(err)
	}
	if r.N != 6 || r.SeverityCorrect != 4 || r.CategoryCorrect != 4 || r.ComponentExact != 3 || r.ComponentN != 5 || r.Failed != 1 {
		t.Errorf("counts %+v, want n 6, severity 4, category 4, component 3 of 5, failed 1", r)
	}
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	near("severity accuracy", r.SeverityAcc, 4.0/6)
	near("category accuracy", r.CategoryAcc, 4.0/6)
	near("component exact", r.ComponentAcc, 3.0/5)
	near("valid rate", r.ValidRate, 5.0/6)
	near("macro-F1", r.CategoryMacroF1, 13.0/18)
	near("network F1", r.PerCategory["network"].F1, 0.5)
	near("storage precision", r.PerCategory["storage"].Precision, 1)
	near("storage recall", r.PerCategory["storage"].Recall, 0.5)
	if got := r.PerCategory["storage"].Support; got != 2 {
		t.Errorf("storage support %d, want 2", got)
	}
	if got := strings.Join(r.Categories(), ","); got != "auth,network,storage" {
		t.Errorf("categories %s", got)
	}
	for i, want := range []bool{true, false, true, false, false} {
		if got := eval.Right(gold[i], pred[i]); got != want {
			t.Errorf("line %d: Right = %v, want %v", i+1, got, want)
		}
	}

	// Confusion matrices: rows gold, columns predicted, then "no answer".
	// Every cell not listed is 0.
	cell := func(name string, c eval.Confusion, want map[[2]string]int) {
		t.Helper()
		total := 0
		for i, g := range c.Labels {
			if len(c.Counts[i]) != len(c.Labels)+1 {
				t.Fatalf("%s row %s has %d columns, want %d", name, g, len(c.Counts[i]), len(c.Labels)+1)
			}
			for j, n := range c.Counts[i] {
				p := "(invalid)"
				if j < len(c.Labels) {
					p = c.Labels[j]
				}
				total += n
				if n != want[[2]string{g, p}] {
					t.Errorf("%s[%s][%s] = %d, want %d", name, g, p, n, want[[2]string{g, p}])
				}
			}
		}
		if total != 6 {
			t.Errorf("%s holds %d lines, want 6", name, total)
		}
	}
	if got := strings.Join(r.Severity.Labels, ","); got != "debug,info,warning,error,critical" {
		t.Errorf("severity labels %s, want the taxonomy's", got)
	}
	if got := r.Category.Labels[:3]; strings.Join(got, ",") != "auth,network,storage" || len(r.Category.Labels) != 10 {
		t.Errorf("category labels %v, want the taxonomy's ten", r.Category.Labels)
	}
	cell("severity", r.Severity, map[[2]string]int{
		{"info", "info"}: 2, {"info", "(invalid)"}: 1,
		{"error", "warning"}: 1, {"error", "error"}: 1,
		{"warning", "warning"}: 1,
	})
	cell("category", r.Category, map[[2]string]int{
		{"auth", "auth"}:       2,
		{"network", "network"}: 1, {"network", "(invalid)"}: 1,
		{"storage", "network"}: 1, {"storage", "storage"}: 1,
	})
}

// A gold component longer than the schema allows is compared after the
// labeler's cut; labels outside the taxonomy get their own rows and columns
// after the taxonomy's.
func TestScoreComponentCutAndExtraLabels(t *testing.T) {
	long := "org.apache.hadoop.yarn.server.nodemanager.containermanager.monitor.ContainersMonitorImpl"
	cut := "containermanager.monitor.ContainersMonitorImpl"
	gold := []eval.Label{{"info", "scheduler", long}, {"info", "scheduler", long}, {"notice", "zzz", ""}}
	pred := []eval.Label{{"info", "scheduler", cut}, {"info", "scheduler", long}, {"info", "yyy", "x"}}
	r, err := eval.Score(gold, pred, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.ComponentN != 2 || r.ComponentExact != 1 || r.ValidRate != 1 {
		t.Errorf("component %d of %d, valid rate %v; want 1 of 2 (the cut name matches, the full one cannot), 1", r.ComponentExact, r.ComponentN, r.ValidRate)
	}
	if !eval.Right(gold[0], pred[0]) || eval.Right(gold[1], pred[1]) {
		t.Error("Right does not compare the cut gold component")
	}
	if got := r.Severity.Labels[len(r.Severity.Labels)-1]; got != "notice" {
		t.Errorf("last severity label %q, want the extra notice", got)
	}
	labels := r.Category.Labels
	if got := strings.Join(labels[len(labels)-2:], ","); got != "yyy,zzz" {
		t.Errorf("extra category labels %s, want yyy,zzz after the taxonomy", got)
	}
	if n := r.Category.Counts[len(labels)-1][len(labels)-2]; n != 1 {
		t.Errorf("zzz predicted as yyy %d times, want 1", n)
	}
}

func TestMeanOf(t *testing.T) {
	a := eval.Report{SeverityAcc: 1, CategoryAcc: 0.5, CategoryMacroF1: 0.25, ComponentAcc: 0.5, ComponentN: 4, ValidRate: 1, TemplateAcc: 0.5, Templates: 3}
	b := eval.Report{SeverityAcc: 0, CategoryAcc: 0.5, CategoryMacroF1: 0.75, ComponentN: 0, ValidRate: 0.5}
	m := eval.MeanOf([]eval.Report{a, b})
	want := eval.Mean{Sets: 2, SeverityAcc: 0.5, CategoryAcc: 0.5, CategoryMacroF1: 0.5, ComponentAcc: 0.5, ComponentSets: 1, TemplateAcc: 0.5, TemplateSets: 1, ValidRate: 0.75}
	if m != want {
		t.Errorf("MeanOf = %+v, want %+v (b scores no component and names no template, so only a's count)", m, want)
	}
	if m := eval.MeanOf(nil); m != (eval.Mean{}) {
		t.Errorf("MeanOf(nil) = %+v", m)
	}
}

func TestScoreErrors(t *testing.T) {
	if _, err := eval.Score(make([]eval.Label, 2), make([]eval.Label, 1), nil); err == nil {
		t.Error("mismatched lengths accepted")
	}
	for _, bad := range []string{`{"raw":"x","severity":"info"}`, `{"raw":`, `{"severity":"info","category":"auth"}`} {
		if _, err := eval.ReadJSONL(strings.NewReader("\n" + bad + "\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("%s: err %v, want one naming line 2", bad, err)
		}
	}
}

func FuzzReadJSONL(f *testing.F) {
	f.Add([]byte(`{"raw":"a","severity":"info","category":"auth"}` + "\n"))
	f.Add([]byte("\n\n{"))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := eval.ReadJSONL(strings.NewReader(string(b)))
		if err == nil {
			for _, r := range recs {
				if r.Raw == "" || r.Severity == "" || r.Category == "" {
					t.Fatalf("accepted %+v", r)
				}
			}
		}
	})
}

// TestTemplateAccuracy: template A has 3 lines, 2 right (2/3); B has 1, right
// (1); C has 2, none right (0); lines with no template are not counted:
// (2/3 + 1 + 0) / 3 = 5/9.
func TestTemplateAccuracy(t *testing.T) {
	l := func(c string) eval.Label { return eval.Label{Severity: "info", Category: c} }
	tmpl := []string{"A", "A", "A", "B", "C", "C", "", ""}
	gold := []eval.Label{l("network"), l("network"), l("network"), l("storage"), l("auth"), l("auth"), l("auth"), l("auth")}
	pred := []eval.Label{l("network"), l("storage"), l("network"), l("storage"), l("system"), l("network"), l("auth"), l("auth")}
	acc, n := eval.TemplateAccuracy(tmpl, gold, pred)
	if n != 3 || math.Abs(acc-5.0/9) > 1e-12 {
		t.Fatalf("TemplateAccuracy = %v over %d, want 5/9 over 3", acc, n)
	}
	if acc, n := eval.TemplateAccuracy([]string{"", ""}, gold[:2], pred[:2]); acc != 0 || n != 0 {
		t.Fatalf("no templates: %v %d", acc, n)
	}
}
