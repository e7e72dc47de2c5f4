package synth

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// loghubDir is the shared Loghub sample, relative to this package's directory.
// It is read only to check that the generator stays apart from it.
const loghubDir = "../../../shared/data/loghub"

var (
	slotRE = regexp.MustCompile(`\{[^{}]*\}|<\*>`)
	wordRE = regexp.MustCompile(`[A-Za-z]{2,}`)
)

// literalWords is a template's literal words, in order, without its slots.
func literalWords(tmpl string) string {
	return strings.ToLower(strings.Join(wordRE.FindAllString(slotRE.ReplaceAllString(tmpl, " "), -1), " "))
}

// The generator must not reproduce the evaluation set: no synthetic template
// may spell the same words as a Loghub template (a held-out evaluation on
// Loghub would otherwise measure recall of its lines).
func TestNoLoghubTemplates(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(loghubDir, "labels", "*_labels.csv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Loghub label files under %s: %v", loghubDir, err)
	}
	theirs := map[string]string{}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(fh).ReadAll()
		fh.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, r := range rows[1:] {
			if w := literalWords(r[1]); strings.Count(w, " ") >= 2 {
				theirs[w] = filepath.Base(f) + " " + r[0]
			}
		}
	}
	if len(theirs) < 300 {
		t.Fatalf("read only %d Loghub templates", len(theirs))
	}
	for _, tm := range Templates() {
		msg := strings.TrimPrefix(tm.ID, tm.System+": ")
		if src, ok := theirs[literalWords(msg)]; ok {
			t.Errorf("template %q spells Loghub's %s", tm.ID, src)
		}
	}
}
