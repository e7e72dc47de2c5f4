package synth

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/logsift/logsift/schemas"
)

var show = flag.Int("show", 0, "print this many generated lines per system")

func printSamples(ex []Example, per int) {
	seen := map[string]int{}
	for _, e := range ex {
		if seen[e.System] < per {
			seen[e.System]++
			fmt.Printf("%-8s %-11s %-28q %s\n", e.Severity, e.Category, e.Component, e.Raw)
		}
	}
}

func TestDeterministic(t *testing.T) {
	a := Generate(42, 3000)
	b := Generate(42, 3000)
	if !slices.Equal(a, b) {
		t.Fatal("same seed, different examples")
	}
	if p := Generate(42, 1000); !slices.Equal(p, a[:1000]) {
		t.Fatal("a shorter run is not a prefix of a longer one")
	}
	c := Generate(43, 3000)
	same := 0
	for i := range a {
		if a[i].Raw == c[i].Raw {
			same++
		}
	}
	if same > 30 {
		t.Fatalf("seeds 42 and 43 share %d of 3000 lines", same)
	}
}

func TestLabelsAndComponents(t *testing.T) {
	for i, e := range Generate(7, 30000) {
		if schemas.SeverityRank(e.Severity) < 0 || !schemas.IsCategory(e.Category) {
			t.Fatalf("example %d: labels %q/%q outside the taxonomy: %s", i, e.Severity, e.Category, e.Raw)
		}
		if len(e.Component) > schemas.MaxComponentLen {
			t.Fatalf("example %d: component %q longer than %d", i, e.Component, schemas.MaxComponentLen)
		}
		if !strings.Contains(e.Raw, e.Component) {
			t.Fatalf("example %d: component %q not in %q", i, e.Component, e.Raw)
		}
		if e.Raw == "" || strings.ContainsAny(e.Raw, "\n\r") {
			t.Fatalf("example %d: raw %q is not one line", i, e.Raw)
		}
		if e.System == "" || !strings.HasPrefix(e.Template, e.System+": ") {
			t.Fatalf("example %d: system %q template %q", i, e.System, e.Template)
		}
	}
}

func TestComponentLabel(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := ComponentLabel(in); got != want {
			t.Fatalf("ComponentLabel(%q) = %q, want %q", in, got, want)
		}
	}
	f("", "")
	f("sshd", "sshd")
	f("org.apache.hadoop.hdfs.server.datanode.DataNode", "org.apache.hadoop.hdfs.server.datanode.DataNode")
	f("org.apache.hadoop.yarn.server.resourcemanager.rmapp.RMAppImpl", "hadoop.yarn.server.resourcemanager.rmapp.RMAppImpl"[7:])
	f("org.apache.hadoop.yarn.server.nodemanager.containermanager.monitor.ContainersMonitorImpl", "containermanager.monitor.ContainersMonitorImpl")
	f(strings.Repeat("x", 60), strings.Repeat("x", 48))
}

func TestCoverage(t *testing.T) {
	tmpls := Templates()
	if len(tmpls) < 300 {
		t.Errorf("%d templates, want at least 300", len(tmpls))
	}
	if n := len(Systems()); n < 20 {
		t.Errorf("%d systems, want at least 20", n)
	}
	sev, cat := map[string]int{}, map[string]int{}
	for _, e := range Generate(3, 20000) {
		sev[e.Severity]++
		cat[e.Category]++
	}
	for _, s := range schemas.Severities {
		if sev[s] < 20000/50 {
			t.Errorf("severity %s: %d of 20000 examples", s, sev[s])
		}
	}
	for _, c := range schemas.CategoryNames() {
		if cat[c] < 20000/25 {
			t.Errorf("category %s: %d of 20000 examples", c, cat[c])
		}
	}
	// Every template is reachable: it sits in a cell that is sampled.
	reachable := map[string]bool{}
	for _, cells := range registry().cells {
		for _, c := range cells {
			for _, tm := range c.tmpls {
				reachable[tm.id] = c.weight > 0
			}
		}
	}
	for _, tm := range tmpls {
		if !reachable[tm.ID] {
			t.Errorf("template never sampled: %s", tm.ID)
		}
	}
}

