package synth

import (
	"fmt"
	"strconv"
	"strings"
)

// Augmentation. With a few hundred systems' worth of templates, a small model
// learns each template's labels by heart: the severity from the message
// rather than from the level the line carries, the component as a fixed
// string per template rather than as "the logger the header names". On a
// system it has never seen it then guesses from the words. Five rewrites,
// each applied to a fraction of the examples, break those shortcuts while
// keeping every label right by construction:
//
//   - relevel: a line whose format carries a level gets another level, drawn
//     with the severity weights, and the label follows it (the taxonomy's
//     rule: a line's own level decides its severity). Templates whose level
//     is a deliberate override (tmpl.lvl) keep it.
//   - reformat: the message is written under another family's header
//     (log4j, Python logging, Go loggers, JSON, syslog, klog, and a set of
//     generic layouts, some naming no component, whose label is then ""),
//     so where the level and the logger sit varies independently of what
//     the message says.
//   - rename: the component is replaced by a made-up name in the style of
//     the header (Java class, dotted Python module, daemon, Go package), so
//     the model must read it from the line instead of recalling it.
//   - drop: one word of the message's fixed text is deleted, so no single
//     word is the template's fingerprint and the category has to come from
//     the words that remain (random deletion, as in text-classification
//     augmentation). Slot values, the component and the level are kept.
//   - fields: neutral key = value details are added to the message
//     (fields.go), so "=" and appended text say nothing about the labels.
//
// compose is the share of examples built from a frame and a category's
// lexicon instead of a template (compose.go), cue the share of lifecycle
// messages under a component named for the category (cue.go).
type augment struct{ relevel, reformat, rename, drop, fields, compose, cue, crossCue float64 }

var defaultAugment = augment{relevel: 0.35, reformat: 0.35, rename: 0.30, drop: 0.25, fields: fieldsShare, compose: composeShare, cue: cueShare, crossCue: crossCueShare}

// daemonRename multiplies the rename share for syslog systems (see
// system.daemon).
const daemonRename = 5.0 / 3

// donor is a header family a message can be rewritten under.
type donor struct {
	name   string
	format func(g *gen, l *line) string
	levels map[string][]string // nil: the header carries no level
	style  nameStyle
	// nameless headers name no component (Apache 2.0's error log and
	// many in-house loggers): the line's component label is "".
	nameless bool
}

type nameStyle int

const (
	styleJava nameStyle = iota
	stylePython
	styleDaemon
	styleGo
	styleAny
)

var (
	klogLevels = map[string][]string{
		"info": {"I"}, "warning": {"W"}, "error": {"E"}, "critical": {"F"},
	}
	// plainLevels are the full-word levels of loggers that name no
	// component, Apache's bracketed lower-case ones among them.
	plainLevels = map[string][]string{
		"debug":    {"debug", "DEBUG", "trace"},
		"info":     {"info", "notice", "INFO", "NOTICE"},
		"warning":  {"warn", "warning", "WARN", "WARNING"},
		"error":    {"error", "ERROR", "err"},
		"critical": {"crit", "alert", "emerg", "CRITICAL", "FATAL"},
	}
	// genericLevels are the spellings of levels across loggers: full words in
	// three cases, and the three-letter and one-letter forms some use.
	genericLevels = map[string][]string{
		"debug":    {"DEBUG", "debug", "Debug", "DBG", "TRACE", "trace", "VERBOSE", "D"},
		"info":     {"INFO", "info", "Info", "INF", "NOTICE", "notice", "I"},
		"warning":  {"WARN", "WARNING", "warn", "warning", "Warning", "WRN", "W"},
		"error":    {"ERROR", "error", "Error", "ERR", "SEVERE", "E", "FAILURE"},
		"critical": {"FATAL", "CRITICAL", "CRIT", "crit", "fatal", "critical", "ALERT", "EMERG", "PANIC", "F"},
	}
)

var donors = []donor{
	{"log4j", fmtLog4j, log4jLevels, styleJava, false},
	{"hadoop", fmtHadoop, log4jLevels, styleJava, false},
	{"spark", fmtSpark, log4jLevels, styleJava, false},
	{"kafka", fmtKafka, log4jLevels, styleJava, false},
	{"zookeeper", fmtZooKeeper, log4jLevels, styleJava, false},
	{"python", fmtPython, pythonLevels, stylePython, false},
	{"oslo", fmtOslo, pythonLevels, stylePython, false},
	{"go", fmtGo, goLevels, styleGo, false},
	{"json", fmtJSON, pythonLevels, styleAny, false},
	{"syslog", fmtSyslog, nil, styleDaemon, false},
	{"klog", fmtKlog, klogLevels, styleGo, false},
	// Listed twice: its nine layouts get twice a single family's share.
	{"generic", fmtGeneric, genericLevels, styleAny, false},
	{"generic", fmtGeneric, genericLevels, styleAny, false},
	{"plain", fmtPlain, plainLevels, styleAny, true},
}

