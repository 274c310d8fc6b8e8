package statforms

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
)

// Period kinds.
const (
	Monthly   = "month"
	Quarterly = "quarter"
	Annual    = "year"
)

// Spans a cell can be counted over.
const (
	SpanCurrent     = "current"       // 本期
	SpanYTD         = "ytd"           // 累计: 1 January to the period's end
	SpanLastYear    = "last_year"     // 去年同期
	SpanLastYearYTD = "last_year_ytd" // 去年同期累计
)

// Spans lists the span codes in printing order.
var Spans = []string{SpanCurrent, SpanYTD, SpanLastYear, SpanLastYearYTD}

// Range is days From..To, inclusive.
type Range struct{ From, To calendar.Date }

func (r Range) String() string { return r.From.String() + " 至 " + r.To.String() }

// Period is a report period: a month (2026-10), a quarter (2026-Q3) or a
// year (2026). A period not over yet is counted up to today (Cut).
type Period struct {
	Code  string
	Kind  string
	Year  int
	Index int // month 1–12, quarter 1–4; 0 for a year
	Full  Range
	Cut   bool // the period is not over: counted to today
	spans map[string]Range
}

var (
	reYear    = regexp.MustCompile(`^(\d{4})$`)
	reQuarter = regexp.MustCompile(`^(\d{4})-[Qq]([1-4])$`)
	reMonth   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
)

var quarterNames = []string{"", "第一季度", "第二季度", "第三季度", "第四季度"}

// Label is the period in words: 2026年10月, 2026年第三季度, 2026年.
func (p Period) Label() string {
	switch p.Kind {
	case Monthly:
		return fmt.Sprintf("%d年%d月", p.Year, p.Index)
	case Quarterly:
		return fmt.Sprintf("%d年%s", p.Year, quarterNames[p.Index])
	}
	return fmt.Sprintf("%d年", p.Year)
}

// Span is the days a span covers.
func (p Period) Span(code string) Range { return p.spans[code] }

func lastDay(y int, m time.Month) calendar.Date {
	return calendar.DateOf(time.Date(y, m+1, 1, 12, 0, 0, 0, calendar.Shanghai()).AddDate(0, 0, -1))
}

// YearBefore is the same day a year earlier; 29 February becomes 28 February.
func YearBefore(d calendar.Date) calendar.Date {
	out := calendar.Date{Year: d.Year - 1, Month: d.Month, Day: d.Day}
	if last := lastDay(out.Year, out.Month); out.Day > last.Day {
		out.Day = last.Day
	}
	return out
}

// ParsePeriod reads a period code and works out its spans as of today. A
// period starting after today is refused; one not over is counted to today
// and compared with the same days a year earlier. Years before 2000 are
// refused (no platform data).
func ParsePeriod(s string, today calendar.Date) (Period, error) {
	s = strings.TrimSpace(s)
	fail := func(msg string) (Period, error) {
		return Period{}, &domain.FieldError{Field: "period", Message: msg}
	}
	if s == "" {
		return fail("请指定统计期间（period）：年度如 2026，季度如 2026-Q3，月份如 2026-10")
	}
	var p Period
	atoi := func(x string) int { n, _ := strconv.Atoi(x); return n }
	switch {
	case reYear.MatchString(s):
		p = Period{Kind: Annual, Year: atoi(s)}
		p.Full = Range{calendar.Date{Year: p.Year, Month: 1, Day: 1}, calendar.Date{Year: p.Year, Month: 12, Day: 31}}
	case reQuarter.MatchString(s):
		m := reQuarter.FindStringSubmatch(s)
		p = Period{Kind: Quarterly, Year: atoi(m[1]), Index: atoi(m[2])}
		first := time.Month(3*p.Index - 2)
		p.Full = Range{calendar.Date{Year: p.Year, Month: first, Day: 1}, lastDay(p.Year, first+2)}
	case reMonth.MatchString(s):
		m := reMonth.FindStringSubmatch(s)
		p = Period{Kind: Monthly, Year: atoi(m[1]), Index: atoi(m[2])}
		if p.Index < 1 || p.Index > 12 {
			return fail(fmt.Sprintf("统计期间“%s”的月份无效（应为 01–12）", s))
		}
		p.Full = Range{calendar.Date{Year: p.Year, Month: time.Month(p.Index), Day: 1}, lastDay(p.Year, time.Month(p.Index))}
	default:
		return fail(fmt.Sprintf("统计期间“%s”无效：年度如 2026，季度如 2026-Q3，月份如 2026-10", s))
	}
	if p.Year < 2000 {
		return fail(fmt.Sprintf("统计期间“%s”太早（2000 年以前没有数据）", s))
	}
	if p.Full.From.After(today) {
		return fail(fmt.Sprintf("统计期间 %s 还没有开始：今天是 %s", p.Label(), today))
	}
	p.Code = s
	if p.Kind == Quarterly {
		p.Code = fmt.Sprintf("%d-Q%d", p.Year, p.Index)
	}
	to := p.Full.To
	if to.After(today) {
		to, p.Cut = today, true
	}
	jan1 := calendar.Date{Year: p.Year, Month: 1, Day: 1}
	p.spans = map[string]Range{
		SpanCurrent:     {p.Full.From, to},
		SpanYTD:         {jan1, to},
		SpanLastYear:    {YearBefore(p.Full.From), YearBefore(to)},
		SpanLastYearYTD: {YearBefore(jan1), YearBefore(to)},
	}
	return p, nil
}
