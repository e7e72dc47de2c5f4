package synth

import (
	"fmt"
	"strconv"
	"strings"
)

// Level words by family. A severity maps to the words a family writes for it;
// the generator picks one, so "notice" and "info" both teach info.
var (
	log4jLevels = map[string][]string{
		"debug": {"DEBUG", "TRACE"}, "info": {"INFO"}, "warning": {"WARN"}, "error": {"ERROR"}, "critical": {"FATAL"},
	}
	pythonLevels = map[string][]string{
		"debug": {"DEBUG"}, "info": {"INFO"}, "warning": {"WARNING"}, "error": {"ERROR"}, "critical": {"CRITICAL"},
	}
	apacheLevels = map[string][]string{
		"debug": {"debug", "trace1"}, "info": {"info", "notice"}, "warning": {"warn"}, "error": {"error"}, "critical": {"crit", "alert", "emerg"},
	}
	// syslogSeverity is the RFC 5424 severity number for a label; the
	// generator picks one of them for the PRI.
	syslogSeverity = map[string][]int{
		"debug": {7}, "info": {6, 5}, "warning": {4}, "error": {3}, "critical": {2, 1, 0},
	}
)

func (g *gen) pid() string { return strconv.Itoa(100 + g.r.IntN(60000)) }

// hostName is the host a header names: half the time a made-up one, so the
// model learns the host by its place in the header, not by knowing the
// name, and does not take an unfamiliar host ("combo") for the program.
func (g *gen) hostName() string {
	switch g.r.IntN(6) {
	case 0:
		return g.nameWord()
	case 1:
		return fmt.Sprintf("%s%d", g.nameWord(), g.r.IntN(100))
	case 2:
		return fmt.Sprintf("%s-%s-%02d", g.nameWord(), g.nameWord(), g.r.IntN(100))
	}
	return g.pick(hostNames)
}

// thread is the thread a Java header names: a common one, or a made-up one
// shaped like the names of worker threads, which often look like class
// names ("LeaseRenewer:user@host:9000", "SendWorker:188978561024") and must
// not be taken for the logger.
func (g *gen) thread() string {
	switch g.r.IntN(8) {
	case 0:
		return g.camel()
	case 1:
		return fmt.Sprintf("%s:%s@%s:%d", g.camel(), g.nameWord(), g.hostName(), 1024+g.r.IntN(60000))
	case 2:
		return fmt.Sprintf("%s:%d", g.camel(), g.r.Int64N(1e12))
	case 3:
		return fmt.Sprintf("%s %s #%d", g.camel(), g.nameWord(), g.r.IntN(10))
	}
	return g.thread()
}

// progTag renders "prog[pid]" (or just "prog" for the kernel and sometimes
// for others, as rsyslog does when the sender gives no pid).
func (g *gen) progTag(comp string) string {
	if comp == "kernel" || strings.HasSuffix(comp, ")") || g.r.IntN(10) == 0 {
		return comp
	}
	if comp == "systemd" && g.r.IntN(4) != 0 {
		return "systemd[1]" // the system manager; user managers have other pids
	}
	return comp + "[" + g.pid() + "]"
}

// fmtSyslog renders BSD syslog (RFC 3164) as files under /var/log hold it,
// the same with rsyslog's high-precision timestamp, or RFC 5424 with a PRI
// that carries the line's severity.
func fmtSyslog(g *gen, l *line) string {
	host := g.hostName()
	switch x := g.r.IntN(10); {
	case x < 6:
		return l.ts.Format("Jan _2 15:04:05") + " " + host + " " + g.progTag(l.comp) + ": " + l.msg
	case x < 8:
		return l.ts.Format("2006-01-02T15:04:05.000000-07:00") + " " + host + " " + g.progTag(l.comp) + ": " + l.msg
	default:
		return fmt5424(g, l, host)
	}
}

func fmt5424(g *gen, l *line, host string) string {
	sev := syslogSeverity[l.sev][g.r.IntN(len(syslogSeverity[l.sev]))]
	fac := g.pick([]string{"1", "3", "4", "10", "16", "23"})
	f, _ := strconv.Atoi(fac)
	app := l.comp
	if app == "" {
		app = "-"
	}
	return fmt.Sprintf("<%d>1 %s %s %s %s - - %s", f*8+sev, l.ts.Format("2006-01-02T15:04:05.000Z07:00"), host, app, g.pid(), l.msg)
}

