package broker

import (
	"fmt"
	"net"
	"sync"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Embedded is a single-node in-memory Kafka-protocol broker (kfake). Records
// live only as long as the process; it is for `logsift dev` and tests.
type Embedded struct {
	cluster *kfake.Cluster
	ln      *trackingListener
}

// StartEmbedded starts one broker listening on addr ("127.0.0.1:9092";
// port 0 picks a free port) with topics already created. The broker
// advertises the address it listens on; an unspecified host (":9092",
// "0.0.0.0:9092") listens on every interface and advertises 127.0.0.1.
func StartEmbedded(addr string, topics ...TopicSpec) (*Embedded, error) {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, fmt.Errorf("broker: embedded listen address %q: %w", addr, err)
	}
	var tl *trackingListener
	// kfake always listens on 127.0.0.1:<port>; ListenFn lets us choose the
	// interface and keep hold of the accepted connections (see Close).
	listen := func(network, _ string) (net.Listener, error) {
		ln, err := net.Listen(network, addr)
		if err != nil {
			return nil, err
		}
		tl = newTrackingListener(ln)
		return tl, nil
	}
	opts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.ListenFn(listen),
		kfake.DefaultNumPartitions(1),
	}
	for _, t := range topics {
		if t.Name == "" {
			return nil, fmt.Errorf("broker: embedded: topic with no name")
		}
		opts = append(opts, kfake.SeedTopics(int32(t.partitions()), t.Name))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("broker: start embedded broker on %s: %w", addr, err)
	}
	if tl == nil {
		c.Close()
		panic("BUG: kfake started without calling ListenFn")
	}
	return &Embedded{cluster: c, ln: tl}, nil
}

// Addr is the host:port clients should dial.
func (e *Embedded) Addr() string { return e.ln.Addr().String() }

// Close stops the broker and drops every client connection. kfake alone only
// closes its listener: connected clients would keep a socket that never
// answers and wait out their request timeouts, whereas with the connections
// reset a producer sees the outage at once (ingest answers 503) and the port
// can be listened on again immediately.
func (e *Embedded) Close() {
	e.cluster.Close()
	e.ln.closeConns()
}

// trackingListener remembers accepted connections so Close can reset them,
// and reports a dialable address when listening on an unspecified host.
type trackingListener struct {
	net.Listener
	addr net.Addr

	mu     sync.Mutex
	closed bool
	conns  map[net.Conn]struct{}
}

func newTrackingListener(ln net.Listener) *trackingListener {
	addr := ln.Addr()
	if ta, ok := addr.(*net.TCPAddr); ok && ta.IP.IsUnspecified() {
		addr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: ta.Port}
	}
	return &trackingListener{Listener: ln, addr: addr, conns: map[net.Conn]struct{}{}}
}

func (l *trackingListener) Addr() net.Addr { return l.addr }

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		c.Close()
		return nil, net.ErrClosed
	}
	tc := &trackedConn{Conn: c, l: l}
	l.conns[tc] = struct{}{}
	return tc, nil
}

func (l *trackingListener) closeConns() {
	l.mu.Lock()
	l.closed = true
	conns := l.conns
	l.conns = nil
	l.mu.Unlock()
	l.Listener.Close()
	for c := range conns {
		c.(*trackedConn).Conn.Close()
	}
}

func (l *trackingListener) forget(c *trackedConn) {
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
}

type trackedConn struct {
	net.Conn
	l    *trackingListener
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() { c.l.forget(c) })
	return c.Conn.Close()
}
