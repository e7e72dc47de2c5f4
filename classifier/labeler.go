package classifier

import (
	"context"

	"github.com/logsift/logsift/schemas"
)

// Input is one line as the model sees it.
type Input struct {
	// Message is the cleaned line (textproc.Clean), at most Config.MaxLineBytes.
	Message string
	// Template is the masked line (textproc.Mask): variables replaced by
	// tokens such as <NUM> or <IP>. Caches key on it.
	Template string
	Service  string
	Level    string
}

// Output is the model's answer for one Input.
type Output struct {
	Classification schemas.Classification
	// Err fails only this line: it is retried in a later batch and goes to
	// the dead-letter topic after Config.MaxAttempts failures.
	Err error
	// Cached reports that the answer came from a template cache rather than
	// the model; it is stored with the row.
	Cached bool
}

// Labeler is what the worker needs from a model.
type Labeler interface {
	// Label classifies a batch. It returns exactly one Output per Input, in
	// order. A returned error fails the whole batch, which is retried with
	// backoff: use it for a backend that is down, not for a bad line.
	Label(ctx context.Context, in []Input) ([]Output, error)
	// Name is the model id stored with each row.
	Name() string
}
