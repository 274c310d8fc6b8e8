package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/settlement"
	"github.com/tiaojie/tiaojie/internal/subsidy"
)

// The 个案补贴 pages: the committee's batches, one batch with its lines,
// failures and trail, the scheme, the difficulty queue and 我的补贴.

type subsidiesData struct {
	Batches    []settlement.Batch
	Committees []settlement.Unit
	Scheme     settlement.SchemeView
	CanDraft   bool
	Period     string
}

// Subsidies lists the batches in scope with the form to generate one; a
// mediator is sent to their own lines.
func (pg *Pages) Subsidies(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	if !settlement.CanSeeBatches(p) {
		http.Redirect(w, r, "/subsidies/mine", http.StatusSeeOther)
		return
	}
	bs, err := pg.Services.Subsidies.List(ctx, p)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	d := subsidiesData{Batches: bs, CanDraft: p.Can(domain.PermSubsidyDraft)}
	if d.Committees, err = pg.Services.Subsidies.Committees(ctx, p); err != nil {
		pg.failErr(w, r, err)
		return
	}
	code := ""
	if len(d.Committees) > 0 {
		code = d.Committees[0].Code
	}
	// A room lead reads no committee's batches but confirms difficulties under one.
	if d.Scheme, err = pg.Services.Subsidies.Scheme(ctx, p, code); err != nil {
		if st, _ := access.StatusOf(err); len(d.Committees) > 0 || st != http.StatusNotFound {
			pg.failErr(w, r, err)
			return
		}
	}
	d.Period = d.Scheme.Latest
	pg.render(w, r, http.StatusOK, "subsidies", "个案补贴", d)
}

// SubsidyTrails lists the batches for the security auditor, who sees only their trails.
func (pg *Pages) SubsidyTrails(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	bs, err := pg.Services.Subsidies.List(ctx, auth.From(ctx))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "subsidies", "个案补贴审核记录", subsidiesData{Batches: bs})
}

// GenerateSubsidyBatch creates (or opens) a committee's batch of a month.
func (pg *Pages) GenerateSubsidyBatch(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	b, created, err := pg.Services.Subsidies.Generate(ctx, auth.From(ctx), r.PostFormValue("unit"), r.PostFormValue("period"), r.PostFormValue("adjust") == "1")
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	if created {
		pg.flash(r, "批次已生成："+strconv.Itoa(len(b.Included()))+" 件计发，"+strconv.Itoa(len(b.Failures))+" 件不符合条件（见下方原因）。")
	} else {
		pg.flash(r, "该月批次已存在，已为您打开。")
	}
	http.Redirect(w, r, batchURL(b.ID), http.StatusSeeOther)
}

func batchURL(id int64) string { return "/subsidies/batches/" + strconv.FormatInt(id, 10) }

type batchData struct {
	settlement.Batch
	GateLabel func(string) string
	DiffLabel func(string) string
	Today     string
}

// SubsidyBatch shows one batch: totals, lines, failures and the trail.
func (pg *Pages) SubsidyBatch(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	b, err := pg.Services.Subsidies.Get(ctx, auth.From(ctx), mustID(r.PathValue("id")))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "subsidy_batch", b.Title(), batchData{Batch: b, GateLabel: subsidy.GateLabel,
		DiffLabel: func(d string) string { return subsidy.Difficulty(d).Label() }, Today: pg.now().Format("2006-01-02")})
}

// SubsidyTrail shows a batch's trail (the auditor's view of it).
func (pg *Pages) SubsidyTrail(w http.ResponseWriter, r *http.Request) {
	pg.SubsidyBatch(w, r)
}

// subsidyStep runs a batch action and returns to the batch.
func (pg *Pages) subsidyStep(w http.ResponseWriter, r *http.Request, done string, run func(p *auth.Principal, id int64) (settlement.Batch, error)) {
	id := mustID(r.PathValue("id"))
	if _, err := run(auth.From(r.Context()), id); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, done)
	http.Redirect(w, r, batchURL(id), http.StatusSeeOther)
}

// RefreshSubsidyBatch recomputes a draft or returned batch.
func (pg *Pages) RefreshSubsidyBatch(w http.ResponseWriter, r *http.Request) {
	pg.subsidyStep(w, r, "已按最新案件情况重新核算。", func(p *auth.Principal, id int64) (settlement.Batch, error) {
		return pg.Services.Subsidies.Refresh(r.Context(), p, id)
	})
}

// ExcludeSubsidyLine takes a line off (or puts it back with include=1).
func (pg *Pages) ExcludeSubsidyLine(w http.ResponseWriter, r *http.Request) {
	include := r.PostFormValue("include") == "1"
	msg := "已剔除该案件。"
	if include {
		msg = "已恢复计发该案件。"
	}
	pg.subsidyStep(w, r, msg, func(p *auth.Principal, id int64) (settlement.Batch, error) {
		return pg.Services.Subsidies.Exclude(r.Context(), p, id, mustID(r.PostFormValue("case_id")), r.PostFormValue("reason"), include)
	})
}

