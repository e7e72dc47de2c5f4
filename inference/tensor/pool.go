package tensor

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

// Pool runs data-parallel loops on a fixed set of worker goroutines started
// once, so that a forward pass of hundreds of matmuls spawns no goroutines.
// It also owns the scratch buffers MatMul reuses across calls.
//
// A Pool is used by one goroutine at a time: Parallel and MatMul must not be
// called concurrently on the same Pool (give each concurrent caller its own).
// A panic inside fn on a worker goroutine crashes the process.
//
// Waking a parked goroutine costs microseconds (a futex wake and a trip
// through the scheduler), and a decode step makes a few hundred calls with
// only microseconds of serial work between them. So a worker that finishes a
// job spins for up to spinWait watching for the next one before it parks,
// and the caller spins (yielding now and then) for the workers to finish
// instead of blocking.
type Pool struct {
	threads int
	workers []poolWorker
	closed  bool

	// state is the published job: a generation count (upper bits) and how
	// many helpers take part (the low 16 bits; stopHelpers asks the workers
	// to exit). One word, so that a worker that takes no part in a job needs
	// nothing else from it and cannot mistake the next job's fields for this
	// one's. The job fields below are written by the caller before the state
	// changes and read by the helpers after they observe it; pending's
	// decrements order the helpers' writes before the caller returns.
	state   atomic.Uint64
	pending atomic.Int32
	caller  poolWorker // the caller's parking state while it waits for pending

	job    func(worker, lo, hi int)
	jobN   int
	chunks int
	grain  int          // > 0: dynamic scheduling in pieces of grain (runDynamic)
	next   atomic.Int64 // next piece to hand out in dynamic scheduling

	userFn  func(lo, hi int)
	userJob func(worker, lo, hi int) // bound once: calling userFn without a per-call closure

	mm   matmulState
	silu siluState
}

// poolWorker is one worker's parking state. sleeping is set by the worker
// before it parks; whoever turns it back off (the worker on finding a new
// job, or the caller publishing one) decides whether a wake-up is sent, so
// that a send is never lost and never left unreceived.
type poolWorker struct {
	sleeping atomic.Bool
	wake     chan struct{}
	_        [40]byte // keep workers' flags on separate cache lines
}

// spinWait is how long an idle worker keeps polling for the next job before
// it parks: longer than the serial gaps of a forward pass (norms, rope,
// attention bookkeeping), short enough not to hold a core between requests.
const spinWait = 100 * time.Microsecond

// NewPool starts threads-1 worker goroutines (the caller's goroutine is the
// remaining one). threads <= 0 means runtime.NumCPU().
func NewPool(threads int) *Pool {
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	if threads-1 >= stopHelpers {
		panic(fmt.Sprintf("BUG: tensor.NewPool: %d threads", threads))
	}
	p := &Pool{threads: threads, workers: make([]poolWorker, threads-1)}
	p.userJob = func(_, lo, hi int) { p.userFn(lo, hi) }
	p.mm.init(p)
	p.silu.init()
	p.caller.wake = make(chan struct{}, 1)
	for k := range p.workers {
		p.workers[k].wake = make(chan struct{}, 1)
		go p.worker(k + 1)
	}
	return p
}

// Threads is the number of goroutines that run a Parallel loop.
func (p *Pool) Threads() int { return p.threads }

const (
	helperBits  = 16
	stopHelpers = 1<<helperBits - 1
)

func (p *Pool) worker(id int) {
	w := &p.workers[id-1]
	var seen uint64
	for {
		st := p.waitJob(w, seen)
		seen = st
		helpers := int(st & stopHelpers)
		if helpers == stopHelpers {
			return
		}
		if id > helpers {
			continue // a static job with fewer chunks than threads
		}
		if p.grain > 0 {
			p.takePieces(id)
		} else {
			lo, hi := chunk(p.jobN, p.chunks, id)
			p.job(id, lo, hi)
		}
		if p.pending.Add(-1) == 0 && p.caller.sleeping.CompareAndSwap(true, false) {
			p.caller.wake <- struct{}{}
		}
	}
}

