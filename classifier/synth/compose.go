package synth

import (
	"fmt"
	"strings"

	"github.com/logsift/logsift/schemas"
)

// Composed messages. Templates teach a small model each template's labels,
// and on a system it has never seen it falls back on whatever the line
// resembles: a ZooKeeper "Received connection request" line came out as
// database because Java database templates talk about connections too. What
// should carry the category is the thing the message is about — a block, a
// lease, a query, a fan — whatever sentence it sits in. So a share of the
// examples (composeShare) are built from two independent halves:
//
//   - a frame, shared by every category, that carries the severity
//     ("Failed to {verb} {object} {id}: {reason}" is an error, "Retrying ..."
//     a warning), and
//   - a lexicon entry of the drawn category: the objects it is about, the
//     verbs that go with them and the failure reasons it gives.
//
// The same frames appear with every category's words, so the frame says
// nothing about the category and the words say nothing about the severity;
// the model has to read each from its own half. Where the header carries a
// level it decides the severity, and a share of composed lines get a level
// the frame would not suggest (setLevel), as templates do under relevel. The line is written under a
// donor header (augment.go) with a made-up component, as reformat and rename
// do, and the labels are right by construction.
//
// Objects are chosen not to straddle categories (no bare "session", which is
// auth in a login and network in a quorum; no "connection pool", which is
// database or resource). They follow the taxonomy's conventions: leases and
// containers are scheduler, blocks and replicas storage, claims and limits
// resource, instance lifecycle scheduler.
const composeShare = 0.30

// verb is a verb in the three forms the frames use.
type verb struct{ base, ing, past string }

func v(base, ing, past string) verb { return verb{base, ing, past} }

// lexicon is one category's half of a composed message.
type lexicon struct {
	objects []string
	verbs   []verb
	reasons []string
	// id, if set, draws an identifier only this category's things carry,
	// used for a quarter of its lines instead of a neutral one.
	id func(g *gen) string
}

// frame is one severity's sentence shape. In text, {o} is the object, {O}
// the object capitalised, {os} its plural, {v} {vi} {vp} the verb's base, -ing and past
// forms ({Vi} {Vp} capitalised), {id} an identifier, {n} a count, {ms} a
// duration and {r} a reason.
type frame struct {
	sev, text string
}

var frames = []frame{
	{"debug", "{Vi} {o} {id}"},
	{"debug", "{Vi} {o} {id} (attempt {n})"},
	{"debug", "Checking {o} {id}"},
	{"debug", "{O} {id}: about to be {vp}"},
	{"debug", "Will {v} {o} {id} in {ms} ms"},
	{"info", "{Vi} {o} {id}"},
	{"info", "{O} {id} {vp}"},
	{"info", "{Vp} {o} {id} in {ms} ms"},
	{"info", "Successfully {vp} {o} {id}"},
	{"info", "{O} {id} is ready"},
	{"info", "{O} {id} {vp} ({n} in total)"},
	{"info", "Got {o} {id}"},
	{"info", "{n} {os} {vp}"},
	{"info", "{O} {id} state changed to {state}"},
	{"info", "Found {o} {id} in slot {n}"},
	{"info", "{Vp} {o} {id}"},
	{"warning", "Retrying to {v} {o} {id}. Already tried {n} time(s)"},
	{"warning", "Could not {v} {o} {id}, will retry: {r}"},
	{"warning", "{O} {id} not {vp} after {ms} ms; retrying"},
	{"warning", "Unexpected {o} {id}, ignoring"},
	{"warning", "{O} {id} was {vp} twice; skipping"},
	{"warning", "Interrupted while {vi} {o} {id}"},
	{"error", "Failed to {v} {o} {id}: {r}"},
	{"error", "Error {vi} {o} {id}: {r}"},
	{"error", "{O} {id} failed: {r}"},
	{"error", "Exception while {vi} {o} {id}"},
	{"error", "Unable to {v} {o} {id}"},
	{"error", "Lost {o} {id}: {r}"},
	{"error", "{O} {id} could not be {vp}: {r}"},
	{"error", "{O} {id} in error state {n}"},
	{"error", "Can't find {o} {id}"},
	{"critical", "Giving up {vi} {o} {id} after {n} attempts: {r}"},
	{"critical", "Fatal error {vi} {o} {id}: {r}"},
	{"critical", "{O} {id} cannot be {vp}; shutting down"},
	{"critical", "Unrecoverable failure of {o} {id}: {r}"},
	{"critical", "Aborting: {o} {id} is unusable ({r})"},
}