// SubmitSubsidyBatch sends the batch for approval.
func (pg *Pages) SubmitSubsidyBatch(w http.ResponseWriter, r *http.Request) {
	pg.subsidyStep(w, r, "已提交司法行政部门审核。", func(p *auth.Principal, id int64) (settlement.Batch, error) {
		return pg.Services.Subsidies.Submit(r.Context(), p, id)
	})
}

// ApproveSubsidyBatch approves a submitted batch.
func (pg *Pages) ApproveSubsidyBatch(w http.ResponseWriter, r *http.Request) {
	pg.subsidyStep(w, r, "审核通过，批次已冻结。", func(p *auth.Principal, id int64) (settlement.Batch, error) {
		return pg.Services.Subsidies.Approve(r.Context(), p, id, r.PostFormValue("note"))
	})
}

// ReturnSubsidyBatch returns a batch; line_<case id> fields carry reasons on lines.
func (pg *Pages) ReturnSubsidyBatch(w http.ResponseWriter, r *http.Request) {
	lines := map[int64]string{}
	for k, vs := range r.PostForm {
		if id, ok := strings.CutPrefix(k, "line_"); ok && len(vs) > 0 && strings.TrimSpace(vs[0]) != "" {
			lines[mustID(id)] = vs[0]
		}
	}
	pg.subsidyStep(w, r, "已退回调委会。", func(p *auth.Principal, id int64) (settlement.Batch, error) {
		return pg.Services.Subsidies.Return(r.Context(), p, id, r.PostFormValue("reason"), lines)
	})
}

// PaySubsidyBatch records the payment of an approved batch.
func (pg *Pages) PaySubsidyBatch(w http.ResponseWriter, r *http.Request) {
	pg.subsidyStep(w, r, "已登记支付。", func(p *auth.Principal, id int64) (settlement.Batch, error) {
		return pg.Services.Subsidies.RecordPaid(r.Context(), p, id, r.PostFormValue("paid_on"), r.PostFormValue("note"))
	})
}

// SubsidyBatchXLSX sends the finance bureau's workbook.
func (pg *Pages) SubsidyBatchXLSX(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	b, err := pg.Services.Subsidies.Get(ctx, auth.From(ctx), mustID(r.PathValue("id")))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	f, err := b.Workbook()
	pg.sendWorkbook(w, r, f, err, "subsidy-"+b.Period+".xlsx", b.Title()+".xlsx")
}

// SubsidyBatchPDF sends the batch with its approval trail as a PDF.
func (pg *Pages) SubsidyBatchPDF(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	b, err := pg.Services.Subsidies.Get(ctx, auth.From(ctx), mustID(r.PathValue("id")))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := b.WritePDF(&buf); err != nil {
		pg.serverError(w, r, err)
		return
	}
	sendFile(w, "application/pdf", "subsidy-"+b.Period+".pdf", b.Title()+".pdf", buf.Bytes())
}

type schemeData struct {
	settlement.SchemeView
	Difficulties []subsidy.Difficulty
	Forms        []string
	Grades       []string
	FormLabel    func(string) string
	GradeLabel   func(string) string
	Pct          func(int) string
}

func newSchemeData(v settlement.SchemeView) schemeData {
	return schemeData{SchemeView: v, Difficulties: subsidy.Difficulties, Forms: []string{subsidy.FormWritten, subsidy.FormOral},
		Grades: subsidy.Grades, FormLabel: subsidy.FormLabel, GradeLabel: subsidy.GradeLabel, Pct: subsidy.PercentText}
}

// SubsidyScheme shows the scheme in force, its versions and (for the
// justice bureau) the form for a new version.
func (pg *Pages) SubsidyScheme(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, err := pg.Services.Subsidies.Scheme(ctx, auth.From(ctx), r.URL.Query().Get("unit"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "subsidy_scheme", "补贴方案", newSchemeData(v))
}

// SaveSubsidyScheme adds a version from the form: amounts in yuan (two
// decimals at most), multipliers in percent.
func (pg *Pages) SaveSubsidyScheme(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc, err := schemeFromForm(r)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	if _, err := pg.Services.Subsidies.SaveScheme(ctx, auth.From(ctx), r.PostFormValue("unit"), sc); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "补贴方案新版本已保存，自 "+sc.EffectiveFrom+" 起结案的案件适用。")
	http.Redirect(w, r, "/subsidies/scheme?unit="+r.PostFormValue("unit"), http.StatusSeeOther)
}

