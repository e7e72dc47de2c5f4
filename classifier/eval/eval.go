package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/logsift/logsift/classifier/synth"
	"github.com/logsift/logsift/schemas"
)

// Record is one labelled line, in the JSONL shape of the Loghub reference
// data and of synth.WriteJSONL: other fields are ignored.
type Record struct {
	System    string `json:"system"`
	Raw       string `json:"raw"`
	Severity  string `json:"severity"`
	Category  string `json:"category"`
	Component string `json:"component"`
	// Template is optional: the template the line was labelled by. Lines
	// of one template are scored together by TemplateAccuracy.
	Template string `json:"template,omitempty"`
}

// Label is a prediction or a gold label.
type Label struct{ Severity, Category, Component string }

// PRF is one category's precision, recall and F1 with its support (gold
// count).
type PRF struct {
	Precision, Recall, F1 float64
	Support               int
}

// Confusion counts gold labels (rows) against predicted labels (columns).
type Confusion struct {
	// Labels names the rows and the first len(Labels) columns: the default
	// taxonomy's labels in its order, then any other label the gold or the
	// predictions hold, sorted.
	Labels []string
	// Counts[i][j] counts lines of gold Labels[i] predicted as Labels[j];
	// the extra last column, Counts[i][len(Labels)], counts lines of gold
	// Labels[i] without a valid answer.
	Counts [][]int
}

// Report is the score of predictions against gold labels.
type Report struct {
	N               int
	SeverityCorrect int
	CategoryCorrect int
	// ComponentExact counts the scored lines whose predicted component
	// equals ComponentLabel of the gold one; ComponentN counts the scored
	// lines: those with a non-empty gold component.
	ComponentExact int
	ComponentN     int
	// Failed counts lines the classifier gave no valid answer for; they
	// count as wrong on all three.
	Failed int

	SeverityAcc     float64
	CategoryAcc     float64
	CategoryMacroF1 float64
	// ComponentAcc is ComponentExact / ComponentN, 0 when ComponentN is 0.
	ComponentAcc float64
	// ValidRate is (N - Failed) / N.
	ValidRate float64
	// TemplateAcc is TemplateAccuracy over the Templates distinct
	// templates; Score leaves both 0, a caller that knows the lines'
	// templates sets them.
	TemplateAcc float64
	Templates   int

	PerCategory map[string]PRF
	Severity    Confusion
	Category    Confusion
}

// ComponentLabel is the gold component as the labeler would write it. The
// default schema caps components at schemas.MaxComponentLen characters and
// the labeler cuts longer names with synth.ComponentLabel (its candidates and
// the training labels both go through it), so a gold label that keeps the
// full Java class name could never be matched exactly: the gold goes through
// the same cut before it is compared.
func ComponentLabel(gold string) string { return synth.ComponentLabel(gold) }

// ComponentScored reports whether a line is scored for its component: a
// line whose gold component is empty (the reference labels name none) is
// not, as the reference data's specification says.
func ComponentScored(gold Label) bool { return gold.Component != "" }

// Right reports whether pred is right on all that is scored of gold.
func Right(gold, pred Label) bool {
	return pred.Severity == gold.Severity && pred.Category == gold.Category &&
		(!ComponentScored(gold) || pred.Component == ComponentLabel(gold.Component))
}

// Score compares pred with gold, index by index. failed (nil = none) marks
// lines without a valid answer.
func Score(gold, pred []Label, failed []bool) (Report, error) {
	if len(gold) != len(pred) || (failed != nil && len(failed) != len(gold)) {
		return Report{}, fmt.Errorf("eval: %d gold labels, %d predictions, %d failure flags", len(gold), len(pred), len(failed))
	}
	r := Report{N: len(gold), PerCategory: map[string]PRF{}}
	tp, fp, fn := map[string]int{}, map[string]int{}, map[string]int{}
	cats := map[string]bool{}
	sevs := map[string]bool{}
	isFailed := func(i int) bool { return failed != nil && failed[i] }
	for i, g := range gold {
		cats[g.Category] = true
		sevs[g.Severity] = true
		if ComponentScored(g) {
			r.ComponentN++
		}
		if isFailed(i) {
			r.Failed++
			fn[g.Category]++
			continue
		}
		p := pred[i]
		cats[p.Category] = true
		sevs[p.Severity] = true
		if p.Severity == g.Severity {
			r.SeverityCorrect++
		}
		if ComponentScored(g) && p.Component == ComponentLabel(g.Component) {
			r.ComponentExact++
		}
		if p.Category == g.Category {
			r.CategoryCorrect++
			tp[g.Category]++
		} else {
			fp[p.Category]++
			fn[g.Category]++
		}
	}
	r.Severity = newConfusion(schemas.Severities, sevs)
	r.Category = newConfusion(schemas.CategoryNames(), cats)
	for i, g := range gold {
		if isFailed(i) {
			r.Severity.add(g.Severity, "", true)
			r.Category.add(g.Category, "", true)
			continue
		}
		r.Severity.add(g.Severity, pred[i].Severity, false)
		r.Category.add(g.Category, pred[i].Category, false)
	}
	if r.N == 0 {
		return r, nil
	}
	n := float64(r.N)
	r.SeverityAcc, r.CategoryAcc = float64(r.SeverityCorrect)/n, float64(r.CategoryCorrect)/n
	r.ValidRate = float64(r.N-r.Failed) / n
	if r.ComponentN > 0 {
		r.ComponentAcc = float64(r.ComponentExact) / float64(r.ComponentN)
	}
	var sum float64
	for c := range cats {
		x := PRF{Support: tp[c] + fn[c]}
		if tp[c]+fp[c] > 0 {
			x.Precision = float64(tp[c]) / float64(tp[c]+fp[c])
		}
		if tp[c]+fn[c] > 0 {
			x.Recall = float64(tp[c]) / float64(tp[c]+fn[c])
		}
		if x.Precision+x.Recall > 0 {
			x.F1 = 2 * x.Precision * x.Recall / (x.Precision + x.Recall)
		}
		r.PerCategory[c] = x
		sum += x.F1
	}
	r.CategoryMacroF1 = sum / float64(len(cats))
	return r, nil
}

