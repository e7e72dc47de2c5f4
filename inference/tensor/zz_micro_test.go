package tensor

import (
	"math/rand/v2"
	"runtime"
	"syscall"
	"testing"
	"time"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_THREAD, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestMicro(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	r := rand.New(rand.NewPCG(1, 1))
	cols := 1536
	rows := 64
	for _, typ := range []Type{F32, F16, Q8_0, Q4_0} {
		w := randMatrix(r, typ, rows, cols)
		x := randVec(r, cols, 1)
		var a qact
		a.resize(cols)
		quantizeAct(x, &a)
		rb, _ := typ.RowBytes(cols)
		var sink float32
		best := time.Hour
		for rep := 0; rep < 5; rep++ {
			c0 := cpuTime()
			for it := 0; it < 1000; it++ {
				for rr := 0; rr < rows; rr++ {
					wr := w.Data[rr*rb : (rr+1)*rb]
					switch typ {
					case F32:
						sink += dotF32(bytesAsF32(wr), x)
					case F16:
						sink += dotF16(wr, x)
					case Q8_0:
						sink += dotQ8(wr, a.q, a.d)
					case Q4_0:
						sink += dotQ4(wr, a.q, a.d, a.sum)
					}
				}
			}
			best = min(best, cpuTime()-c0)
		}
		macs := float64(1000 * rows * cols)
		t.Logf("%s: %.3f ns/MAC  %.2f GFLOP/cpu-s", typ, float64(best.Nanoseconds())/macs, 2*macs/float64(best.Nanoseconds()))
		_ = sink
	}
}
