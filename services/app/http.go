package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// httpServer runs a net/http server on a listener it opened itself, so a
// caller asking for port 0 learns the real address before any request.
type httpServer struct {
	srv  *http.Server
	ln   net.Listener
	done chan error
}

func startHTTP(addr string, h http.Handler, logger *slog.Logger) (*httpServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	s := &httpServer{
		srv:  &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second},
		ln:   ln,
		done: make(chan error, 1),
	}
	go func() {
		err := s.srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		if err != nil {
			logger.Error("http server stopped", "addr", ln.Addr().String(), "err", err)
		}
		s.done <- err
	}()
	return s, nil
}

func (s *httpServer) Addr() string { return s.ln.Addr().String() }

// Stop closes the listener and waits for in-flight requests. Long-lived
// streams (SSE) do not end on their own, so after the grace period the
// remaining connections are closed.
func (s *httpServer) Stop(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if err != nil {
		_ = s.srv.Close()
	}
	<-s.done
	return err
}

// hostURL turns a listen address into a URL a client on this machine can use.
func hostURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}
