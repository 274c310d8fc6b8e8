// Package reportrules holds the pure rules of the daily report (日报) and
// its weekly and monthly summaries: which days a report covers, what makes
// a case notable, how figures add up and compare, and when a report is
// late. No I/O: internal/dailyreport loads and stores.
package reportrules

import (
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
)

// Span is the days a report drafted on day covers: from the previous
// working day up to the day before the report day. A Monday's report so
// covers Friday and the weekend; a report after a holiday covers the last
// working day before it and the whole holiday. Every calendar day belongs
// to exactly one report. ok is false when day is not a working day (no
// report is drafted then).
func Span(cal *calendar.Calendar, day calendar.Date) (from, to calendar.Date, ok bool) {
	if !cal.IsWorkday(day) {
		return calendar.Date{}, calendar.Date{}, false
	}
	prev := day.AddDays(-1)
	for i := 0; i < 60 && !cal.IsWorkday(prev); i++ {
		prev = prev.AddDays(-1)
	}
	return prev, day.AddDays(-1), true
}

// ReportDays lists the working days from..to inclusive: the report days
// of a week or a month.
func ReportDays(cal *calendar.Calendar, from, to calendar.Date) []calendar.Date {
	var out []calendar.Date
	for d := from; !d.After(to); d = d.AddDays(1) {
		if cal.IsWorkday(d) {
			out = append(out, d)
		}
	}
	return out
}

// Week is the Monday..Sunday holding d.
func Week(d calendar.Date) (from, to calendar.Date) {
	back := (int(d.Weekday()) + 6) % 7 // days since Monday
	from = d.AddDays(-back)
	return from, from.AddDays(6)
}

// Month is the first..last day of d's month.
func Month(d calendar.Date) (from, to calendar.Date) {
	from = calendar.Date{Year: d.Year, Month: d.Month, Day: 1}
	next := from.AddDays(40)
	return from, calendar.Date{Year: next.Year, Month: next.Month, Day: 1}.AddDays(-1)
}

// DefaultDeadline is when the day's reports are due (the committee checks
// at 10:00 which rooms have not submitted).
const DefaultDeadline = "10:00"

// ParseDeadline reads a HH:MM time of day.
func ParseDeadline(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("截止时间“%s”无效，格式为 HH:MM", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// Late reports whether a report for day not submitted by now is past its
// deadline (the time of day on the report day, Shanghai time).
func Late(day calendar.Date, deadline time.Duration, submitted bool, now time.Time) bool {
	if submitted {
		return false
	}
	return !now.Before(day.Time().Add(deadline))
}
