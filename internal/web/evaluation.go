package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/scorecard"
)

// evalQuery is what an evaluation page was asked for: a unit, a level and a
// period (a month, or from/to days).
type evalQuery struct {
	Unit, Level     string
	Month, From, To string
	Sort, Dir       string
}

// values is the query string of q (only what is set).
func (q evalQuery) values() url.Values {
	v := url.Values{}
	for k, x := range map[string]string{"unit": q.Unit, "level": q.Level, "from": q.From, "to": q.To} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v
}

// link is path with q's unit, level and period, plus extra pairs.
func (q evalQuery) link(path string, extra ...string) string {
	v := q.values()
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == "" {
			v.Del(extra[i])
		} else {
			v.Set(extra[i], extra[i+1])
		}
	}
	return path + "?" + v.Encode()
}

var monthRe = func(s string) (calendar.Date, bool) {
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Format("2006-01") != s {
		return calendar.Date{}, false
	}
	return calendar.Date{Year: t.Year(), Month: t.Month(), Day: 1}, true
}

// monthSpan is the first and last day of the month starting at first.
func monthSpan(first calendar.Date) (calendar.Date, calendar.Date) {
	next := first.AddDays(40)
	return first, calendar.Date{Year: next.Year, Month: next.Month, Day: 1}.AddDays(-1)
}

// lastFullMonth is the month before today's.
func lastFullMonth(today calendar.Date) calendar.Date {
	first := calendar.Date{Year: today.Year, Month: today.Month, Day: 1}.AddDays(-1)
	return calendar.Date{Year: first.Year, Month: first.Month, Day: 1}
}

// evalUnits are the org units whose figures the user may open: the
// mediation units under a binding that grants evaluation.
func (pg *Pages) evalUnits(r *http.Request, p *auth.Principal) ([]scorecard.Unit, error) {
	all, err := pg.Auth.OrgUnits(r.Context(), p)
	if err != nil {
		return nil, err
	}
	var out []scorecard.Unit
	for _, u := range all {
		switch u.Kind {
		case domain.OrgCity, domain.OrgDistrict, domain.OrgCommittee, domain.OrgOfficeRoom, domain.OrgEnterpriseRoom:
			if p.Reaches(domain.PermEvalRead, u.Path) {
				out = append(out, u)
			}
		}
	}
	return out, nil
}

// defaultUnit is the unit of the user's own binding: their committee or
// room (a committee first), else the first unit they may open.
func defaultUnit(p *auth.Principal, units []scorecard.Unit) string {
	best := ""
	for _, b := range p.Bindings {
		if !domain.RoleHas(b.Role, domain.PermEvalRead) {
			continue
		}
		for _, u := range units {
			if u.ID == b.OrgID {
				if u.Kind == domain.OrgCommittee {
					return u.Code
				}
				if best == "" {
					best = u.Code
				}
			}
		}
	}
	if best == "" && len(units) > 0 {
		best = units[0].Code
	}
	return best
}

// selfOnly reports whether the user sees only their own figures: every
// binding that grants evaluation is a mediator's.
func selfOnly(p *auth.Principal) bool {
	for _, b := range p.Bindings {
		if domain.RoleHas(b.Role, domain.PermEvalRead) && b.Role != domain.RoleMediator {
			return false
		}
	}
	return true
}

// badQuery answers 400 with a Chinese message.
func (pg *Pages) badQuery(w http.ResponseWriter, r *http.Request, msg string) {
	pg.Fail(w, r, http.StatusBadRequest, msg)
}

// evalFail shows a service refusal: a bad query value is a 400 here (the
// page was asked for something malformed), the rest as usual.
func (pg *Pages) evalFail(w http.ResponseWriter, r *http.Request, err error) {
	var ve *access.ValidationError
	if errors.As(err, &ve) {
		pg.badQuery(w, r, ve.Error())
		return
	}
	pg.failErr(w, r, err)
}

