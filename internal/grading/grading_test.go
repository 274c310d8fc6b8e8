package grading

import (
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/calendar"
)

func d(s string) calendar.Date {
	x, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return x
}

func TestCodeLists(t *testing.T) {
	if Label(Educations, "bachelor") != "大学本科" || Label(Grades, "1") != "一级" || Label(Kinds, "x") != "" || Known(Sexes, "") {
		t.Fatal("labels")
	}
	for _, e := range Educations {
		want := e.Code == "doctor" || e.Code == "master" || e.Code == "bachelor"
		if BachelorOrAbove(e.Code) != want {
			t.Errorf("本科及以上 %s", e.Code)
		}
	}
	for _, e := range Employments {
		want := e.Label != "公务员" && e.Label != "事业编制"
		if SubsidyEligible(e.Code) != want {
			t.Errorf("subsidy %s", e.Label)
		}
	}
	for i, g := range Grades {
		if GradeRank(g.Code) != i {
			t.Errorf("rank %s", g.Code)
		}
	}
	if GradeRank("5") != -1 || GradeRank("1") <= GradeRank("4") {
		t.Fatal("一级 is highest")
	}
}

// TestProfileSentence builds a corps like the seed's from counts whose
// shares and rounding are known, and reads its sentence.
func TestProfileSentence(t *testing.T) {
	var ms []Member
	// 47 full-time: 44 with a bachelor or above (93.6% → 94%), 26 law majors (55.3% → 55%), 4 qualified.
	for i := 0; i < 47; i++ {
		m := Member{Kind: "full_time", Sex: "female", Education: "bachelor", BirthYear: 1994, Grade: "4"}
		if i >= 44 {
			m.Education = "college"
		}
		if i < 26 {
			m.LawMajor = true
		}
		if i < 4 {
			m.LegalQualification, m.Sex, m.Grade = true, "male", "none"
		}
		if i == 0 {
			m.BirthYear = 1984 // 42 with 46 × 32: 1514 / 47 = 32.2
		}
		ms = append(ms, m)
	}
	p := ComputeProfile(ms, 2026)
	if p.Total != 47 || p.FullTime != 47 || p.PartTime != 0 || p.BachelorOrAbove != 44 || p.BachelorPct != 94 ||
		p.LawMajors != 26 || p.LawPct != 55 || p.Qualified != 4 || p.AverageAge != 32 || p.AgeKnown != 47 {
		t.Fatalf("profile: %+v", p)
	}
	if s := p.Sentence(); s != "现有专职调解员47名，本科及以上学历占94%，法律专业占55%，4人具有法律职业资格，平均年龄32岁" {
		t.Fatalf("sentence: %s", s)
	}
	if p.ByGrade[0].Code != "1" || p.ByGrade[3].N != 43 || p.ByGrade[4].Code != GradeNone || p.ByGrade[4].N != 4 {
		t.Fatalf("by grade: %+v", p.ByGrade)
	}
	if p.BySex[0].N != 4 || p.BySex[1].N != 43 || len(p.BySex) != 2 {
		t.Fatalf("by sex: %+v", p.BySex)
	}
	// Part-timers are named; unknown birth years stay out of the average.
	ms = append(ms, Member{Kind: "part_time", Education: "master"}, Member{Kind: "part_time", BirthYear: 2030, Grade: "bogus"})
	p = ComputeProfile(ms, 2026)
	if p.PartTime != 2 || p.AgeKnown != 47 || p.BySex[2].N != 2 || p.ByGrade[4].N != 6 {
		t.Fatalf("with part-timers: %+v", p)
	}
	if s := p.Sentence(); !strings.HasPrefix(s, "现有调解员49名（专职47名、兼职2名），本科及以上学历占92%") {
		t.Fatalf("sentence: %s", s)
	}
	if s := ComputeProfile(nil, 2026).Sentence(); s != "暂无调解员登记" {
		t.Fatal(s)
	}
	if s := ComputeProfile([]Member{{Kind: "part_time"}}, 2026).Sentence(); s != "现有兼职调解员1名，本科及以上学历占0%，法律专业占0%，0人具有法律职业资格" {
		t.Fatal(s)
	}
	// Half rounds up.
	if pct(1, 2) != 50 || pct(1, 8) != 13 || pct(0, 0) != 0 || pct(2, 3) != 67 {
		t.Fatal("pct")
	}
}

