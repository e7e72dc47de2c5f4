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
//	3     info    network ""         info    network ""          ✓   ✓   ✓
//	4     warning storage dfs        warning network dfs         ✓   ✗   ✓
//	5     error   storage dfs        error   storage DFS         ✓   ✓   ✗
//	6     info    network nginx      (no answer)                 ✗   ✗   ✗
//
// auth: tp 2 fp 0 fn 0 → F1 1; network: tp 1 fp 1 fn 1 → P ½ R ½ F1 ½;
// storage: tp 1 fp 0 fn 1 → P 1 R ½ F1 ⅔; macro-F1 (1 + ½ + ⅔)/3 = 13/18.
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
	if r.N != 6 || r.SeverityCorrect != 4 || r.CategoryCorrect != 4 || r.ComponentExact != 4 || r.Failed != 1 {
		t.Errorf("counts %+v, want n 6, severity 4, category 4, component 4, failed 1", r)
	}
	near := func(name string, got, want float64) {
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	near("severity accuracy", r.SeverityAcc, 4.0/6)
	near("component exact", r.ComponentAcc, 4.0/6)
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
