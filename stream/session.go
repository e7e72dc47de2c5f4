package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/r3labs/sse/v2"
	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/protocol"
)

// Comments the gateway writes on a stream. "live" tells a client its
// catch-up (if any) is over and it is registered for new events: a test or a
// dashboard that produces after subscribing waits for it.
var (
	commentLive      = &sse.Event{Comment: []byte("live")}
	commentHeartbeat = &sse.Event{Comment: []byte("heartbeat")}
)

// session is one subscription, from the request until the connection ends.
type session struct {
	g          *Gateway
	id         string // the sse stream id
	req        subRequest
	live       *liveSub
	attached   chan struct{} // closed when sse has registered the HTTP side
	attachOnce sync.Once
}

// serveStream handles GET /v1/stream.
//
// Each request gets its own sse.Stream, served by sse.Server.ServeHTTP on this
// goroutine, and a control goroutine (session.run) that catches up and then
// sends heartbeats. The order of events on shutdown matters: ServeHTTP returns
// only after its context is cancelled and its subscriber deregistered; only
// then is the hub told to forget the session (a TryPublish to a removed stream
// would look like a slow subscriber) and the stream removed.
func (g *Gateway) serveStream(w http.ResponseWriter, r *http.Request) {
	select {
	case <-g.ready:
	case <-g.stopCtx.Done():
	case <-r.Context().Done():
		return
	}
	if g.stopCtx.Err() != nil {
		writeError(w, http.StatusServiceUnavailable, "", "gateway is stopped")
		return
	}
	req, err := parseSubRequest(r.URL.Query(), r.Header.Get("Last-Event-ID"), g.cfg.Categories)
	if err != nil {
		var pe *paramError
		errors.As(err, &pe)
		writeError(w, http.StatusBadRequest, pe.Param, err.Error())
		return
	}
	if _, ok := w.(http.Flusher); !ok {
		writeError(w, http.StatusInternalServerError, "", "response writer cannot flush; serve the gateway from net/http")
		return
	}
	if n := g.nsubs.Add(1); n > int64(g.cfg.MaxSubscribers) {
		g.nsubs.Add(-1)
		g.m.rejected.Inc()
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, "", fmt.Sprintf("too many subscribers (limit %d)", g.cfg.MaxSubscribers))
		return
	}
	defer g.nsubs.Add(-1)
	g.m.subscribers.Inc()
	defer g.m.subscribers.Dec()

	id := "s" + strconv.FormatUint(g.streamNo.Add(1), 10)
	s := &session{
		g:        g,
		id:       id,
		req:      req,
		attached: make(chan struct{}),
		live:     &liveSub{streamID: id, filter: &req.filter, kick: make(chan struct{})},
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stopWatch := context.AfterFunc(g.stopCtx, cancel)
	defer stopWatch()

	g.sessions.Store(id, s)
	defer g.sessions.Delete(id)
	g.sse.CreateStream(id)

	rc := http.NewResponseController(w)
	// A server-wide WriteTimeout would cut every stream after that long.
	_ = rc.SetWriteDeadline(time.Time{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.run(ctx, cancel, rc)
	}()

	// sse reads the stream from the query and parses Last-Event-ID as a
	// number of its own log; neither applies here.
	r2 := r.Clone(ctx)
	r2.URL.RawQuery = "stream=" + id
	r2.Header.Del("Last-Event-ID")
	g.sse.ServeHTTP(w, r2)

	cancel()
	<-done
	g.hub.unregister(s.live)
	g.sse.RemoveStream(id)
}

// run catches the subscriber up, then keeps it alive with heartbeats until the
// connection ends, the hub drops it or the gateway stops.
func (s *session) run(ctx context.Context, cancel context.CancelFunc, rc *http.ResponseController) {
	defer cancel()
	select {
	case <-s.attached:
	case <-ctx.Done():
		return
	}
	if err := s.catchUp(ctx); err != nil {
		if ctx.Err() == nil && !errors.Is(err, errClosed) {
			s.g.m.dropped.WithLabelValues(dropCatchUp).Inc()
			s.g.log.Warn("stream subscriber catch-up failed", "stream", s.id, "err", err)
		}
		return
	}
	s.g.sse.TryPublish(s.id, commentLive)

	t := time.NewTicker(s.g.cfg.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.live.kick:
			// The client stopped reading: sse's ServeHTTP is likely blocked in a
			// write. A deadline in the past fails that write, so ServeHTTP sees
			// the cancelled context and returns.
			_ = rc.SetWriteDeadline(time.Now())
			s.g.log.Info("stream subscriber dropped: it could not keep up", "stream", s.id,
				"buffer", s.g.cfg.BufferPerSubscriber)
			return
		case <-t.C:
			// A full buffer means the hub is about to drop this subscriber;
			// a missed heartbeat does not matter.
			s.g.sse.TryPublish(s.id, commentHeartbeat)
		}
	}
}

