package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/contracting"
)

// Purchased mediation services (购买服务): contracts, quarterly assessments
// and enterprise statements. What a caller may see and do is decided by the
// contracting service.

// ContractRuleJSON is a target's deduction rule.
type ContractRuleJSON struct {
	Kind   string `json:"kind" api:"required" doc:"per_unit：每少 1 件（办结数）或每低 1 个百分点（比率）扣 fen，封顶 cap_fen（0 为不封顶）；fixed：未达到扣 fen；none：不扣减"`
	Fen    int64  `json:"fen" doc:"扣减金额（分，整数）"`
	CapFen int64  `json:"cap_fen" doc:"每季度本项扣减上限（分，整数；0 为不封顶）"`
}

// ContractTargetJSON is one target of a service contract.
type ContractTargetJSON struct {
	Code  string           `json:"code" api:"required" doc:"cases 办结数、success 调解成功率、follow_up 回访率、on_time 按期办结率"`
	Value int64            `json:"value" api:"required" doc:"cases：全年件数（按季度天数折算）；比率：千分比，900 即 90.0%"`
	Rule  ContractRuleJSON `json:"rule" api:"required"`
}

// ContractRequest is the body of POST /api/v1/contracts.
type ContractRequest struct {
	Kind         string               `json:"kind" api:"required" doc:"service 政府购买服务（市场监管局向服务机构购买）；enterprise 企业购买调解服务（按件计费）"`
	Number       string               `json:"number" api:"required" doc:"合同编号（唯一）"`
	Title        string               `json:"title" api:"required"`
	Committee    string               `json:"committee,omitempty" doc:"service：考核其绩效数字的调委会单位代码，如 pd-cmt"`
	Buyer        string               `json:"buyer,omitempty" doc:"service：购买方市场监管局或市场监管所的单位代码"`
	BuyerName    string               `json:"buyer_name,omitempty" doc:"购买方名称；enterprise 必填（或给 merchant_id）"`
	Provider     string               `json:"provider,omitempty" doc:"服务提供方单位代码（调解服务机构或调委会，可不填）"`
	ProviderName string               `json:"provider_name,omitempty" doc:"服务提供方名称；不填时取单位名称"`
	Room         string               `json:"room,omitempty" doc:"enterprise：企业人民调解工作室单位代码"`
	MerchantID   int64                `json:"merchant_id,omitempty" doc:"enterprise：付费的经营者（须属于该工作室）"`
	From         string               `json:"from" api:"required" format:"date"`
	To           string               `json:"to" api:"required" format:"date" doc:"不早于 from"`
	AmountFen    int64                `json:"amount_fen,omitempty" doc:"service：合同金额（分，整数）"`
	PriceFen     int64                `json:"price_fen,omitempty" doc:"enterprise：每件单价（分，整数）"`
	Scope        string               `json:"scope,omitempty" doc:"服务内容"`
	Targets      []ContractTargetJSON `json:"targets,omitempty" doc:"service：考核指标及扣减规则"`
	Status       string               `json:"status,omitempty" doc:"draft（默认）或 active"`
}

// ContractStatusRequest is the body of POST /api/v1/contracts/{id}/status.
type ContractStatusRequest struct {
	Status string `json:"status" api:"required" doc:"active 履行中、ended 已结束"`
}

// UnitNameJSON names an org unit.
type UnitNameJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// QuarterJSON is a quarter of a service contract.
type QuarterJSON struct {
	Quarter string             `json:"quarter" doc:"如 2026-Q3"`
	Label   string             `json:"label"`
	From    string             `json:"from" format:"date" doc:"季度与合同期的交集"`
	To      string             `json:"to" format:"date"`
	BaseFen int64              `json:"base_fen" doc:"本季度基数：合同金额按季度平均，分以下余数计入最后一个季度"`
	Latest  *AssessmentRefJSON `json:"latest" doc:"最新一版考核；未考核为 null"`
}

// AssessmentRefJSON names a stored revision.
type AssessmentRefJSON struct {
	ID       int64  `json:"id"`
	Revision int    `json:"revision"`
	Status   string `json:"status" doc:"draft 待确认、confirmed 已确认"`
	DueFen   int64  `json:"due_fen"`
}

