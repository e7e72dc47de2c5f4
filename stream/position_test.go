package stream

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestParsePosition(t *testing.T) {
	ok := func(s string, want map[int32]int64) {
		t.Helper()
		got, err := parsePosition(s)
		if err != nil {
			t.Errorf("%q: %v", s, err)
			return
		}
		if !maps.Equal(got, want) {
			t.Errorf("%q: %v, want %v", s, got, want)
		}
	}
	bad := func(s string) {
		t.Helper()
		if got, err := parsePosition(s); err == nil {
			t.Errorf("%q: accepted as %v", s, got)
		}
	}
	ok("p0:124,p1:456", map[int32]int64{0: 124, 1: 456})
	ok("p2:0", map[int32]int64{2: 0})
	ok("p1:5,p0:7", map[int32]int64{0: 7, 1: 5})
	ok("p2147483647:9223372036854775807", map[int32]int64{2147483647: 9223372036854775807})
	bad("")
	bad("p0")
	bad("p0:")
	bad(":5")
	bad("0:5")
	bad("p:5")
	bad("p0:5,")
	bad(",p0:5")
	bad("p0:5,,p1:6")
	bad("p0:-5")
	bad("p-1:5")
	bad("p+1:5")
	bad("p0:+5")
	bad("p0:5 ")
	bad(" p0:5")
	bad("p0:1_000")
	bad("p0:0x10")
	bad("p0:5,p0:6")
	bad("p2147483648:1")
	bad("p0:9223372036854775808")
	bad("P0:1")
	bad("p0:1:2")
	bad("p0:" + strings.Repeat("1", maxPositionLen))
}

func TestPositionFormatRoundTrip(t *testing.T) {
	p := position{124, 0, 456}
	if s := p.String(); s != "p0:124,p1:0,p2:456" {
		t.Fatalf("String() = %q", s)
	}
	m, err := parsePosition(p.String())
	if err != nil {
		t.Fatal(err)
	}
	if got := vectorOf(m, 3); !slices.Equal(got, p) {
		t.Errorf("round trip: %v, want %v", got, p)
	}
	// Partitions the id leaves out start at 0; ones the topic lacks are ignored.
	if got := vectorOf(map[int32]int64{1: 9, 7: 3}, 3); !slices.Equal(got, position{0, 9, 0}) {
		t.Errorf("vectorOf: %v", got)
	}
}

func TestPositionCompare(t *testing.T) {
	a, b := position{1, 5, 3}, position{2, 4, 3}
	if a.covers(b) || b.covers(a) {
		t.Error("incomparable positions reported as covering")
	}
	if m := maxOf(a, b); !slices.Equal(m, position{2, 5, 3}) || !m.covers(a) || !m.covers(b) {
		t.Errorf("maxOf = %v", m)
	}
	if !slices.Equal(a, position{1, 5, 3}) {
		t.Error("maxOf modified its argument")
	}
}

// FuzzParsePosition: any input either fails or yields a position that
// formats back to an id meaning the same thing.
func FuzzParsePosition(f *testing.F) {
	for _, s := range []string{"p0:124,p1:456", "p0:0", "p3:1,p1:2", "", "p0:5,p0:6", "p0:-1", "p99999999999:1", "p0:1,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := parsePosition(s)
		if err != nil {
			return
		}
		if len(m) == 0 {
			t.Fatalf("%q: accepted with no partitions", s)
		}
		n := int32(0)
		for p, off := range m {
			if p < 0 || off < 0 {
				t.Fatalf("%q: negative partition or offset in %v", s, m)
			}
			n = max(n, p+1)
		}
		if n > 1<<12 {
			return // formatting a dense vector that wide is pointless here
		}
		v := vectorOf(m, int(n))
		back, err := parsePosition(v.String())
		if err != nil {
			t.Fatalf("%q: formatted %q does not parse: %v", s, v.String(), err)
		}
		if got := vectorOf(back, int(n)); !slices.Equal(got, v) {
			t.Fatalf("%q: round trip %v != %v", s, got, v)
		}
	})
}
