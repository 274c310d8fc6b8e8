package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/alerting"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/warning"
)

type levelCount struct {
	Level warning.Level
	Count int
}

type warningsData struct {
	Unit, Status, Level, Case string
	Counts                    []levelCount
	paged[alerting.Warning]
	Notices      []alerting.Notice
	Supervisions []alerting.Supervision
	Levels       []warning.Level
	CanSupervise bool
	Today        string
}

// Warnings lists the warnings in the reader's scope with counts by level,
// their own notices (我的提醒) and the 催办/督办 they asked or must answer.
func (pg *Pages) Warnings(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	v := r.URL.Query()
	q, msg := alerting.ParseListQuery(v, alerting.StatusOpen)
	if msg != "" {
		pg.Fail(w, r, http.StatusBadRequest, msg)
		return
	}
	d := warningsData{Unit: q.Unit, Status: q.Status, Level: q.Level, Case: strings.TrimSpace(v.Get("case")),
		Levels: warning.Levels, CanSupervise: p.Can(domain.PermWarningSupervise), Today: pg.now().In(calendar.Shanghai()).Format("2006-01-02")}
	if d.Status == "" {
		d.Status = "all"
	}
	page, err := pg.Services.Warnings.List(ctx, p, q)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	// The pager's links keep the filters the form set.
	keep := url.Values{}
	for k, val := range map[string]string{"unit": d.Unit, "status": d.Status, "level": d.Level, "case": d.Case} {
		if val != "" && !(k == "status" && val == alerting.StatusOpen) {
			keep.Set(k, val)
		}
	}
	d.paged = pagedLinks("/warnings", keep, q.Paging, page)
	counts, err := pg.Services.Warnings.OpenCounts(ctx, p, d.Unit)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	for _, l := range warning.Levels {
		d.Counts = append(d.Counts, levelCount{Level: l, Count: counts[l]})
	}
	if d.Notices, err = pg.Services.Warnings.Notices(ctx, p, 20); err != nil {
		pg.failErr(w, r, err)
		return
	}
	if d.Supervisions, err = pg.Services.Warnings.Supervisions(ctx, p, false); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "warnings", "预警", d)
}

// WarningDetail shows one warning with its escalation steps and notices.
func (pg *Pages) WarningDetail(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		pg.failErr(w, r, access.NotFound("找不到该预警"))
		return
	}
	d, err := pg.Services.Warnings.Get(ctx, auth.From(ctx), id)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "warning", d.LevelLabel+"："+d.RuleName, struct {
		alerting.Detail
		Today string
	}{d, pg.now().In(calendar.Shanghai()).Format("2006-01-02")})
}

func (pg *Pages) warningID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		pg.failErr(w, r, access.NotFound("找不到该预警"))
		return 0, false
	}
	return id, true
}

// AcknowledgeWarning signs for a warning (签收).
func (pg *Pages) AcknowledgeWarning(w http.ResponseWriter, r *http.Request) {
	id, ok := pg.warningID(w, r)
	if !ok {
		return
	}
	if err := pg.Services.Warnings.Acknowledge(r.Context(), auth.From(r.Context()), id, r.PostFormValue("note")); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已签收该预警，升级提醒停止。")
	http.Redirect(w, r, fmt.Sprintf("/warnings/%d", id), http.StatusSeeOther)
}

// ResolveWarning closes a warning with a note.
func (pg *Pages) ResolveWarning(w http.ResponseWriter, r *http.Request) {
	id, ok := pg.warningID(w, r)
	if !ok {
		return
	}
	if err := pg.Services.Warnings.Resolve(r.Context(), auth.From(r.Context()), id, r.PostFormValue("note")); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已解除该预警。")
	http.Redirect(w, r, fmt.Sprintf("/warnings/%d", id), http.StatusSeeOther)
}

// SuperviseCase records a 催办 or 督办, on a case or from a warning.
func (pg *Pages) SuperviseCase(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	in := alerting.SuperviseInput{Kind: r.PostFormValue("kind"), Request: r.PostFormValue("request"), Due: r.PostFormValue("due")}
	in.WarningID, _ = strconv.ParseInt(r.PostFormValue("warning"), 10, 64)
	if in.WarningID == 0 {
		id, err := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("case")), 10, 64)
		if err != nil || id <= 0 {
			pg.failErr(w, r, &access.ValidationError{Fields: []*domain.FieldError{{Field: "case", Message: "请填写案件编号"}}})
			return
		}
		in.CaseID = id
	}
	sp, err := pg.Services.Warnings.Supervise(ctx, auth.From(ctx), in)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, fmt.Sprintf("已%s案件 %s，已通知承办调解员书面回复。", alerting.KindLabel(sp.Kind), sp.CaseNumber))
	if in.WarningID != 0 {
		http.Redirect(w, r, fmt.Sprintf("/warnings/%d", in.WarningID), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/warnings", http.StatusSeeOther)
}

// ReplySupervision records the mediator's written reply.
func (pg *Pages) ReplySupervision(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		pg.failErr(w, r, access.NotFound("找不到该催办/督办"))
		return
	}
	if err := pg.Services.Warnings.Reply(ctx, auth.From(ctx), id, r.PostFormValue("reply")); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已提交书面回复，已记入案件记录。")
	http.Redirect(w, r, "/warnings", http.StatusSeeOther)
}

