// Package warning holds the pure rules of 预警 (early warning): the rule
// table as data (versioned, edited by the committee), what each rule finds
// in plain inputs, which open warnings a sweep raises or resolves, and the
// escalation ladder timed in working hours on the working-day calendar.
// It does no I/O; internal/alerting stores and sends.
package warning

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Level is how serious a warning is.
type Level string

// Levels, mildest first.
const (
	Yellow Level = "yellow"
	Orange Level = "orange"
	Red    Level = "red"
)

// Levels in display order (most serious first).
var Levels = []Level{Red, Orange, Yellow}

// Label is the Chinese name of the level.
func (l Level) Label() string {
	switch l {
	case Yellow:
		return "黄色预警"
	case Orange:
		return "橙色预警"
	case Red:
		return "红色预警"
	}
	return ""
}

// Short is the one-character name (黄/橙/红).
func (l Level) Short() string {
	switch l {
	case Yellow:
		return "黄"
	case Orange:
		return "橙"
	case Red:
		return "红"
	}
	return ""
}

// Rank orders levels: red 3, orange 2, yellow 1, unknown 0.
func (l Level) Rank() int {
	switch l {
	case Yellow:
		return 1
	case Orange:
		return 2
	case Red:
		return 3
	}
	return 0
}

// Valid reports whether l is one of the three levels.
func (l Level) Valid() bool { return l.Rank() > 0 }

// Rule codes. The deadline family share a subject (the case) and replace
// one another as the case's mediation deadline comes closer.
const (
	RuleDeadlineSoon      = "deadline_soon"
	RuleDeadlineToday     = "deadline_today"
	RuleDeadlineOverdue   = "deadline_overdue"
	RuleMerchantSurge     = "merchant_surge"
	RulePrepaidClosure    = "prepaid_closure"
	RuleRepeatComplainant = "repeat_complainant"
	RuleDissatisfied      = "dissatisfied"
	RuleTermUnperformed   = "term_unperformed"
	RuleJudicialWindow    = "judicial_window"
	RuleOverCapacity      = "over_capacity"
	RuleSuperviseOverdue  = "supervise_overdue"
	// Routine duties past their day, found by the routines' own services.
	RuleFilingLate           = "filing_late"           // a mediator not filed with the justice bureau in time
	RuleTrainingShort        = "training_short"        // a mediator short of the year's training hours
	RuleItemOverdue          = "item_overdue"          // a meeting's action item past its due day
	RuleRectificationOverdue = "rectification_overdue" // a room inspection's rectification past its due day
)

// DutyRules are the rules whose findings come from the routines
// (Inputs.Duties) rather than from cases and complaints.
var DutyRules = []string{RuleFilingLate, RuleTrainingShort, RuleItemOverdue, RuleRectificationOverdue}

// DeadlineFamily lists the deadline rules, mildest first.
var DeadlineFamily = []string{RuleDeadlineSoon, RuleDeadlineToday, RuleDeadlineOverdue}

// Threshold keys (Rule.Thresholds).
const (
	TDays         = "days"         // working or calendar days, by rule
	TWindowDays   = "window_days"  // look-back window in calendar days
	TCount        = "count"        // complaints, cases or complainants
	TGrowthPct    = "growth_pct"   // growth against the previous window, percent
	TSatisfaction = "satisfaction" // at most this score (1–5)
	TGraceDays    = "grace_days"   // days after a term's deadline
)

// thresholdLabels name each key in Chinese for the rules page.
var thresholdLabels = map[string]string{
	TDays: "天数", TWindowDays: "统计窗口（天）", TCount: "数量", TGrowthPct: "增幅（%）",
	TSatisfaction: "满意度不高于", TGraceDays: "宽限（天）",
}

// ThresholdLabel is the Chinese name of a threshold key.
func ThresholdLabel(k string) string {
	if l, ok := thresholdLabels[k]; ok {
		return l
	}
	return k
}

// Rule is one warning rule as the committee keeps it.
type Rule struct {
	Code       string         `json:"code"`
	Name       string         `json:"name"`
	Level      Level          `json:"level"`
	Enabled    bool           `json:"enabled"`
	Thresholds map[string]int `json:"thresholds,omitempty"`
	Keywords   []string       `json:"keywords,omitempty"` // wording rules (prepaid closure)
	Describe   string         `json:"describe"`           // what it watches, Chinese
}

// T reads a threshold (0 when unset).
func (r Rule) T(key string) int { return r.Thresholds[key] }

// Step is one rung of an escalation ladder: after After working minutes
// since the warning was raised, still unacknowledged, tell the audiences.
type Step struct {
	After     int        `json:"after_minutes"`
	Audiences []Audience `json:"audiences"`
}

// Audience is who a step tells.
type Audience string

// Audiences: resolved to users by internal/alerting.
const (
	ToPresiding Audience = "presiding" // the case's presiding mediator, or the mediator subject
	ToRoomLead  Audience = "room_lead" // room leads of the warning's room
	ToCommittee Audience = "committee" // committee-role users at the committee
	ToDirector  Audience = "director"  // the committee's director (one committee user)
	ToJustice   Audience = "justice"   // justice-role users of the district
)

