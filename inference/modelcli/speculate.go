package modelcli

import (
	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/inference/model"
)

// speculateFlags are --draft-model and --speculate of generate and bench.
type speculateFlags struct {
	draftPath string
	mode      string
}

// check validates the flags before any model is loaded: "" means auto
// with a draft model and off without one.
func (f *speculateFlags) check() error {
	switch f.mode {
	case "":
		f.mode = engine.SpeculateOff
		if f.draftPath != "" {
			f.mode = engine.SpeculateAuto
		}
	case engine.SpeculateOff, engine.SpeculateLookup, engine.SpeculateAuto:
	case engine.SpeculateDraft:
		if f.draftPath == "" {
			return usagef("--speculate draft needs --draft-model")
		}
	default:
		return usagef("--speculate %q: want off, draft, lookup or auto", f.mode)
	}
	return nil
}

// load loads the draft model (nil without --draft-model).
func (f *speculateFlags) load(threads int, maxBatch int) (*model.Model, error) {
	if f.draftPath == "" {
		return nil, nil
	}
	return model.Load(f.draftPath, model.Options{Threads: threads, MaxBatch: maxBatch})
}