var lexicons = map[string]lexicon{
	"network": {
		objects: []string{"connection", "socket", "peer connection", "channel", "RPC call", "handshake", "listener",
			"endpoint", "link to peer", "outbound connection", "inbound connection", "TCP stream", "packet", "route",
			"DNS lookup", "proxy tunnel", "transport", "keepalive probe", "client connection", "server socket",
			"connection request", "UDP datagram", "network address", "election message", "frame",
			"TCP connection", "websocket", "gRPC channel", "TLS handshake", "port", "multicast group", "ARP entry", "VPN tunnel", "HTTP connection", "upstream", "remote host", "network link", "RPC request", "socket channel", "message to peer", "send queue", "receive buffer", "peer address", "election notification", "quorum connection",
			"IP address", "server address", "remote address", "remote server", "RPC server", "client socket", "connection attempt", "network interface",
			"client session", "session to the server", "session termination", "session id", "client", "session timeout"},
		verbs: []verb{v("open", "opening", "opened"), v("close", "closing", "closed"), v("accept", "accepting", "accepted"),
			v("reset", "resetting", "reset"), v("establish", "establishing", "established"), v("send", "sending", "sent"),
			v("receive", "receiving", "received"), v("bind", "binding", "bound"), v("route", "routing", "routed"),
			v("forward", "forwarding", "forwarded"), v("connect", "connecting", "connected"), v("reconnect", "reconnecting", "reconnected"),
			v("contact", "contacting", "contacted"), v("disconnect", "disconnecting", "disconnected"), v("resolve", "resolving", "resolved"),
			v("expire", "expiring", "expired"), v("revalidate", "revalidating", "revalidated"), v("terminate", "terminating", "terminated")},
		reasons: []string{"Connection refused", "Connection reset by peer", "No route to host", "connection timed out",
			"Broken pipe", "host unreachable", "unexpected EOF from peer", "name resolution failed", "end of stream",
			"read timed out", "network is unreachable", "SocketTimeoutException", "session timeout exceeded", "sock still open"},
	},
	"storage": {
		objects: []string{"block", "replica", "volume", "disk", "file", "filesystem", "snapshot", "segment file", "chunk",
			"mount point", "data directory", "blob", "stored object", "inode", "block replica", "log segment",
			"directory", "backup archive", "image file", "bucket", "partition of the disk", "journal file",
			"data block", "block file", "block report", "block pool", "cached block", "RDD partition", "broadcast block", "shuffle file", "spill file", "checkpoint file", "HDFS file", "LUN", "NFS mount", "superblock", "file handle", "log file", "temp file", "data file", "block map", "storage directory",
			"base file", "backing file", "image cache", "cached image", "swap file", "disk image", "base image",
			"invalidate set", "block to invalidate", "block allocation", "under-replicated block", "edit log", "fsimage", "namesystem", "memory store block"},
		verbs: []verb{v("write", "writing", "written"), v("read", "reading", "read"), v("delete", "deleting", "deleted"),
			v("mount", "mounting", "mounted"), v("unmount", "unmounting", "unmounted"), v("replicate", "replicating", "replicated"),
			v("flush", "flushing", "flushed"), v("verify", "verifying", "verified"), v("copy", "copying", "copied"),
			v("sync", "syncing", "synced"), v("store", "storing", "stored"), v("invalidate", "invalidating", "invalidated"),
			v("allocate", "allocating", "allocated")},
		reasons: []string{"No space left on device", "Input/output error", "checksum mismatch", "read-only file system",
			"no such file or directory", "stale file handle", "block is corrupt", "short write", "bad superblock",
			"replica not found", "ChecksumException"},
		id: (*gen).storageID,
	},
	"database": {
		objects: []string{"query", "transaction", "table", "index", "row", "cursor", "SQL statement", "database connection",
			"replication slot", "schema migration", "prepared statement", "stored procedure", "tablespace", "WAL record",
			"result set", "document collection", "materialized view", "database", "SQL session", "foreign key",
			"SQL query", "DB connection", "replica set", "shard", "key-value pair", "collection", "document", "binlog", "redo log", "autovacuum", "isolation level", "query plan", "database row", "JDBC connection", "connection to the database", "DB transaction"},
		verbs: []verb{v("execute", "executing", "executed"), v("commit", "committing", "committed"),
			v("roll back", "rolling back", "rolled back"), v("lock", "locking", "locked"), v("insert", "inserting", "inserted"),
			v("drop", "dropping", "dropped"), v("vacuum", "vacuuming", "vacuumed"), v("prepare", "preparing", "prepared"),
			v("fetch", "fetching", "fetched"), v("migrate", "migrating", "migrated"), v("reindex", "reindexing", "reindexed")},
		reasons: []string{"deadlock detected", "duplicate key value violates unique constraint", "relation does not exist",
			"lock wait timeout exceeded", "syntax error at or near \"FROM\"", "could not serialize access",
			"too many clients already", "SQLSTATE 40001", "SQLException", "constraint violation"},
	},
	"hardware": {
		objects: []string{"fan", "CPU", "DIMM", "memory module", "temperature sensor", "power supply", "voltage regulator",
			"PCIe device", "firmware image", "BMC", "RAID controller", "network card", "link card", "node card",
			"L2 cache", "processor core", "ECC memory", "thermal zone", "battery", "disk controller", "fan tray",
			"motherboard", "GPU", "register",
			"DIMM slot", "TLB", "instruction cache", "data cache", "floating point unit", "interrupt controller", "memory controller", "serial link", "torus link", "service card", "power module", "clock card", "midplane", "ASIC", "FPGA", "PSU", "chassis", "CMOS battery", "DDR channel", "machine check bank",
			"alignment exception", "critical input interrupt", "interrupt line", "instruction address register", "ECC symbol",
			"cache parity check", "memory bank", "correctable error counter", "processor register", "hardware counter", "JTAG chain"},
		verbs: []verb{v("detect", "detecting", "detected"), v("reset", "resetting", "reset"), v("initialize", "initializing", "initialized"),
			v("replace", "replacing", "replaced"), v("probe", "probing", "probed"), v("calibrate", "calibrating", "calibrated"),
			v("power on", "powering on", "powered on"), v("power off", "powering off", "powered off"), v("flash", "flashing", "flashed")},
		reasons: []string{"uncorrectable ECC error", "machine check exception", "sensor reading out of range",
			"device not responding", "parity error", "over temperature", "fan speed below threshold", "voltage out of range",
			"bus error", "firmware checksum error", "correctable memory errors over threshold", "alignment exception"},
	},
	"system": {
		objects: []string{"kernel module", "service", "daemon", "system unit", "init script", "driver", "runlevel",
			"boot loader", "cron job", "system clock", "package", "watchdog", "udev rule", "shutdown sequence",
			"kernel thread", "getty", "mount unit", "system timer", "OS update", "login shell",
			"process", "PID", "signal handler", "init process", "kernel parameter", "syslog daemon", "system service", "logrotate job", "shell", "tty", "systemd unit", "kernel log", "device node"},
		verbs: []verb{v("start", "starting", "started"), v("stop", "stopping", "stopped"), v("restart", "restarting", "restarted"),
			v("load", "loading", "loaded"), v("unload", "unloading", "unloaded"), v("reload", "reloading", "reloaded"),
			v("enable", "enabling", "enabled"), v("disable", "disabling", "disabled"), v("spawn", "spawning", "spawned"),
			v("install", "installing", "installed")},
		reasons: []string{"exited with status 1", "killed by signal 9", "segmentation fault", "dependency failed",
			"unit not found", "no such process", "module not found", "timed out waiting for device", "exited abnormally",
			"core dumped"},
	},
	"application": {
		objects: []string{"request", "order", "handler", "controller", "page", "checkout", "plugin", "web request",
			"API call", "business event", "payment", "report", "message handler", "servlet", "form submission",
			"shopping cart", "notification", "invoice", "child worker", "application state", "view", "widget",
			"UI component", "search request",
			"HTTP request", "REST call", "route handler", "callback", "event handler", "user action", "page view", "subscription", "cart item", "email notification", "session bean", "app worker", "web worker", "request handler", "servlet context", "user profile", "checkout flow", "app module",
			"core dump", "core file", "program image", "user program", "job program", "application binary",
			"child", "server child", "child process", "httpd child", "worker process", "worker child", "scoreboard slot",
			"scoreboard", "connector worker", "child slot", "server worker"},
		verbs: []verb{v("handle", "handling", "handled"), v("process", "processing", "processed"), v("render", "rendering", "rendered"),
			v("validate", "validating", "validated"), v("dispatch", "dispatching", "dispatched"), v("serve", "serving", "served"),
			v("create", "creating", "created"), v("cancel", "cancelling", "cancelled"), v("initialize", "initializing", "initialized"),
			v("register", "registering", "registered"), v("generate", "generating", "generated"),
			v("find", "finding", "found"), v("reap", "reaping", "reaped")},
		reasons: []string{"NullPointerException", "validation failed", "unexpected state", "invalid request",
			"internal server error", "IllegalStateException", "not implemented", "unhandled exception",
			"ValueError: bad input", "TypeError: undefined is not a function"},
	},
	"resource": {
		objects: []string{"memory", "heap", "CPU quota", "thread pool", "file descriptors", "swap", "GC pause",
			"request latency", "queue depth", "memory limit", "CPU limit", "rate limit", "buffer pool", "worker threads",
			"open files", "memory claim", "resource claim", "load average", "disk usage quota", "cgroup memory",
			"memory pressure", "heap usage", "CPU time", "elapsed time", "latency", "throughput", "GC cycle", "memory budget", "disk quota", "inode quota", "backlog", "memory usage", "thread count", "run queue", "swap usage", "JVM heap", "direct memory",
			"timings", "total time", "time spent", "run time", "wall time"},
		verbs: []verb{v("exceed", "exceeding", "exceeded"), v("exhaust", "exhausting", "exhausted"), v("throttle", "throttling", "throttled"),
			v("allocate", "allocating", "allocated"), v("reclaim", "reclaiming", "reclaimed"), v("limit", "limiting", "limited"),
			v("reserve", "reserving", "reserved"), v("claim", "claiming", "claimed"), v("release", "releasing", "released")},
		reasons: []string{"out of memory", "quota exceeded", "too many open files", "resource temporarily unavailable",
			"limit reached", "GC overhead limit exceeded", "cannot allocate memory", "request throttled",
			"OutOfMemoryError: Java heap space", "usage above 95%"},
	},
	"scheduler": {
		objects: []string{"task", "job", "container", "task attempt", "executor", "stage", "lease", "workflow", "DAG run",
			"pod", "map task", "reduce task", "batch job", "job step", "worker slot", "reservation",
			"application attempt", "instance", "cron schedule", "job queue entry", "shuffle stage",
			"task set", "map attempt", "reducer", "input split", "task result", "speculative task", "workflow run", "pipeline run", "job submission", "container request", "executor slot", "job stage", "task slot", "scheduled job", "task queue", "job attempt", "TaskAttempt", "resource request",
			"VM", "virtual machine", "guest VM", "VM instance", "guest domain", "compute instance"},
		verbs: []verb{v("schedule", "scheduling", "scheduled"), v("launch", "launching", "launched"), v("assign", "assigning", "assigned"),
			v("preempt", "preempting", "preempted"), v("kill", "killing", "killed"), v("retry", "retrying", "retried"),
			v("renew", "renewing", "renewed"), v("submit", "submitting", "submitted"), v("requeue", "requeuing", "requeued"),
			v("spawn", "spawning", "spawned"), v("resume", "resuming", "resumed"), v("suspend", "suspending", "suspended"),
			v("pause", "pausing", "paused"), v("destroy", "destroying", "destroyed"), v("expire", "expiring", "expired")},
		reasons: []string{"task attempt failed", "slow-start threshold not met", "locality wait threshold not reached", "container killed on request", "lease expired", "executor lost",
			"no available slots", "job exceeded max attempts", "preempted by a higher-priority job", "node lost",
			"exit code 1", "deadline exceeded for job"},
	},
	"config": {
		objects: []string{"configuration", "config file", "property", "setting", "option", "parameter", "flag",
			"feature flag", "config key", "default value", "environment variable", "profile", "properties file",
			"YAML file", "override", "configuration section", "limit setting", "plugin configuration",
			"config option", "JVM option", "system property", "config map", "config entry", "configuration key", "default setting", "settings file", "committer algorithm version", "config value", "ini file", "TOML file", "configuration property", "command-line flag", "runtime option"},
		verbs: []verb{v("load", "loading", "loaded"), v("parse", "parsing", "parsed"), v("apply", "applying", "applied"),
			v("validate", "validating", "validated"), v("reload", "reloading", "reloaded"), v("override", "overriding", "overridden"),
			v("set", "setting", "set"), v("merge", "merging", "merged")},
		reasons: []string{"missing required property", "invalid value", "unknown option", "not specified, using the default",
			"deprecated key", "parse error at line 12", "type mismatch", "value out of range", "no such key"},
	},
	"auth": {
		objects: []string{"user", "password", "credential", "token", "login", "permission", "API key", "certificate",
			"login session", "account", "role", "ACL", "SSH key", "access token", "group membership", "sudo rule",
			"Kerberos ticket", "OAuth token", "client identity",
			"view ACL", "modify ACL", "security manager", "principal", "keytab", "user session", "sudo session", "PAM module", "authentication token", "login attempt", "password hash", "SASL handshake", "user credential", "secret", "SSO session"},
		verbs: []verb{v("authenticate", "authenticating", "authenticated"), v("authorize", "authorizing", "authorized"),
			v("verify", "verifying", "verified"), v("revoke", "revoking", "revoked"), v("grant", "granting", "granted"),
			v("deny", "denying", "denied"), v("issue", "issuing", "issued"), v("refresh", "refreshing", "refreshed"),
			v("lock", "locking", "locked"), v("expire", "expiring", "expired")},
		reasons: []string{"permission denied", "invalid credentials", "token expired", "authentication failure",
			"access denied", "unknown user", "signature mismatch", "account locked", "bad password"},
	},
}