// renderAug renders t like render, then maybe rewrites it (see above).
func (g *gen) renderAug(t *tmplRef) Example {
	renameP := g.aug.rename
	if t.sys.daemon {
		renameP = min(1, g.aug.rename*daemonRename)
	}
	relevel, reformat, rename := g.r.Float64() < g.aug.relevel, g.r.Float64() < g.aug.reformat, g.r.Float64() < renameP
	drop := g.r.Float64() < g.aug.drop
	fields := g.r.Float64() < g.aug.fields
	if !relevel && !reformat && !rename && !drop && !fields {
		return g.render(t)
	}
	format, levels, style, nameless := t.sys.format, t.sys.levels, styleAny, false
	if t.sys.daemon {
		style = styleDaemon
	}
	if reformat {
		d := donors[g.r.IntN(len(donors))]
		format, levels, style, nameless = d.format, d.levels, d.style, d.nameless
	}
	skip := noSkip
	if drop {
		skip = g.wordToDrop(t)
	}
	l := g.lineWithout(t, skip)
	if fields {
		l.msg = g.withFields(l.msg)
	}
	sev := t.sev
	if t.comps != nil {
		l.comp = g.pick(t.comps)
	}
	if reformat && l.comp == "" || rename {
		l.comp = g.componentName(style)
	}
	if reformat && nameless {
		l.comp = ""
	}
	switch {
	case !reformat && t.lvl != "":
		l.level = t.lvl
	case levels != nil:
		if relevel && t.lvl == "" {
			sev = g.severity()
		}
		words := levels[sev]
		if len(words) == 0 { // the family has no word for it (klog debug)
			sev = t.sev
			words = levels[sev]
		}
		if len(words) == 0 { // nor for the template's: klog writes debug as I
			sev = "info"
			words = levels[sev]
		}
		if len(words) == 0 {
			return g.render(t)
		}
		l.level = g.pick(words)
	}
	l.sev = sev
	raw := format(g, l)
	comp := ComponentLabel(l.comp)
	if !strings.Contains(raw, comp) {
		// A format that does not print every component (the kubelet's
		// header): keep the template's own rendering.
		return g.render(t)
	}
	return Example{Raw: raw, Severity: sev, Category: t.cat, Component: comp, System: t.sys.name, Template: t.id}
}

