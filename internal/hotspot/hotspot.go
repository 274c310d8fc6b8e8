// Package hotspot holds the rules of 分析研判 (hot-spot analysis), with no
// I/O: the comparison windows of a hot list (the previous window and the
// same window last year), growth rates, ranking by count or by growth,
// moving averages of daily intake, the weeks of a heat-map, the merchant key
// a complaint is counted under and whether a case counts at all.
// internal/analysis loads, scopes and stores.
package hotspot

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
)

// Period is the days From..To, inclusive.
type Period struct {
	From, To calendar.Date
}

// Days is how many days the period has.
func (p Period) Days() int { return p.To.Sub(p.From) + 1 }

// MaxDays is the longest period a dashboard or hot list may cover (five years).
const MaxDays = 366 * 5

// ParsePeriod checks from/to (YYYY-MM-DD). Both empty: the defaultDays
// ending today. Otherwise both are required, real dates, from not after to,
// not starting after today, at most MaxDays long; a to after today is cut
// back to today. Problems come back as field errors in Chinese.
func ParsePeriod(from, to string, today calendar.Date, defaultDays int) (Period, []*domain.FieldError) {
	from, to = strings.TrimSpace(from), strings.TrimSpace(to)
	if from == "" && to == "" {
		return Period{From: today.AddDays(-(defaultDays - 1)), To: today}, nil
	}
	var errs []*domain.FieldError
	parse := func(field, label, s string) calendar.Date {
		if s == "" {
			errs = append(errs, &domain.FieldError{Field: field, Message: label + "不能为空，格式为 YYYY-MM-DD"})
			return calendar.Date{}
		}
		d, err := calendar.ParseDate(s)
		if err != nil || d.String() != s {
			errs = append(errs, &domain.FieldError{Field: field, Message: fmt.Sprintf("%s“%s”不是有效日期，格式为 YYYY-MM-DD", label, s)})
			return calendar.Date{}
		}
		return d
	}
	p := Period{From: parse("from", "开始日期", from), To: parse("to", "结束日期", to)}
	if len(errs) > 0 {
		return Period{}, errs
	}
	switch {
	case p.From.After(p.To):
		return Period{}, []*domain.FieldError{{Field: "from", Message: fmt.Sprintf("开始日期 %s 晚于结束日期 %s", p.From, p.To)}}
	case p.From.After(today):
		return Period{}, []*domain.FieldError{{Field: "from", Message: fmt.Sprintf("统计期间不能在未来：今天是 %s", today)}}
	case p.Days() > MaxDays:
		return Period{}, []*domain.FieldError{{Field: "to", Message: "统计期间最长五年"}}
	}
	if p.To.After(today) {
		p.To = today
	}
	return p, nil
}

// Previous is the window of the same length just before p.
func Previous(p Period) Period {
	n := p.Days()
	return Period{From: p.From.AddDays(-n), To: p.From.AddDays(-1)}
}

// LastYear is the same days one year earlier; 29 February becomes the 28th
// (so a window ending on a leap day compares with the last day of February).
func LastYear(p Period) Period {
	back := func(d calendar.Date) calendar.Date {
		if d.Month == time.February && d.Day == 29 {
			return calendar.Date{Year: d.Year - 1, Month: time.February, Day: 28}
		}
		return calendar.Date{Year: d.Year - 1, Month: d.Month, Day: d.Day}
	}
	return Period{From: back(p.From), To: back(p.To)}
}

// Growth is the change from base to now in percent, rounded to one
// decimal; nil when the base is 0 (no rate: shown as "—").
func Growth(now, base int64) *float64 {
	if base == 0 {
		return nil
	}
	g := math.Round(float64(now-base)*1000/float64(base)) / 10
	return &g
}

// FormatGrowth shows a growth rate: "+12.5%", "-3.0%", "—" without a base.
func FormatGrowth(g *float64) string {
	if g == nil {
		return "—"
	}
	return fmt.Sprintf("%+.1f%%", *g)
}

// Row is one subject of a hot list: a merchant, a category or a street.
type Row struct {
	Key, Label string
	Count      int64 // complaints received in the period
	ClaimFen   int64
	Prev       int64 // in the previous window of the same length
	LastYear   int64 // in the same window last year
	GrowthPrev *float64
	GrowthYear *float64
	Rank       int
}

// Fill computes the growth rates of rows.
func Fill(rows []Row) {
	for i := range rows {
		rows[i].GrowthPrev = Growth(rows[i].Count, rows[i].Prev)
		rows[i].GrowthYear = Growth(rows[i].Count, rows[i].LastYear)
	}
}

