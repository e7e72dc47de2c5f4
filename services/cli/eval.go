package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/logsift/logsift/classifier"
	"github.com/logsift/logsift/classifier/eval"
	"github.com/logsift/logsift/classifier/synth"
	"github.com/logsift/logsift/classifier/textproc"
	"github.com/logsift/logsift/platform/config"
)

// heldOutSet names the generator's held-out lines (--held-out). It is
// reported on its own and left out of mean_over_sets, which is over real
// systems.
const heldOutSet = "synth-held-out"

// evalLine is one labelled line to classify, in input order.
type evalLine struct {
	set string
	rec eval.Record
}

const evalUsage = `logsift model eval [flags] [--data FILE.jsonl ...] [FILE.jsonl ...]: classifies labelled lines exactly as the classifier worker
would (same cleaning, masking, prompt, schema and template cache) and scores the answers.

Input: JSONL with raw, severity, category and component (component may be "": such lines are not scored for component) and
optionally system and template, the shape of the Loghub reference data and of the generator's output. Files come from --data (repeatable,
or comma-separated) and then from the arguments (flags go before the first argument); a line's set is its system, else its
file's name without extension.

Reported per set and for all lines pooled (every line of every set, --held-out's included, scored as one set): n,
severity_acc, category_acc, category_macro_f1, category_template_acc (category accuracy with each template counted once,
over the templates distinct values of the optional "template" field; the generator's held-out lines carry theirs),
component_exact (exact matches among the component_n lines with a gold
component, after cutting it to the schema's 48 characters as the labeler cuts its answers), valid_rate (lines with a
schema-valid answer / n), logs_per_s (lines / seconds spent classifying); then mean_over_sets, the unweighted mean of the
rates over the sets other than synth-held-out (each system counts once whatever its size); the severity and category
confusion matrices (rows gold, columns predicted, plus an "invalid" column for lines without a valid answer) and per-category
precision, recall and F1, all pooled. --format json prints all of it as one JSON object on stdout.`