// readEvalQuery loads the units the user may open and reads unit, level and
// period, filling the defaults; it answers itself (500, or 400 on a
// malformed month) when it returns false.
func (pg *Pages) readEvalQuery(w http.ResponseWriter, r *http.Request) (evalQuery, []scorecard.Unit, bool) {
	p := auth.From(r.Context())
	units, err := pg.evalUnits(r, p)
	if err != nil {
		pg.serverError(w, r, err)
		return evalQuery{}, nil, false
	}
	v := r.URL.Query()
	q := evalQuery{Unit: strings.TrimSpace(v.Get("unit")), Level: strings.TrimSpace(v.Get("level")),
		Month: strings.TrimSpace(v.Get("month")), From: strings.TrimSpace(v.Get("from")), To: strings.TrimSpace(v.Get("to")),
		Sort: v.Get("sort"), Dir: v.Get("dir")}
	if q.Unit == "" {
		q.Unit = defaultUnit(p, units)
	}
	// Picking a room in the page's own form while on the committees' tab
	// takes the room's default level (a room has no committee level); a
	// hand-made URL asking for it is still refused.
	if v.Get("picked") != "" && q.Level == scorecard.LevelCommittee && slices.ContainsFunc(units, func(u scorecard.Unit) bool {
		return u.Code == q.Unit && (u.Kind == domain.OrgOfficeRoom || u.Kind == domain.OrgEnterpriseRoom)
	}) {
		q.Level = ""
	}
	if q.From == "" && q.To == "" {
		first := lastFullMonth(calendar.DateOf(pg.now()))
		if q.Month != "" {
			var ok bool
			if first, ok = monthRe(q.Month); !ok {
				pg.badQuery(w, r, fmt.Sprintf("月份“%s”无效，格式为 YYYY-MM", q.Month))
				return q, units, false
			}
		}
		from, to := monthSpan(first)
		q.From, q.To = from.String(), to.String()
	}
	if q.Month == "" {
		if d, err := calendar.ParseDate(q.From); err == nil {
			q.Month = fmt.Sprintf("%04d-%02d", d.Year, int(d.Month))
		}
	}
	return q, units, true
}

// jsonSpec marshals a chart spec for a <script type="application/json">.
func jsonSpec(v any) template.JS {
	b, _ := json.Marshal(v)
	return template.JS(b)
}

// chartSpec is charts.js's spec (see static/js/charts.js).
type chartSpec struct {
	Kind       string        `json:"kind"`
	Title      string        `json:"title"`
	Unit       string        `json:"unit,omitempty"`
	Categories []string      `json:"categories,omitempty"`
	Indicators []chartSpoke  `json:"indicators,omitempty"`
	Series     []chartSeries `json:"series"`
}

type chartSpoke struct {
	Name string  `json:"name"`
	Max  float64 `json:"max"`
}

type chartSeries struct {
	Name  string     `json:"name"`
	Data  []*float64 `json:"data"`
	Links []*string  `json:"links"`
	Names []string   `json:"names,omitempty"`
}

func fptr(f float64) *float64 { return &f }
func sptr(s string) *string   { return &s }

// pctOf is n ÷ d in percent, 0 when d is 0.
func pctOf(n, d int64) float64 {
	if d == 0 {
		return 0
	}
	return float64(int64(float64(n)*10000/float64(d)+0.5)) / 100
}

// ----- /evaluation -----

type evalLevel struct{ Code, Label, URL string }

type sortCol struct {
	Key, Label, URL string
	On              bool
	Desc            bool
}

type evalCell struct {
	Figure           evaluation.Figure
	NumURL, DenURL   string
	Percent          string
	NotApplicableTip string
}

type evalDeduct struct {
	Line evaluation.DeductionLine
	URL  string
}

type evalRow struct {
	Row        scorecard.Row
	Cells      []evalCell
	Deductions []evalDeduct
	PageURL    string // the mediator's page
}

type trendPoint struct {
	Month                 string
	Success, OnTime       float64
	SuccessN, SuccessD    int64
	OnTimeN, OnTimeD      int64
	SuccessURL, OnTimeURL string
	HasSuccess, HasOnTime bool
}

type funnelStep struct {
	Name, Explain, URL string
	N                  int64
}

type headFigure struct {
	F   scorecard.Figure
	URL string
}

type evalPage struct {
	Q          evalQuery
	Units      []scorecard.Unit
	UnitName   string
	Levels     []evalLevel
	SelfOnly   bool
	Scores     scorecard.Scores
	Codes      []string // indicator columns
	Names      []string
	Deductions []string
	DedNames   []string
	Rows       []evalRow
	Cols       []sortCol
	Headline   []headFigure
	ByOutcome  []headFigure
	Trend      []trendPoint
	TrendSpec  template.JS
	Funnel     []funnelStep
	FunnelSpec template.JS
	ExportURL  string
	RankURL    string
	SchemeURL  string
	CanManage  bool
}

