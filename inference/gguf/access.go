package gguf

import "math"

// Get returns the metadata entry named key.
func (f *File) Get(key string) (KV, bool) {
	i, ok := f.kvIndex[key]
	if !ok {
		return KV{}, false
	}
	return f.Metadata[i], true
}

// String returns a string value.
func (f *File) String(key string) (string, bool) {
	kv, ok := f.Get(key)
	if !ok {
		return "", false
	}
	s, ok := kv.Value.(string)
	return s, ok
}

// Uint32 returns an integer value of any type that fits in a uint32.
func (f *File) Uint32(key string) (uint32, bool) {
	kv, ok := f.Get(key)
	if !ok {
		return 0, false
	}
	v, ok := asUint64(kv.Value)
	if !ok || v > math.MaxUint32 {
		return 0, false
	}
	return uint32(v), true
}

// Int returns an integer value of any type that fits in an int.
func (f *File) Int(key string) (int, bool) {
	kv, ok := f.Get(key)
	if !ok {
		return 0, false
	}
	v, ok := asInt64(kv.Value)
	if !ok || int64(int(v)) != v {
		return 0, false
	}
	return int(v), true
}

// Float32 returns a float32 or float64 value as float32.
func (f *File) Float32(key string) (float32, bool) {
	kv, ok := f.Get(key)
	if !ok {
		return 0, false
	}
	switch v := kv.Value.(type) {
	case float32:
		return v, true
	case float64:
		return float32(v), true
	}
	return 0, false
}

// Bool returns a bool value.
func (f *File) Bool(key string) (bool, bool) {
	kv, ok := f.Get(key)
	if !ok {
		return false, false
	}
	b, ok := kv.Value.(bool)
	return b, ok
}

// Strings returns a string array. The slice is shared with the File.
func (f *File) Strings(key string) ([]string, bool) {
	kv, ok := f.Get(key)
	if !ok {
		return nil, false
	}
	s, ok := kv.Value.([]string)
	return s, ok
}

// Int32s returns an int32 array. The slice is shared with the File.
func (f *File) Int32s(key string) ([]int32, bool) {
	kv, ok := f.Get(key)
	if !ok {
		return nil, false
	}
	s, ok := kv.Value.([]int32)
	return s, ok
}

// Float32s returns a float32 array. The slice is shared with the File.
func (f *File) Float32s(key string) ([]float32, bool) {
	kv, ok := f.Get(key)
	if !ok {
		return nil, false
	}
	s, ok := kv.Value.([]float32)
	return s, ok
}

// Tensor returns the descriptor of the tensor named name.
func (f *File) Tensor(name string) (TensorInfo, bool) {
	i, ok := f.tensorIdx[name]
	if !ok {
		return TensorInfo{}, false
	}
	return f.Tensors[i], true
}

// TensorData returns the bytes of t, a slice of the file's memory (read-only
// when the file is memory-mapped; invalid after Close). The bounds were
// validated when the file was opened; a TensorInfo that does not come from f
// and does not fit yields nil.
func (f *File) TensorData(t TensorInfo) []byte {
	start := f.dataOffset + t.Offset
	end := start + t.Size
	if start < f.dataOffset || end < start || end > uint64(len(f.data)) {
		return nil
	}
	return f.data[start:end:end]
}
