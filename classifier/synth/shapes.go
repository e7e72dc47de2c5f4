package synth

import (
	"fmt"
	"strings"
)

// Shaped messages. Some lines are not sentences about an object but reports
// whose layout says what they are: a breakdown of phase timings is about
// performance (resource) whatever its phases are called, a register dump or
// an ECC report is about the hardware, a core file written for a crashed
// program is about that program, a setting missing and a default taken in
// its place is configuration whatever the setting limits, a host placed in
// a rack is the network's topology. A small model that has only seen such
// words inside sentences labels the report by its loudest word ("boot" →
// system, "commit" → database). A share of the composed examples of these
// categories (shapeShare) are drawn from the category's shapes instead of
// the shared frames; the phase, register and key names are drawn from
// pools that deliberately include other categories' words.
const shapeShare = 0.25

// narrowShapeShare replaces shapeShare for categories whose only shape is
// a narrow one (network's rack resolution): a quarter of network's composed
// lines all about racks would crowd out its sentences about connections.
var narrowShapeShare = map[string]float64{"network": 0.08}

// shape is a category's report layout: it returns the message and the
// severity the layout implies (the header's level still decides, see
// setLevel).
type shape struct {
	name string
	make func(g *gen) (sev, msg string)
}

var shapes = map[string][]shape{
	"resource": {
		{"timing breakdown", (*gen).timingBreakdown},
		{"phase took", (*gen).phaseTook},
		{"slow phase", (*gen).slowPhase},
	},
	"hardware": {
		{"register dump", (*gen).registerDump},
		{"ecc report", (*gen).eccReport},
	},
	"application": {
		{"core dump", (*gen).coreDump},
	},
	"config": {
		{"default fallback", (*gen).defaultFallback},
	},
	"network": {
		{"rack resolution", (*gen).rackResolution},
	},
}

// phases name the parts of a piece of work a timing report splits it into;
// several are other categories' words on purpose.
var phases = []string{"boot", "init", "startup", "load", "parse", "plan", "execute", "finish", "wait", "gc",
	"io", "commit", "fetch", "serialize", "deserialize", "sort", "merge", "render", "compile", "connect", "queue",
	"run", "cleanup", "setup", "shuffle", "read", "write", "lock", "scan", "flush", "sync", "auth", "resolve"}

var timingHeads = []string{"Times", "Timings", "Time", "Durations", "Elapsed", "Timing breakdown", "Stats", "Perf", "time spent"}

// duration is a measured time as a report writes it.
func (g *gen) duration() string {
	n := g.r.IntN(5000)
	switch g.r.IntN(4) {
	case 0:
		return fmt.Sprintf("%dms", n)
	case 1:
		return fmt.Sprintf("%d ms", n)
	case 2:
		return fmt.Sprintf("%d.%03ds", n/1000, g.r.IntN(1000))
	}
	return fmt.Sprint(n)
}

// distinctPhases draws n different phase names.
func (g *gen) distinctPhases(n int) []string {
	out := make([]string, 0, n)
	for len(out) < n {
		p := g.pick(phases)
		dup := false
		for _, q := range out {
			dup = dup || q == p
		}
		if !dup {
			out = append(out, p)
		}
	}
	return out
}

func (g *gen) timingBreakdown() (string, string) {
	sep := g.pick([]string{" = ", "=", ": "})
	var kv []string
	if g.r.IntN(2) == 0 {
		kv = append(kv, "total"+sep+g.duration())
	}
	for _, p := range g.distinctPhases(1 + g.r.IntN(4)) {
		kv = append(kv, p+sep+g.duration())
	}
	join := g.pick([]string{", ", " ", "; "})
	sev := "info"
	if g.r.IntN(3) == 0 {
		sev = "debug"
	}
	return sev, g.pick(timingHeads) + ": " + strings.Join(kv, join)
}

func (g *gen) phaseTook() (string, string) {
	p := g.distinctPhases(2)
	switch g.r.IntN(3) {
	case 0:
		return "info", fmt.Sprintf("%s took %s (total %s)", p[0], g.duration(), g.duration())
	case 1:
		return "debug", fmt.Sprintf("%s phase: %s, %s phase: %s", p[0], g.duration(), p[1], g.duration())
	}
	return "info", fmt.Sprintf("spent %s in %s and %s in %s", g.duration(), p[0], g.duration(), p[1])
}

func (g *gen) slowPhase() (string, string) {
	p := g.pick(phases)
	switch g.r.IntN(2) {
	case 0:
		return "warning", fmt.Sprintf("slow %s: %s exceeds the threshold of %s", p, g.duration(), g.duration())
	}
	return "warning", fmt.Sprintf("%s is taking too long: %s so far", p, g.duration())
}

// registers are CPU and machine-check register names of several
// architectures.
var registers = []string{"iar", "dear", "esr", "lr", "msr", "ctr", "xer", "srr0", "srr1", "mcsr", "mcar", "pc",
	"sp", "ra", "cr", "r3", "rip", "rsp", "eflags", "cr2", "MCi_STATUS", "MCi_ADDR", "MCi_MISC", "MCG_STATUS",
	"dsisr", "dar", "epc", "badvaddr", "cause", "status"}

