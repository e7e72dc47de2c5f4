package tensor

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Pool runs data-parallel loops on a fixed set of worker goroutines started
// once, so that a forward pass of hundreds of matmuls spawns no goroutines.
// It also owns the scratch buffers MatMul reuses across calls.
//
// A Pool is used by one goroutine at a time: Parallel and MatMul must not be
// called concurrently on the same Pool (give each concurrent caller its own).
// A panic inside fn on a worker goroutine crashes the process.
type Pool struct {
	threads int
	wake    []chan struct{} // wake[k] starts worker k+1 on the current job
	wg      sync.WaitGroup
	closed  bool

	// The current job, written by the caller before waking the workers; the
	// channel send orders these writes before the workers' reads, and wg.Wait
	// orders the workers' writes before the caller returns.
	job    func(worker, lo, hi int)
	jobN   int
	chunks int
	grain  int          // > 0: dynamic scheduling in pieces of grain (runDynamic)
	next   atomic.Int64 // next piece to hand out in dynamic scheduling

	userFn  func(lo, hi int)
	userJob func(worker, lo, hi int) // bound once: calling userFn without a per-call closure

	mm matmulState
}

// NewPool starts threads-1 worker goroutines (the caller's goroutine is the
// remaining one). threads <= 0 means runtime.NumCPU().
func NewPool(threads int) *Pool {
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	p := &Pool{threads: threads, wake: make([]chan struct{}, threads-1)}
	p.userJob = func(_, lo, hi int) { p.userFn(lo, hi) }
	p.mm.init(p)
	for k := range p.wake {
		ch := make(chan struct{})
		p.wake[k] = ch
		go p.worker(k+1, ch)
	}
	return p
}

// Threads is the number of goroutines that run a Parallel loop.
func (p *Pool) Threads() int { return p.threads }

func (p *Pool) worker(id int, wake <-chan struct{}) {
	for range wake {
		if p.grain > 0 {
			p.takePieces(id)
		} else {
			lo, hi := chunk(p.jobN, p.chunks, id)
			p.job(id, lo, hi)
		}
		p.wg.Done()
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
	p.wg.Add(chunks - 1)
	for k := 1; k < chunks; k++ {
		p.wake[k-1] <- struct{}{}
	}
	lo, hi := chunk(n, chunks, 0)
	job(0, lo, hi)
	p.wg.Wait()
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
	helpers := min(p.threads, pieces) - 1
	if helpers <= 0 || p.closed {
		job(0, 0, n)
		return
	}
	p.job, p.jobN, p.grain = job, n, grain
	p.next.Store(0)
	p.wg.Add(helpers)
	for k := 0; k < helpers; k++ {
		p.wake[k] <- struct{}{}
	}
	p.takePieces(0)
	p.wg.Wait()
	p.job, p.grain = nil, 0
}

// Close stops the workers. The Pool stays usable, single-threaded.
func (p *Pool) Close() {
	if p.closed {
		return
	}
	p.closed = true
	for _, ch := range p.wake {
		close(ch)
	}
}
