package gguf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"unsafe"
)

const (
	magic            = 0x46554747 // "GGUF" read as a little-endian uint32
	defaultAlignment = 32
	maxDims          = 4  // GGML_MAX_DIMS
	maxArrayDepth    = 16 // arrays of arrays nest at most this deep; bounds recursion on hostile input
	// KeyAlignment is the metadata key that sets the data alignment.
	KeyAlignment = "general.alignment"
)

// ErrFormat is wrapped by every error that reports a malformed file.
var ErrFormat = errors.New("gguf: malformed file")

// TensorInfo describes one tensor of the file.
type TensorInfo struct {
	Name string
	// Dims in ggml order: Dims[0] is the number of elements per row.
	Dims []uint64
	// Type is the ggml type id (0 F32, 1 F16, 2 Q4_0, 8 Q8_0, 30 BF16).
	Type uint32
	// Offset of the tensor's bytes relative to the start of the data section.
	Offset uint64
	// Size in bytes, computed from Type and Dims.
	Size uint64
}

// Elements is the product of the dimensions.
func (t TensorInfo) Elements() uint64 {
	n := uint64(1)
	for _, d := range t.Dims {
		n *= d
	}
	return n
}

// File is a parsed GGUF file. Metadata and Tensors keep file order.
type File struct {
	Version   uint32
	Alignment uint64
	Metadata  []KV
	Tensors   []TensorInfo

	data       []byte // whole file
	dataOffset uint64 // start of the data section within data
	mapped     []byte // non-nil when data is an mmap that Close must release
	kvIndex    map[string]int
	tensorIdx  map[string]int
}

// Parse decodes a GGUF file held in data. The returned File refers to data for
// tensor bytes, so data must not change while the File is used.
func Parse(data []byte) (*File, error) {
	r := &reader{buf: data}
	f, err := r.file()
	if err != nil {
		return nil, err
	}
	f.data = data
	return f, nil
}

// DataOffset is the absolute file offset where the data section starts.
func (f *File) DataOffset() uint64 { return f.dataOffset }

type reader struct {
	buf []byte
	off int
}

func (r *reader) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format+" (at byte %d of %d)", append([]any{ErrFormat}, append(args, r.off, len(r.buf))...)...)
}

func (r *reader) remaining() int { return len(r.buf) - r.off }

// label names what is being read, for error messages. It is formatted only
// when an error occurs, so the hot path of reading 100,000 vocabulary strings
// builds no messages.
type label struct {
	what   string
	key    string // metadata key or tensor name, if any
	idx    int    // element or entry index, if hasIdx
	hasIdx bool
	tensor bool // key is a tensor name
}

func lbl(what string) label             { return label{what: what} }
func keyLbl(what, key string) label     { return label{what: what, key: key} }
func tensorLbl(what, name string) label { return label{what: what, key: name, tensor: true} }
func idxLbl(what string, i int) label   { return label{what: what, idx: i, hasIdx: true} }
func (l label) suffixed(s string) label { l.what += s; return l }

func (l label) String() string {
	s := l.what
	if l.hasIdx {
		s = fmt.Sprintf("%s %d", s, l.idx)
	}
	switch {
	case l.key != "" && l.tensor:
		s = fmt.Sprintf("tensor %q %s", l.key, s)
	case l.key != "":
		s = fmt.Sprintf("%s of key %q", s, l.key)
	}
	return s
}

func (r *reader) need(n int, l label) error {
	if n < 0 || n > r.remaining() {
		return r.errorf("%s needs %d bytes, %d remain", l, n, r.remaining())
	}
	return nil
}

func (r *reader) u8(l label) (uint8, error) {
	if err := r.need(1, l); err != nil {
		return 0, err
	}
	v := r.buf[r.off]
	r.off++
	return v, nil
}

func (r *reader) u16(l label) (uint16, error) {
	if err := r.need(2, l); err != nil {
		return 0, err
	}
	v := binary.LittleEndian.Uint16(r.buf[r.off:])
	r.off += 2
	return v, nil
}

func (r *reader) u32(l label) (uint32, error) {
	if err := r.need(4, l); err != nil {
		return 0, err
	}
	v := binary.LittleEndian.Uint32(r.buf[r.off:])
	r.off += 4
	return v, nil
}

