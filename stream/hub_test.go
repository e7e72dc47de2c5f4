package stream

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/logsift/logsift/schemas"
)

// TestReconnectLoopWhilePublishing feeds the hub directly from one goroutine
// per partition while a client keeps disconnecting after a random number of
// events and resuming from its last id. Across all its connections it must
// get every matching event exactly once: this exercises the switch from
// replay window to live feed racing with publishers.
func TestReconnectLoopWhilePublishing(t *testing.T) {
	for _, query := range []string{"", "severity=warning&service=api,db"} {
		t.Run(fmt.Sprintf("%q", query), func(t *testing.T) {
			const parts, perPart = 3, 600
			g := offlineGateway(t, parts, nil)
			srv := httptest.NewServer(g.Handler())
			defer srv.Close()
			defer g.stop()

			keep := func(l schemas.ClassifiedLog) bool { return true }
			if query != "" {
				keep = func(l schemas.ClassifiedLog) bool {
					return schemas.SeverityRank(l.Severity) >= 2 && (l.Service == "api" || l.Service == "db")
				}
			}
			var all []schemas.ClassifiedLog
			entries := make([][]*entry, parts)
			for p := range parts {
				for off := range perPart + 1 {
					l := logFor(off*parts + p)
					if off == perPart {
						l = sentinelFor(p)
					} else {
						all = append(all, l)
					}
					v, _ := json.Marshal(l)
					e, err := decodeRecord(int32(p), int64(off), nil, v)
					if err != nil {
						t.Fatal(err)
					}
					entries[p] = append(entries[p], e)
				}
			}

			c, status, body := trySubscribeURL(t, srv, query, nil)
			if c == nil {
				t.Fatalf("%d %s", status, body)
			}
			c.waitComment("live")
			var wg sync.WaitGroup
			for p := range parts {
				wg.Go(func() {
					for _, e := range entries[p] {
						g.hub.publish(e)
					}
				})
			}

			var evs []got
			sentinels, connections := 0, 1
			rng := rand.New(rand.NewPCG(1, 2))
			for sentinels < parts {
				k := 1 + rng.IntN(100)
				part := c.readEvents(func(g got) bool {
					if isSentinel(g.log.ID) {
						sentinels++
					}
					k--
					return k == 0 || sentinels == parts
				})
				evs = append(evs, part...)
				if sentinels == parts {
					break
				}
				// The stream may also have ended because the burst of
				// publishers overflowed the subscriber's buffer: resuming is the
				// answer to both.
				c.close()
				h := http.Header{}
				q := query + "&from=earliest" // nothing received yet: the feed starts at offset 0
				if len(evs) > 0 {
					h.Set("Last-Event-ID", evs[len(evs)-1].id)
					q = query
				}
				if c, status, body = trySubscribeURL(t, srv, q, h); c == nil {
					t.Fatalf("resume: %d %s", status, body)
				}
				connections++
			}
			wg.Wait()
			checkExactly(t, query, evs, selectLogs(all, keep))
			t.Logf("%d events over %d connections, %v dropped as slow", len(evs), connections,
				testCounter(g.m.dropped.WithLabelValues(dropSlow)))
		})
	}
}