var audienceLabels = map[Audience]string{
	ToPresiding: "承办调解员", ToRoomLead: "工作室负责人", ToCommittee: "调委会",
	ToDirector: "调委会主任", ToJustice: "区司法局",
}

// Label is the Chinese name of the audience.
func (a Audience) Label() string { return audienceLabels[a] }

// RuleSet is one version of the rules and the escalation ladders.
type RuleSet struct {
	Version int              `json:"version"`
	Rules   []Rule           `json:"rules"`
	Ladders map[Level][]Step `json:"ladders"`
	// Working hours (minutes after midnight, Shanghai) that ladders count in.
	DayStart int `json:"day_start"`
	DayEnd   int `json:"day_end"`
}

// Rule finds a rule by code.
func (rs RuleSet) Rule(code string) (Rule, bool) {
	for _, r := range rs.Rules {
		if r.Code == code {
			return r, true
		}
	}
	return Rule{}, false
}

// Hours are the rule set's working hours.
func (rs RuleSet) Hours() Hours { return Hours{Start: rs.DayStart, End: rs.DayEnd} }

// Ladder is the escalation ladder of a level.
func (rs RuleSet) Ladder(l Level) []Step { return rs.Ladders[l] }

// Defaults is the embedded first version. The figures follow the issue:
// 黄 two working days ahead, 橙 on the due day, 红 once overdue; 红 tells
// the mediator, room lead and committee at once, the director after 2
// working hours unacknowledged and the justice bureau after 4 more.
func Defaults() RuleSet {
	return RuleSet{
		Version:  1,
		DayStart: 9 * 60, DayEnd: 17*60 + 30,
		Rules: []Rule{
			{Code: RuleDeadlineSoon, Name: "调解期限临近", Level: Yellow, Enabled: true, Thresholds: map[string]int{TDays: 2},
				Describe: "调解期限还剩不超过 N 个工作日"},
			{Code: RuleDeadlineToday, Name: "调解期限今日届满", Level: Orange, Enabled: true,
				Describe: "调解期限今天到期"},
			{Code: RuleDeadlineOverdue, Name: "调解超期", Level: Red, Enabled: true,
				Describe: "调解期限已过仍未结案"},
			{Code: RuleMerchantSurge, Name: "经营者投诉激增", Level: Orange, Enabled: true,
				Thresholds: map[string]int{TWindowDays: 7, TCount: 5, TGrowthPct: 100},
				Describe:   "同一经营者近 N 天投诉不少于设定数量，且比前一窗口增长不少于设定比例"},
			{Code: RulePrepaidClosure, Name: "预付卡闭店迹象", Level: Red, Enabled: true,
				Thresholds: map[string]int{TWindowDays: 14, TCount: 3},
				Keywords:   []string{"闭店", "跑路", "预付卡", "退卡"},
				Describe:   "窗口内不少于设定人数的投诉人对同一经营者提到闭店、跑路、预付卡、退卡"},
			{Code: RuleRepeatComplainant, Name: "重复投诉人", Level: Yellow, Enabled: true,
				Thresholds: map[string]int{TWindowDays: 30, TCount: 3},
				Describe:   "同一来电号码在窗口内投诉不少于设定件数"},
			{Code: RuleDissatisfied, Name: "回访不满意", Level: Orange, Enabled: true,
				Thresholds: map[string]int{TSatisfaction: 2, TWindowDays: 30},
				Describe:   "回访满意度不高于设定分值"},
			{Code: RuleTermUnperformed, Name: "协议条款逾期未履行", Level: Orange, Enabled: true,
				Thresholds: map[string]int{TGraceDays: 0},
				Describe:   "调解协议条款履行期限已过仍未记录履行"},
			{Code: RuleJudicialWindow, Name: "司法确认申请期即将届满", Level: Yellow, Enabled: true,
				Thresholds: map[string]int{TDays: 5},
				Describe:   "协议生效后 30 日的司法确认申请期还剩不超过 N 天且未申请"},
			{Code: RuleOverCapacity, Name: "调解员超负荷", Level: Yellow, Enabled: true,
				Describe: "调解员承办中的案件超过工作室设定的上限"},
			{Code: RuleSuperviseOverdue, Name: "督办逾期未回复", Level: Red, Enabled: true,
				Describe: "督办已过回复期限，承办调解员仍未书面回复"},
			{Code: RuleFilingLate, Name: "调解员备案逾期", Level: Yellow, Enabled: true,
				Describe: "调解员聘任后 30 个工作日内未报司法行政机关备案"},
			{Code: RuleTrainingShort, Name: "培训学时不足", Level: Yellow, Enabled: true,
				Describe: "第四季度起，调解员本年度培训学时低于按日折算的年度最低学时"},
			{Code: RuleItemOverdue, Name: "例会决定事项逾期", Level: Orange, Enabled: true,
				Describe: "例会决定的事项已过完成期限仍未办结"},
			{Code: RuleRectificationOverdue, Name: "工作室整改逾期", Level: Yellow, Enabled: true,
				Describe: "工作室检查发现的问题已过整改期限仍未整改完毕"},
		},
		Ladders: map[Level][]Step{
			Red: {
				{After: 0, Audiences: []Audience{ToPresiding, ToRoomLead, ToCommittee}},
				{After: 2 * 60, Audiences: []Audience{ToDirector}},
				{After: 6 * 60, Audiences: []Audience{ToJustice}},
			},
			Orange: {
				{After: 0, Audiences: []Audience{ToPresiding}},
				{After: 4 * 60, Audiences: []Audience{ToRoomLead}},
				{After: 16 * 60, Audiences: []Audience{ToCommittee}},
			},
			Yellow: {
				{After: 0, Audiences: []Audience{ToPresiding}},
				{After: 8 * 60, Audiences: []Audience{ToRoomLead}},
			},
		},
	}
}

