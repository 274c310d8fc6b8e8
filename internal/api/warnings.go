package api

import (
	"net/http"
	"time"

	"github.com/tiaojie/tiaojie/internal/alerting"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/warning"
)

// 预警 (early warnings): the alerting service decides what each caller
// sees (a mediator the warnings on their own cases and about themselves;
// others their units) and who may acknowledge or resolve.

// WarningSubjectJSON is what a warning is about.
type WarningSubjectJSON struct {
	Kind  string `json:"kind" doc:"case（案件）、group（群体纠纷）、merchant（经营者）、mediator（调解员）、complainant（投诉人）、supervision（督办）；今后可增加"`
	ID    int64  `json:"id,omitempty"`
	Ref   string `json:"ref,omitempty" doc:"无编号的对象（投诉人为来电号码的摘要）"`
	Label string `json:"label"`
}

// WarningJSON is one warning.
type WarningJSON struct {
	ID             int64              `json:"id"`
	Level          string             `json:"level" doc:"yellow（黄）、orange（橙）、red（红）"`
	LevelLabel     string             `json:"level_label"`
	Rule           string             `json:"rule"`
	RuleName       string             `json:"rule_name"`
	RuleVersion    int                `json:"rule_version"`
	Status         string             `json:"status" doc:"open（待签收）、acknowledged（已签收）、resolved（已解除）"`
	Subject        WarningSubjectJSON `json:"subject"`
	CaseID         int64              `json:"case_id,omitempty"`
	CaseNumber     string             `json:"case_number,omitempty"`
	Unit           int64              `json:"unit_id"`
	Explain        string             `json:"explain" doc:"预警说明（含数字）"`
	RaisedAt       time.Time          `json:"raised_at"`
	AcknowledgedAt *time.Time         `json:"acknowledged_at,omitempty"`
	AcknowledgedBy int64              `json:"acknowledged_by,omitempty"`
	ResolvedAt     *time.Time         `json:"resolved_at,omitempty"`
	ResolvedBy     int64              `json:"resolved_by,omitempty" doc:"0 为系统自动解除"`
	ResolveReason  string             `json:"resolve_reason,omitempty" doc:"manual（人工）、escalated（已升级）、cleared（条件消除）、disabled（规则停用）"`
	ResolveNote    string             `json:"resolve_note,omitempty"`
}

// WarningList is a page of warnings, newest raised first; next_cursor
// (absent on the last page) is the after of the next page.
type WarningList struct {
	Warnings   []WarningJSON `json:"warnings"`
	Limit      int           `json:"limit"`
	NextCursor string        `json:"next_cursor,omitempty"`
}

// WarningNoteRequest carries a note: optional to acknowledge, required to resolve.
type WarningNoteRequest struct {
	Note string `json:"note" doc:"解除时必填：做了什么、结果如何"`
}

// RuleJSON is one warning rule.
type RuleJSON struct {
	Code       string         `json:"code"`
	Name       string         `json:"name"`
	Level      string         `json:"level"`
	Enabled    bool           `json:"enabled"`
	Thresholds map[string]int `json:"thresholds"`
	Keywords   []string       `json:"keywords,omitempty"`
	Describe   string         `json:"describe"`
}

// LadderStepJSON is one rung of an escalation ladder.
type LadderStepJSON struct {
	Level        string   `json:"level"`
	AfterMinutes int      `json:"after_minutes" doc:"预警产生后未签收的工作时间（分钟）"`
	Audiences    []string `json:"audiences" doc:"presiding、room_lead、committee、director、justice"`
}

// RulesJSON is the rule set in force.
type RulesJSON struct {
	Version  int              `json:"version"`
	DayStart string           `json:"day_start" doc:"工作时间开始（上海时间 HH:MM）"`
	DayEnd   string           `json:"day_end"`
	Rules    []RuleJSON       `json:"rules"`
	Ladders  []LadderStepJSON `json:"ladders"`
}

