package remote

import (
	"testing"

	"github.com/logsift/logsift/schemas"
)

// FuzzParse feeds arbitrary response bodies to the answer parser: it never
// panics, and whatever it accepts is a valid classification with a
// confidence in [0, 1].
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"choices":[{"message":{"content":"{\"severity\":\"error\",\"category\":\"auth\",\"component\":\"sshd\"}"},"finish_reason":"stop"}]}`,
		`{"choices":[{"message":{"content":"{\"severity\":\"info\",\"category\":\"network\",\"component\":\"\"}"},"finish_reason":"stop","logprobs":{"content":[{"token":"{\"severity\":\"info","logprob":-0.5,"bytes":[123]}]}}]}`,
		`{"choices":[{"message":{"content":null,"refusal":"no"}}]}`,
		`{"choices":[]}`, `{}`, `[]`, `{"choices":[{"message":{"content":"{}"},"finish_reason":"length"}]}`,
	} {
		f.Add([]byte(s))
	}
	l, err := New(Config{URL: "http://x", Model: "m"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		c, err := l.parse(raw)
		if err != nil {
			return
		}
		if !(c.Confidence >= 0 && c.Confidence <= 1) {
			t.Fatalf("confidence %v", c.Confidence)
		}
		if schemas.SeverityRank(c.Severity) < 0 || !schemas.IsCategory(c.Category) || len([]rune(c.Component)) > schemas.MaxComponentLen {
			t.Fatalf("accepted %+v from %q", c, raw)
		}
	})
}