// runModelEval is `logsift model eval`.
func runModelEval(ctx context.Context, args []string, s *stdio) int {
	fs := config.NewFlagSet("model eval", evalUsage)
	var (
		lbf         labelerFlags
		data        []string
		heldOut     int
		seed        int64
		examples    int
		holdFrac    float64
		batch       int
		format      string
		predictions string
		mistakes    string
		diffJump    bool
		lf          logFlags
	)
	lbf.register(fs)
	fs.Strings(&data, "data", nil, "labelled JSONL file to evaluate; repeat the flag or separate files by commas (files given as arguments are added after these)")
	fs.String(&format, "format", "table", "report format: table, or json (one JSON object on stdout)")
	fs.String(&predictions, "predictions", "", "write one JSON line per input line, in input order (files in order, then --held-out): set, severity, category, component, confidence, cached, valid and error")
	fs.String(&mistakes, "mistakes", "", "write every line that is wrong on severity, category or a scored component to this JSONL file")
	fs.Int(&heldOut, "held-out", 0, "also score this many lines of the generator's held-out templates (as `model train` holds them out with --seed, --examples, --hold-out)")
	fs.Int64(&seed, "seed", 1, "seed the model was trained with (for --held-out)")
	fs.Int(&examples, "examples", 50000, "examples the model was trained with (for --held-out)")
	fs.Float64(&holdFrac, "hold-out", 0.1, "hold-out fraction the model was trained with (for --held-out)")
	fs.Int(&batch, "batch", 256, "lines per labeler call")
	fs.Bool(&diffJump, "diff-jump-forward", false, "also label every line with jump-forward off and report how many answers differ")
	lf.register(fs)
	if code, done := parse(fs, gatherRepeated(fs, args, "data"), s); done {
		return code
	}
	files := append(data, fs.Args()...)
	if len(files) == 0 && heldOut <= 0 {
		return fail(s, cfgErr("nothing to evaluate: give --data FILE.jsonl (or files as arguments) or --held-out N"))
	}
	if format != "table" && format != "json" {
		return fail(s, cfgErr("--format %q: want table or json", format))
	}
	if batch < 1 || heldOut < 0 || holdFrac <= 0 || holdFrac >= 1 || seed < 0 {
		return fail(s, cfgErr("--batch %d must be positive, --held-out %d not negative, --hold-out %g in (0, 1), --seed %d not negative", batch, heldOut, holdFrac, seed))
	}
	if err := lbf.check(); err != nil {
		return fail(s, err)
	}
	// Read everything before loading the model, so a bad file fails fast.
	var lines []evalLine
	for _, path := range files {
		recs, err := readEvalFile(path)
		if err != nil {
			return fail(s, err)
		}
		for _, r := range recs {
			name := r.System
			if name == "" {
				name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
			}
			lines = append(lines, evalLine{set: name, rec: r})
		}
	}
	if heldOut > 0 {
		_, held := synth.Split(synth.Generate(uint64(seed), examples), uint64(seed), holdFrac)
		if len(held) == 0 {
			return fail(s, cfgErr("--held-out: the generator holds out no lines with --seed %d --examples %d --hold-out %g", seed, examples, holdFrac))
		}
		for _, ex := range held[:min(heldOut, len(held))] {
			lines = append(lines, evalLine{set: heldOutSet, rec: eval.Record{System: heldOutSet, Raw: ex.Raw, Severity: ex.Severity, Category: ex.Category, Component: ex.Component, Template: ex.Template}})
		}
	}
	// Output files are created before the model loads too: a bad path
	// should not cost a whole evaluation.
	var pf, mf *os.File
	for _, o := range []struct {
		flag, path string
		f          **os.File
	}{{"--predictions", predictions, &pf}, {"--mistakes", mistakes, &mf}} {
		if o.path == "" {
			continue
		}
		f, err := os.Create(o.path)
		if err != nil {
			return fail(s, cfgErr("%s: %w", o.flag, err))
		}
		defer f.Close() // on early returns; the written file is closed and checked below
		*o.f = f
	}
	logger, err := lf.logger(s)
	if err != nil {
		return fail(s, err)
	}
	l, err := lbf.build(prometheus.NewRegistry(), logger)
	if err != nil {
		return fail(s, err)
	}
	defer l.close()
	ctx, cancel := signalContext(ctx)
	defer cancel()

	order, bySet := groupSets(lines)
	outs := make([]classifier.Output, len(lines))
	seconds := map[string]float64{}
	for _, name := range order {
		if seconds[name], err = labelLines(ctx, l, lines, bySet[name], batch, outs); err != nil {
			return fail(s, fmt.Errorf("%s: %w", name, err))
		}
	}
	if diffJump {
		off := lbf
		off.noJumpForward = true
		l2, err := off.build(prometheus.NewRegistry(), logger)
		if err != nil {
			return fail(s, err)
		}
		defer l2.close()
		for _, name := range order {
			n, differ, err := diffLabels(ctx, l, l2, lines, bySet[name], batch)
			if err != nil {
				return fail(s, err)
			}
			fmt.Fprintf(s.err, "jump-forward on vs off, %s: %d of %d answers differ (%.4f)\n", name, differ, n, float64(differ)/float64(n))
		}
	}
	for _, o := range []struct {
		flag  string
		f     *os.File
		write func(io.Writer, []evalLine, []classifier.Output) error
	}{{"--predictions", pf, writePredictions}, {"--mistakes", mf, writeMistakes}} {
		if o.f == nil {
			continue
		}
		if err := o.write(o.f, lines, outs); err != nil {
			return fail(s, fmt.Errorf("%s %s: %w", o.flag, o.f.Name(), err))
		}
		// A full disk may only show on close.
		if err := o.f.Close(); err != nil {
			return fail(s, fmt.Errorf("%s: %w", o.flag, err))
		}
	}
	rep := buildEvalReport(lines, outs, order, bySet, seconds)
	if format == "json" {
		if err := json.NewEncoder(s.out).Encode(rep); err != nil {
			return fail(s, err)
		}
		return 0
	}
	if err := rep.writeTable(s.out); err != nil {
		return fail(s, err)
	}
	return 0
}

// readEvalFile reads one labelled JSONL file; every problem, a missing file
// included, is a ConfigError naming the file (and the line, from
// eval.ReadJSONL).
func readEvalFile(path string) ([]eval.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, cfgErr("%w", err) // names the file
	}
	defer f.Close()
	recs, err := eval.ReadJSONL(f)
	if err != nil {
		return nil, cfgErr("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, cfgErr("%s: no labelled lines", path)
	}
	return recs, nil
}

