package meeting

import (
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// The rules below are pure: they take the calendar and the values and do no I/O.

// MonthlyDay is the committee's default meeting day (the 5th): the 5th of
// the month, or the next working day when the 5th is not one.
const MonthlyDay = 5

// kindLabels names the meeting kinds.
var kindLabels = map[string]string{store.MeetingCommittee: "调委会月度例会", store.MeetingRoom: "工作室周例会", store.MeetingJoint: "联席会议"}

// Kinds lists the kinds in display order.
var Kinds = []string{store.MeetingCommittee, store.MeetingRoom, store.MeetingJoint}

// KindLabel is the Chinese name of a kind.
func KindLabel(k string) string { return kindLabels[k] }

// PartnerKinds are the org kinds that attend a joint meeting.
var PartnerKinds = []domain.OrgKind{domain.OrgRegulatorOffice, domain.OrgRegulatorBureau, domain.OrgJusticeOffice,
	domain.OrgJusticeBureau, domain.OrgCourt, domain.OrgConsumerCouncil, domain.OrgServiceProvider}

// IsPartner reports whether an org unit of kind k can attend a joint meeting.
func IsPartner(k domain.OrgKind) bool {
	for _, p := range PartnerKinds {
		if p == k {
			return true
		}
	}
	return false
}

// MonthlyDate is the monthly meeting's day in a month: the 5th, moved to
// the next working day (weekends, holidays and 调休 of cal).
func MonthlyDate(cal *calendar.Calendar, year int, month time.Month) calendar.Date {
	d := calendar.Date{Year: year, Month: month, Day: MonthlyDay}
	for i := 0; i < 40 && !cal.IsWorkday(d); i++ {
		d = d.AddDays(1)
	}
	return d
}

// NextMonthlyDate is the first monthly meeting day on or after today.
func NextMonthlyDate(cal *calendar.Calendar, today calendar.Date) calendar.Date {
	d := MonthlyDate(cal, today.Year, today.Month)
	if d.Before(today) {
		n := calendar.Date{Year: today.Year, Month: today.Month, Day: 1}.AddDays(32)
		d = MonthlyDate(cal, n.Year, n.Month)
	}
	return d
}

// FiguresMonth is the month whose figures a meeting on day discusses: the
// month before, but never a month that has not started by today.
func FiguresMonth(day, today calendar.Date) (first, last calendar.Date) {
	first = calendar.Date{Year: day.Year, Month: day.Month, Day: 1}.AddDays(-1)
	first = calendar.Date{Year: first.Year, Month: first.Month, Day: 1}
	if first.After(today) {
		first = calendar.Date{Year: today.Year, Month: today.Month, Day: 1}
	}
	next := first.AddDays(32)
	last = calendar.Date{Year: next.Year, Month: next.Month, Day: 1}.AddDays(-1)
	return first, last
}

// UnitFits checks that a meeting of kind may be held by a unit of kind k.
func UnitFits(kind string, k domain.OrgKind) *domain.FieldError {
	switch kind {
	case store.MeetingCommittee, store.MeetingJoint:
		if k != domain.OrgCommittee {
			return &domain.FieldError{Field: "unit", Message: KindLabel(kind) + "由调委会召开，请选择调委会"}
		}
	case store.MeetingRoom:
		if !k.IsRoom() {
			return &domain.FieldError{Field: "unit", Message: "工作室周例会请选择工作室"}
		}
	default:
		return &domain.FieldError{Field: "kind", Message: fmt.Sprintf("会议类型“%s”无效：应为调委会月度例会、工作室周例会或联席会议", kind)}
	}
	return nil
}

// ParseDay checks a YYYY-MM-DD day.
func ParseDay(field, label, s string) (calendar.Date, *domain.FieldError) {
	s = strings.TrimSpace(s)
	if s == "" {
		return calendar.Date{}, &domain.FieldError{Field: field, Message: label + "不能为空，格式为 YYYY-MM-DD"}
	}
	d, err := calendar.ParseDate(s)
	if err != nil || d.String() != s {
		return calendar.Date{}, &domain.FieldError{Field: field, Message: fmt.Sprintf("%s“%s”不是有效日期，格式为 YYYY-MM-DD", label, s)}
	}
	return d, nil
}

// CheckText checks a required text of at most max characters.
func CheckText(field, label, s string, required bool, max int) *domain.FieldError {
	n := len([]rune(strings.TrimSpace(s)))
	switch {
	case required && n == 0:
		return &domain.FieldError{Field: field, Message: label + "不能为空"}
	case n > max:
		return &domain.FieldError{Field: field, Message: fmt.Sprintf("%s不超过%d字", label, max)}
	}
	return nil
}

// Overdue reports whether an open item is past its due day.
func Overdue(it store.MeetingItem, today calendar.Date) bool {
	return !it.Done && it.Due < today.String()
}
