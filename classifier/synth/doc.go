// Package synth generates labelled log lines for training logsift's default
// model: many systems, each with its own header format (timestamps, levels,
// process or logger names as that system writes them) and a set of message
// templates whose variable slots (addresses, ports, pids, users, paths, block
// ids, durations, sizes...) are filled at random from a seeded PCG source.
//
// Labels are right by construction: every template carries its severity and
// category, chosen with the judgement rules of the default taxonomy
// (../../../shared/DESIGN.md, and the Loghub labelling notes that explain how
// real lines were judged): the severity comes from the line's own level where
// the line has one, and is judged from the content only where it has none or
// where the level plainly contradicts the content (such templates render an
// explicit level and say why). The component is the logger, process or module
// as the line names it, so it is always a substring of the line; a name
// longer than the schema's 48 characters is shortened by dropping leading
// dotted segments (org.apache.hadoop.yarn.server... keeps its class end),
// and lines that name no component (Apache 2.0 error logs, access logs,
// Redis) get "".
//
// Templates are Go data, one file per system family (templates_sshd.go ...).
// Generate samples a category first, then a severity among those the
// category has, then a template of that cell, so rare cells (critical
// config, debug hardware) are not drowned by routine info lines. Split holds
// out whole templates, so a held-out evaluation measures generalisation to
// messages the model never saw, not memorisation.
//
// Augmentation (augment.go) rewrites a fraction of the examples so the model
// cannot learn labels per template by heart: the line's level is redrawn and
// the severity label follows it, the message is written under another
// family's header, the component is replaced by a made-up name the model
// can only find by reading the line, or one word of the message is left out
// so that no single word fingerprints a template, or neutral key = value
// details (fields.go: "my id = 1, error = ") are added to the message so
// that "=" and appended text carry no label. Syslog programs are renamed
// more often, since there the program is found only by its place after the
// host. Headers name made-up hosts and threads half the time, so the model
// finds the host and the logger by their place in the header rather than by
// knowing the names.
//
// Composition (compose.go) builds 30% of the examples from two independent
// halves instead of a template: a sentence frame shared by every category,
// which carries the severity ("Failed to {verb} {object}: {reason}"), and
// one category's lexicon of objects, verbs and failure reasons, which
// carries the category; so the category has to be read from what the
// message is about.
//
// Cued examples (cue.go), 10%, are the other half of that lesson: a
// lifecycle message that names no topic ("Interrupting {C}", "{C}
// terminating") under a component built from one category's words
// (BlockScanner, rpc.ConnectionReader, jobd), so that where the message is
// silent the model reads the category from the logger's name.
//
// The real Loghub sample in ../../../shared/data/loghub is for evaluation
// only; none of its lines are used here.
package synth
