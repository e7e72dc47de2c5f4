package constrain

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzCompile feeds arbitrary documents to the compiler: it compiles or
// errors, never panics, and within small limits stays fast. What compiles
// only produces JSON: random walks over the automaton end in valid UTF-8
// JSON within MaxBytes.
func FuzzCompile(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.schema.json"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{"type":"string","pattern":"(a|b)*c{2,5}[^x-z]\\d?"}`,
		`{"oneOf":[{"type":"string"},{"type":"integer"},{"enum":[1.5,"x"]}]}`,
		`{"type":"array","items":{"type":"array","items":{"type":"number","minimum":-3.5}}}`,
		`{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"type":"null"}},"$ref":"#/$defs/a"}`,
		`{"type":"object","properties":{"a":{"type":"string","format":"date-time"}},"required":["a"]}`,
		`{"type":"string","pattern":"((a{0,9}){0,9}){0,9}"}`,
		`{"type":"object","patternProperties":{}}`,
		`{"anyOf":[]}`, `true`, `[]`, `{"type":["integer","number","null"]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		opts := Options{MaxStates: 1 << 14, MaxStringLength: 16, MaxItems: 4}
		a, err := Compile(doc, opts)
		if err != nil {
			return
		}
		rng := rand.New(rand.NewPCG(uint64(len(doc)), 7))
		for range 3 {
			var out []byte
			s := a.Start()
			for !a.Done(s) {
				if a.Accepting(s) && rng.IntN(3) == 0 {
					break
				}
				var next []byte
				for c := range 256 {
					if a.Step(s, byte(c)) != Dead {
						next = append(next, byte(c))
					}
				}
				if len(next) == 0 {
					t.Fatalf("%s: live state %d has no move after %q", doc, s, out)
				}
				c := next[rng.IntN(len(next))]
				out = append(out, c)
				s = a.Step(s, c)
				if len(out) > a.MaxBytes() {
					t.Fatalf("%s: %q is longer than MaxBytes %d", doc, out, a.MaxBytes())
				}
			}
			if !a.Match(out) || !utf8.Valid(out) || !json.Valid(out) {
				t.Fatalf("%s: walk produced %q (match %v, utf8 %v, json %v)", doc, out, a.Match(out), utf8.Valid(out), json.Valid(out))
			}
		}
	})
}

// EnumProbs reads a user's schema and an output: it reports or errors, never
// panics, whatever the two hold.
func FuzzEnumProbs(f *testing.F) {
	f.Add([]byte(`{"properties":{"s":{"enum":["a","b"]}}}`), []byte(`{"s":"a"}`), 3)
	f.Add([]byte(`{"$defs":{"x":{"$ref":"#/$defs/x"}},"$ref":"#/$defs/x"}`), []byte(`[1,{"a":"\"}"}]`), 1)
	f.Add([]byte(`{"properties":{"a/b~":{"properties":{"c":{"enum":[1]}}}}}`), []byte(`{"a/b~":{"c":1}}`), 5)
	f.Fuzz(func(t *testing.T, schema, out []byte, cut int) {
		cut = max(1, min(cut, 16))
		var pieces [][]byte
		var lps []float32
		for len(out) > 0 {
			n := min(cut, len(out))
			pieces, out = append(pieces, out[:n]), out[n:]
			lps = append(lps, -0.5)
		}
		probs, err := EnumProbs(schema, pieces, lps)
		if err != nil {
			return
		}
		for k, p := range probs {
			if !(p > 0 && p <= 1) {
				t.Fatalf("%s: probability %g", k, p)
			}
		}
	})
}
