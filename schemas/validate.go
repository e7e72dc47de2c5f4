package schemas

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Schema is a compiled JSON Schema. It is safe for concurrent use.
type Schema struct {
	raw  []byte
	hash string
	s    *jsonschema.Schema
}

// Compile compiles a JSON Schema document (draft 2020-12 unless it says
// otherwise). Formats are asserted, so "date-time" is checked, not just noted.
func Compile(doc []byte) (*Schema, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("schemas: parse schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "mem://schema.json"
	if err := c.AddResource(url, v); err != nil {
		return nil, fmt.Errorf("schemas: add schema: %w", err)
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("schemas: compile schema: %w", err)
	}
	sum := sha256.Sum256(doc)
	return &Schema{raw: append([]byte(nil), doc...), hash: hex.EncodeToString(sum[:8]), s: s}, nil
}

// Raw returns the schema document as given.
func (s *Schema) Raw() []byte { return s.raw }

// Hash is a short stable identity of the schema document; caches key on it.
func (s *Schema) Hash() string { return s.hash }

// Validate checks one JSON document against the schema.
func (s *Schema) Validate(doc []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("schemas: not JSON: %w", err)
	}
	if err := s.s.Validate(v); err != nil {
		return fmt.Errorf("schemas: %w", err)
	}
	return nil
}

var (
	defaultOnce sync.Once
	defaultSch  *Schema
)

// Default returns the compiled default classification schema.
func Default() *Schema {
	defaultOnce.Do(func() {
		s, err := Compile(DefaultClassificationSchema())
		if err != nil {
			panic("BUG: default classification schema does not compile: " + err.Error())
		}
		defaultSch = s
	})
	return defaultSch
}

var (
	eventOnce sync.Once
	eventSch  *Schema
)

// ValidateLogEvent checks a LogEvent JSON document against its schema.
func ValidateLogEvent(doc []byte) error {
	eventOnce.Do(func() {
		s, err := Compile(LogEventSchema())
		if err != nil {
			panic("BUG: LogEvent schema does not compile: " + err.Error())
		}
		eventSch = s
	})
	return eventSch.Validate(doc)
}
