package gguf

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

// sampleWriter builds a small file using every value type, nested arrays and
// tensors of every supported type.
func sampleWriter(t testing.TB) *Writer {
	t.Helper()
	w := NewWriter()
	w.SetKV("general.architecture", TypeString, "llama")
	w.SetKV("u8", TypeUint8, uint8(200))
	w.SetKV("i8", TypeInt8, int8(-5))
	w.SetKV("u16", TypeUint16, uint16(60000))
	w.SetKV("i16", TypeInt16, int16(-30000))
	w.SetKV("u32", TypeUint32, uint32(64))
	w.SetKV("i32", TypeInt32, int32(-7))
	w.SetKV("f32", TypeFloat32, float32(1e-5))
	w.SetKV("bool", TypeBool, true)
	w.SetKV("u64", TypeUint64, uint64(1)<<40)
	w.SetKV("i64", TypeInt64, int64(-1)<<40)
	w.SetKV("f64", TypeFloat64, 2.5)
	w.SetKV("strs", TypeArray, []string{"a", "", "ü"})
	w.SetKV("i32s", TypeArray, []int32{1, -2, 3})
	w.SetKV("f32s", TypeArray, []float32{0.5, -1})
	w.SetKV("bools", TypeArray, []bool{true, false})
	w.SetKV("nested", TypeArray, []any{[]uint8{1, 2}, []string{"x"}, []any{}, []any{[]int64{-1}}})
	w.SetKV("empty", TypeArray, []float64{})
	add := func(name string, typ uint32, dims []uint64, n int) {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i*7 + len(name))
		}
		if err := w.AddTensor(name, typ, dims, data); err != nil {
			t.Fatal(err)
		}
	}
	add("f32", 0, []uint64{3, 2}, 24)
	add("f16", 1, []uint64{5}, 10)
	add("bf16", 30, []uint64{2, 2, 2}, 16)
	add("q8", 8, []uint64{64, 2}, 136)
	add("q4", 2, []uint64{32, 1, 1, 1}, 18)
	add("last", 0, []uint64{8}, 32) // ends on an alignment boundary
	return w
}

func encode(t testing.TB, w *Writer) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWriterRoundTrip(t *testing.T) {
	w := sampleWriter(t)
	data := encode(t, w)
	f, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Metadata) != len(w.kvs) {
		t.Fatalf("%d keys, want %d", len(f.Metadata), len(w.kvs))
	}
	for i, kv := range w.kvs {
		if !reflect.DeepEqual(f.Metadata[i], kv) {
			t.Errorf("key %d: got %#v, want %#v", i, f.Metadata[i], kv)
		}
	}
	for i, wt := range w.tensors {
		got := f.Tensors[i]
		if got.Name != wt.info.Name || !reflect.DeepEqual(got.Dims, wt.info.Dims) || got.Type != wt.info.Type || got.Size != wt.info.Size {
			t.Errorf("tensor %d: got %+v, want %+v", i, got, wt.info)
		}
		if got.Offset%32 != 0 {
			t.Errorf("tensor %q offset %d not aligned", got.Name, got.Offset)
		}
		if !bytes.Equal(f.TensorData(got), wt.data) {
			t.Errorf("tensor %q data differs", got.Name)
		}
	}
	if et, ok := f.Metadata[len(f.Metadata)-2].ElemType(); !ok || et != TypeArray {
		t.Errorf("nested ElemType = %v %v", et, ok)
	}
	w2, err := NewWriterFrom(f)
	if err != nil {
		t.Fatal(err)
	}
	if again := encode(t, w2); !bytes.Equal(again, data) {
		t.Error("parse → write is not byte-identical")
	}
}

func TestWriterSetKV(t *testing.T) {
	w := NewWriter()
	w.SetKV("a", TypeUint32, 1)
	w.SetKV("b", TypeString, "x")
	w.SetKV("a", TypeInt64, -3) // replaces, keeps position
	w.SetKV(KeyAlignment, TypeUint32, 64)
	if err := w.AddTensor("t", 0, []uint64{3}, make([]byte, 12)); err != nil {
		t.Fatal(err)
	}
	f, err := Parse(encode(t, w))
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata[0].Key != "a" || f.Metadata[0].Value != int64(-3) || f.Metadata[1].Key != "b" {
		t.Errorf("metadata %v", f.Metadata)
	}
	if f.Alignment != 64 || f.DataOffset()%64 != 0 {
		t.Errorf("alignment %d data offset %d", f.Alignment, f.DataOffset())
	}
	if v, ok := f.Int("a"); !ok || v != -3 {
		t.Errorf("Int(a) = %d %v", v, ok)
	}
	if _, ok := f.Uint32("a"); ok {
		t.Error("Uint32 accepted a negative value")
	}
	w.Delete("a")
	if f, err = Parse(encode(t, w)); err != nil || f.Metadata[0].Key != "b" {
		t.Errorf("after Delete: %v %v", f.Metadata, err)
	}
}

func TestWriterErrors(t *testing.T) {
	w := NewWriter()
	if err := w.AddTensor("x", 0, []uint64{4}, make([]byte, 15)); err == nil {
		t.Error("size mismatch accepted")
	}
	if err := w.AddTensor("x", 8, []uint64{33}, make([]byte, 34)); err == nil {
		t.Error("Q8_0 row of 33 accepted")
	}
	if err := w.AddTensor("x", 12, []uint64{256}, make([]byte, 144)); !errors.Is(err, ErrUnsupportedType) {
		t.Errorf("Q4_K: %v, want ErrUnsupportedType", err)
	}
	if err := w.AddTensor("x", 0, []uint64{1}, make([]byte, 4)); err != nil {
		t.Fatal(err)
	}
	if err := w.AddTensor("x", 0, []uint64{1}, make([]byte, 4)); err == nil {
		t.Error("duplicate tensor accepted")
	}
	f := func(typ ValueType, v any, want string) {
		t.Helper()
		w := NewWriter()
		w.SetKV("k", typ, v)
		_, err := w.WriteTo(&bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("SetKV(%s, %#v): error %v, want it to mention %q", typ, v, err, want)
		}
	}
	f(TypeUint32, "x", "does not match")
	f(TypeUint8, 300, "does not match")
	f(TypeArray, []int{1}, "typed slice")
	f(TypeArray, []any{[]int{1}}, "element 0")
	f(ValueType(99), uint8(1), "does not match")
	w = NewWriter()
	w.SetKV(KeyAlignment, TypeUint32, 3)
	if _, err := w.WriteTo(&bytes.Buffer{}); err == nil {
		t.Error("alignment 3 accepted")
	}
}

func TestParseSpecialFloats(t *testing.T) {
	w := NewWriter()
	w.SetKV("nan", TypeFloat32, float32(math.NaN()))
	w.SetKV("inf", TypeFloat64, math.Inf(-1))
	f, err := Parse(encode(t, w))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Float32("nan"); !math.IsNaN(float64(v)) {
		t.Errorf("nan = %v", v)
	}
	if v, _ := f.Float32("inf"); !math.IsInf(float64(v), -1) {
		t.Errorf("inf = %v", v)
	}
}
