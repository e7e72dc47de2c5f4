//go:build unix

package tensor

import (
	"syscall"
	"time"
)

// processCPUTime is the user+system CPU time of the whole process. Benchmarks
// report work per CPU-second next to wall-clock rates because the machines
// they run on are often shared: the wall rate then measures the neighbours.
func processCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