// casesURL links the cases behind a figure.
func (q evalQuery) casesURL(subject, code, part string) string {
	return q.link("/evaluation/cases", "subject", subject, "indicator", code, "part", part, "level", "")
}

func subjectKey(s evaluation.Subject) string { return s.Kind + ":" + strconv.FormatInt(s.ID, 10) }

// Evaluation is the score table, headline figures, trend and funnel of a unit.
func (pg *Pages) Evaluation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	q, units, ok := pg.readEvalQuery(w, r)
	if !ok {
		return
	}
	sc, err := pg.Scorecard.Scores(ctx, p, scorecard.Query{Unit: q.Unit, Level: q.Level, From: q.From, To: q.To})
	if err != nil {
		pg.evalFail(w, r, err)
		return
	}
	q.Level = sc.Level
	d := evalPage{Q: q, Units: units, UnitName: sc.Unit.Name, SelfOnly: selfOnly(p), Scores: sc,
		CanManage: p.Reaches(domain.PermEvalManage, sc.Unit.Path)}
	if !slices.ContainsFunc(units, func(u scorecard.Unit) bool { return u.Code == sc.Unit.Code }) {
		d.Units = append(d.Units, sc.Unit)
	}
	for _, l := range []string{scorecard.LevelMediator, scorecard.LevelRoom, scorecard.LevelCommittee} {
		if d.SelfOnly && l != scorecard.LevelMediator {
			continue
		}
		if l == scorecard.LevelCommittee && (sc.Unit.Kind == domain.OrgOfficeRoom || sc.Unit.Kind == domain.OrgEnterpriseRoom) {
			continue
		}
		d.Levels = append(d.Levels, evalLevel{Code: l, Label: scorecard.LevelLabel(l), URL: q.link("/evaluation", "level", l, "sort", "")})
	}
	for _, ind := range sc.Scheme.Indicators {
		d.Codes = append(d.Codes, ind.Code)
		d.Names = append(d.Names, evaluation.IndicatorName(ind.Code))
	}
	for _, de := range sc.Scheme.Deductions {
		d.Deductions = append(d.Deductions, de.Code)
		d.DedNames = append(d.DedNames, evaluation.DeductionName(de.Code))
	}
	d.Rows = pg.evalRows(q, sc)
	d.Cols = sortRows(q, d.Rows, d.Codes, d.Names)
	d.ExportURL = q.link("/evaluation/scores.xlsx", "sort", "")
	if !d.SelfOnly {
		d.RankURL = q.link("/evaluation/rankings", "from", "", "to", "", "period", q.Month)
	}
	if p.Can(domain.PermEvalManage) {
		d.SchemeURL = "/evaluation/scheme?unit=" + url.QueryEscape(q.Unit)
	}

	h, err := pg.Scorecard.Headline(ctx, p, q.Unit, q.From, q.To)
	if err != nil {
		pg.evalFail(w, r, err)
		return
	}
	for _, f := range h.Figures {
		hf := headFigure{F: f}
		if f.Indicator != "" {
			hf.URL = q.casesURL("", f.Indicator, f.Part)
		}
		d.Headline = append(d.Headline, hf)
	}
	for _, f := range h.ByOutcome {
		d.ByOutcome = append(d.ByOutcome, headFigure{F: f})
	}
	d.Funnel, d.FunnelSpec = funnel(q, h.Tally)
	if d.Trend, d.TrendSpec, err = pg.trend(r, p, q); err != nil {
		pg.evalFail(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "evaluation", "绩效评估", d)
}

// evalRows links every figure of the score table to its cases.
func (pg *Pages) evalRows(q evalQuery, sc scorecard.Scores) []evalRow {
	var out []evalRow
	for _, row := range sc.Rows {
		sub := subjectKey(row.Subject)
		er := evalRow{Row: row}
		if row.Subject.Kind == scorecard.LevelMediator {
			er.PageURL = q.link("/evaluation/mediator/"+strconv.FormatInt(row.Subject.ID, 10), "level", "", "sort", "")
		}
		for _, f := range row.Result.Indicators {
			c := evalCell{Figure: f, NumURL: q.casesURL(sub, f.Code, "numerator"), DenURL: q.casesURL(sub, f.Code, "denominator")}
			if f.Applicable {
				c.Percent = strconv.FormatFloat(f.Value*100, 'f', 1, 64) + "%"
			}
			er.Cells = append(er.Cells, c)
		}
		for _, dl := range row.Result.Deductions {
			er.Deductions = append(er.Deductions, evalDeduct{Line: dl, URL: q.casesURL(sub, dl.Code, "deduction")})
		}
		out = append(out, er)
	}
	return out
}

