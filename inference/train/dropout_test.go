package train

import (
	"math"
	"slices"
	"testing"
)

// A mask keeps about 1−p of the elements, scaled so its mean is 1, and
// depends on the step, shard and chunk it is drawn for.
func TestDropoutMask(t *testing.T) {
	const n, p = 1 << 16, 0.25
	m := make([]float32, n)
	newDropout(p, 1, 3, 0, 0).mask(m)
	kept, sum := 0, 0.0
	for _, v := range m {
		switch v {
		case 0:
		case float32(1 / (1 - p)):
			kept++
		default:
			t.Fatalf("mask element %v, want 0 or %v", v, 1/(1-p))
		}
		sum += float64(v)
	}
	if f := float64(kept) / n; math.Abs(f-(1-p)) > 0.01 {
		t.Errorf("kept %.4f of the elements, want %.2f", f, 1-p)
	}
	if mean := sum / n; math.Abs(mean-1) > 0.015 {
		t.Errorf("mask mean %.4f, want 1", mean)
	}
	same := make([]float32, n)
	newDropout(p, 1, 3, 0, 0).mask(same)
	if !slices.Equal(m, same) {
		t.Errorf("the same seed, step, shard and chunk drew different masks")
	}
	for _, o := range []*dropout{newDropout(p, 2, 3, 0, 0), newDropout(p, 1, 4, 0, 0), newDropout(p, 1, 3, 1, 0), newDropout(p, 1, 3, 0, 1)} {
		o.mask(same)
		if slices.Equal(m, same) {
			t.Errorf("another seed, step, shard or chunk drew the same mask")
		}
	}
	if newDropout(0, 1, 3, 0, 0) != nil {
		t.Errorf("dropout 0 returned masks")
	}
}
