package models

import (
	_ "embed"
	"fmt"

	"github.com/logsift/logsift/inference/gguf"
	"github.com/logsift/logsift/inference/model"
)

// IDs under which the embedded models are served and stored with rows.
const (
	TargetID = "logsift-default"
	DraftID  = "logsift-default-draft"
)

var (
	//go:embed target.gguf
	target []byte
	//go:embed draft.gguf
	draft []byte
)

// Target returns the embedded classifier's GGUF bytes. Callers must not
// modify them.
func Target() []byte { return target }

// Draft returns the embedded draft model's GGUF bytes. Callers must not
// modify them.
func Draft() []byte { return draft }

// LoadTarget binds the embedded classifier for the engine.
func LoadTarget(opts model.Options) (*model.Model, error) { return load(TargetID, target, opts) }

// LoadDraft binds the embedded draft model.
func LoadDraft(opts model.Options) (*model.Model, error) { return load(DraftID, draft, opts) }

func load(id string, data []byte, opts model.Options) (*model.Model, error) {
	// The kernels read tensor data in place as float32 and block structs;
	// embedded data has no alignment promise, a fresh large allocation is
	// page-aligned. A few megabytes, copied once.
	buf := make([]byte, len(data))
	copy(buf, data)
	f, err := gguf.Parse(buf)
	if err != nil {
		return nil, fmt.Errorf("models: embedded %s: %w", id, err)
	}
	m, err := model.FromGGUF(f, opts)
	if err != nil {
		return nil, fmt.Errorf("models: embedded %s: %w", id, err)
	}
	return m, nil
}
