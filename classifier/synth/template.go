package synth

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// tmpl is one message template as the templates_*.go files write it.
//
// msg holds literal text (⟨ and ⟩ stand for literal braces) and slots in braces: {name} draws from the slot
// generators in slots.go, {a|b|c} picks one alternative, {LO-HI} an integer in
// that range. sev and cat are the labels. comp is the component as the line
// spells it ("" = the system's default; alternatives separated by '|';
// "-" = the line names none). lvl, when set, is the level word rendered
// instead of the system's word for sev: a level the judgement overrides, with
// a why comment next to the template.
type tmpl struct {
	sev, cat string
	msg      string
	comp     string
	lvl      string
	tag      string // format-specific extra: Windows event id, Cisco message id
}

// system is one log source: its header format and its templates.
type system struct {
	name string
	// comps are the default components when a template names none.
	comps []string
	// levels maps a severity to the level words this system writes for it;
	// nil when lines carry no level.
	levels map[string][]string
	// format renders the whole line.
	format func(g *gen, l *line) string
	// daemon marks syslog systems, whose lines name a program between the
	// host and the pid: rename gives them made-up daemon names, and more
	// often (daemonRename), because the program is found there by its place
	// and a host is a name-like word too ("combo ftpd[29504]:").
	daemon bool
	tmpls  []tmpl
}

// line is what a format renders.
type line struct {
	sys   *system
	t     *tmplRef
	ts    time.Time
	level string // "" when the system writes none
	comp  string // as spelled in the line; "" for none
	msg   string
	sev   string
}

type tmplRef struct {
	sys      *system
	id       string
	sev, cat string
	lvl      string
	tag      string
	comps    []string // nil: none named
	parts    []part
}

type part struct {
	lit  string
	slot func(g *gen) string
}

func compile(s *system, t *tmpl) *tmplRef {
	ref := &tmplRef{sys: s, id: s.name + ": " + t.msg, sev: t.sev, cat: t.cat, lvl: t.lvl, tag: t.tag}
	if !isSeverity(t.sev) || !isCategory(t.cat) {
		panic(fmt.Sprintf("BUG: synth: %s: labels %q/%q outside the taxonomy", ref.id, t.sev, t.cat))
	}
	switch t.comp {
	case "-":
	case "":
		ref.comps = s.comps
	default:
		ref.comps = choice(t.comp)
	}
	if s.levels != nil && t.lvl == "" && len(s.levels[t.sev]) == 0 {
		panic(fmt.Sprintf("BUG: synth: %s: system %s has no level for %s", ref.id, s.name, t.sev))
	}
	msg := t.msg
	for msg != "" {
		i := strings.IndexByte(msg, '{')
		if i < 0 {
			if strings.ContainsRune(msg, '}') {
				panic("BUG: synth: stray brace in " + ref.id)
			}
			ref.parts = append(ref.parts, part{lit: literal(msg)})
			break
		}
		j := strings.IndexByte(msg[i:], '}')
		if j < 0 {
			panic("BUG: synth: unclosed slot in " + ref.id)
		}
		if strings.ContainsRune(msg[i+1:i+j], '{') || strings.ContainsRune(msg[:i], '}') {
			panic("BUG: synth: nested or stray brace in " + ref.id)
		}
		if i > 0 {
			ref.parts = append(ref.parts, part{lit: literal(msg[:i])})
		}
		ref.parts = append(ref.parts, part{slot: compileSlot(ref.id, msg[i+1:i+j])})
		msg = msg[i+j+1:]
	}
	return ref
}

// literal turns the brace stand-ins ⟨ and ⟩, which templates use where the
// line itself has braces, into { and }.
func literal(s string) string {
	return strings.NewReplacer("⟨", "{", "⟩", "}").Replace(s)
}

