package api

import (
	"net/http"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/dailyreport"
)

// DailyFiguresJSON are a daily report's figures. The counts equal the
// evaluation rollups (GET /api/v1/evaluation/headline) for the unit over
// from..to.
type DailyFiguresJSON struct {
	Received      int64            `json:"received" doc:"收到投诉（件）"`
	Accepted      int64            `json:"accepted" doc:"受理（件）"`
	Rejected      int64            `json:"rejected" doc:"不予受理（件）"`
	Closed        int64            `json:"closed" doc:"办结合计（件，含合并的重复投诉）"`
	ByOutcome     map[string]int64 `json:"by_outcome" doc:"办结按结果（outcome 代码）分列"`
	AgreedOral    int64            `json:"agreed_oral"`
	AgreedWritten int64            `json:"agreed_written"`
	AgreedFen     int64            `json:"agreed_fen" doc:"协议金额（分）"`
	RecoveredFen  int64            `json:"recovered_fen" doc:"挽回经济损失（分）"`
	Commendations int64            `json:"commendations" doc:"锦旗、感谢信"`
	Overdue       int64            `json:"overdue" doc:"统计期末超过调解期限仍未办结（件）"`
	DueSoon       *int             `json:"due_soon" doc:"生成时2个工作日内到期或已逾期（件）；事后补生成的日报为 null"`
	SnapshotAt    *time.Time       `json:"snapshot_at"`
	Warnings      map[string]int   `json:"warnings,omitempty" doc:"生成时未处理的预警按级别（red、orange、yellow）"`
	NewGroups     []DailyGroupJSON `json:"new_groups"`
	Notable       []NotableJSON    `json:"notable"`
}

// DailyGroupJSON is a group dispute formed in the span.
type DailyGroupJSON struct {
	ID      int64  `json:"id"`
	Title   string `json:"title"`
	Members int    `json:"members"`
}

// NotableJSON is a notable case with its reasons.
type NotableJSON struct {
	CaseID  int64    `json:"case_id"`
	Number  string   `json:"number"`
	Reasons []string `json:"reasons"`
}

// DailyReportJSON answers GET /api/v1/reports/daily.
type DailyReportJSON struct {
	Unit        UnitRef           `json:"unit"`
	Date        string            `json:"date" format:"date" doc:"日报日期（工作日）"`
	From        string            `json:"from" format:"date" doc:"统计期间起：上一工作日"`
	To          string            `json:"to" format:"date" doc:"统计期间止：日报日期前一日（周一的日报含周末）"`
	State       string            `json:"state" doc:"draft（待提交）或 submitted（已提交）"`
	Remarks     string            `json:"remarks"`
	SubmittedBy string            `json:"submitted_by,omitempty"`
	SubmittedAt *time.Time        `json:"submitted_at"`
	DraftedAt   time.Time         `json:"drafted_at"`
	DueAt       time.Time         `json:"due_at" doc:"提交截止时间"`
	Late        bool              `json:"late" doc:"已过截止时间仍未提交"`
	Figures     DailyFiguresJSON  `json:"figures"`
	Links       map[string]string `json:"links" doc:"各项数字背后的案件列表（页面地址）"`
}

// DailyReport answers a unit's daily report for a day, drafting it if needed.
func (a *API) DailyReport(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	rep, err := a.Services.DailyReport.Get(r.Context(), auth.From(r.Context()), v.Get("unit"), v.Get("date"))
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, dailyJSON(rep))
}

func dailyJSON(rep dailyreport.Report) DailyReportJSON {
	c := rep.Figures.Counts
	f := DailyFiguresJSON{Received: c.Received, Accepted: c.Accepted, Rejected: c.Rejected, Closed: c.Closed, ByOutcome: c.ByOutcome,
		AgreedOral: c.AgreedOral, AgreedWritten: c.AgreedWritten, AgreedFen: c.AgreedFen, RecoveredFen: c.RecoveredFen,
		Commendations: c.Commendations, Overdue: rep.Figures.Overdue, NewGroups: []DailyGroupJSON{}, Notable: []NotableJSON{}}
	if sn := rep.Figures.Snapshot; sn != nil {
		n, at := sn.DueSoon, sn.At
		f.DueSoon, f.SnapshotAt, f.Warnings = &n, &at, sn.Warnings
	}
	for _, g := range rep.Figures.NewGroups {
		f.NewGroups = append(f.NewGroups, DailyGroupJSON{ID: g.ID, Title: g.Title, Members: g.Members})
	}
	for _, n := range rep.Figures.Notable {
		nj := NotableJSON{CaseID: n.CaseID, Number: n.Number, Reasons: []string{}}
		for _, x := range n.Reasons {
			nj.Reasons = append(nj.Reasons, x.Label+"："+x.Text)
		}
		f.Notable = append(f.Notable, nj)
	}
	links := map[string]string{}
	for _, code := range rep.FigureCodes() {
		links[code] = rep.FigureURL(code)
	}
	if rep.Figures.Snapshot != nil {
		links["due_soon"] = rep.FigureURL("due_soon")
	}
	return DailyReportJSON{Unit: unitRef(rep.Unit), Date: rep.Day.String(), From: rep.From.String(), To: rep.To.String(),
		State: rep.Row.State, Remarks: rep.Row.Remarks, SubmittedBy: rep.Row.SubmittedByName, SubmittedAt: rep.Row.SubmittedAt,
		DraftedAt: rep.Row.Drafted, DueAt: rep.Due, Late: rep.Late, Figures: f, Links: links}
}
