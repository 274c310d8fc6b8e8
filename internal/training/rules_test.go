package training

import (
	"testing"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
)

func TestParseHours(t *testing.T) {
	for s, want := range map[string]int{"3": 180, "1.5": 90, " 2.25 ": 135, "0.1": 6, "40": 2400} {
		got, fe := ParseHours("hours", s, MaxSessionHours)
		if fe != nil || got != want {
			t.Errorf("%q: %d %v, want %d", s, got, fe, want)
		}
	}
	for _, s := range []string{"", "-1", "0", "abc", "NaN", "Inf", "40.5", "0.001", "1e9"} {
		if _, fe := ParseHours("hours", s, MaxSessionHours); fe == nil || fe.Message == "" {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestHoursAndProRated(t *testing.T) {
	if Hours(90) != 1.5 || Hours(0) != 0 || Hours(1440) != 24 || Hours(100) != 1.7 {
		t.Errorf("hours: %v %v %v", Hours(90), Hours(1440), Hours(100))
	}
	d := func(s string) calendar.Date { x, _ := calendar.ParseDate(s); return x }
	min := 24 * 60
	if got := ProRated(min, d("2026-12-31")); got != min {
		t.Errorf("year end: %d", got)
	}
	if got := ProRated(min, d("2026-01-01")); got != min/365 {
		t.Errorf("new year: %d", got)
	}
	// 2026-10-01 is day 274 of 365.
	if got := ProRated(min, d("2026-10-01")); got != min*274/365 {
		t.Errorf("October: %d", got)
	}
	// Leap year: 2028-12-31 is day 366 of 366.
	if got := ProRated(min, d("2028-12-31")); got != min {
		t.Errorf("leap year end: %d", got)
	}
	if InLastQuarter(d("2026-09-30")) || !InLastQuarter(d("2026-10-01")) || !InLastQuarter(d("2026-12-31")) {
		t.Error("last quarter")
	}
	if from, to := YearRange(2026); from.String() != "2026-01-01" || to.String() != "2026-12-31" {
		t.Errorf("year range %s..%s", from, to)
	}
}

func TestOrganisers(t *testing.T) {
	for _, k := range []domain.OrgKind{domain.OrgJusticeBureau, domain.OrgConsumerCouncil, domain.OrgServiceProvider, domain.OrgCommittee} {
		if !CanOrganise(k) {
			t.Errorf("%s cannot organise", k)
		}
	}
	if CanOrganise(domain.OrgOfficeRoom) || CanOrganise(domain.OrgCity) {
		t.Error("a room or the city organises")
	}
	if FileKindLabel("material") == "" || FileKindLabel("certificate") == "" || FileKindLabel("x") != "" {
		t.Error("file kind labels")
	}
}