// ContractJSON is a contract.
type ContractJSON struct {
	ID           int64                `json:"id"`
	Kind         string               `json:"kind"`
	KindLabel    string               `json:"kind_label"`
	Number       string               `json:"number"`
	Title        string               `json:"title"`
	Status       string               `json:"status" doc:"draft 草稿、active 履行中、ended 已结束"`
	StatusLabel  string               `json:"status_label"`
	District     UnitNameJSON         `json:"district"`
	Committee    UnitNameJSON         `json:"committee"`
	BuyerName    string               `json:"buyer_name"`
	BuyerOrgID   int64                `json:"buyer_org_id"`
	ProviderName string               `json:"provider_name"`
	Room         *UnitNameJSON        `json:"room" doc:"enterprise：企业人民调解工作室；service 为 null"`
	MerchantID   int64                `json:"merchant_id"`
	From         string               `json:"from" format:"date"`
	To           string               `json:"to" format:"date"`
	AmountFen    int64                `json:"amount_fen"`
	PriceFen     int64                `json:"price_fen"`
	Scope        string               `json:"scope"`
	Targets      []ContractTargetJSON `json:"targets"`
	TargetWords  []string             `json:"target_words" doc:"各项考核指标及扣减规则的文字说明"`
	Quarters     []QuarterJSON        `json:"quarters,omitempty" doc:"service（仅单个合同）：合同期内各季度"`
	Months       []string             `json:"months,omitempty" doc:"enterprise（仅单个合同）：已开始的月份，最近的在前"`
	Created      time.Time            `json:"created_at"`
}

func contractJSON(v contracting.View) ContractJSON {
	out := ContractJSON{ID: v.ID, Kind: v.Kind, KindLabel: v.KindLabel, Number: v.Number, Title: v.Title, Status: v.Status, StatusLabel: v.StatusLabel,
		District: UnitNameJSON{v.DistrictID, v.DistrictName}, Committee: UnitNameJSON{v.CommitteeID, v.CommitteeName}, BuyerName: v.BuyerName,
		BuyerOrgID: v.BuyerOrgID, ProviderName: v.ProviderName, MerchantID: v.MerchantID, From: v.PeriodFrom, To: v.PeriodTo,
		AmountFen: v.AmountFen, PriceFen: v.PriceFen, Scope: v.Scope, Targets: []ContractTargetJSON{}, TargetWords: v.TargetWords, Months: v.Months, Created: v.Created}
	if out.TargetWords == nil {
		out.TargetWords = []string{}
	}
	if v.RoomID != 0 {
		out.Room = &UnitNameJSON{v.RoomID, v.RoomName}
	}
	for _, t := range v.TargetList {
		out.Targets = append(out.Targets, ContractTargetJSON{Code: t.Code, Value: t.Value, Rule: ContractRuleJSON{t.Rule.Kind, t.Rule.Fen, t.Rule.CapFen}})
	}
	for _, q := range v.Quarters {
		qj := QuarterJSON{Quarter: q.Quarter, Label: q.Label, From: q.From, To: q.To, BaseFen: q.BaseFen}
		if q.Latest != nil {
			qj.Latest = &AssessmentRefJSON{q.Latest.ID, q.Latest.Revision, q.Latest.Status, q.Latest.DueFen}
		}
		out.Quarters = append(out.Quarters, qj)
	}
	return out
}

// ContractList answers GET /api/v1/contracts.
type ContractList struct {
	Contracts []ContractJSON `json:"contracts"`
}

// Contracts lists the contracts the caller may see.
func (a *API) Contracts(w http.ResponseWriter, r *http.Request) {
	vs, err := a.Services.Contracts.List(r.Context(), auth.From(r.Context()), r.URL.Query().Get("kind"))
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	out := ContractList{Contracts: []ContractJSON{}}
	for _, v := range vs {
		out.Contracts = append(out.Contracts, contractJSON(v))
	}
	writeJSON(w, http.StatusOK, out)
}

func contractID(w http.ResponseWriter, r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		if name == "aid" {
			Fail(w, http.StatusNotFound, "考核结果不存在")
		} else {
			Fail(w, http.StatusNotFound, "合同不存在或无权查看")
		}
		return 0, false
	}
	return id, true
}

