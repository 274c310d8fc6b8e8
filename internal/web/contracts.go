package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/contracting"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/purchase"
)

// Purchased mediation services (购买服务) pages under /subsidies/contracts.

type contractListData struct {
	Kind      string // "" both, or one kind
	Service   []contracting.View
	Business  []contracting.View
	CanCreate bool
	Yuan      func(int64) string
}

// Contracts lists the contracts the user may see; /subsidies/enterprise
// lists the enterprise contracts only.
func (pg *Pages) Contracts(w http.ResponseWriter, r *http.Request) {
	pg.contractList(w, r, "")
}

// EnterpriseContracts lists the enterprise contracts and their statements.
func (pg *Pages) EnterpriseContracts(w http.ResponseWriter, r *http.Request) {
	pg.contractList(w, r, contracting.KindEnterprise)
}

func (pg *Pages) contractList(w http.ResponseWriter, r *http.Request, kind string) {
	ctx := r.Context()
	p := auth.From(ctx)
	vs, err := pg.Services.Contracts.List(ctx, p, kind)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	d := contractListData{Kind: kind, CanCreate: pg.Services.Contracts.CanCreate(p), Yuan: purchase.Yuan}
	for _, v := range vs {
		if v.Kind == contracting.KindService {
			d.Service = append(d.Service, v)
		} else {
			d.Business = append(d.Business, v)
		}
	}
	title := "购买服务合同"
	if kind == contracting.KindEnterprise {
		title = "企业购买调解服务"
	}
	pg.render(w, r, http.StatusOK, "contract_list", title, d)
}

type targetRow struct {
	Code, Name string
	Rate       bool
}

type contractFormData struct {
	Options contracting.Options
	Targets []targetRow
	Kind    string
	Form    url.Values
	Errors  map[string]string
}

func contractTargets() []targetRow {
	var out []targetRow
	for _, c := range purchase.TargetCodes {
		out = append(out, targetRow{Code: c, Name: purchase.TargetName(c), Rate: purchase.IsRate(c)})
	}
	return out
}

// NewContractForm shows the forms for a service or an enterprise contract.
func (pg *Pages) NewContractForm(w http.ResponseWriter, r *http.Request) {
	pg.contractForm(w, r, http.StatusOK, url.Values{}, nil)
}

func (pg *Pages) contractForm(w http.ResponseWriter, r *http.Request, status int, form url.Values, errs map[string]string) {
	ctx := r.Context()
	o, err := pg.Services.Contracts.FormOptions(ctx, auth.From(ctx))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	kind := form.Get("kind")
	if kind == "" {
		kind = r.URL.Query().Get("kind")
	}
	if kind != contracting.KindEnterprise {
		kind = contracting.KindService
	}
	pg.render(w, r, status, "contract_new", "登记购买服务合同", contractFormData{Options: o, Targets: contractTargets(), Kind: kind, Form: form, Errors: errs})
}

