package gguf

import (
	"fmt"
	"math/bits"
)

// ggml type ids with a known byte layout. Other ggml types (K-quants, IQ
// formats, …) are rejected when a tensor's size must be computed.
const (
	ggmlF32  = 0
	ggmlF16  = 1
	ggmlQ4_0 = 2
	ggmlQ8_0 = 8
	ggmlBF16 = 30
)

// ErrUnsupportedType is wrapped when a tensor has a ggml type this package
// cannot size.
var ErrUnsupportedType = fmt.Errorf("unsupported tensor type")

// blockLayout returns elements per block and bytes per block of a ggml type.
func blockLayout(typ uint32) (elems, size uint64, ok bool) {
	switch typ {
	case ggmlF32:
		return 1, 4, true
	case ggmlF16, ggmlBF16:
		return 1, 2, true
	case ggmlQ8_0:
		return 32, 34, true
	case ggmlQ4_0:
		return 32, 18, true
	}
	return 0, 0, false
}

// TensorBytes is the encoded size of a tensor with the given ggml type and
// dimensions (ggml order).
func TensorBytes(typ uint32, dims []uint64) (uint64, error) { return tensorBytes(typ, dims) }

func tensorBytes(typ uint32, dims []uint64) (uint64, error) {
	be, bs, ok := blockLayout(typ)
	if !ok {
		return 0, fmt.Errorf("%w %d", ErrUnsupportedType, typ)
	}
	if len(dims) == 0 || len(dims) > maxDims {
		return 0, fmt.Errorf("%d dimensions, want 1..%d", len(dims), maxDims)
	}
	if dims[0]%be != 0 {
		return 0, fmt.Errorf("row length %d is not a multiple of the block size %d of type %d", dims[0], be, typ)
	}
	n := dims[0] / be * bs
	for _, d := range dims[1:] {
		hi, lo := bits.Mul64(n, d)
		if hi != 0 || lo > 1<<62 {
			return 0, fmt.Errorf("dimensions %v overflow the size computation", dims)
		}
		n = lo
	}
	if n > 1<<62 {
		return 0, fmt.Errorf("dimensions %v overflow the size computation", dims)
	}
	// The element count must itself fit in int64 (ggml's ne are int64); a zero
	// dimension does not excuse absurd others.
	var elems uint64 = 1
	for _, d := range dims {
		hi, lo := bits.Mul64(elems, max(d, 1))
		if hi != 0 || lo > 1<<62 {
			return 0, fmt.Errorf("dimensions %v overflow the element count", dims)
		}
		elems = lo
	}
	return n, nil
}
