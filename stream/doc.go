// Package stream is the SSE gateway: it reads the logs.classified topic
// (value = schemas.ClassifiedLog JSON, key = service) and serves it live to
// dashboards as Server-Sent Events, with filters and gapless resume.
//
// # Reading Kafka
//
// Run reads every partition with its own kafka-go reader (no consumer
// group: every gateway instance sees every record), starting at the live end
// found when Run starts. Records that are not ClassifiedLog JSON with a
// message are counted (logsift_gateway_invalid_records_total) and skipped.
// All partitions feed one hub, which orders them into a single feed under a
// mutex. The partition count is read once; partitions added later are not
// read until the gateway restarts.
//
// # Event ids and resume
//
// An event's id is a Kafka position: for every partition, the offset of the
// next record, over everything the gateway had read up to and including this
// event, e.g. "p0:124,p1:456,p2:3". For each partition, every record below
// the id has been sent to this subscriber or did not match its filter, and
// none at or above has been. A reconnect with Last-Event-ID (the header
// EventSource sends; ?last_event_id= for curl) therefore resumes with no gap
// and no repeat, filtered or not, on this gateway or any other one reading
// the same topic. A partition the id does not name is read from the start
// of retention. A malformed id is a 400.
//
// A resuming subscriber is served, in order:
//   - from Kafka, with fetch requests of its own (over the gateway's pooled
//     connections), for the partitions where its position is older than the
//     in-memory replay window (ReplayWindow events per partition, one ring
//     in hub order); where retention has already removed records, it goes
//     on from the oldest one left;
//   - from the replay window, in hub order;
//   - from the live feed. Switching from window to live happens under the
//     hub's mutex, so no event falls between them; a cursor that only moves
//     forward drops anything already sent.
//
// Without an id a subscriber starts at the live end; ?from=earliest starts
// at the start of retention instead (tests, and a dashboard's first load).
// An id wins over ?from=, because EventSource reconnects with the URL it was
// opened with. Once a subscriber is registered for the live feed the stream
// carries the comment ": live" (best effort: it is skipped if the buffer is
// already full); a client that must not miss what it produces next waits for
// it. Heartbeats start then too: a catch-up sends events, not comments.
//
// # Fan-out and slow subscribers
//
// The hub offers each live event to every subscriber whose filter matches
// with a non-blocking send; a subscriber whose buffer is full is
// disconnected (logsift_gateway_subscribers_dropped_total{reason="slow"})
// and never stalls the others or the hub. It may reconnect with its last id.
// The buffer must also absorb a burst: the hub hands over the records of one
// Kafka fetch faster than the subscribers' goroutines get scheduled, so
// BufferPerSubscriber should stay well above a fetch's record count (the
// default 1024 is). Catch-up, in contrast, goes at the client's pace.
//
// # Why r3labs/sse this way
//
// r3labs/sse/v2 writes the wire format (id, data, comments, flushing) on
// net/http. Its stream goroutine sends to each subscriber with a blocking
// send, and its AutoReplay log never shrinks, so the gateway gives each
// subscriber its own sse.Stream with AutoReplay off, publishes with
// TryPublish (the stream's channel, BufferPerSubscriber deep, is the
// subscriber's buffer; sse adds 64 more in its connection channel), and does
// filtering, ids and replay itself. An event that many subscribers get with
// the same id is one shared *sse.Event. Dropping a subscriber whose client
// stopped reading sets a past write deadline on its connection, which
// unblocks sse's write and ends the request. Fiber is not an option: its
// net/http adaptor buffers whole responses.
//
// Other behaviour: GET /v1/stream?severity=warning&category=database,auth&
// service=api (severity is a minimum; category and service are exact, lists
// comma-separated or repeated; bad values are a 400 {"error","param"});
// beyond MaxSubscribers a 503; an SSE comment every Heartbeat once live;
// / serves the dashboard (see below). Metrics are
// prefixed logsift_gateway_. delivery_seconds runs from a live event's
// classified_at to its hand-off to the subscribers' buffers (once per event,
// not per subscriber: the hub holds its lock while fanning out); catch-up
// events are not observed.
//
// # Dashboard and auth
//
// GET / serves a page of plain HTML, CSS and JavaScript embedded in the
// binary (dashboard/; no framework, nothing loaded from elsewhere, a strict
// Content-Security-Policy). It opens one EventSource on /v1/stream and
// re-opens it with ?last_event_id= when the severity, category or service
// filters change; the text filter works on the rows it holds. Reconnects
// after a dropped connection are EventSource's own, with Last-Event-ID.
// /?from=earliest makes the page's first subscription start at the start
// of retention.
//
// With Config.AuthTokens set, /v1/stream needs a token: an Authorization:
// Bearer header, or the HttpOnly SameSite=Strict cookie that POST
// /v1/session {"token": ...} sets (EventSource cannot send headers). GET
// /v1/session tells the page whether to ask; DELETE clears the cookie. A
// token in the query string is never accepted.
package stream
