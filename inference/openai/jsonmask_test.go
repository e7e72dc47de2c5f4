package openai

import "testing"

func TestJSONState(t *testing.T) {
	f := func(s string, done bool, ok bool) {
		t.Helper()
		st := jsonState{mode: jTop}
		good := true
		for i := 0; i < len(s); i++ {
			if !st.step(s[i]) {
				good = false
				break
			}
		}
		if good != ok || (ok && (st.mode == jDone) != done) {
			t.Errorf("%q: accepted %v done %v; want %v %v", s, good, st.mode == jDone, ok, done)
		}
	}
	f(`{}`, true, true)
	f(`{"a":1}`, true, true)
	f(`{"a":[1,2.5,-0.1e-3,true,false,null,"s\"\u00e9"],"b":{"c":{}}}`, true, true)
	f(`{"a":"é✓"}`, true, true)
	f(`{"a":1`, false, true)
	f(`{"a":"x`, false, true)
	f(`[]`, false, false)  // the top level is an object
	f(`{} `, false, false) // nothing after it
	f(`{ }`, false, false) // compact: no whitespace
	f(`{"a":01}`, false, false)
	f(`{"a":1.}`, false, false)
	f(`{"a":tru}`, false, false)
	f(`{"a":"\x"}`, false, false)
	f("{\"a\":\"\x01\"}", false, false)
	f("{\"a\":\"\xff\"}", false, false)
	f(`{1:2}`, false, false)
	f(`{"a":1,}`, false, false)
}

// At every step the mask leaves a token to take, and the end of
// generation only when the object is done.
func TestJSONMaskVocabulary(t *testing.T) {
	e := newEngine(t)
	v := newJSONVocab(e.Tokenizer())
	m := newJSONMask(v)
	logits := make([]float32, len(v.pieces))
	m.Apply(logits)
	for id, l := range logits {
		if l == 0 && (v.isEOG[id] || v.pieces[id][0] != '{') {
			t.Fatalf("token %d %q allowed at the start", id, v.pieces[id])
		}
	}
	for _, s := range []string{"{", `"a`, `":`, "1", "}"} {
		for _, c := range []byte(s) {
			m.st.step(c)
		}
	}
	if m.st.mode != jDone {
		t.Fatalf("mode %d after a whole object", m.st.mode)
	}
	clear(logits)
	m.Apply(logits)
	for id, l := range logits {
		if (l == 0) != v.isEOG[id] {
			t.Fatalf("after the object: token %d %q allowed=%v", id, v.pieces[id], l == 0)
		}
	}
}

// The cached, first-byte-filtered masks equal a plain walk of every token.
func TestJSONMaskEqualsWalk(t *testing.T) {
	e := newEngine(t)
	v := newJSONVocab(e.Tokenizer())
	for _, prefix := range []string{"", `{`, `{"a`, `{"a":`, `{"a":"x`, `{"a":"\`, `{"a":"\u00`, `{"a":-`, `{"a":1`, `{"a":1.5e`, `{"a":[`, `{"a":[tr`, `{"a":{}`, `{"a":{"b":[1,{"c":null}]}}`} {
		st := jsonState{mode: jTop}
		for _, c := range []byte(prefix) {
			if !st.step(c) {
				t.Fatalf("prefix %q rejected", prefix)
			}
		}
		bits := v.mask(st)
		for id := range v.pieces {
			want := false
			switch {
			case v.isEOG[id]:
				want = st.mode == jDone
			case v.usable[id]:
				s := st
				want = true
				for _, c := range v.pieces[id] {
					if !s.step(c) {
						want = false
						break
					}
				}
			}
			if got := bits[id>>6]&(1<<(id&63)) != 0; got != want {
				t.Errorf("prefix %q: token %d %q allowed %v, walk says %v", prefix, id, v.pieces[id], got, want)
			}
		}
	}
}
