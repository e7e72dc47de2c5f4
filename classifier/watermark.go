package classifier

import (
	"fmt"
	"sort"
	"sync"
)

// watermarks turns out-of-order completions into safe commit points, one per
// partition.
//
// Kafka keeps one committed offset per partition and a consumer that
// restarts resumes right after it, so committing offset 10 while offset 7 is
// still being retried would lose 7. Every fetched offset is registered in
// fetch order; Done marks one finished; the commit point is the last offset
// of the finished prefix. Offsets need not be consecutive (compaction and
// transaction markers leave gaps): contiguity is over the registered
// sequence, not over integers.
type watermarks struct {
	mu    sync.Mutex
	parts map[int]*partitionMarks
}

type partitionMarks struct {
	offsets []int64 // registered, not yet in the finished prefix, ascending
	done    []bool  // parallel to offsets
	last    int64   // highest offset ever registered; -1 = none
	mark    int64   // last offset of the finished prefix; -1 = none
	sent    int64   // highest mark handed out for commit; -1 = none
}

func newWatermarks() *watermarks {
	return &watermarks{parts: make(map[int]*partitionMarks)}
}

func (w *watermarks) part(p int) *partitionMarks {
	pm := w.parts[p]
	if pm == nil {
		pm = &partitionMarks{last: -1, mark: -1, sent: -1}
		w.parts[p] = pm
	}
	return pm
}

// Register records that offset was fetched from partition p. It returns
// false for an offset at or below one already registered: after a rebalance
// the reader restarts at the committed offset and re-fetches records that
// are finished or still in flight here, and processing them twice would only
// cost work.
func (w *watermarks) Register(p int, offset int64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	pm := w.part(p)
	if offset <= pm.last {
		return false
	}
	pm.last = offset
	pm.offsets = append(pm.offsets, offset)
	pm.done = append(pm.done, false)
	return true
}

// Done marks offset of partition p finished and returns the commit point
// when it moved past the last one handed out.
func (w *watermarks) Done(p int, offset int64) (mark int64, advanced bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	pm := w.parts[p]
	if pm == nil {
		panic(fmt.Sprintf("BUG: done for partition %d that has no registered offset", p))
	}
	i := sort.Search(len(pm.offsets), func(i int) bool { return pm.offsets[i] >= offset })
	if i == len(pm.offsets) || pm.offsets[i] != offset {
		panic(fmt.Sprintf("BUG: done for unregistered offset %d of partition %d", offset, p))
	}
	pm.done[i] = true
	n := 0
	for n < len(pm.done) && pm.done[n] {
		n++
	}
	if n > 0 {
		pm.mark = pm.offsets[n-1]
		// Shift rather than reslice so the backing arrays do not grow
		// without bound on a long-lived partition.
		m := copy(pm.offsets, pm.offsets[n:])
		pm.offsets = pm.offsets[:m]
		copy(pm.done, pm.done[n:])
		pm.done = pm.done[:m]
	}
	if pm.mark > pm.sent {
		pm.sent = pm.mark
		return pm.mark, true
	}
	return pm.mark, false
}

// Marks returns every partition's commit point (partitions with none are
// left out), for the final commit on shutdown.
func (w *watermarks) Marks() map[int]int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make(map[int]int64, len(w.parts))
	for p, pm := range w.parts {
		if pm.mark >= 0 {
			out[p] = pm.mark
		}
	}
	return out
}

// Pending returns how many registered offsets of partition p are not in the
// finished prefix.
func (w *watermarks) Pending(p int) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if pm := w.parts[p]; pm != nil {
		return len(pm.offsets)
	}
	return 0
}
