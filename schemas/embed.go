package schemas

import "embed"

//go:embed jsonschema/*.json
var files embed.FS

func mustRead(name string) []byte {
	b, err := files.ReadFile("jsonschema/" + name)
	if err != nil {
		panic("BUG: embedded schema missing: " + name)
	}
	return b
}

// DefaultClassificationSchema returns the JSON Schema the default model is
// trained for and the engine decodes under unless a user supplies another.
func DefaultClassificationSchema() []byte { return mustRead("classification.schema.json") }

// LogEventSchema returns the JSON Schema of a LogEvent.
func LogEventSchema() []byte { return mustRead("logevent.schema.json") }

// ClassifiedLogSchema returns the JSON Schema of a ClassifiedLog.
func ClassifiedLogSchema() []byte { return mustRead("classifiedlog.schema.json") }