// shoutShare of composed messages are written in capitals ("ERROR IN
// CONTACTING RM", "MACHINE CHECK DCR READ TIMEOUT"): capitals split into
// other tokens than the same words in lower case, and the model must know
// the words in both spellings.
const shoutShare = 0.04

// modifierShare of composed objects get a made-up qualifier ("vakzen
// connection", "lo-dratix block"): real lines qualify their objects with
// words no lexicon holds ("double-hummer alignment exceptions"), and an
// unknown word must leave the category to the words the model knows.
const modifierShare = 0.20

// modifier is a made-up qualifier word.
func (g *gen) modifier() string {
	switch g.r.IntN(3) {
	case 0:
		return g.madeUpWord() + "-" + g.madeUpWord()
	case 1:
		return g.madeUpWord() + fmt.Sprint(g.r.IntN(10))
	}
	return g.madeUpWord()
}

// composeStates are states a "state changed to" frame names; they are
// neutral across categories.
var composeStates = []string{"ACTIVE", "RUNNING", "READY", "IDLE", "PENDING", "DONE", "UP"}

// framesBySev is frames grouped by severity, built once.
var framesBySev = func() map[string][]frame {
	m := map[string][]frame{}
	for _, f := range frames {
		m[f.sev] = append(m[f.sev], f)
	}
	return m
}()