// newConfusion returns an empty matrix over the taxonomy's labels plus the
// other labels in seen.
func newConfusion(taxonomy []string, seen map[string]bool) Confusion {
	labels := slices.Clone(taxonomy)
	var extra []string
	for l := range seen {
		if !slices.Contains(taxonomy, l) {
			extra = append(extra, l)
		}
	}
	slices.Sort(extra)
	labels = append(labels, extra...)
	c := Confusion{Labels: labels, Counts: make([][]int, len(labels))}
	for i := range c.Counts {
		c.Counts[i] = make([]int, len(labels)+1)
	}
	return c
}

func (c Confusion) add(gold, pred string, failed bool) {
	i := slices.Index(c.Labels, gold)
	j := len(c.Labels)
	if !failed {
		j = slices.Index(c.Labels, pred)
	}
	if i < 0 || j < 0 {
		panic(fmt.Sprintf("BUG: eval: label %q or %q missing from the confusion labels %v", gold, pred, c.Labels))
	}
	c.Counts[i][j]++
}

// Categories returns the report's categories in order.
func (r Report) Categories() []string {
	out := make([]string, 0, len(r.PerCategory))
	for c := range r.PerCategory {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// TemplateAccuracy is the category accuracy with each template counted
// once: the mean over the distinct non-empty templates of the share of
// their lines whose predicted category is the gold one. Line accuracy is
// dominated by a few frequent templates; this says how many kinds of line
// the model reads right. n is the number of templates (0: acc is 0).
func TemplateAccuracy(templates []string, gold, pred []Label) (acc float64, n int) {
	type tally struct{ right, all int }
	by := map[string]*tally{}
	for i, tmpl := range templates {
		if tmpl == "" {
			continue
		}
		t := by[tmpl]
		if t == nil {
			t = &tally{}
			by[tmpl] = t
		}
		t.all++
		if gold[i].Category == pred[i].Category {
			t.right++
		}
	}
	for _, t := range by {
		acc += float64(t.right) / float64(t.all)
	}
	if len(by) == 0 {
		return 0, 0
	}
	return acc / float64(len(by)), len(by)
}

// Mean is the unweighted mean of several reports' rates: each set counts
// once whatever its size, which is how "averaged over the eight systems" is
// meant.
type Mean struct {
	Sets            int
	SeverityAcc     float64
	CategoryAcc     float64
	CategoryMacroF1 float64
	// ComponentAcc averages over the ComponentSets reports that score any
	// component (ComponentN > 0): a set without gold components has no
	// component accuracy, not one of 0.
	ComponentAcc  float64
	ComponentSets int
	// TemplateAcc averages over the TemplateSets reports with Templates > 0.
	TemplateAcc  float64
	TemplateSets int
	ValidRate    float64
}

// MeanOf averages rs; the zero Mean for none.
func MeanOf(rs []Report) Mean {
	m := Mean{Sets: len(rs)}
	if len(rs) == 0 {
		return m
	}
	for _, r := range rs {
		m.SeverityAcc += r.SeverityAcc
		m.CategoryAcc += r.CategoryAcc
		m.CategoryMacroF1 += r.CategoryMacroF1
		m.ValidRate += r.ValidRate
		if r.ComponentN > 0 {
			m.ComponentSets++
			m.ComponentAcc += r.ComponentAcc
		}
		if r.Templates > 0 {
			m.TemplateSets++
			m.TemplateAcc += r.TemplateAcc
		}
	}
	n := float64(len(rs))
	m.SeverityAcc /= n
	m.CategoryAcc /= n
	m.CategoryMacroF1 /= n
	m.ValidRate /= n
	if m.ComponentSets > 0 {
		m.ComponentAcc /= float64(m.ComponentSets)
	}
	if m.TemplateSets > 0 {
		m.TemplateAcc /= float64(m.TemplateSets)
	}
	return m
}

// ReadJSONL reads labelled records, one JSON object per line; blank lines
// are skipped. A line that is not a JSON object or lacks raw, severity or
// category is an error naming its line number.
func ReadJSONL(r io.Reader) ([]Record, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	var out []Record
	n := 0
	for sc.Scan() {
		n++
		b := sc.Bytes()
		if len(b) == 0 {
			continue
		}
		var rec Record
		if err := json.Unmarshal(b, &rec); err != nil {
			return nil, fmt.Errorf("eval: line %d: %w", n, err)
		}
		if rec.Raw == "" || rec.Severity == "" || rec.Category == "" {
			return nil, fmt.Errorf("eval: line %d: want non-empty raw, severity and category", n)
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("eval: after line %d: %w", n, err)
	}
	return out, nil
}