// CreateContract records a contract from the form; amounts are typed in yuan.
func (pg *Pages) CreateContract(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		pg.Fail(w, r, http.StatusBadRequest, "表单无法解析")
		return
	}
	f := r.PostForm
	var errs []*domain.FieldError
	yuan := func(field, label string, required bool) int64 {
		v := strings.TrimSpace(f.Get(field))
		if v == "" && !required {
			return 0
		}
		fen, ok := purchase.ParseYuan(v)
		if !ok {
			errs = append(errs, &domain.FieldError{Field: field, Message: fmt.Sprintf("%s“%s”无效：以元为单位，最多两位小数", label, v)})
		}
		return fen
	}
	in := contracting.Input{Kind: f.Get("kind"), Number: f.Get("number"), Title: f.Get("title"), Committee: f.Get("committee"), Buyer: f.Get("buyer"),
		BuyerName: f.Get("buyer_name"), Provider: f.Get("provider"), ProviderName: f.Get("provider_name"), Room: f.Get("room"),
		From: f.Get("from"), To: f.Get("to"), Scope: f.Get("scope"), Status: f.Get("status")}
	if in.Kind == contracting.KindEnterprise {
		in.PriceFen = yuan("price", "每件单价", true)
	} else {
		in.AmountFen = yuan("amount", "合同金额", true)
		for _, t := range contractTargets() {
			raw := strings.TrimSpace(f.Get("t_" + t.Code))
			if raw == "" {
				continue
			}
			tg := contracting.Target{Code: t.Code, Rule: contracting.Rule{Kind: f.Get("k_" + t.Code)}}
			if t.Rate {
				pm, ok := purchase.ParsePercent(raw)
				if !ok {
					errs = append(errs, &domain.FieldError{Field: "t_" + t.Code, Message: fmt.Sprintf("%s目标“%s”无效：填百分数，最多一位小数", t.Name, raw)})
				}
				tg.Value = pm
			} else {
				n, err := strconv.ParseInt(raw, 10, 64)
				if err != nil {
					errs = append(errs, &domain.FieldError{Field: "t_" + t.Code, Message: fmt.Sprintf("%s目标“%s”应为整数（件/年）", t.Name, raw)})
				}
				tg.Value = n
			}
			if tg.Rule.Kind != purchase.RuleNone {
				tg.Rule.Fen = yuan("f_"+t.Code, t.Name+"的扣减金额", true)
				tg.Rule.CapFen = yuan("c_"+t.Code, t.Name+"的扣减上限", false)
			}
			in.Targets = append(in.Targets, tg)
		}
	}
	var err error
	if len(errs) > 0 {
		err = &access.ValidationError{Fields: errs}
	} else {
		var c contracting.Contract
		if c, err = pg.Services.Contracts.Create(ctx, auth.From(ctx), in); err == nil {
			pg.flash(r, "合同已登记。")
			http.Redirect(w, r, fmt.Sprintf("/subsidies/contracts/%d", c.ID), http.StatusSeeOther)
			return
		}
	}
	status, _ := access.StatusOf(err)
	if status != http.StatusUnprocessableEntity && status != http.StatusConflict {
		pg.failErr(w, r, err)
		return
	}
	fields := access.Fields(err)
	if fields == nil {
		_, msg := access.StatusOf(err)
		fields = map[string]string{"number": msg}
	}
	pg.contractForm(w, r, status, f, fields)
}

type contractData struct {
	contracting.View
	Yuan func(int64) string
}

// Contract shows a contract: its targets and quarters with their
// assessments, or its monthly statements.
func (pg *Pages) Contract(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	v, err := pg.Services.Contracts.Get(ctx, auth.From(ctx), id)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "contract", v.Title, contractData{View: v, Yuan: purchase.Yuan})
}

