package constrain

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func mustCompile(t testing.TB, schema string, opts Options) *Automaton {
	t.Helper()
	a, err := Compile([]byte(schema), opts)
	if err != nil {
		t.Fatalf("%s: %v", schema, err)
	}
	return a
}

func TestMatch(t *testing.T) {
	f := func(schema, out string, want bool) {
		t.Helper()
		if got := mustCompile(t, schema, Options{}).Match([]byte(out)); got != want {
			t.Fatalf("%s: Match(%s) = %v, want %v", schema, out, got, want)
		}
	}
	const opt = `{"type":"object","properties":{"a":{"type":"boolean"},"b":{"type":"integer","minimum":0,"maximum":5},"e":{"type":"string","maxLength":2}},"required":["b"]}`
	f(opt, `{"b":1}`, true)
	f(opt, `{"a":true,"b":1}`, true)
	f(opt, `{"b":1,"e":"x"}`, true)
	f(opt, `{"a":false,"b":0,"e":""}`, true)
	f(opt, `{"a":true}`, false)
	f(opt, `{"b":1,"a":true}`, false)
	f(opt, `{,"b":1}`, false)
	f(opt, `{"b":1,}`, false)
	f(opt, `{}`, false)
	f(opt, `{"b":6}`, false)
	f(opt, `{ "b":1}`, false)
	const all = `{"type":"object","properties":{"x":{"type":"null"},"y":{"type":"null"}}}`
	f(all, `{}`, true)
	f(all, `{"y":null}`, true)
	f(all, `{"x":null,"y":null}`, true)
	f(all, `{"x":null,}`, false)
	f(`{"type":"array","items":{"type":"integer","minimum":0,"maximum":9},"minItems":1,"maxItems":2}`, `[1,2]`, true)
	f(`{"type":"array","items":{"type":"integer","minimum":0,"maximum":9},"minItems":1,"maxItems":2}`, `[]`, false)
	f(`{"type":"array","items":{"type":"integer","minimum":0,"maximum":9},"minItems":1,"maxItems":2}`, `[1,2,3]`, false)
	f(`{"type":["string","null"]}`, `null`, true)
	f(`{"type":["string","null"]}`, `"null"`, true)
	f(`{"type":["string","null"]}`, `nul`, false)
	f(`{"enum":["a",{"k":[1,2]},null]}`, `{"k":[1,2]}`, true)
	f(`{"enum":["a",{"k":[1,2]},null]}`, `{"k":[1, 2]}`, false)
	f(`{"enum":["a<b&c"]}`, `"a<b&c"`, true)
	f(`{"type":"string","format":"uuid"}`, `"123e4567-e89b-12d3-a456-426614174000"`, true)
	f(`{"type":"string","format":"date-time"}`, `"2026-11-27T12:00:00.123Z"`, true)
	f(`{"type":"string","format":"date-time"}`, `"2026-02-30T12:00:00Z"`, false)
	f(`{"type":"string","pattern":"^a+$","maxLength":3}`, `"aaa"`, true)
	f(`{"type":"string","pattern":"^a+$","maxLength":3}`, `"aaaa"`, false)
	f(`{"type":"string","pattern":"^é+$","maxLength":3}`, `"\u00e9é"`, true)
	f(`{"type":"boolean"}`, `true`, true)
	f(`{"type":"number"}`, `1e5`, false) // no exponents
}

