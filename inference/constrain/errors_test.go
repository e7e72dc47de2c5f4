package constrain

import (
	"errors"
	"strings"
	"testing"
)

func TestUnsupportedKeywords(t *testing.T) {
	f := func(schema, want string) {
		t.Helper()
		_, err := Compile([]byte(schema), Options{})
		if err == nil {
			t.Fatalf("%s: compiled, want error %q", schema, want)
		}
		var ue *UnsupportedError
		if !errors.As(err, &ue) {
			t.Fatalf("%s: error %v is not an *UnsupportedError", schema, err)
		}
		if err.Error() != want {
			t.Fatalf("%s:\n got %s\nwant %s", schema, err, want)
		}
	}
	f(`{"type":"object","properties":{"x":{"type":"object","patternProperties":{"^a":{"type":"string"}}}}}`,
		`constrain: unsupported keyword "patternProperties" at /properties/x`)
	f(`{"allOf":[{"type":"string"}]}`, `constrain: unsupported keyword "allOf" at / (the root)`)
	f(`{"type":"string","not":{"const":"a"}}`, `constrain: unsupported keyword "not" at / (the root)`)
	f(`{"type":"integer","multipleOf":3}`, `constrain: unsupported keyword "multipleOf" at / (the root)`)
	f(`{"type":"array","prefixItems":[{"type":"string"}]}`, `constrain: unsupported keyword "prefixItems" at / (the root)`)
	f(`{"type":"array","items":{"type":"string"},"uniqueItems":true}`, `constrain: unsupported keyword "uniqueItems" at / (the root): only false`)
	f(`{"type":"object","additionalProperties":{"type":"string"}}`,
		`constrain: unsupported keyword "additionalProperties" at / (the root): only true or false (generation never adds unlisted properties)`)
	f(`{"type":"string","format":"email"}`,
		`constrain: unsupported keyword "format" at / (the root): format "email" (supported: date-time, date, time, uuid)`)
	f(`{"$ref":"https://example.com/s.json"}`, `constrain: unsupported keyword "$ref" at / (the root): only local references (#/...) are supported`)
	f(`{"$defs":{"n":{"type":"object","properties":{"next":{"$ref":"#/$defs/n"}}}},"$ref":"#/$defs/n"}`,
		`constrain: unsupported keyword "$ref" at /$defs/n/properties/next: recursive reference "#/$defs/n"`)
	f(`{"type":"object","properties":{"a~b/c":{"if":{"type":"string"}}}}`, `constrain: unsupported keyword "if" at /properties/a~0b~1c`)
	f(`{"type":"object","minProperties":1}`, `constrain: unsupported keyword "minProperties" at / (the root)`)
	f(`{"type":"array","contains":{"type":"string"}}`, `constrain: unsupported keyword "contains" at / (the root)`)
	f(`{"type":"object","propertyNames":{"maxLength":3}}`, `constrain: unsupported keyword "propertyNames" at / (the root)`)
	f(`{"type":"object","unevaluatedProperties":false}`, `constrain: unsupported keyword "unevaluatedProperties" at / (the root)`)
	f(`{"type":"string","anyOf":[{"maxLength":2}]}`, `constrain: unsupported keyword "type" at / (the root): not supported next to "anyOf"`)
	f(`{"items":{"type":"string"},"type":"array","dependentRequired":{}}`, `constrain: unsupported keyword "dependentRequired" at / (the root)`)
}

func TestSchemaErrors(t *testing.T) {
	f := func(schema string, opts Options, want string) {
		t.Helper()
		_, err := Compile([]byte(schema), opts)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("%s: error %v, want one containing %q", schema, err, want)
		}
	}
	f(`{"type":"string"`, Options{}, "constrain: parse schema")
	f(`{"type":"string"} x`, Options{}, "trailing data")
	f(`{}`, Options{}, "no type, enum, const")
	f(`true`, Options{}, "true (any value) cannot be generated")
	f(`false`, Options{}, "false allows no value")
	f(`{"type":"text"}`, Options{}, "unknown type")
	f(`{"type":"string","minLength":5,"maxLength":2}`, Options{}, "minLength 5 > maxLength 2")
	f(`{"type":"string","pattern":"a(b"}`, Options{}, `missing )`)
	f(`{"type":"string","pattern":"(?=a)"}`, Options{}, `group (?= at offset 0 not supported`)
	f(`{"type":"string","pattern":"\\1"}`, Options{}, `escape \1`)
	f(`{"type":"string","pattern":"a^b"}`, Options{}, `only a leading ^`)
	f(`{"type":"string","pattern":"a{3}","maxLength":2}`, Options{}, "no value satisfies the schema")
	f(`{"type":"integer","minimum":5,"maximum":4}`, Options{}, "no integer lies within the bounds [5, 4]")
	f(`{"type":"object","properties":{},"required":["a"]}`, Options{}, `required property "a" has no schema in properties`)
	f(`{"type":"array"}`, Options{}, "array without items")
	f(`{"type":"array","items":{"type":"null"},"minItems":3,"maxItems":2}`, Options{}, "minItems 3 > maxItems 2")
	f(`{"oneOf":[{"type":"integer"},{"type":"number"}]}`, Options{}, `/oneOf: alternatives 0 and 1 both accept "0"`)
	f(`{"oneOf":[{"type":"string","maxLength":3},{"enum":["abc","abcd"]}]}`, Options{}, `alternatives 0 and 1 both accept "\"abc\""`)
	f(`{"const":"x","enum":["y"]}`, Options{}, "/const: no value satisfies the other keywords")
	f(`{"enum":[1,2],"type":"string"}`, Options{}, "no value satisfies the other keywords")
	f(`{"$ref":"#/$defs/missing"}`, Options{}, `$ref "#/$defs/missing" does not resolve`)
	f(`{"type":"array","items":{"type":"array","items":{"type":"string"},"maxItems":100},"maxItems":100}`, Options{MaxStates: 1 << 14}, "more than 16384 automaton states")
	f(`{"type":"string"}`, Options{MaxItems: -1}, "option MaxItems = -1 must not be negative")
	f(`{"type":"string"}`, Options{Whitespace: 100}, "option Whitespace = 100 exceeds 64")
}
