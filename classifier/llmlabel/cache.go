package llmlabel

import (
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/logsift/logsift/schemas"
)

// CacheConfig sizes the template cache.
type CacheConfig struct {
	// Off disables the cache: every line goes to the model.
	Off bool
	// Size is the most templates kept [65536]. Real systems log from a few
	// hundred to a few thousand statements; the bound protects memory from
	// lines the masker cannot template (free text, unusual ids).
	Size int
	// TTL is how long an answer is reused [1h], so a retrained or swapped
	// model's answers replace the old ones within that time even when a
	// worker runs for days.
	TTL time.Duration
}

func (c *CacheConfig) defaults() {
	if c.Size <= 0 {
		c.Size = 65536
	}
	if c.TTL <= 0 {
		c.TTL = time.Hour
	}
}

type cache struct {
	lru          *expirable.LRU[string, schemas.Classification]
	hits, misses prometheus.Counter
	prefix       string
}

func newCache(cfg CacheConfig, model, schemaHash string, hits, misses prometheus.Counter) *cache {
	if cfg.Off {
		return nil
	}
	cfg.defaults()
	return &cache{
		lru:  expirable.NewLRU[string, schemas.Classification](cfg.Size, nil, cfg.TTL),
		hits: hits, misses: misses,
		// NUL cannot occur in a model id or a hash, so keys of different
		// models or schemas never collide.
		prefix: model + "\x00" + schemaHash + "\x00",
	}
}

func (c *cache) key(template string) string { return c.prefix + template }

func (c *cache) get(template string) (schemas.Classification, bool) {
	if c == nil {
		return schemas.Classification{}, false
	}
	v, ok := c.lru.Get(c.key(template))
	if ok {
		c.hits.Inc()
	} else {
		c.misses.Inc()
	}
	return v, ok
}

func (c *cache) put(template string, v schemas.Classification) {
	if c != nil {
		c.lru.Add(c.key(template), v)
	}
}

func (c *cache) len() int {
	if c == nil {
		return 0
	}
	return c.lru.Len()
}