func (r *reader) u64(l label) (uint64, error) {
	if err := r.need(8, l); err != nil {
		return 0, err
	}
	v := binary.LittleEndian.Uint64(r.buf[r.off:])
	r.off += 8
	return v, nil
}

// count reads a uint64 element count and checks that count elements of at
// least minSize bytes each fit in what remains, so that allocating count
// elements is bounded by the input size.
func (r *reader) count(l label, minSize int) (int, error) {
	n, err := r.u64(l)
	if err != nil {
		return 0, err
	}
	limit := uint64(r.remaining())
	if minSize > 0 {
		limit /= uint64(minSize)
	}
	if n > limit {
		return 0, r.errorf("%s %d exceeds what the remaining %d bytes can hold", l, n, r.remaining())
	}
	return int(n), nil
}

func (r *reader) str(l label) (string, error) {
	n, err := r.u64(l.suffixed(" length"))
	if err != nil {
		return "", err
	}
	if n > uint64(r.remaining()) {
		return "", r.errorf("%s length %d beyond the %d remaining bytes", l, n, r.remaining())
	}
	s := string(r.buf[r.off : r.off+int(n)])
	r.off += int(n)
	return s, nil
}

func (r *reader) file() (*File, error) {
	m, err := r.u32(lbl("magic"))
	if err != nil {
		return nil, err
	}
	if m != magic {
		return nil, r.errorf("bad magic %#08x, want %#08x (\"GGUF\")", m, magic)
	}
	f := &File{}
	if f.Version, err = r.u32(lbl("version")); err != nil {
		return nil, err
	}
	switch {
	case f.Version == 2 || f.Version == 3:
	case bits.ReverseBytes32(f.Version) == 3 || bits.ReverseBytes32(f.Version) == 2:
		return nil, r.errorf("big-endian GGUF files are not supported")
	default:
		return nil, r.errorf("unsupported version %d (want 2 or 3)", f.Version)
	}
	// Minimum encoded tensor info: name length 8, n_dims 4, one dim 8, type 4, offset 8.
	nTensors, err := r.count(lbl("tensor count"), 32)
	if err != nil {
		return nil, err
	}
	// Minimum encoded KV: key length 8, type 4, one byte of value.
	nKV, err := r.count(lbl("metadata count"), 13)
	if err != nil {
		return nil, err
	}
	f.Metadata = make([]KV, 0, nKV)
	f.kvIndex = make(map[string]int, nKV)
	for i := 0; i < nKV; i++ {
		kv, err := r.kv(i)
		if err != nil {
			return nil, err
		}
		if _, dup := f.kvIndex[kv.Key]; dup {
			return nil, r.errorf("duplicate metadata key %q", kv.Key)
		}
		f.kvIndex[kv.Key] = len(f.Metadata)
		f.Metadata = append(f.Metadata, kv)
	}
	f.Alignment = defaultAlignment
	if kv, ok := f.Get(KeyAlignment); ok {
		a, ok := asUint64(kv.Value)
		if !ok || a == 0 || a&(a-1) != 0 || a > 1<<30 {
			return nil, r.errorf("%s = %v (%s): want a power of two up to 2^30", KeyAlignment, kv.Value, kv.Type)
		}
		f.Alignment = a
	}
	f.Tensors = make([]TensorInfo, 0, nTensors)
	f.tensorIdx = make(map[string]int, nTensors)
	for i := 0; i < nTensors; i++ {
		t, err := r.tensorInfo(i)
		if err != nil {
			return nil, err
		}
		if _, dup := f.tensorIdx[t.Name]; dup {
			return nil, r.errorf("duplicate tensor name %q", t.Name)
		}
		f.tensorIdx[t.Name] = len(f.Tensors)
		f.Tensors = append(f.Tensors, t)
	}
	// The data section starts at the next multiple of the alignment. A file
	// without tensors may end right after its header, without padding.
	start := alignUp(uint64(r.off), f.Alignment)
	size := uint64(len(r.buf))
	if start > size {
		if len(f.Tensors) > 0 {
			return nil, r.errorf("data section starts at %d, beyond file size %d", start, size)
		}
		start = size
	}
	f.dataOffset = start
	for i := range f.Tensors {
		t := &f.Tensors[i]
		if t.Offset%f.Alignment != 0 {
			return nil, fmt.Errorf("%w: tensor %q: data offset %d is not a multiple of the alignment %d", ErrFormat, t.Name, t.Offset, f.Alignment)
		}
		nbytes, err := tensorBytes(t.Type, t.Dims)
		if err != nil {
			return nil, fmt.Errorf("%w: tensor %q: %w", ErrFormat, t.Name, err)
		}
		t.Size = nbytes
		end, carry := bits.Add64(start, t.Offset, 0)
		end, carry2 := bits.Add64(end, nbytes, carry)
		if carry != 0 || carry2 != 0 || end > size {
			return nil, fmt.Errorf("%w: tensor %q: data offset %d + size %d beyond file size %d (data section at %d)", ErrFormat, t.Name, t.Offset, nbytes, size, start)
		}
	}
	return f, nil
}