// schemeFromForm reads a scheme; a malformed amount is refused by field.
func schemeFromForm(r *http.Request) (subsidy.Scheme, error) {
	var fields []*domain.FieldError
	fen := func(name, label string) int64 {
		s := strings.TrimSpace(r.PostFormValue(name))
		if s == "" {
			return 0
		}
		v, err := domain.ParseYuan(s)
		if err != nil {
			fields = append(fields, &domain.FieldError{Field: name, Message: label + "须为金额（元），最多两位小数"})
		}
		return v
	}
	num := func(name, label string) int {
		s := strings.TrimSpace(r.PostFormValue(name))
		if s == "" {
			return 0
		}
		v, err := strconv.Atoi(s)
		if err != nil {
			fields = append(fields, &domain.FieldError{Field: name, Message: label + "须为整数"})
		}
		return v
	}
	sc := subsidy.Scheme{Version: r.PostFormValue("version"), EffectiveFrom: r.PostFormValue("effective_from"), Note: strings.TrimSpace(r.PostFormValue("note")),
		CutoffDay: num("cutoff_day", "截止日"), JudicialFen: fen("judicial", "司法确认加发"),
		MediatorMonthCapFen: fen("month_cap", "每人每月上限"), YearBudgetFen: fen("year_budget", "年度预算"),
		Group: subsidy.GroupRule{Mode: r.PostFormValue("group_mode"), GroupFen: fen("group_amount", "群体纠纷按组金额"), CapFen: fen("group_cap", "群体纠纷封顶")},
		Difficulty: subsidy.DifficultyRule{ComplexFromFen: fen("complex_fen", "疑难复杂金额下限"), ComplexFromParties: num("complex_parties", "疑难复杂当事人数"),
			ComplexFromSessions: num("complex_sessions", "疑难复杂调解次数"), SimpleUpToFen: fen("simple_fen", "简易金额上限"),
			SimpleUpToSessions: num("simple_sessions", "简易调解次数")}}
	for _, d := range subsidy.Difficulties {
		for _, form := range []string{subsidy.FormWritten, subsidy.FormOral} {
			for _, perf := range []bool{true, false} {
				key := "rate_" + form + "_" + string(d) + "_" + map[bool]string{true: "p", false: "u"}[perf]
				sc.Agreed = append(sc.Agreed, subsidy.Rate{Form: form, Difficulty: d, Performed: perf,
					Fen: fen(key, subsidy.FormLabel(form)+d.Label()+"金额")})
			}
		}
		sc.Terminated = append(sc.Terminated, subsidy.TerminatedRate{Difficulty: d, Fen: fen("term_"+string(d), "终止案件"+d.Label()+"金额")})
	}
	for _, g := range subsidy.Grades {
		sc.Grades = append(sc.Grades, subsidy.GradeRate{Grade: g, Percent: num("grade_"+g, subsidy.GradeLabel(g)+"系数")})
	}
	if len(fields) > 0 {
		return sc, &access.ValidationError{Fields: fields}
	}
	return sc, nil
}

type difficultyData struct {
	Rows      []settlement.DifficultyRow
	Committee settlement.Unit
	Period    string
	Levels    []subsidy.Difficulty
	Label     func(subsidy.Difficulty) string
}

// SubsidyDifficulty lists the closed cases of a month for the room lead to
// confirm their difficulty.
func (pg *Pages) SubsidyDifficulty(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	period := strings.TrimSpace(r.URL.Query().Get("period"))
	if period == "" {
		v, err := pg.Services.Subsidies.Scheme(ctx, p, r.URL.Query().Get("unit"))
		if err != nil {
			pg.failErr(w, r, err)
			return
		}
		period = v.Latest
	}
	rows, c, err := pg.Services.Subsidies.DifficultyQueue(ctx, p, r.URL.Query().Get("unit"), period)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "subsidy_difficulty", "难易程度确认", difficultyData{Rows: rows, Committee: c, Period: period,
		Levels: subsidy.Difficulties, Label: subsidy.Difficulty.Label})
}

// ConfirmDifficulty records the confirmed difficulty of one case.
func (pg *Pages) ConfirmDifficulty(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	err := pg.Services.Subsidies.ConfirmDifficulty(ctx, auth.From(ctx), mustID(r.PostFormValue("case_id")), r.PostFormValue("level"), r.PostFormValue("note"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "难易程度已确认。")
	if r.PostFormValue("back") == "case" {
		http.Redirect(w, r, "/cases/"+r.PostFormValue("case_id"), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/subsidies/difficulty?period="+url.QueryEscape(r.PostFormValue("period"))+"&unit="+url.QueryEscape(r.PostFormValue("unit")), http.StatusSeeOther)
}

type mineData struct {
	Period   string
	Lines    []settlement.Line
	More     bool
	TotalFen int64
}

// MySubsidies shows a mediator's own lines (我的补贴): the newest, or one
// month's, and the total of every month approved or paid.
func (pg *Pages) MySubsidies(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	mine, err := pg.Services.Subsidies.Mine(ctx, auth.From(ctx), r.URL.Query().Get("period"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	d := mineData{Period: mine.Period, More: mine.More, TotalFen: mine.TotalFen}
	for _, l := range mine.Lines {
		if !l.Excluded {
			d.Lines = append(d.Lines, l)
		}
	}
	pg.render(w, r, http.StatusOK, "subsidy_mine", "我的补贴", d)
}