// Every template, rendered many times, keeps the invariants the sampled
// tests check on average: rare templates get no less scrutiny.
func TestEveryTemplateRenders(t *testing.T) {
	g := newGen(17)
	for _, tm := range registry().all {
		for range 20 {
			e := g.render(tm)
			if !strings.Contains(e.Raw, e.Component) || len(e.Component) > schemas.MaxComponentLen {
				t.Fatalf("%s: component %q, line %q", tm.id, e.Component, e.Raw)
			}
			if strings.ContainsAny(e.Raw, "\n\r⟨⟩") {
				t.Fatalf("%s: brace stand-in or line break in %q", tm.id, e.Raw)
			}
			if e.Severity != tm.sev || e.Category != tm.cat || e.Template != tm.id {
				t.Fatalf("%s: labels %s/%s template %q", tm.id, e.Severity, e.Category, e.Template)
			}
			a := g.renderAug(tm)
			if !strings.Contains(a.Raw, a.Component) || len(a.Component) > schemas.MaxComponentLen || strings.ContainsAny(a.Raw, "\n\r⟨⟩") {
				t.Fatalf("%s: augmented: component %q, line %q", tm.id, a.Component, a.Raw)
			}
			if a.Category != tm.cat || a.Template != tm.id || schemas.SeverityRank(a.Severity) < 0 {
				t.Fatalf("%s: augmented: labels %s/%s template %q", tm.id, a.Severity, a.Category, a.Template)
			}
		}
	}
}

func TestSplitByTemplate(t *testing.T) {
	ex := Generate(9, 20000)
	train, held := Split(ex, 1, 0.1)
	if len(train)+len(held) != len(ex) || len(held) == 0 {
		t.Fatalf("split %d + %d of %d", len(train), len(held), len(ex))
	}
	inTrain := map[string]bool{}
	for _, e := range train {
		inTrain[e.Template] = true
	}
	heldCats := map[string]bool{}
	for _, e := range held {
		if inTrain[e.Template] {
			t.Fatalf("template %q on both sides", e.Template)
		}
		heldCats[e.Category] = true
	}
	if len(heldCats) != len(schemas.Categories) {
		t.Errorf("held-out set covers %d categories, want all %d", len(heldCats), len(schemas.Categories))
	}
	if frac := float64(len(held)) / float64(len(ex)); frac < 0.04 || frac > 0.2 {
		t.Errorf("held out %.3f of the examples for frac 0.1", frac)
	}
	// Deterministic in the seed, and the seed matters.
	_, again := Split(ex, 1, 0.1)
	if !slices.Equal(held, again) {
		t.Fatal("same seed, different split")
	}
	if a, b := HeldOutTemplates(1, 0.1), HeldOutTemplates(2, 0.1); fmt.Sprint(a) == fmt.Sprint(b) {
		t.Fatal("seeds 1 and 2 hold out the same templates")
	}
}

func TestWriteJSONL(t *testing.T) {
	ex := Generate(11, 200)
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, ex); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(ex) {
		t.Fatalf("%d lines for %d examples", len(lines), len(ex))
	}
	for i, l := range lines {
		var rec map[string]string
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		want := map[string]string{"raw": ex[i].Raw, "severity": ex[i].Severity, "category": ex[i].Category, "component": ex[i].Component}
		if fmt.Sprint(rec) != fmt.Sprint(want) {
			t.Fatalf("line %d: %v, want %v", i, rec, want)
		}
	}
}

// A relevelled line's label is its level: every Hadoop line (log4j levels)
// rendered with relevel forced carries the level word of its label.
func TestRelevelLabelFollowsLevel(t *testing.T) {
	g := newGen(23)
	g.aug = augment{relevel: 1}
	changed := 0
	for _, tm := range registry().all {
		if tm.sys.name != "hadoop" || tm.lvl != "" {
			continue
		}
		for range 10 {
			e := g.renderAug(tm)
			ok := false
			for _, w := range log4jLevels[e.Severity] {
				ok = ok || strings.Contains(e.Raw, " "+w+" ")
			}
			if !ok {
				t.Fatalf("%s: label %s but line %q", tm.id, e.Severity, e.Raw)
			}
			if e.Severity != tm.sev {
				changed++
			}
		}
	}
	if changed == 0 {
		t.Fatal("relevel never changed a severity")
	}
}

