package llmlabel_test

import (
	"context"
	"errors"
	"testing"

	"github.com/logsift/logsift/classifier"
	"github.com/logsift/logsift/classifier/llmlabel"
	"github.com/logsift/logsift/schemas"
)

// countingLabeler stands in for a remote server: it labels by template
// and counts what it was asked.
type countingLabeler struct {
	asked []string
	fail  string
}

func (c *countingLabeler) Name() string { return "remote:test" }

func (c *countingLabeler) Label(_ context.Context, in []classifier.Input) ([]classifier.Output, error) {
	out := make([]classifier.Output, len(in))
	for i, x := range in {
		c.asked = append(c.asked, x.Template)
		if x.Template == c.fail {
			out[i].Err = errors.New("invalid answer")
			continue
		}
		out[i].Classification = schemas.Classification{Severity: "info", Category: "system", Component: x.Template[:3]}
	}
	return out, nil
}

func TestCached(t *testing.T) {
	inner := &countingLabeler{fail: "bad line"}
	c, err := llmlabel.NewCached(inner, "h", llmlabel.CacheConfig{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := []classifier.Input{{Template: "abc <NUM>"}, {Template: "xyz"}, {Template: "abc <NUM>"}, {Template: "bad line"}}
	out, err := c.Label(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(inner.asked) != 3 {
		t.Errorf("asked %q, want each distinct template once", inner.asked)
	}
	if out[0].Classification.Component != "abc" || out[2].Classification.Component != "abc" || out[1].Classification.Component != "xyz" || out[3].Err == nil {
		t.Errorf("outputs %+v", out)
	}
	out, err = c.Label(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(inner.asked) != 4 || inner.asked[3] != "bad line" {
		t.Errorf("second batch asked %q, want only the failed template again", inner.asked[3:])
	}
	if !out[0].Cached || !out[1].Cached || !out[2].Cached || out[3].Cached || out[3].Err == nil {
		t.Errorf("second batch %+v", out)
	}
}
