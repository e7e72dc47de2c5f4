// Package sched is the iteration-level scheduler of the serving engine
// (continuous batching, as in Orca and vLLM).
//
// Each Step builds one model batch under a token budget: first one token for
// every running sequence that is decoding, then prompt chunks (chunked
// prefill) of running sequences still reading their prompt, oldest first,
// then newly admitted waiting sequences, FIFO, as far as the budget and the
// KV pool allow. A new sequence first attaches the longest cached prefix of
// its prompt (package kvcache) and computes only the rest. After the forward
// pass, every sequence whose pending tokens are all computed samples its next
// token (package sample) and is checked for its stop conditions: max tokens,
// an end-of-generation token, a stop string. Finished sequences leave at
// once; requests added between steps join the next one.
//
// When a sequence needs a block and the pool has none (after evicting
// unreferenced cached blocks), the most recently admitted running sequence
// not yet in this step's batch is preempted: its blocks are freed and it goes
// back to the front of the waiting queue with prompt+generated tokens as its
// new prompt, to be recomputed later (cheaply, if its blocks are still in the
// prefix cache). Its sampler state is kept, so the output does not change.
// A sequence whose context is cancelled is dropped, and its blocks freed, at
// the start of the next step.
//
// Constrained decoding: a sequence's Constraint (constrain.Matcher) is asked
// after each sampled token (and once on Add) whether the schema forces what
// follows. Forced tokens join the sequence's pending tokens, so the next step
// computes them as one chunk of the batch, like a prompt chunk, with logits
// for the last only: jump-forward costs one forward pass however many tokens
// it adds. When re-tokenising the forced text changes tokens that were
// already computed, the sequence's KV positions are rolled back with
// kvcache.Truncate and computed again in the same chunk. A Constraint that
// reports the output done ends the sequence ("complete") without asking the
// model for an end-of-generation token.
//
// Speculative decoding (Seq.Speculate, see package speculate): after the
// decodes, prompt chunks and admissions, every sequence whose chunk in the
// batch reaches the end of its pending tokens (a decode, a last prompt
// chunk, a jump-forward chunk) and has a drafter gets up to k drafted
// tokens added to the step's batch, each with logits, so one forward pass
// verifies the whole draft alongside the other sequences' work. Drafts
// come last so that they only fill budget and blocks nobody else needed;
// the drafts of all sequences are made together (speculate.Propose: one
// batched draft-model pass per drafted position). The sequence's Sampler
// takes the rows in order with Verify (greedy: the draft is kept while it
// is the argmax; sampling: rejection sampling against the drafter's
// distribution), and the first rejected row's token (or the one after a
// fully accepted draft) is the step's last output. Rejected positions are
// rolled back with kvcache.Truncate before SetComputed, so that only
// verified positions reach the prefix cache. A draft never preempts:
// without free blocks or budget the sequence decodes one token.
//
// With a Constraint, drafts are cut where they leave the schema (when the
// Constraint is a speculate.Grammar), the Sampler's mask makes the
// verification use the masked target distribution, and the Constraint is
// advanced after every verified token exactly as in plain decoding. Where
// the schema forces bytes, the draft carries the tokens jump-forward will
// write (speculate.Grammar.Forced) and goes on guessing after them; those
// positions need no logits and no verification: when the Constraint's
// Advance returns exactly those tokens they are taken as forced output
// (their keys and values computed in the right context), so one forward
// pass can verify a whole object, values and the keys between them. A jump
// the draft did not foresee (re-tokenisation, other tokens) ends the
// verification there; its tokens are computed at the next step, as
// without speculation.
//
// A Scheduler is driven by one goroutine (the engine's loop): Add, Step and
// Drop are not safe for concurrent use; Stats is.
package sched
