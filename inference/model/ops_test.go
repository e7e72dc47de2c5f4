package model

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/logsift/logsift/inference/tensor"
)

func TestRopeScaled(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([]float32, 3*64)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	for _, neox := range []bool{false, true} {
		// No scaling: exactly tensor.Rope.
		a, b := slices.Clone(x), slices.Clone(x)
		tensor.Rope(a, 3, 64, 48, 37, 10000, neox)
		ropeScaled(b, 3, 64, 48, 37, 10000, 1, nil, neox)
		if !slices.Equal(a, b) {
			t.Errorf("neox %v: unscaled ropeScaled differs from tensor.Rope", neox)
		}
		// Linear scale 1/2 at position 2p turns like no scaling at p, and
		// factors of 2 do the same.
		ones := make([]float32, 24)
		twos := make([]float32, 24)
		for i := range ones {
			ones[i], twos[i] = 1, 2
		}
		c, d := slices.Clone(x), slices.Clone(x)
		ropeScaled(c, 3, 64, 48, 74, 10000, 0.5, ones, neox)
		ropeScaled(d, 3, 64, 48, 74, 10000, 1, twos, neox)
		if !slices.Equal(a, c) || !slices.Equal(a, d) {
			t.Errorf("neox %v: scaled rope at 2p differs from plain rope at p", neox)
		}
	}
}