func TestYearsInPost(t *testing.T) {
	for _, c := range []struct {
		from, to string
		want     int
	}{{"2024-03-02", "2026-03-01", 1}, {"2024-03-02", "2026-03-02", 2}, {"2024-02-29", "2026-02-28", 1},
		{"2026-05-01", "2026-03-01", 0}, {"2020-12-31", "2021-01-01", 0}} {
		if got := YearsInPost(d(c.from), d(c.to)); got != c.want {
			t.Errorf("%s → %s: %d, want %d", c.from, c.to, got, c.want)
		}
	}
	if YearsInPost(calendar.Date{}, d("2026-01-01")) != 0 {
		t.Fatal("no appointment")
	}
}

// good is a history that meets 四级 exactly at its thresholds.
func good() Facts {
	return Facts{AppointedOn: d("2024-03-02"), Cases: 50, Agreed: 85, NotAgreed: 15, Oral: 30, Written: 70, TrainingHours: 24}
}

func TestEvaluateEachCriterion(t *testing.T) {
	today := d("2026-03-02")
	rs := DefaultRules()
	r := Evaluate(rs, good(), today)
	if r.Highest != "4" || !r.Grades[0].Qualifies || r.Grades[1].Qualifies || !strings.HasPrefix(r.Why, "未达三级：") {
		t.Fatalf("at the 四级 thresholds: %+v", r)
	}
	if len(r.Grades) != 4 || r.Grades[0].Label != "四级" || r.Grades[3].Grade != "1" {
		t.Fatalf("grades: %+v", r.Grades)
	}
	// Each criterion one step short fails 四级, and only that criterion.
	for _, c := range []struct {
		code string
		mod  func(*Facts)
	}{
		{"years", func(f *Facts) { f.AppointedOn = d("2024-03-03") }},
		{"years", func(f *Facts) { f.AppointedOn = calendar.Date{} }},
		{"cases", func(f *Facts) { f.Cases = 49 }},
		{"oral", func(f *Facts) { f.Oral = 31 }},
		{"success", func(f *Facts) { f.Agreed, f.NotAgreed = 84, 16 }},
		{"success", func(f *Facts) { f.Agreed, f.NotAgreed = 0, 0 }},
		{"improper", func(f *Facts) { f.Improper = 1 }},
		{"training", func(f *Facts) { f.TrainingHours = 23.5 }},
	} {
		f := good()
		c.mod(&f)
		r := Evaluate(rs, f, today)
		if r.Highest != GradeNone || r.Grades[0].Qualifies {
			t.Errorf("%s short: still %s", c.code, r.Highest)
		}
		for _, ch := range r.Grades[0].Checks {
			if ch.Met == (ch.Code == c.code) {
				t.Errorf("%s short: check %s met=%v (%s)", c.code, ch.Code, ch.Met, ch.Figure)
			}
		}
		if !strings.HasPrefix(r.Why, "未达四级：") {
			t.Errorf("%s: why %q", c.code, r.Why)
		}
	}
	// No agreement at all: no oral share to exceed.
	f := good()
	f.Oral, f.Written = 0, 0
	if r := Evaluate(rs, f, today); !r.Grades[0].Checks[2].Met || r.Grades[0].Checks[2].Figure != "无（0 件）" {
		t.Fatalf("oral with no agreements: %+v", r.Grades[0].Checks[2])
	}
	// Figures explain themselves.
	ch := Evaluate(rs, good(), today).Grades[0].Checks
	if ch[0].Figure != "2 年" || ch[1].Figure != "50 件" || ch[2].Figure != "30.0%（30/100）" || ch[3].Figure != "85.0%（85/100）" ||
		ch[4].Figure != "0 件" || ch[5].Figure != "24 学时" || ch[3].Required != "≥ 85%" {
		t.Fatalf("figures: %+v", ch)
	}
}

func TestEvaluateLadder(t *testing.T) {
	today := d("2026-03-02")
	top := Facts{AppointedOn: d("2010-01-01"), Cases: 600, Agreed: 95, NotAgreed: 5, Oral: 10, Written: 90, TrainingHours: 60}
	if r := Evaluate(DefaultRules(), top, today); r.Highest != "1" || r.Why != "" {
		t.Fatalf("top: %+v", r)
	}
	// Meeting 一级's figures but not 三级's training: a grade needs the lower ones too.
	rs := DefaultRules()
	rs.Grades[1].TrainingHours = 100
	rs.Grades[2].TrainingHours = 100
	rs.Grades[3].TrainingHours = 100
	top.TrainingHours = 60
	if r := Evaluate(rs, top, today); r.Highest != "4" || !strings.Contains(r.Why, "年度培训学时") {
		t.Fatalf("ladder: %+v", r)
	}
}