// wordToDrop picks one word of t's fixed text to leave out: a run of at
// least three letters between spaces, taken with the space before it. A
// message with fewer than three such words is left whole, so a short line
// keeps enough to be judged.
func (g *gen) wordToDrop(t *tmplRef) span {
	var words []span
	for i, p := range t.parts {
		if p.slot != nil {
			continue
		}
		for j := 0; j < len(p.lit); {
			if !isLetter(p.lit[j]) {
				j++
				continue
			}
			k := j
			for k < len(p.lit) && isLetter(p.lit[k]) {
				k++
			}
			// Whole words only, not the start of the message (often the
			// subject) nor a name glued to a slot.
			if k-j >= 3 && j > 0 && p.lit[j-1] == ' ' && (k == len(p.lit) || p.lit[k] == ' ') {
				words = append(words, span{i, j - 1, k})
			}
			j = k
		}
	}
	if len(words) < 3 {
		return noSkip
	}
	return words[g.r.IntN(len(words))]
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// severity draws a severity with the generator's weights.
func (g *gen) severity() string {
	x := g.r.Float64()
	for _, s := range []string{"debug", "info", "warning", "error"} {
		if x -= severityWeight[s]; x < 0 {
			return s
		}
	}
	return "critical"
}

// fmtOslo renders the oslo.log layout of OpenStack-style Python services:
// "date time pid LEVEL module [request context] message", sometimes behind
// the log file's name as collectors prefix it.
func fmtOslo(g *gen, l *line) string {
	ctx := "-"
	if g.r.IntN(3) != 0 {
		ctx = "req-" + g.uuid() + " " + g.hexN(32) + " " + g.hexN(32) + " - - -"
	}
	s := l.ts.Format("2006-01-02 15:04:05.000") + " " + g.pid() + " " + l.level + " " + l.comp + " [" + ctx + "] " + l.msg
	if g.r.IntN(3) == 0 {
		s = g.pick(nameWords) + "-" + g.pick([]string{"api", "agent", "worker", "server"}) + ".log " + s
	}
	return s
}

// fmtPlain renders layouts that name no component: a timestamp and a level
// (in brackets, as Apache 2.0's error log writes it, or bare) before the
// message.
func fmtPlain(g *gen, l *line) string {
	switch g.r.IntN(4) {
	case 0:
		return "[" + l.ts.Format("Mon Jan 02 15:04:05 2006") + "] [" + strings.ToLower(l.level) + "] " + l.msg
	case 1:
		return l.ts.Format("2006-01-02 15:04:05") + " [" + l.level + "] " + l.msg
	case 2:
		return l.ts.Format("2006-01-02T15:04:05.000Z") + " " + l.level + " " + l.msg
	}
	return l.ts.Format("Jan _2 15:04:05") + " " + g.hostName() + " " + l.level + ": " + l.msg
}

// fmtGeneric renders layouts seen across in-house loggers, appliance logs
// and cluster monitors, with the level and the component in varying places.
func fmtGeneric(g *gen, l *line) string {
	ts := l.ts.Format(g.pick([]string{"2006-01-02 15:04:05", "2006-01-02T15:04:05.000Z", "Jan _2 15:04:05", "2006/01/02 15:04:05.000", "06-01-02 15:04:05", "2006-01-02-15.04.05.000000"}))
	switch g.r.IntN(10) {
	case 9:
		// Supercomputer RAS event logs: an alert flag, the epoch, the
		// date, the reporting location twice and a facility before the
		// component, which they write in capitals.
		if !strings.ContainsAny(l.comp, "./$") {
			l.comp = strings.ToUpper(l.comp)
		}
		loc := g.rasLocation()
		return fmt.Sprintf("%s %d %s %s %s %s %s %s %s %s", g.pick([]string{"-", "-", "-", "KERNDTLB", "APPSEV", "HWFAIL"}), l.ts.Unix(),
			l.ts.Format("2006.01.02"), loc, l.ts.Format("2006-01-02-15.04.05.000000"), loc, g.pick([]string{"RAS", "RAS", "NULL", "MON"}),
			l.comp, strings.ToUpper(l.level), l.msg)
	case 0:
		return ts + " " + l.level + " [" + l.comp + "] " + l.msg
	case 1:
		return ts + " | " + l.level + " | " + l.comp + " | " + l.msg
	case 2:
		return l.level + " " + ts + " " + l.comp + " - " + l.msg
	case 3:
		return "[" + ts + "] [" + strings.ToLower(l.level) + "] " + l.comp + ": " + l.msg
	case 4:
		return ts + " " + g.nodeID() + " " + l.comp + " " + l.level + " " + l.msg
	case 5:
		return ts + " " + g.hostName() + " " + l.comp + "[" + g.pid() + "]: " + l.level + ": " + l.msg
	case 6:
		return strconv.FormatInt(l.ts.Unix(), 10) + " " + ts + " " + g.nodeID() + " " + l.comp + " " + l.level + " " + l.msg
	case 7:
		return ts + " [" + g.thread() + "] " + l.level + " " + l.comp + " " + l.msg
	}
	return ts + " " + l.level + " " + g.pid() + " --- " + l.comp + ": " + l.msg
}

// rasLocation is a supercomputer location code: rack, midplane, node
// card, and the card and unit ("R12-M1-N4-C:J07-U11").
func (g *gen) rasLocation() string {
	loc := fmt.Sprintf("R%02d-M%d-N%X", g.r.IntN(80), g.r.IntN(2), g.r.IntN(16))
	if g.r.IntN(4) != 0 {
		loc += fmt.Sprintf("-%s:J%02d-U%02d", g.pick([]string{"C", "I"}), g.r.IntN(19), g.r.IntN(12))
	}
	return loc
}

// nodeID is a cluster node name as rack-based monitors write it.
func (g *gen) nodeID() string {
	switch g.r.IntN(3) {
	case 0:
		return fmt.Sprintf("r%02d-n%02d", g.r.IntN(40), g.r.IntN(64))
	case 1:
		return fmt.Sprintf("node-%03d", g.r.IntN(1000))
	}
	return fmt.Sprintf("c%d-%d-%d", g.r.IntN(8), g.r.IntN(16), g.r.IntN(32))
}

func (g *gen) hexN(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.r.IntN(16)]
	}
	return string(b)
}