// composedID is the identifier a frame names: a number, a hex or uuid id,
// a peer, a path-like or named one, or nothing.
func (g *gen) composedID() string {
	switch g.r.IntN(9) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("%d", g.r.IntN(100000))
	case 2:
		return fmt.Sprintf("#%d", g.r.IntN(1000))
	case 3:
		return g.hexN(8 + 8*g.r.IntN(2))
	case 4:
		return g.uuid()
	case 5:
		return fmt.Sprintf("/%s:%d", g.ip(), 1024+g.r.IntN(60000))
	case 6:
		return fmt.Sprintf("%s_%d_%04d", g.nameWord(), 1400000000+g.r.IntN(100000000), g.r.IntN(10000))
	case 7:
		return fmt.Sprintf("[%s-%d]", g.nameWord(), g.r.IntN(100))
	}
	return g.nameWord() + "-" + g.hexN(5)
}

// crossCueShare of composed lines are logged by a component named from
// another category's words (cue.go): a packet responder writing "for block
// blk_1 terminating" is about the block. Cued lines teach the model to read
// the logger's name when the message has no topic; these teach it that a
// message's own topic comes first.
const crossCueShare = 0.25

// otherCategory is a category other than cat.
func (g *gen) otherCategory(cat string) string {
	for {
		if c := schemas.Categories[g.r.IntN(len(schemas.Categories))].Name; c != cat {
			return c
		}
	}
}

