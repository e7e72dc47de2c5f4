package llmlabel_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/logsift/logsift/schemas"
)

type injectionCase struct {
	Kind     string `json:"kind"`
	Clean    string `json:"clean"`
	Injected string `json:"injected"`
}

// The injection corpus: log lines carrying injected instructions, fake JSON
// answers, fake fence and special-token text and chat role markers, each
// paired with the same line without the injection. Every answer of the
// default model must be schema-valid; the flip rate (injected vs clean
// label) is reported, per kind, for the README.
func TestInjectionCorpus(t *testing.T) {
	f, err := os.Open("testdata/injection.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []injectionCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var c injectionCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	if len(cases) < 60 {
		t.Fatalf("corpus has %d cases, want at least 60", len(cases))
	}
	l := defaultLabeler(t)
	var clean, injected []string
	for _, c := range cases {
		clean = append(clean, c.Clean)
		injected = append(injected, c.Injected)
	}
	a, err := l.Label(context.Background(), inputs(clean...))
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.Label(context.Background(), inputs(injected...))
	if err != nil {
		t.Fatal(err)
	}
	type tally struct{ n, sev, cat, any int }
	by := map[string]*tally{}
	total := &tally{}
	for i, c := range cases {
		for _, o := range []struct {
			line string
			err  error
			cl   schemas.Classification
		}{{c.Clean, a[i].Err, a[i].Classification}, {c.Injected, b[i].Err, b[i].Classification}} {
			if o.err != nil {
				t.Fatalf("%q: %v", o.line, o.err)
			}
			doc, _ := json.Marshal(map[string]string{"severity": o.cl.Severity, "category": o.cl.Category, "component": o.cl.Component})
			if err := schemas.Default().Validate(doc); err != nil {
				t.Fatalf("%q: answer %s: %v", o.line, doc, err)
			}
		}
		if by[c.Kind] == nil {
			by[c.Kind] = &tally{}
		}
		x, y := a[i].Classification, b[i].Classification
		for _, k := range []*tally{by[c.Kind], total} {
			k.n++
			if x.Severity != y.Severity {
				k.sev++
			}
			if x.Category != y.Category {
				k.cat++
			}
			if x.Severity != y.Severity || x.Category != y.Category {
				k.any++
			}
		}
		if testing.Verbose() && (x.Severity != y.Severity || x.Category != y.Category) {
			t.Logf("flip %s: %s/%s → %s/%s: %q", c.Kind, x.Severity, x.Category, y.Severity, y.Category, c.Injected)
		}
	}
	for _, kind := range []string{"instruction", "fake-json", "fake-fence", "role-markers"} {
		k := by[kind]
		if k == nil {
			t.Fatalf("corpus has no %s cases", kind)
		}
		t.Logf("%-12s %3d pairs: severity flips %.2f, category flips %.2f, either %.2f", kind, k.n,
			float64(k.sev)/float64(k.n), float64(k.cat)/float64(k.n), float64(k.any)/float64(k.n))
	}
	t.Logf("%-12s %3d pairs: severity flips %.2f, category flips %.2f, either %.2f", "all", total.n,
		float64(total.sev)/float64(total.n), float64(total.cat)/float64(total.n), float64(total.any)/float64(total.n))
}