func warningJSON(w alerting.Warning) WarningJSON {
	return WarningJSON{ID: w.ID, Level: w.Level, LevelLabel: w.LevelLabel, Rule: w.Rule, RuleName: w.RuleName, RuleVersion: w.RuleVersion,
		Status: w.Status, Subject: WarningSubjectJSON{Kind: w.SubjectKind, ID: w.SubjectID, Ref: w.SubjectRef, Label: w.SubjectLabel},
		CaseID: w.CaseID, CaseNumber: w.CaseNumber, Unit: w.UnitID, Explain: w.Explain, RaisedAt: w.RaisedAt,
		AcknowledgedAt: w.AcknowledgedAt, AcknowledgedBy: w.AcknowledgedBy, ResolvedAt: w.ResolvedAt, ResolvedBy: w.ResolvedBy,
		ResolveReason: w.ResolveReason, ResolveNote: w.ResolveNote}
}

// ListWarnings answers GET /api/v1/warnings.
func (a *API) ListWarnings(w http.ResponseWriter, r *http.Request) {
	q, msg := alerting.ParseListQuery(r.URL.Query(), "all")
	if msg != "" {
		Fail(w, http.StatusUnprocessableEntity, msg)
		return
	}
	page, err := a.Warnings.List(r.Context(), auth.From(r.Context()), q)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	out := WarningList{Warnings: make([]WarningJSON, 0, len(page.Items)), Limit: q.Limit}
	for _, x := range page.Items {
		out.Warnings = append(out.Warnings, warningJSON(x))
	}
	if page.Next != nil {
		out.NextCursor = page.Next.String()
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) warningAction(w http.ResponseWriter, r *http.Request, run func(p *auth.Principal, id int64, note string) error) {
	id, ok := subID(w, r, "id", "预警")
	if !ok {
		return
	}
	var req WarningNoteRequest
	if !decodeOptional(w, r, &req) {
		return
	}
	p := auth.From(r.Context())
	if err := run(p, id, req.Note); err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	d, err := a.Warnings.Get(r.Context(), p, id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, warningJSON(d.Warning))
}

// AcknowledgeWarning answers POST /api/v1/warnings/{id}/acknowledge.
func (a *API) AcknowledgeWarning(w http.ResponseWriter, r *http.Request) {
	a.warningAction(w, r, func(p *auth.Principal, id int64, note string) error {
		return a.Warnings.Acknowledge(r.Context(), p, id, note)
	})
}

// ResolveWarning answers POST /api/v1/warnings/{id}/resolve.
func (a *API) ResolveWarning(w http.ResponseWriter, r *http.Request) {
	a.warningAction(w, r, func(p *auth.Principal, id int64, note string) error {
		return a.Warnings.Resolve(r.Context(), p, id, note)
	})
}

func hhmm(min int) string { return time.Date(0, 1, 1, min/60, min%60, 0, 0, time.UTC).Format("15:04") }

// WarningRules answers GET /api/v1/warnings/rules.
func (a *API) WarningRules(w http.ResponseWriter, r *http.Request) {
	rs, _, err := a.Warnings.Rules(r.Context(), auth.From(r.Context()))
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	out := RulesJSON{Version: rs.Version, DayStart: hhmm(rs.DayStart), DayEnd: hhmm(rs.DayEnd), Rules: []RuleJSON{}, Ladders: []LadderStepJSON{}}
	for _, x := range rs.Rules {
		th := x.Thresholds
		if th == nil {
			th = map[string]int{}
		}
		out.Rules = append(out.Rules, RuleJSON{Code: x.Code, Name: x.Name, Level: string(x.Level), Enabled: x.Enabled, Thresholds: th, Keywords: x.Keywords, Describe: x.Describe})
	}
	for _, l := range warning.Levels {
		for _, st := range rs.Ladder(l) {
			var as []string
			for _, a := range st.Audiences {
				as = append(as, string(a))
			}
			out.Ladders = append(out.Ladders, LadderStepJSON{Level: string(l), AfterMinutes: st.After, Audiences: as})
		}
	}
	writeJSON(w, http.StatusOK, out)
}