// ContractStatus moves a contract to active or ended.
func (pg *Pages) ContractStatus(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	c, err := pg.Services.Contracts.SetStatus(ctx, auth.From(ctx), id, r.FormValue("status"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "合同状态已改为“"+contracting.StatusLabel(c.Status)+"”。")
	http.Redirect(w, r, fmt.Sprintf("/subsidies/contracts/%d", id), http.StatusSeeOther)
}

// AssessContract computes a quarter's assessment.
func (pg *Pages) AssessContract(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	v, err := pg.Services.Contracts.Assess(ctx, auth.From(ctx), id, r.FormValue("quarter"), r.FormValue("reason"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, fmt.Sprintf("%s考核已计算（第 %d 版）。", v.Result.QuarterLabel, v.Record.Revision))
	http.Redirect(w, r, fmt.Sprintf("/subsidies/contracts/%d/assessments/%s", id, v.Result.Quarter), http.StatusSeeOther)
}

type assessmentData struct {
	contracting.AssessmentView
	Yuan     func(int64) string
	RuleName func(string) string
	RevQuery string
}

func (pg *Pages) quarterAssessment(w http.ResponseWriter, r *http.Request) (contracting.AssessmentView, bool) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	rev, _ := strconv.Atoi(r.URL.Query().Get("rev"))
	v, err := pg.Services.Contracts.QuarterAssessment(ctx, auth.From(ctx), id, r.PathValue("q"), rev)
	if err != nil {
		pg.failErr(w, r, err)
		return v, false
	}
	return v, true
}

// ContractAssessment shows a quarter's assessment (the latest revision, or ?rev=N).
func (pg *Pages) ContractAssessment(w http.ResponseWriter, r *http.Request) {
	v, ok := pg.quarterAssessment(w, r)
	if !ok {
		return
	}
	d := assessmentData{AssessmentView: v, Yuan: purchase.Yuan, RuleName: purchase.RuleLabel, RevQuery: "?rev=" + strconv.Itoa(v.Record.Revision)}
	pg.render(w, r, http.StatusOK, "contract_assessment", v.Result.QuarterLabel+"考核", d)
}

// ConfirmContractAssessment freezes the revision named in the form.
func (pg *Pages) ConfirmContractAssessment(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	v, err := pg.Services.Contracts.Confirm(ctx, auth.From(ctx), id, formID(r, "assessment"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, fmt.Sprintf("%s考核（第 %d 版）已确认。", v.Result.QuarterLabel, v.Record.Revision))
	http.Redirect(w, r, fmt.Sprintf("/subsidies/contracts/%d/assessments/%s", id, v.Result.Quarter), http.StatusSeeOther)
}

// sendContractFile answers a download or an inline document.
func sendContractFile(w http.ResponseWriter, contentType, disposition, name string, b []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", disposition+"; filename*=UTF-8''"+url.PathEscape(name))
	w.Write(b)
}

// ContractAssessmentXLSX exports the revision shown.
func (pg *Pages) ContractAssessmentXLSX(w http.ResponseWriter, r *http.Request) {
	v, ok := pg.quarterAssessment(w, r)
	if !ok {
		return
	}
	b, err := contracting.AssessmentXLSX(v)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	sendContractFile(w, xlsxType, "attachment", fmt.Sprintf("季度考核-%s-%s-第%d版.xlsx", v.Contract.Number, v.Result.Quarter, v.Record.Revision), b)
}

// ContractAssessmentPDF prints the revision shown.
func (pg *Pages) ContractAssessmentPDF(w http.ResponseWriter, r *http.Request) {
	v, ok := pg.quarterAssessment(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := contracting.AssessmentPDF(&buf, v); err != nil {
		pg.serverError(w, r, err)
		return
	}
	sendContractFile(w, "application/pdf", "inline", fmt.Sprintf("季度考核-%s-%s-第%d版.pdf", v.Contract.Number, v.Result.Quarter, v.Record.Revision), buf.Bytes())
}

type statementData struct {
	contracting.StatementView
	Yuan func(int64) string
}

func (pg *Pages) statement(w http.ResponseWriter, r *http.Request) (contracting.StatementView, bool) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	v, err := pg.Services.Contracts.Statement(ctx, auth.From(ctx), id, r.PathValue("month"))
	if err != nil {
		pg.failErr(w, r, err)
		return v, false
	}
	return v, true
}

// ContractStatement shows an enterprise contract's monthly statement.
func (pg *Pages) ContractStatement(w http.ResponseWriter, r *http.Request) {
	v, ok := pg.statement(w, r)
	if !ok {
		return
	}
	pg.render(w, r, http.StatusOK, "contract_statement", v.Statement.Month+" 对账单", statementData{StatementView: v, Yuan: purchase.Yuan})
}

// ContractStatementXLSX exports a monthly statement.
func (pg *Pages) ContractStatementXLSX(w http.ResponseWriter, r *http.Request) {
	v, ok := pg.statement(w, r)
	if !ok {
		return
	}
	b, err := contracting.StatementXLSX(v)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	sendContractFile(w, xlsxType, "attachment", fmt.Sprintf("对账单-%s-%s.xlsx", v.Contract.Number, v.Statement.Month), b)
}

// ContractStatementPDF prints a monthly statement.
func (pg *Pages) ContractStatementPDF(w http.ResponseWriter, r *http.Request) {
	v, ok := pg.statement(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := contracting.StatementPDF(&buf, v); err != nil {
		pg.serverError(w, r, err)
		return
	}
	sendContractFile(w, "application/pdf", "inline", fmt.Sprintf("对账单-%s-%s.pdf", v.Contract.Number, v.Statement.Month), buf.Bytes())
}
