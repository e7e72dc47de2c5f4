package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/logsift/logsift/classifier"
	"github.com/logsift/logsift/classifier/eval"
)

// evalScores are the numbers of one set, or of all lines pooled (Set
// empty). Rates are in [0, 1]; component_exact is 0 when component_n is 0.
type evalScores struct {
	Set             string  `json:"set,omitempty"`
	N               int     `json:"n"`
	SeverityAcc     float64 `json:"severity_acc"`
	CategoryAcc     float64 `json:"category_acc"`
	CategoryMacroF1 float64 `json:"category_macro_f1"`
	// CategoryTemplateAcc is the category accuracy with each template
	// counted once, over the Templates distinct templates of the lines
	// that name theirs (0 when none does).
	CategoryTemplateAcc float64 `json:"category_template_acc"`
	Templates           int     `json:"templates"`
	ComponentExact      float64 `json:"component_exact"`
	ComponentN          int     `json:"component_n"`
	ValidRate           float64 `json:"valid_rate"`
	Invalid             int     `json:"invalid"`
	Cached              int     `json:"cached"`
	Seconds             float64 `json:"seconds"`
	LogsPerS            float64 `json:"logs_per_s"`
}

// evalMean is the unweighted mean over sets (eval.MeanOf);
// component_exact averages only the component_sets sets that have gold
// components.
type evalMean struct {
	Sets            []string `json:"sets"`
	SeverityAcc     float64  `json:"severity_acc"`
	CategoryAcc     float64  `json:"category_acc"`
	CategoryMacroF1 float64  `json:"category_macro_f1"`
	// CategoryTemplateAcc averages the TemplateSets sets whose lines name
	// their templates.
	CategoryTemplateAcc float64 `json:"category_template_acc"`
	TemplateSets        int     `json:"template_sets"`
	ComponentExact      float64 `json:"component_exact"`
	ComponentSets       int     `json:"component_sets"`
	ValidRate           float64 `json:"valid_rate"`
}

// evalConfusion is a confusion matrix: Matrix[i][j] counts lines of gold
// Labels[i] answered Columns[j]; Columns are Labels plus "invalid".
type evalConfusion struct {
	Labels  []string `json:"labels"`
	Columns []string `json:"columns"`
	Matrix  [][]int  `json:"matrix"`
}

type evalPRF struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
}

// evalReport is `model eval --format json`'s one object: the pooled scores
// at the top level, then per set, the mean over sets, and the pooled
// confusion matrices and per-category scores.
type evalReport struct {
	evalScores
	Sets []evalScores `json:"sets"`
	// MeanOverSets is null when no set but the generator's held-out one
	// was evaluated.
	MeanOverSets *evalMean `json:"mean_over_sets"`
	Confusion    struct {
		Severity evalConfusion `json:"severity"`
		Category evalConfusion `json:"category"`
	} `json:"confusion"`
	PerCategory map[string]evalPRF `json:"per_category"`
}

const invalidColumn = "invalid"

