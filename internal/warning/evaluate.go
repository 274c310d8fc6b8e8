package warning

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
)

// Subject kinds. The subject is generic (kind, id or ref, label, unit) so
// later rules (filing late, training shortfall, an overdue action item)
// add a kind without changing storage.
const (
	SubjectCase          = "case"
	SubjectGroup         = "group"
	SubjectMerchant      = "merchant"
	SubjectMediator      = "mediator"
	SubjectComplainant   = "complainant"   // a filing phone (by its keyed hash)
	SubjectSupervision   = "supervision"   // an unanswered 督办
	SubjectItem          = "action_item"   // a meeting's action item
	SubjectRectification = "rectification" // a room inspection's rectification item
)

var subjectLabels = map[string]string{
	SubjectCase: "案件", SubjectGroup: "群体纠纷", SubjectMerchant: "经营者", SubjectMediator: "调解员",
	SubjectComplainant: "投诉人", SubjectSupervision: "督办", SubjectItem: "例会决定事项", SubjectRectification: "整改事项",
}

// SubjectLabel is the Chinese name of a subject kind (the kind itself when unknown).
func SubjectLabel(kind string) string {
	if l, ok := subjectLabels[kind]; ok {
		return l
	}
	return kind
}

// Subject is what a warning is about.
type Subject struct {
	Kind  string
	ID    int64
	Ref   string // for subjects without a row id (a phone hash)
	Label string
}

// Key identifies the subject across sweeps: one open warning per rule × key.
func (s Subject) Key() string {
	if s.Ref != "" {
		return s.Kind + ":" + s.Ref
	}
	return fmt.Sprintf("%s:%d", s.Kind, s.ID)
}

// Finding is a rule's condition holding on a subject now.
type Finding struct {
	Rule    string
	Level   Level
	Subject Subject
	CaseID  int64 // the case it concerns, 0 for none
	UnitID  int64 // room or committee whose people see it
	Explain string
}

// CaseInput is an open case as the rules see it.
type CaseInput struct {
	ID           int64
	Number       string
	UnitID       int64
	Mediation    *calendar.Deadline // the mediation clock, nil when not started
	Judicial     *calendar.Deadline // the judicial-confirmation window, nil when not started
	Terms        []domain.Term
	Satisfaction int       // latest follow-up score (0 none)
	FollowUpAt   time.Time // when it was recorded
}

// Complaint is one received complaint (for surges, closures, repeats).
type Complaint struct {
	CaseID       int64
	Number       string
	UnitID       int64 // the committee
	MerchantID   int64
	MerchantName string
	PhoneHash    string
	PhoneMask    string
	Text         string
	At           time.Time
}

// MediatorLoad is a mediator's open presided cases against the room's cap.
type MediatorLoad struct {
	UserID   int64
	Name     string
	UnitID   int64 // the room
	Open     int
	Capacity int
}

// Supervision is a 督办 waiting for the mediator's reply.
type Supervision struct {
	ID       int64
	CaseID   int64
	Number   string
	UnitID   int64
	Due      time.Time
	Answered bool
}

// Duty is a routine duty past its day (a filing, the year's training
// hours, a meeting's action item, a rectification), as the routines' own
// services find it; the rule named decides whether and how loud it warns.
type Duty struct {
	Rule    string // one of DutyRules
	Subject Subject
	UnitID  int64 // room or committee whose people see it
	CaseID  int64 // the case an action item concerns, 0 for none
	Explain string
}

// Inputs are everything one sweep looks at, read at Now.
type Inputs struct {
	Now          time.Time
	Cases        []CaseInput
	Complaints   []Complaint
	Mediators    []MediatorLoad
	Supervisions []Supervision
	Duties       []Duty
}

// ComplaintWindow is how far back a sweep must read complaints for rs.
func (rs RuleSet) ComplaintWindow() int {
	days := 0
	for _, r := range rs.Rules {
		w := r.T(TWindowDays)
		if r.Code == RuleMerchantSurge {
			w *= 2
		}
		if r.Code != RuleDissatisfied && w > days {
			days = w
		}
	}
	return days
}

