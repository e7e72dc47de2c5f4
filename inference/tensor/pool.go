package tensor

import (
	"runtime"
	"sync"
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
		lo, hi := chunk(p.jobN, p.chunks, id)
		p.job(id, lo, hi)
		p.wg.Done()
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
	p.job, p.jobN, p.chunks = job, n, chunks
	p.wg.Add(chunks - 1)
	for k := 1; k < chunks; k++ {
		p.wake[k-1] <- struct{}{}
	}
	lo, hi := chunk(n, chunks, 0)
	job(0, lo, hi)
	p.wg.Wait()
	p.job = nil
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