// Candidates are the subjects of counts (key → {count, …}) a hot list of
// want can show, sorted: with want = 0 all of them; else those with at
// least the want-th largest count (a tie at the boundary is broken by
// growth, so every tied subject is a candidate) and, with a growth floor
// (see GrowthFloor; 0 for none), those with at least that many (a list by
// growth may show any of them).
func Candidates(counts map[string][2]int64, want int, growthFloor int64) []string {
	var ns []int64
	for _, v := range counts {
		if v[0] > 0 {
			ns = append(ns, v[0])
		}
	}
	floor := int64(1)
	if want > 0 && len(ns) > want {
		slices.SortFunc(ns, func(a, b int64) int { return cmp.Compare(b, a) })
		floor = ns[want-1]
	}
	if growthFloor > 0 && floor > growthFloor {
		floor = growthFloor
	}
	out := make([]string, 0, len(ns))
	for k, v := range counts {
		if v[0] >= floor {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// Orders of a hot list.
const (
	ByCount  = "count"  // most complaints first
	ByGrowth = "growth" // fastest growth against the previous window first
)

// MinForGrowth is the fewest complaints in the period a subject needs to
// be listed by growth (one complaint against none is not a hot spot).
const MinForGrowth = 3

// GrowthShare is the share of the period's complaints (one in this many) a
// subject needs to be listed by growth when that is more than MinForGrowth.
const GrowthShare = 1000

// GrowthFloor is the fewest complaints a subject needs in a period of total
// complaints to be listed by growth: MinForGrowth, or one in GrowthShare of
// the period's complaints when that is more. Among a city's forty thousand
// complaints a month, five against two is noise, not a hot spot; and the
// floor keeps the subjects a growth list must weigh to the busy few.
func GrowthFloor(total int64) int64 {
	return max(MinForGrowth, (total+GrowthShare-1)/GrowthShare)
}

// Rank orders rows and numbers them (ties share a rank: 1, 1, 3) and keeps
// the first limit (0: all). By count: count, then growth, then key. By
// growth: subjects with at least floor complaints (GrowthFloor); a rate against a
// base first (highest first), then those new this window (no base, by
// count); ties by count, then key. Subjects with no complaint in the
// period are left out either way.
func Rank(rows []Row, order string, floor int64, limit int) []Row {
	out := make([]Row, 0, len(rows))
	for _, r := range rows {
		if r.Count <= 0 || order == ByGrowth && r.Count < floor {
			continue
		}
		out = append(out, r)
	}
	growth := func(r Row) float64 {
		if r.GrowthPrev == nil {
			return math.Inf(-1)
		}
		return *r.GrowthPrev
	}
	less := func(a, b Row) int {
		if order == ByGrowth {
			if c := cmp.Compare(growth(b), growth(a)); c != 0 {
				return c
			}
			if c := cmp.Compare(b.Count, a.Count); c != 0 {
				return c
			}
		} else {
			if c := cmp.Compare(b.Count, a.Count); c != 0 {
				return c
			}
			if c := cmp.Compare(growth(b), growth(a)); c != 0 {
				return c
			}
		}
		return strings.Compare(a.Key, b.Key)
	}
	slices.SortStableFunc(out, less)
	same := func(a, b Row) bool {
		if order == ByGrowth {
			return growth(a) == growth(b) && a.Count == b.Count
		}
		return a.Count == b.Count && growth(a) == growth(b)
	}
	for i := range out {
		if i > 0 && same(out[i], out[i-1]) {
			out[i].Rank = out[i-1].Rank
		} else {
			out[i].Rank = i + 1
		}
	}
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// MovingAverage is, for each day i of series, the mean of the n days
// ending at i (rounded to two decimals); nil for the first n-1 days (the
// caller reads n-1 days before the first day it shows, so every day shown
// has its average).
func MovingAverage(series []int64, n int) []*float64 {
	out := make([]*float64, len(series))
	if n <= 0 {
		return out
	}
	var sum int64
	for i, v := range series {
		sum += v
		if i >= n {
			sum -= series[i-n]
		}
		if i >= n-1 {
			m := math.Round(float64(sum)*100/float64(n)) / 100
			out[i] = &m
		}
	}
	return out
}

// Week is one week of a heat-map: Monday..Sunday, cut to the period.
type Week struct {
	From, To calendar.Date
}

// Label is the week as the heat-map shows it: "MM-DD" of its Monday (or the
// period's first day).
func (w Week) Label() string { return w.From.String()[5:] }

// Weeks splits a period into Monday-to-Sunday weeks (the first and last cut
// to the period).
func Weeks(p Period) []Week {
	var out []Week
	for d := p.From; !d.After(p.To); {
		end := d.AddDays((7 - int(d.Weekday())) % 7) // the Sunday of d's week
		if end.After(p.To) {
			end = p.To
		}
		out = append(out, Week{From: d, To: end})
		d = end.AddDays(1)
	}
	return out
}

// Months lists the first days of the months p touches.
func Months(p Period) []calendar.Date {
	var out []calendar.Date
	for d := (calendar.Date{Year: p.From.Year, Month: p.From.Month, Day: 1}); !d.After(p.To); {
		out = append(out, d)
		next := d.AddDays(32)
		d = calendar.Date{Year: next.Year, Month: next.Month, Day: 1}
	}
	return out
}

// MerchantKey is what a complaint is counted under in the merchant hot
// list: the merchant's ID when the complaint is linked to a merchant record,
// else its name as given (trimmed, inner spaces removed), else "" (unknown).
func MerchantKey(id int64, name string) string {
	if id > 0 {
		return strconv.FormatInt(id, 10)
	}
	name = strings.Join(strings.Fields(name), "")
	if name == "" {
		return ""
	}
	return "n:" + name
}

// MerchantOf reads a merchant key back: the merchant's ID, or the name
// given for an unlinked complaint.
func MerchantOf(key string) (id int64, name string) {
	if n, ok := strings.CutPrefix(key, "n:"); ok {
		return 0, n
	}
	id, _ = strconv.ParseInt(key, 10, 64)
	return id, ""
}

// closing are the event types that close a case, as the evaluation reads
// them (internal/evaluation Derive): the first one decides the outcome.
var closing = map[string]bool{
	string(domain.ActionReject): true, string(domain.ActionReachAgreement): true, string(domain.ActionTerminate): true,
	string(domain.ActionWithdraw): true, string(domain.ActionODRSettled): true, string(domain.ActionMerge): true,
}

// Counted reports whether a case counts as a complaint received: not when
// its first closing event merged it into another case (the duplicate is
// carried by that case), exactly as the evaluation's 收到 figure.
func Counted(eventTypes []string) bool {
	for _, t := range eventTypes {
		if closing[t] {
			return t != string(domain.ActionMerge)
		}
	}
	return true
}

// Funnel stages: 收到 → 受理 → 调解 → 协议 → 履行 → 回访.
const (
	StageReceived  = "received"
	StageAccepted  = "accepted"
	StageMediated  = "mediated"
	StageAgreed    = "agreed"
	StagePerformed = "performed"
	StageFollowed  = "followed"
)

// Stage is one step of the funnel.
type Stage struct {
	Code, Name, Explain string
	Counter             string   // the evaluation counter it is
	Counters            []string // or the sum of these
}

// Stages lists the funnel. 收到 counts the complaints received in the
// period; the other steps the cases closed in the period, as the
// evaluation's funnel does.
var Stages = []Stage{
	{Code: StageReceived, Name: "收到", Counter: "received", Explain: "本期收到的投诉（合并的重复投诉不计）"},
	{Code: StageAccepted, Name: "受理", Counter: "closed_accepted", Explain: "本期办结的已受理案件（按时办结率的分母）"},
	{Code: StageMediated, Name: "调解", Counters: []string{"out_agreed", "out_not_agreed"}, Explain: "其中已开始调解并有结果的（调解成功＋调解不成）"},
	{Code: StageAgreed, Name: "协议", Counter: "out_agreed", Explain: "其中达成调解协议的（口头或书面）"},
	{Code: StagePerformed, Name: "履行", Counter: "performed", Explain: "其中协议各项已全部履行的"},
	{Code: StageFollowed, Name: "回访", Counter: "followed", Explain: "其中已完成回访的"},
}

// StageByCode finds a stage.
func StageByCode(code string) (Stage, bool) {
	for _, s := range Stages {
		if s.Code == code {
			return s, true
		}
	}
	return Stage{}, false
}

// Value is the stage's figure from summed counters.
func (s Stage) Value(t map[string]int64) int64 {
	if s.Counter != "" {
		return t[s.Counter]
	}
	var n int64
	for _, c := range s.Counters {
		n += t[c]
	}
	return n
}
