//go:build race

package engine_test

// raceEnabled shrinks the validity test under the race detector, which
// slows the model's forward pass about tenfold; the full count runs without it.
const raceEnabled = true
