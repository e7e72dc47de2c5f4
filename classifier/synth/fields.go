package synth

import (
	"fmt"
	"strings"
)

// Neutral fields. Real lines carry details that say nothing about what the
// line is about: "Connection broken for id 1889, my id = 1, error = ",
// "Times: total = 1072, boot = 856", "(attempt=3, elapsed=12ms)". In the
// templates such key = value details mostly sit in configuration lines
// ("Setting foo = bar"), so a small model learned "=" as the sign of config
// and labelled a ZooKeeper connection loss and a Python runner's timings
// config. A share of the examples (fieldsShare), of every category, get one
// to three details with keys and values drawn from a neutral vocabulary —
// counters, ids, states, an empty error — appended to the message or put
// before it; the labels do not change. The same lesson serves the prompt
// injection tests: text appended to a line is not what the line is about.
const fieldsShare = 0.15

// fieldKeys name details every kind of line carries. None is a topic word
// of one category (no "host", "port", "user", "block", "query", "mem").
var fieldKeys = []string{"id", "my id", "seq", "try", "count", "n", "total", "elapsed", "took", "epoch", "term",
	"round", "gen", "state", "code", "status", "error", "err", "idx", "ctx", "tid", "rid", "trace_id", "span_id",
	"step", "result", "rc", "retries", "ref", "tag", "phase", "wait", "finish", "start", "end", "duration",
	"last", "next", "pending", "done", "iter", "cycle", "xid", "seqno", "generation"}

// fieldValue is a value of a neutral detail: a number, a duration, a hex
// or made-up token, a neutral state, a boolean, or nothing at all.
func (g *gen) fieldValue() string {
	switch g.r.IntN(9) {
	case 0, 1:
		return fmt.Sprint(g.r.IntN(2000))
	case 2:
		return fmt.Sprint(g.r.Int64N(1e12))
	case 3:
		return fmt.Sprintf("%dms", g.r.IntN(5000))
	case 4:
		return "0x" + g.hexN(4+4*g.r.IntN(2))
	case 5:
		return g.pick(composeStates)
	case 6:
		return g.pick([]string{"true", "false", "null", "-", "none", "0"})
	case 7:
		return g.madeUpWord()
	}
	return ""
}

// fields renders one to three neutral details in one of the ways loggers
// write them.
func (g *gen) fields() string {
	if g.r.IntN(8) == 0 {
		return g.retryPolicy()
	}
	n := 1 + g.r.IntN(3)
	kvs := make([]string, n)
	sep := g.pick([]string{" = ", "=", ": ", " "})
	for i := range kvs {
		k := g.pick(fieldKeys)
		if sep == " " && k == "my id" {
			k = "id"
		}
		val := g.fieldValue()
		if val == "" && sep == " " {
			val = "0"
		}
		kvs[i] = k + sep + val
	}
	switch g.r.IntN(5) {
	case 0:
		return "(" + strings.Join(kvs, ", ") + ")"
	case 1:
		return "[" + strings.Join(kvs, " ") + "]"
	case 2:
		return strings.Join(kvs, " ")
	}
	return strings.Join(kvs, ", ")
}

// withFields adds neutral details to msg: mostly after it (", k = v",
// " (k=v)", "; k: v"), sometimes before it ("[k=v] msg").
func (g *gen) withFields(msg string) string {
	f := g.fields()
	switch g.r.IntN(6) {
	case 0:
		return f + " " + msg
	case 1:
		return msg + "; " + f
	case 2:
		return msg + " " + f
	}
	return strings.TrimRight(msg, " ") + ", " + f
}

// retryPolicy is the retry or back-off policy a client prints with any
// operation it repeats ("retry policy is FixedSleep(maxRetries=10,
// sleepTime=1000 MILLISECONDS)"): the operation, not the policy, says what
// the line is about.
func (g *gen) retryPolicy() string {
	name := title(g.madeUpWord()) + g.pick([]string{"Retry", "Backoff", "RetryPolicy", "UpToMaximumCount", "WithFixedSleep", "Exponential"})
	n := fmt.Sprint(1 + g.r.IntN(20))
	ms := fmt.Sprint(100 * (1 + g.r.IntN(50)))
	switch g.r.IntN(3) {
	case 0:
		return "retry policy is " + name + "(maxRetries=" + n + ", sleepTime=" + ms + " MILLISECONDS)"
	case 1:
		return "backoff " + ms + " ms, max " + n + " retries"
	}
	return "policy=" + name + " attempts=" + n + " delay=" + ms + "ms"
}
