package classifier

import (
	"context"
	"fmt"
	"time"
)

// labelerFault is a Labeler that broke its contract: it panicked or
// returned the wrong number of outputs. Unlike an error it may be caused by
// one line, so the batch is relabelled line by line to find it.
type labelerFault struct{ msg string }

func (e *labelerFault) Error() string { return e.msg }

// label runs the Labeler on in. A returned error is taken for an outage and
// retried with backoff until ctx ends (done = false). A fault is isolated:
// each line is labelled alone and a line that faults again gets a per-line
// error, so one poison line costs only itself.
func (w *Worker) label(ctx context.Context, in []Input) (outs []Output, done bool) {
	w.m.batchSize.Observe(float64(len(in)))
	var fault *labelerFault
	ok := retry(ctx, w, "label", func() error {
		var err error
		outs, err = w.labelOnce(ctx, in)
		if f, isFault := err.(*labelerFault); isFault {
			fault = f
			return nil
		}
		return err
	})
	if !ok {
		return nil, false
	}
	if fault == nil {
		return outs, true
	}
	w.log.Warn("labeler fault; labelling the batch line by line", "lines", len(in), "err", fault)
	outs = make([]Output, len(in))
	for i := range in {
		var one []Output
		ok := retry(ctx, w, "label", func() error {
			var err error
			one, err = w.labelOnce(ctx, in[i:i+1])
			if f, isFault := err.(*labelerFault); isFault {
				one = []Output{{Err: f}}
				return nil
			}
			return err
		})
		if !ok {
			return nil, false
		}
		outs[i] = one[0]
	}
	return outs, true
}

func (w *Worker) labelOnce(ctx context.Context, in []Input) (outs []Output, err error) {
	start := time.Now()
	defer func() {
		w.m.label.Observe(time.Since(start).Seconds())
		if p := recover(); p != nil {
			outs, err = nil, &labelerFault{msg: fmt.Sprintf("labeler %s panicked: %v", w.labeler.Name(), p)}
		}
	}()
	outs, err = w.labeler.Label(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("labeler %s: %w", w.labeler.Name(), err)
	}
	if len(outs) != len(in) {
		return nil, &labelerFault{msg: fmt.Sprintf("labeler %s returned %d outputs for %d inputs", w.labeler.Name(), len(outs), len(in))}
	}
	return outs, nil
}