// CreateContract records a contract.
func (a *API) CreateContract(w http.ResponseWriter, r *http.Request) {
	var req ContractRequest
	if !decode(w, r, &req) {
		return
	}
	in := contracting.Input{Kind: req.Kind, Number: req.Number, Title: req.Title, Committee: req.Committee, Buyer: req.Buyer, BuyerName: req.BuyerName,
		Provider: req.Provider, ProviderName: req.ProviderName, Room: req.Room, MerchantID: req.MerchantID, From: req.From, To: req.To,
		AmountFen: req.AmountFen, PriceFen: req.PriceFen, Scope: req.Scope, Status: req.Status}
	for _, t := range req.Targets {
		in.Targets = append(in.Targets, contracting.Target{Code: t.Code, Value: t.Value, Rule: contracting.Rule{Kind: t.Rule.Kind, Fen: t.Rule.Fen, CapFen: t.Rule.CapFen}})
	}
	p := auth.From(r.Context())
	c, err := a.Services.Contracts.Create(r.Context(), p, in)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	v, err := a.Services.Contracts.Get(r.Context(), p, c.ID)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, contractJSON(v))
}

// GetContract answers one contract with its quarters or months.
func (a *API) GetContract(w http.ResponseWriter, r *http.Request) {
	id, ok := contractID(w, r, "id")
	if !ok {
		return
	}
	v, err := a.Services.Contracts.Get(r.Context(), auth.From(r.Context()), id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, contractJSON(v))
}

// SetContractStatus moves a contract to active or ended.
func (a *API) SetContractStatus(w http.ResponseWriter, r *http.Request) {
	id, ok := contractID(w, r, "id")
	if !ok {
		return
	}
	var req ContractStatusRequest
	if !decode(w, r, &req) {
		return
	}
	p := auth.From(r.Context())
	if _, err := a.Services.Contracts.SetStatus(r.Context(), p, id, req.Status); err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	v, err := a.Services.Contracts.Get(r.Context(), p, id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, contractJSON(v))
}

// AssessRequest is the body of POST /api/v1/contracts/{id}/assessments.
type AssessRequest struct {
	Quarter string `json:"quarter" api:"required" doc:"如 2026-Q3，须在合同期内且已开始"`
	Reason  string `json:"reason,omitempty" doc:"该季度考核已确认时必填：重新计算的理由（生成新的修订版）"`
}

// AssessmentLineJSON is one target's result.
type AssessmentLineJSON struct {
	Code         string           `json:"code"`
	Name         string           `json:"name"`
	Target       int64            `json:"target" doc:"办结数：本季度折算后的件数；比率：千分比"`
	TargetText   string           `json:"target_text"`
	TargetNote   string           `json:"target_note" doc:"办结数目标的折算过程"`
	Achieved     int64            `json:"achieved" doc:"办结数：件数；比率：千分比（四舍五入）"`
	AchievedText string           `json:"achieved_text"`
	Numerator    int64            `json:"numerator"`
	Denominator  int64            `json:"denominator" doc:"比率的分母；办结数为 0"`
	Applicable   bool             `json:"applicable" doc:"比率分母为 0 时为 false：本项不考核"`
	Met          bool             `json:"met"`
	Rule         ContractRuleJSON `json:"rule"`
	DeductionFen int64            `json:"deduction_fen"`
	Explain      string           `json:"explain" doc:"扣减的文字说明，如“调解成功率 88.0%，低于目标 90.0% 2.0 个百分点 × 500.00元 = 1,000.00元”"`
	CasesURL     string           `json:"cases_url" doc:"实际数字背后的案件（绩效评估案件列表，需 eval.read）"`
}