func TestRuleSetValidateAndInForce(t *testing.T) {
	if err := DefaultRules().Validate(); err != nil {
		t.Fatal(err)
	}
	bad := []func(*RuleSet){
		func(r *RuleSet) { r.EffectiveFrom = calendar.Date{} },
		func(r *RuleSet) { r.Grades = r.Grades[:3] },
		func(r *RuleSet) { r.Grades[0].Grade = "5" },
		func(r *RuleSet) { r.Grades[1].Grade = "4" },
		func(r *RuleSet) { r.Grades[0].OralMaxPct = 101 },
		func(r *RuleSet) { r.Grades[0].SuccessMinPct = -1 },
		func(r *RuleSet) { r.Grades[0].Cases = -1 },
		func(r *RuleSet) { r.Grades[0].YearsInPost = 51 },
		func(r *RuleSet) { r.Grades[0].TrainingHours = -1 },
		func(r *RuleSet) { r.Grades[3].Cases = 10 },         // 一级 easier than 二级
		func(r *RuleSet) { r.Grades[3].OralMaxPct = 90 },    // laxer oral share
		func(r *RuleSet) { r.Grades[2].NoImproper = false }, // drops a lower grade's criterion
		func(r *RuleSet) { r.Grades[1].SuccessMinPct = 50 }, // 三级 below 四级
	}
	for i, mod := range bad {
		rs := DefaultRules()
		mod(&rs)
		if err := rs.Validate(); err == nil {
			t.Errorf("bad rule set %d accepted", i)
		} else if !strings.ContainsAny(err.Error(), "级日期") {
			t.Errorf("message %d: %v", i, err)
		}
	}
	// Order in the list does not matter.
	rs := DefaultRules()
	rs.Grades[0], rs.Grades[3] = rs.Grades[3], rs.Grades[0]
	if err := rs.Validate(); err != nil {
		t.Fatal(err)
	}
	v1, v2 := DefaultRules(), DefaultRules()
	v1.EffectiveFrom, v2.EffectiveFrom = d("2025-01-01"), d("2026-01-01")
	v2.Grades[0].Cases = 60
	if got := InForce([]RuleSet{v2, v1}, d("2025-12-31")); got.EffectiveFrom != v1.EffectiveFrom {
		t.Fatalf("in force 2025: %v", got.EffectiveFrom)
	}
	if got := InForce([]RuleSet{v1, v2}, d("2026-01-01")); got.Grades[0].Cases != 60 {
		t.Fatalf("in force 2026: %+v", got)
	}
	if got := InForce([]RuleSet{v2}, d("2024-01-01")); got.EffectiveFrom != DefaultRules().EffectiveFrom {
		t.Fatal("default before any version")
	}
	if _, err := ParseRuleSet("{"); err == nil {
		t.Fatal("bad json")
	}
}

func TestFiling(t *testing.T) {
	cal := calendar.New(nil)
	// 2026-09-01 (Tue) + 30 working days, across the National Day holiday.
	appointed := d("2026-09-01")
	due := FilingDue(cal, appointed)
	if cal.WorkdaysBetween(appointed, due) != 30 || !cal.IsWorkday(due) {
		t.Fatalf("due %s", due)
	}
	// An override that makes a working day a holiday moves the due day.
	off := calendar.New([]calendar.Override{{Date: due, Workday: false, Name: "调休"}})
	if FilingDue(off, appointed) == due {
		t.Fatal("override ignored")
	}
	for _, c := range []struct {
		filed, today string
		want         string
	}{
		{"", due.String(), FilingPending},
		{"", due.AddDays(1).String(), FilingOverdue},
		{due.String(), due.AddDays(9).String(), FilingDone},
		{due.AddDays(1).String(), due.AddDays(9).String(), FilingLate},
	} {
		var filed calendar.Date
		if c.filed != "" {
			filed = d(c.filed)
		}
		if got := FilingState(cal, appointed, filed, d(c.today)); got != c.want || FilingLabel(got) == "" {
			t.Errorf("filed %q today %s: %s, want %s", c.filed, c.today, got, c.want)
		}
	}
	if FilingState(cal, calendar.Date{}, calendar.Date{}, d("2026-01-01")) != FilingUnknown || !FilingDue(cal, calendar.Date{}).IsZero() {
		t.Fatal("no appointment")
	}
}
