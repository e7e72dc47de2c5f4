package constrain

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// The embedded default schema is the schemas module's file, byte for byte.
func TestDefaultSchemaIsTheSchemasModules(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("..", "..", "schemas", "jsonschema", "classification.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(DefaultSchema, want) {
		t.Fatal("constrain/classification.schema.json differs from schemas/jsonschema/classification.schema.json: copy it again")
	}
	if _, err := Compile(DefaultSchema, Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestEnumProbs(t *testing.T) {
	f := func(schema string, pieces []string, lps []float32, want map[string]float64) {
		t.Helper()
		var ps [][]byte
		for _, p := range pieces {
			ps = append(ps, []byte(p))
		}
		got, err := EnumProbs([]byte(schema), ps, lps)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%q: got %v, want %v", pieces, got, want)
		}
		for k, w := range want {
			if g, ok := got[k]; !ok || math.Abs(g-w) > 1e-6 {
				t.Fatalf("%q: %s = %v, want %v (all: %v)", pieces, k, g, w, got)
			}
		}
	}
	sev := `{"type":"object","properties":{"s":{"enum":["info","error",""]},"c":{"type":"string"}}}`
	// "in" and "fo" spell the value; '{"s":"' and '"}' do not.
	f(sev, []string{`{"s":"`, "in", "fo", `"}`}, []float32{-5, -1, -0.5, -3}, map[string]float64{"/s": math.Exp(-1.5)})
	// A token holding the value's first byte and a quote counts.
	f(sev, []string{`{"s":"e`, "rror", `"}`}, []float32{-2, 0, -3}, map[string]float64{"/s": math.Exp(-2)})
	// The empty string: its closing quote.
	f(sev, []string{`{"s":"`, `"`, `,"c":"x"}`}, []float32{-1, -0.25, -2}, map[string]float64{"/s": math.Exp(-0.25)})
	// Absent property, and a non-enum one: nothing reported.
	f(sev, []string{`{"c":"info"}`}, []float32{-1}, map[string]float64{})
	// Through a $ref, nested, and a non-string value.
	f(`{"$defs":{"lvl":{"enum":[1,22]}},"properties":{"o":{"properties":{"l":{"$ref":"#/$defs/lvl"}}}}}`,
		[]string{`{"o":{"l":`, "2", "2", "}}"}, []float32{-1, -0.1, -0.2, -4}, map[string]float64{"/o/l": math.Exp(-0.3)})
	if _, err := EnumProbs([]byte(sev), [][]byte{[]byte(`{"s":`)}, []float32{0}); err == nil {
		t.Fatal("incomplete output accepted")
	}
}

// A schema whose $refs fan out exponentially is walked within a bound.
func TestEnumProbsRefBomb(t *testing.T) {
	schema := `{"$defs":{"a":{"properties":{"x":{"$ref":"#/$defs/a"},"y":{"$ref":"#/$defs/a"},"z":{"$ref":"#/$defs/a"},"e":{"enum":[1]}}}},"$ref":"#/$defs/a"}`
	probs, err := EnumProbs([]byte(schema), [][]byte{[]byte(`{"e":1}`)}, []float32{-1})
	if err != nil || math.Abs(probs["/e"]-math.Exp(-1)) > 1e-9 {
		t.Fatalf("%v %v", probs, err)
	}
}
