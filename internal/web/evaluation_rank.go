package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/scorecard"
)

type rankingPage struct {
	Unit, Level, Period string
	Units               []scorecard.Unit
	Levels              []evalLevel
	V                   scorecard.RankingView
	Err                 error
	Reason              string
	ScoresURL           string
}

// readRanking reads unit, level and period (YYYY-MM, default last month).
func (pg *Pages) readRanking(r *http.Request, units []scorecard.Unit) rankingPage {
	p := auth.From(r.Context())
	v := r.URL.Query()
	if r.Method == http.MethodPost {
		v = r.PostForm
	}
	d := rankingPage{Unit: strings.TrimSpace(v.Get("unit")), Level: strings.TrimSpace(v.Get("level")), Period: strings.TrimSpace(v.Get("period")), Units: units}
	if d.Unit == "" {
		d.Unit = defaultUnit(p, units)
	}
	if d.Period == "" {
		m := lastFullMonth(calendar.DateOf(pg.now()))
		d.Period = fmt.Sprintf("%04d-%02d", m.Year, int(m.Month))
	}
	return d
}

func (pg *Pages) showRanking(w http.ResponseWriter, r *http.Request, d rankingPage, status int) {
	p := auth.From(r.Context())
	v, err := pg.Scorecard.Ranking(r.Context(), p, d.Unit, d.Level, d.Period)
	if err != nil {
		pg.evalFail(w, r, err)
		return
	}
	d.V, d.Level = v, v.Level
	for _, l := range []string{scorecard.LevelMediator, scorecard.LevelRoom, scorecard.LevelCommittee} {
		if l == scorecard.LevelCommittee && (v.Unit.Kind == domain.OrgOfficeRoom || v.Unit.Kind == domain.OrgEnterpriseRoom) {
			continue
		}
		d.Levels = append(d.Levels, evalLevel{Code: l, Label: scorecard.LevelLabel(l),
			URL: "/evaluation/rankings?" + url.Values{"unit": {d.Unit}, "level": {l}, "period": {d.Period}}.Encode()})
	}
	d.ScoresURL = "/evaluation?" + url.Values{"unit": {d.Unit}, "level": {d.Level}, "month": {d.Period}}.Encode()
	pg.render(w, r, status, "evaluation_rankings", "红榜·黑榜", d)
}

// EvaluationRankings shows a month's 红榜/黑榜, published or live.
func (pg *Pages) EvaluationRankings(w http.ResponseWriter, r *http.Request) {
	p := auth.From(r.Context())
	if selfOnly(p) {
		pg.Fail(w, r, http.StatusForbidden, "红黑榜由调委会发布，调解员请在“我的绩效”查看本人的绩效")
		return
	}
	units, err := pg.evalUnits(r, p)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	pg.showRanking(w, r, pg.readRanking(r, units), http.StatusOK)
}

