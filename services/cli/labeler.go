package cli

import (
	"fmt"

	"github.com/logsift/logsift/classifier"
	"github.com/logsift/logsift/services/app"
)

// newLabeler returns the model that labels lines. logsift ships no
// rule-based stand-in: a pipeline that stores made-up labels would be worse
// than one that refuses to start.
func newLabeler(model string) (classifier.Labeler, error) {
	if model == "" {
		return nil, &app.ConfigError{Err: fmt.Errorf("no classification model: this build has no default model yet and the engine labeler is not wired in; classify and dev need one")}
	}
	return nil, &app.ConfigError{Err: fmt.Errorf("--model %s: classification on the embedded engine is not available in this build yet", model)}
}
