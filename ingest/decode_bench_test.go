//go:build unix

package ingest

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// ndjsonBatch builds n NDJSON lines that look like real traffic: a service,
// a level, a ts and a message of typical length.
func ndjsonBatch(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, `{"ts":"2026-11-27T12:00:%02d.%06dZ","service":"api-%d","level":"INFO","host":"node-%d","message":"GET /v1/items/%d 200 12.%dms user=u%d <ok>"}`+"\n",
			i%60, i, i%8, i%3, i, i%10, i%97)
	}
	return b.Bytes()
}

// BenchmarkDecodeNDJSON measures decode + validate + encode of one request
// body of 1,000 NDJSON lines; lines/s is the number to compare.
func BenchmarkDecodeNDJSON(b *testing.B) {
	const lines = 1000
	body := ndjsonBatch(lines)
	d := &decoder{maxBody: defaultMaxBodyBytes, maxLine: defaultMaxLineBytes, maxEvent: defaultMaxEventBytes, maxRecords: defaultMaxRecords}
	r := request{contentType: "application/x-ndjson", service: "bench", now: time.Now()}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	meter := startMeter()
	n := 0
	for b.Loop() {
		msgs, rerr := d.decode(body, r)
		if rerr != nil || len(msgs) != lines {
			b.Fatalf("decode: %d records, %v", len(msgs), rerr)
		}
		n++
	}
	meter.report(b, n*lines)
}

// BenchmarkDecodeText is the same for plain text, the cheapest format.
func BenchmarkDecodeText(b *testing.B) {
	const lines = 1000
	var buf bytes.Buffer
	for i := range lines {
		fmt.Fprintf(&buf, "2026-11-27 12:00:00 INFO GET /v1/items/%d 200 12.%dms user=u%d\n", i, i%10, i%97)
	}
	body := buf.Bytes()
	d := &decoder{maxBody: defaultMaxBodyBytes, maxLine: defaultMaxLineBytes, maxEvent: defaultMaxEventBytes, maxRecords: defaultMaxRecords}
	r := request{contentType: "text/plain", service: "bench", now: time.Now()}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	meter := startMeter()
	n := 0
	for b.Loop() {
		if msgs, rerr := d.decode(body, r); rerr != nil || len(msgs) != lines {
			b.Fatalf("decode: %d records, %v", len(msgs), rerr)
		}
		n++
	}
	meter.report(b, n*lines)
}
