package grading

import (
	"fmt"
	"math"
	"strings"
)

// Member is what the profile needs of one registry row.
type Member struct {
	Kind               string
	Sex                string
	BirthYear          int // 0: unknown, left out of the average age
	Education          string
	LawMajor           bool
	LegalQualification bool
	Grade              string
}

// Count is one group of a breakdown.
type Count struct {
	Code, Label string
	N           int
}

// Profile is the corps profile (队伍概况) of a set of mediators.
type Profile struct {
	Total, FullTime, PartTime int
	BachelorOrAbove           int
	LawMajors                 int
	Qualified                 int // 法律职业资格
	// Shares in whole percent of Total (0 without members).
	BachelorPct, LawPct int
	// AverageAge in whole years over the members with a birth year; AgeKnown counts them.
	AverageAge, AgeKnown int
	ByGrade, BySex       []Count
}

// pct is n of total in whole percent, rounded half up.
func pct(n, total int) int {
	if total == 0 {
		return 0
	}
	return int(math.Floor(float64(n)*100/float64(total) + 0.5))
}

// ComputeProfile counts the members as of year (ages are year − birth year).
func ComputeProfile(ms []Member, year int) Profile {
	p := Profile{Total: len(ms)}
	grades, sexes := map[string]int{}, map[string]int{}
	ageSum := 0
	for _, m := range ms {
		switch m.Kind {
		case "full_time":
			p.FullTime++
		case "part_time":
			p.PartTime++
		}
		if BachelorOrAbove(m.Education) {
			p.BachelorOrAbove++
		}
		if m.LawMajor {
			p.LawMajors++
		}
		if m.LegalQualification {
			p.Qualified++
		}
		if m.BirthYear > 0 && m.BirthYear <= year {
			ageSum += year - m.BirthYear
			p.AgeKnown++
		}
		g := m.Grade
		if GradeRank(g) < 0 {
			g = GradeNone
		}
		grades[g]++
		sexes[m.Sex]++
	}
	p.BachelorPct, p.LawPct = pct(p.BachelorOrAbove, p.Total), pct(p.LawMajors, p.Total)
	if p.AgeKnown > 0 {
		p.AverageAge = int(math.Floor(float64(ageSum)/float64(p.AgeKnown) + 0.5))
	}
	for i := len(Grades) - 1; i >= 0; i-- {
		p.ByGrade = append(p.ByGrade, Count{Grades[i].Code, Grades[i].Label, grades[Grades[i].Code]})
	}
	for _, s := range Sexes {
		p.BySex = append(p.BySex, Count{s.Code, s.Label, sexes[s.Code]})
	}
	if n := sexes[""]; n > 0 {
		p.BySex = append(p.BySex, Count{"", "未填", n})
	}
	return p
}

// Sentence reads the profile the way the district's notices do, e.g.
// “现有专职调解员47名，本科及以上学历占93%，法律专业占55%，4人具有法律职业资格，平均年龄32岁”.
func (p Profile) Sentence() string {
	if p.Total == 0 {
		return "暂无调解员登记"
	}
	var b strings.Builder
	switch {
	case p.PartTime == 0 && p.FullTime == p.Total:
		fmt.Fprintf(&b, "现有专职调解员%d名", p.Total)
	case p.FullTime == 0 && p.PartTime == p.Total:
		fmt.Fprintf(&b, "现有兼职调解员%d名", p.Total)
	default:
		fmt.Fprintf(&b, "现有调解员%d名（专职%d名、兼职%d名）", p.Total, p.FullTime, p.PartTime)
	}
	fmt.Fprintf(&b, "，本科及以上学历占%d%%，法律专业占%d%%，%d人具有法律职业资格", p.BachelorPct, p.LawPct, p.Qualified)
	if p.AgeKnown > 0 {
		fmt.Fprintf(&b, "，平均年龄%d岁", p.AverageAge)
	}
	return b.String()
}
