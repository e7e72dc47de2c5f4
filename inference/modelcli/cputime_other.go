//go:build !unix

package modelcli

import "time"

func cpuTime() time.Duration { return 0 }
