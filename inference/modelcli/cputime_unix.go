//go:build unix

package modelcli

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user + system) the process has used so far, or 0
// if unknown. The bench command reports rates per CPU-second next to wall
// rates because wall time on a shared machine mostly measures the neighbours.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
