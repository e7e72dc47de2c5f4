package schemas

import (
	"encoding/json"
	"errors"
	"fmt"
)

// CheckClassificationShape checks what a stored row needs of a custom
// classification schema beyond being a valid JSON Schema: an object with
// required string properties "severity" (an enum of the taxonomy's
// severities, which the gateway filters by rank) and "category" (the row's
// category column). Labelers call it on a user's schema at start-up.
func CheckClassificationShape(doc []byte) error {
	var s struct {
		Type       string `json:"type"`
		Properties map[string]struct {
			Type string   `json:"type"`
			Enum []string `json:"enum"`
		} `json:"properties"`
		Required []string `json:"required"`
	}
	if err := json.Unmarshal(doc, &s); err != nil {
		return fmt.Errorf("not an object schema with string enums: %w", err)
	}
	if s.Type != "object" {
		return fmt.Errorf("type %q, want \"object\"", s.Type)
	}
	for _, name := range []string{"severity", "category"} {
		p, ok := s.Properties[name]
		if !ok || p.Type != "string" {
			return fmt.Errorf("property %q must be a string", name)
		}
		required := false
		for _, r := range s.Required {
			required = required || r == name
		}
		if !required {
			return fmt.Errorf("property %q must be required", name)
		}
	}
	sev := s.Properties["severity"].Enum
	if len(sev) == 0 {
		return errors.New(`property "severity" must be an enum of the taxonomy's severities`)
	}
	for _, v := range sev {
		if SeverityRank(v) < 0 {
			return fmt.Errorf("severity %q is not one of %v (the gateway filters by severity rank)", v, Severities)
		}
	}
	return nil
}

// ClassificationFromAnswer maps a model's answer, already validated against
// its classification schema, to a Classification: the severity, category and
// component strings (absent ones empty) and, for a custom schema, the whole
// answer as Labels so that its extra fields are stored and queryable.
func ClassificationFromAnswer(answer []byte, custom bool) (Classification, error) {
	var c Classification
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(answer, &obj); err != nil {
		return c, fmt.Errorf("answer is not a JSON object: %w", err)
	}
	for _, f := range []struct {
		key string
		dst *string
	}{{"severity", &c.Severity}, {"category", &c.Category}, {"component", &c.Component}} {
		raw, ok := obj[f.key]
		if !ok {
			continue
		}
		if err := json.Unmarshal(raw, f.dst); err != nil {
			return c, fmt.Errorf("answer's %q is not a string", f.key)
		}
	}
	if custom {
		c.Labels = json.RawMessage(append([]byte(nil), answer...))
	}
	return c, nil
}
