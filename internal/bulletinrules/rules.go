// Package bulletinrules holds the pure rules of the monthly 情况通报: which
// month may have a bulletin, how the workflow moves (draft → edited →
// approved → published, and a correction as a new revision), and how a
// change against an earlier period is put in words. No I/O.
package bulletinrules

import (
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
)

// States of a bulletin (the store's constants carry the same strings).
const (
	Draft     = "draft"
	Edited    = "edited"
	Approved  = "approved"
	Published = "published"
)

// Actions on a bulletin.
const (
	Edit    = "edit"    // change the committee's texts or remarks
	Refresh = "refresh" // recompute the figures from the rollups
	Approve = "approve"
	Publish = "publish"
	Revise  = "revise" // start a correction of a published bulletin
)

// StateLabel is a state in Chinese.
func StateLabel(s string) string {
	return map[string]string{Draft: "草稿（自动生成）", Edited: "已编辑待审核", Approved: "已审核待发布", Published: "已发布"}[s]
}

// Error is a refused step, with its Chinese message.
type Error struct{ Message string }

func (e *Error) Error() string { return e.Message }

// Next is the state after action on a bulletin in state. Editing an
// approved bulletin withdraws the approval (what was approved is what gets
// published); a published bulletin never changes — a correction is a new
// revision (Revise, which leaves the published one as it is).
func Next(state, action string) (string, error) {
	switch action {
	case Edit:
		switch state {
		case Draft, Edited, Approved:
			return Edited, nil
		case Published:
			return "", &Error{"该通报已发布，不能修改；如需更正，请生成更正版（新的修订版）"}
		}
	case Refresh:
		switch state {
		case Draft, Edited:
			return state, nil
		case Approved:
			return "", &Error{"该通报已审核，数据已冻结"}
		case Published:
			return "", &Error{"该通报已发布，数据已冻结"}
		}
	case Approve:
		switch state {
		case Draft, Edited:
			return Approved, nil
		case Approved:
			return "", &Error{"该通报已审核，无需再次审核"}
		case Published:
			return "", &Error{"该通报已发布"}
		}
	case Publish:
		switch state {
		case Approved:
			return Published, nil
		case Draft, Edited:
			return "", &Error{"通报须经调委会审核后才能发布"}
		case Published:
			return "", &Error{"该通报已发布，不能再次发布；如需更正，请生成更正版"}
		}
	case Revise:
		if state == Published {
			return Draft, nil
		}
		return "", &Error{"只有已发布的通报才能更正；未发布的通报请直接修改"}
	default:
		return "", &Error{fmt.Sprintf("未知操作“%s”", action)}
	}
	return "", &Error{fmt.Sprintf("状态“%s”无效", state)}
}

// Period is a month's first and last day.
type Period struct {
	Month    string
	From, To calendar.Date
}

// MonthOf is the month's period (no checks against today).
func MonthOf(year int, month time.Month) Period {
	first := calendar.Date{Year: year, Month: month, Day: 1}
	next := first.AddDays(32)
	last := calendar.Date{Year: next.Year, Month: next.Month, Day: 1}.AddDays(-1)
	return Period{Month: fmt.Sprintf("%04d-%02d", year, int(month)), From: first, To: last}
}

// Previous is the month before.
func (p Period) Previous() Period {
	d := p.From.AddDays(-1)
	return MonthOf(d.Year, d.Month)
}

// YearBefore is the same month a year earlier.
func (p Period) YearBefore() Period { return MonthOf(p.From.Year-1, p.From.Month) }

// Label is the month in Chinese, e.g. "2026年3月".
func (p Period) Label() string { return fmt.Sprintf("%d年%d月", p.From.Year, int(p.From.Month)) }

// CheckMonth parses a YYYY-MM month that has ended by today: a bulletin
// reports a whole month, so it is drafted after the month's last day.
func CheckMonth(s string, today calendar.Date) (Period, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Period{}, &Error{"请指定月份（month，格式为 YYYY-MM）"}
	}
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Year() < 2000 {
		return Period{}, &Error{fmt.Sprintf("月份“%s”无效，格式为 YYYY-MM", s)}
	}
	p := MonthOf(t.Year(), t.Month())
	switch {
	case p.From.After(today):
		return Period{}, &Error{fmt.Sprintf("月份 %s 还没有到，不能起草情况通报", p.Month)}
	case !p.To.Before(today):
		return Period{}, &Error{fmt.Sprintf("%s 尚未结束：月度情况通报在月末之后（%s 起）起草", p.Month, p.To.AddDays(1))}
	}
	return p, nil
}

// LastEnded is the latest month that has ended by today.
func LastEnded(today calendar.Date) Period {
	return MonthOf(today.Year, today.Month).Previous()
}

// Change says how cur compares with an earlier value: "+20.0%", "-5.0%",
// "持平", or, when the earlier value is 0, "新增" (or "持平" when both are 0).
func Change(cur, prev float64) string {
	switch {
	case prev == 0 && cur == 0:
		return "持平"
	case prev == 0:
		return "新增"
	case cur == prev:
		return "持平"
	}
	return fmt.Sprintf("%+.1f%%", (cur-prev)*100/prev)
}

// PointsChange compares two percentages in percentage points: "+2.5个百分点".
func PointsChange(cur, prev float64) string {
	d := cur - prev
	if d > -0.05 && d < 0.05 {
		return "持平"
	}
	return fmt.Sprintf("%+.1f个百分点", d)
}
