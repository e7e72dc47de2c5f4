//go:build !unix

package engine_test

import "time"

// cpuTime is not measured here: tokens/cpu-s reads +Inf.
func cpuTime() time.Duration { return 0 }
