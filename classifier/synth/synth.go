package synth

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/logsift/logsift/schemas"
)

// Example is one generated, labelled log line.
type Example struct {
	Raw       string
	Severity  string
	Category  string
	Component string // as the line names it; "" when it names none
	System    string // the generator's system name (sshd, postgresql, ...)
	Template  string // "system: message template", unique per template
}

// Template describes one message template, for reports and splits.
type Template struct {
	System, ID, Severity, Category string
}

// Generate returns n examples drawn with the given seed. The same seed and n
// give the same examples, and a shorter run is a prefix of a longer one.
func Generate(seed uint64, n int) []Example {
	g := newGen(seed)
	out := make([]Example, n)
	for i := range out {
		out[i] = g.next()
	}
	return out
}

// Templates lists every template, sorted by ID.
func Templates() []Template {
	r := registry()
	out := make([]Template, 0, len(r.all))
	for _, t := range r.all {
		out = append(out, Template{System: t.sys.name, ID: t.id, Severity: t.sev, Category: t.cat})
	}
	slices.SortFunc(out, func(a, b Template) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// Systems lists the system names, sorted.
func Systems() []string {
	var out []string
	for _, s := range registry().systems {
		out = append(out, s.name)
	}
	slices.Sort(out)
	return out
}

// evalRecord is the evaluation format of `logsift model eval`.
type evalRecord struct {
	Raw       string `json:"raw"`
	Severity  string `json:"severity"`
	Category  string `json:"category"`
	Component string `json:"component"`
}

// WriteJSONL writes examples one JSON object per line with the fields the
// evaluator reads: raw, severity, category, component.
func WriteJSONL(w io.Writer, examples []Example) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i, e := range examples {
		if err := enc.Encode(evalRecord{e.Raw, e.Severity, e.Category, e.Component}); err != nil {
			return fmt.Errorf("synth: writing example %d: %w", i, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("synth: writing examples: %w", err)
	}
	return nil
}

// WriteFile generates n examples with seed and writes them to path as JSONL.
func WriteFile(path string, seed uint64, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	if err := WriteJSONL(f, Generate(seed, n)); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("synth: closing %s: %w", path, err)
	}
	return nil
}

// Split divides examples by template: about frac of each category's
// templates (at least one when the category has two or more) go to held,
// chosen by a seeded hash of the template, and every example of a held-out
// template goes with it.
func Split(examples []Example, seed uint64, frac float64) (train, held []Example) {
	heldOut := HeldOutTemplates(seed, frac)
	for _, e := range examples {
		if heldOut[e.Template] {
			held = append(held, e)
		} else {
			train = append(train, e)
		}
	}
	return train, held
}

// HeldOutTemplates returns the template IDs Split holds out.
func HeldOutTemplates(seed uint64, frac float64) map[string]bool {
	byCat := map[string][]Template{}
	for _, t := range Templates() {
		byCat[t.Category] = append(byCat[t.Category], t)
	}
	key := func(id string) uint64 {
		h := fnv.New64a()
		fmt.Fprintf(h, "%d\x00%s", seed, id)
		return h.Sum64()
	}
	out := map[string]bool{}
	for _, ts := range byCat {
		slices.SortFunc(ts, func(a, b Template) int { return cmp.Compare(key(a.ID), key(b.ID)) })
		k := int(frac*float64(len(ts)) + 0.5)
		if k == 0 && frac > 0 && len(ts) > 1 {
			k = 1
		}
		for _, t := range ts[:min(k, len(ts)-1)] {
			out[t.ID] = true
		}
	}
	return out
}

// Severity weights when sampling: routine lines are the most common in real
// logs, but a classifier must see enough of the rare levels to learn them.
var severityWeight = map[string]float64{
	"debug": 0.10, "info": 0.34, "warning": 0.22, "error": 0.24, "critical": 0.10,
}

type gen struct {
	r   *rand.Rand
	reg *reg
	aug augment
}

func newGen(seed uint64) *gen {
	return &gen{
		r:   rand.New(rand.NewPCG(seed, 0x6c6f6773696674)),
		reg: registry(),
		aug: defaultAugment,
	}
}

func (g *gen) next() Example {
	r := g.reg
	cat := schemas.Categories[g.r.IntN(len(schemas.Categories))].Name
	if g.aug.compose > 0 || g.aug.cue > 0 {
		switch x := g.r.Float64(); {
		case x < g.aug.compose:
			return g.compose(cat)
		case x < g.aug.compose+g.aug.cue:
			return g.cue(cat)
		}
	}
	cells := r.cells[cat]
	total := 0.0
	for _, c := range cells {
		total += c.weight
	}
	x := g.r.Float64() * total
	cell := cells[len(cells)-1]
	for _, c := range cells {
		if x -= c.weight; x < 0 {
			cell = c
			break
		}
	}
	t := cell.tmpls[g.r.IntN(len(cell.tmpls))]
	return g.renderAug(t)
}

// cell is the templates of one (category, severity) pair.
type cell struct {
	sev    string
	weight float64
	tmpls  []*tmplRef
}

// fullCell is the number of templates from which a cell gets its severity's
// whole weight; thinner cells get proportionally less, so a cell of one
// template does not repeat that template thousands of times.
const fullCell = 6

type reg struct {
	systems []*system
	all     []*tmplRef
	cells   map[string][]cell // category → cells in severity order
}

var registry = sync.OnceValue(func() *reg {
	r := &reg{cells: map[string][]cell{}}
	r.systems = slices.Clone(allSystems)
	slices.SortFunc(r.systems, func(a, b *system) int { return cmp.Compare(a.name, b.name) })
	seen := map[string]bool{}
	for _, s := range r.systems {
		if seen[s.name] {
			panic("BUG: synth: system " + s.name + " registered twice")
		}
		seen[s.name] = true
		for i := range s.tmpls {
			ref := compile(s, &s.tmpls[i])
			if seen[ref.id] {
				panic("BUG: synth: duplicate template " + ref.id)
			}
			seen[ref.id] = true
			r.all = append(r.all, ref)
		}
	}
	for _, c := range schemas.Categories {
		for _, sev := range schemas.Severities {
			var ts []*tmplRef
			for _, t := range r.all {
				if t.cat == c.Name && t.sev == sev {
					ts = append(ts, t)
				}
			}
			if len(ts) > 0 {
				w := severityWeight[sev] * min(1, float64(len(ts))/fullCell)
				r.cells[c.Name] = append(r.cells[c.Name], cell{sev, w, ts})
			}
		}
		if len(r.cells[c.Name]) == 0 {
			panic("BUG: synth: no template for category " + c.Name)
		}
	}
	return r
})

// allSystems is filled by the templates_*.go files' init functions.
var allSystems []*system

func register(s *system) { allSystems = append(allSystems, s) }

// ComponentLabel is the component label for a name as the line spells it:
// the name itself, or, past the schema's limit of 48 characters, its longest
// tail that starts after a '.', '/' or '$' and fits
// ("org.apache.hadoop.yarn.server.nodemanager.containermanager.monitor.ContainersMonitorImpl"
// → "containermanager.monitor.ContainersMonitorImpl"). An evaluation against
// labels that keep longer names should apply it to them too.
func ComponentLabel(name string) string {
	if len(name) <= schemas.MaxComponentLen {
		return name
	}
	for i := len(name) - schemas.MaxComponentLen; i < len(name); i++ {
		if c := name[i-1]; c == '.' || c == '/' || c == '$' {
			return name[i:]
		}
	}
	return name[len(name)-schemas.MaxComponentLen:]
}

func (g *gen) pick(opts []string) string { return opts[g.r.IntN(len(opts))] }

func choice(s string) []string { return strings.Split(s, "|") }
