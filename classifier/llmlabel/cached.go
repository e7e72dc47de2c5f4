package llmlabel

import (
	"context"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/logsift/logsift/classifier"
)

// Cached puts the template cache in front of another Labeler (the remote
// one): lines whose template is cached are answered without calling it, the
// others go to it once per distinct template. inner must answer from the
// template alone (classifier/remote's SendTemplate), or the cache would
// hand one line's answer to lines that differ from it.
type Cached struct {
	inner classifier.Labeler
	cache *cache
}

// NewCached wraps inner with a template cache keyed by inner's name, the
// schema (its hash) and the template; reg (nil = none) receives the cache
// metrics.
func NewCached(inner classifier.Labeler, schemaHash string, cfg CacheConfig, reg prometheus.Registerer) (*Cached, error) {
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Namespace: "logsift", Subsystem: "labeler", Name: name, Help: help})
	}
	hits, misses := counter("cache_hits_total", "Lines answered from the template cache."),
		counter("cache_misses_total", "Lines not in the template cache.")
	c := &Cached{inner: inner, cache: newCache(cfg, inner.Name(), schemaHash, hits, misses)}
	if reg != nil {
		for _, col := range []prometheus.Collector{hits, misses} {
			if err := reg.Register(col); err != nil {
				return nil, fmt.Errorf("llmlabel: metrics: %w", err)
			}
		}
	}
	return c, nil
}

// Name implements classifier.Labeler.
func (c *Cached) Name() string { return c.inner.Name() }

// Label implements classifier.Labeler.
func (c *Cached) Label(ctx context.Context, in []classifier.Input) ([]classifier.Output, error) {
	out := make([]classifier.Output, len(in))
	var miss []classifier.Input
	lines := map[string][]int{}
	for i, x := range in {
		if v, ok := c.cache.get(x.Template); ok {
			out[i] = classifier.Output{Classification: v, Cached: true}
			continue
		}
		if _, ok := lines[x.Template]; !ok {
			miss = append(miss, x)
		}
		lines[x.Template] = append(lines[x.Template], i)
	}
	if len(miss) == 0 {
		return out, nil
	}
	res, err := c.inner.Label(ctx, miss)
	if err != nil {
		return nil, err
	}
	if len(res) != len(miss) {
		return nil, fmt.Errorf("llmlabel: %s returned %d answers for %d lines", c.inner.Name(), len(res), len(miss))
	}
	for k, x := range miss {
		if res[k].Err == nil {
			c.cache.put(x.Template, res[k].Classification)
		}
		for _, i := range lines[x.Template] {
			out[i] = classifier.Output{Classification: res[k].Classification, Err: res[k].Err}
		}
	}
	return out, nil
}
