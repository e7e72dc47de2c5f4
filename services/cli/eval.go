package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/logsift/logsift/classifier"
	"github.com/logsift/logsift/classifier/eval"
	"github.com/logsift/logsift/classifier/synth"
	"github.com/logsift/logsift/classifier/textproc"
	"github.com/logsift/logsift/platform/config"
)

// evalResult is one row of `model eval`'s report.
type evalResult struct {
	Set        string  `json:"set"`
	Lines      int     `json:"lines"`
	Severity   float64 `json:"severity_accuracy"`
	MacroF1    float64 `json:"category_macro_f1"`
	CategoryOK float64 `json:"category_accuracy"`
	Component  float64 `json:"component_exact"`
	Failed     int     `json:"failed"`
	Cached     int     `json:"cached"`
	Seconds    float64 `json:"seconds"`
	LinesPerS  float64 `json:"lines_per_second"`
}

// runModelEval is `logsift model eval`: it classifies labelled lines with a
// model, exactly as the classifier worker would (same cleaning, masking,
// prompt, schema and cache), and scores the answers.
func runModelEval(ctx context.Context, args []string, s *stdio) int {
	fs := config.NewFlagSet("model eval", "logsift model eval [flags] [FILE.jsonl ...]: classifies labelled lines "+
		"(JSONL with raw, severity, category, component and optionally system — the shape of Loghub reference data and "+
		"of the generator's output) and reports severity accuracy, category macro-F1 and component exact match per system "+
		"and averaged over systems.")
	var (
		lbf       labelerFlags
		heldOut   int
		seed      int64
		examples  int
		holdFrac  float64
		batch     int
		asJSON    bool
		mistakes  string
		diffJump  bool
		lf        logFlags
		heldLabel = "synth-held-out"
	)
	lbf.register(fs)
	fs.Int(&heldOut, "held-out", 0, "also score this many lines of the generator's held-out templates (as `model train` holds them out with --seed, --examples, --hold-out)")
	fs.Int64(&seed, "seed", 1, "seed the model was trained with (for --held-out)")
	fs.Int(&examples, "examples", 50000, "examples the model was trained with (for --held-out)")
	fs.Float64(&holdFrac, "hold-out", 0.1, "hold-out fraction the model was trained with (for --held-out)")
	fs.Int(&batch, "batch", 256, "lines per labeler call")
	fs.Bool(&asJSON, "json", false, "print the report as JSON lines")
	fs.String(&mistakes, "mistakes", "", "write every wrongly labelled line to this JSONL file")
	fs.Bool(&diffJump, "diff-jump-forward", false, "also label every line with jump-forward off and report how many answers differ")
	lf.register(fs)
	if code, done := parse(fs, args, s); done {
		return code
	}
	files := fs.Args()
	if len(files) == 0 && heldOut <= 0 {
		return fail(s, cfgErr("nothing to evaluate: give JSONL files or --held-out N"))
	}
	if batch < 1 || heldOut < 0 || holdFrac <= 0 || holdFrac >= 1 || seed < 0 {
		return fail(s, cfgErr("--batch %d must be positive, --held-out %d not negative, --hold-out %g in (0, 1), --seed %d not negative", batch, heldOut, holdFrac, seed))
	}
	if err := lbf.check(); err != nil {
		return fail(s, err)
	}
	// Read everything before loading the model, so a bad file fails fast.
	sets := map[string][]eval.Record{}
	var order []string
	add := func(name string, r eval.Record) {
		if _, ok := sets[name]; !ok {
			order = append(order, name)
		}
		sets[name] = append(sets[name], r)
	}
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			return fail(s, cfgErr("%w", err))
		}
		recs, err := eval.ReadJSONL(f)
		f.Close()
		if err != nil {
			return fail(s, cfgErr("%s: %w", path, err))
		}
		for _, r := range recs {
			name := r.System
			if name == "" {
				name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
			}
			add(name, r)
		}
	}
	if heldOut > 0 {
		_, held := synth.Split(synth.Generate(uint64(seed), examples), uint64(seed), holdFrac)
		if len(held) == 0 {
			return fail(s, cfgErr("--held-out: the generator holds out no lines with --seed %d --examples %d --hold-out %g", seed, examples, holdFrac))
		}
		for _, ex := range held[:min(heldOut, len(held))] {
			add(heldLabel, eval.Record{System: heldLabel, Raw: ex.Raw, Severity: ex.Severity, Category: ex.Category, Component: ex.Component})
		}
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

	var mw io.Writer
	if mistakes != "" {
		f, err := os.Create(mistakes)
		if err != nil {
			return fail(s, cfgErr("--mistakes: %w", err))
		}
		defer f.Close()
		mw = f
	}
	var results []evalResult
	for _, name := range order {
		res, err := evalSet(ctx, l, name, sets[name], batch, mw)
		if err != nil {
			return fail(s, err)
		}
		results = append(results, res)
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
			n, differ, err := diffLabels(ctx, l, l2, sets[name], batch)
			if err != nil {
				return fail(s, err)
			}
			fmt.Fprintf(s.err, "jump-forward on vs off, %s: %d of %d answers differ (%.4f)\n", name, differ, n, float64(differ)/float64(n))
		}
	}
	// The average is over real systems: the generator's held-out set is
	// reported on its own line.
	var systems []evalResult
	for _, r := range results {
		if r.Set != heldLabel {
			systems = append(systems, r)
		}
	}
	if len(systems) > 1 {
		m := evalResult{Set: "mean"}
		for _, r := range systems {
			m.Lines += r.Lines
			m.Severity += r.Severity / float64(len(systems))
			m.MacroF1 += r.MacroF1 / float64(len(systems))
			m.CategoryOK += r.CategoryOK / float64(len(systems))
			m.Component += r.Component / float64(len(systems))
			m.Failed += r.Failed
			m.Cached += r.Cached
			m.Seconds += r.Seconds
		}
		m.LinesPerS = float64(m.Lines) / m.Seconds
		results = append(results, m)
	}
	if asJSON {
		enc := json.NewEncoder(s.out)
		for _, r := range results {
			if err := enc.Encode(r); err != nil {
				return fail(s, err)
			}
		}
		return 0
	}
	tw := tabwriter.NewWriter(s.out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "set\tlines\tseverity acc\tcategory macro-F1\tcategory acc\tcomponent exact\tfailed\tcached\tlines/s\t\n")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t%d\t%.0f\t\n", r.Set, r.Lines, r.Severity, r.MacroF1, r.CategoryOK, r.Component, r.Failed, r.Cached, r.LinesPerS)
	}
	if err := tw.Flush(); err != nil {
		return fail(s, err)
	}
	return 0
}