// Evaluate runs every enabled rule over the inputs. The result is ordered
// (rule, subject key) so sweeps are deterministic.
func Evaluate(rs RuleSet, in Inputs) []Finding {
	var out []Finding
	on := func(code string) (Rule, bool) {
		r, ok := rs.Rule(code)
		return r, ok && r.Enabled
	}
	today := calendar.DateOf(in.Now)
	for _, c := range in.Cases {
		subj := Subject{Kind: SubjectCase, ID: c.ID, Label: c.Number}
		add := func(r Rule, explain string) {
			out = append(out, Finding{Rule: r.Code, Level: r.Level, Subject: subj, CaseID: c.ID, UnitID: c.UnitID, Explain: explain})
		}
		if r, code, explain := deadlineRule(rs, c.Mediation); code != "" {
			add(r, explain)
		}
		if r, ok := on(RuleJudicialWindow); ok && c.Judicial != nil {
			j := c.Judicial
			if j.Running && !j.Overdue && j.Remaining <= r.T(TDays) {
				add(r, fmt.Sprintf("协议自 %s 生效，司法确认申请期至 %s 届满，还剩 %d 天，尚未申请司法确认", j.Start, j.Due, j.Remaining))
			}
		}
		if r, ok := on(RuleTermUnperformed); ok {
			var late []string
			for i, t := range c.Terms {
				d, err := calendar.ParseDate(t.Deadline)
				if err != nil || t.PerformedAt != "" {
					continue
				}
				if today.After(d.AddDays(r.T(TGraceDays))) {
					late = append(late, fmt.Sprintf("第%d项“%s”（期限 %s，已逾期 %d 天）", i+1, t.Content, d, today.Sub(d)))
				}
			}
			if len(late) > 0 {
				add(r, "协议条款逾期未履行："+strings.Join(late, "；"))
			}
		}
		if r, ok := on(RuleDissatisfied); ok && c.Satisfaction > 0 && c.Satisfaction <= r.T(TSatisfaction) {
			if w := r.T(TWindowDays); w == 0 || !calendar.DateOf(c.FollowUpAt).Before(today.AddDays(-w)) {
				add(r, fmt.Sprintf("%s 回访满意度 %d 分（不高于 %d 分）", calendar.DateOf(c.FollowUpAt), c.Satisfaction, r.T(TSatisfaction)))
			}
		}
	}
	if r, ok := on(RuleMerchantSurge); ok {
		out = append(out, surges(r, in.Complaints, in.Now)...)
	}
	if r, ok := on(RulePrepaidClosure); ok {
		out = append(out, closures(r, in.Complaints, in.Now)...)
	}
	if r, ok := on(RuleRepeatComplainant); ok {
		out = append(out, repeats(r, in.Complaints, in.Now)...)
	}
	if r, ok := on(RuleOverCapacity); ok {
		for _, m := range in.Mediators {
			if m.Capacity > 0 && m.Open > m.Capacity {
				out = append(out, Finding{Rule: r.Code, Level: r.Level, UnitID: m.UnitID,
					Subject: Subject{Kind: SubjectMediator, ID: m.UserID, Label: m.Name},
					Explain: fmt.Sprintf("%s 承办中的案件 %d 件，超过工作室上限 %d 件", m.Name, m.Open, m.Capacity)})
			}
		}
	}
	if r, ok := on(RuleSuperviseOverdue); ok {
		for _, s := range in.Supervisions {
			if !s.Answered && in.Now.After(s.Due) {
				out = append(out, Finding{Rule: r.Code, Level: r.Level, CaseID: s.CaseID, UnitID: s.UnitID,
					Subject: Subject{Kind: SubjectSupervision, ID: s.ID, Label: s.Number},
					Explain: fmt.Sprintf("案件 %s 的督办要求于 %s 前书面回复，至今未回复", s.Number, s.Due.In(calendar.Shanghai()).Format("2006-01-02 15:04"))})
			}
		}
	}
	for _, d := range in.Duties {
		if r, ok := on(d.Rule); ok && slices.Contains(DutyRules, d.Rule) {
			out = append(out, Finding{Rule: r.Code, Level: r.Level, Subject: d.Subject, CaseID: d.CaseID, UnitID: d.UnitID, Explain: d.Explain})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Rule != out[j].Rule {
			return out[i].Rule < out[j].Rule
		}
		return out[i].Subject.Key() < out[j].Subject.Key()
	})
	return out
}

// deadlineRule picks the one deadline rule that holds on the mediation
// clock: overdue (红), due today (橙) or due within N working days (黄).
// A paused clock (中止) raises nothing: its due day moves on.
func deadlineRule(rs RuleSet, d *calendar.Deadline) (Rule, string, string) {
	if d == nil || !d.Running || d.Paused {
		return Rule{}, "", ""
	}
	try := func(code string) (Rule, bool) {
		r, ok := rs.Rule(code)
		return r, ok && r.Enabled
	}
	switch {
	case d.Overdue:
		if r, ok := try(RuleDeadlineOverdue); ok {
			return r, r.Code, fmt.Sprintf("调解期限 %s 已届满，逾期 %d 个工作日仍未结案（自 %s 受理起 %d 个工作日）", d.Due, -d.Remaining, d.Start, d.Length)
		}
	case d.Remaining == 0:
		if r, ok := try(RuleDeadlineToday); ok {
			return r, r.Code, fmt.Sprintf("调解期限今天（%s）届满（自 %s 受理起 %d 个工作日）", d.Due, d.Start, d.Length)
		}
	default:
		if r, ok := try(RuleDeadlineSoon); ok && d.Remaining <= r.T(TDays) {
			return r, r.Code, fmt.Sprintf("调解期限 %s 届满，还剩 %d 个工作日（预警线 %d 个工作日）", d.Due, d.Remaining, r.T(TDays))
		}
	}
	return Rule{}, "", ""
}

func merchantSubject(c Complaint) Subject {
	return Subject{Kind: SubjectMerchant, ID: c.MerchantID, Label: c.MerchantName}
}