func buildEvalReport(lines []evalLine, outs []classifier.Output, order []string, bySet map[string][]int, seconds map[string]float64) evalReport {
	score := func(name string, idx []int, secs float64) (evalScores, eval.Report) {
		gold := make([]eval.Label, len(idx))
		pred := make([]eval.Label, len(idx))
		failed := make([]bool, len(idx))
		tmpls := make([]string, len(idx))
		cached := 0
		for i, k := range idx {
			gold[i], pred[i], failed[i] = goldLabel(lines[k].rec), predLabel(outs[k]), outs[k].Err != nil
			tmpls[i] = lines[k].rec.Template
			if outs[k].Cached {
				cached++
			}
		}
		r, err := eval.Score(gold, pred, failed)
		if err != nil {
			panic("BUG: " + err.Error())
		}
		sc := evalScores{Set: name, N: r.N, SeverityAcc: r.SeverityAcc, CategoryAcc: r.CategoryAcc, CategoryMacroF1: r.CategoryMacroF1,
			ComponentExact: r.ComponentAcc, ComponentN: r.ComponentN, ValidRate: r.ValidRate, Invalid: r.Failed, Cached: cached, Seconds: secs}
		r.TemplateAcc, r.Templates = eval.TemplateAccuracy(tmpls, gold, pred)
		sc.CategoryTemplateAcc, sc.Templates = r.TemplateAcc, r.Templates
		if secs > 0 {
			sc.LogsPerS = float64(r.N) / secs
		}
		return sc, r
	}
	var rep evalReport
	var systems []eval.Report
	var names []string
	all := make([]int, 0, len(lines))
	total := 0.0
	for _, name := range order {
		sc, r := score(name, bySet[name], seconds[name])
		rep.Sets = append(rep.Sets, sc)
		all = append(all, bySet[name]...)
		total += seconds[name]
		if name != heldOutSet {
			systems = append(systems, r)
			names = append(names, name)
		}
	}
	pooled, r := score("", all, total)
	rep.evalScores = pooled
	if len(systems) > 0 {
		m := eval.MeanOf(systems)
		rep.MeanOverSets = &evalMean{Sets: names, SeverityAcc: m.SeverityAcc, CategoryAcc: m.CategoryAcc, CategoryMacroF1: m.CategoryMacroF1,
			CategoryTemplateAcc: m.TemplateAcc, TemplateSets: m.TemplateSets,
			ComponentExact: m.ComponentAcc, ComponentSets: m.ComponentSets, ValidRate: m.ValidRate}
	}
	conf := func(c eval.Confusion) evalConfusion {
		return evalConfusion{Labels: c.Labels, Columns: append(append([]string(nil), c.Labels...), invalidColumn), Matrix: c.Counts}
	}
	rep.Confusion.Severity, rep.Confusion.Category = conf(r.Severity), conf(r.Category)
	rep.PerCategory = map[string]evalPRF{}
	for c, x := range r.PerCategory {
		rep.PerCategory[c] = evalPRF{Precision: x.Precision, Recall: x.Recall, F1: x.F1, Support: x.Support}
	}
	return rep
}

// templateCell is a template accuracy for the table: "-" where no line
// named its template.
func templateCell(acc float64, n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f", acc)
}

// writeTable prints the report for people: one row per set, the mean over
// sets and the pooled row when there is more than one set, then the two
// confusion matrices and the per-category scores.
func (rep evalReport) writeTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "set\tn\tseverity_acc\tcategory_acc\tcategory_macro_f1\ttemplate_acc\tcomponent_exact\tcomponent_n\tvalid_rate\tcached\tlogs_per_s\t\n")
	row := func(s evalScores) {
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t%.3f\t%s\t%.3f\t%d\t%.3f\t%d\t%.0f\t\n", s.Set, s.N, s.SeverityAcc, s.CategoryAcc,
			s.CategoryMacroF1, templateCell(s.CategoryTemplateAcc, s.Templates), s.ComponentExact, s.ComponentN, s.ValidRate, s.Cached, s.LogsPerS)
	}
	for _, s := range rep.Sets {
		row(s)
	}
	if m := rep.MeanOverSets; m != nil && len(m.Sets) > 1 {
		// component_exact is the mean over the sets that have gold
		// components: the component_n column says how many.
		fmt.Fprintf(tw, "mean over %d sets\t\t%.3f\t%.3f\t%.3f\t%s\t%.3f\t%d/%d sets\t%.3f\t\t\t\n", len(m.Sets), m.SeverityAcc, m.CategoryAcc,
			m.CategoryMacroF1, templateCell(m.CategoryTemplateAcc, m.TemplateSets), m.ComponentExact, m.ComponentSets, len(m.Sets), m.ValidRate)
	}
	if len(rep.Sets) > 1 {
		all := rep.evalScores
		all.Set = "all lines pooled"
		row(all)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, c := range []struct {
		name string
		m    evalConfusion
	}{{"severity", rep.Confusion.Severity}, {"category", rep.Confusion.Category}} {
		fmt.Fprintf(w, "\n%s confusion, all lines (rows gold, columns predicted):\n", c.name)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "\t%s\t\n", strings.Join(c.m.Columns, "\t"))
		for i, l := range c.m.Labels {
			fmt.Fprintf(tw, "%s", l)
			for _, n := range c.m.Matrix[i] {
				fmt.Fprintf(tw, "\t%d", n)
			}
			fmt.Fprintf(tw, "\t\n")
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\nper category, all lines:\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "category\tprecision\trecall\tf1\tsupport\t\n")
	for _, c := range rep.Confusion.Category.Labels {
		x, ok := rep.PerCategory[c]
		if !ok {
			continue // neither in the gold nor answered
		}
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%d\t\n", c, x.Precision, x.Recall, x.F1, x.Support)
	}
	return tw.Flush()
}