// catchUp sends what the subscriber missed and registers it live. Live and
// earliest-start subscribers are registered at the head directly; resuming
// ones are served from the replay window when it reaches back far enough,
// else first from Kafka up to where the window starts. The cursor c only
// moves forward, and every record below it has been dealt with, so whichever
// way the records come, none is sent twice and none is skipped.
func (s *session) catchUp(ctx context.Context) error {
	var c position
	switch s.req.start {
	case startLive:
		_, err := s.g.hub.startLive(s.live)
		return err
	case startEarliest:
		c = make(position, s.g.parts) // Kafka clamps 0 to the start of retention
	case startResume:
		c = vectorOf(s.req.resume, s.g.parts)
	}
	fromKafka := false
	for {
		seq, at, ok, err := s.g.hub.enterRing(c)
		if err != nil {
			return err
		}
		if !ok {
			fromKafka = true
			if err := s.readKafka(ctx, c, at); err != nil {
				return err
			}
			continue
		}
		err = s.replayRing(ctx, c, seq, at)
		if errors.Is(err, errEvicted) {
			continue // the window moved on while we sent: back to Kafka
		}
		if err != nil {
			return err
		}
		if s.req.start == startResume {
			src := "window"
			if fromKafka {
				src = "kafka"
			}
			s.g.m.replayedTotal.WithLabelValues(src).Inc()
		}
		return nil
	}
}

// replayRing sends the window's entries from seq on (those at or beyond c and
// matching the filter) and goes live at the end. r is the position just
// before seq and tracks the hub's position as the replay advances, so ids
// agree with what live subscribers got for the same events.
func (s *session) replayRing(ctx context.Context, c position, seq uint64, r position) error {
	buf := make([]*entry, 256)
	for {
		n, live, err := s.g.hub.readRing(seq, buf, s.live, maxOf(c, r))
		if err != nil || live {
			return err
		}
		for _, e := range buf[:n] {
			p := e.partition
			r[p] = max(r[p], e.offset+1)
			if e.offset < c[p] {
				continue
			}
			c[p] = e.offset + 1
			if !s.req.filter.match(e) {
				continue
			}
			if err := s.send(ctx, &sse.Event{ID: maxOf(c, r).appendTo(nil), Data: e.data}); err != nil {
				return err
			}
		}
		clear(buf[:n])
		seq += uint64(n)
	}
}

// readKafka reads every partition where c is below target, from c up to
// target, with a reader of its own: the replay window no longer has those
// records.
func (s *session) readKafka(ctx context.Context, c, target position) error {
	for p := range c {
		if c[p] >= target[p] {
			continue
		}
		if err := s.readPartition(ctx, int32(p), c, target[p]); err != nil {
			return err
		}
	}
	return nil
}

func (s *session) readPartition(ctx context.Context, p int32, c position, until int64) error {
	g := s.g
	for c[p] < until {
		// Fetch requests rather than a kafka.Reader: a reader prefetches in
		// the background and its Close waits out a pending fetch, which would
		// add MaxWait to every resume; a fetch does exactly what is asked.
		resp, err := g.fetcher.Fetch(ctx, &kafka.FetchRequest{
			Topic: g.cfg.Topic, Partition: int(p), Offset: c[p],
			MinBytes: 1, MaxBytes: 4 << 20, MaxWait: 500 * time.Millisecond,
		})
		if err == nil {
			err = resp.Error
		}
		if errors.Is(err, kafka.OffsetOutOfRange) {
			// Retention removed records the client never saw; nothing brings
			// them back, so carry on from the oldest record still there.
			first, ferr := g.firstOffset(ctx, p)
			if ferr != nil {
				return ferr
			}
			if first <= c[p] {
				return fmt.Errorf("catch-up read of partition %d at offset %d: %w", p, c[p], err)
			}
			c[p] = first
			continue
		}
		if err != nil {
			return fmt.Errorf("catch-up read of partition %d at offset %d: %w", p, c[p], err)
		}
		// A broker may answer a fetch below its log start with the batch that
		// straddles it (records are deleted by batch, the start by offset):
		// records below the log start are gone by retention all the same.
		if resp.LogStartOffset > c[p] {
			c[p] = min(resp.LogStartOffset, until)
		}
		got := false
		for c[p] < until {
			rec, err := resp.Records.ReadRecord()
			if err == io.EOF {
				break
			}
			if err != nil {
				return fmt.Errorf("catch-up read of partition %d at offset %d: %w", p, c[p], err)
			}
			if rec.Offset < c[p] {
				continue // a batch may start before the offset asked for
			}
			got = true
			c[p] = rec.Offset + 1
			key, kerr := protocol.ReadAll(rec.Key)
			value, verr := protocol.ReadAll(rec.Value)
			if kerr != nil || verr != nil {
				return fmt.Errorf("catch-up read of partition %d at offset %d: %w", p, rec.Offset, errors.Join(kerr, verr))
			}
			e, err := decodeRecord(p, rec.Offset, key, value)
			if err != nil || !s.req.filter.match(e) {
				continue // invalid records are counted by the live readers
			}
			if err := s.send(ctx, &sse.Event{ID: c.appendTo(nil), Data: e.data}); err != nil {
				return err
			}
		}
		if !got && resp.HighWatermark <= c[p] && c[p] < until {
			// The records up to until were there when the hub read them; a
			// partition that now ends before them was truncated or recreated.
			return fmt.Errorf("catch-up read of partition %d: ends at %d, before %d", p, resp.HighWatermark, until)
		}
	}
	return nil
}

// send hands a catch-up event to the subscriber's stream, waiting while its
// buffer is full (catch-up goes at the client's pace; only the live feed must
// never wait), until ctx is done.
func (s *session) send(ctx context.Context, ev *sse.Event) error {
	wait := time.Millisecond
	for !s.g.sse.TryPublish(s.id, ev) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
	s.g.m.eventsSent.Inc()
	return nil
}

// writeError answers with {"error": msg} and, for a bad parameter, its name.
func writeError(w http.ResponseWriter, code int, param, msg string) {
	body := struct {
		Error string `json:"error"`
		Param string `json:"param,omitempty"`
	}{msg, param}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}
