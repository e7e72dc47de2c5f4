package gguf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// Writer builds a GGUF v3 file. Metadata keeps insertion order; tensors are
// laid out in the order they were added, each padded to the alignment, as
// llama.cpp's writer does, so a canonical file read and written back is
// byte-identical.
//
// Tensor data passed to AddTensor is not copied: it must stay unchanged until
// WriteTo returns.
type Writer struct {
	kvs     []KV
	kvIndex map[string]int
	tensors []writerTensor
	names   map[string]bool
}

type writerTensor struct {
	info TensorInfo
	data []byte
}

// NewWriter returns an empty Writer.
func NewWriter() *Writer {
	return &Writer{kvIndex: map[string]int{}, names: map[string]bool{}}
}

// NewWriterFrom returns a Writer holding f's metadata and tensors (tensor data
// still refers to f).
func NewWriterFrom(f *File) (*Writer, error) {
	w := NewWriter()
	for _, kv := range f.Metadata {
		w.SetKV(kv.Key, kv.Type, kv.Value)
	}
	for _, t := range f.Tensors {
		if err := w.AddTensor(t.Name, t.Type, t.Dims, f.TensorData(t)); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// SetKV sets a metadata entry, keeping its first insertion position when the key
// already exists. A Go int is accepted for any integer type; other mismatches
// between typ and value are reported by WriteTo.
func (w *Writer) SetKV(key string, typ ValueType, value any) {
	if i, ok := value.(int); ok {
		value = convertInt(typ, i)
	}
	kv := KV{Key: key, Type: typ, Value: value}
	if i, ok := w.kvIndex[key]; ok {
		w.kvs[i] = kv
		return
	}
	w.kvIndex[key] = len(w.kvs)
	w.kvs = append(w.kvs, kv)
}

// Delete removes a metadata entry.
func (w *Writer) Delete(key string) {
	i, ok := w.kvIndex[key]
	if !ok {
		return
	}
	w.kvs = append(w.kvs[:i], w.kvs[i+1:]...)
	delete(w.kvIndex, key)
	for j := i; j < len(w.kvs); j++ {
		w.kvIndex[w.kvs[j].Key] = j
	}
}

func convertInt(typ ValueType, i int) any {
	fits := func(lo, hi int64) bool { return int64(i) >= lo && int64(i) <= hi }
	switch {
	case typ == TypeUint8 && fits(0, math.MaxUint8):
		return uint8(i)
	case typ == TypeInt8 && fits(math.MinInt8, math.MaxInt8):
		return int8(i)
	case typ == TypeUint16 && fits(0, math.MaxUint16):
		return uint16(i)
	case typ == TypeInt16 && fits(math.MinInt16, math.MaxInt16):
		return int16(i)
	case typ == TypeUint32 && fits(0, math.MaxUint32):
		return uint32(i)
	case typ == TypeInt32 && fits(math.MinInt32, math.MaxInt32):
		return int32(i)
	case typ == TypeUint64 && i >= 0:
		return uint64(i)
	case typ == TypeInt64:
		return int64(i)
	}
	return i // WriteTo reports the mismatch
}

// AddTensor appends a tensor. dims are in ggml order (dims[0] elements per row)
// and len(data) must equal the size implied by typ and dims.
func (w *Writer) AddTensor(name string, typ uint32, dims []uint64, data []byte) error {
	if w.names[name] {
		return fmt.Errorf("gguf: tensor %q added twice", name)
	}
	size, err := tensorBytes(typ, dims)
	if err != nil {
		return fmt.Errorf("gguf: tensor %q: %w", name, err)
	}
	if uint64(len(data)) != size {
		return fmt.Errorf("gguf: tensor %q: %d data bytes, type %d with dims %v needs %d", name, len(data), typ, dims, size)
	}
	w.names[name] = true
	w.tensors = append(w.tensors, writerTensor{
		info: TensorInfo{Name: name, Dims: append([]uint64(nil), dims...), Type: typ, Size: size},
		data: data,
	})
	return nil
}

func (w *Writer) alignment() (uint64, error) {
	i, ok := w.kvIndex[KeyAlignment]
	if !ok {
		return defaultAlignment, nil
	}
	a, ok := asUint64(w.kvs[i].Value)
	if !ok || a == 0 || a&(a-1) != 0 || a > 1<<30 {
		return 0, fmt.Errorf("gguf: %s = %v: want a power of two up to 2^30", KeyAlignment, w.kvs[i].Value)
	}
	return a, nil
}

// countingWriter tracks the bytes written and the first error, so encoding
// code can write unconditionally and check once.
type countingWriter struct {
	w       *bufio.Writer
	n       int64
	err     error
	scratch [8]byte
}

func (c *countingWriter) write(p []byte) {
	if c.err != nil {
		return
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
}

func (c *countingWriter) u32(v uint32) { c.write(binary.LittleEndian.AppendUint32(c.scratch[:0], v)) }
func (c *countingWriter) u64(v uint64) { c.write(binary.LittleEndian.AppendUint64(c.scratch[:0], v)) }
func (c *countingWriter) str(s string) {
	c.u64(uint64(len(s)))
	if c.err == nil {
		n, err := c.w.WriteString(s)
		c.n += int64(n)
		c.err = err
	}
}

var zeros [64]byte

func (c *countingWriter) pad(align uint64) {
	for c.err == nil && uint64(c.n)%align != 0 {
		k := align - uint64(c.n)%align
		if k > uint64(len(zeros)) {
			k = uint64(len(zeros))
		}
		c.write(zeros[:k])
	}
}

// WriteTo encodes the file. The alignment comes from general.alignment
// (default 32).
func (w *Writer) WriteTo(out io.Writer) (int64, error) {
	align, err := w.alignment()
	if err != nil {
		return 0, err
	}
	// Validate every value before writing anything, so a bad value never
	// leaves a half-written file behind.
	for _, kv := range w.kvs {
		if err := checkValue(kv.Type, kv.Value, 0); err != nil {
			return 0, fmt.Errorf("gguf: key %q: %w", kv.Key, err)
		}
	}
	c := &countingWriter{w: bufio.NewWriterSize(out, 1<<16)}
	c.u32(magic)
	c.u32(3)
	c.u64(uint64(len(w.tensors)))
	c.u64(uint64(len(w.kvs)))
	for _, kv := range w.kvs {
		c.str(kv.Key)
		c.u32(uint32(kv.Type))
		writeValue(c, kv.Type, kv.Value)
	}
	var off uint64
	for _, t := range w.tensors {
		c.str(t.info.Name)
		c.u32(uint32(len(t.info.Dims)))
		for _, d := range t.info.Dims {
			c.u64(d)
		}
		c.u32(t.info.Type)
		c.u64(off)
		off = alignUp(off+t.info.Size, align)
	}
	// A metadata-only file ends right after its header, as gguf-py writes
	// vocabulary files; with tensors the data section starts aligned.
	if len(w.tensors) > 0 {
		c.pad(align)
	}
	for _, t := range w.tensors {
		c.write(t.data)
		c.pad(align)
	}
	if c.err == nil {
		c.err = c.w.Flush()
	}
	if c.err != nil {
		return c.n, fmt.Errorf("gguf: write: %w", c.err)
	}
	return c.n, nil
}

var errDepth = errors.New("arrays nested too deeply")

func checkValue(typ ValueType, v any, depth int) error {
	if typ == TypeArray {
		if depth >= maxArrayDepth {
			return errDepth
		}
		et, ok := arrayElemType(v)
		if !ok {
			return fmt.Errorf("array value has Go type %T, want a typed slice or []any", v)
		}
		if et == TypeArray {
			for i, e := range v.([]any) {
				if err := checkValue(TypeArray, e, depth+1); err != nil {
					return fmt.Errorf("element %d: %w", i, err)
				}
			}
		}
		return nil
	}
	st, ok := scalarType(v)
	if !ok || st != typ {
		return fmt.Errorf("value of Go type %T does not match type %s", v, typ)
	}
	return nil
}

func writeValue(c *countingWriter, typ ValueType, v any) {
	le := binary.LittleEndian
	switch x := v.(type) {
	case uint8:
		c.write([]byte{x})
	case int8:
		c.write([]byte{byte(x)})
	case bool:
		b := byte(0)
		if x {
			b = 1
		}
		c.write([]byte{b})
	case uint16:
		c.write(le.AppendUint16(nil, x))
	case int16:
		c.write(le.AppendUint16(nil, uint16(x)))
	case uint32:
		c.u32(x)
	case int32:
		c.u32(uint32(x))
	case float32:
		c.u32(math.Float32bits(x))
	case uint64:
		c.u64(x)
	case int64:
		c.u64(uint64(x))
	case float64:
		c.u64(math.Float64bits(x))
	case string:
		c.str(x)
	default:
		writeArray(c, v)
	}
}

func writeArray(c *countingWriter, v any) {
	et, _ := arrayElemType(v)
	c.u32(uint32(et))
	le := binary.LittleEndian
	buf := make([]byte, 0, 4096)
	flush := func(force bool) {
		if force || len(buf) > 4000 {
			c.write(buf)
			buf = buf[:0]
		}
	}
	switch x := v.(type) {
	case []uint8:
		c.u64(uint64(len(x)))
		c.write(x)
	case []int8:
		c.u64(uint64(len(x)))
		for _, e := range x {
			buf = append(buf, byte(e))
			flush(false)
		}
	case []bool:
		c.u64(uint64(len(x)))
		for _, e := range x {
			b := byte(0)
			if e {
				b = 1
			}
			buf = append(buf, b)
			flush(false)
		}
	case []uint16:
		c.u64(uint64(len(x)))
		for _, e := range x {
			buf = le.AppendUint16(buf, e)
			flush(false)
		}
	case []int16:
		c.u64(uint64(len(x)))
		for _, e := range x {
			buf = le.AppendUint16(buf, uint16(e))
			flush(false)
		}
	case []uint32:
		c.u64(uint64(len(x)))
		for _, e := range x {
			buf = le.AppendUint32(buf, e)
			flush(false)
		}
	case []int32:
		c.u64(uint64(len(x)))
		for _, e := range x {
			buf = le.AppendUint32(buf, uint32(e))
			flush(false)
		}
	case []float32:
		c.u64(uint64(len(x)))
		for _, e := range x {
			buf = le.AppendUint32(buf, math.Float32bits(e))
			flush(false)
		}
	case []uint64:
		c.u64(uint64(len(x)))
		for _, e := range x {
			buf = le.AppendUint64(buf, e)
			flush(false)
		}
	case []int64:
		c.u64(uint64(len(x)))
		for _, e := range x {
			buf = le.AppendUint64(buf, uint64(e))
			flush(false)
		}
	case []float64:
		c.u64(uint64(len(x)))
		for _, e := range x {
			buf = le.AppendUint64(buf, math.Float64bits(e))
			flush(false)
		}
	case []string:
		c.u64(uint64(len(x)))
		for _, e := range x {
			c.str(e)
		}
	case []any:
		c.u64(uint64(len(x)))
		for _, e := range x {
			writeArray(c, e)
		}
	}
	flush(true)
}
