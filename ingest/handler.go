package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/segmentio/kafka-go"
)

// retryAfterSeconds is what a 503 asks clients to wait: long enough for a
// broker restart or leader election, short enough not to back up producers.
const retryAfterSeconds = "5"

// handleLogs serves POST /v1/logs; see the package doc for the contract.
func (s *Server) handleLogs(c *fiber.Ctx) error {
	start := time.Now()
	code, err := s.serveLogs(c, start)
	s.m.requests.WithLabelValues(codeLabel(code)).Inc()
	s.m.seconds.Observe(time.Since(start).Seconds())
	return err
}

func (s *Server) serveLogs(c *fiber.Ctx, now time.Time) (int, error) {
	if !s.acquire() {
		// The body stays unread, so the connection cannot be reused.
		c.Context().SetConnectionClose()
		c.Set(fiber.HeaderRetryAfter, retryAfterSeconds)
		rerr := &requestError{Status: http.StatusServiceUnavailable, Msg: "overloaded: too many requests in flight, retry later"}
		return rerr.Status, writeError(c, rerr)
	}
	defer func() { <-s.slots }()
	// The body is read before anything else so that every answer leaves
	// the connection clean for the next request (see readBody).
	body, rerr := s.readBody(c)
	if rerr != nil {
		return rerr.Status, writeError(c, rerr)
	}
	s.m.bytes.Add(float64(len(body)))
	if rerr := s.authorize(c.Get(fiber.HeaderAuthorization)); rerr != nil {
		return rerr.Status, writeError(c, rerr)
	}

	service := c.Query("service")
	if service == "" {
		service = c.Get("X-Logsift-Service")
	}
	if service == "" {
		service = s.cfg.DefaultService
	} else if reason := checkService(service); reason != "" {
		rerr := badRequest("invalid default service %q: %s", clip(service), reason)
		return rerr.Status, writeError(c, rerr)
	}

	msgs, rerr := s.dec.decode(body, request{
		contentType:     c.Get(fiber.HeaderContentType),
		contentEncoding: c.Get(fiber.HeaderContentEncoding),
		service:         service,
		now:             now,
	})
	if rerr != nil {
		return rerr.Status, writeError(c, rerr)
	}
	if s.msgTopic != "" {
		for i := range msgs {
			msgs[i].Topic = s.msgTopic
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ProduceTimeout)
	defer cancel()
	if err := s.p.WriteMessages(ctx, msgs...); err != nil {
		s.m.produceErrors.Inc()
		var tooBig kafka.MessageTooLargeError
		if errors.As(err, &tooBig) {
			// MaxEventBytes is above the writer's BatchBytes: a config
			// mistake, but the client's fix is the same as for any 413.
			rerr := &requestError{Status: http.StatusRequestEntityTooLarge, Msg: "event too large for the Kafka producer: " + err.Error(), Limit: "producer_batch_bytes"}
			return rerr.Status, writeError(c, rerr)
		}
		s.log.Warn("ingest: produce failed", "records", len(msgs), "topic", s.cfg.Topic, "err", produceError(err))
		c.Set(fiber.HeaderRetryAfter, retryAfterSeconds)
		rerr := &requestError{Status: http.StatusServiceUnavailable, Msg: "kafka unavailable: " + produceError(err)}
		return rerr.Status, writeError(c, rerr)
	}
	s.m.records.Add(float64(len(msgs)))
	return http.StatusAccepted, c.Status(http.StatusAccepted).JSON(fiber.Map{"accepted": len(msgs)})
}

// produceError explains a failed write briefly. kafka-go's WriteErrors
// prints one error per record, which for a batch of thousands would make a
// huge body out of one cause.
func produceError(err error) string {
	var werrs kafka.WriteErrors
	if errors.As(err, &werrs) {
		for _, e := range werrs {
			if e != nil {
				return fmt.Sprintf("%d of %d records failed: %v", werrs.Count(), len(werrs), e)
			}
		}
	}
	return err.Error()
}

// acquire takes an in-flight slot, waiting up to ProduceTimeout.
func (s *Server) acquire() bool {
	select {
	case s.slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(s.cfg.ProduceTimeout)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	}
}

// readBody returns the raw (still compressed) body, at most MaxBodyBytes.
//
// With StreamRequestBody, fasthttp hands over only bodies of up to 8 KiB
// fully read; longer and chunked ones arrive as a stream. Never call
// Request().Body() on a stream: it reads to the end without limit; and never
// c.Body(): it gunzips without limit. An over-limit stream is drained up to
// overLimitDrain×MaxBodyBytes more so a client that is still uploading gets
// to read the 413; past that the connection is closed, since the unread rest
// would otherwise be parsed as the next request.
func (s *Server) readBody(c *fiber.Ctx) ([]byte, *requestError) {
	req := c.Request()
	if !req.IsBodyStream() {
		return req.Body(), nil
	}
	max := s.cfg.MaxBodyBytes
	stream := req.BodyStream()
	cl := int64(req.Header.ContentLength()) // -1: chunked
	if cl >= 0 && cl <= max {
		body := make([]byte, cl)
		if _, err := io.ReadFull(stream, body); err != nil {
			c.Context().SetConnectionClose()
			return nil, badRequest("reading the request body: %v", err)
		}
		return body, nil
	}
	if cl < 0 {
		var buf bytes.Buffer
		n, err := io.Copy(&buf, io.LimitReader(stream, max+1))
		if err != nil {
			c.Context().SetConnectionClose()
			return nil, badRequest("reading the request body: %v", err)
		}
		if n <= max {
			return buf.Bytes(), nil
		}
	}
	if _, err := io.CopyN(io.Discard, stream, (1+overLimitDrain)*max); err != io.EOF {
		c.Context().SetConnectionClose()
	}
	return nil, tooLarge(0, "request body", 0, "max_body_bytes", max)
}

// overLimitDrain, times MaxBodyBytes, is how much of an over-limit body is
// read and discarded so the client sees the 413 instead of a reset.
const overLimitDrain = 2

// checkService returns why s cannot be a service name, or "".
func checkService(s string) string {
	switch {
	case s == "":
		return "empty"
	case !utf8.ValidString(s):
		return "not valid UTF-8"
	case utf8.RuneCountInString(s) > maxServiceChars:
		return "longer than " + strconv.Itoa(maxServiceChars) + " characters"
	}
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return "contains a NUL byte"
		}
	}
	return ""
}
