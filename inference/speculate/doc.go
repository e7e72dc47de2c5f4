// Package speculate proposes draft tokens for speculative decoding.
//
// Decoding reads every weight once per generated token; the scheduler
// (package sched) instead appends a few drafted tokens to a sequence's batch
// rows and verifies them all in one forward pass of the target model,
// keeping the drafted tokens the target agrees with and rolling the rest
// back with the KV cache's Truncate. A Drafter must be cheap: Lookup copies
// the continuation of an earlier occurrence of the sequence's tail, which
// pays off when the output repeats the input (log classification copies
// the component name). State adapts the draft length per sequence and turns
// drafting off where it does not pay.
//
// Only greedy verification exists so far; the output is then exactly that
// of plain greedy decoding. Sampling verification, a draft-model drafter
// and the interplay with schema constraints (jump-forward) are not built
// yet: the engine turns speculation off for those requests.
package speculate
