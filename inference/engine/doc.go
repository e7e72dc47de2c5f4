// Package engine is the serving engine: one model, a paged KV cache with
// prefix caching (package kvcache), a continuous-batching scheduler
// (package sched) and per-request samplers (package sample), behind a small
// API that many goroutines call at once:
//
//	res, err := e.Generate(ctx, engine.Request{Prompt: ids, MaxTokens: 16})
//	res, err := e.Stream(ctx, req, func(t engine.Token) { ... })
//
// One goroutine owns the model and the scheduler and runs steps while there
// is work; callers hand it requests over a channel and wait for their
// tokens on a per-request channel sized so the loop never blocks on a slow
// reader. Requests that arrive during a step join at the next one.
// Cancelling a request's context ends its wait at once and frees its KV
// blocks at the next step.
//
// Stats returns plain counters and gauges (running and waiting sequences,
// batch tokens per step, KV blocks used/cached/free, prefix-cache hit
// tokens, preemptions, generated tokens and tokens per second of forward
// time); the engine imports no metrics library, so a service exports them
// as it likes.
//
// Constrained decoding: Request.Schema (a JSON Schema document, see package
// constrain) makes every output a valid value of the schema. The engine
// keeps one constrain.Index per (schema, options, vocabulary), so requests
// with the same schema share masks; each request gets a constrain.Matcher
// that masks its sampler's logits and drives jump-forward in the scheduler
// (on unless Request.NoJumpForward). Result.JSON is the value and
// Result.EnumProbs the probability of each enum-valued property's chosen
// value; Result.Forwards counts the forward passes a request took part in.
// Request.Mask remains for other logit masks (see package sample).
//
// Speculative decoding: Request.Speculate (default Config.Speculate)
// "lookup" drafts by prompt lookup, "draft" with the engine's draft model
// (Config.Draft, a smaller GGUF of the same vocabulary, with a KV pool of
// its own), "auto" with the draft model if there is one, else by lookup.
// The scheduler verifies the drafts of all sequences in the step's batch:
// greedy outputs are those of plain decoding token for token, sampled ones
// follow the same distribution; with a Schema the drafts are checked
// against the automaton and forced tokens are not drafted. Result.Drafted
// and Accepted, and Stats.DraftedTokens, AcceptedTokens, AcceptanceRate and
// TokensPerTargetForward count it.
package engine
