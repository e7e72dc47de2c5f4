package synth

import (
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/logsift/logsift/schemas"
)

var stats = flag.Bool("stats", false, "print template counts and the label histogram of 100,000 examples")

// TestLabelBalance holds the generator to a sensible label balance: every
// category gets 5–15% of the examples and every severity at least 5%, so the
// model sees enough of the rare labels. With -stats it prints the template
// counts and the label histogram; with -show N, N lines per system.
func TestLabelBalance(t *testing.T) {
	n := 20000
	if *stats {
		n = 100000
	}
	ex := Generate(1, n)
	sevN, catN := map[string]int{}, map[string]int{}
	for _, e := range ex {
		sevN[e.Severity]++
		catN[e.Category]++
	}
	for _, c := range schemas.CategoryNames() {
		if f := float64(catN[c]) / float64(n); f < 0.05 || f > 0.15 {
			t.Errorf("category %s: %.1f%% of examples, want 5–15%%", c, 100*f)
		}
	}
	for _, s := range schemas.Severities {
		if f := float64(sevN[s]) / float64(n); f < 0.05 {
			t.Errorf("severity %s: %.1f%% of examples, want at least 5%%", s, 100*f)
		}
	}
	if *show > 0 {
		printSamples(ex, *show)
	}
	if *stats {
		printStats(ex)
	}
}

func printStats(ex []Example) {
	n := len(ex)
	tmpls := Templates()
	bySys := map[string]int{}
	cell := map[[2]string]int{}
	for _, tm := range tmpls {
		bySys[tm.System]++
		cell[[2]string{tm.Category, tm.Severity}]++
	}
	fmt.Printf("%d templates in %d systems\n", len(tmpls), len(bySys))
	for _, s := range Systems() {
		fmt.Printf("  %-20s %3d\n", s, bySys[s])
	}
	hist := map[[2]string]int{}
	sev, cat, sys := map[string]int{}, map[string]int{}, map[string]int{}
	empty := 0
	for _, e := range ex {
		hist[[2]string{e.Category, e.Severity}]++
		sev[e.Severity]++
		cat[e.Category]++
		sys[e.System]++
		if e.Component == "" {
			empty++
		}
	}
	fmt.Printf("\nlabel histogram of %d examples (seed 1); cells: examples (templates)\n%-12s", n, "")
	for _, s := range schemas.Severities {
		fmt.Printf("%14s", s)
	}
	fmt.Printf("%9s\n", "total")
	for _, c := range schemas.CategoryNames() {
		fmt.Printf("%-12s", c)
		for _, s := range schemas.Severities {
			fmt.Printf("%14s", fmt.Sprintf("%d (%d)", hist[[2]string{c, s}], cell[[2]string{c, s}]))
		}
		fmt.Printf("%9d\n", cat[c])
	}
	fmt.Printf("%-12s", "total")
	for _, s := range schemas.Severities {
		fmt.Printf("%14d", sev[s])
	}
	fmt.Printf("\nempty component: %d\n", empty)
	var ss []string
	for s, c := range sys {
		ss = append(ss, fmt.Sprintf("%s=%d", s, c))
	}
	slices.Sort(ss)
	fmt.Println("by system:", strings.Join(ss, " "))
	train, held := Split(ex, 1, 0.1)
	fmt.Printf("split(seed 1, 0.1): %d train, %d held out, %d held-out templates\n", len(train), len(held), len(HeldOutTemplates(1, 0.1)))
}