// Renamed and reformatted lines name their made-up component, and the
// label is that name (headers that name no component aside).
func TestRenameLabelsTheNewName(t *testing.T) {
	saved := donors
	donors = slices.DeleteFunc(slices.Clone(donors), func(d donor) bool { return d.nameless })
	defer func() { donors = saved }()
	g := newGen(29)
	g.aug = augment{reformat: 1, rename: 1}
	own := map[string]bool{}
	for _, tm := range registry().all {
		for _, c := range tm.comps {
			own[ComponentLabel(c)] = true
		}
	}
	fresh := 0
	for _, tm := range registry().all[:200] {
		e := g.renderAug(tm)
		if e.Component == "" || !strings.Contains(e.Raw, e.Component) {
			t.Fatalf("%s: component %q, line %q", tm.id, e.Component, e.Raw)
		}
		if !own[e.Component] {
			fresh++
		}
	}
	if fresh < 150 {
		t.Fatalf("only %d of 200 renamed lines carry a made-up component", fresh)
	}
}

// The word picked to drop is a whole word of the fixed text (with the space
// before it), most templates have one, and a line with a word dropped keeps
// the template's labels.
func TestDropLeavesOneWordOut(t *testing.T) {
	g := newGen(31)
	g.aug = augment{drop: 1}
	dropped := 0
	for _, tm := range registry().all {
		skip := g.wordToDrop(tm)
		if skip == noSkip {
			continue
		}
		w := tm.parts[skip.part].lit[skip.start:skip.end]
		if w[0] != ' ' || len(strings.TrimSpace(w)) < 3 || strings.ContainsAny(strings.TrimSpace(w), " {}") {
			t.Fatalf("%s: would drop %q", tm.id, w)
		}
		dropped++
		e := g.renderAug(tm)
		if e.Severity != tm.sev || e.Category != tm.cat {
			t.Fatalf("%s: labels %s/%s, template's %s/%s", tm.id, e.Severity, e.Category, tm.sev, tm.cat)
		}
	}
	if dropped < len(registry().all)/2 {
		t.Fatalf("a word can be dropped from %d of %d templates", dropped, len(registry().all))
	}
}

// A line rewritten under a header that names no component is labelled
// with the empty component.
func TestNamelessDonorLabelsNoComponent(t *testing.T) {
	g := newGen(37)
	var plain donor
	for _, d := range donors {
		if d.nameless {
			plain = d
		}
	}
	if plain.format == nil {
		t.Fatal("no nameless donor")
	}
	saved := donors
	donors = []donor{plain}
	defer func() { donors = saved }()
	g.aug = augment{reformat: 1}
	for _, tm := range registry().all[:300] {
		e := g.renderAug(tm)
		if e.Component != "" {
			t.Fatalf("%s: component %q in %q", tm.id, e.Component, e.Raw)
		}
	}
}

