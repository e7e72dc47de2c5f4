// Package sample turns one step's logits into the next token: greedy,
// temperature, top-k, top-p (nucleus), min-p, an optional repetition
// penalty, a per-request seed, and a mask hook for constrained decoding.
//
// The order of operations, for one step:
//
//  1. repetition penalty (off unless Params.RepetitionPenalty > 1): the
//     logit of each token seen in the last RepetitionWindow tokens is divided
//     by the penalty if positive, multiplied if negative (llama.cpp's rule);
//  2. the Mask, if any, lowers the logits of tokens it forbids to -Inf;
//  3. log-probabilities for Choice.Logprob and Choice.Top are taken here,
//     log-softmax of these logits: the model's distribution restricted to
//     what the mask allows, before temperature and truncation, which is what
//     a caller wants for confidence;
//  4. Temperature 0 picks the argmax (lowest id on ties); otherwise the
//     probabilities p = softmax(logits/T) are cut by top-k (the K most
//     likely), then top-p (the smallest most-likely set whose mass reaches
//     P, measured after top-k), then min-p (tokens with p ≥ MinP·max p), and
//     one token is drawn from what remains, renormalised;
//  5. the chosen token is reported to the Mask (Accept) and the history.
//
// Same seed, same parameters and same logits give the same tokens: each
// Sampler owns a PCG generator seeded from Params.Seed.
//
// Constrained decoding plugs in through Mask, a two-method interface: Apply
// is called with the full logit row before every draw and must set the
// logits of disallowed tokens to -Inf (it may keep a precomputed bitset per
// automaton state and apply it); Accept is called with the chosen token so
// the automaton can advance, and an error from it ends the request. The
// package constrain implements it; MaskFunc adapts plain functions. A mask
// that allows nothing makes Sample fail rather than pick a forbidden token.
package sample
