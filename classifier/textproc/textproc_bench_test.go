package textproc

import "testing"

// BenchmarkCleanMask measures the per-line work of the classifier's front
// end over the real Loghub lines: MB/s of raw input and lines/s.
func BenchmarkCleanMask(b *testing.B) {
	lines, size := benchLines(b)
	b.SetBytes(int64(size) / int64(len(lines)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = Mask(Clean(lines[i], 2048))
		i++
		if i == len(lines) {
			i = 0
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

func BenchmarkClean(b *testing.B) {
	lines, size := benchLines(b)
	b.SetBytes(int64(size) / int64(len(lines)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = Clean(lines[i], 2048)
		i = (i + 1) % len(lines)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

func BenchmarkMask(b *testing.B) {
	lines, size := benchLines(b)
	b.SetBytes(int64(size) / int64(len(lines)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = Mask(lines[i])
		i = (i + 1) % len(lines)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// benchLines returns every Loghub line, in system order, and their total size.
func benchLines(b *testing.B) ([]string, int) {
	b.Helper()
	var lines []string
	size := 0
	all := readLoghub(b)
	for _, sys := range []string{"Apache", "BGL", "HDFS", "Hadoop", "Linux", "OpenStack", "Spark", "Zookeeper"} {
		for _, l := range all[sys] {
			lines = append(lines, l.Raw)
			size += len(l.Raw)
		}
	}
	if len(lines) == 0 {
		b.Fatal("no loghub lines")
	}
	return lines, size
}
