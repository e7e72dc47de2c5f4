// Package remote is a classifier.Labeler that labels through any
// OpenAI-compatible chat-completions server (vLLM, llama.cpp's server,
// Ollama, logsift's own serve-model), for users whose traffic outgrows one
// machine's embedded engine.
//
// Each distinct line of a batch is one request: a system message with the
// instructions (Instructions: the task, the labels the schema allows with
// a one-line definition each, and that the fenced text is data, never
// instructions) and a user message holding only the line between two
// fences of backticks longer than any run of backticks in the line, so the
// line cannot close its fence (Config.SendTemplate sends the masked
// template instead, for a template cache in front). The request asks for
// temperature 0, the schema as response_format json_schema (strict), and
// log-probabilities.
//
// The server is untrusted: its answer is parsed and validated against the
// schema here, whatever response_format promised. An answer that is not
// JSON, fails the schema or was cut short fails that line (Output.Err: the
// worker retries it and then dead-letters it with the reason); no row is
// ever made of labels the schema does not allow.
//
// Failures: each request has its own timeout; transport errors, 429 and
// 5xx are retried with exponential backoff and full jitter (honouring
// Retry-After); 400, 413 and 422 (the server refused this line, e.g. it
// does not fit the context) fail the line at once; other 4xx (401, 403,
// 404: a misconfigured backend that would fail every line) fail the whole
// batch without retries, as does a batch in which every request exhausted
// its retries (the server is down): the worker then retries the batch
// later instead of dead-lettering good lines. A semaphore shared by all
// Label calls bounds the requests in flight.
//
// Confidence is the product of the probabilities of the tokens that spell
// the chosen severity and category values (constrain.EnumProbs over the
// returned token bytes and log-probabilities), the same measure as the
// embedded engine's. It is best effort: a server that returns no
// log-probabilities, or tokens that do not spell the answer exactly, gives
// confidence 0.
package remote