func compileSlot(id, spec string) func(g *gen) string {
	if strings.Contains(spec, "|") {
		alts := choice(spec)
		return func(g *gen) string { return g.pick(alts) }
	}
	if lo, hi, ok := strings.Cut(spec, "-"); ok && lo != "" {
		// A range: decimal, or hex when a bound has a-f; a leading zero
		// fixes the width ({00-1f} gives "0a").
		base := 10
		if strings.ContainsAny(lo+hi, "abcdef") {
			base = 16
		}
		a, err1 := strconv.ParseInt(lo, base, 64)
		b, err2 := strconv.ParseInt(hi, base, 64)
		if err1 == nil && err2 == nil && a <= b {
			width := 0
			if len(lo) > 1 && lo[0] == '0' {
				width = len(lo)
			}
			return func(g *gen) string {
				s := strconv.FormatInt(a+g.r.Int64N(b-a+1), base)
				for len(s) < width {
					s = "0" + s
				}
				return s
			}
		}
	}
	f, ok := slots[spec]
	if !ok {
		panic(fmt.Sprintf("BUG: synth: %s: unknown slot {%s}", id, spec))
	}
	return f
}

// line fills t's slots: the line before its header, level and component.
func (g *gen) line(t *tmplRef) *line { return g.lineWithout(t, noSkip) }

// span is bytes [start, end) of the literal text of t.parts[part].
type span struct{ part, start, end int }

var noSkip = span{part: -1}

// lineWithout is line with the literal bytes of skip left out.
func (g *gen) lineWithout(t *tmplRef, skip span) *line {
	var b strings.Builder
	for i, p := range t.parts {
		switch {
		case p.slot != nil:
			b.WriteString(p.slot(g))
		case i == skip.part:
			b.WriteString(p.lit[:skip.start])
			b.WriteString(p.lit[skip.end:])
		default:
			b.WriteString(p.lit)
		}
	}
	return &line{sys: t.sys, t: t, ts: g.timestamp(), msg: b.String(), sev: t.sev}
}

// render renders t as its own system writes it, with the template's labels.
func (g *gen) render(t *tmplRef) Example {
	l := g.line(t)
	if t.comps != nil {
		l.comp = g.pick(t.comps)
	}
	switch {
	case t.lvl != "":
		l.level = t.lvl
	case t.sys.levels != nil:
		l.level = g.pick(t.sys.levels[t.sev])
	}
	raw := t.sys.format(g, l)
	comp := ComponentLabel(l.comp)
	if !strings.Contains(raw, comp) {
		panic(fmt.Sprintf("BUG: synth: %s: component %q not in line %q", t.id, comp, raw))
	}
	return Example{
		Raw:       raw,
		Severity:  t.sev,
		Category:  t.cat,
		Component: comp,
		System:    t.sys.name,
		Template:  t.id,
	}
}

// timestamp draws a time in 2019–2026, so formats show varied dates.
func (g *gen) timestamp() time.Time {
	start := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	sec := start + g.r.Int64N(8*365*86400)
	return time.Unix(sec, g.r.Int64N(1e9)).UTC()
}

func isSeverity(s string) bool {
	switch s {
	case "debug", "info", "warning", "error", "critical":
		return true
	}
	return false
}

func isCategory(s string) bool {
	switch s {
	case "auth", "network", "storage", "database", "hardware", "system", "application", "resource", "scheduler", "config":
		return true
	}
	return false
}

// t is a template with the system's default component.
func t(sev, cat, msg string) tmpl { return tmpl{sev: sev, cat: cat, msg: msg} }

// tc is a template naming its component(s).
func tc(sev, cat, comp, msg string) tmpl { return tmpl{sev: sev, cat: cat, msg: msg, comp: comp} }

// lv renders level word w instead of the system's word for the severity.
func (x tmpl) lv(w string) tmpl { x.lvl = w; return x }

// tg sets the format-specific tag.
func (x tmpl) tg(tag string) tmpl { x.tag = tag; return x }