// sortRows orders the table by ?sort= (rank, name, total or an indicator
// code) and ?dir=, and returns the header links.
func sortRows(q evalQuery, rows []evalRow, codes, names []string) []sortCol {
	key := q.Sort
	if key == "" {
		key = "rank"
	}
	desc := q.Dir == "desc"
	val := func(r evalRow) float64 {
		switch key {
		case "total":
			return r.Row.Result.Total
		case "rank":
			if r.Row.Rank == 0 {
				return 1e9
			}
			return float64(r.Row.Rank)
		}
		for _, c := range r.Cells {
			if c.Figure.Code == key {
				if !c.Figure.Applicable {
					return -1
				}
				return c.Figure.Value
			}
		}
		return 0
	}
	slices.SortStableFunc(rows, func(a, b evalRow) int {
		var c int
		if key == "name" {
			c = strings.Compare(a.Row.Subject.Name, b.Row.Subject.Name)
		} else {
			va, vb := val(a), val(b)
			switch {
			case va < vb:
				c = -1
			case va > vb:
				c = 1
			}
		}
		if desc {
			c = -c
		}
		return c
	})
	cols := []sortCol{{Key: "rank", Label: "名次"}, {Key: "name", Label: "对象"}}
	for i, c := range codes {
		cols = append(cols, sortCol{Key: c, Label: names[i]})
	}
	cols = append(cols, sortCol{Key: "total", Label: "总分"})
	for i := range cols {
		c := &cols[i]
		c.On = c.Key == key
		c.Desc = c.On && desc
		dir := "asc"
		if c.On && !desc {
			dir = "desc"
		}
		if !c.On && c.Key != "rank" && c.Key != "name" {
			dir = "desc" // figures: best first on the first click
		}
		c.URL = q.link("/evaluation", "sort", c.Key, "dir", dir) + "#scores"
	}
	return cols
}

// funnel is 受理→调解→协议→履行→回访 over the cases closed in the period,
// each step the exact case list of an indicator's numerator or denominator.
func funnel(q evalQuery, t evaluation.Tally) ([]funnelStep, template.JS) {
	steps := []funnelStep{
		{Name: "受理", N: t["closed_accepted"], URL: q.casesURL("", evaluation.IndicatorOnTimeClosure, "denominator"),
			Explain: "本期办结的已受理案件（按时办结率的分母）"},
		{Name: "调解", N: t["out_agreed"] + t["out_not_agreed"], URL: q.casesURL("", evaluation.IndicatorSuccess, "denominator"),
			Explain: "其中已开始调解并有结果的（调解成功＋调解不成，调解成功率的分母）"},
		{Name: "协议", N: t["out_agreed"], URL: q.casesURL("", evaluation.IndicatorSuccess, "numerator"),
			Explain: "其中达成调解协议的（口头或书面）"},
		{Name: "履行", N: t["performed"], URL: q.casesURL("", evaluation.IndicatorPerformance, "numerator"),
			Explain: "其中协议各项已全部履行的"},
		{Name: "回访", N: t["followed"], URL: q.casesURL("", evaluation.IndicatorFollowUp, "numerator"),
			Explain: "其中已完成回访的"},
	}
	s := chartSeries{Name: "本期办结案件"}
	for _, st := range steps {
		s.Data = append(s.Data, fptr(float64(st.N)))
		s.Links = append(s.Links, sptr(st.URL))
		s.Names = append(s.Names, st.Name)
	}
	return steps, jsonSpec(chartSpec{Kind: "funnel", Title: "受理→调解→协议→履行→回访", Unit: "件", Series: []chartSeries{s}})
}