// fmtLog4j renders the common Java layouts: Hadoop's (with thread), the
// plain "date level logger: msg", Spark's short date, Spring Boot's and
// logback's default.
func fmtLog4j(g *gen, l *line) string {
	switch g.r.IntN(5) {
	case 0:
		return l.ts.Format("2006-01-02 15:04:05,000") + " " + l.level + " [" + g.thread() + "] " + l.comp + ": " + l.msg
	case 1:
		return l.ts.Format("2006-01-02 15:04:05,000") + " " + l.level + " " + l.comp + ": " + l.msg
	case 2:
		return fmt.Sprintf("%s %5s %s --- [%15s] %-40s : %s", l.ts.Format("2006-01-02 15:04:05.000"), l.level, g.pid(), g.thread(), l.comp, l.msg)
	case 3:
		return fmt.Sprintf("%s [%s] %-5s %s - %s", l.ts.Format("15:04:05.000"), g.thread(), l.level, l.comp, l.msg)
	}
	return l.ts.Format("2006-01-02T15:04:05.000Z07:00") + " " + l.level + " " + l.comp + " - " + l.msg
}

// fmtHadoop renders Hadoop daemons' log4j layouts.
func fmtHadoop(g *gen, l *line) string {
	switch g.r.IntN(3) {
	case 0:
		return l.ts.Format("2006-01-02 15:04:05,000") + " " + l.level + " [" + g.pick([]string{"main", "IPC Server handler 3 on 8020", "DataXceiver for client", "RMCommunicator Allocator", "AsyncDispatcher event handler", "ContainersLauncher #2"}) + "] " + l.comp + ": " + l.msg
	case 1:
		return l.ts.Format("060102 150405") + " " + g.pid() + " " + l.level + " " + l.comp + ": " + l.msg
	}
	return l.ts.Format("2006-01-02 15:04:05,000") + " " + l.level + " " + l.comp + ": " + l.msg
}

// fmtSpark renders Spark's default log4j layout (yy/MM/dd).
func fmtSpark(g *gen, l *line) string {
	if g.r.IntN(4) == 0 {
		return l.ts.Format("2006-01-02 15:04:05,000") + " " + l.level + " " + l.comp + ": " + l.msg
	}
	return l.ts.Format("06/01/02 15:04:05") + " " + l.level + " " + l.comp + ": " + l.msg
}

// fmtKafka renders Kafka's "[date] LEVEL msg (logger)".
func fmtKafka(g *gen, l *line) string {
	return "[" + l.ts.Format("2006-01-02 15:04:05,000") + "] " + l.level + " " + l.msg + " (" + l.comp + ")"
}

// fmtZooKeeper renders "date [myid:N] - LEVEL [thread:Class@line] - msg".
func fmtZooKeeper(g *gen, l *line) string {
	thread := g.pick([]string{"QuorumPeer[myid=1](plain=0.0.0.0:2181)(secure=disabled)", "NIOWorkerThread-3", "main", "SyncThread:2",
		"LearnerHandler-/" + g.ip() + ":" + strconv.Itoa(40000+g.r.IntN(20000)), "NIOServerCxnFactory.AcceptThread:0.0.0.0/0.0.0.0:2181", "ListenerHandler-/" + g.ip() + ":3888"})
	switch g.r.IntN(4) {
	case 0:
		// Worker threads are named after their class, the inner one
		// when it is nested: "SendWorker:7:QuorumCnxManager$SendWorker".
		if inner := l.comp[strings.LastIndexAny(l.comp, ".$")+1:]; inner != "" {
			thread = inner + ":" + strconv.FormatInt(g.r.Int64N(1e12), 10)
		}
	case 1:
		thread = "/" + g.ip() + ":" + strconv.Itoa(1024+g.r.IntN(60000))
	}
	myid := ""
	if g.r.IntN(2) == 0 {
		myid = " [myid:" + strconv.Itoa(1+g.r.IntN(5)) + "]"
	}
	return fmt.Sprintf("%s%s - %-5s [%s:%s@%d] - %s", l.ts.Format("2006-01-02 15:04:05,000"), myid, l.level, thread, l.comp, 50+g.r.IntN(1200), l.msg)
}

// fmtPython renders logging's common formats.
func fmtPython(g *gen, l *line) string {
	switch g.r.IntN(4) {
	case 0:
		return l.ts.Format("2006-01-02 15:04:05,000") + " - " + l.comp + " - " + l.level + " - " + l.msg
	case 1:
		return "[" + l.ts.Format("2006-01-02 15:04:05,000") + "] " + l.level + " in " + l.comp + ": " + l.msg
	case 2:
		return l.level + ":" + l.comp + ":" + l.msg
	}
	return "[" + l.ts.Format("2006-01-02 15:04:05 -0700") + "] [" + g.pid() + "] [" + l.level + "] " + l.comp + ": " + l.msg
}

var goLevels = map[string][]string{
	"debug": {"debug"}, "info": {"info"}, "warning": {"warn", "warning"}, "error": {"error"}, "critical": {"fatal", "panic"},
}