func (g *gen) hexWord() string {
	if g.r.IntN(2) == 0 {
		return "0x" + g.hexN(8)
	}
	return g.hexN(8)
}

func (g *gen) registerDump() (string, string) {
	sep := g.pick([]string{" ", "=", ": "})
	n := 2 + g.r.IntN(3)
	kv := make([]string, n)
	for i := range kv {
		kv[i] = g.pick(registers) + sep + g.hexWord()
	}
	msg := strings.Join(kv, g.pick([]string{" ", ", ", "  "}))
	if g.r.IntN(3) == 0 {
		msg = g.pick([]string{"CPU", "core", "cpu", "processor"}) + fmt.Sprint(g.r.IntN(64)) + ": " + msg
	}
	return "error", msg
}

// eccKeys are the fields memory error reports give.
var eccKeys = []string{"sym", "syndrome", "at", "addr", "page", "offset", "mask", "bank", "row", "channel", "rank",
	"grain", "csrow", "dimm", "socket", "count"}

func (g *gen) eccReport() (string, string) {
	head, sev := "CE", "warning"
	switch g.r.IntN(5) {
	case 0:
		head, sev = "UE", "error"
	case 1:
		head = "corrected error"
	case 2:
		head = fmt.Sprintf("MC%d: CE", g.r.IntN(4))
	}
	sep := g.pick([]string{" ", "=", ": "})
	n := 2 + g.r.IntN(3)
	kv := make([]string, n)
	for i := range kv {
		val := fmt.Sprint(g.r.IntN(64))
		if g.r.IntN(2) == 0 {
			val = g.hexWord()
		}
		kv[i] = g.pick(eccKeys) + sep + val
	}
	return sev, head + " " + strings.Join(kv, ", ")
}

func (g *gen) coreDump() (string, string) {
	pid := 100 + g.r.IntN(60000)
	prog := g.nameWord()
	switch g.r.IntN(5) {
	case 0:
		return "info", fmt.Sprintf("generating core.%d", pid)
	case 1:
		return "error", fmt.Sprintf("%s[%d] crashed: core dumped to /var/crash/core.%s.%d", prog, pid, prog, pid)
	case 2:
		return "info", fmt.Sprintf("wrote core file core.%d for program /%s/%s", pid, g.nameWord(), prog)
	case 3:
		return "error", fmt.Sprintf("program %s terminated by signal %d; %d core files written", prog, 6+g.r.IntN(6), 1+g.r.IntN(128))
	}
	return "info", fmt.Sprintf("dumping core for process %d (%s)", pid, prog)
}

// settingNames are settings a fallback report names; most are other
// categories' words on purpose ("disk limit", "pool size"): the layout — a
// value missing and a default taken instead — is what makes it config.
var settingNames = []string{"disk limit", "vcpu limit", "memory limit", "cpu quota", "pool size", "block size",
	"replication factor", "connection timeout", "heartbeat interval", "max retries", "log level", "listen port",
	"batch size", "cache size", "session timeout", "worker count", "queue capacity", "retention period",
	"compression codec", "scheduler policy", "auth method", "buffer size", "sync interval", "read timeout"}

func (g *gen) defaultFallback() (string, string) {
	name := g.pick(settingNames)
	if g.r.IntN(3) == 0 {
		name = strings.ReplaceAll(name, " ", g.pick([]string{"_", ".", "-"}))
	}
	val := g.pick([]string{"unlimited", "none", "auto", "0", fmt.Sprint(1 + g.r.IntN(4096)), g.duration()})
	switch g.r.IntN(5) {
	case 0:
		return "info", fmt.Sprintf("%s not specified, defaulting to %s", name, val)
	case 1:
		return "warning", fmt.Sprintf("%s is not set; using default %s", name, val)
	case 2:
		return "info", fmt.Sprintf("no value given for %s, falling back to %s", name, val)
	case 3:
		return "warning", fmt.Sprintf("invalid %s %q, using the default (%s)", name, g.nameWord(), val)
	}
	return "info", fmt.Sprintf("%s unset, assuming %s", name, val)
}

// rackResolution is a cluster's network topology being learnt: which rack
// a host sits in, a node joining the topology.
func (g *gen) rackResolution() (string, string) {
	rack := g.pick([]string{"/default-rack", fmt.Sprintf("/rack%d", g.r.IntN(64)), fmt.Sprintf("/dc%d/rack-%02d", 1+g.r.IntN(3), g.r.IntN(40))})
	host := g.hostName()
	switch g.r.IntN(4) {
	case 0:
		return "info", fmt.Sprintf("Resolved %s to %s", host, rack)
	case 1:
		return "info", fmt.Sprintf("Adding a new node: %s/%s:%d", rack, g.ip(), 1024+g.r.IntN(60000))
	case 2:
		return "warning", fmt.Sprintf("Could not resolve rack of %s, using %s", host, rack)
	}
	return "info", fmt.Sprintf("Removing a node: %s/%s:%d", rack, g.ip(), 1024+g.r.IntN(60000))
}
