//go:build race

package sched_test

// raceEnabled shrinks the sample counts under the race detector, which
// slows the model's forward pass about tenfold.
const raceEnabled = true
