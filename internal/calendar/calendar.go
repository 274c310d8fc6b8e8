package calendar

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// statutoryDay is one entry of the State Council schedule: a day off for a
// holiday, or a make-up working day (调休上班) that belongs to a holiday.
type statutoryDay struct {
	name string // holiday name as lunar-go spells it, e.g. "国庆节", "国庆中秋"
	work bool   // true for a make-up working day
}

// statutory is the lunar-go schedule, read once in init and never changed.
// (Later HolidayUtil.Fix calls are not seen; use overrides instead.)
var statutory map[dayNum]statutoryDay

// statutoryDigest digests statutory, set with it in init.
var statutoryDigest string

// statutoryKind is statutory as a table of days from statutoryFrom, set
// with it in init: a list's clocks ask isWorkday for every day they
// count, and two map lookups a day were a tenth of the desk's CPU.
var (
	statutoryFrom dayNum
	statutoryKind []dayKind
)

type dayKind uint8

const (
	regularDay dayKind = iota // the weekday decides
	dayOff                    // a statutory holiday
	makeUpDay                 // a make-up working day
)

func statutoryTable(m map[dayNum]statutoryDay) (dayNum, []dayKind) {
	if len(m) == 0 {
		return 0, nil
	}
	lo, hi := dayNum(1<<62), dayNum(-1<<62)
	for n := range m {
		lo, hi = min(lo, n), max(hi, n)
	}
	kinds := make([]dayKind, hi-lo+1)
	for n, d := range m {
		kinds[n-lo] = dayOff
		if d.work {
			kinds[n-lo] = makeUpDay
		}
	}
	return lo, kinds
}

// digestStatutory hashes the schedule's days in order.
func digestStatutory(m map[dayNum]statutoryDay) string {
	days := make([]dayNum, 0, len(m))
	for n := range m {
		days = append(days, n)
	}
	slices.Sort(days)
	h := sha256.New()
	for _, n := range days {
		fmt.Fprintf(h, "%d %t\n", n, m[n].work)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Digest identifies which days the calendar counts as working days: equal
// digests, equal answers. Stored due dates (internal/desk) record it to know
// when the schedule or an override has changed under them.
func (c *Calendar) Digest() string {
	h := sha256.New()
	fmt.Fprintf(h, "statutory %s\n", statutoryDigest)
	if c != nil {
		days := make([]dayNum, 0, len(c.overrides))
		for n := range c.overrides {
			days = append(days, n)
		}
		slices.Sort(days)
		for _, n := range days {
			fmt.Fprintf(h, "%d %t\n", n, c.overrides[n].Workday)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// loadStatutory copies the lunar-go schedule (2001-12-29 onwards, as far as
// the library knows) into a map so that lookups are cheap.
func loadStatutory() map[dayNum]statutoryDay {
	m := make(map[dayNum]statutoryDay, 1024)
	for year := 2001; year <= 2200; year++ {
		l := HolidayUtil.GetHolidaysByYear(year)
		if l.Len() == 0 {
			break // the schedule is contiguous; the first empty year ends it
		}
		for e := l.Front(); e != nil; e = e.Next() {
			h, ok := e.Value.(*HolidayUtil.Holiday)
			if !ok {
				continue
			}
			d, err := ParseDate(h.GetDay())
			if err != nil {
				continue
			}
			m[d.num()] = statutoryDay{name: h.GetName(), work: h.IsWork()}
		}
	}
	return m
}

// Override is an admin-entered ruling for one date that wins over lunar-go,
// e.g. a local change or a year the library does not know yet.
type Override struct {
	Date    Date
	Workday bool
	Name    string // shown as the reason, e.g. "区级调整"
}

// Calendar decides working days. It is immutable after New and safe for
// concurrent use. A nil *Calendar behaves like New(nil).
type Calendar struct {
	overrides map[dayNum]Override
}

// New builds a Calendar from the override table. For duplicate dates the
// later entry wins. The slice is copied.
func New(overrides []Override) *Calendar {
	m := make(map[dayNum]Override, len(overrides))
	for _, o := range overrides {
		n := o.Date.num()
		o.Date = n.date() // normalised
		m[n] = o
	}
	return &Calendar{overrides: m}
}

func (c *Calendar) override(n dayNum) (Override, bool) {
	if c == nil {
		return Override{}, false
	}
	o, ok := c.overrides[n]
	return o, ok
}

// IsWorkday reports whether d is a working day: an override decides first,
// then the lunar-go holiday / make-up day, then Monday–Friday.
func (c *Calendar) IsWorkday(d Date) bool { return c.isWorkday(d.num()) }

func (c *Calendar) isWorkday(n dayNum) bool {
	if c != nil && len(c.overrides) > 0 {
		if o, ok := c.overrides[n]; ok {
			return o.Workday
		}
	}
	if i := n - statutoryFrom; i >= 0 && i < dayNum(len(statutoryKind)) {
		switch statutoryKind[i] {
		case dayOff:
			return false
		case makeUpDay:
			return true
		}
	}
	return !n.weekend()
}

// DayInfo is IsWorkday with a Chinese reason for deadline explanations:
// the override name, "国庆节" (holiday), "国庆节调休上班" (make-up day),
// "周末" or "工作日".
func (c *Calendar) DayInfo(d Date) (workday bool, reason string) {
	n := d.num()
	if o, ok := c.override(n); ok {
		if o.Name != "" {
			return o.Workday, o.Name
		}
		if o.Workday {
			return true, "调整为工作日"
		}
		return false, "调整为休息日"
	}
	if s, ok := statutory[n]; ok {
		if s.work {
			return true, s.name + "调休上班"
		}
		return false, s.name
	}
	if n.weekend() {
		return false, "周末"
	}
	return true, "工作日"
}

// AddWorkdays returns the n-th working day after start; start itself is not
// counted. For n <= 0 it returns start unchanged.
func (c *Calendar) AddWorkdays(start Date, n int) Date {
	due, _ := c.dueWithPauses(start, n, nil)
	return due
}

// WorkdaysBetween counts the working days in (from, to]. If to is before
// from the result is minus the working days in (to, from], so that
// WorkdaysBetween(d, c.AddWorkdays(d, n)) == n for n >= 0.
func (c *Calendar) WorkdaysBetween(from, to Date) int {
	if to.Before(from) {
		return -c.countWorkdays(to, from, nil)
	}
	return c.countWorkdays(from, to, nil)
}

// countWorkdays counts working days in (from, to] that lie outside every
// suspension window. from must not be after to.
func (c *Calendar) countWorkdays(from, to Date, windows []window) int {
	count := 0
	for n, last := from.num()+1, to.num(); n <= last; n++ {
		if c.isWorkday(n) && !suspended(windows, n) {
			count++
		}
	}
	return count
}

// LatestStart inverts AddWorkdays for the lists that filter by a clock: the
// latest start s for which AddWorkdays(s, n) is on or before due. Because
// AddWorkdays never decreases as its start moves later, a start on or before
// the result gives a due date on or before due, and every later start a later
// one — so "due by D" becomes a range on the stored start date. For n <= 0 it
// is due itself.
func (c *Calendar) LatestStart(due Date, n int) Date {
	if n <= 0 {
		return due
	}
	// The n-th working day counted back from due (due included) is the
	// earliest day the n-th working day after s can be, for s just before it.
	d := due.num()
	for {
		if c.isWorkday(d) {
			if n--; n == 0 {
				return (d - 1).date()
			}
		}
		d--
	}
}