func TestComposedExamples(t *testing.T) {
	g := newGen(5)
	g.aug = augment{compose: 1}
	for _, c := range schemas.CategoryNames() {
		if lx := lexicons[c]; len(lx.objects) == 0 || len(lx.verbs) == 0 || len(lx.reasons) == 0 {
			t.Fatalf("category %s has no lexicon", c)
		}
	}
	for _, s := range schemas.Severities {
		if len(framesBySev[s]) == 0 {
			t.Fatalf("severity %s has no frame", s)
		}
	}
	drawEach(t, g, "composed", func(e Example) {
		if !strings.Contains(e.Raw, e.Component) || !isSeverity(e.Severity) {
			t.Fatalf("bad labels %q/%q for %q", e.Severity, e.Component, e.Raw)
		}
		if isShape(e) {
			return
		}
		found := false
		for _, o := range lexicons[e.Category].objects {
			raw := strings.ToLower(e.Raw)
			if strings.Contains(raw, strings.ToLower(o)) || strings.Contains(raw, strings.ToLower(plural(o))) {
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("no %s object in %q", e.Category, e.Raw)
		}
	})
	if got := plural("job queue entry") + " " + plural("process") + " " + plural("key"); got != "job queue entries processes keys" {
		t.Fatalf("plural: %s", got)
	}
}

// isShape reports whether a composed example is one of its category's
// shapes (shapes.go), which need not name a lexicon object.
func isShape(e Example) bool {
	for _, s := range shapes[e.Category] {
		if e.Template == "composed: "+e.Category+": "+s.name {
			return true
		}
	}
	return false
}

// TestShapes: every shape is drawn, gives a valid severity and a message
// with no placeholder, and its phases, registers or keys vary.
func TestShapes(t *testing.T) {
	g := newGen(8)
	for cat, ss := range shapes {
		if _, ok := lexicons[cat]; !ok {
			t.Fatalf("shapes for %s, which has no lexicon", cat)
		}
		for _, s := range ss {
			seen := map[string]bool{}
			for range 200 {
				sev, msg := s.make(g)
				if !isSeverity(sev) || msg == "" || strings.ContainsAny(msg, "{}") {
					t.Fatalf("%s/%s: %q %q", cat, s.name, sev, msg)
				}
				seen[msg] = true
			}
			if len(seen) < 100 {
				t.Fatalf("%s/%s: only %d distinct messages in 200", cat, s.name, len(seen))
			}
		}
	}
	g.aug = augment{compose: 1}
	n := 0
	for range 4000 {
		if e := g.next(); isShape(e) {
			n++
		}
	}
	// 4 of 10 categories have shapes drawn for a quarter of their examples, network for 8%.
	if n < 320 || n > 520 {
		t.Fatalf("%d shaped examples in 4000 composed ones", n)
	}
}

// TestCuedExamples: a cued example's component is named for its category
// (one of the category's cue words, in any case, snake_case or not), is a substring of the
// line, and the labels are valid.
func TestCuedExamples(t *testing.T) {
	g := newGen(6)
	g.aug = augment{cue: 1}
	for _, s := range schemas.Severities {
		if len(cueFramesBySev[s]) == 0 {
			t.Fatalf("severity %s has no cue frame", s)
		}
	}
	drawEach(t, g, "cued", func(e Example) {
		if e.Component == "" || !strings.Contains(e.Raw, e.Component) || !isSeverity(e.Severity) {
			t.Fatalf("bad labels %q/%q for %q", e.Severity, e.Component, e.Raw)
		}
		found := false
		for _, w := range cueWords[e.Category] {
			if strings.Contains(strings.ReplaceAll(strings.ToLower(e.Component), "_", ""), strings.ToLower(w)) {
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("component %q of a %s line names none of its cue words", e.Component, e.Category)
		}
	})
}

// TestCrossCuedComposed: crossCueShare of the composed lines that name a
// component are logged by one named from another category's cue words.
func TestCrossCuedComposed(t *testing.T) {
	share := func(cross float64) float64 {
		g := newGen(7)
		g.aug = augment{compose: 1, crossCue: cross}
		named, crossed := 0, 0
		for range 4000 {
			e := g.next()
			if e.Component == "" {
				continue
			}
			named++
			if otherCue(e) {
				crossed++
			}
		}
		return float64(crossed) / float64(named)
	}
	// Made-up names contain some cue words by chance ("transport"), and
	// short cue words ("Net") are not counted; the cross-cued lines come on
	// top of the chance ones.
	base, with := share(0), share(crossCueShare)
	if d := with - base; d < crossCueShare/2 || d > crossCueShare {
		t.Fatalf("share of composed lines with another category's component: %.2f without, %.2f with crossCue %.2f", base, with, crossCueShare)
	}
}

// otherCue reports whether e's component contains a cue word of a category
// other than e's.
func otherCue(e Example) bool {
	comp := strings.ReplaceAll(strings.ToLower(e.Component), "_", "")
	for cat, ws := range cueWords {
		for _, w := range ws {
			if cat != e.Category && len(w) > 3 && strings.Contains(comp, strings.ToLower(w)) {
				return true
			}
		}
	}
	return false
}

// drawEach draws 5,000 examples from g, which must all be of the given
// kind ("composed", "cued") with no placeholder left, hands each to check,
// and fails unless every category was drawn.
func drawEach(t *testing.T, g *gen, kind string, check func(Example)) {
	t.Helper()
	cats := map[string]int{}
	for range 5000 {
		e := g.next()
		cats[e.Category]++
		if e.System != kind || !strings.HasPrefix(e.Template, kind+": "+e.Category+": ") {
			t.Fatalf("not a %s example: %+v", kind, e)
		}
		if strings.ContainsAny(e.Raw, "{}") && !strings.HasPrefix(e.Raw, "{") {
			t.Fatalf("unfilled placeholder: %q", e.Raw)
		}
		check(e)
	}
	if len(cats) != len(schemas.Categories) {
		t.Fatalf("categories drawn: %v", cats)
	}
}

// Neutral fields keep the labels and the message, and their keys are no
// category's topic word: a key that named one ("block", "user") would teach
// the very shortcut the fields are there to break.
func TestFieldsAreNeutral(t *testing.T) {
	topics := map[string]string{}
	for cat, lx := range lexicons {
		for _, o := range lx.objects {
			topics[strings.ToLower(o)] = cat
		}
	}
	for cat, ws := range cueWords {
		for _, w := range ws {
			topics[strings.ToLower(w)] = cat
		}
	}
	for _, k := range fieldKeys {
		if cat, ok := topics[k]; ok {
			t.Errorf("field key %q is a %s topic word", k, cat)
		}
	}

	g := newGen(41)
	withKV := 0
	for range 500 {
		msg := "Connection to peer 7 lost"
		got := g.withFields(msg)
		if !strings.Contains(got, msg) || len(got) <= len(msg)+1 {
			t.Fatalf("withFields(%q) = %q", msg, got)
		}
		if strings.Contains(got, "=") || strings.Contains(got, ": ") {
			withKV++
		}
	}
	if withKV < 300 {
		t.Fatalf("only %d of 500 detailed messages carry key=value or key: value", withKV)
	}

	g.aug = augment{fields: 1}
	changed := 0
	for _, tm := range registry().all[:300] {
		plain := newGen(3).render(tm)
		e := g.renderAug(tm)
		if e.Severity != plain.Severity || e.Category != plain.Category || e.Template != plain.Template {
			t.Fatalf("%s: fields changed the labels: %+v vs %+v", tm.id, e, plain)
		}
		if e.Component != "" && !strings.Contains(e.Raw, e.Component) {
			t.Fatalf("%s: component %q not in %q", tm.id, e.Component, e.Raw)
		}
		if len(e.Raw) > len(plain.Raw)+3 {
			changed++
		}
	}
	if changed < 200 {
		t.Fatalf("only %d of 300 lines got details", changed)
	}
}

// Syslog systems are renamed more often, with daemon-style names, and the
// new name sits where syslog puts the program: after the host, before the
// pid or the colon.
func TestDaemonRename(t *testing.T) {
	var daemons []*tmplRef
	own := map[string]bool{}
	for _, tm := range registry().all {
		if tm.sys.daemon {
			daemons = append(daemons, tm)
			for _, c := range append(slices.Clone(tm.comps), tm.sys.comps...) {
				own[c] = true
			}
		}
	}
	if len(daemons) < 50 {
		t.Fatalf("only %d syslog templates", len(daemons))
	}
	g := newGen(17)
	g.aug = augment{rename: defaultAugment.rename}
	fresh := 0
	for i := range 2000 {
		e := g.renderAug(daemons[i%len(daemons)])
		if e.Component == "" || own[e.Component] {
			continue
		}
		fresh++
		if strings.ContainsAny(e.Component, ".$/") {
			t.Fatalf("renamed syslog program %q is not daemon-style: %q", e.Component, e.Raw)
		}
		if !strings.Contains(e.Raw, " "+e.Component+"[") && !strings.Contains(e.Raw, " "+e.Component+":") &&
			!strings.Contains(e.Raw, " "+e.Component+" ") {
			t.Fatalf("renamed program %q not in the program's place: %q", e.Component, e.Raw)
		}
	}
	if want := int(2000 * defaultAugment.rename * 1.4); fresh < want {
		t.Fatalf("%d of 2000 syslog lines renamed, want at least %d", fresh, want)
	}
}

// An object names one category's topic: the same words under two labels
// would teach the model to guess between them.
func TestLexiconObjectsDoNotStraddle(t *testing.T) {
	seen := map[string]string{}
	for cat, lx := range lexicons {
		for _, o := range lx.objects {
			k := strings.ToLower(o)
			if other, ok := seen[k]; ok && other != cat {
				t.Errorf("object %q is in both %s and %s", o, other, cat)
			}
			seen[k] = cat
		}
	}
}