func alignUp(x, a uint64) uint64 {
	r := x % a
	if r == 0 {
		return x
	}
	if x > math.MaxUint64-(a-r) {
		return math.MaxUint64
	}
	return x + a - r
}

func (r *reader) kv(i int) (KV, error) {
	key, err := r.str(idxLbl("metadata key", i))
	if err != nil {
		return KV{}, err
	}
	t, err := r.u32(keyLbl("type", key))
	if err != nil {
		return KV{}, err
	}
	v, err := r.value(key, ValueType(t), 0)
	if err != nil {
		return KV{}, err
	}
	return KV{Key: key, Type: ValueType(t), Value: v}, nil
}

func (r *reader) value(key string, t ValueType, depth int) (any, error) {
	what := keyLbl("value", key)
	switch t {
	case TypeUint8:
		return r.u8(what)
	case TypeInt8:
		v, err := r.u8(what)
		return int8(v), err
	case TypeUint16:
		return r.u16(what)
	case TypeInt16:
		v, err := r.u16(what)
		return int16(v), err
	case TypeUint32:
		return r.u32(what)
	case TypeInt32:
		v, err := r.u32(what)
		return int32(v), err
	case TypeFloat32:
		v, err := r.u32(what)
		return math.Float32frombits(v), err
	case TypeBool:
		v, err := r.u8(what)
		if err == nil && v > 1 {
			return nil, r.errorf("key %q: bool value %d is neither 0 nor 1", key, v)
		}
		return v == 1, err
	case TypeString:
		return r.str(what)
	case TypeUint64:
		return r.u64(what)
	case TypeInt64:
		v, err := r.u64(what)
		return int64(v), err
	case TypeFloat64:
		v, err := r.u64(what)
		return math.Float64frombits(v), err
	case TypeArray:
		return r.array(key, depth)
	}
	return nil, r.errorf("key %q: unknown value type %d", key, uint32(t))
}

