package api

import (
	"net/http"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/feedback"
)

// FeedbackJSON is one diverted complaint's closing record in 12315's terms.
type FeedbackJSON struct {
	CaseID           int64    `json:"case_id"`
	ComplaintNo      string   `json:"complaint_no" doc:"12315投诉编号（无则为空）"`
	DocumentNo       string   `json:"document_no" doc:"文书号：案号（调解协议书以案号编号）"`
	Office           string   `json:"office" doc:"分流单位编号（12315平台直接分流、无分流单位时为空）"`
	OfficeName       string   `json:"office_name"`
	Result           string   `json:"result" enum:"result_12315" doc:"调解结果"`
	ResultLabel      string   `json:"result_label"`
	TerminationCode  string   `json:"termination_ground,omitempty" enum:"art21_reason" doc:"终止调解情形：《市场监督管理投诉举报处理暂行办法》第二十一条第几项；未终止为空"`
	TerminationLabel string   `json:"termination_ground_label,omitempty"`
	ClaimFen         int64    `json:"claim_fen" doc:"争议金额（分）"`
	RecoveredFen     int64    `json:"recovered_fen" doc:"挽回经济损失（分）：已履行的金额"`
	MentalFen        int64    `json:"mental_fen" doc:"精神赔偿金额（分）：协议中精神损害赔偿款项"`
	PunitiveFen      int64    `json:"punitive_fen" doc:"加倍赔偿金额（分）：协议中惩罚性赔偿款项"`
	Method           string   `json:"method" enum:"method_12315" doc:"调解方式；未能得出且未填写时为空"`
	MethodLabel      string   `json:"method_label"`
	ClosedOn         string   `json:"closed_on" format:"date" doc:"办结日期"`
	Summary          string   `json:"summary" doc:"调解情况（不超过1200字，不含电话号码、身份证号码）"`
	ViolationLead    bool     `json:"violation_lead" doc:"是否违法线索：办理中向市场监管所移送过违法线索"`
	Complete         bool     `json:"complete" doc:"必填项齐全，可录入12315"`
	Missing          []string `json:"missing" doc:"缺少的必填项（中文说明）"`
}

// FeedbackList is the records of one period (and office).
type FeedbackList struct {
	Office     string         `json:"office" doc:"所选分流单位编号；空为范围内全部"`
	From       string         `json:"from" format:"date"`
	To         string         `json:"to" format:"date"`
	Incomplete int            `json:"incomplete" doc:"待补充的记录数"`
	Records    []FeedbackJSON `json:"records"`
}

func feedbackJSON(r feedback.Record) FeedbackJSON {
	out := FeedbackJSON{CaseID: r.CaseID, ComplaintNo: r.ComplaintNo, DocumentNo: r.DocumentNo, Office: r.OfficeCode, OfficeName: r.Diverter,
		Result: r.Result, ResultLabel: feedback.Codes.ResultLabel(r.Result), TerminationCode: r.Art21, TerminationLabel: feedback.Art21Text(r.Art21),
		ClaimFen: r.ClaimFen, RecoveredFen: r.RecoveredFen, MentalFen: r.MentalFen, PunitiveFen: r.PunitiveFen,
		Method: r.Method, MethodLabel: feedback.Codes.MethodLabel(r.Method), ClosedOn: r.ClosedOn, Summary: r.Summary,
		ViolationLead: r.Lead, Complete: r.Complete(), Missing: []string{}}
	for _, m := range r.Missing {
		out.Missing = append(out.Missing, m.Message)
	}
	return out
}

// Feedback12315 answers the closing records of the diverted complaints
// closed in a period, for a connector keying them into 12315.
func (a *API) Feedback12315(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	l, err := a.Services.Feedback.List(r.Context(), auth.From(r.Context()), feedback.Filter{Office: q.Get("office"), From: q.Get("from"), To: q.Get("to")})
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	out := FeedbackList{Office: l.Office.Code, From: l.From, To: l.To, Incomplete: l.Incomplete, Records: []FeedbackJSON{}}
	for _, rec := range l.Records {
		out.Records = append(out.Records, feedbackJSON(rec))
	}
	writeJSON(w, http.StatusOK, out)
}
