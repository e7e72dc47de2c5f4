package synth

import (
	"fmt"
	"strings"
)

// Cued examples. Many real lines say nothing about their topic in the
// message: "PacketResponder 3 for block ... terminating" does, but
// "Interrupting SendWorker", "Send worker leaving thread" or "Starting
// VolumeScanner" do not, and a person labels them by what the logger is —
// a storage daemon's thread, a network sender. Templates tie such lines to
// one fixed component, and rename replaces the component with a made-up
// name that carries no meaning, so the model never learns to read the
// logger's name. A share of the examples (cueShare) are therefore a
// lifecycle message shared by every category ("{C} terminating",
// "Interrupting {C}", "Exception in {C}") under a component whose name is
// built from the category's words (BlockScanner, rpc.ConnectionReader,
// jobd): the message carries the severity, the name the category.
//
// Cue words are chosen as the compose lexicons are: none straddles two
// categories (no bare "Session", "Queue", "Pool" or "Cpu").
const cueShare = 0.10

var cueWords = map[string][]string{
	"storage":     {"Block", "Replica", "Namesystem", "BlockMap", "NameNode", "Volume", "Disk", "Dataset", "Chunk", "Segment", "Blob", "Snapshot", "Journal", "Inode", "FileStore", "Storage", "ObjectStore", "Bucket", "Extent", "Mount", "Fs"},
	"network":     {"Connection", "Socket", "Channel", "Peer", "Rpc", "Transport", "Net", "Endpoint", "Nio", "Tcp", "Udp", "Proxy", "Dns", "Cnx", "Packet", "Wire", "Send", "Recv"},
	"scheduler":   {"Task", "Job", "Scheduler", "Executor", "Container", "Dag", "Workflow", "Lease", "Stage", "Slot", "Attempt", "Pod", "Placement", "Batch"},
	"database":    {"Sql", "Jdbc", "Db", "Query", "Transaction", "Table", "Cursor", "Schema", "Wal", "Statement", "Orm", "Replication"},
	"auth":        {"Auth", "Login", "Security", "Credential", "Token", "Acl", "Permission", "Kerberos", "Pam", "Sasl", "Oauth", "Identity", "Password", "Principal"},
	"config":      {"Config", "Configuration", "Settings", "Properties", "Options", "Env", "Flags", "Profile", "Preferences", "Conf"},
	"resource":    {"Memory", "Heap", "Gc", "Quota", "Throttle", "RateLimit", "Cgroup", "Oom", "Budget", "Capacity", "Limit", "Usage"},
	"hardware":    {"Sensor", "Fan", "Thermal", "Power", "Ecc", "Dimm", "Bmc", "Ipmi", "Pci", "Firmware", "Mce", "Voltage", "Nic", "Edac"},
	"system":      {"Kernel", "Init", "Systemd", "Boot", "Shutdown", "Udev", "Module", "Watchdog", "Syslog", "Cron", "Os", "Signal"},
	"application": {"App", "Controller", "Servlet", "Request", "Web", "Api", "Checkout", "Order", "Ui", "Page", "View", "Cart", "Payment", "Render"},
}

// cueSuffixes finish a cued class name; they say what kind of thing it is,
// not what it is about.
var cueSuffixes = []string{"Manager", "Service", "Worker", "Thread", "Handler", "Monitor", "Tracker", "Server", "Client",
	"Impl", "Runner", "Processor", "Scanner", "Receiver", "Sender", "Writer", "Reader", "Responder", "Listener", "Agent",
	"Controller", "Loop", "Pool", "Cache", "Factory", "Watcher", ""}

// cueFrames are lifecycle messages with no topic of their own. {C} is a
// cued class name (the component's or another of its category), {id} an
// identifier, {state} a neutral state, {ms} a duration.
var cueFrames = []frame{
	{"debug", "{C} {id}: tick"},
	{"debug", "Entering {C} loop"},
	{"debug", "{C} woke up after {ms} ms"},
	{"debug", "{C} {id} idle"},
	{"info", "{C} {id} terminating"},
	{"info", "{C} started"},
	{"info", "Starting {C}"},
	{"info", "Stopping {C} {id}"},
	{"info", "{C} stopped"},
	{"info", "{C} is ready"},
	{"info", "Registered {C} {id}"},
	{"info", "{C} {id} finished"},
	{"info", "{C} initialized in {ms} ms"},
	{"info", "{C} state changed to {state}"},
	{"info", "Shutting down {C}"},
	{"info", "terminating"},
	{"info", "exiting normally"},
	{"warning", "Interrupting {C}"},
	{"warning", "{C} leaving thread"},
	{"warning", "{C} {id} interrupted"},
	{"warning", "Interrupted while waiting in {C}"},
	{"warning", "{C} {id} restarted unexpectedly"},
	{"warning", "{C} is slow to respond ({ms} ms)"},
	{"warning", "interrupted, leaving"},
	{"error", "Exception in {C} {id}"},
	{"error", "Uncaught exception in thread {C}"},
	{"error", "{C} {id} died"},
	{"error", "{C} {id} terminated with an error"},
	{"error", "error in {C}, see previous message"},
	{"critical", "{C} crashed; shutting down"},
	{"critical", "Fatal error in {C}"},
	{"critical", "{C} {id} is dead and cannot be restarted"},
}

