package stream

import (
	"strings"
	"testing"
	"time"

	"github.com/logsift/logsift/schemas"
)

func TestConfig(t *testing.T) {
	c, err := Config{Brokers: []string{"k:9092"}}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if c.Topic != DefaultTopic || c.MaxSubscribers != 10000 || c.Heartbeat != 15*time.Second ||
		c.BufferPerSubscriber != 1024 || c.ReplayWindow != 10000 || len(c.Categories) != len(schemas.Categories) {
		t.Errorf("defaults: %+v", c)
	}
	bad := func(cfg Config, want string) {
		t.Helper()
		if _, err := New(cfg, nil, nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: error %v, want one naming %s", cfg, err, want)
		}
	}
	b := []string{"k:9092"}
	bad(Config{}, "brokers")
	bad(Config{Brokers: b, MaxSubscribers: -1}, "MaxSubscribers")
	bad(Config{Brokers: b, BufferPerSubscriber: -1}, "BufferPerSubscriber")
	bad(Config{Brokers: b, ReplayWindow: -5}, "ReplayWindow")
	bad(Config{Brokers: b, Heartbeat: -time.Second}, "Heartbeat")
}