// AssessmentJSON is one revision of a quarter's assessment.
type AssessmentJSON struct {
	ID               int64                `json:"id"`
	ContractID       int64                `json:"contract_id"`
	Quarter          string               `json:"quarter"`
	QuarterLabel     string               `json:"quarter_label"`
	Revision         int                  `json:"revision"`
	Reason           string               `json:"reason" doc:"重新计算的理由（第 1 版为空）"`
	Status           string               `json:"status" doc:"draft 待确认、confirmed 已确认（冻结）"`
	Latest           bool                 `json:"latest" doc:"是否为该季度最新的一版"`
	From             string               `json:"from" format:"date"`
	To               string               `json:"to" format:"date"`
	AsOf             string               `json:"as_of" format:"date" doc:"数字截至的日期"`
	Partial          bool                 `json:"partial" doc:"计算时季度尚未结束：仅供预览，不能确认"`
	BaseFen          int64                `json:"base_fen"`
	BaseExplain      string               `json:"base_explain"`
	Lines            []AssessmentLineJSON `json:"lines"`
	RawDeductionsFen int64                `json:"raw_deductions_fen" doc:"各项扣减之和"`
	DeductionsFen    int64                `json:"deductions_fen" doc:"扣减合计，不超过基数"`
	DueFen           int64                `json:"due_fen" doc:"应付金额 = 基数 − 扣减合计"`
	Explain          string               `json:"explain"`
	ComputedBy       string               `json:"computed_by"`
	ComputedAt       time.Time            `json:"computed_at"`
	ConfirmedBy      string               `json:"confirmed_by"`
	ConfirmedAt      *time.Time           `json:"confirmed_at"`
}

func assessmentJSON(v contracting.AssessmentView) AssessmentJSON {
	res := v.Result
	out := AssessmentJSON{ID: v.Record.ID, ContractID: v.Record.ContractID, Quarter: res.Quarter, QuarterLabel: res.QuarterLabel, Revision: v.Record.Revision,
		Reason: v.Record.Reason, Status: v.Record.Status, Latest: v.IsLatest, From: res.From, To: res.To, AsOf: res.AsOf, Partial: res.Partial,
		BaseFen: res.BaseFen, BaseExplain: res.BaseExplain, Lines: []AssessmentLineJSON{}, RawDeductionsFen: res.RawDeductionsFen,
		DeductionsFen: res.DeductionsFen, DueFen: res.DueFen, Explain: res.Explain, ComputedBy: v.Record.ComputedName, ComputedAt: v.Record.ComputedAt,
		ConfirmedBy: v.Record.ConfirmedName, ConfirmedAt: v.Record.ConfirmedAt}
	for _, l := range res.Lines {
		out.Lines = append(out.Lines, AssessmentLineJSON{Code: l.Code, Name: l.Name, Target: l.Target, TargetText: l.TargetText, TargetNote: l.TargetNote,
			Achieved: l.Achieved, AchievedText: l.AchievedText, Numerator: l.Num, Denominator: l.Den, Applicable: l.Applicable, Met: l.Met,
			Rule: ContractRuleJSON{l.Rule.Kind, l.Rule.Fen, l.Rule.CapFen}, DeductionFen: l.DeductionFen, Explain: l.Explain, CasesURL: v.APILinks[l.Code]})
	}
	return out
}

// Assess computes (or recomputes) a quarter's assessment.
func (a *API) Assess(w http.ResponseWriter, r *http.Request) {
	id, ok := contractID(w, r, "id")
	if !ok {
		return
	}
	var req AssessRequest
	if !decode(w, r, &req) {
		return
	}
	v, err := a.Services.Contracts.Assess(r.Context(), auth.From(r.Context()), id, req.Quarter, req.Reason)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, assessmentJSON(v))
}

// GetAssessment answers one stored revision.
func (a *API) GetAssessment(w http.ResponseWriter, r *http.Request) {
	v, ok := a.assessment(w, r)
	if ok {
		writeJSON(w, http.StatusOK, assessmentJSON(v))
	}
}

func (a *API) assessment(w http.ResponseWriter, r *http.Request) (contracting.AssessmentView, bool) {
	id, ok := contractID(w, r, "id")
	if !ok {
		return contracting.AssessmentView{}, false
	}
	aid, ok := contractID(w, r, "aid")
	if !ok {
		return contracting.AssessmentView{}, false
	}
	v, err := a.Services.Contracts.Assessment(r.Context(), auth.From(r.Context()), id, aid)
	if err != nil {
		failErr(w, a.Log, r, err)
		return v, false
	}
	return v, true
}

