package constrain

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var conformance = filepath.Join("..", "..", "..", "shared", "conformance")

// testSchemas returns the test schemas by name; the default classification
// schema first.
func testSchemas(t testing.TB) (names []string, docs map[string][]byte) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.schema.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test schemas: %v", err)
	}
	docs = map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n := strings.TrimSuffix(filepath.Base(f), ".schema.json")
		docs[n] = b
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		if a == "classification" {
			return -1
		}
		if b == "classification" {
			return 1
		}
		return strings.Compare(a, b)
	})
	return names, docs
}

// validator compiles a schema with the same settings as the schemas module
// (draft 2020-12, formats asserted).
func validator(t testing.TB, doc []byte) *jsonschema.Schema {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("mem://schema.json", v); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("mem://schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(s *jsonschema.Schema, out []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		return err
	}
	return s.Validate(v)
}
