package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/logsift/logsift/classifier/llmlabel"
	"github.com/logsift/logsift/inference/models"
	"github.com/logsift/logsift/platform/pgtest"
	"github.com/logsift/logsift/schemas"
)

// A user's own taxonomy flows through the whole pipeline: the engine's
// answers are constrained to the custom schema, the worker validates them
// against it, PostgreSQL stores the whole answer in labels (jsonb, queryable)
// and the SSE events carry it.
func TestEndToEndCustomSchema(t *testing.T) {
	custom := []byte(`{"type":"object","properties":{
		"severity":{"type":"string","enum":["info","warning","error"]},
		"category":{"type":"string","enum":["ops","security"]},
		"team":{"type":"string","enum":["infra","payments","identity"]}},
		"required":["severity","category","team"],"additionalProperties":false}`)
	validator, err := schemas.Compile(custom)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	l, err := llmlabel.New(llmlabel.Config{Engine: defaultEngine(t), Name: models.TargetID, Schema: custom})
	if err != nil {
		t.Fatal(err)
	}
	cfg := DevConfig{
		KafkaAddr: "127.0.0.1:0", IngestAddr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0",
		DatabaseURL: pgtest.URL(t), Topics: Topics{Raw: "logs.raw", Classified: "logs.classified", DLQ: "logs.dlq", Partitions: 1},
	}
	cfg.Worker.Schema = validator
	d, err := StartDev(ctx, cfg, l, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := d.Stop(context.Background()); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	sub := subscribe(t, d.Gateway.URL()+"/v1/stream?from=earliest", "")
	defer sub.close()
	const n = 20
	var body bytes.Buffer
	for i := range n {
		_ = json.NewEncoder(&body).Encode(schemas.LogEvent{Service: "api",
			Message: fmt.Sprintf("sshd[%d]: Failed password for user%d from 10.0.0.%d port 22 ssh2", 100+i, i%3, i)})
	}
	resp, err := http.Post(d.Ingest.URL()+"/v1/logs", "application/x-ndjson", &body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("ingest: %d", resp.StatusCode)
	}
	for _, e := range sub.waitFor(t, n, 2*time.Minute) {
		if err := validator.Validate(e.data.Labels); err != nil {
			t.Fatalf("event labels %s: %v", e.data.Labels, err)
		}
		var lab map[string]string
		_ = json.Unmarshal(e.data.Labels, &lab)
		if lab["severity"] != e.data.Severity || lab["category"] != e.data.Category {
			t.Fatalf("event columns %s/%s, labels %s", e.data.Severity, e.data.Category, e.data.Labels)
		}
	}
	conn, err := pgx.Connect(ctx, d.DBURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// The worker stores and produces a batch concurrently, so the stream
	// may show a line a moment before its row is committed.
	var rows, teams int
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		if err := conn.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE labels->>'team' IN ('infra','payments','identity')
			AND labels->>'category' = category AND category IN ('ops','security')) FROM classified_logs`).Scan(&rows, &teams); err != nil {
			t.Fatal(err)
		}
		if rows >= n || time.Now().After(deadline) {
			break
		}
	}
	if rows != n || teams != n {
		t.Fatalf("%d rows, %d with the custom labels queryable in jsonb; want %d", rows, teams, n)
	}
}