func TestWhitespace(t *testing.T) {
	doc, err := os.ReadFile("testdata/classification.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	compact := `{"severity":"info","category":"auth","component":"sshd"}`
	spaced := "{ \"severity\" :\t\"info\",\n\"category\": \"auth\" , \"component\":\"sshd\"\r\n}"
	wide := `{"severity":   "info","category":"auth","component":"sshd"}`
	a := mustCompile(t, string(doc), Options{})
	b := mustCompile(t, string(doc), Options{Whitespace: 2})
	if !a.Match([]byte(compact)) || a.Match([]byte(spaced)) {
		t.Fatal("default: compact must match, spaced must not")
	}
	if !b.Match([]byte(compact)) || !b.Match([]byte(spaced)) || b.Match([]byte(wide)) {
		t.Fatal("Whitespace 2: compact and spaced must match, three spaces must not")
	}
	if got := string(b.Forced(b.Start())); got != "{" {
		t.Fatalf("Whitespace 2: forced %q at start, want %q", got, "{")
	}
}

// Every character, raw or escaped, is accepted exactly when JSON allows it.
func TestStringCharacters(t *testing.T) {
	a := mustCompile(t, `{"type":"string","minLength":1,"maxLength":1}`, Options{})
	for r := rune(0); r <= utf8.MaxRune; r++ {
		surrogate := r >= 0xd800 && r <= 0xdfff
		raw := `"` + string(r) + `"`
		if surrogate {
			raw = `"` + string([]byte{0xed, byte(0xa0 | (r>>6)&0x1f), byte(0x80 | r&0x3f)}) + `"`
		}
		if want := !surrogate && r >= 0x20 && r != '"' && r != '\\'; a.Match([]byte(raw)) != want {
			t.Fatalf("raw U+%04X: Match = %v, want %v", r, !want, want)
		}
		if r <= 0xffff {
			want := !surrogate && (r < 0x20 || r >= 0x7f)
			for _, esc := range []string{fmt.Sprintf(`"\u%04x"`, r), fmt.Sprintf(`"\u%04X"`, r)} {
				if a.Match([]byte(esc)) != want {
					t.Fatalf("%s: Match = %v", esc, !want)
				}
			}
		}
	}
	for _, s := range []string{`"\""`, `"\\"`, `"\/"`, `"\b"`, `"\f"`, `"\n"`, `"\r"`, `"\t"`} {
		if !a.Match([]byte(s)) {
			t.Fatalf("%s rejected", s)
		}
	}
	for _, s := range []string{`"\a"`, `"\u12"`, "\"\xc0\x80\"", "\"\xe0\x80\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xff\"", `""`, `"ab"`} {
		if a.Match([]byte(s)) {
			t.Fatalf("%q accepted", s)
		}
	}
	if a.MaxBytes() != 8 {
		t.Fatalf("MaxBytes %d, want 8 (a \\uXXXX escape in quotes)", a.MaxBytes())
	}
}

func TestIntegerRanges(t *testing.T) {
	f := func(lo, hi int) {
		t.Helper()
		a := mustCompile(t, fmt.Sprintf(`{"type":"integer","minimum":%d,"maximum":%d}`, lo, hi), Options{})
		for v := lo - 150; v <= hi+150; v++ {
			if got, want := a.Match([]byte(strconv.Itoa(v))), v >= lo && v <= hi; got != want {
				t.Fatalf("[%d, %d]: Match(%d) = %v", lo, hi, v, got)
			}
		}
		for _, s := range []string{"-0", "00", "01", "+1", "1.0", ""} {
			if a.Match([]byte(s)) {
				t.Fatalf("[%d, %d]: Match(%q) = true", lo, hi, s)
			}
		}
	}
	f(0, 0)
	f(1, 65535)
	f(-120, -7)
	f(-5, 5)
	f(7, 7)
	f(99, 1001)
	f(-1000, 10)
	f(10, 19)
	a := mustCompile(t, `{"type":"integer","exclusiveMinimum":-3,"exclusiveMaximum":3}`, Options{})
	for v := -5; v <= 5; v++ {
		if got, want := a.Match([]byte(strconv.Itoa(v))), v > -3 && v < 3; got != want {
			t.Fatalf("(-3, 3): Match(%d) = %v", v, got)
		}
	}
	a = mustCompile(t, `{"type":"integer"}`, Options{IntegerDigits: 3})
	if !a.Match([]byte("-999")) || !a.Match([]byte("999")) || a.Match([]byte("1000")) {
		t.Fatal("IntegerDigits 3: want -999..999")
	}
}

func TestNumberRanges(t *testing.T) {
	f := func(schema string, yes, no string) {
		t.Helper()
		a := mustCompile(t, schema, Options{FractionDigits: 3})
		for _, s := range strings.Fields(yes) {
			if !a.Match([]byte(s)) {
				t.Fatalf("%s: %s rejected", schema, s)
			}
		}
		for _, s := range strings.Fields(no) {
			if a.Match([]byte(s)) {
				t.Fatalf("%s: %s accepted", schema, s)
			}
		}
	}
	f(`{"type":"number","minimum":0,"maximum":1}`, "0 0.5 0.999 1 1.0 1.000 0.0", "1.001 -0.5 1.5 2 .5 0. 0.1234 01")
	f(`{"type":"number","minimum":-40.5,"maximum":50.5}`, "-40 -40.0 -39.999 -0.5 -0.0 0 50 50.000 12.25", "-40.001 -41 50.001 51")
	f(`{"type":"number","minimum":-5,"maximum":-2}`, "-5 -5.0 -4.999 -2 -2.5 -2.0", "-1.999 -5.001 -1 2 -0.5")
	f(`{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":2}`, "1 1.0", "0 0.5 2 1.5")
	f(`{"type":"number"}`, "0 -1.5 123456789012345 3.125", "1e3 +1 - .1")
}

// Patterns agree with Go's regexp (anchored) on every short string over a
// small alphabet.
func TestPatternsAgainstRegexp(t *testing.T) {
	alphabet := []string{"a", "b", "c", "1", ".", "x", "é"}
	var all []string
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		all = append(all, prefix)
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			gen(prefix+c, n-1)
		}
	}
	gen("", 4)
	for _, pat := range []string{
		`a*b?`, `(ab|a)+c{0,2}`, `[a-c]{2,3}`, `[^a]b`, `(a|b)*a(a|b)`, `\d+(\.\d+)?`, `x{2,}`, `^a|b$`,
		`(?:a|)c`, `[\w.]+`, `\W`, `[a\-c]`, `é?x+?`, `(a{1,2}){2}`, `[^\d]{2}`, `c|`, `[.][.]?`,
	} {
		re := regexp.MustCompile(`^(?:` + pat + `)$`)
		a := mustCompile(t, fmt.Sprintf(`{"type":"string","pattern":%q}`, pat), Options{MaxStringLength: 8})
		for _, s := range all {
			if got, want := a.Match([]byte(quote(s))), re.MatchString(s); got != want {
				t.Fatalf("pattern %q on %q: Match = %v, regexp = %v", pat, s, got, want)
			}
		}
	}
}

func TestForcedBytes(t *testing.T) {
	doc, err := os.ReadFile("testdata/classification.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	a := mustCompile(t, string(doc), Options{})
	s := a.Start()
	f := func(in, want string) {
		t.Helper()
		for _, c := range []byte(in) {
			if s = a.Step(s, c); s == Dead {
				t.Fatalf("%q: dead", in)
			}
		}
		got := a.Forced(s)
		if string(got) != want {
			t.Fatalf("after %q: forced %q, want %q", in, got, want)
		}
		for _, c := range got {
			s = a.Step(s, c)
		}
	}
	f("", `{"severity":"`)
	f(`w`, `arning","category":"`)
	f(`s`, "")
	f(`ch`, `eduler","component":"`)
	f(`sshd`, "")
	f(`"`, "}")
	if !a.Done(s) || !a.Accepting(s) {
		t.Fatal("not done after the closing brace")
	}
}
