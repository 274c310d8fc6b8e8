// Package feedbackrules holds the pure rules of the 12315 result feedback
// (结果反馈): a diverted complaint's closing record in 12315's terms, derived
// from the case's facts (internal/evaluation) and events, completed by what
// the mediator recorded; its completeness check; the validation of what the
// mediator may edit; and the draft of 调解情况 written from the events, with
// phone and identity numbers kept out. No I/O: the code tables arrive as
// data (internal/statcodes), the case as values.
package feedbackrules

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evaluation"
)

// MaxSummary is the 12315 form's limit on 调解情况, in characters.
const MaxSummary = 1200

// Code is one entry of a code table.
type Code struct{ Code, Label string }

// Tables are the code tables the record speaks in (statcodes' result_12315,
// method_12315, art21_reason, art21_map and result_map).
type Tables struct {
	Results []Code
	Methods []Code
	Art21   []Code
	// Art21Of maps a termination reason code — or the outcome "withdrawn" or
	// "odr_settled", which end without a termination — to an Art 21 ground.
	Art21Of map[string]string
	// ResultOf maps an outcome, or "reason:<termination reason>" (which
	// wins), to a 调解结果 code.
	ResultOf map[string]string
}

func label(list []Code, code string) string {
	for _, c := range list {
		if c.Code == code {
			return c.Label
		}
	}
	return ""
}

// ResultLabel, MethodLabel and Art21Label name codes ("" when unknown).
func (t Tables) ResultLabel(code string) string { return label(t.Results, code) }
func (t Tables) MethodLabel(code string) string { return label(t.Methods, code) }
func (t Tables) Art21Label(code string) string  { return label(t.Art21, code) }

// Result codes the rules refer to by name.
const (
	ResultAgreed      = "agreed"
	ResultNotAgreed   = "not_agreed"
	ResultWithdrawn   = "withdrawn"
	ResultContactLost = "contact_lost"
	ResultOther       = "other"
)

// Method codes the default rule produces.
const (
	MethodOnsiteImmediate = "onsite_immediate"
	MethodOnsite          = "onsite"
	MethodImmediate       = "immediate"
	MethodOnline          = "online"
)

// Session is a mediation session of the case: Kind room | online | phone,
// Status scheduled | held | cancelled.
type Session struct {
	Kind, Status string
	StartsAt     time.Time
}

// Edit is what the mediator or committee recorded ("" = not recorded: the
// derived value stands).
type Edit struct {
	Result  string // only contact_lost or other, over a result that is not an agreement
	Method  string // a method_12315 code
	Summary string // 调解情况 as edited
	By      string // who recorded it last
	At      *time.Time
}

// Input is one diverted case as the service loads it.
type Input struct {
	Case         evaluation.Case  // row figures and the event log
	Facts        evaluation.Facts // evaluation.Derive of Case
	Number       string           // case number (案号), the agreement carries it too
	ExternalID   string           // 12315 complaint number
	Channel      domain.Channel
	DiverterName string // the office that diverted it ("" for a 12315 complaint without one)
	RoomName     string
	Claim        string // 诉求, as the complaint states it
	Sessions     []Session
	Leads        int // violation leads passed on the case (internal/leads)
	Edit         Edit
}

// Record is the closing record in 12315's terms. Every field but the three
// editable ones is computed from the case, so it cannot disagree with it.
type Record struct {
	CaseID      int64
	ComplaintNo string // 投诉编号
	DocumentNo  string // 文书号: the case number (the agreement is numbered with it)
	Diverter    string

	Closed   bool
	ClosedOn string // 办结日期, YYYY-MM-DD (Asia/Shanghai): the closing event

	Outcome        evaluation.Outcome
	Result         string // 调解结果 code
	ResultDerived  string // what the case alone says
	ResultRecorded bool
	Art21          string // Art 21 ground ("" when not terminated)

	ClaimFen     int64 // 争议金额: the complaint's claim
	RecoveredFen int64 // 挽回经济损失: performed so far
	MentalFen    int64 // 精神赔偿金额: agreed terms of kind mental
	PunitiveFen  int64 // 加倍赔偿金额: agreed terms of kind punitive

	Method         string // 调解方式 code
	MethodDefault  string // what the sessions say ("" = nothing: it must be recorded)
	MethodRecorded bool
	MethodRule     string // why the default is what it is (Chinese)

	Summary         string // 调解情况
	SummaryRecorded bool
	Draft           string // the summary drafted from the events

	Lead bool // 是否违法线索

	EditedBy string
	EditedAt *time.Time

	Missing []Missing // required fields that are missing: the record is incomplete
	Notes   []string  // worth knowing, not blocking
}

