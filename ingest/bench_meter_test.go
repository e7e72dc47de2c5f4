//go:build unix

package ingest

import (
	"syscall"
	"testing"
	"time"
)

// lineMeter reports lines/s of wall time and lines per CPU-second of the
// whole process. The machines this runs on are shared, and under
// contention the wall figure says more about the neighbours than about this
// code; the CPU figure (which for the end-to-end benchmark includes the
// in-process broker and HTTP client) stays comparable.
type lineMeter struct {
	wall time.Time
	cpu  time.Duration
}

func startMeter() lineMeter { return lineMeter{wall: time.Now(), cpu: processCPU()} }

func (m lineMeter) report(b *testing.B, lines int) {
	wall := time.Since(m.wall).Seconds()
	cpu := (processCPU() - m.cpu).Seconds()
	b.ReportMetric(float64(lines)/wall, "lines/s")
	if cpu > 0 {
		b.ReportMetric(float64(lines)/cpu, "lines/cpu-s")
	}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