// fmtGo renders Go services: slog/logrus text, zap JSON, and klog-free std
// log with a prefix.
func fmtGo(g *gen, l *line) string {
	switch g.r.IntN(4) {
	case 0:
		lv := strings.ToUpper(l.level)
		if lv == "WARNING" {
			lv = "WARN"
		}
		return "time=" + l.ts.Format("2006-01-02T15:04:05.000Z07:00") + " level=" + lv + " msg=" + strconv.Quote(l.msg) + " component=" + l.comp
	case 1:
		return `time="` + l.ts.Format("2006-01-02T15:04:05Z07:00") + `" level=` + l.level + " msg=" + strconv.Quote(l.msg) + " module=" + l.comp
	case 2:
		return fmt.Sprintf(`{"level":%q,"ts":%d.%03d,"logger":%q,"caller":%q,"msg":%s}`, l.level, l.ts.Unix(), l.ts.Nanosecond()/1e6, l.comp, g.pick([]string{"server/server.go:118", "worker/run.go:64", "store/pg.go:212", "cmd/main.go:41"}), jsonString(l.msg))
	}
	return l.ts.Format("2006/01/02 15:04:05") + " [" + strings.ToUpper(l.level) + "] " + l.comp + ": " + l.msg
}

// fmtJSON renders structured JSON logs from several stacks.
func fmtJSON(g *gen, l *line) string {
	ts := l.ts.Format("2006-01-02T15:04:05.000Z07:00")
	switch g.r.IntN(3) {
	case 0:
		return fmt.Sprintf(`{"@timestamp":%q,"level":%q,"logger_name":%q,"thread_name":%q,"message":%s}`, ts, strings.ToUpper(l.level), l.comp, g.thread(), jsonString(l.msg))
	case 1:
		return fmt.Sprintf(`{"timestamp":%q,"severity":%q,"service":%q,"message":%s,"trace_id":"%016x"}`, ts, strings.ToUpper(l.level), l.comp, jsonString(l.msg), g.r.Uint64())
	}
	return fmt.Sprintf(`{"time":%q,"level":%q,"name":%q,"hostname":%q,"pid":%s,"msg":%s}`, ts, l.level, l.comp, g.hostName(), g.pid(), jsonString(l.msg))
}

// jsonString quotes s as JSON without escaping <, > and & (loggers don't).
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// fmtKlog renders Kubernetes' klog header "Lmmdd hh:mm:ss.uuuuuu pid file:line] msg",
// bare (container logs) or inside syslog (the kubelet under systemd).
func fmtKlog(g *gen, l *line) string {
	file := l.comp
	body := fmt.Sprintf("%s%s %7s %s.go:%d] %s", l.level, l.ts.Format("0102 15:04:05.000000"), g.pid(), file, 40+g.r.IntN(2000), l.msg)
	return body
}

// fmtKubelet renders the kubelet and container runtimes under systemd: klog
// or logrus bodies behind a syslog header naming the program.
func fmtKubelet(g *gen, l *line) string {
	host := g.pick([]string{"k8s-node-1", "k8s-node-5", "worker-3", "ip-10-0-12-7", "gke-pool-1-a2c4"})
	var body string
	if l.comp == "kubelet" {
		body = fmt.Sprintf("%s%s %7s %s:%d] %s", klogLetter(l.sev, l.level), l.ts.Format("0102 15:04:05.000000"), g.pid(),
			g.pick([]string{"kubelet.go", "pod_workers.go", "kuberuntime_manager.go", "eviction_manager.go", "prober.go", "reconciler.go", "event.go"}), 40+g.r.IntN(2000), l.msg)
	} else {
		body = `time="` + l.ts.Format("2006-01-02T15:04:05.000000000Z07:00") + `" level=` + logrusLevel(l.sev) + " msg=" + strconv.Quote(l.msg)
	}
	return l.ts.Format("Jan _2 15:04:05") + " " + host + " " + l.comp + "[" + g.pid() + "]: " + body
}

func klogLetter(sev, lvl string) string {
	if lvl != "" && len(lvl) == 1 {
		return lvl
	}
	switch sev {
	case "warning":
		return "W"
	case "error":
		return "E"
	case "critical":
		return "F"
	}
	return "I"
}

func logrusLevel(sev string) string {
	switch sev {
	case "warning":
		return "warning"
	case "critical":
		return "fatal"
	}
	return sev
}

// fmtWindows renders an Event Viewer export row (tab separated) or the
// key=value form that log shippers produce.
func fmtWindows(g *gen, l *line) string {
	if g.r.IntN(2) == 0 {
		return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s", l.level, l.ts.Format("1/2/2006 3:04:05 PM"), l.comp, g.eventID(l), g.pick([]string{"None", "(1)", "Logon", "Service State Event"}), l.msg)
	}
	return fmt.Sprintf("%s %s: EventID=%s Level=%s Source=%q Message=%s", l.ts.Format("2006-01-02T15:04:05Z"), g.pick([]string{"WIN-SRV01", "DC01", "FILESRV02", "SQL01"}), g.eventID(l), l.level, l.comp, jsonString(l.msg))
}

func (g *gen) eventID(l *line) string {
	if l.t.tag != "" {
		return l.t.tag
	}
	return strconv.Itoa(1000 + g.r.IntN(9000))
}