// Missing is one required field a record lacks.
type Missing struct {
	Field   string // result | art21 | method | closed_on | summary | complaint_no
	Message string
}

// Complete reports whether every required field is there.
func (r Record) Complete() bool { return len(r.Missing) == 0 }

var cst = time.FixedZone("CST", 8*3600)

// terminateReason is the reason code of the case's closing termination.
func terminateReason(c evaluation.Case, closedAt *time.Time) string {
	for _, e := range c.Events {
		if e.Type == string(domain.ActionTerminate) && closedAt != nil && e.At.Equal(*closedAt) {
			return e.ReasonCode
		}
	}
	return ""
}

// Derive computes the record of one case. A case that is not closed (or was
// merged into another) yields Closed=false and a single Missing entry.
func Derive(t Tables, in Input) Record {
	f := in.Facts
	r := Record{CaseID: in.Case.ID, ComplaintNo: in.ExternalID, DocumentNo: in.Number, Diverter: in.DiverterName,
		Outcome: f.Outcome, ClaimFen: in.Case.ClaimFen, RecoveredFen: f.RecoveredFen, MentalFen: f.MentalFen,
		PunitiveFen: f.PunitiveFen, Lead: in.Leads > 0 || len(f.LeadsAt) > 0, EditedBy: in.Edit.By, EditedAt: in.Edit.At}
	if f.ClosedAt == nil || f.Outcome == evaluation.OutcomeMerged || f.Outcome == evaluation.OutcomeOpen {
		r.Missing = []Missing{{"closed_on", "案件尚未办结，办结后方可反馈"}}
		return r
	}
	r.Closed = true
	r.ClosedOn = f.ClosedAt.In(cst).Format("2006-01-02")

	reason := terminateReason(in.Case, f.ClosedAt)
	r.Result = BaseResult(t, f.Outcome, reason)
	r.ResultDerived = r.Result
	if in.Edit.Result != "" && ResultEditable(r.Result) {
		r.Result, r.ResultRecorded = in.Edit.Result, true
	}
	switch f.Outcome {
	case evaluation.OutcomeNotAgreed, evaluation.OutcomeTerminated:
		r.Art21 = t.Art21Of[reason]
	case evaluation.OutcomeWithdrawn, evaluation.OutcomeODRSettled:
		r.Art21 = t.Art21Of[string(f.Outcome)]
	}

	r.Method, r.MethodRule = DefaultMethod(in)
	r.MethodDefault = r.Method
	if in.Edit.Method != "" {
		r.Method, r.MethodRecorded = in.Edit.Method, true
	}

	r.Draft = Draft(t, in, r)
	r.Summary = r.Draft
	if strings.TrimSpace(in.Edit.Summary) != "" {
		r.Summary, r.SummaryRecorded = in.Edit.Summary, true
	}

	if f.Outcome == evaluation.OutcomeAgreed && !f.Performed {
		r.Notes = append(r.Notes, fmt.Sprintf("协议尚在履行：挽回经济损失为已履行的%s元（协议约定%s元）",
			domain.FormatFen(f.RecoveredFen), domain.FormatFen(f.AgreedFen)))
	}
	if f.Outcome == evaluation.OutcomeRejected {
		r.Notes = append(r.Notes, "本案不予受理，调解结果报“其他”")
	}
	r.Missing = check(t, in, r)
	return r
}

// BaseResult is the 调解结果 the case's outcome says: a termination reason of
// its own in result_map wins over the outcome ("" when unmapped).
func BaseResult(t Tables, o evaluation.Outcome, reason string) string {
	if reason != "" {
		if v := t.ResultOf["reason:"+reason]; v != "" {
			return v
		}
	}
	return t.ResultOf[string(o)]
}

// ResultEditable reports whether a recorded result may replace the derived
// one: never over an agreement (the case says it was reached).
func ResultEditable(derived string) bool { return derived != "" && derived != ResultAgreed }

// RecordableResults are the results a person may record over a derived one.
var RecordableResults = []string{ResultContactLost, ResultOther}

