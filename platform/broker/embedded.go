package broker

import (
	"fmt"
	"net"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Embedded is a single-node in-memory Kafka-protocol broker (kfake). Records
// live only as long as the process; it is for `logsift dev` and tests.
type Embedded struct {
	cluster *kfake.Cluster
	ln      *advertisedListener
}

// StartEmbedded starts one broker listening on addr ("127.0.0.1:9092";
// port 0 picks a free port) with topics already created. The broker
// advertises the address it listens on; an unspecified host (":9092",
// "0.0.0.0:9092") listens on every interface and advertises 127.0.0.1.
func StartEmbedded(addr string, topics ...TopicSpec) (*Embedded, error) {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, fmt.Errorf("broker: embedded listen address %q: %w", addr, err)
	}
	var tl *advertisedListener
	// kfake always listens on 127.0.0.1:<port>; ListenFn lets us choose the
	// interface.
	listen := func(network, _ string) (net.Listener, error) {
		ln, err := net.Listen(network, addr)
		if err != nil {
			return nil, err
		}
		tl = newAdvertisedListener(ln)
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

// Close stops the broker. kfake closes every client connection as it shuts
// down, so a connected producer sees the outage at once (ingest answers 503)
// instead of waiting out a request timeout, and the port can be listened on
// again immediately.
func (e *Embedded) Close() {
	e.cluster.Close()
}

// advertisedListener reports a dialable address when listening on an
// unspecified host: kfake advertises its listener's address to clients.
type advertisedListener struct {
	net.Listener
	addr net.Addr
}

func newAdvertisedListener(ln net.Listener) *advertisedListener {
	addr := ln.Addr()
	if ta, ok := addr.(*net.TCPAddr); ok && ta.IP.IsUnspecified() {
		addr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: ta.Port}
	}
	return &advertisedListener{Listener: ln, addr: addr}
}

func (l *advertisedListener) Addr() net.Addr { return l.addr }
