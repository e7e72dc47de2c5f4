package dashboardtest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/logsift/logsift/platform/broker"
	"github.com/logsift/logsift/schemas"
	"github.com/logsift/logsift/stream"
)

// TestDashboardSignIn runs the gateway alone (with the embedded Kafka-protocol
// broker) with a token configured, and checks in Chromium that the page asks
// for the token once, refuses a wrong one, and streams after sign-in through
// the HttpOnly cookie.
func TestDashboardSignIn(t *testing.T) {
	node, chromium := tools(t)
	const token = "dashboard-test-token"
	emb, err := broker.StartEmbedded("127.0.0.1:0", broker.TopicSpec{Name: "logs.classified", Partitions: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	g, err := stream.New(stream.Config{Brokers: []string{emb.Addr()}, AuthTokens: []string{token}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	runCtx, stopRun := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- g.Run(runCtx) }()
	srv := httptest.NewServer(g.Handler())
	defer srv.Close()
	defer func() { stopRun(); <-ran }()

	w := broker.NewWriter(broker.Config{Brokers: []string{emb.Addr()}}, "logs.classified")
	defer w.Close()
	v, _ := json.Marshal(schemas.ClassifiedLog{
		LogEvent: schemas.LogEvent{Message: "sshd[7]: Accepted password for bob", Service: "auth", TS: time.Now()},
		Template: "sshd[<*>]: Accepted password for <*>", Severity: "info", Category: "auth", Component: "sshd",
		Confidence: 0.9, Model: "none", ClassifiedAt: time.Now(),
	})
	if err := w.WriteMessages(ctx, kafka.Message{Key: []byte("auth"), Value: v}); err != nil {
		t.Fatal(err)
	}

	cmd := exec.CommandContext(ctx, node, "dashboard-auth.cjs")
	cmd.Env = append(os.Environ(), "DASHBOARD_URL="+srv.URL, "TOKEN="+token, "CHROMIUM="+chromium, "USER_DATA_DIR="+t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("dashboard-auth.cjs: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), `"ok":true`) {
		t.Fatalf("dashboard-auth.cjs did not report success: %s", stdout.String())
	}
}
