// Package constrain makes a language model's output valid JSON for a JSON
// Schema by construction: invalid tokens are masked out before sampling, so
// there is nothing to retry or repair.
//
// Compile turns a schema (a documented subset, see below) into an Automaton:
// a byte-level NFA in which every construct is unrolled — string lengths
// (capped by Options.MaxStringLength when the schema gives no maxLength),
// array items, digits, whitespace — so the graph is acyclic, every output has
// at most MaxBytes bytes and every generation terminates. The NFA is
// determinised lazily (subset construction on first use of each transition).
// A keyword outside the subset is an *UnsupportedError naming it and its JSON
// pointer, never silently ignored (llama.cpp's GBNF converter skips them and
// then produces outputs that do not validate).
//
// NewIndex pairs an automaton with a model vocabulary (the bytes of every
// token, tokenizer.Piece). Mask(state) is the bitset of tokens whose bytes
// the automaton accepts from state, computed on first use by walking a trie
// of the vocabulary — shared prefixes are stepped once, a dead prefix prunes
// its subtree — and cached; EOS is allowed only in accepting states.
// Next(state, token) walks one token's bytes, cheaper than a mask when only
// a sampled token needs checking. Forced(state) returns the bytes the schema
// forces next (`{"severity":"`): jump-forward appends them as tokens without
// sampling (ForcedTokens explains how they are tokenised). Cache shares
// indexes per (schema, options, vocabulary).
//
// Decode is a single-sequence reference loop over package model (prefill,
// mask, sample, advance, jump-forward) for tests and measurements. The
// serving engine uses a Matcher per request instead: the same steps split
// into the sampler's mask (Apply, Accept) and the scheduler's jump-forward
// hook (Advance); its greedy outputs equal Decode's token for token.
// EnumProbs turns an output's token log-probabilities into the probability
// of each enum-valued property's chosen value (the classifier's confidence).
// DefaultSchema is the default classification schema, embedded.
//
// The subset: type (object, array, string, integer, number, boolean, null,
// and lists of them); properties with required (objects list their
// properties in schema order and never add unlisted ones, so
// additionalProperties may be true or false); enum and const (any JSON
// values, written compactly); string minLength, maxLength, pattern (the
// regex subset documented in regex.go, matched against the whole string) and
// format date-time, date, time, uuid; integer and number minimum, maximum,
// exclusiveMinimum, exclusiveMaximum (number bounds are rounded inward to
// integers; numbers have no exponent); array items, minItems, maxItems
// (uniqueItems false); anyOf and oneOf (oneOf alternatives must not overlap:
// Compile checks and reports a string two of them accept); local $ref into
// $defs, definitions or any JSON pointer of the document (recursion is an
// error). Annotations (title, description, $schema, $id, default, examples,
// ...) are ignored. Whitespace between tokens is none by default
// (Options.Whitespace allows a bounded amount).
package constrain