// storageID is an identifier only stored data carries: a block, an RDD
// partition, a chunk or a segment ("blk_-4623", "rdd_12_3").
func (g *gen) storageID() string {
	switch g.r.IntN(4) {
	case 0:
		return fmt.Sprintf("blk_%d", g.r.Int64N(1e18)-5e17)
	case 1:
		return fmt.Sprintf("rdd_%d_%d", g.r.IntN(100), g.r.IntN(40))
	case 2:
		return fmt.Sprintf("broadcast_%d_piece%d", g.r.IntN(50), g.r.IntN(4))
	}
	return fmt.Sprintf("%08d.log", g.r.IntN(1e6))
}

// compose builds a composed example of category cat (see above).
func (g *gen) compose(cat string) Example {
	lx := lexicons[cat]
	sev := g.severity()
	f := g.pickFrame(framesBySev[sev])
	obj := g.pick(lx.objects)
	if g.r.Float64() < modifierShare {
		obj = g.modifier() + " " + obj
	}
	vb := lx.verbs[g.r.IntN(len(lx.verbs))]
	id := g.composedID()
	if lx.id != nil && g.r.IntN(4) == 0 {
		id = lx.id(g)
	}
	msg := strings.NewReplacer(
		"{o}", obj, "{O}", title(obj), "{os}", plural(obj),
		"{v}", vb.base, "{vi}", vb.ing, "{vp}", vb.past, "{Vi}", title(vb.ing), "{Vp}", title(vb.past),
		"{n}", fmt.Sprint(2+g.r.IntN(40)), "{ms}", fmt.Sprint(1+g.r.IntN(60000)),
		"{r}", g.pick(lx.reasons), "{state}", g.pick(composeStates),
	).Replace(f.text)
	msg = withID(msg, id)
	tmpl := f.text
	share := shapeShare
	if narrow, ok := narrowShapeShare[cat]; ok {
		share = narrow
	}
	if ss := shapes[cat]; len(ss) > 0 && g.r.Float64() < share {
		s := ss[g.r.IntN(len(ss))]
		sev, msg = s.make(g)
		tmpl = s.name
	}
	if g.r.Float64() < shoutShare {
		msg = strings.ToUpper(msg)
	}
	if g.r.Float64() < g.aug.fields {
		msg = g.withFields(msg)
	}

	d := donors[g.r.IntN(len(donors))]
	l := &line{ts: g.timestamp(), msg: msg, sev: sev}
	if !d.nameless {
		l.comp = g.componentName(d.style)
		if g.r.Float64() < g.aug.crossCue {
			l.comp, _ = g.cueName(g.otherCategory(cat), d.style)
		}
	}
	g.setLevel(d, l)
	raw := d.format(g, l)
	return Example{Raw: raw, Severity: l.sev, Category: cat, Component: ComponentLabel(l.comp),
		System: "composed", Template: "composed: " + cat + ": " + tmpl}
}