// inWindow reports whether at lies in the days calendar days ending today
// (today and the days-1 before it), shifted back by back windows.
func inWindow(at, now time.Time, days, back int) bool {
	today := calendar.DateOf(now)
	first := today.AddDays(-days*(back+1) + 1)
	last := today.AddDays(-days * back)
	d := calendar.DateOf(at)
	return !d.Before(first) && !d.After(last)
}

func surges(r Rule, cs []Complaint, now time.Time) []Finding {
	w := r.T(TWindowDays)
	type tally struct {
		first     Complaint
		cur, prev int
	}
	by := map[int64]*tally{}
	var order []int64
	for _, c := range cs {
		if c.MerchantID == 0 {
			continue
		}
		t := by[c.MerchantID]
		if t == nil {
			t = &tally{first: c}
			by[c.MerchantID] = t
			order = append(order, c.MerchantID)
		}
		switch {
		case inWindow(c.At, now, w, 0):
			t.cur++
		case inWindow(c.At, now, w, 1):
			t.prev++
		}
	}
	var out []Finding
	for _, id := range order {
		t := by[id]
		if t.cur < r.T(TCount) {
			continue
		}
		// Growth against the previous window; from nothing it is unbounded.
		if t.prev > 0 && (t.cur-t.prev)*100 < r.T(TGrowthPct)*t.prev {
			continue
		}
		growth := "前一窗口为 0 件"
		if t.prev > 0 {
			growth = fmt.Sprintf("前 %d 天 %d 件，增长 %d%%", w, t.prev, (t.cur-t.prev)*100/t.prev)
		}
		out = append(out, Finding{Rule: r.Code, Level: r.Level, Subject: merchantSubject(t.first), UnitID: t.first.UnitID,
			Explain: fmt.Sprintf("近 %d 天对“%s”的投诉 %d 件（阈值 %d 件），%s（阈值 %d%%）", w, t.first.MerchantName, t.cur, r.T(TCount), growth, r.T(TGrowthPct))})
	}
	return out
}

func closures(r Rule, cs []Complaint, now time.Time) []Finding {
	w := r.T(TWindowDays)
	type tally struct {
		first  Complaint
		phones map[string]bool
		words  map[string]bool
	}
	by := map[int64]*tally{}
	var order []int64
	for _, c := range cs {
		if c.MerchantID == 0 || c.PhoneHash == "" || !inWindow(c.At, now, w, 0) {
			continue
		}
		var hit []string
		for _, k := range r.Keywords {
			if k != "" && strings.Contains(c.Text, k) {
				hit = append(hit, k)
			}
		}
		if len(hit) == 0 {
			continue
		}
		t := by[c.MerchantID]
		if t == nil {
			t = &tally{first: c, phones: map[string]bool{}, words: map[string]bool{}}
			by[c.MerchantID] = t
			order = append(order, c.MerchantID)
		}
		t.phones[c.PhoneHash] = true
		for _, k := range hit {
			t.words[k] = true
		}
	}
	var out []Finding
	for _, id := range order {
		t := by[id]
		if len(t.phones) < r.T(TCount) {
			continue
		}
		var words []string
		for _, k := range r.Keywords {
			if t.words[k] {
				words = append(words, k)
			}
		}
		out = append(out, Finding{Rule: r.Code, Level: r.Level, Subject: merchantSubject(t.first), UnitID: t.first.UnitID,
			Explain: fmt.Sprintf("近 %d 天有 %d 位投诉人对“%s”提到%s（阈值 %d 人），疑似预付卡闭店", w, len(t.phones), t.first.MerchantName, "“"+strings.Join(words, "”“")+"”", r.T(TCount))})
	}
	return out
}

func repeats(r Rule, cs []Complaint, now time.Time) []Finding {
	w := r.T(TWindowDays)
	type tally struct {
		last Complaint
		n    int
		nums []string
	}
	by := map[string]*tally{}
	var order []string
	for _, c := range cs {
		if c.PhoneHash == "" || !inWindow(c.At, now, w, 0) {
			continue
		}
		t := by[c.PhoneHash]
		if t == nil {
			t = &tally{}
			by[c.PhoneHash] = t
			order = append(order, c.PhoneHash)
		}
		t.n++
		t.nums = append(t.nums, c.Number)
		if t.last.CaseID == 0 || c.At.After(t.last.At) || (c.At.Equal(t.last.At) && c.CaseID > t.last.CaseID) {
			t.last = c
		}
	}
	var out []Finding
	for _, h := range order {
		t := by[h]
		if t.n < r.T(TCount) {
			continue
		}
		ref := h
		if len(ref) > 16 {
			ref = ref[:16]
		}
		sort.Strings(t.nums)
		out = append(out, Finding{Rule: r.Code, Level: r.Level, CaseID: t.last.CaseID, UnitID: t.last.UnitID,
			Subject: Subject{Kind: SubjectComplainant, Ref: ref, Label: t.last.PhoneMask},
			Explain: fmt.Sprintf("来电号码 %s 近 %d 天投诉 %d 件（阈值 %d 件）：%s", t.last.PhoneMask, w, t.n, r.T(TCount), strings.Join(t.nums, "、"))})
	}
	return out
}