func evalSet(ctx context.Context, l classifier.Labeler, name string, recs []eval.Record, batch int, mistakes io.Writer) (evalResult, error) {
	gold := make([]eval.Label, len(recs))
	pred := make([]eval.Label, len(recs))
	failed := make([]bool, len(recs))
	cached := 0
	t0 := time.Now()
	for lo := 0; lo < len(recs); lo += batch {
		hi := min(lo+batch, len(recs))
		out, err := l.Label(ctx, evalInputs(recs[lo:hi]))
		if err != nil {
			return evalResult{}, fmt.Errorf("%s: %w", name, err)
		}
		for i, o := range out {
			k := lo + i
			if o.Cached {
				cached++
			}
			failed[k] = o.Err != nil
			c := o.Classification
			pred[k] = eval.Label{Severity: c.Severity, Category: c.Category, Component: c.Component}
		}
	}
	elapsed := time.Since(t0).Seconds()
	for i, r := range recs {
		gold[i] = eval.Label{Severity: r.Severity, Category: r.Category, Component: r.Component}
		if mistakes != nil && (failed[i] || gold[i] != pred[i]) {
			b, _ := json.Marshal(map[string]any{"set": name, "raw": r.Raw, "gold": gold[i], "pred": pred[i], "failed": failed[i]})
			if _, err := fmt.Fprintf(mistakes, "%s\n", b); err != nil {
				return evalResult{}, fmt.Errorf("--mistakes: %w", err)
			}
		}
	}
	rep, err := eval.Score(gold, pred, failed)
	if err != nil {
		return evalResult{}, errors.New("BUG: " + err.Error())
	}
	return evalResult{Set: name, Lines: rep.N, Severity: rep.SeverityAcc, MacroF1: rep.CategoryMacroF1, CategoryOK: rep.CategoryAcc,
		Component: rep.ComponentAcc, Failed: rep.Failed, Cached: cached, Seconds: elapsed, LinesPerS: float64(rep.N) / elapsed}, nil
}

// diffLabels labels recs with a and with b and counts the lines whose
// severity, category or component differ.
func diffLabels(ctx context.Context, a, b classifier.Labeler, recs []eval.Record, batch int) (n, differ int, err error) {
	for lo := 0; lo < len(recs); lo += batch {
		hi := min(lo+batch, len(recs))
		in := evalInputs(recs[lo:hi])
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
func evalInputs(recs []eval.Record) []classifier.Input {
	in := make([]classifier.Input, len(recs))
	for i, r := range recs {
		msg := textproc.Clean(r.Raw, 16<<10)
		in[i] = classifier.Input{Message: msg, Template: textproc.Mask(msg)}
	}
	return in
}
