package speculate

import (
	"slices"
	"testing"
)

func TestLookupLongestRecentMatch(t *testing.T) {
	// Tail (7 8 9): the trigram matches at index 0 and 5; the most recent
	// (5) wins, proposing what followed it.
	ctx := []int32{7, 8, 9, 1, 2, 7, 8, 9, 3, 4, 5, 7, 8, 9}
	if got := (Lookup{}).Propose(ctx, 3); !slices.Equal(got, []int32{3, 4, 5}) {
		t.Fatalf("got %v", got)
	}
	// Only a unigram matches; the copy reads on into itself.
	ctx = []int32{1, 2, 3, 4, 5, 3}
	if got := (Lookup{}).Propose(ctx, 5); !slices.Equal(got, []int32{4, 5, 3, 4, 5}) {
		t.Fatalf("got %v", got)
	}
	// A repeated token continues as itself.
	if got := (Lookup{}).Propose([]int32{9, 4, 4, 4, 4}, 4); !slices.Equal(got, []int32{4, 4, 4, 4}) {
		t.Fatalf("got %v", got)
	}
	if got := (Lookup{}).Propose([]int32{1, 2, 3}, 8); len(got) != 0 {
		t.Fatalf("no match must propose nothing, got %v", got)
	}
	if got := (Lookup{}).Propose([]int32{1}, 8); len(got) != 0 {
		t.Fatalf("got %v", got)
	}
}

func TestAdaptiveLength(t *testing.T) {
	s := NewState(Lookup{}, Adapt{})
	if s.Len() != 4 {
		t.Fatalf("start %d", s.Len())
	}
	s.Update(4, 4)
	s.Update(6, 6)
	s.Update(8, 8)
	if s.Len() != 8 {
		t.Fatalf("after full acceptance %d, want 8", s.Len())
	}
	s.Update(8, 2)
	if s.Len() != 3 {
		t.Fatalf("after partial %d, want 3", s.Len())
	}
	for range 4 {
		s.Update(1, 0)
	}
	if !s.Off() || s.Len() != 0 || s.Propose([]int32{1, 1, 1}, 8) != nil {
		t.Fatal("four zero-acceptance verifications must turn drafting off")
	}
	if s.Drafted != 4+6+8+8+4 || s.Accepted != 20 || s.Verifications != 8 {
		t.Fatalf("counters %d %d %d", s.Drafted, s.Accepted, s.Verifications)
	}
	never := NewState(Lookup{}, Adapt{OffAfter: -1})
	for range 100 {
		never.Update(1, 0)
	}
	if never.Off() {
		t.Fatal("OffAfter < 0 must never turn off")
	}
}
