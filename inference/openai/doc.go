// Package openai serves an engine.Engine over the OpenAI HTTP API, so that
// any OpenAI client (the official SDKs, LangChain, curl) and logsift's own
// remote classifier can use it: GET /v1/models, POST /v1/completions and
// POST /v1/chat/completions, streamed as Server-Sent Events or not.
//
// Each HTTP request is one engine request on the request's goroutine; many
// arrive at once and the engine's scheduler batches them, so the server
// needs no queue of its own, only a cap on requests in flight (503 past
// it). A client that disconnects cancels its request's context, which frees
// its KV blocks at the engine's next step.
//
// Supported: temperature, top_p, max_tokens (max_completion_tokens), seed,
// stop (a string or up to 16), n = 1, logprobs and top_logprobs (the chat
// form; the legacy integer form on /v1/completions), stream with
// stream_options.include_usage, and response_format: json_schema is the
// engine's constrained decoder (every complete output is a value of the
// schema; "strict" is accepted and always true), json_object a JSON-syntax
// mask (compact JSON, one object). Parameters that would change the output
// in ways the engine cannot honour (penalties, logit_bias, tools, best_of,
// echo, suffix) are refused with 400 rather than silently ignored; unknown
// fields are ignored, as clients send many. Errors always have OpenAI's
// shape, {"error":{"message","type","param","code"}}.
//
// Chat prompts come from a chat.Template (inference/chat). The completions
// endpoint parses special-token text in its prompt (the caller writes the
// whole prompt); chat content never becomes a special token.
//
// Log-probabilities are the engine's: of the model's distribution after the
// schema's mask, before temperature. Tokens that jump-forward appended
// without sampling have log-probability 0 and no alternatives; a streamed
// request that asks for logprobs with a schema turns jump-forward off, so
// every streamed token keeps its own entry.
//
// The package imports no metrics library: Config.Observer sees every
// request's outcome and the service exports it (services/cli does with
// Prometheus).
package openai
