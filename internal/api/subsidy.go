package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/settlement"
	"github.com/tiaojie/tiaojie/internal/subsidy"
)

// 个案补贴 (per-case subsidies): the settlement service decides who sees
// which committee's batches and who may draft, approve and pay them.

// SubsidySchemeJSON is the scheme in force for a committee, and every version.
type SubsidySchemeJSON struct {
	District  string           `json:"district"`
	Committee string           `json:"committee"`
	Example   bool             `json:"example" doc:"true：尚未设定，使用示例金额"`
	Current   subsidy.Scheme   `json:"current"`
	Versions  []subsidy.Scheme `json:"versions"`
	Cutoff    string           `json:"cutoff" doc:"本月截止日（YYYY-MM-DD）"`
}

// SubsidySchemeRequest adds a version of the district's scheme.
type SubsidySchemeRequest struct {
	Unit   string         `json:"unit" doc:"调委会代码（方案属于其所在区）"`
	Scheme subsidy.Scheme `json:"scheme" api:"required"`
}

// BatchRequest asks for a committee's batch of a month.
type BatchRequest struct {
	Unit   string `json:"unit" api:"required" doc:"调委会代码"`
	Period string `json:"period" api:"required" doc:"结算月份 YYYY-MM（截止日之后方可生成）"`
	Adjust bool   `json:"adjust" doc:"true：为已审核通过的月份生成调整批次"`
}

// BatchLineJSON is one case that earns a subsidy.
type BatchLineJSON struct {
	CaseID        int64  `json:"case_id"`
	CaseNumber    string `json:"case_number"`
	MediatorID    int64  `json:"mediator_id"`
	Mediator      string `json:"mediator"`
	Room          string `json:"room"`
	ClosureDay    string `json:"closure_day"`
	SchemeVersion string `json:"scheme_version"`
	Rule          string `json:"rule"`
	Difficulty    string `json:"difficulty" doc:"simple（简易）、normal（一般）、complex（疑难复杂）"`
	BaseFen       int64  `json:"base_fen"`
	JudicialFen   int64  `json:"judicial_fen"`
	Percent       int    `json:"percent" doc:"等级系数（百分比，120 = ×1.2）"`
	CutFen        int64  `json:"cut_fen" doc:"因上限或预算核减的金额"`
	AmountFen     int64  `json:"amount_fen"`
	Explanation   string `json:"explanation"`
	ReturnReason  string `json:"return_reason,omitempty" doc:"审核退回时对本行的意见"`
}

// ExcludedJSON is a line the committee took off, with why.
type ExcludedJSON struct {
	CaseID     int64  `json:"case_id"`
	CaseNumber string `json:"case_number"`
	AmountFen  int64  `json:"amount_fen"`
	Reason     string `json:"reason"`
}

// FailedJSON is a candidate case that did not qualify.
type FailedJSON struct {
	CaseID     int64  `json:"case_id"`
	CaseNumber string `json:"case_number"`
	Mediator   string `json:"mediator"`
	ClosureDay string `json:"closure_day"`
	Gate       string `json:"gate" doc:"paid、merged、outcome、archived、dossier、follow_up、sync、difficulty、payee、group、zero、scheme、month_cap、budget"`
	GateLabel  string `json:"gate_label"`
	Reason     string `json:"reason"`
	Pending    bool   `json:"pending" doc:"true：条件满足后可在以后的批次计发"`
}

// TrailJSON is one step of a batch's approval trail.
type TrailJSON struct {
	Action string    `json:"action"`
	Actor  string    `json:"actor"`
	Role   string    `json:"role"`
	At     time.Time `json:"at"`
	Note   string    `json:"note,omitempty"`
}

// BatchJSON is a settlement batch.
type BatchJSON struct {
	ID           int64           `json:"id"`
	Committee    string          `json:"committee"`
	Period       string          `json:"period"`
	Kind         string          `json:"kind" doc:"regular（月度）、adjust（调整）"`
	AdjustsID    int64           `json:"adjusts_id,omitempty"`
	Status       string          `json:"status" doc:"draft、submitted、returned、approved、paid"`
	StatusLabel  string          `json:"status_label"`
	WindowFrom   string          `json:"window_from" doc:"结案日期起（上月截止日次日）"`
	WindowTo     string          `json:"window_to" doc:"结案日期止（本月截止日）"`
	TotalFen     int64           `json:"total_fen" doc:"未剔除各行之和（分）"`
	ReturnReason string          `json:"return_reason,omitempty"`
	PaidOn       string          `json:"paid_on,omitempty"`
	PaidBy       string          `json:"paid_by,omitempty" doc:"登记支付的人"`
	PaidNote     string          `json:"paid_note,omitempty"`
	Lines        []BatchLineJSON `json:"lines"`
	Excluded     []ExcludedJSON  `json:"excluded"`
	Failed       []FailedJSON    `json:"failed"`
	Trail        []TrailJSON     `json:"trail"`
}