// PublishRanking freezes a month's ranking (a later one is a revision with a reason).
func (pg *Pages) PublishRanking(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	if err := r.ParseForm(); err != nil {
		pg.badQuery(w, r, "表单无法读取")
		return
	}
	units, err := pg.evalUnits(r, p)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	d := pg.readRanking(r, units)
	d.Reason = r.PostForm.Get("reason")
	v, err := pg.Scorecard.Publish(ctx, p, d.Unit, d.Level, d.Period, d.Reason)
	var ve *access.ValidationError
	if errors.As(err, &ve) {
		d.Err = ve
		pg.showRanking(w, r, d, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	if v.Current != nil {
		pg.flash(r, fmt.Sprintf("已发布 %s 红黑榜（第%d版）", d.Period, v.Current.Revision))
	}
	http.Redirect(w, r, "/evaluation/rankings?"+url.Values{"unit": {d.Unit}, "level": {v.Level}, "period": {d.Period}}.Encode(), http.StatusSeeOther)
}

// ----- /evaluation/scheme -----

type schemeIndicator struct {
	Code, Name, Definition string
	Weight                 string
	Err                    string
}

type schemeDeduction struct {
	Code, Name        string
	PointsEach, Cap   string
	ErrPoints, ErrCap string
}

type schemeBand struct {
	Min, Name       string
	ErrMin, ErrName string
}

type schemeForm struct {
	Version, Name, EffectiveFrom                     string
	SatisfiedFrom, DissatisfiedTo, EntryWD, MinCases string
	Indicators                                       []schemeIndicator
	Deductions                                       []schemeDeduction
	Bands                                            []schemeBand
}

type schemePage struct {
	Schemes []evaluation.Scheme
	Own     []evaluation.Scheme // the unit's own versions, when it inherits the ones in force
	Owner   string              // whose schemes apply ("" = the platform default)
	CanEdit bool
	Current string
	Form    schemeForm
	Err     error
	Moves   []scorecard.Move
	Preview bool
	Unit    string
	Level   string
	Units   []scorecard.Unit
}

const maxBands = 5

func formOf(s evaluation.Scheme) schemeForm {
	f := schemeForm{Version: s.Version, Name: s.Name, EffectiveFrom: s.EffectiveFrom.String(),
		SatisfiedFrom: strconv.Itoa(s.SatisfiedFrom), DissatisfiedTo: strconv.Itoa(s.DissatisfiedTo),
		EntryWD: strconv.Itoa(s.EntryWD), MinCases: strconv.Itoa(s.MinCases)}
	weights := map[string]int{}
	for _, w := range s.Indicators {
		weights[w.Code] = w.Weight
	}
	for _, w := range evaluation.DefaultScheme().Indicators {
		f.Indicators = append(f.Indicators, schemeIndicator{Code: w.Code, Name: evaluation.IndicatorName(w.Code),
			Definition: evaluation.IndicatorDefinition(w.Code), Weight: strconv.Itoa(weights[w.Code])})
	}
	deds := map[string]evaluation.Deduction{}
	for _, d := range s.Deductions {
		deds[d.Code] = d
	}
	for _, d := range evaluation.DefaultScheme().Deductions {
		x, ok := deds[d.Code]
		row := schemeDeduction{Code: d.Code, Name: evaluation.DeductionName(d.Code)}
		if ok {
			row.PointsEach, row.Cap = strconv.FormatFloat(x.PointsEach, 'f', -1, 64), strconv.FormatFloat(x.Cap, 'f', -1, 64)
		}
		f.Deductions = append(f.Deductions, row)
	}
	for i := 0; i < maxBands; i++ {
		b := schemeBand{}
		if i < len(s.Bands) {
			b.Min, b.Name = strconv.FormatFloat(s.Bands[i].Min, 'f', -1, 64), s.Bands[i].Name
		}
		f.Bands = append(f.Bands, b)
	}
	return f
}

// readScheme turns the posted form into a scheme; a number that does not
// parse is a field error of its own.
func readScheme(v url.Values) (evaluation.Scheme, schemeForm, []*domain.FieldError) {
	var errs []*domain.FieldError
	f := schemeForm{Version: strings.TrimSpace(v.Get("version")), Name: strings.TrimSpace(v.Get("name")),
		EffectiveFrom: strings.TrimSpace(v.Get("effective_from")), SatisfiedFrom: v.Get("satisfied_from"),
		DissatisfiedTo: v.Get("dissatisfied_to"), EntryWD: v.Get("entry_wd"), MinCases: v.Get("min_cases")}
	s := evaluation.Scheme{Version: f.Version, Name: f.Name}
	if f.EffectiveFrom != "" {
		d, err := calendar.ParseDate(f.EffectiveFrom)
		if err != nil || d.String() != f.EffectiveFrom {
			errs = append(errs, &domain.FieldError{Field: "effective_from", Message: "生效日期无效，格式为 YYYY-MM-DD"})
		} else {
			s.EffectiveFrom = d
		}
	}
	integer := func(field, label, raw string) int {
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			errs = append(errs, &domain.FieldError{Field: field, Message: label + "应为整数"})
		}
		return n
	}
	number := func(field, label, raw string) float64 {
		x, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
		if err != nil {
			errs = append(errs, &domain.FieldError{Field: field, Message: label + "应为数字"})
		}
		return x
	}
	s.SatisfiedFrom = integer("satisfied_from", "“满意”的最低分", f.SatisfiedFrom)
	s.DissatisfiedTo = integer("dissatisfied_to", "“不满意”的最高分", f.DissatisfiedTo)
	s.EntryWD = integer("entry_wd", "录入时限", f.EntryWD)
	s.MinCases = integer("min_cases", "参加排名的最少案件数", f.MinCases)
	for i, w := range evaluation.DefaultScheme().Indicators {
		raw := v.Get("weight_" + w.Code)
		f.Indicators = append(f.Indicators, schemeIndicator{Code: w.Code, Name: evaluation.IndicatorName(w.Code),
			Definition: evaluation.IndicatorDefinition(w.Code), Weight: raw})
		s.Indicators = append(s.Indicators, evaluation.Weighted{Code: w.Code,
			Weight: integer(fmt.Sprintf("indicators.%d.weight", i), evaluation.IndicatorName(w.Code)+"的权重", raw)})
	}
	di := 0
	for _, d := range evaluation.DefaultScheme().Deductions {
		pe, cp := strings.TrimSpace(v.Get("points_"+d.Code)), strings.TrimSpace(v.Get("cap_"+d.Code))
		f.Deductions = append(f.Deductions, schemeDeduction{Code: d.Code, Name: evaluation.DeductionName(d.Code), PointsEach: pe, Cap: cp})
		if pe == "" && cp == "" {
			continue // not deducted under this scheme
		}
		if cp == "" {
			cp = "0"
		}
		name := evaluation.DeductionName(d.Code)
		s.Deductions = append(s.Deductions, evaluation.Deduction{Code: d.Code,
			PointsEach: number(fmt.Sprintf("deductions.%d.points_each", di), name+"的每件扣分", pe),
			Cap:        number(fmt.Sprintf("deductions.%d.cap", di), name+"的扣分上限", cp)})
		di++
	}
	bi := 0
	for i := 0; i < maxBands; i++ {
		mn, nm := strings.TrimSpace(v.Get(fmt.Sprintf("band_min_%d", i))), strings.TrimSpace(v.Get(fmt.Sprintf("band_name_%d", i)))
		f.Bands = append(f.Bands, schemeBand{Min: mn, Name: nm})
		if mn == "" && nm == "" {
			continue
		}
		s.Bands = append(s.Bands, evaluation.Band{Name: nm, Min: number(fmt.Sprintf("bands.%d.min", bi), fmt.Sprintf("第%d个等次的分数线", bi+1), mn)})
		bi++
	}
	return s, f, errs
}

// placeErrors puts each field error beside its input. Deductions and bands
// are numbered among the filled rows, so they are matched in that order.
func placeErrors(f *schemeForm, err error) {
	var ve *access.ValidationError
	if !errors.As(err, &ve) {
		return
	}
	for i := range f.Indicators {
		f.Indicators[i].Err = ve.Field(fmt.Sprintf("indicators.%d.weight", i)) + ve.Field(fmt.Sprintf("indicators.%d.code", i))
	}
	di := 0
	for i := range f.Deductions {
		if f.Deductions[i].PointsEach == "" && f.Deductions[i].Cap == "" {
			continue
		}
		f.Deductions[i].ErrPoints = ve.Field(fmt.Sprintf("deductions.%d.points_each", di))
		f.Deductions[i].ErrCap = ve.Field(fmt.Sprintf("deductions.%d.cap", di))
		di++
	}
	bi := 0
	for i := range f.Bands {
		if f.Bands[i].Min == "" && f.Bands[i].Name == "" {
			continue
		}
		f.Bands[i].ErrMin = ve.Field(fmt.Sprintf("bands.%d.min", bi))
		f.Bands[i].ErrName = ve.Field(fmt.Sprintf("bands.%d.name", bi))
		bi++
	}
}

func (pg *Pages) schemePage(w http.ResponseWriter, r *http.Request, d schemePage, status int) {
	ctx := r.Context()
	p := auth.From(ctx)
	var err error
	if d.Units, err = pg.evalUnits(r, p); err != nil {
		pg.serverError(w, r, err)
		return
	}
	if d.Unit == "" {
		d.Unit = defaultUnit(p, d.Units)
	}
	list, err := pg.Scorecard.Schemes(ctx, p, d.Unit)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	d.Schemes, d.CanEdit, d.Current = list.Schemes, list.CanEdit, list.InForce.Version
	if list.Inherits {
		d.Own = list.Own
	}
	if list.Owner.ID != 0 {
		d.Owner = list.Owner.Name
	}
	cur := list.InForce
	if d.Form.Version == "" && d.Form.Indicators == nil {
		d.Form = formOf(cur)
		d.Form.Version, d.Form.EffectiveFrom = "", ""
	}
	placeErrors(&d.Form, d.Err)
	pg.render(w, r, status, "evaluation_scheme", "绩效评估方案", d)
}

// EvaluationScheme lists the schemes and offers a new version.
func (pg *Pages) EvaluationScheme(w http.ResponseWriter, r *http.Request) {
	pg.schemePage(w, r, schemePage{Unit: r.URL.Query().Get("unit")}, http.StatusOK)
}

// SaveEvaluationScheme previews a candidate scheme (how this month's ranks
// would move) or saves it.
func (pg *Pages) SaveEvaluationScheme(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	if err := r.ParseForm(); err != nil {
		pg.badQuery(w, r, "表单无法读取")
		return
	}
	s, f, errs := readScheme(r.PostForm)
	d := schemePage{Form: f, Unit: r.PostForm.Get("unit"), Level: r.PostForm.Get("level")}
	if d.Unit == "" {
		units, err := pg.evalUnits(r, p)
		if err != nil {
			pg.serverError(w, r, err)
			return
		}
		d.Unit = defaultUnit(p, units)
	}
	// Every problem at once: what did not parse, then the scheme's own rules
	// (a field that did not parse is not reported twice).
	for _, fe := range s.Validate() {
		if !slices.ContainsFunc(errs, func(x *domain.FieldError) bool { return x.Field == fe.Field }) {
			errs = append(errs, fe)
		}
	}
	if len(errs) > 0 {
		d.Err = &access.ValidationError{Fields: errs}
		pg.schemePage(w, r, d, http.StatusUnprocessableEntity)
		return
	}
	if r.PostForm.Get("action") != "save" {
		moves, err := pg.Scorecard.Preview(ctx, p, d.Unit, d.Level, s)
		var ve *access.ValidationError
		if errors.As(err, &ve) {
			d.Err = ve
			pg.schemePage(w, r, d, http.StatusUnprocessableEntity)
			return
		}
		if err != nil {
			pg.failErr(w, r, err)
			return
		}
		d.Moves, d.Preview = moves, true
		pg.schemePage(w, r, d, http.StatusOK)
		return
	}
	err := pg.Scorecard.SaveScheme(ctx, p, d.Unit, s)
	var ve *access.ValidationError
	if errors.As(err, &ve) {
		d.Err = ve
		pg.schemePage(w, r, d, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.Log.Info("evaluation scheme saved", "user", p.Username, "version", s.Version, "effective_from", s.EffectiveFrom.String())
	pg.flash(r, fmt.Sprintf("已保存方案 %s，自 %s 起施行", s.Version, s.EffectiveFrom))
	http.Redirect(w, r, "/evaluation/scheme?unit="+url.QueryEscape(d.Unit), http.StatusSeeOther)
}