// nameWords are the pieces made-up component names are built from: words
// that name parts of software, so the names look like the ones real
// loggers carry without being any real system's.
var nameWords = []string{
	"access", "account", "admin", "agent", "alert", "allocator", "api", "app", "archive", "audit", "auth", "backend",
	"backup", "balancer", "batch", "billing", "block", "bridge", "broker", "buffer", "builder", "bus", "cache", "catalog",
	"channel", "checker", "client", "cluster", "collector", "commit", "compactor", "compute", "config", "connector",
	"consumer", "container", "context", "control", "controller", "coordinator", "core", "cron", "daemon", "data", "dispatch",
	"dispatcher", "driver", "election", "engine", "event", "executor", "exporter", "fetcher", "filter", "flow", "gateway",
	"gossip", "graph", "handler", "health", "heartbeat", "host", "image", "index", "indexer", "ingest", "instance",
	"inventory", "io", "job", "journal", "kernel", "key", "launcher", "lease", "ledger", "link", "listener", "loader",
	"lock", "log", "manager", "mapper", "master", "media", "member", "memory", "merge", "mesh", "message", "meta",
	"metrics", "migrate", "monitor", "mount", "net", "node", "notify", "object", "operator", "order", "packet", "page",
	"parser", "peer", "pipeline", "planner", "plugin", "policy", "pool", "port", "probe", "process", "producer", "proxy",
	"publisher", "queue", "quorum", "reader", "reaper", "receiver", "recovery", "region", "registry", "relay", "replica",
	"report", "repository", "request", "resolver", "resource", "router", "rpc", "runner", "runtime", "sampler", "scanner",
	"scheduler", "secret", "segment", "sender", "sensor", "server", "service", "session", "shard", "shuffle", "signal",
	"sink", "slot", "snapshot", "socket", "source", "spool", "stage", "state", "status", "storage", "store", "stream",
	"supervisor", "sync", "table", "task", "tenant", "thread", "timer", "token", "topic", "tracker", "transport", "tree",
	"upload", "user", "validator", "vault", "view", "volume", "watcher", "web", "worker", "writer", "zone",
}

// syllables build pronounceable nonsense names ("dravok"), which no
// vocabulary has seen whole: the model can only copy them.
var syllables = []string{"ka", "lo", "mi", "ne", "tor", "vak", "zen", "dra", "qui", "pex", "sul", "rin", "bo", "fa", "gor", "hul", "ix", "jun", "wem", "yt"}

// letterPool weights letters roughly as English text does, so drawn
// strings look like the abbreviations real programs are named with
// ("ftpd", "klogind", "nfsd") and split into tokens the syllables never
// give: the model must copy pieces it has no name for.
const letterPool = "eeeeeeaaaaattttttooooiiiinnnnnsssssrrrrhhlllddccuumfppgwybvkxjqz"

// letters is a made-up name of 3 to 8 letters drawn from letterPool.
func (g *gen) letters() string {
	b := make([]byte, 3+g.r.IntN(6))
	for i := range b {
		b[i] = letterPool[g.r.IntN(len(letterPool))]
	}
	return string(b)
}

func (g *gen) nameWord() string {
	if g.r.IntN(4) == 0 {
		return g.letters()
	}
	if g.r.IntN(3) == 0 {
		n := 2 + g.r.IntN(2)
		var b strings.Builder
		for range n {
			b.WriteString(g.pick(syllables))
		}
		return b.String()
	}
	return g.pick(nameWords)
}

func title(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// camel is a class-like name of one to three words ("BlockReceiver").
func (g *gen) camel() string {
	var b strings.Builder
	for range 1 + g.r.IntN(3) {
		b.WriteString(title(g.nameWord()))
	}
	return b.String()
}

// componentName makes up a component in the given style.
func (g *gen) componentName(s nameStyle) string {
	if s == styleAny {
		s = nameStyle(g.r.IntN(4))
	}
	switch s {
	case styleJava:
		name := g.camel()
		if g.r.IntN(4) == 0 {
			name += "$" + g.camel()
		}
		var pkg []string
		switch g.r.IntN(3) {
		case 0:
			pkg = append(pkg, g.pick([]string{"org", "com", "io", "net"}), g.nameWord())
			fallthrough
		case 1:
			for range 1 + g.r.IntN(3) {
				pkg = append(pkg, g.nameWord())
			}
		}
		if len(pkg) == 0 {
			return name
		}
		return strings.Join(pkg, ".") + "." + name
	case stylePython:
		parts := []string{g.nameWord()}
		for range 1 + g.r.IntN(3) {
			parts = append(parts, g.nameWord())
		}
		return strings.Join(parts, g.pick([]string{".", ".", ".", "_"}))
	case styleDaemon:
		w := g.nameWord()
		switch g.r.IntN(4) {
		case 0:
			return w + "d"
		case 1:
			return w + "-" + g.nameWord()
		case 2:
			return w + "(pam_" + g.nameWord() + ")"
		}
		return w
	}
	if g.r.IntN(2) == 0 {
		return g.nameWord() + "/" + g.nameWord()
	}
	return g.nameWord()
}