// trend is the success rate and on-time closure of the 12 months up to the
// period's month, from the headline tally of each month.
func (pg *Pages) trend(r *http.Request, p *auth.Principal, q evalQuery) ([]trendPoint, template.JS, error) {
	end, err := calendar.ParseDate(q.To)
	if err != nil {
		return nil, "", nil
	}
	today := calendar.DateOf(pg.now())
	first := calendar.Date{Year: end.Year, Month: end.Month, Day: 1}
	var months []calendar.Date
	for i := 0; i < 12; i++ {
		months = append([]calendar.Date{first}, months...)
		first = lastFullMonth(first)
	}
	var pts []trendPoint
	succ := chartSeries{Name: "调解成功率"}
	onTime := chartSeries{Name: "按时办结率"}
	var cats []string
	for _, m := range months {
		from, to := monthSpan(m)
		if from.After(today) {
			continue
		}
		h, err := pg.Scorecard.Headline(r.Context(), p, q.Unit, from.String(), to.String())
		if err != nil {
			return nil, "", err
		}
		mq := q
		mq.From, mq.To = from.String(), to.String()
		t := h.Tally
		pt := trendPoint{Month: fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)),
			SuccessN: t["out_agreed"], SuccessD: t["out_agreed"] + t["out_not_agreed"],
			OnTimeN: t["closed_on_time"], OnTimeD: t["closed_accepted"],
			SuccessURL: mq.casesURL("", evaluation.IndicatorSuccess, "denominator"),
			OnTimeURL:  mq.casesURL("", evaluation.IndicatorOnTimeClosure, "denominator")}
		pt.Success, pt.OnTime = pctOf(pt.SuccessN, pt.SuccessD), pctOf(pt.OnTimeN, pt.OnTimeD)
		pt.HasSuccess, pt.HasOnTime = pt.SuccessD > 0, pt.OnTimeD > 0
		pts = append(pts, pt)
		cats = append(cats, pt.Month)
		succ.Data, succ.Links = append(succ.Data, nilIf(!pt.HasSuccess, pt.Success)), append(succ.Links, sptr(pt.SuccessURL))
		onTime.Data, onTime.Links = append(onTime.Data, nilIf(!pt.HasOnTime, pt.OnTime)), append(onTime.Links, sptr(pt.OnTimeURL))
	}
	return pts, jsonSpec(chartSpec{Kind: "line", Title: "近12个月调解成功率与按时办结率", Unit: "%", Categories: cats,
		Series: []chartSeries{succ, onTime}}), nil
}

func nilIf(none bool, v float64) *float64 {
	if none {
		return nil
	}
	return &v
}

// ----- /evaluation/cases -----

type evalCaseRow struct {
	Case    scorecard.Case
	Outcome string
	Link    bool
}

type evalCasesPage struct {
	Q                  evalQuery
	Subject, Indicator string
	Part               string
	Label              string
	SubjectName        string
	Figure             string // the figure as the score table shows it
	FigureN            int
	HasFigure          bool
	Explain            string
	Scheme             evaluation.Scheme
	Total              int
	Rows               []evalCaseRow
	Page, Pages        int
	PrevURL, NextURL   string
	BackURL            string
	Choices            []headFigure // no figure asked: the figures to choose from
}

// EvaluationCases lists the cases behind one figure; its total equals the figure.
func (pg *Pages) EvaluationCases(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	q, _, ok := pg.readEvalQuery(w, r)
	if !ok {
		return
	}
	v := r.URL.Query()
	d := evalCasesPage{Q: q, Subject: strings.TrimSpace(v.Get("subject")), Indicator: strings.TrimSpace(v.Get("indicator")),
		Part: strings.TrimSpace(v.Get("part")), Page: 1}
	d.BackURL = q.link("/evaluation", "level", levelOfSubject(d.Subject))
	if d.Indicator == "" {
		// No figure named: offer the unit's figures of the period.
		sc, err := pg.Scorecard.Scores(ctx, p, scorecard.Query{Unit: q.Unit, From: q.From, To: q.To})
		if err != nil {
			pg.evalFail(w, r, err)
			return
		}
		for _, ind := range sc.Scheme.Indicators {
			for _, part := range []string{"numerator", "denominator"} {
				word := map[string]string{"numerator": "分子", "denominator": "分母"}[part]
				d.Choices = append(d.Choices, headFigure{F: scorecard.Figure{Name: evaluation.IndicatorName(ind.Code) + "（" + word + "）"},
					URL: q.casesURL("", ind.Code, part)})
			}
		}
		pg.render(w, r, http.StatusOK, "evaluation_cases", "绩效案件", d)
		return
	}
	if s := v.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100000 {
			pg.badQuery(w, r, fmt.Sprintf("页码“%s”无效", s))
			return
		}
		d.Page = n
	}
	res, err := pg.Scorecard.Cases(ctx, p, scorecard.CasesQuery{Query: scorecard.Query{Unit: q.Unit, From: q.From, To: q.To},
		Subject: d.Subject, Indicator: d.Indicator, Part: d.Part, Limit: pageSize, Offset: (d.Page - 1) * pageSize})
	if err != nil {
		pg.evalFail(w, r, err)
		return
	}
	d.Label, d.Total, d.Scheme = res.Label, res.Total, res.Scheme
	if def := evaluation.IndicatorDefinition(d.Indicator); def != "" {
		d.Explain = def
	}
	d.Pages = max(1, (res.Total+pageSize-1)/pageSize)
	if d.Page > 1 {
		d.PrevURL = pageLink(r.URL, d.Page-1)
	}
	if d.Page < d.Pages {
		d.NextURL = pageLink(r.URL, d.Page+1)
	}
	if err := pg.figureOf(r, p, &d); err != nil {
		pg.evalFail(w, r, err)
		return
	}
	figs, err := pg.Scorecard.Figures(ctx, res.IDs)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	// The IDs were scoped by the scorecard (what the user's figures count);
	// the case page link shows only where the user may open the case.
	for _, c := range res.Cases {
		id := c.ID
		row := evalCaseRow{Case: c, Link: p.CanOnCase(domain.PermCaseRead, c)}
		if f, ok := figs[id]; ok {
			row.Outcome = f.Outcome.Label()
		}
		d.Rows = append(d.Rows, row)
	}
	pg.render(w, r, http.StatusOK, "evaluation_cases", "绩效案件", d)
}

