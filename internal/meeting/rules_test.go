package meeting

import (
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

func d(s string) calendar.Date {
	x, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return x
}

func TestMonthlyDateShifts(t *testing.T) {
	// 2026-10-05 is in the National Day holiday; 2026-04-05 is a Sunday
	// (and 清明); 2026-09-05 a Saturday; 2026-11-05 a plain Thursday.
	cal := calendar.New(nil)
	for _, c := range []struct {
		y    int
		m    time.Month
		want string
	}{
		{2026, time.November, "2026-11-05"},
		{2026, time.September, "2026-09-07"},
		{2026, time.December, "2026-12-07"},
	} {
		got := MonthlyDate(cal, c.y, c.m)
		if got.String() != c.want {
			t.Errorf("%d-%02d: got %s, want %s", c.y, c.m, got, c.want)
		}
		if !cal.IsWorkday(got) {
			t.Errorf("%s is not a working day", got)
		}
	}
	// The holiday: whatever the State Council table says, the day is the
	// first working day on or after the 5th.
	oct := MonthlyDate(cal, 2026, time.October)
	if !cal.IsWorkday(oct) || oct.Before(d("2026-10-05")) {
		t.Errorf("October: %s", oct)
	}
	for x := d("2026-10-05"); x.Before(oct); x = x.AddDays(1) {
		if cal.IsWorkday(x) {
			t.Errorf("October: %s is a working day before %s", x, oct)
		}
	}
	// A stored override (a 调休 working Saturday) is honoured.
	sat := calendar.New([]calendar.Override{{Date: d("2026-09-05"), Workday: true, Name: "调休"}})
	if got := MonthlyDate(sat, 2026, time.September); got.String() != "2026-09-05" {
		t.Errorf("override: got %s", got)
	}
	off := calendar.New([]calendar.Override{{Date: d("2026-11-05"), Workday: false, Name: "停工"}})
	if got := MonthlyDate(off, 2026, time.November); got.String() != "2026-11-06" {
		t.Errorf("day off: got %s", got)
	}
}

func TestNextMonthlyDate(t *testing.T) {
	cal := calendar.New(nil)
	if got := NextMonthlyDate(cal, d("2026-11-03")); got.String() != "2026-11-05" {
		t.Errorf("before the 5th: %s", got)
	}
	if got := NextMonthlyDate(cal, d("2026-11-06")); got.String() != "2026-12-07" {
		t.Errorf("after the 5th: %s", got)
	}
	if got := NextMonthlyDate(cal, d("2026-12-20")); got.Year != 2027 || got.Month != time.January {
		t.Errorf("year end: %s", got)
	}
}

func TestFiguresMonth(t *testing.T) {
	f, l := FiguresMonth(d("2026-11-05"), d("2026-12-03"))
	if f.String() != "2026-10-01" || l.String() != "2026-10-31" {
		t.Errorf("previous month: %s..%s", f, l)
	}
	f, l = FiguresMonth(d("2026-03-05"), d("2026-12-03"))
	if f.String() != "2026-02-01" || l.String() != "2026-02-28" {
		t.Errorf("February: %s..%s", f, l)
	}
	f, _ = FiguresMonth(d("2027-03-05"), d("2026-12-03"))
	if f.String() != "2026-12-01" {
		t.Errorf("future meeting: figures from %s", f)
	}
	f, l = FiguresMonth(d("2027-01-06"), d("2027-01-06"))
	if f.String() != "2026-12-01" || l.String() != "2026-12-31" {
		t.Errorf("January: %s..%s", f, l)
	}
}

func TestUnitFits(t *testing.T) {
	ok := []struct {
		kind string
		k    domain.OrgKind
	}{{store.MeetingCommittee, domain.OrgCommittee}, {store.MeetingJoint, domain.OrgCommittee},
		{store.MeetingRoom, domain.OrgOfficeRoom}, {store.MeetingRoom, domain.OrgEnterpriseRoom}}
	for _, c := range ok {
		if e := UnitFits(c.kind, c.k); e != nil {
			t.Errorf("%s/%s: %s", c.kind, c.k, e.Message)
		}
	}
	bad := []struct {
		kind string
		k    domain.OrgKind
	}{{store.MeetingCommittee, domain.OrgOfficeRoom}, {store.MeetingRoom, domain.OrgCommittee},
		{store.MeetingJoint, domain.OrgDistrict}, {"party", domain.OrgCommittee}}
	for _, c := range bad {
		if e := UnitFits(c.kind, c.k); e == nil || e.Message == "" {
			t.Errorf("%s/%s accepted", c.kind, c.k)
		}
	}
	for _, k := range Kinds {
		if KindLabel(k) == "" {
			t.Errorf("kind %s has no label", k)
		}
	}
}

func TestPartnersAndOverdue(t *testing.T) {
	for _, k := range []domain.OrgKind{domain.OrgRegulatorOffice, domain.OrgJusticeOffice, domain.OrgCourt, domain.OrgConsumerCouncil} {
		if !IsPartner(k) {
			t.Errorf("%s is a partner", k)
		}
	}
	for _, k := range []domain.OrgKind{domain.OrgCommittee, domain.OrgOfficeRoom, domain.OrgDistrict} {
		if IsPartner(k) {
			t.Errorf("%s is not a partner", k)
		}
	}
	today := d("2026-12-03")
	if !Overdue(store.MeetingItem{Due: "2026-12-02"}, today) || Overdue(store.MeetingItem{Due: "2026-12-03"}, today) ||
		Overdue(store.MeetingItem{Due: "2026-11-01", Done: true}, today) {
		t.Error("overdue rule")
	}
	if _, e := ParseDay("day", "日期", "2026-02-30"); e == nil {
		t.Error("2026-02-30 accepted")
	}
	if e := CheckText("body", "事项", "  ", true, 10); e == nil {
		t.Error("blank accepted")
	}
	if e := CheckText("body", "事项", "一二三四五六七八九十一", true, 10); e == nil {
		t.Error("long accepted")
	}
}

func TestAgendaFigureText(t *testing.T) {
	for _, c := range []struct {
		f    AgendaFigure
		want string
	}{{AgendaFigure{Value: 12, Unit: "件"}, "12"}, {AgendaFigure{Value: 87.5, Unit: "%"}, "87.5"}, {AgendaFigure{Value: 90, Unit: "%"}, "90.0"},
		{AgendaFigure{Value: 1234.56, Unit: "元"}, "1234.6"}, {AgendaFigure{Value: 3, Unit: "工作日"}, "3.0"}} {
		if got := c.f.Text(); got != c.want {
			t.Errorf("%v %s: %s, want %s", c.f.Value, c.f.Unit, got, c.want)
		}
	}
}
