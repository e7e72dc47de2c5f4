package tensor

import "fmt"

// Type is a ggml tensor type id.
type Type uint32

// The supported ggml types.
const (
	F32  Type = 0
	F16  Type = 1
	Q4_0 Type = 2
	Q8_0 Type = 8
	BF16 Type = 30
)

// QK is the number of elements in a Q8_0 or Q4_0 block.
const QK = 32

func (t Type) String() string {
	switch t {
	case F32:
		return "f32"
	case F16:
		return "f16"
	case BF16:
		return "bf16"
	case Q8_0:
		return "q8_0"
	case Q4_0:
		return "q4_0"
	}
	return fmt.Sprintf("type(%d)", uint32(t))
}

// Supported reports whether t is one of the types this package implements.
func (t Type) Supported() bool { return t.BlockSize() > 0 }

// BlockSize is the number of elements per block, 0 for unsupported types.
func (t Type) BlockSize() int {
	switch t {
	case F32, F16, BF16:
		return 1
	case Q8_0, Q4_0:
		return QK
	}
	return 0
}

// BlockBytes is the encoded size of one block, 0 for unsupported types.
func (t Type) BlockBytes() int {
	switch t {
	case F32:
		return 4
	case F16, BF16:
		return 2
	case Q8_0:
		return 2 + QK
	case Q4_0:
		return 2 + QK/2
	}
	return 0
}

// RowBytes is the encoded size of cols elements.
func (t Type) RowBytes(cols int) (int, error) {
	bs := t.BlockSize()
	if bs == 0 {
		return 0, fmt.Errorf("tensor: unsupported type %s", t)
	}
	if cols < 0 || cols%bs != 0 {
		return 0, fmt.Errorf("tensor: %d columns is not a multiple of the %s block size %d", cols, t, bs)
	}
	return cols / bs * t.BlockBytes(), nil
}

// ParseType accepts "f32", "f16", "bf16", "q8_0" and "q4_0" (any case).
func ParseType(s string) (Type, error) {
	for _, t := range []Type{F32, F16, BF16, Q8_0, Q4_0} {
		if equalFold(s, t.String()) {
			return t, nil
		}
	}
	return 0, fmt.Errorf("tensor: unknown type %q (want f32, f16, bf16, q8_0 or q4_0)", s)
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