func levelOfSubject(s string) string {
	k, _, _ := strings.Cut(s, ":")
	return k
}

func pageLink(u *url.URL, n int) string {
	v := u.Query()
	v.Set("page", strconv.Itoa(n))
	return u.Path + "?" + v.Encode()
}

// figureOf finds the subject's name and the figure the score table shows,
// so the list's header can say which figure it is and that they agree.
func (pg *Pages) figureOf(r *http.Request, p *auth.Principal, d *evalCasesPage) error {
	level := levelOfSubject(d.Subject)
	if d.Subject == "" {
		return nil
	}
	sc, err := pg.Scorecard.Scores(r.Context(), p, scorecard.Query{Unit: d.Q.Unit, Level: level, From: d.Q.From, To: d.Q.To})
	if err != nil {
		var ae *access.Error
		if errors.As(err, &ae) {
			return nil // the list itself was allowed; the name is a nicety
		}
		return err
	}
	for _, row := range sc.Rows {
		if subjectKey(row.Subject) != d.Subject {
			continue
		}
		d.SubjectName = row.Subject.Name
		for _, f := range row.Result.Indicators {
			if f.Code == d.Indicator {
				d.HasFigure = true
				if d.Part == "numerator" {
					d.FigureN = f.Numerator
				} else {
					d.FigureN = f.Denominator
				}
				if f.Applicable {
					d.Figure = fmt.Sprintf("%.1f%%（%d/%d）", f.Value*100, f.Numerator, f.Denominator)
				} else {
					d.Figure = "不计分（分母为0）"
				}
				d.Explain = f.Explain
			}
		}
		for _, dl := range row.Result.Deductions {
			if dl.Code == d.Indicator {
				d.HasFigure, d.FigureN = true, dl.Count
				d.Figure = fmt.Sprintf("%d 件，扣 %.2f 分", dl.Count, dl.Points)
				d.Explain = dl.Explain
			}
		}
	}
	return nil
}

// ----- /evaluation/mediator/{id} and /evaluation/me -----

type radarRow struct {
	Name       string
	Mine, Room string
	MineURL    string
	HasRoom    bool
}

type mediatorPage struct {
	Q         evalQuery
	Row       evalRow
	Codes     []string
	Names     []string
	DedNames  []string
	SelfOnly  bool
	Mine      bool
	RoomName  string
	Radar     []radarRow
	RadarSpec template.JS
	Trend     []trendPoint
	TrendSpec template.JS
	Total     int // subjects ranked beside them
	Scheme    evaluation.Scheme
}

// MyEvaluation is a mediator's own page (我的绩效).
func (pg *Pages) MyEvaluation(w http.ResponseWriter, r *http.Request) {
	p := auth.From(r.Context())
	if !p.Has(domain.RoleMediator) {
		http.Redirect(w, r, "/evaluation", http.StatusSeeOther)
		return
	}
	pg.mediatorPage(w, r, p.UserID)
}

// EvaluationMediator shows one mediator's figures, rank, radar and trend.
func (pg *Pages) EvaluationMediator(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		pg.Fail(w, r, http.StatusNotFound, "调解员不存在")
		return
	}
	pg.mediatorPage(w, r, id)
}

