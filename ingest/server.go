package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"
)

// Producer writes records to Kafka and returns only when they are
// acknowledged (or failed). *kafka.Writer satisfies it as long as it is not
// Async; an Async writer would make every 202 a lie. Records carry Topic =
// Config.Topic, except for a *kafka.Writer with its own Topic (kafka-go
// refuses both): a wrapper around such a writer must clear msg.Topic or wrap
// a writer without one.
type Producer interface {
	WriteMessages(ctx context.Context, msgs ...kafka.Message) error
}

// Server is the ingest HTTP server. Create it with New.
type Server struct {
	cfg      Config
	app      *fiber.App
	p        Producer
	log      *slog.Logger
	m        *metrics
	dec      decoder
	keys     [][32]byte    // SHA-256 of the accepted API keys
	slots    chan struct{} // one per request in flight (MaxInflight)
	msgTopic string        // set on each record; "" when the writer has its own Topic
}

// New builds a server that produces to p. logger nil discards logs; reg nil
// keeps the metrics in a private registry.
func New(cfg Config, p Producer, logger *slog.Logger, reg prometheus.Registerer) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, errors.New("ingest: nil Producer")
	}
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	s := &Server{
		cfg: cfg,
		p:   p,
		log: logger,
		dec: decoder{
			maxBody:    cfg.MaxBodyBytes,
			maxLine:    cfg.MaxLineBytes,
			maxEvent:   cfg.MaxEventBytes,
			maxRecords: cfg.MaxRecords,
		},
		keys:     hashKeys(cfg.APIKeys),
		slots:    make(chan struct{}, cfg.MaxInflight),
		msgTopic: cfg.Topic,
	}
	// kafka-go refuses records that name a topic when the writer has one.
	if w, ok := p.(*kafka.Writer); ok {
		if w.Async {
			return nil, errors.New("ingest: the kafka.Writer is Async: it cannot report failures, so 202 would not mean stored")
		}
		if w.Topic != "" {
			if w.Topic != cfg.Topic {
				return nil, fmt.Errorf("ingest: writer topic %q differs from Config.Topic %q", w.Topic, cfg.Topic)
			}
			s.msgTopic = ""
		}
	}
	if s.m, err = newMetrics(reg); err != nil {
		return nil, err
	}
	s.app = fiber.New(fiber.Config{
		AppName:               "logsift-ingest",
		BodyLimit:             int(cfg.MaxBodyBytes),
		ReadTimeout:           cfg.ReadTimeout,
		WriteTimeout:          cfg.ReadTimeout,
		IdleTimeout:           cfg.IdleTimeout,
		DisableStartupMessage: true,
		ErrorHandler:          s.errorHandler,
		// Streaming lets handleLogs read past BodyLimit and answer 413
		// itself; without it fasthttp refuses an over-limit Content-Length
		// by closing the socket mid-upload, and clients see a reset instead
		// of the 413. See readBody.
		StreamRequestBody: true,
		StrictRouting:     true,
		CaseSensitive:     true,
	})
	s.app.Use(s.refuseStreamedBodies)
	s.app.Post(logsPath, s.handleLogs)
	for path, h := range cfg.Extra {
		fh := adaptor.HTTPHandler(h)
		s.app.Get(path, fh)
		s.app.Head(path, fh)
	}
	return s, nil
}

// App returns the Fiber app, for tests (app.Test) or for mounting more routes
// before Listen.
func (s *Server) App() *fiber.App { return s.app }

// Listen serves on addr until Shutdown.
func (s *Server) Listen(addr string) error {
	s.log.Info("ingest listening", "addr", addr, "topic", s.cfg.Topic)
	return s.app.Listen(addr)
}

// Serve serves on ln until Shutdown; tests pass a listener on 127.0.0.1:0.
func (s *Server) Serve(ln net.Listener) error {
	s.log.Info("ingest listening", "addr", ln.Addr().String(), "topic", s.cfg.Topic)
	return s.app.Listener(ln)
}

// Shutdown stops accepting connections and waits for in-flight requests,
// which include their WriteMessages calls, until ctx ends. The producer is
// the caller's to close afterwards.
func (s *Server) Shutdown(ctx context.Context) error {
	return s.app.ShutdownWithContext(ctx)
}

// refuseStreamedBodies guards every route but POST /v1/logs. With
// StreamRequestBody, fasthttp hands over bodies past BodyLimit (and all
// chunked ones) as unread streams: a handler that reads Body() would buffer
// it without limit (Fiber's net/http adaptor does), and one that ignores it
// leaves the rest on the connection to be parsed as the next request. Such
// requests are refused and their connection closed.
func (s *Server) refuseStreamedBodies(c *fiber.Ctx) error {
	if c.Request().IsBodyStream() && (c.Path() != logsPath || c.Method() != fiber.MethodPost) {
		c.Context().SetConnectionClose()
		return tooLarge(0, "request body", 0, "max_body_bytes", s.cfg.MaxBodyBytes)
	}
	return c.Next()
}

// errorHandler renders every error as JSON, including the ones Fiber and
// fasthttp raise before a handler runs (body over BodyLimit, bad request
// line, unknown route).
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	var rerr *requestError
	if !errors.As(err, &rerr) {
		code := http.StatusInternalServerError
		msg := "internal error"
		var fe *fiber.Error
		if errors.As(err, &fe) {
			code, msg = fe.Code, fe.Message
		} else {
			s.log.Error("ingest: handler error", "path", c.Path(), "err", err)
		}
		rerr = &requestError{Status: code, Msg: msg}
		if code == http.StatusRequestEntityTooLarge {
			rerr = tooLarge(0, "request body", 0, "max_body_bytes", s.cfg.MaxBodyBytes)
		}
		// Requests refused before routing never reach handleLogs, so count
		// them here.
		if c.Path() == logsPath && c.Method() == fiber.MethodPost {
			s.m.requests.WithLabelValues(codeLabel(code)).Inc()
		}
	}
	return writeError(c, rerr)
}

func writeError(c *fiber.Ctx, rerr *requestError) error {
	if rerr.Status == http.StatusUnauthorized {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="logsift"`)
	}
	return c.Status(rerr.Status).JSON(rerr)
}