// ExcludeRequest takes a line off a batch (include: put it back).
type ExcludeRequest struct {
	CaseID  int64  `json:"case_id" api:"required"`
	Reason  string `json:"reason" doc:"剔除时必填"`
	Include bool   `json:"include" doc:"true：恢复计发"`
}

// ReturnRequest sends a batch back with reasons.
type ReturnRequest struct {
	Reason string            `json:"reason" api:"required"`
	Lines  map[string]string `json:"lines,omitempty" doc:"案件编号（case_id）→ 对该行的意见"`
}

// DecisionRequest carries an optional note on approval.
type DecisionRequest struct {
	Note string `json:"note"`
}

// PaidRequest records a payment.
type PaidRequest struct {
	PaidOn string `json:"paid_on" api:"required" doc:"支付日期 YYYY-MM-DD"`
	Note   string `json:"note"`
}

func batchJSON(b settlement.Batch) BatchJSON {
	out := BatchJSON{ID: b.ID, Committee: b.CommitteeName, Period: b.Period, Kind: b.Kind, AdjustsID: b.AdjustsID, Status: b.Status,
		StatusLabel: b.StatusLabel(), WindowFrom: b.WindowFrom, WindowTo: b.WindowTo, TotalFen: b.TotalFen, ReturnReason: b.ReturnReason,
		PaidOn: b.PaidOn, PaidBy: b.PaidByName, PaidNote: b.PaidNote, Lines: []BatchLineJSON{}, Excluded: []ExcludedJSON{}, Failed: []FailedJSON{}, Trail: []TrailJSON{}}
	for _, l := range b.Lines {
		if l.Excluded {
			out.Excluded = append(out.Excluded, ExcludedJSON{CaseID: l.CaseID, CaseNumber: l.CaseNumber, AmountFen: l.AmountFen, Reason: l.ExcludeReason})
			continue
		}
		out.Lines = append(out.Lines, BatchLineJSON{CaseID: l.CaseID, CaseNumber: l.CaseNumber, MediatorID: l.MediatorID, Mediator: l.MediatorName,
			Room: l.RoomName, ClosureDay: l.ClosureDay, SchemeVersion: l.SchemeVersion, Rule: l.Rule, Difficulty: l.Difficulty, BaseFen: l.BaseFen,
			JudicialFen: l.JudicialFen, Percent: l.Percent, CutFen: l.CutFen, AmountFen: l.AmountFen, Explanation: l.Explanation, ReturnReason: l.ReturnReason})
	}
	for _, f := range b.Failures {
		out.Failed = append(out.Failed, FailedJSON{CaseID: f.CaseID, CaseNumber: f.CaseNumber, Mediator: f.MediatorName, ClosureDay: f.ClosureDay,
			Gate: f.Gate, GateLabel: subsidy.GateLabel(f.Gate), Reason: f.Reason, Pending: f.Pending})
	}
	for _, e := range b.Trail {
		out.Trail = append(out.Trail, TrailJSON{Action: e.Action, Actor: e.ActorName, Role: e.ActorRole, At: e.At, Note: e.Note})
	}
	return out
}

// SubsidyScheme answers GET /api/v1/subsidies/scheme.
func (a *API) SubsidyScheme(w http.ResponseWriter, r *http.Request) {
	v, err := a.Subsidies.Scheme(r.Context(), auth.From(r.Context()), r.URL.Query().Get("unit"))
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, subsidySchemeJSON(v))
}

func subsidySchemeJSON(v settlement.SchemeView) SubsidySchemeJSON {
	return SubsidySchemeJSON{District: v.District.Name, Committee: v.Committee.Code, Example: !v.Stored, Current: v.Current, Versions: v.Versions, Cutoff: v.Cutoff}
}

// SaveSubsidyScheme answers POST /api/v1/subsidies/scheme.
func (a *API) SaveSubsidyScheme(w http.ResponseWriter, r *http.Request) {
	var req SubsidySchemeRequest
	if !decode(w, r, &req) {
		return
	}
	v, err := a.Subsidies.SaveScheme(r.Context(), auth.From(r.Context()), req.Unit, req.Scheme)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, subsidySchemeJSON(v))
}

// CreateSubsidyBatch answers POST /api/v1/subsidies/batches: 201 with a new
// draft, 200 with the batch that exists for the unit and period.
func (a *API) CreateSubsidyBatch(w http.ResponseWriter, r *http.Request) {
	var req BatchRequest
	if !decode(w, r, &req) {
		return
	}
	if req.Unit == "" || req.Period == "" {
		writeJSON(w, http.StatusUnprocessableEntity, Error{Error: "unit 与 period 必填", Fields: map[string]string{"unit": "必填", "period": "必填"}})
		return
	}
	b, created, err := a.Subsidies.Generate(r.Context(), auth.From(r.Context()), req.Unit, req.Period, req.Adjust)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, batchJSON(b))
}

