// Package speculate proposes draft tokens for speculative decoding.
//
// Decoding reads every weight once per generated token; the scheduler
// (package sched) instead appends a few drafted tokens to a sequence's batch
// rows and verifies them all in one forward pass of the target model,
// keeping the drafted tokens the target agrees with and rolling the rest
// back with the KV cache's Truncate.
//
// Two drafters implement the one-method Drafter interface:
//   - Lookup copies the continuation of an earlier occurrence of the
//     sequence's tail in the prompt and output (no second model); it pays
//     where the output repeats the input (log classification copies the
//     component name).
//   - DraftModel is a smaller model of the target's vocabulary on a paged
//     KV cache of its own; each sequence has a ModelSeq whose KV follows the
//     target's context (common prefix kept, rejected positions truncated).
//     Propose batches the ModelSeqs of one DraftModel: one forward pass of
//     the draft model per drafted position for all sequences at once.
//
// State adapts the draft length per sequence (up to 8; longer after a fully
// accepted draft, accepted+1 after a rejection) and turns drafting off for
// a sequence where it does not pay. A Grammar (the engine's adapter of a
// schema matcher) cuts drafts where they leave the schema or reach bytes
// the schema forces, and masks the draft model's logits.
//
// Verification is the sampler's (sample.Sampler.Verify): greedy drafts are
// kept while they equal the argmax, so the output is that of plain greedy
// decoding; sampled drafts go through rejection sampling against the
// draft's distribution (Job.Q; a point mass for Lookup), so the output
// follows the target's distribution exactly.
package speculate