// groupSets returns the sets in order of first appearance and each set's
// line indexes.
func groupSets(lines []evalLine) ([]string, map[string][]int) {
	var order []string
	by := map[string][]int{}
	for i, ln := range lines {
		if _, ok := by[ln.set]; !ok {
			order = append(order, ln.set)
		}
		by[ln.set] = append(by[ln.set], i)
	}
	return order, by
}

// labelLines classifies lines[idx] in batches into outs (by line index) and
// returns the wall seconds it took.
func labelLines(ctx context.Context, l classifier.Labeler, lines []evalLine, idx []int, batch int, outs []classifier.Output) (float64, error) {
	t0 := time.Now()
	for lo := 0; lo < len(idx); lo += batch {
		part := idx[lo:min(lo+batch, len(idx))]
		out, err := l.Label(ctx, evalInputs(lines, part))
		if err != nil {
			return 0, err
		}
		if len(out) != len(part) {
			return 0, fmt.Errorf("BUG: labeler %s returned %d outputs for %d inputs", l.Name(), len(out), len(part))
		}
		for i, o := range out {
			outs[part[i]] = o
		}
	}
	return time.Since(t0).Seconds(), nil
}

// diffLabels labels lines[idx] with a and with b and counts the lines whose
// validity, severity, category or component differ.
func diffLabels(ctx context.Context, a, b classifier.Labeler, lines []evalLine, idx []int, batch int) (n, differ int, err error) {
	for lo := 0; lo < len(idx); lo += batch {
		in := evalInputs(lines, idx[lo:min(lo+batch, len(idx))])
		x, err := a.Label(ctx, in)
		if err != nil {
			return 0, 0, err
		}
		y, err := b.Label(ctx, in)
		if err != nil {
			return 0, 0, err
		}
		for i := range in {
			n++
			p, q := x[i].Classification, y[i].Classification
			if (x[i].Err == nil) != (y[i].Err == nil) || p.Severity != q.Severity || p.Category != q.Category || p.Component != q.Component {
				differ++
			}
		}
	}
	return n, differ, nil
}

// evalInputs prepares lines as the worker does (classifier lane): cleaned
// to its default line cap, then masked.
func evalInputs(lines []evalLine, idx []int) []classifier.Input {
	in := make([]classifier.Input, len(idx))
	for i, k := range idx {
		msg := textproc.Clean(lines[k].rec.Raw, 16<<10)
		in[i] = classifier.Input{Message: msg, Template: textproc.Mask(msg)}
	}
	return in
}

// evalPrediction is one line of --predictions. Severity, category and
// component are empty and confidence 0 when valid is false.
type evalPrediction struct {
	Set        string  `json:"set"`
	Severity   string  `json:"severity"`
	Category   string  `json:"category"`
	Component  string  `json:"component"`
	Confidence float64 `json:"confidence"`
	Cached     bool    `json:"cached"`
	Valid      bool    `json:"valid"`
	Error      string  `json:"error,omitempty"`
}

func writePredictions(w io.Writer, lines []evalLine, outs []classifier.Output) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for i, o := range outs {
		p := evalPrediction{Set: lines[i].set, Cached: o.Cached, Valid: o.Err == nil}
		if o.Err != nil {
			p.Error = o.Err.Error()
		} else {
			c := o.Classification
			p.Severity, p.Category, p.Component, p.Confidence = c.Severity, c.Category, c.Component, c.Confidence
		}
		if err := enc.Encode(p); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func writeMistakes(w io.Writer, lines []evalLine, outs []classifier.Output) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for i, ln := range lines {
		g, p := goldLabel(ln.rec), predLabel(outs[i])
		failed := outs[i].Err != nil
		if !failed && eval.Right(g, p) {
			continue
		}
		if err := enc.Encode(map[string]any{"set": ln.set, "raw": ln.rec.Raw, "gold": g, "pred": p, "failed": failed}); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func goldLabel(r eval.Record) eval.Label {
	return eval.Label{Severity: r.Severity, Category: r.Category, Component: r.Component}
}

func predLabel(o classifier.Output) eval.Label {
	if o.Err != nil {
		return eval.Label{}
	}
	c := o.Classification
	return eval.Label{Severity: c.Severity, Category: c.Category, Component: c.Component}
}