// ListSubsidyBatches answers GET /api/v1/subsidies/batches.
func (a *API) ListSubsidyBatches(w http.ResponseWriter, r *http.Request) {
	bs, err := a.Subsidies.List(r.Context(), auth.From(r.Context()))
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	out := []BatchJSON{}
	for _, b := range bs {
		j := batchJSON(b)
		j.Lines, j.Excluded, j.Failed, j.Trail = []BatchLineJSON{}, []ExcludedJSON{}, []FailedJSON{}, []TrailJSON{}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, out)
}

// GetSubsidyBatch answers GET /api/v1/subsidies/batches/{id}.
func (a *API) GetSubsidyBatch(w http.ResponseWriter, r *http.Request) {
	id, ok := subID(w, r, "id", "补贴批次")
	if !ok {
		return
	}
	b, err := a.Subsidies.Get(r.Context(), auth.From(r.Context()), id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, batchJSON(b))
}

func (a *API) batchStep(w http.ResponseWriter, r *http.Request, req any, run func(p *auth.Principal, id int64) (settlement.Batch, error)) {
	id, ok := subID(w, r, "id", "补贴批次")
	if !ok {
		return
	}
	if req == nil {
		req = &NoBody{} // an action without a body refuses one
	}
	if !decodeOptional(w, r, req) {
		return
	}
	b, err := run(auth.From(r.Context()), id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, batchJSON(b))
}

// ExcludeSubsidyLine answers POST /api/v1/subsidies/batches/{id}/exclude.
func (a *API) ExcludeSubsidyLine(w http.ResponseWriter, r *http.Request) {
	var req ExcludeRequest
	a.batchStep(w, r, &req, func(p *auth.Principal, id int64) (settlement.Batch, error) {
		return a.Subsidies.Exclude(r.Context(), p, id, req.CaseID, req.Reason, req.Include)
	})
}

// RefreshSubsidyBatch answers POST /api/v1/subsidies/batches/{id}/refresh.
func (a *API) RefreshSubsidyBatch(w http.ResponseWriter, r *http.Request) {
	a.batchStep(w, r, nil, func(p *auth.Principal, id int64) (settlement.Batch, error) {
		return a.Subsidies.Refresh(r.Context(), p, id)
	})
}

// SubmitSubsidyBatch answers POST /api/v1/subsidies/batches/{id}/submit.
func (a *API) SubmitSubsidyBatch(w http.ResponseWriter, r *http.Request) {
	a.batchStep(w, r, nil, func(p *auth.Principal, id int64) (settlement.Batch, error) {
		return a.Subsidies.Submit(r.Context(), p, id)
	})
}

// ApproveSubsidyBatch answers POST /api/v1/subsidies/batches/{id}/approve.
func (a *API) ApproveSubsidyBatch(w http.ResponseWriter, r *http.Request) {
	var req DecisionRequest
	a.batchStep(w, r, &req, func(p *auth.Principal, id int64) (settlement.Batch, error) {
		return a.Subsidies.Approve(r.Context(), p, id, req.Note)
	})
}

// ReturnSubsidyBatch answers POST /api/v1/subsidies/batches/{id}/return.
func (a *API) ReturnSubsidyBatch(w http.ResponseWriter, r *http.Request) {
	var req ReturnRequest
	a.batchStep(w, r, &req, func(p *auth.Principal, id int64) (settlement.Batch, error) {
		lines := map[int64]string{}
		for k, v := range req.Lines {
			n, err := strconv.ParseInt(k, 10, 64)
			if err != nil || n <= 0 {
				return settlement.Batch{}, fieldErr("lines", "lines 的键须为案件编号（正整数）")
			}
			lines[n] = v
		}
		return a.Subsidies.Return(r.Context(), p, id, req.Reason, lines)
	})
}

// PaySubsidyBatch answers POST /api/v1/subsidies/batches/{id}/paid.
func (a *API) PaySubsidyBatch(w http.ResponseWriter, r *http.Request) {
	var req PaidRequest
	a.batchStep(w, r, &req, func(p *auth.Principal, id int64) (settlement.Batch, error) {
		return a.Subsidies.RecordPaid(r.Context(), p, id, req.PaidOn, req.Note)
	})
}

// MySubsidyLines answers GET /api/v1/subsidies/mine.
func (a *API) MySubsidyLines(w http.ResponseWriter, r *http.Request) {
	mine, err := a.Subsidies.Mine(r.Context(), auth.From(r.Context()), r.URL.Query().Get("period"))
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	out := []BatchLineJSON{}
	for _, l := range mine.Lines {
		if l.Excluded {
			continue
		}
		out = append(out, BatchLineJSON{CaseID: l.CaseID, CaseNumber: l.CaseNumber, MediatorID: l.MediatorID, Mediator: l.MediatorName,
			Room: l.RoomName, ClosureDay: l.ClosureDay, SchemeVersion: l.SchemeVersion, Rule: l.Rule, Difficulty: l.Difficulty,
			BaseFen: l.BaseFen, JudicialFen: l.JudicialFen, Percent: l.Percent, CutFen: l.CutFen, AmountFen: l.AmountFen, Explanation: l.Explanation})
	}
	writeJSON(w, http.StatusOK, out)
}
