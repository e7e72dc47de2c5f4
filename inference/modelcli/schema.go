package modelcli

import (
	"fmt"
	"os"

	"github.com/logsift/logsift/inference/constrain"
)

// schemaOptions are the bounds --json-schema decodes with: the constrain
// defaults.
var schemaOptions = constrain.Options{}

// loadSchema reads --json-schema: "" is none, "default" the default
// classification schema, anything else a file. The schema is compiled here
// so that a schema outside the supported subset is bad usage (exit 2) with
// the keyword and its JSON pointer, before the model is loaded. It returns
// the document and the longest output it allows, in bytes.
func loadSchema(arg string) ([]byte, int, error) {
	var doc []byte
	switch arg {
	case "":
		return nil, 0, nil
	case "default":
		doc = constrain.DefaultSchema
	default:
		b, err := os.ReadFile(arg)
		if err != nil {
			return nil, 0, usagef("--json-schema: %v", err)
		}
		doc = b
	}
	a, err := constrain.Compile(doc, schemaOptions)
	if err != nil {
		return nil, 0, usagef("--json-schema %s: %v", arg, err)
	}
	return doc, a.MaxBytes(), nil
}

// schemaMaxTokens is the token budget of one value of a schema whose
// longest output is maxBytes (every token has at least one byte), within
// the context left after the prompt.
func schemaMaxTokens(maxBytes, prompt, nCtx int) (int, error) {
	n := min(maxBytes+1, nCtx-prompt)
	if n <= 0 {
		return 0, fmt.Errorf("prompt of %d tokens leaves no room in the context length %d", prompt, nCtx)
	}
	return n, nil
}