// ReadNotice marks one of my notices read and opens what it is about.
func (pg *Pages) ReadNotice(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		pg.failErr(w, r, access.NotFound("找不到该提醒"))
		return
	}
	if err := pg.Services.Warnings.MarkRead(ctx, auth.From(ctx), id); err != nil {
		pg.failErr(w, r, err)
		return
	}
	to := "/warnings"
	if wid, _ := strconv.ParseInt(r.PostFormValue("warning"), 10, 64); wid > 0 {
		to = fmt.Sprintf("/warnings/%d", wid)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

type ruleRow struct {
	warning.Rule
	Keys []string
}

type rulesData struct {
	Rules    []ruleRow
	RuleSet  warning.RuleSet
	Versions []alerting.RuleVersion
	Ladders  []ladderRow
	Levels   []warning.Level
	CanEdit  bool
	DayStart string
	DayEnd   string
}

type ladderRow struct {
	Level warning.Level
	Steps []warning.Step
}

// WarningRules shows the rules in force, their ladders and versions; the
// committee edits them here.
func (pg *Pages) WarningRules(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	rs, vs, err := pg.Services.Warnings.Rules(ctx, p)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	d := rulesData{RuleSet: rs, Versions: vs, Levels: warning.Levels, CanEdit: p.Can(domain.PermWarningRules),
		DayStart: fmt.Sprintf("%02d:%02d", rs.DayStart/60, rs.DayStart%60), DayEnd: fmt.Sprintf("%02d:%02d", rs.DayEnd/60, rs.DayEnd%60)}
	for _, x := range rs.Rules {
		row := ruleRow{Rule: x}
		for _, k := range []string{warning.TDays, warning.TWindowDays, warning.TCount, warning.TGrowthPct, warning.TSatisfaction, warning.TGraceDays} {
			if _, ok := x.Thresholds[k]; ok {
				row.Keys = append(row.Keys, k)
			}
		}
		d.Rules = append(d.Rules, row)
	}
	for _, l := range warning.Levels {
		d.Ladders = append(d.Ladders, ladderRow{Level: l, Steps: rs.Ladder(l)})
	}
	pg.render(w, r, http.StatusOK, "warning_rules", "预警规则", d)
}

// SaveWarningRules stores the committee's edit as a new version.
func (pg *Pages) SaveWarningRules(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	rs, _, err := pg.Services.Warnings.Rules(ctx, p)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	var errs []*domain.FieldError
	hm := func(field, s string) int {
		var h, m int
		if _, err := fmt.Sscanf(strings.TrimSpace(s), "%d:%d", &h, &m); err != nil || h < 0 || h > 24 || m < 0 || m > 59 {
			errs = append(errs, &domain.FieldError{Field: field, Message: fmt.Sprintf("时间“%s”格式应为 HH:MM", s)})
		}
		return h*60 + m
	}
	rs.DayStart, rs.DayEnd = hm("day_start", r.PostFormValue("day_start")), hm("day_end", r.PostFormValue("day_end"))
	for i := range rs.Rules {
		x := &rs.Rules[i]
		x.Enabled = r.PostFormValue("enabled_"+x.Code) == "on"
		x.Level = warning.Level(r.PostFormValue("level_" + x.Code))
		th := map[string]int{}
		for k := range x.Thresholds {
			s := strings.TrimSpace(r.PostFormValue("t_" + x.Code + "_" + k))
			n, err := strconv.Atoi(s)
			if err != nil {
				errs = append(errs, &domain.FieldError{Field: "t_" + x.Code + "_" + k, Message: fmt.Sprintf("“%s”的%s应为整数", x.Name, warning.ThresholdLabel(k))})
			}
			th[k] = n
		}
		x.Thresholds = th
		if x.Code == warning.RulePrepaidClosure {
			var kws []string
			for _, k := range strings.FieldsFunc(r.PostFormValue("keywords_"+x.Code), func(c rune) bool { return c == '、' || c == ',' || c == '，' || c == ' ' }) {
				kws = append(kws, k)
			}
			x.Keywords = kws
		}
	}
	if len(errs) > 0 {
		pg.failErr(w, r, &access.ValidationError{Fields: errs})
		return
	}
	v, err := pg.Services.Warnings.SaveRules(ctx, p, rs, r.PostFormValue("note"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, fmt.Sprintf("已保存为第 %d 版预警规则，下次巡检起生效。", v))
	http.Redirect(w, r, "/warnings/rules", http.StatusSeeOther)
}

// warningsFilterURL keeps the filters when switching one of them.
func warningsFilterURL(unit, status, level string) string {
	v := url.Values{}
	for k, s := range map[string]string{"unit": unit, "status": status, "level": level} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return "/warnings?" + v.Encode()
}

// The warning pages' template helpers, added here rather than in web.go's
// table so each area keeps its own; init runs before any page is parsed.
func init() {
	funcs["thresholdLabel"] = warning.ThresholdLabel
	funcs["supervisionLabel"] = alerting.KindLabel
	funcs["warningsURL"] = warningsFilterURL
	funcs["workHours"] = func(min int) string {
		if min == 0 {
			return "立即"
		}
		if min%60 == 0 {
			return fmt.Sprintf("%d 个工作小时后", min/60)
		}
		return fmt.Sprintf("%.1f 个工作小时后", float64(min)/60)
	}
	funcs["warningEvent"] = func(kind string) string {
		return map[string]string{"raised": "产生预警", "step": "升级通知", "acknowledged": "签收", "resolved": "解除", "urged": "催办/督办"}[kind]
	}
}
