package llmlabel_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/logsift/logsift/classifier/llmlabel"
	"github.com/logsift/logsift/classifier/synth"
	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/models"
)

// BenchmarkDefaultModel measures the embedded model's classification rate
// with the template cache off (every line a model request), batches of 256
// generated lines, with speculation off and with prompt lookup; lines/s is
// the figure the README quotes. Run it with -benchtime 3x on a quiet machine.
func BenchmarkDefaultModel(b *testing.B) {
	ex := synth.Generate(7, 256)
	lines := make([]string, len(ex))
	for i, e := range ex {
		lines[i] = e.Raw
	}
	in := inputs(lines...)
	for _, spec := range []string{engine.SpeculateOff, engine.SpeculateLookup} {
		b.Run(fmt.Sprintf("speculate=%s", spec), func(b *testing.B) {
			m, err := models.LoadTarget(model.Options{})
			if err != nil {
				b.Fatal(err)
			}
			eng, err := engine.New(m, engine.Config{KVBudget: 64 << 20})
			if err != nil {
				b.Fatal(err)
			}
			defer func() { eng.Close(); m.Close() }()
			l, err := llmlabel.New(llmlabel.Config{Engine: eng, Name: models.TargetID, Speculate: spec, Cache: llmlabel.CacheConfig{Off: true}})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				out, err := l.Label(context.Background(), in)
				if err != nil {
					b.Fatal(err)
				}
				n += len(out)
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}
