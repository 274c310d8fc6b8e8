package training

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
)

// The rules below are pure.

// DefaultMinimumHours is the yearly minimum when a committee never set one.
const DefaultMinimumHours = 24

// MaxSessionHours bounds one session (a multi-day course is recorded per day).
const MaxSessionHours = 40

// ParseHours reads decimal hours ("3", "1.5") into whole minutes.
func ParseHours(field, s string, max float64) (int, *domain.FieldError) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, &domain.FieldError{Field: field, Message: "学时不能为空"}
	}
	h, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil || math.IsNaN(h) || math.IsInf(h, 0):
		return 0, &domain.FieldError{Field: field, Message: fmt.Sprintf("学时“%s”不是有效数字", s)}
	case h <= 0:
		return 0, &domain.FieldError{Field: field, Message: "学时须大于0"}
	case h > max:
		return 0, &domain.FieldError{Field: field, Message: fmt.Sprintf("学时不能超过%g小时", max)}
	}
	m := int(math.Round(h * 60))
	if m == 0 {
		return 0, &domain.FieldError{Field: field, Message: "学时须大于0"}
	}
	return m, nil
}

// Hours turns minutes into hours for display (one decimal place is enough).
func Hours(minutes int) float64 { return math.Round(float64(minutes)/6) / 10 }

// YearRange is the first and last day of a year.
func YearRange(year int) (from, to calendar.Date) {
	return calendar.Date{Year: year, Month: 1, Day: 1}, calendar.Date{Year: year, Month: 12, Day: 31}
}

// ProRated is the part of a yearly minimum due by today: the minimum times
// the share of the year passed, in whole minutes (rounded down).
func ProRated(minMinutes int, today calendar.Date) int {
	first, last := YearRange(today.Year)
	days := last.Sub(first) + 1
	passed := today.Sub(first) + 1
	return minMinutes * passed / days
}

// InLastQuarter reports whether day is in October–December, when a
// shortfall is worth a warning before the year closes.
func InLastQuarter(day calendar.Date) bool { return day.Month >= 10 }

// organiserKinds are the org kinds that organise trainings.
var organiserKinds = []domain.OrgKind{domain.OrgCommittee, domain.OrgJusticeBureau, domain.OrgJusticeOffice,
	domain.OrgConsumerCouncil, domain.OrgServiceProvider, domain.OrgRegulatorBureau, domain.OrgCourt}

// CanOrganise reports whether a unit of kind k can be named organiser.
func CanOrganise(k domain.OrgKind) bool {
	for _, x := range organiserKinds {
		if x == k {
			return true
		}
	}
	return false
}

// FileKindLabel names a training file kind.
func FileKindLabel(k string) string {
	return map[string]string{"material": "培训材料", "certificate": "结业证书"}[k]
}
