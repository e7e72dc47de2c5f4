package gguf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// raw assembles GGUF bytes by hand, independently of Writer, so that the
// reader can be fed exactly the malformation under test.
type raw struct{ b []byte }

func (r *raw) u8(v uint8) *raw   { r.b = append(r.b, v); return r }
func (r *raw) u32(v uint32) *raw { r.b = binary.LittleEndian.AppendUint32(r.b, v); return r }
func (r *raw) u64(v uint64) *raw { r.b = binary.LittleEndian.AppendUint64(r.b, v); return r }
func (r *raw) str(s string) *raw { r.u64(uint64(len(s))); r.b = append(r.b, s...); return r }
func (r *raw) header(nTensors, nKV uint64) *raw {
	return r.u32(magic).u32(3).u64(nTensors).u64(nKV)
}
func (r *raw) padTo(a int) *raw {
	for len(r.b)%a != 0 {
		r.b = append(r.b, 0)
	}
	return r
}
func (r *raw) zeros(n int) *raw { r.b = append(r.b, make([]byte, n)...); return r }

// tensor writes one tensor info.
func (r *raw) tensor(name string, typ uint32, off uint64, dims ...uint64) *raw {
	r.str(name).u32(uint32(len(dims)))
	for _, d := range dims {
		r.u64(d)
	}
	return r.u32(typ).u64(off)
}

func TestParseTruncated(t *testing.T) {
	data := encode(t, sampleWriter(t))
	if _, err := Parse(data); err != nil {
		t.Fatal(err)
	}
	// The sample's last tensor ends exactly at the end of the file, so every
	// shorter prefix must fail.
	for n := 0; n < len(data); n++ {
		if _, err := Parse(data[:n]); err == nil {
			t.Fatalf("prefix of %d/%d bytes parsed without error", n, len(data))
		} else if !errors.Is(err, ErrFormat) {
			t.Fatalf("prefix %d: error %v does not wrap ErrFormat", n, err)
		}
	}
}

func TestParseCorruptedBytes(t *testing.T) {
	// Flip every byte of the header region in turn: each result must either
	// parse or fail with an error, never panic.
	data := encode(t, sampleWriter(t))
	f, _ := Parse(data)
	for i := 0; i < int(f.DataOffset()); i++ {
		for _, x := range []byte{0xff, 0x80, 0x01} {
			c := bytes.Clone(data)
			c[i] ^= x
			_, _ = Parse(c)
		}
	}
}

