package stream

import (
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/r3labs/sse/v2"
)

var (
	errClosed  = errors.New("gateway stopped")
	errEvicted = errors.New("replay window moved past the subscriber")
)

// hub is the gateway's single ordered feed. Partition readers hand it entries;
// under one mutex it advances the head position, appends to the replay window
// and offers the event to every live subscriber without blocking.
//
// The window is one ring of recent entries in hub order, ReplayWindow entries
// per partition in total. ringStart[p] is the offset from which the ring holds
// every valid record of partition p (one past the last evicted one), so a
// subscriber whose position covers ringStart can be served from memory alone.
type hub struct {
	server *sse.Server
	m      *metrics

	mu        sync.Mutex
	head      position // next offset per partition, over every record read (valid or not)
	ringStart position
	ring      []*entry
	oldest    uint64 // sequence number of ring's oldest entry
	next      uint64 // sequence number the next entry gets
	live      []*liveSub
	closed    bool
}

// liveSub is a subscriber that has caught up and takes the live feed.
type liveSub struct {
	streamID string
	filter   *filter
	// ahead is the subscriber's position when it went live if that was beyond
	// the head in some partition (it resumed from an id another gateway, further
	// along, handed out); records below it must not be sent again. nil once the
	// head covers it, which is the common case from the start.
	ahead position
	kick  chan struct{} // closed when the hub drops the subscriber
}

func newHub(server *sse.Server, m *metrics) *hub { return &hub{server: server, m: m} }

// init sets the starting position (the live end of every partition) and the
// window size. Called once, before any other method.
func (h *hub) init(head position, window int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.head = head.clone()
	h.ringStart = head.clone()
	h.ring = make([]*entry, max(1, window*len(head)))
}

// publish appends e to the feed and offers it to the live subscribers.
func (h *hub) publish(e *entry) {
	h.mu.Lock()
	defer h.mu.Unlock()
	p := e.partition
	if h.closed || e.offset < h.head[p] {
		// A reader handing back an offset it already gave (after a reconnect)
		// must not produce a duplicate.
		return
	}
	h.head[p] = e.offset + 1
	n := uint64(len(h.ring))
	if h.next-h.oldest == n {
		old := h.ring[h.oldest%n]
		h.ringStart[old.partition] = old.offset + 1
		h.oldest++
	}
	h.ring[h.next%n] = e
	h.next++
	h.m.eventsIn.Inc()
	if len(h.live) == 0 {
		return
	}

	// Subscribers whose id equals the head share one event: no per-subscriber
	// allocation on the hot path.
	var shared *sse.Event
	sent := 0
	kept := h.live[:0]
	for _, s := range h.live {
		if !s.filter.match(e) {
			kept = append(kept, s)
			continue
		}
		var ev *sse.Event
		if s.ahead != nil {
			if e.offset < s.ahead[p] {
				kept = append(kept, s)
				continue
			}
			// Later records of every partition are at or past the head, so
			// once the head covers ahead nothing more can fall below it.
			if h.head.covers(s.ahead) {
				s.ahead = nil
			}
		}
		if s.ahead != nil {
			ev = &sse.Event{ID: maxOf(s.ahead, h.head).appendTo(nil), Data: e.data}
		} else {
			if shared == nil {
				shared = &sse.Event{ID: h.head.appendTo(nil), Data: e.data}
			}
			ev = shared
		}
		if h.server.TryPublish(s.streamID, ev) {
			sent++
			kept = append(kept, s)
			continue
		}
		// Its buffer is full: it cannot keep up. Waiting would stall every
		// other subscriber, so it goes; it may reconnect with its last id.
		close(s.kick)
		h.m.dropped.WithLabelValues(dropSlow).Inc()
	}
	clear(h.live[len(kept):])
	h.live = kept
	if sent > 0 {
		h.m.eventsSent.Add(float64(sent))
		if !e.classifiedAt.IsZero() {
			h.m.deliverySecs.Observe(time.Since(e.classifiedAt).Seconds())
		}
	}
}

// advance moves the head past a record that is not an event (invalid JSON),
// so ids handed out later do not send a resuming client back over it.
func (h *hub) advance(partition int32, offset int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if offset >= h.head[partition] {
		h.head[partition] = offset + 1
	}
}

// startLive registers s at the live end and returns the head position it
// starts from.
func (h *hub) startLive(s *liveSub) (position, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, errClosed
	}
	h.live = append(h.live, s)
	return h.head.clone(), nil
}

// enterRing reports whether the window holds everything from c on. If it does
// it returns the sequence number to replay from and the position just before
// it; if not, the position the window starts at, which a catch-up read from
// Kafka must reach first.
func (h *hub) enterRing(c position) (seq uint64, at position, ok bool, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return 0, nil, false, errClosed
	}
	return h.oldest, h.ringStart.clone(), c.covers(h.ringStart), nil
}

// readRing copies the entries from seq on into buf. When seq is already the
// end of the feed it instead registers s as live, with c as its position, in
// the same critical section: the next event published goes to the live path,
// so nothing falls between replay and live and nothing is sent twice.
func (h *hub) readRing(seq uint64, buf []*entry, s *liveSub, c position) (n int, live bool, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.closed:
		return 0, false, errClosed
	case seq < h.oldest:
		return 0, false, errEvicted
	case seq == h.next:
		if !h.head.covers(c) {
			s.ahead = c
		}
		h.live = append(h.live, s)
		return 0, true, nil
	}
	size := uint64(len(h.ring))
	for n < len(buf) && seq < h.next {
		buf[n] = h.ring[seq%size]
		n++
		seq++
	}
	return n, false, nil
}

// unregister removes s from the live set, if it is there.
func (h *hub) unregister(s *liveSub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, x := range h.live {
		if x == s {
			h.live = slices.Delete(h.live, i, i+1)
			return
		}
	}
}

// close stops the feed; sessions notice through the gateway's stop context.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	clear(h.live)
	h.live = nil
}