func (r *reader) array(key string, depth int) (any, error) {
	if depth >= maxArrayDepth {
		return nil, r.errorf("key %q: arrays nested deeper than %d", key, maxArrayDepth)
	}
	et, err := r.u32(keyLbl("array element type", key))
	if err != nil {
		return nil, err
	}
	elem := ValueType(et)
	minSize := elem.minSize()
	if minSize < 0 {
		return nil, r.errorf("key %q: unknown array element type %d", key, et)
	}
	n, err := r.count(keyLbl("array length", key), minSize)
	if err != nil {
		return nil, err
	}
	if fs := elem.fixedSize(); fs > 0 {
		// count() guaranteed n*fs bytes remain.
		raw := r.buf[r.off : r.off+n*fs]
		r.off += n * fs
		return decodeFixed(elem, raw, n, func(v uint8) error {
			return r.errorf("key %q: bool array element %d is neither 0 nor 1", key, v)
		})
	}
	switch elem {
	case TypeString:
		return r.strings(key, n)
	default: // TypeArray
		out := make([]any, n)
		for i := range out {
			if out[i], err = r.array(key, depth+1); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
}

// strings reads n strings of an array. A first pass validates the lengths and
// sums them; the second copies all bytes into one buffer that the strings
// share, so a 50,000-token vocabulary costs two allocations, not 50,000.
func (r *reader) strings(key string, n int) ([]string, error) {
	start := r.off
	total := 0
	for i := 0; i < n; i++ {
		if r.remaining() < 8 {
			return nil, r.errorf("length of element %d of key %q needs 8 bytes, %d remain", i, key, r.remaining())
		}
		l := binary.LittleEndian.Uint64(r.buf[r.off:])
		r.off += 8
		if l > uint64(r.remaining()) {
			return nil, r.errorf("element %d of key %q: length %d beyond the %d remaining bytes", i, key, l, r.remaining())
		}
		r.off += int(l)
		total += int(l)
	}
	out := make([]string, n)
	buf := make([]byte, total)
	r.off = start
	pos := 0
	for i := range out {
		l := int(binary.LittleEndian.Uint64(r.buf[r.off:]))
		r.off += 8
		copy(buf[pos:], r.buf[r.off:r.off+l])
		r.off += l
		if l > 0 {
			out[i] = unsafe.String(&buf[pos], l)
		}
		pos += l
	}
	return out, nil
}

func decodeFixed(t ValueType, raw []byte, n int, badBool func(uint8) error) (any, error) {
	le := binary.LittleEndian
	switch t {
	case TypeUint8:
		return append([]uint8(nil), raw...), nil
	case TypeInt8:
		out := make([]int8, n)
		for i := range out {
			out[i] = int8(raw[i])
		}
		return out, nil
	case TypeBool:
		out := make([]bool, n)
		for i := range out {
			if raw[i] > 1 {
				return nil, badBool(raw[i])
			}
			out[i] = raw[i] == 1
		}
		return out, nil
	case TypeUint16:
		out := make([]uint16, n)
		for i := range out {
			out[i] = le.Uint16(raw[2*i:])
		}
		return out, nil
	case TypeInt16:
		out := make([]int16, n)
		for i := range out {
			out[i] = int16(le.Uint16(raw[2*i:]))
		}
		return out, nil
	case TypeUint32:
		out := make([]uint32, n)
		for i := range out {
			out[i] = le.Uint32(raw[4*i:])
		}
		return out, nil
	case TypeInt32:
		out := make([]int32, n)
		for i := range out {
			out[i] = int32(le.Uint32(raw[4*i:]))
		}
		return out, nil
	case TypeFloat32:
		out := make([]float32, n)
		for i := range out {
			out[i] = math.Float32frombits(le.Uint32(raw[4*i:]))
		}
		return out, nil
	case TypeUint64:
		out := make([]uint64, n)
		for i := range out {
			out[i] = le.Uint64(raw[8*i:])
		}
		return out, nil
	case TypeInt64:
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(le.Uint64(raw[8*i:]))
		}
		return out, nil
	case TypeFloat64:
		out := make([]float64, n)
		for i := range out {
			out[i] = math.Float64frombits(le.Uint64(raw[8*i:]))
		}
		return out, nil
	}
	panic(fmt.Sprintf("BUG: decodeFixed called with %s", t))
}

func (r *reader) tensorInfo(i int) (TensorInfo, error) {
	name, err := r.str(idxLbl("tensor", i).suffixed(" name"))
	if err != nil {
		return TensorInfo{}, err
	}
	nd, err := r.u32(tensorLbl("dimension count", name))
	if err != nil {
		return TensorInfo{}, err
	}
	if nd == 0 || nd > maxDims {
		return TensorInfo{}, r.errorf("tensor %q: %d dimensions, want 1..%d", name, nd, maxDims)
	}
	t := TensorInfo{Name: name, Dims: make([]uint64, nd)}
	for d := range t.Dims {
		if t.Dims[d], err = r.u64(label{what: "dimension", key: name, tensor: true, idx: d, hasIdx: true}); err != nil {
			return TensorInfo{}, err
		}
	}
	if t.Type, err = r.u32(tensorLbl("type", name)); err != nil {
		return TensorInfo{}, err
	}
	if t.Offset, err = r.u64(tensorLbl("offset", name)); err != nil {
		return TensorInfo{}, err
	}
	return t, nil
}

// asUint64 converts any non-negative integer value.
func asUint64(v any) (uint64, bool) {
	switch x := v.(type) {
	case uint8:
		return uint64(x), true
	case uint16:
		return uint64(x), true
	case uint32:
		return uint64(x), true
	case uint64:
		return x, true
	case int8:
		return uint64(x), x >= 0
	case int16:
		return uint64(x), x >= 0
	case int32:
		return uint64(x), x >= 0
	case int64:
		return uint64(x), x >= 0
	}
	return 0, false
}

// asInt64 converts any integer value that fits in an int64.
func asInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int8:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint64:
		return int64(x), x <= math.MaxInt64
	}
	return 0, false
}