func (pg *Pages) mediatorPage(w http.ResponseWriter, r *http.Request, id int64) {
	ctx := r.Context()
	p := auth.From(ctx)
	self := selfOnly(p)
	if self && id != p.UserID {
		pg.Fail(w, r, http.StatusForbidden, "调解员只能查看本人的绩效")
		return
	}
	q, _, ok := pg.readEvalQuery(w, r)
	if !ok {
		return
	}
	q.Level = scorecard.LevelMediator
	sc, err := pg.Scorecard.Scores(ctx, p, scorecard.Query{Unit: q.Unit, Level: q.Level, From: q.From, To: q.To})
	if err != nil {
		pg.evalFail(w, r, err)
		return
	}
	d := mediatorPage{Q: q, SelfOnly: self, Mine: id == p.UserID, Scheme: sc.Scheme}
	found := false
	for _, er := range pg.evalRows(q, sc) {
		if er.Row.Subject.ID == id {
			d.Row, found = er, true
		}
		if er.Row.Rank > 0 {
			d.Total++
		}
	}
	if !found {
		pg.Fail(w, r, http.StatusNotFound, fmt.Sprintf("%s 至 %s 在“%s”没有这名调解员的绩效数据", q.From, q.To, sc.Unit.Name))
		return
	}
	for _, ind := range sc.Scheme.Indicators {
		d.Codes = append(d.Codes, ind.Code)
		d.Names = append(d.Names, evaluation.IndicatorName(ind.Code))
	}
	for _, de := range sc.Scheme.Deductions {
		d.DedNames = append(d.DedNames, evaluation.DeductionName(de.Code))
	}
	// The room's figures beside theirs (room leads and above: a mediator sees
	// only their own figures).
	var room *scorecard.Row
	if !self {
		if room, d.RoomName, err = pg.roomOf(r, p, q, sc.Unit, id); err != nil {
			pg.evalFail(w, r, err)
			return
		}
	}
	mine := chartSeries{Name: d.Row.Row.Subject.Name}
	roomS := chartSeries{Name: d.RoomName + "（工作室整体）"}
	var spokes []chartSpoke
	for i, c := range d.Row.Cells {
		rr := radarRow{Name: c.Figure.Name, Mine: "不计分", MineURL: c.DenURL}
		spokes = append(spokes, chartSpoke{Name: c.Figure.Name, Max: 100})
		mine.Data = append(mine.Data, nilIf(!c.Figure.Applicable, c.Figure.Value*100))
		mine.Links = append(mine.Links, sptr(c.DenURL))
		if c.Figure.Applicable {
			rr.Mine = c.Percent
		}
		if room != nil && i < len(room.Result.Indicators) {
			f := room.Result.Indicators[i]
			rr.HasRoom = true
			rr.Room = "不计分"
			if f.Applicable {
				rr.Room = strconv.FormatFloat(f.Value*100, 'f', 1, 64) + "%"
			}
			roomS.Data = append(roomS.Data, nilIf(!f.Applicable, f.Value*100))
			roomS.Links = append(roomS.Links, sptr(q.casesURL(subjectKey(room.Subject), f.Code, "denominator")))
		}
		d.Radar = append(d.Radar, rr)
	}
	series := []chartSeries{mine}
	if room != nil {
		series = append(series, roomS)
	}
	d.RadarSpec = jsonSpec(chartSpec{Kind: "radar", Title: "各项指标（%）", Unit: "%", Indicators: spokes, Series: series})
	if d.Trend, d.TrendSpec, err = pg.mediatorTrend(r, p, q, id); err != nil {
		pg.evalFail(w, r, err)
		return
	}
	title := "调解员绩效"
	if d.Mine {
		title = "我的绩效"
	}
	pg.render(w, r, http.StatusOK, "evaluation_mediator", title, d)
}

