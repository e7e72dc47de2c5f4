package tensor

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

func TestPoolParallelCoversEachIndexOnce(t *testing.T) {
	for threads := 1; threads <= 4; threads++ {
		p := NewPool(threads)
		if p.Threads() != threads {
			t.Fatalf("Threads() = %d, want %d", p.Threads(), threads)
		}
		hits := make([]atomic.Int32, 64)
		for iter := 0; iter < 3000; iter++ {
			n := iter % 12
			var calls atomic.Int32
			p.Parallel(n, func(lo, hi int) {
				calls.Add(1)
				if lo >= hi {
					t.Errorf("empty chunk [%d,%d)", lo, hi)
				}
				for i := lo; i < hi; i++ {
					hits[i].Add(1)
				}
			})
			if c := int(calls.Load()); n > 0 && c != min(threads, n) {
				t.Fatalf("threads=%d n=%d: %d chunks, want %d", threads, n, c, min(threads, n))
			}
			for i := range hits {
				want := int32(0)
				if i < n {
					want = 1
				}
				if got := hits[i].Swap(0); got != want {
					t.Fatalf("threads=%d n=%d: index %d visited %d times", threads, n, i, got)
				}
			}
		}
		p.Close()
		p.Close() // idempotent
		ran := 0
		p.Parallel(5, func(lo, hi int) { ran += hi - lo })
		if ran != 5 {
			t.Errorf("after Close: ran %d of 5", ran)
		}
	}
}

func TestPoolDefaultThreads(t *testing.T) {
	p := NewPool(0)
	defer p.Close()
	if p.Threads() != runtime.NumCPU() {
		t.Errorf("Threads() = %d, want NumCPU %d", p.Threads(), runtime.NumCPU())
	}
}

func TestPoolWritesVisibleToCaller(t *testing.T) {
	// Plain (non-atomic) writes by the workers must be visible after Parallel
	// returns; -race checks the happens-before edges.
	p := NewPool(3)
	defer p.Close()
	buf := make([]int, 100)
	for iter := 1; iter <= 200; iter++ {
		p.Parallel(len(buf), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				buf[i] = iter
			}
		})
		for i, v := range buf {
			if v != iter {
				t.Fatalf("iter %d: buf[%d] = %d", iter, i, v)
			}
		}
	}
}

func TestPoolRunDynamicCoversEachIndexOnce(t *testing.T) {
	for threads := 1; threads <= 4; threads++ {
		p := NewPool(threads)
		hits := make([]atomic.Int32, 100)
		for iter := 0; iter < 500; iter++ {
			n, grain := iter%100, 1+iter%7
			p.runDynamic(n, grain, func(_, lo, hi int) {
				// One thread takes the whole range as a single piece.
				if (threads > 1 && hi-lo > grain) || lo >= hi {
					t.Errorf("piece [%d,%d) with grain %d", lo, hi, grain)
				}
				for i := lo; i < hi; i++ {
					hits[i].Add(1)
				}
			})
			for i := range hits {
				want := int32(0)
				if i < n {
					want = 1
				}
				if got := hits[i].Swap(0); got != want {
					t.Fatalf("threads=%d n=%d grain=%d: index %d visited %d times", threads, n, grain, i, got)
				}
			}
			// Static and dynamic jobs interleave on the same workers.
			var c atomic.Int32
			p.Parallel(3, func(lo, hi int) { c.Add(int32(hi - lo)) })
			if c.Load() != 3 {
				t.Fatalf("Parallel after runDynamic covered %d of 3", c.Load())
			}
		}
		p.Close()
	}
}

// TestPoolWakeAfterPark lets the workers park between jobs (longer gaps than
// spinWait) and checks that every job still runs completely: the wake-up
// hand-off between a parking worker and a publishing caller loses nothing.
func TestPoolWakeAfterPark(t *testing.T) {
	p := NewPool(3)
	defer p.Close()
	for iter := 0; iter < 20; iter++ {
		if iter%4 == 0 {
			time.Sleep(2 * spinWait)
		}
		var c atomic.Int32
		p.Parallel(3, func(lo, hi int) { c.Add(int32(hi - lo)) })
		p.runDynamic(10, 1, func(_, lo, hi int) { c.Add(int32(hi - lo)) })
		// A helper slower than spinWait makes the caller park for it.
		p.Parallel(3, func(lo, hi int) {
			if lo > 0 && iter%3 == 0 {
				time.Sleep(2 * spinWait)
			}
			c.Add(int32(hi - lo))
		})
		if c.Load() != 16 {
			t.Fatalf("iter %d: covered %d of 16", iter, c.Load())
		}
	}
}