func TestParseMalformed(t *testing.T) {
	f := func(name string, data []byte, want string) {
		t.Helper()
		_, err := Parse(data)
		if err == nil {
			t.Errorf("%s: parsed without error", name)
			return
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %q does not mention %q", name, err, want)
		}
	}
	r := func() *raw { return &raw{} }
	big := uint64(1) << 62

	f("empty", nil, "magic needs 4 bytes")
	f("bad magic", r().u32(0x46554746).u32(3).u64(0).u64(0).b, "bad magic")
	f("version 1", r().u32(magic).u32(1).u64(0).u64(0).b, "unsupported version 1")
	f("big endian", r().u32(magic).u32(3<<24).u64(0).u64(0).b, "big-endian")
	f("huge tensor count", r().header(big, 0).b, "tensor count")
	f("huge kv count", r().header(0, big).b, "metadata count")
	f("huge key length", r().header(0, 1).u64(big).zeros(8).b, "metadata key 0 length")
	f("unknown type", r().header(0, 1).str("k").u32(13).zeros(8).b, "unknown value type 13")
	f("bad bool", r().header(0, 1).str("k").u32(uint32(TypeBool)).u8(2).b, "bool value 2")
	f("truncated u64", r().header(0, 1).str("k").u32(uint32(TypeUint64)).zeros(4).b, "needs 8 bytes")
	f("huge array", r().header(0, 1).str("k").u32(uint32(TypeArray)).u32(uint32(TypeUint32)).u64(big).zeros(16).b, "array length")
	f("huge string array", r().header(0, 1).str("k").u32(uint32(TypeArray)).u32(uint32(TypeString)).u64(1000).zeros(100).b, "array length")
	f("string elem too long", r().header(0, 1).str("k").u32(uint32(TypeArray)).u32(uint32(TypeString)).u64(1).u64(100).zeros(10).b, "element 0")
	f("unknown elem type", r().header(0, 1).str("k").u32(uint32(TypeArray)).u32(77).u64(0).b, "unknown array element type 77")
	f("bad bool elem", r().header(0, 1).str("k").u32(uint32(TypeArray)).u32(uint32(TypeBool)).u64(2).u8(1).u8(9).b, "bool array element 9")
	deep := r().header(0, 1).str("k").u32(uint32(TypeArray))
	for range 40 {
		deep.u32(uint32(TypeArray)).u64(1)
	}
	deep.zeros(200)
	f("deep nesting", deep.b, "nested deeper")
	f("duplicate key", r().header(0, 2).str("k").u32(uint32(TypeUint8)).u8(1).str("k").u32(uint32(TypeUint8)).u8(1).b, "duplicate metadata key \"k\"")
	f("alignment 0", r().header(0, 1).str(KeyAlignment).u32(uint32(TypeUint32)).u32(0).b, "power of two")
	f("alignment 48", r().header(0, 1).str(KeyAlignment).u32(uint32(TypeUint32)).u32(48).b, "power of two")
	f("alignment string", r().header(0, 1).str(KeyAlignment).u32(uint32(TypeString)).str("32").b, "power of two")

	one := func(name string, typ uint32, off uint64, dataBytes int, dims ...uint64) []byte {
		b := r().header(1, 0).tensor(name, typ, off, dims...).padTo(32).zeros(dataBytes)
		return b.b
	}
	f("zero dims", one("x", 0, 0, 64), "0 dimensions")
	f("five dims", one("x", 0, 0, 64, 1, 1, 1, 1, 1), "5 dimensions")
	f("unsupported type", one("x", 12, 0, 256, 256), "unsupported tensor type 12")
	f("q8 row", one("x", 8, 0, 64, 33), "not a multiple of the block size")
	f("dims overflow", one("x", 0, 0, 64, 1<<40, 1<<40), "overflow")
	f("element overflow", one("x", 0, 0, 0, 0, 1<<40, 1<<40, 1<<40), "overflow")
	f("misaligned", one("x", 0, 4, 64, 4), "not a multiple of the alignment")
	f("beyond file", one("x", 0, 0, 16, 8), "tensor \"x\": data offset 0 + size 32 beyond file size")
	f("offset beyond file", one("x", 0, 1<<63, 16, 2), "beyond file size")
	f("offset wraps", one("x", 0, ^uint64(31), 16, 2), "beyond file size")
	f("no data section", r().header(1, 0).tensor("x", 0, 0, 1).b, "data section starts")
	f("truncated dims", r().header(1, 0).str("x").u32(4).u64(1).u64(1).u64(1).b, "dimension 3")
	dup := r().header(2, 0).tensor("x", 0, 0, 1).tensor("x", 0, 32, 1).padTo(32).zeros(64)
	f("duplicate tensor", dup.b, "duplicate tensor name \"x\"")

	// Sanity: the helper builds a valid file when nothing is wrong.
	if _, err := Parse(one("x", 0, 0, 32, 8)); err != nil {
		t.Errorf("valid hand-built file: %v", err)
	}
	// A metadata-only file without padding parses.
	if g, err := Parse(r().header(0, 1).str("k").u32(uint32(TypeUint8)).u8(1).b); err != nil || len(g.Metadata) != 1 {
		t.Errorf("metadata-only file: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(t.TempDir() + "/missing.gguf"); err == nil {
		t.Error("missing file opened")
	}
	if _, err := Open(conformanceDir + "/README.txt"); err == nil || !strings.Contains(err.Error(), "bad magic") {
		t.Errorf("README.txt: %v", err)
	}
}

func TestTensorDataForeignInfo(t *testing.T) {
	f, err := Parse(encode(t, sampleWriter(t)))
	if err != nil {
		t.Fatal(err)
	}
	if d := f.TensorData(TensorInfo{Offset: 1 << 40, Size: 4}); d != nil {
		t.Errorf("out-of-range TensorInfo gave %d bytes", len(d))
	}
	if d := f.TensorData(TensorInfo{Offset: ^uint64(0), Size: 4}); d != nil {
		t.Errorf("wrapping TensorInfo gave %d bytes", len(d))
	}
}