// DefaultMethod is the 调解方式 the case's sessions say, and the rule that
// chose it. Held sessions count; without one held, those not cancelled.
//   - any session in the room: 现场调解; 即时现场调解 when closed on the day received;
//   - else any online session, or settled on the merchant's ODR platform: 线上调解;
//   - else any phone session: 即时调解;
//   - no session, closed on the day received: 即时调解;
//   - otherwise nothing: the mediator records it.
func DefaultMethod(in Input) (code, rule string) {
	var kinds []string
	for _, held := range []bool{true, false} {
		for _, s := range in.Sessions {
			if held && s.Status == "held" || !held && s.Status != "cancelled" {
				kinds = append(kinds, s.Kind)
			}
		}
		if len(kinds) > 0 {
			break
		}
	}
	sameDay := false
	if in.Facts.ClosedAt != nil {
		sameDay = in.Facts.ClosedAt.In(cst).Format("2006-01-02") == in.Case.ReceivedAt.In(cst).Format("2006-01-02")
	}
	switch {
	case slices.Contains(kinds, "room") && sameDay:
		return MethodOnsiteImmediate, "当日受理当日在调解室当面调解办结"
	case slices.Contains(kinds, "room"):
		return MethodOnsite, "在调解室当面调解"
	case slices.Contains(kinds, "online"):
		return MethodOnline, "在线调解"
	case in.Facts.Outcome == evaluation.OutcomeODRSettled:
		return MethodOnline, "经营者在线纠纷解决平台协商和解"
	case slices.Contains(kinds, "phone"):
		return MethodImmediate, "电话调解"
	case sameDay:
		return MethodImmediate, "当日受理当日办结，未安排调解"
	}
	return "", "未安排调解，须由调解员选择"
}

// check lists the required fields a record lacks.
func check(t Tables, in Input, r Record) []Missing {
	var m []Missing
	if t.ResultLabel(r.Result) == "" {
		m = append(m, Missing{"result", "调解结果无法从案件得出，请选择"})
	}
	if (r.Result == ResultNotAgreed || r.Result == ResultContactLost || r.Result == ResultWithdrawn) &&
		r.Outcome != evaluation.OutcomeRejected && t.Art21Label(r.Art21) == "" {
		m = append(m, Missing{"art21", "终止调解原因无法对应《市场监督管理投诉举报处理暂行办法》第二十一条，请在案件中记录终止理由"})
	}
	if t.MethodLabel(r.Method) == "" {
		m = append(m, Missing{"method", "请选择调解方式"})
	}
	if in.Channel == domain.Channel12315 && strings.TrimSpace(r.ComplaintNo) == "" {
		m = append(m, Missing{"complaint_no", "缺少12315投诉编号"})
	}
	for _, fe := range ValidSummary(r.Summary) {
		m = append(m, Missing{"summary", fe.Message})
	}
	return m
}

// ValidSummary checks 调解情况: present, at most MaxSummary characters, and
// free of phone and identity numbers.
func ValidSummary(s string) []*domain.FieldError {
	s = strings.TrimSpace(s)
	var errs []*domain.FieldError
	if s == "" {
		errs = append(errs, &domain.FieldError{Field: "summary", Message: "请填写调解情况"})
	}
	if n := utf8.RuneCountInString(s); n > MaxSummary {
		errs = append(errs, &domain.FieldError{Field: "summary", Message: fmt.Sprintf("调解情况不超过%d字（现为%d字）", MaxSummary, n)})
	}
	if hits := FindNumbers(s); len(hits) > 0 {
		errs = append(errs, &domain.FieldError{Field: "summary", Message: "调解情况不得包含电话号码或身份证号码：" + strings.Join(hits, "、")})
	}
	return errs
}

// Validate checks an edit against the derived record: a recorded result
// only where the case allows it, a known method, and the summary as
// ValidSummary says. Every problem is reported.
func Validate(t Tables, derived Record, e Edit) []*domain.FieldError {
	var errs []*domain.FieldError
	if !derived.Closed {
		return []*domain.FieldError{{Field: "case", Message: "案件尚未办结，办结后方可填写反馈"}}
	}
	if e.Result != "" {
		switch {
		case !slices.Contains(RecordableResults, e.Result):
			errs = append(errs, &domain.FieldError{Field: "result", Message: "调解结果只能改为“联系不到当事人”或“其他”，其余由案件得出"})
		case !ResultEditable(derived.ResultDerived):
			errs = append(errs, &domain.FieldError{Field: "result", Message: "本案已达成调解协议，调解结果不能更改"})
		}
	}
	if e.Method != "" && t.MethodLabel(e.Method) == "" {
		errs = append(errs, &domain.FieldError{Field: "method", Message: "调解方式须从列表中选择"})
	}
	if e.Method == "" && derived.MethodDefault == "" {
		errs = append(errs, &domain.FieldError{Field: "method", Message: "请选择调解方式"})
	}
	errs = append(errs, ValidSummary(e.Summary)...)
	return errs
}