// setLevel gives a frame's line the level of its severity in donor d's
// spelling and settles the label. A line without a level is judged by its
// content: a debug frame reads as routine status. A line with one is
// labelled by it, and like relevel (augment.go) a share of them get a level
// drawn afresh, so that "Retrying ... Already tried 3 time(s)" logged at
// INFO is info: the frame says what usually goes with it, the level decides.
func (g *gen) setLevel(d donor, l *line) {
	if d.levels == nil {
		if l.sev == "debug" {
			l.sev = "info"
		}
		return
	}
	if g.aug.relevel > 0 && g.r.Float64() < g.aug.relevel {
		l.sev = g.severity()
	}
	if len(d.levels[l.sev]) == 0 { // klog has no debug
		l.sev = "info"
	}
	l.level = g.pick(d.levels[l.sev])
}

// withID fills a frame's "{id}" last: an empty id must not leave two
// spaces or a space before punctuation.
func withID(msg, id string) string {
	if id == "" {
		msg = strings.ReplaceAll(msg, " {id}", "")
	}
	return strings.ReplaceAll(msg, "{id}", id)
}

// plural is the English plural of a noun phrase's last word, as far as the
// lexicons need it.
func plural(s string) string {
	switch {
	case strings.HasSuffix(s, "y") && !strings.HasSuffix(s, "ey"):
		return s[:len(s)-1] + "ies"
	case strings.HasSuffix(s, "s"), strings.HasSuffix(s, "x"), strings.HasSuffix(s, "sh"), strings.HasSuffix(s, "ch"):
		return s + "es"
	}
	return s + "s"
}

func (g *gen) pickFrame(fs []frame) frame { return fs[g.r.IntN(len(fs))] }