// roomOf finds the room a mediator works in under the unit and its
// room-level row over the same period.
func (pg *Pages) roomOf(r *http.Request, p *auth.Principal, q evalQuery, unit scorecard.Unit, id int64) (*scorecard.Row, string, error) {
	ctx := r.Context()
	all, err := pg.Auth.OrgUnits(ctx, p)
	if err != nil {
		return nil, "", err
	}
	var roomID int64
	for _, u := range all {
		if (u.Kind != domain.OrgOfficeRoom && u.Kind != domain.OrgEnterpriseRoom) || !strings.HasPrefix(u.Path, unit.Path) {
			continue
		}
		people, err := pg.Assignment.RoomMediators(ctx, u.ID)
		if err != nil {
			return nil, "", err
		}
		if slices.ContainsFunc(people, func(x scorecard.User) bool { return x.ID == id }) {
			roomID = u.ID
			break
		}
	}
	if roomID == 0 {
		return nil, "", nil
	}
	sc, err := pg.Scorecard.Scores(ctx, p, scorecard.Query{Unit: q.Unit, Level: scorecard.LevelRoom, From: q.From, To: q.To})
	if err != nil {
		return nil, "", err
	}
	for i := range sc.Rows {
		if sc.Rows[i].Subject.ID == roomID {
			return &sc.Rows[i], sc.Rows[i].Subject.Name, nil
		}
	}
	return nil, "", nil
}

// mediatorTrend is a mediator's total and success rate month by month.
func (pg *Pages) mediatorTrend(r *http.Request, p *auth.Principal, q evalQuery, id int64) ([]trendPoint, template.JS, error) {
	end, err := calendar.ParseDate(q.To)
	if err != nil {
		return nil, "", nil
	}
	today := calendar.DateOf(pg.now())
	first := calendar.Date{Year: end.Year, Month: end.Month, Day: 1}
	var months []calendar.Date
	for i := 0; i < 12; i++ {
		months = append([]calendar.Date{first}, months...)
		first = lastFullMonth(first)
	}
	succ := chartSeries{Name: "调解成功率"}
	onTime := chartSeries{Name: "按时办结率"}
	var cats []string
	var pts []trendPoint
	sub := scorecard.LevelMediator + ":" + strconv.FormatInt(id, 10)
	for _, m := range months {
		from, to := monthSpan(m)
		if from.After(today) {
			continue
		}
		sc, err := pg.Scorecard.Scores(r.Context(), p, scorecard.Query{Unit: q.Unit, Level: scorecard.LevelMediator, From: from.String(), To: to.String()})
		if err != nil {
			return nil, "", err
		}
		mq := q
		mq.From, mq.To = from.String(), to.String()
		pt := trendPoint{Month: fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)),
			SuccessURL: mq.casesURL(sub, evaluation.IndicatorSuccess, "denominator"),
			OnTimeURL:  mq.casesURL(sub, evaluation.IndicatorOnTimeClosure, "denominator")}
		for _, row := range sc.Rows {
			if row.Subject.ID != id {
				continue
			}
			for _, f := range row.Result.Indicators {
				switch f.Code {
				case evaluation.IndicatorSuccess:
					pt.SuccessN, pt.SuccessD, pt.HasSuccess = int64(f.Numerator), int64(f.Denominator), f.Applicable
					pt.Success = pctOf(pt.SuccessN, pt.SuccessD)
				case evaluation.IndicatorOnTimeClosure:
					pt.OnTimeN, pt.OnTimeD, pt.HasOnTime = int64(f.Numerator), int64(f.Denominator), f.Applicable
					pt.OnTime = pctOf(pt.OnTimeN, pt.OnTimeD)
				}
			}
		}
		pts = append(pts, pt)
		cats = append(cats, pt.Month)
		succ.Data, succ.Links = append(succ.Data, nilIf(!pt.HasSuccess, pt.Success)), append(succ.Links, sptr(pt.SuccessURL))
		onTime.Data, onTime.Links = append(onTime.Data, nilIf(!pt.HasOnTime, pt.OnTime)), append(onTime.Links, sptr(pt.OnTimeURL))
	}
	return pts, jsonSpec(chartSpec{Kind: "line", Title: "近12个月调解成功率与按时办结率", Unit: "%", Categories: cats,
		Series: []chartSeries{succ, onTime}}), nil
}

// Text is the figure as shown: counts whole, rates and days to one decimal,
// money in yuan with two.
func (h headFigure) Text() string {
	switch h.F.Unit {
	case "%":
		return strconv.FormatFloat(h.F.Value, 'f', 1, 64) + "%"
	case "工作日":
		return strconv.FormatFloat(h.F.Value, 'f', 1, 64) + " 个工作日"
	case "元":
		return domain.FormatFen(int64(h.F.Value*100+0.5)) + " 元"
	}
	return strconv.FormatFloat(h.F.Value, 'f', 0, 64) + " " + h.F.Unit
}