// waitJob returns the state of the next job after seen: spinning first,
// then parked on w.wake.
func (p *Pool) waitJob(w *poolWorker, seen uint64) uint64 {
	start := time.Now()
	for i := 0; ; i++ {
		if st := p.state.Load(); st != seen {
			return st
		}
		if i&63 == 63 {
			if time.Since(start) > spinWait {
				break
			}
			runtime.Gosched()
		}
	}
	// Sleeping is set before the last look at state, and the caller changes
	// state before it looks at sleeping, so at least one of the two sees the
	// other; the CompareAndSwap lets exactly one of them turn sleeping off,
	// and a caller that does so sends a wake-up.
	//
	// A wake-up can be stale: a caller slow to walk the workers after
	// publishing job X may find this worker asleep after it has already run
	// X and parked again. The caller's state change precedes its send, so a
	// wake-up that shows no new state is such a leftover: park again.
	for {
		w.sleeping.Store(true)
		if st := p.state.Load(); st != seen && w.sleeping.CompareAndSwap(true, false) {
			return st // a job arrived while going to sleep, and no wake-up was sent
		}
		<-w.wake
		if st := p.state.Load(); st != seen {
			return st
		}
	}
}

// start publishes the current job to helpers workers (1..helpers) and wakes
// those that are parked.
func (p *Pool) start(helpers int) {
	if helpers != stopHelpers {
		p.pending.Store(int32(helpers))
	}
	gen := p.state.Load()>>helperBits + 1
	p.state.Store(gen<<helperBits | uint64(helpers))
	for k := range p.workers {
		if w := &p.workers[k]; w.sleeping.CompareAndSwap(true, false) {
			w.wake <- struct{}{}
		}
	}
}

// wait returns when the helpers of the current job are done: it spins for
// up to spinWait (yielding now and then so that a worker sharing the
// processor can run), then parks until the last helper wakes it, so that a
// helper descheduled by the OS on a busy machine does not cost a core of
// spinning. The hand-off is waitJob's, with pending in place of state.
func (p *Pool) wait() {
	start := time.Now()
	for i := 0; p.pending.Load() != 0; i++ {
		if i&15 == 15 {
			if time.Since(start) > spinWait {
				break
			}
			runtime.Gosched()
		}
	}
	for p.pending.Load() != 0 {
		p.caller.sleeping.Store(true)
		if p.pending.Load() == 0 && p.caller.sleeping.CompareAndSwap(true, false) {
			return
		}
		<-p.caller.wake
	}
}

// takePieces runs pieces of the current dynamic job until none are left.
func (p *Pool) takePieces(id int) {
	for {
		lo := int(p.next.Add(1)-1) * p.grain
		if lo >= p.jobN {
			return
		}
		p.job(id, lo, min(p.jobN, lo+p.grain))
	}
}

// chunk returns the k-th of parts contiguous, nearly equal pieces of [0,n).
func chunk(n, parts, k int) (lo, hi int) {
	return n * k / parts, n * (k + 1) / parts
}

// Parallel splits [0,n) into at most Threads() contiguous chunks, runs fn on
// each (the caller's goroutine takes the first) and returns when all are done.
// After Close it runs fn(0, n) on the caller's goroutine.
func (p *Pool) Parallel(n int, fn func(lo, hi int)) {
	p.userFn = fn
	p.run(n, p.userJob)
	p.userFn = nil
}

// run is Parallel with the worker index passed to job, for per-worker scratch.
func (p *Pool) run(n int, job func(worker, lo, hi int)) {
	if n <= 0 {
		return
	}
	chunks := min(p.threads, n)
	if chunks == 1 || p.closed {
		job(0, 0, n)
		return
	}
	p.job, p.jobN, p.chunks, p.grain = job, n, chunks, 0
	p.start(chunks - 1)
	lo, hi := chunk(n, chunks, 0)
	job(0, lo, hi)
	p.wait()
	p.job = nil
}

// runDynamic runs job over [0,n) in pieces of grain handed out on demand, so
// that a goroutine delayed by the OS (a shared machine, a noisy neighbour)
// leaves its remaining pieces to the others instead of stalling the call.
func (p *Pool) runDynamic(n, grain int, job func(worker, lo, hi int)) {
	if n <= 0 {
		return
	}
	grain = max(grain, 1)
	pieces := (n + grain - 1) / grain
	if min(p.threads, pieces) <= 1 || p.closed {
		job(0, 0, n)
		return
	}
	p.job, p.jobN, p.chunks, p.grain = job, n, p.threads, grain
	p.next.Store(0)
	p.start(p.threads - 1)
	p.takePieces(0)
	p.wait()
	p.job, p.grain = nil, 0
}

// Close stops the workers. The Pool stays usable, single-threaded.
func (p *Pool) Close() {
	if p.closed {
		return
	}
	p.closed = true
	p.start(stopHelpers)
}
