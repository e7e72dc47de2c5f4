//go:build !unix

package train

import "time"

// cpuTime is unavailable here; benchmarks then report no CPU-time figure.
func cpuTime() time.Duration { return 0 }