var cueFramesBySev = func() map[string][]frame {
	m := map[string][]frame{}
	for _, f := range cueFrames {
		m[f.sev] = append(m[f.sev], f)
	}
	return m
}()

// cueClass is a class name about cat ("BlockScanner", "RpcSendWorker").
func (g *gen) cueClass(cat string) string {
	w := g.pick(cueWords[cat])
	if g.r.IntN(3) == 0 {
		w += g.pick(cueWords[cat])
	}
	if s := g.pick(cueSuffixes); s != "" || len(w) > 3 {
		return w + s
	}
	return w + "Manager"
}

// cueName is a component about cat in the given header style.
func (g *gen) cueName(cat string, s nameStyle) (comp, class string) {
	class = g.cueClass(cat)
	if s == styleAny {
		s = nameStyle(g.r.IntN(4))
	}
	switch s {
	case styleJava:
		name := class
		if g.r.IntN(4) == 0 {
			inner := g.cueClass(cat)
			name += "$" + inner
			class = inner
		}
		var pkg []string
		switch g.r.IntN(3) {
		case 0:
			pkg = append(pkg, g.pick([]string{"org", "com", "io"}), g.madeUpWord())
			fallthrough
		case 1:
			for range 1 + g.r.IntN(2) {
				pkg = append(pkg, g.madeUpWord())
			}
		}
		if len(pkg) == 0 {
			return name, class
		}
		return strings.Join(pkg, ".") + "." + name, class
	case stylePython:
		return g.madeUpWord() + "." + snake(class), class
	case styleDaemon:
		w := strings.ToLower(g.pick(cueWords[cat]))
		if g.r.IntN(2) == 0 {
			return w + "d", class
		}
		return w + "-" + g.madeUpWord(), class
	}
	return strings.ToLower(g.pick(cueWords[cat])) + "/" + strings.ToLower(g.pick(cueSuffixes[:len(cueSuffixes)-1])), class
}

// madeUpWord is a package or prefix word that means nothing, so that the
// cue words are the only thing the name says ("vakzen", "lotor").
func (g *gen) madeUpWord() string {
	var b strings.Builder
	for range 2 + g.r.IntN(2) {
		b.WriteString(g.pick(syllables))
	}
	return b.String()
}

// snake writes a CamelCase name in snake_case ("BlockScanner" →
// "block_scanner").
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// spaced writes a CamelCase class name as the words a message would use
// for it ("SendWorker" → "Send worker", "RpcConnectionReader" → "Rpc
// connection reader"): a line often names its thread in prose.
func spaced(s string) string { return title(strings.ReplaceAll(snake(s), "_", " ")) }

// cue builds a cued example of category cat (see above).
func (g *gen) cue(cat string) Example {
	sev := g.severity()
	f := g.pickFrame(cueFramesBySev[sev])
	// The line must name its component: draw again past nameless headers.
	var d donor
	for d = donors[g.r.IntN(len(donors))]; d.nameless; d = donors[g.r.IntN(len(donors))] {
	}
	comp, class := g.cueName(cat, d.style)
	if g.r.IntN(3) == 0 {
		class = g.cueClass(cat) // the message names a sibling of the logger
	}
	if g.r.IntN(4) == 0 {
		class = spaced(class) // "Send worker leaving thread"
	}
	id := g.composedID()
	msg := withID(strings.NewReplacer("{C}", class, "{ms}", fmt.Sprint(1+g.r.IntN(60000)), "{state}", g.pick(composeStates)).Replace(f.text), id)
	if g.r.Float64() < g.aug.fields {
		msg = g.withFields(msg)
	}

	l := &line{ts: g.timestamp(), msg: msg, sev: sev, comp: comp}
	g.setLevel(d, l)
	// The format may rewrite the component as its layout spells it (RAS
	// upper-cases it), so the label is read back after formatting.
	raw := d.format(g, l)
	return Example{Raw: raw, Severity: l.sev, Category: cat, Component: ComponentLabel(l.comp),
		System: "cued", Template: "cued: " + cat + ": " + f.text}
}
