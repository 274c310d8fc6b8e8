package assignment

import "testing"

func TestEligibleAndChoose(t *testing.T) {
	cs := []Candidate{{UserID: 3, Load: 2}, {UserID: 1, Load: 5}, {UserID: 2, Load: 2, OnLeave: true}, {UserID: 4, Load: 30}, {UserID: 5, Load: 1}}
	el := Eligible(cs, 30)
	if len(el) != 3 || el[0].UserID != 1 || el[2].UserID != 5 {
		t.Fatalf("eligible: %+v", el)
	}
	if c, ok := Choose(el, LeastLoaded, 7); !ok || c.UserID != 5 {
		t.Fatalf("least loaded: %+v", c)
	}
	// Ties go to the lowest id.
	tie := []Candidate{{UserID: 8, Load: 1}, {UserID: 9, Load: 1}}
	if c, _ := Choose(tie, LeastLoaded, 0); c.UserID != 8 {
		t.Fatalf("tie: %+v", c)
	}
	// Round robin walks the eligible list with the case sequence.
	seen := map[int64]int{}
	for seq := int64(0); seq < 9; seq++ {
		c, _ := Choose(el, RoundRobin, seq)
		seen[c.UserID]++
	}
	if len(seen) != 3 || seen[1] != 3 || seen[3] != 3 || seen[5] != 3 {
		t.Fatalf("round robin: %v", seen)
	}
	if _, ok := Choose(nil, LeastLoaded, 1); ok {
		t.Fatal("chose from nobody")
	}
	if el := Eligible(cs, 2); len(el) != 1 || el[0].UserID != 5 {
		t.Fatalf("capacity 2: %+v", el)
	}
}
