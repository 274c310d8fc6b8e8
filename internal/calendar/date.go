// Package calendar answers "which days count" for the case clocks of the
// mediation system: civil dates in Asia/Shanghai, the State Council holiday
// schedule (from lunar-go) with an admin-editable override table, working-day
// arithmetic, suspensions (中止), the versioned deadline policy and the
// deadline clocks of one case.
package calendar

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // the zone database must be available in minimal containers too
)

// shanghai is set once in init and never changed afterwards.
var shanghai *time.Location

func init() {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic("calendar: cannot load Asia/Shanghai: " + err.Error())
	}
	shanghai = loc
	statutory = loadStatutory()
	statutoryDigest = digestStatutory(statutory)
	statutoryFrom, statutoryKind = statutoryTable(statutory)
}

// Shanghai returns the Asia/Shanghai location all case clocks run in.
func Shanghai() *time.Location { return shanghai }

// Date is a civil calendar date without time of day or zone. The zero value
// means "no date". Date is comparable, so == and map keys work as long as
// values are normalised (as produced by DateOf, ParseDate and AddDays).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

const dateLayout = "2006-01-02"

// DateOf returns the calendar date of t in Asia/Shanghai.
func DateOf(t time.Time) Date {
	y, m, d := t.In(shanghai).Date()
	return Date{y, m, d}
}

// ParseDate parses a "2006-01-02" date; surrounding blanks are ignored.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("日期格式不正确（应为 YYYY-MM-DD）：%q", s)
	}
	y, m, d := t.Date()
	return Date{y, m, d}, nil
}

// String formats the date as "2006-01-02".
func (d Date) String() string {
	if d.Year < 0 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 0 || d.Day > 99 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
	// By hand: every clock's explanation and every date on a page prints
	// dates, and fmt was a twentieth of the committee desk's CPU.
	y, m := d.Year, int(d.Month)
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + d.Day/10), byte('0' + d.Day%10)}
	return string(b[:])
}

// Number is d as the integer yyyymmdd, ordered as the dates are (the
// stored due dates of internal/desk).
func (d Date) Number() int { return d.Year*10000 + int(d.Month)*100 + d.Day }

// IsZero reports whether d is the zero Date ("no date").
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight of d in Asia/Shanghai.
func (d Date) Time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, shanghai)
}

// utc is the arithmetic form of d: midnight UTC has no DST or offset history.
func (d Date) utc() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// dayNum is a date counted in days since 1970-01-01. The working-day loops
// step through dayNums: adding one and hashing an integer is cheap.
type dayNum int64

func (d Date) num() dayNum {
	return dayNum(d.utc().Unix() / 86400) // exact: midnight UTC is a multiple of 86400
}

func (n dayNum) date() Date {
	y, m, d := time.Unix(int64(n)*86400, 0).UTC().Date()
	return Date{y, m, d}
}

// weekend reports whether n is a Saturday or Sunday; 1970-01-01 was a Thursday.
func (n dayNum) weekend() bool {
	wd := time.Weekday(((int64(n)+4)%7 + 7) % 7)
	return wd == time.Saturday || wd == time.Sunday
}

// AddDays returns the date n calendar days after d (before it if n < 0).
// The result is normalised, so AddDays(0) normalises e.g. February 30.
func (d Date) AddDays(n int) Date {
	return (d.num() + dayNum(n)).date()
}

// Sub returns the number of calendar days from o to d (d - o).
func (d Date) Sub(o Date) int {
	return int(d.num() - o.num())
}

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmpInt(d.Year, o.Year)
	case d.Month != o.Month:
		return cmpInt(int(d.Month), int(o.Month))
	default:
		return cmpInt(d.Day, o.Day)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is strictly before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is strictly after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// Equal reports whether d and o are the same date (same as d == o).
func (d Date) Equal(o Date) bool { return d == o }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// MarshalText encodes d as "2006-01-02"; the zero Date encodes as "".
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText decodes "2006-01-02"; "" decodes to the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(strings.TrimSpace(string(b))) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