// Validate checks a rule set the committee submits; messages are Chinese
// and name the rule.
func (rs RuleSet) Validate() error {
	var errs []string
	if rs.DayStart < 0 || rs.DayEnd > 24*60 || rs.DayStart >= rs.DayEnd {
		errs = append(errs, "工作时间无效：开始须早于结束")
	}
	known := map[string]bool{}
	for _, r := range Defaults().Rules {
		known[r.Code] = true
	}
	seen := map[string]bool{}
	for _, r := range rs.Rules {
		switch {
		case !known[r.Code]:
			errs = append(errs, fmt.Sprintf("未知规则“%s”", r.Code))
			continue
		case seen[r.Code]:
			errs = append(errs, fmt.Sprintf("规则“%s”重复", r.Name))
		}
		seen[r.Code] = true
		if !r.Level.Valid() {
			errs = append(errs, fmt.Sprintf("规则“%s”的级别无效（应为黄、橙、红）", r.Name))
		}
		if strings.TrimSpace(r.Name) == "" {
			errs = append(errs, fmt.Sprintf("规则“%s”缺少名称", r.Code))
		}
		for k, v := range r.Thresholds {
			if _, ok := thresholdLabels[k]; !ok {
				errs = append(errs, fmt.Sprintf("规则“%s”有未知阈值“%s”", r.Name, k))
			}
			if v < 0 || v > 10000 {
				errs = append(errs, fmt.Sprintf("规则“%s”的%s须在 0–10000 之间", r.Name, ThresholdLabel(k)))
			}
		}
		if s := r.T(TSatisfaction); r.Code == RuleDissatisfied && (s < 1 || s > 5) {
			errs = append(errs, fmt.Sprintf("规则“%s”的满意度阈值须在 1–5 之间", r.Name))
		}
		if r.Code == RulePrepaidClosure && len(r.Keywords) == 0 {
			errs = append(errs, fmt.Sprintf("规则“%s”至少需要一个关键词", r.Name))
		}
	}
	for code := range known {
		if !seen[code] {
			errs = append(errs, fmt.Sprintf("缺少规则“%s”", code))
		}
	}
	for _, l := range Levels {
		steps := rs.Ladders[l]
		if len(steps) == 0 {
			errs = append(errs, fmt.Sprintf("%s缺少升级梯次", l.Label()))
			continue
		}
		prev := -1
		for i, s := range steps {
			if s.After <= prev || s.After < 0 {
				errs = append(errs, fmt.Sprintf("%s第 %d 级的时限须晚于上一级", l.Label(), i+1))
			}
			prev = s.After
			if len(s.Audiences) == 0 {
				errs = append(errs, fmt.Sprintf("%s第 %d 级没有通知对象", l.Label(), i+1))
			}
			for _, a := range s.Audiences {
				if a.Label() == "" {
					errs = append(errs, fmt.Sprintf("%s第 %d 级的通知对象“%s”无效", l.Label(), i+1, a))
				}
			}
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return &RuleError{Messages: errs}
	}
	return nil
}

// RuleError lists what is wrong with a rule set.
type RuleError struct{ Messages []string }

func (e *RuleError) Error() string { return strings.Join(e.Messages, "；") }

// Encode and Decode store a rule set as JSON.
func (rs RuleSet) Encode() (string, error) {
	b, err := json.Marshal(rs)
	if err != nil {
		return "", fmt.Errorf("encode warning rules: %w", err)
	}
	return string(b), nil
}

// WithDefaults adds the default of every rule a stored version lacks (a
// rule introduced after the committee last edited the rules), so a sweep
// evaluates it and the rules page can save the set again.
func (rs RuleSet) WithDefaults() RuleSet {
	for _, d := range Defaults().Rules {
		if _, ok := rs.Rule(d.Code); !ok {
			rs.Rules = append(rs.Rules, d)
		}
	}
	return rs
}

// Decode reads a stored rule set.
func Decode(s string) (RuleSet, error) {
	var rs RuleSet
	if err := json.Unmarshal([]byte(s), &rs); err != nil {
		return RuleSet{}, fmt.Errorf("decode warning rules: %w", err)
	}
	return rs, nil
}
