package tokenizer

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// benchLines reads the first 12 raw lines of each Loghub system: a few KB of
// real log text.
func benchLines(b *testing.B) []string {
	b.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data", "loghub")
	var lines []string
	for _, sys := range []string{"Apache", "BGL", "HDFS", "Hadoop", "Linux", "OpenStack", "Spark", "Zookeeper"} {
		f, err := os.Open(filepath.Join(dir, sys+".jsonl"))
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for i := 0; i < 12 && sc.Scan(); i++ {
			var rec struct {
				Raw string `json:"raw"`
			}
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				b.Fatal(err)
			}
			lines = append(lines, rec.Raw)
		}
		f.Close()
	}
	return lines
}

// reportCPU adds "cpu-MB/s": bytes per CPU second spent by the process while
// the benchmark loop ran.
func reportCPU(b *testing.B, start time.Duration, bytesPerOp int) {
	if cpu := processCPUTime() - start; cpu > 0 && b.N > 0 {
		b.ReportMetric(float64(bytesPerOp)*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
	}
}

func BenchmarkEncode(b *testing.B) {
	lines := benchLines(b)
	blob := strings.Join(lines, "\n")
	for _, v := range []string{"starcoder", "gpt-2", "llama-spm"} {
		tok := loadTokenizer(b, "vocab/ggml-vocab-"+v+".gguf")
		b.Run(v+"/lines", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(blob)))
			var ids []int32
			start := processCPUTime()
			for b.Loop() {
				for _, l := range lines {
					ids = tok.AppendEncode(ids[:0], l, EncodeOptions{})
				}
			}
			reportCPU(b, start, len(blob))
		})
		cold := freshTokenizer(b, "vocab/ggml-vocab-"+v+".gguf")
		cold.cache = nil
		b.Run(v+"/lines-nocache", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(blob)))
			var ids []int32
			start := processCPUTime()
			for b.Loop() {
				for _, l := range lines {
					ids = cold.AppendEncode(ids[:0], l, EncodeOptions{})
				}
			}
			reportCPU(b, start, len(blob))
		})
		b.Run(v+"/blob", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(blob)))
			start := processCPUTime()
			for b.Loop() {
				tok.Encode(blob, EncodeOptions{})
			}
			reportCPU(b, start, len(blob))
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	lines := benchLines(b)
	blob := strings.Join(lines, "\n")
	tok := loadTokenizer(b, "vocab/ggml-vocab-starcoder.gguf")
	ids := tok.Encode(blob, EncodeOptions{})
	b.ReportAllocs()
	b.SetBytes(int64(len(blob)))
	start := processCPUTime()
	for b.Loop() {
		tok.Decode(ids)
	}
	reportCPU(b, start, len(blob))
}
