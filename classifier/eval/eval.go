package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// Record is one labelled line, in the JSONL shape of the Loghub reference
// data and of synth.WriteJSONL: other fields are ignored.
type Record struct {
	System    string `json:"system"`
	Raw       string `json:"raw"`
	Severity  string `json:"severity"`
	Category  string `json:"category"`
	Component string `json:"component"`
}

// Label is a prediction or a gold label.
type Label struct{ Severity, Category, Component string }

// PRF is one category's precision, recall and F1 with its support (gold
// count).
type PRF struct {
	Precision, Recall, F1 float64
	Support               int
}

// Report is the score of predictions against gold labels.
type Report struct {
	N               int
	SeverityCorrect int
	ComponentExact  int
	CategoryCorrect int
	SeverityAcc     float64
	CategoryAcc     float64
	CategoryMacroF1 float64
	ComponentAcc    float64
	PerCategory     map[string]PRF
	// Failed counts lines the classifier gave no answer for; they count
	// as wrong on all three.
	Failed int
}

// Score compares pred with gold, index by index. failed (nil = none) marks
// lines without an answer.
func Score(gold, pred []Label, failed []bool) (Report, error) {
	if len(gold) != len(pred) || (failed != nil && len(failed) != len(gold)) {
		return Report{}, fmt.Errorf("eval: %d gold labels, %d predictions, %d failure flags", len(gold), len(pred), len(failed))
	}
	r := Report{N: len(gold), PerCategory: map[string]PRF{}}
	tp, fp, fn := map[string]int{}, map[string]int{}, map[string]int{}
	cats := map[string]bool{}
	for i, g := range gold {
		cats[g.Category] = true
		if failed != nil && failed[i] {
			r.Failed++
			fn[g.Category]++
			continue
		}
		p := pred[i]
		cats[p.Category] = true
		if p.Severity == g.Severity {
			r.SeverityCorrect++
		}
		if p.Component == g.Component {
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
	if r.N == 0 {
		return r, nil
	}
	n := float64(r.N)
	r.SeverityAcc, r.CategoryAcc, r.ComponentAcc = float64(r.SeverityCorrect)/n, float64(r.CategoryCorrect)/n, float64(r.ComponentExact)/n
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

// Categories returns the report's categories in order.
func (r Report) Categories() []string {
	out := make([]string, 0, len(r.PerCategory))
	for c := range r.PerCategory {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// ReadJSONL reads labelled records, one JSON object per line; blank lines
// are skipped. A record without raw, severity or category is an error
// naming its line.
func ReadJSONL(r io.Reader) ([]Record, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	var out []Record
	for n := 1; sc.Scan(); n++ {
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
		return nil, fmt.Errorf("eval: %w", err)
	}
	return out, nil
}
