//go:build unix

package ingest

import (
	"bytes"
	"net/http"
	"testing"
)

// BenchmarkIngestNDJSON posts batches of 1,000 NDJSON lines over HTTP to a
// real listener and waits for each 202, so every op includes decode,
// validation and the acks=all write into the embedded broker.
func BenchmarkIngestNDJSON(b *testing.B) {
	const lines = 1000
	e := newEnv(b, Config{})
	body := ndjsonBatch(lines)
	client := &http.Client{}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	meter := startMeter()
	n := 0
	for b.Loop() {
		resp, err := client.Post(e.url+"/v1/logs", "application/x-ndjson", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			b.Fatalf("status %d", resp.StatusCode)
		}
		n++
	}
	meter.report(b, n*lines)
}
