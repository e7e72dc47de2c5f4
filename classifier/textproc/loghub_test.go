package textproc

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// loghubDir is the shared Loghub sample, relative to this package's directory.
const loghubDir = "../../../shared/data/loghub"

type loghubLine struct {
	System    string `json:"system"`
	Raw       string `json:"raw"`
	EventID   string `json:"event_id"`
	Component string `json:"component"`
}

// readLoghub returns the sample's lines by system, read once per test binary.
// Callers must not modify it.
func readLoghub(t testing.TB) map[string][]loghubLine {
	t.Helper()
	all, err := loadLoghub()
	if err != nil {
		t.Fatal(err)
	}
	return all
}

var loadLoghub = sync.OnceValues(func() (map[string][]loghubLine, error) {
	files, err := filepath.Glob(filepath.Join(loghubDir, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no loghub files under %s", loghubDir)
	}
	out := map[string][]loghubLine{}
	for _, f := range files {
		if err := readJSONL(f, out); err != nil {
			return nil, err
		}
	}
	return out, nil
})

func readJSONL(path string, into map[string][]loghubLine) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		var l loghubLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
		into[l.System] = append(into[l.System], l)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func systems(all map[string][]loghubLine) []string {
	names := make([]string, 0, len(all))
	for sys := range all {
		names = append(names, sys)
	}
	sort.Strings(names)
	return names
}

type compression struct {
	events, templates, mixed, mixedLines int
}

func measure(lines []loghubLine) (compression, map[string]map[string]int) {
	byTmpl := map[string]map[string]int{}
	events := map[string]bool{}
	for _, l := range lines {
		m := Mask(Clean(l.Raw, 0))
		if byTmpl[m] == nil {
			byTmpl[m] = map[string]int{}
		}
		byTmpl[m][l.EventID]++
		events[l.EventID] = true
	}
	c := compression{events: len(events), templates: len(byTmpl)}
	for _, ev := range byTmpl {
		if len(ev) > 1 {
			c.mixed++
			for _, n := range ev {
				c.mixedLines += n
			}
		}
	}
	return c, byTmpl
}

// loghubFloors are the template-compression numbers measured on the Loghub
// sample (Mask(Clean(raw, 0)) per line): at most maxTemplates distinct
// templates, and at most maxMixed templates shared by more than one Loghub
// event. Lower is better for both; a change that raises either fails here.
var loghubFloors = map[string]struct{ maxTemplates, maxMixed int }{
	"Apache":    {6, 0},
	"BGL":       {158, 0},
	"HDFS":      {15, 0},
	"Hadoop":    {137, 0},
	"Linux":     {153, 0},
	"OpenStack": {46, 0},
	"Spark":     {39, 0},
	"Zookeeper": {59, 0},
}

// TestLoghubTemplates holds template compression to its floors. With
// DUMP=<system> it also logs that system's templates and the events behind
// each: DUMP=BGL go test -run LoghubTemplates -v
func TestLoghubTemplates(t *testing.T) {
	all := readLoghub(t)
	dump := os.Getenv("DUMP")
	if len(all) != len(loghubFloors) {
		t.Errorf("loghub has %d systems, floors cover %d", len(all), len(loghubFloors))
	}
	for _, sys := range systems(all) {
		lines := all[sys]
		c, by := measure(lines)
		t.Logf("%-10s lines %4d  events %3d  templates %4d  mixed %d (%d lines)",
			sys, len(lines), c.events, c.templates, c.mixed, c.mixedLines)
		if sys == dump {
			logTemplates(t, by)
		}
		floor, ok := loghubFloors[sys]
		if !ok {
			t.Errorf("%s: no floor recorded", sys)
			continue
		}
		if c.templates > floor.maxTemplates {
			t.Errorf("%s: %d distinct templates, floor is %d", sys, c.templates, floor.maxTemplates)
		}
		if c.mixed > floor.maxMixed {
			t.Errorf("%s: %d templates mix events, floor is %d", sys, c.mixed, floor.maxMixed)
		}
	}
}

// TestLoghubComponents checks that masking keeps the logger or process name
// the line names: the classifier reports it, and the template is what the
// model sees.
func TestLoghubComponents(t *testing.T) {
	all := readLoghub(t)
	total, kept := 0, 0
	for _, sys := range systems(all) {
		lines := all[sys]
		sysTotal, sysKept := 0, 0
		for _, l := range lines {
			if l.Component == "" {
				continue
			}
			sysTotal++
			if strings.Contains(Mask(l.Raw), l.Component) {
				sysKept++
			} else if sysTotal-sysKept <= 3 {
				t.Logf("%s: component %q lost in %q", sys, l.Component, Mask(l.Raw))
			}
		}
		if sysTotal > 0 {
			t.Logf("%-10s components kept %d/%d", sys, sysKept, sysTotal)
		}
		total += sysTotal
		kept += sysKept
	}
	rate := float64(kept) / float64(total)
	t.Logf("components kept %d/%d = %.4f", kept, total, rate)
	if total == 0 || rate < 0.95 {
		t.Errorf("components kept in %d of %d lines (%.4f), want >= 0.95", kept, total, rate)
	}
}

// TestLoghubIdempotent runs the idempotence properties over every real line.
func TestLoghubIdempotent(t *testing.T) {
	for _, lines := range readLoghub(t) {
		for _, l := range lines {
			c := Clean(l.Raw, 0)
			checkCleanOutput(t, l.Raw, 0, c)
			if c2 := Clean(c, 0); c2 != c {
				t.Fatalf("Clean not idempotent on %q: %q then %q", l.Raw, c, c2)
			}
			m := Mask(c)
			if m2 := Mask(m); m2 != m {
				t.Fatalf("Mask not idempotent on %q: %q then %q", c, m, m2)
			}
		}
	}
}

func logTemplates(t *testing.T, by map[string]map[string]int) {
	keys := make([]string, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		evs := []string{}
		for e := range by[k] {
			evs = append(evs, e)
		}
		sort.Strings(evs)
		t.Logf("%s\t%s", strings.Join(evs, ","), k)
	}
}
