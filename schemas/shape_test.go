package schemas

import (
	"strings"
	"testing"
)

func TestCheckClassificationShape(t *testing.T) {
	if err := CheckClassificationShape(DefaultClassificationSchema()); err != nil {
		t.Fatalf("default schema: %v", err)
	}
	for _, tc := range []struct{ doc, want string }{
		{`{"type":"array"}`, `"object"`},
		{`{"type":"object","properties":{"category":{"type":"string"}},"required":["category"]}`, `"severity"`},
		{`{"type":"object","properties":{"severity":{"type":"string","enum":["info"]},"category":{"type":"string"}},"required":["severity"]}`, `"category" must be required`},
		{`{"type":"object","properties":{"severity":{"type":"string"},"category":{"type":"string"}},"required":["severity","category"]}`, "enum"},
		{`{"type":"object","properties":{"severity":{"type":"string","enum":["loud"]},"category":{"type":"string"}},"required":["severity","category"]}`, `"loud"`},
		{`[`, "not an object schema"},
	} {
		if err := CheckClassificationShape([]byte(tc.doc)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want one naming %s", tc.doc, err, tc.want)
		}
	}
}