// ConfirmAssessment freezes a revision.
func (a *API) ConfirmAssessment(w http.ResponseWriter, r *http.Request) {
	if !noBody(w, r) {
		return
	}
	id, ok := contractID(w, r, "id")
	if !ok {
		return
	}
	aid, ok := contractID(w, r, "aid")
	if !ok {
		return
	}
	v, err := a.Services.Contracts.Confirm(r.Context(), auth.From(r.Context()), id, aid)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, assessmentJSON(v))
}

func writeFile(w http.ResponseWriter, contentType, name string, b []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Write(b)
}

// XLSXType is the media type of a workbook.
const XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// AssessmentXLSX exports a revision.
func (a *API) AssessmentXLSX(w http.ResponseWriter, r *http.Request) {
	v, ok := a.assessment(w, r)
	if !ok {
		return
	}
	b, err := contracting.AssessmentXLSX(v)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeFile(w, XLSXType, fmt.Sprintf("季度考核-%s-%s-第%d版.xlsx", v.Contract.Number, v.Result.Quarter, v.Record.Revision), b)
}

// StatementLineJSON is a case on a statement.
type StatementLineJSON struct {
	CaseID       int64  `json:"case_id"`
	Number       string `json:"number"`
	ClosedOn     string `json:"closed_on" format:"date"`
	Outcome      string `json:"outcome" enum:"outcome"`
	OutcomeLabel string `json:"outcome_label"`
	AmountFen    int64  `json:"amount_fen"`
	Reason       string `json:"reason,omitempty" doc:"不计费的原因"`
}

// StatementJSON is an enterprise room's monthly statement.
type StatementJSON struct {
	ContractID int64               `json:"contract_id"`
	Month      string              `json:"month"`
	From       string              `json:"from" format:"date" doc:"月份与合同期的交集"`
	To         string              `json:"to" format:"date"`
	Partial    bool                `json:"partial" doc:"月份尚未结束"`
	PriceFen   int64               `json:"price_fen"`
	Count      int64               `json:"count" doc:"计费案件数"`
	TotalFen   int64               `json:"total_fen" doc:"= count × price_fen"`
	Rule       string              `json:"rule" doc:"哪些案件计费"`
	Explain    string              `json:"explain"`
	Lines      []StatementLineJSON `json:"lines"`
	Excluded   []StatementLineJSON `json:"excluded" doc:"本月办结但不计费的案件及原因"`
}

func statementJSON(v contracting.StatementView) StatementJSON {
	st := v.Statement
	out := StatementJSON{ContractID: v.Contract.ID, Month: st.Month, From: st.From, To: st.To, Partial: st.Partial, PriceFen: st.PriceFen, Count: st.Count,
		TotalFen: st.TotalFen, Rule: st.Rule, Explain: st.Explain, Lines: []StatementLineJSON{}, Excluded: []StatementLineJSON{}}
	for _, l := range st.Lines {
		out.Lines = append(out.Lines, StatementLineJSON{l.CaseID, l.Number, l.ClosedOn, l.Outcome, l.OutcomeLabel, l.AmountFen, ""})
	}
	for _, l := range st.Excluded {
		out.Excluded = append(out.Excluded, StatementLineJSON{l.CaseID, l.Number, l.ClosedOn, l.Outcome, l.OutcomeLabel, 0, l.Reason})
	}
	return out
}

func (a *API) statement(w http.ResponseWriter, r *http.Request) (contracting.StatementView, bool) {
	id, ok := contractID(w, r, "id")
	if !ok {
		return contracting.StatementView{}, false
	}
	v, err := a.Services.Contracts.Statement(r.Context(), auth.From(r.Context()), id, r.PathValue("month"))
	if err != nil {
		failErr(w, a.Log, r, err)
		return v, false
	}
	return v, true
}

// GetStatement answers an enterprise contract's monthly statement.
func (a *API) GetStatement(w http.ResponseWriter, r *http.Request) {
	if v, ok := a.statement(w, r); ok {
		writeJSON(w, http.StatusOK, statementJSON(v))
	}
}

// StatementXLSX exports a monthly statement.
func (a *API) StatementXLSX(w http.ResponseWriter, r *http.Request) {
	v, ok := a.statement(w, r)
	if !ok {
		return
	}
	b, err := contracting.StatementXLSX(v)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeFile(w, XLSXType, fmt.Sprintf("对账单-%s-%s.xlsx", v.Contract.Number, v.Statement.Month), b)
}
