package warning

import (
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
)

// Hours are the working hours of a working day, in minutes after midnight
// (Shanghai). Escalation ladders count only these minutes on working days.
type Hours struct{ Start, End int }

func (h Hours) valid() Hours {
	if h.Start < 0 || h.End > 24*60 || h.Start >= h.End {
		return Hours{Start: 9 * 60, End: 17*60 + 30}
	}
	return h
}

func at(d calendar.Date, minute int) time.Time {
	return d.Time().Add(time.Duration(minute) * time.Minute)
}

// maxDays bounds the walk (a ladder never spans a year of holidays).
const maxDays = 800

// AddWorking returns the moment minutes working minutes after from.
// Zero minutes is from itself (a step due at once is due when raised,
// even outside working hours).
func (h Hours) AddWorking(cal *calendar.Calendar, from time.Time, minutes int) time.Time {
	if minutes <= 0 {
		return from
	}
	h = h.valid()
	t := from.In(calendar.Shanghai())
	left := time.Duration(minutes) * time.Minute
	d := calendar.DateOf(t)
	for i := 0; i < maxDays; i, d = i+1, d.AddDays(1) {
		if !cal.IsWorkday(d) {
			continue
		}
		start, end := at(d, h.Start), at(d, h.End)
		if t.Before(start) {
			t = start
		}
		if !t.Before(end) {
			continue
		}
		if avail := end.Sub(t); left <= avail {
			return t.Add(left)
		} else {
			left -= avail
		}
		t = end
	}
	return t
}

// Between counts the working minutes from from to to (0 when to is not after from).
func (h Hours) Between(cal *calendar.Calendar, from, to time.Time) int {
	if !to.After(from) {
		return 0
	}
	h = h.valid()
	var total time.Duration
	d := calendar.DateOf(from)
	last := calendar.DateOf(to)
	for i := 0; i < maxDays && !d.After(last); i, d = i+1, d.AddDays(1) {
		if !cal.IsWorkday(d) {
			continue
		}
		s, e := at(d, h.Start), at(d, h.End)
		if from.After(s) {
			s = from
		}
		if to.Before(e) {
			e = to
		}
		if e.After(s) {
			total += e.Sub(s)
		}
	}
	return int(total / time.Minute)
}

// StepDue is when step i of a ladder falls due for a warning raised at raised.
func (rs RuleSet) StepDue(cal *calendar.Calendar, l Level, i int, raised time.Time) time.Time {
	return rs.Hours().AddWorking(cal, raised, rs.Ladders[l][i].After)
}

// DueSteps lists the ladder steps of an unacknowledged warning that are due
// at now and not yet taken (taken holds the indexes already done), in order.
func (rs RuleSet) DueSteps(cal *calendar.Calendar, l Level, raised, now time.Time, taken map[int]bool) []int {
	var out []int
	for i := range rs.Ladders[l] {
		if taken[i] {
			continue
		}
		if !rs.StepDue(cal, l, i, raised).After(now) {
			out = append(out, i)
		}
	}
	return out
}
