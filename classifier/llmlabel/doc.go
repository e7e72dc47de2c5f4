// Package llmlabel is the classifier's Labeler on the in-process inference
// engine: it turns each line's masked template into a prompt, asks the engine
// for an answer constrained by the classification JSON Schema, and returns
// the labels with a confidence taken from the label tokens' probabilities.
//
// A whole batch goes to the engine at once, one request per distinct
// template, so the engine's scheduler decodes them together; the engine's
// prefix cache shares the prompt's fixed head between them.
//
// In front of the model sits a template cache: lines of the same template get
// the same prompt (the default model reads only the template, see
// classifier/prompt), so the answer for a template is computed once and
// reused until it expires or is evicted. The key holds the model and the
// schema as well, so a cache can never answer for another model or taxonomy.
// A cache hit never calls the model, and its Output is marked Cached.
//
// Confidence is P(severity) × P(category): the product of the probabilities,
// under the constrained distribution, of the tokens that spelled the two
// chosen values (engine Result.EnumProbs). It is the model's probability of
// the label pair given the line, not a calibrated accuracy.
package llmlabel
