package classifier

import (
	"math/rand/v2"
	"testing"
)

func TestWatermarkCommitsOnlyContiguousPrefix(t *testing.T) {
	w := newWatermarks()
	// Offsets with a gap (compaction): 10, 11, 12, 15, 16.
	for _, o := range []int64{10, 11, 12, 15, 16} {
		if !w.Register(0, o) {
			t.Fatalf("Register(0, %d) = false for a new offset", o)
		}
	}
	step := func(off int64, wantMark int64, wantAdvanced bool) {
		t.Helper()
		mark, adv := w.Done(0, off)
		if mark != wantMark || adv != wantAdvanced {
			t.Fatalf("Done(%d) = (%d, %v); want (%d, %v)", off, mark, adv, wantMark, wantAdvanced)
		}
	}
	step(12, -1, false) // 10 and 11 still pending
	step(16, -1, false)
	step(10, 10, true)
	step(11, 12, true) // 10, 11, 12 finished: the mark jumps over 12
	step(15, 16, true) // the gap 13..14 was never fetched, so it does not block
	if got := w.Pending(0); got != 0 {
		t.Fatalf("Pending = %d after all done; want 0", got)
	}
	if got := w.Marks(); got[0] != 16 || len(got) != 1 {
		t.Fatalf("Marks = %v; want map[0:16]", got)
	}
}

func TestWatermarkSkipsRefetchedOffsets(t *testing.T) {
	w := newWatermarks()
	for o := int64(0); o < 5; o++ {
		w.Register(3, o)
	}
	w.Done(3, 0)
	// A rebalance restarts the partition at the committed offset 1.
	for o := int64(1); o < 5; o++ {
		if w.Register(3, o) {
			t.Fatalf("Register(3, %d) = true for an offset in flight", o)
		}
	}
	if !w.Register(3, 5) {
		t.Fatal("Register(3, 5) = false for a new offset")
	}
	if !w.Register(4, 0) {
		t.Fatal("partitions must be independent")
	}
}

// The mark after any completion order equals the longest finished prefix.
func TestWatermarkRandomOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n := 1 + rng.IntN(50)
		w := newWatermarks()
		offs := make([]int64, n)
		next := int64(rng.IntN(100))
		for i := range offs {
			offs[i] = next
			next += 1 + int64(rng.IntN(3))
			w.Register(1, offs[i])
		}
		done := make([]bool, n)
		last := int64(-1)
		for _, i := range rng.Perm(n) {
			done[i] = true
			mark, adv := w.Done(1, offs[i])
			want := int64(-1)
			for j := 0; j < n && done[j]; j++ {
				want = offs[j]
			}
			if mark != want {
				t.Fatalf("trial %d: mark %d; want %d", trial, mark, want)
			}
			if adv != (want > last) {
				t.Fatalf("trial %d: advanced %v with mark %d after %d", trial, adv, want, last)
			}
			last = max(last, want)
		}
	}
}
