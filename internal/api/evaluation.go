package api

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Performance evaluation (绩效评估): scores, the cases behind a figure,
// headline figures, 红榜/黑榜 and the scoring schemes. What a caller may
// see is decided by the scorecard service; these handlers read the query,
// shape the answer and map refusals to the one error body.

// XLSX marks a route answering an .xlsx workbook.
type XLSX struct{}

// UnitRef names the org unit asked about.
type UnitRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// SchemeRef names the scheme a period was scored under.
type SchemeRef struct {
	Version       string `json:"version"`
	EffectiveFrom string `json:"effective_from" format:"date"`
}

// SubjectJSON is who is scored: a mediator (user id), a room or a committee (org unit id).
type SubjectJSON struct {
	Kind string `json:"kind" enum:"eval_level"`
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// IndicatorJSON is one indicator of a subject's score.
type IndicatorJSON struct {
	Code        string  `json:"code" enum:"eval_indicator"`
	Name        string  `json:"name"`
	Numerator   int     `json:"numerator" doc:"分子的案件数；其案件见 /api/v1/evaluation/cases?part=numerator"`
	Denominator int     `json:"denominator" doc:"分母的案件数；其案件见 /api/v1/evaluation/cases?part=denominator"`
	Value       float64 `json:"value" doc:"百分比（0–100，保留两位小数）= 分子 ÷ 分母 × 100；不计分时为 0"`
	Weight      int     `json:"weight"`
	Points      float64 `json:"points" doc:"得分 = 权重 × 分子 ÷ 分母（保留两位小数）"`
	Applicable  bool    `json:"applicable" doc:"分母为空时为 false（不计分，权重不计入满分）"`
	Explain     string  `json:"explain" doc:"怎么算的：定义、分子分母、权重与得分"`
}

// DeductionJSON is one deduction of a subject's score.
type DeductionJSON struct {
	Code    string  `json:"code" enum:"eval_indicator"`
	Name    string  `json:"name"`
	Count   int     `json:"count"`
	Points  float64 `json:"points" doc:"扣分（每件分值 × 件数，不超过上限）"`
	Explain string  `json:"explain"`
}

// BesideJSON is an outcome shown beside the success rate, not in it.
type BesideJSON struct {
	Code  string `json:"code" enum:"outcome"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// ScoreRowJSON is one subject's result.
type ScoreRowJSON struct {
	Subject    SubjectJSON     `json:"subject"`
	Indicators []IndicatorJSON `json:"indicators"`
	Deductions []DeductionJSON `json:"deductions"`
	Beside     []BesideJSON    `json:"beside" doc:"本期以撤回、不予受理、终止、企业协商和解、合并结案的件数，列在调解成功率旁，不计入"`
	Scored     bool            `json:"scored" doc:"任一计分指标有案件时为 true；否则不评分、不排名"`
	Gross      float64         `json:"gross" doc:"按有案件的指标权重折算为百分制的得分（扣分前）"`
	Total      float64         `json:"total" doc:"总分 = 扣分前得分 − 扣分，不低于 0"`
	Band       string          `json:"band" doc:"等级（优秀、良好、合格、不合格）；不评分时为空"`
	Rank       int             `json:"rank" doc:"名次（并列同名次，其后跳位）；0 为未排名"`
	RankReason string          `json:"rank_reason,omitempty" doc:"未排名的原因"`
	Cases      int             `json:"cases" doc:"出现在任一指标分母中的不同案件数"`
	Explain    string          `json:"explain"`
}

// ScoresJSON answers GET /api/v1/evaluation/scores.
type ScoresJSON struct {
	Scheme SchemeRef      `json:"scheme"`
	Unit   UnitRef        `json:"unit"`
	Level  string         `json:"level" enum:"eval_level"`
	From   string         `json:"from" format:"date"`
	To     string         `json:"to" format:"date" doc:"统计止日（含）；晚于今天时截至今天"`
	Rows   []ScoreRowJSON `json:"rows"`
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

func unitRef(u store.OrgUnit) UnitRef { return UnitRef{Code: u.Code, Name: u.Name} }

func subjectJSON(s evaluation.Subject) SubjectJSON {
	return SubjectJSON{Kind: s.Kind, ID: s.ID, Name: s.Name}
}

func scoresJSON(sc scorecard.Scores) ScoresJSON {
	out := ScoresJSON{Scheme: SchemeRef{Version: sc.Scheme.Version, EffectiveFrom: sc.Scheme.EffectiveFrom.String()},
		Unit: unitRef(sc.Unit), Level: sc.Level, From: sc.Period.From.String(), To: sc.Period.To.String(), Rows: []ScoreRowJSON{}}
	for _, r := range sc.Rows {
		row := ScoreRowJSON{Subject: subjectJSON(r.Subject), Indicators: []IndicatorJSON{}, Deductions: []DeductionJSON{}, Beside: []BesideJSON{},
			Scored: r.Result.Scored, Gross: r.Result.Gross, Total: r.Result.Total, Band: r.Result.Band, Rank: r.Rank, RankReason: r.Reason,
			Cases: r.Result.Cases, Explain: r.Result.Explain}
		for _, f := range r.Result.Indicators {
			row.Indicators = append(row.Indicators, IndicatorJSON{Code: f.Code, Name: f.Name, Numerator: f.Numerator, Denominator: f.Denominator,
				Value: round2(f.Value * 100), Weight: f.Weight, Points: f.Points, Applicable: f.Applicable, Explain: f.Explain})
		}
		for _, d := range r.Result.Deductions {
			row.Deductions = append(row.Deductions, DeductionJSON{Code: d.Code, Name: d.Name, Count: d.Count, Points: d.Points, Explain: d.Explain})
		}
		for _, b := range r.Result.Beside {
			row.Beside = append(row.Beside, BesideJSON{Code: b.Code, Name: b.Name, Count: b.Count})
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

// failQuery answers a refusal of a GET whose input is the query string: a
// wrong parameter is 400 (as on /api/v1/cases), with each parameter's
// Chinese message in fields; other refusals keep their status.
func failQuery(w http.ResponseWriter, log *slog.Logger, r *http.Request, err error) {
	status, msg := access.StatusOf(err)
	if status != http.StatusUnprocessableEntity {
		failErr(w, log, r, err)
		return
	}
	writeJSON(w, http.StatusBadRequest, Error{Error: msg, Fields: access.Fields(err)})
}

func scoresQuery(r *http.Request) scorecard.Query {
	v := r.URL.Query()
	return scorecard.Query{Unit: v.Get("unit"), Level: v.Get("level"), From: v.Get("from"), To: v.Get("to")}
}

// EvalScores answers the scores of one level of subjects under a unit.
func (a *API) EvalScores(w http.ResponseWriter, r *http.Request) {
	sc, err := a.Scorecard.Scores(r.Context(), auth.From(r.Context()), scoresQuery(r))
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, scoresJSON(sc))
}

// EvalScoresXLSX downloads the scores as a workbook.
func (a *API) EvalScoresXLSX(w http.ResponseWriter, r *http.Request) {
	sc, err := a.Scorecard.Scores(r.Context(), auth.From(r.Context()), scoresQuery(r))
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	f, err := scorecard.ScoresWorkbook(sc)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	name := fmt.Sprintf("绩效评分-%s-%s-%s至%s.xlsx", sc.Unit.Name, scorecard.LevelLabel(sc.Level), sc.Period.From, sc.Period.To)
	writeWorkbook(w, a.Log, r, f, name)
}

func writeWorkbook(w http.ResponseWriter, log *slog.Logger, r *http.Request, f *excelize.File, name string) {
	defer f.Close()
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		failErr(w, log, r, fmt.Errorf("write workbook %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Write(buf.Bytes())
}

// EvalCaseList is one page of the cases behind a figure; total equals the figure.
type EvalCaseList struct {
	Cases  []CaseJSON `json:"cases"`
	Total  int64      `json:"total" doc:"等于该数字（分子、分母或扣分件数）"`
	Limit  int        `json:"limit"`
	Offset int        `json:"offset"`
	Figure string     `json:"figure" doc:"这一数字是什么，如“按时办结率（分母）”"`
	Scheme SchemeRef  `json:"scheme"`
}

// EvalCases lists the cases behind one figure, paged like /api/v1/cases.
func (a *API) EvalCases(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	limit, offset, msg := pageParams(v)
	if msg != "" {
		Fail(w, http.StatusBadRequest, msg)
		return
	}
	ctx := r.Context()
	p := auth.From(ctx)
	q := scorecard.CasesQuery{Query: scorecard.Query{Unit: v.Get("unit"), From: v.Get("from"), To: v.Get("to")},
		Subject: strings.TrimSpace(v.Get("subject")), Indicator: strings.TrimSpace(v.Get("indicator")), Part: strings.TrimSpace(v.Get("part")),
		Limit: limit, Offset: offset}
	page, err := a.Scorecard.Cases(ctx, p, q)
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	cases := page.Cases
	dls, err := a.Intake.Deadlines(ctx, cases)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	list, err := a.casesJSON(ctx, cases, dls)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	if !p.Can(domain.PermCaseRead) {
		// An analyst sees what the figures come from, not who complained or about what.
		for i := range list {
			list[i].Parties, list[i].Description, list[i].Claim = []PartyJSON{}, "", ""
		}
	}
	writeJSON(w, http.StatusOK, EvalCaseList{Cases: list, Total: int64(page.Total), Limit: limit, Offset: offset, Figure: page.Label,
		Scheme: SchemeRef{Version: page.Scheme.Version, EffectiveFrom: page.Scheme.EffectiveFrom.String()}})
}

// HeadlineFigureJSON is one headline number.
type HeadlineFigureJSON struct {
	Code      string  `json:"code"`
	Name      string  `json:"name"`
	Unit      string  `json:"unit" doc:"计量单位：件、%、工作日、元、面、封"`
	Value     float64 `json:"value"`
	Explain   string  `json:"explain"`
	Indicator string  `json:"indicator,omitempty" doc:"背后案件可按此指标查 /api/v1/evaluation/cases"`
	Part      string  `json:"part,omitempty"`
}

// HeadlineJSON answers GET /api/v1/evaluation/headline.
type HeadlineJSON struct {
	Unit      UnitRef              `json:"unit"`
	From      string               `json:"from" format:"date"`
	To        string               `json:"to" format:"date"`
	Figures   []HeadlineFigureJSON `json:"figures"`
	ByOutcome []HeadlineFigureJSON `json:"by_outcome" doc:"本期办结案件按结果（outcome 代码）分列"`
}

func headlineFigures(fs []scorecard.Figure) []HeadlineFigureJSON {
	out := []HeadlineFigureJSON{}
	for _, f := range fs {
		out = append(out, HeadlineFigureJSON{Code: f.Code, Name: f.Name, Unit: f.Unit, Value: round2(f.Value), Explain: f.Explain,
			Indicator: f.Indicator, Part: f.Part})
	}
	return out
}

// EvalHeadline answers a unit's headline figures over a period.
func (a *API) EvalHeadline(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	h, err := a.Scorecard.Headline(r.Context(), auth.From(r.Context()), v.Get("unit"), v.Get("from"), v.Get("to"))
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, HeadlineJSON{Unit: unitRef(h.Unit), From: h.Period.From.String(), To: h.Period.To.String(),
		Figures: headlineFigures(h.Figures), ByOutcome: headlineFigures(h.ByOutcome)})
}

// PlacedJSON is a subject's place in a ranking.
type PlacedJSON struct {
	Subject    SubjectJSON `json:"subject"`
	Total      float64     `json:"total"`
	Band       string      `json:"band"`
	Cases      int         `json:"cases"`
	Rank       int         `json:"rank" doc:"名次；0 为未排名"`
	RankReason string      `json:"rank_reason,omitempty"`
}

// RevisionJSON is one published revision of a month's ranking.
type RevisionJSON struct {
	Revision    int64     `json:"revision"`
	Reason      string    `json:"reason" doc:"更正理由（第 1 版为空）"`
	PublishedBy string    `json:"published_by"`
	PublishedAt time.Time `json:"published_at"`
}

// RankingJSON answers GET /api/v1/evaluation/rankings.
type RankingJSON struct {
	Unit          UnitRef        `json:"unit"`
	Level         string         `json:"level" enum:"eval_level"`
	Period        string         `json:"period" doc:"月份 YYYY-MM"`
	From          string         `json:"from" format:"date"`
	To            string         `json:"to" format:"date"`
	Live          bool           `json:"live" doc:"true：尚未发布，名次随迟到的记录变化；false：显示已发布的版本，不再变化"`
	Revision      *int64         `json:"revision" doc:"显示的发布版本号；未发布时为 null"`
	Revisions     []RevisionJSON `json:"revisions" doc:"全部发布版本，新的在前"`
	CanPublish    bool           `json:"can_publish"`
	SchemeVersion string         `json:"scheme_version"`
	EffectiveFrom string         `json:"effective_from" format:"date"`
	MinCases      int            `json:"min_cases" doc:"参与排名的最少案件数"`
	Red           []PlacedJSON   `json:"red" doc:"红榜：前五名（并列第五均列入）"`
	Black         []PlacedJSON   `json:"black" doc:"黑榜：后五名（不与红榜重复），由低到高"`
	Rows          []PlacedJSON   `json:"rows" doc:"全部对象及名次"`
}

func placedJSON(ps []scorecard.Placed) []PlacedJSON {
	out := []PlacedJSON{}
	for _, p := range ps {
		out = append(out, PlacedJSON{Subject: subjectJSON(p.Subject), Total: p.Total, Band: p.Band, Cases: p.Cases, Rank: p.Rank, RankReason: p.Reason})
	}
	return out
}

func rankingJSON(v scorecard.RankingView) RankingJSON {
	out := RankingJSON{Unit: unitRef(v.Unit), Level: v.Level, Period: v.Period, From: v.Days.From.String(), To: v.Days.To.String(),
		Live: v.Live, Revisions: []RevisionJSON{}, CanPublish: v.CanPublish, SchemeVersion: v.Body.SchemeVersion,
		EffectiveFrom: v.Body.EffectiveFrom, MinCases: v.Body.MinCases,
		Red: placedJSON(v.Body.Red), Black: placedJSON(v.Body.Black), Rows: placedJSON(v.Body.Rows)}
	if v.Current != nil {
		n := v.Current.Revision
		out.Revision = &n
	}
	for _, r := range v.Revisions {
		out.Revisions = append(out.Revisions, RevisionJSON{Revision: r.Revision, Reason: r.Reason, PublishedBy: r.PublishedBy, PublishedAt: r.Published})
	}
	return out
}

func (a *API) ranking(r *http.Request) (scorecard.RankingView, error) {
	v := r.URL.Query()
	return a.Scorecard.Ranking(r.Context(), auth.From(r.Context()), v.Get("unit"), v.Get("level"), v.Get("period"))
}

// EvalRanking answers a month's 红榜/黑榜: the latest published revision, or live figures.
func (a *API) EvalRanking(w http.ResponseWriter, r *http.Request) {
	rv, err := a.ranking(r)
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rankingJSON(rv))
}

// EvalRankingXLSX downloads a month's 红榜 and 黑榜 as a workbook.
func (a *API) EvalRankingXLSX(w http.ResponseWriter, r *http.Request) {
	rv, err := a.ranking(r)
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	f, err := scorecard.RankingWorkbook(rv)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeWorkbook(w, a.Log, r, f, fmt.Sprintf("红黑榜-%s-%s-%s.xlsx", rv.Unit.Name, scorecard.LevelLabel(rv.Level), rv.Period))
}

// PublishRequest is the body of POST /api/v1/evaluation/rankings/publish.
type PublishRequest struct {
	Unit   string `json:"unit" api:"required" doc:"单位编号，如 pd-cmt"`
	Level  string `json:"level,omitempty" enum:"eval_level"`
	Period string `json:"period" api:"required" doc:"已结束的月份 YYYY-MM"`
	Reason string `json:"reason,omitempty" doc:"首次发布可不填；该月已发布时必填，作为更正理由公布"`
}

// EvalPublish freezes a finished month's ranking as a new revision.
func (a *API) EvalPublish(w http.ResponseWriter, r *http.Request) {
	var req PublishRequest
	if !decode(w, r, &req) {
		return
	}
	rv, err := a.Scorecard.Publish(r.Context(), auth.From(r.Context()), req.Unit, req.Level, req.Period, req.Reason)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rankingJSON(rv))
}

// WeightJSON is an indicator of a scheme with its weight.
type WeightJSON struct {
	Code   string `json:"code" api:"required" enum:"eval_indicator"`
	Weight int    `json:"weight" doc:"满分时的分值；全部权重之和为 100"`
}

// SchemeDeductionJSON is a deduction of a scheme.
type SchemeDeductionJSON struct {
	Code       string  `json:"code" api:"required" enum:"eval_indicator"`
	PointsEach float64 `json:"points_each" doc:"每件扣分"`
	Cap        float64 `json:"cap" doc:"扣分上限，0 为不设上限"`
}

// BandJSON is one band of a scheme.
type BandJSON struct {
	Min  float64 `json:"min" doc:"总分不低于此值"`
	Name string  `json:"name"`
}

// SchemeJSON is a versioned scoring scheme, as listed and as saved.
type SchemeJSON struct {
	Unit           string                `json:"unit,omitempty" doc:"保存时必填：方案所属单位代码（调委会、区或市）；其下单位均适用，下级自有方案优先"`
	Version        string                `json:"version" api:"required"`
	Name           string                `json:"name" api:"required"`
	EffectiveFrom  string                `json:"effective_from" api:"required" format:"date" doc:"生效日期；一个统计期间按其首日施行的方案评分"`
	Indicators     []WeightJSON          `json:"indicators" api:"required"`
	Deductions     []SchemeDeductionJSON `json:"deductions"`
	Bands          []BandJSON            `json:"bands" api:"required" doc:"由高到低；低于最后一档为不合格"`
	SatisfiedFrom  int                   `json:"satisfied_from" doc:"满意度（1–5）不低于此值计为满意"`
	DissatisfiedTo int                   `json:"dissatisfied_to" doc:"满意度不高于此值计为不满意（扣分）"`
	EntryWD        int                   `json:"entry_wd" doc:"收到后几个工作日内登记录入计为及时"`
	MinCases       int                   `json:"min_cases" doc:"参与红黑榜排名的最少案件数"`
}

func schemeJSON(s evaluation.Scheme) SchemeJSON {
	out := SchemeJSON{Version: s.Version, Name: s.Name, EffectiveFrom: s.EffectiveFrom.String(), Indicators: []WeightJSON{},
		Deductions: []SchemeDeductionJSON{}, Bands: []BandJSON{}, SatisfiedFrom: s.SatisfiedFrom, DissatisfiedTo: s.DissatisfiedTo,
		EntryWD: s.EntryWD, MinCases: s.MinCases}
	for _, w := range s.Indicators {
		out.Indicators = append(out.Indicators, WeightJSON{Code: w.Code, Weight: w.Weight})
	}
	for _, d := range s.Deductions {
		out.Deductions = append(out.Deductions, SchemeDeductionJSON{Code: d.Code, PointsEach: d.PointsEach, Cap: d.Cap})
	}
	for _, b := range s.Bands {
		out.Bands = append(out.Bands, BandJSON{Min: b.Min, Name: b.Name})
	}
	return out
}

// scheme reads a scheme body; a date that is not YYYY-MM-DD is a 422 on effective_from.
func (in SchemeJSON) scheme() (evaluation.Scheme, error) {
	s := evaluation.Scheme{Version: strings.TrimSpace(in.Version), Name: strings.TrimSpace(in.Name), SatisfiedFrom: in.SatisfiedFrom,
		DissatisfiedTo: in.DissatisfiedTo, EntryWD: in.EntryWD, MinCases: in.MinCases}
	if d := strings.TrimSpace(in.EffectiveFrom); d != "" {
		day, err := calendar.ParseDate(d)
		if err != nil || day.String() != d {
			return s, &access.ValidationError{Fields: []*domain.FieldError{{Field: "effective_from", Message: fmt.Sprintf("生效日期“%s”不是有效日期，格式为 YYYY-MM-DD", d)}}}
		}
		s.EffectiveFrom = day
	}
	if in.MinCases < 0 {
		return s, &access.ValidationError{Fields: []*domain.FieldError{{Field: "min_cases", Message: "参与排名的最少案件数不能为负数"}}}
	}
	for _, w := range in.Indicators {
		s.Indicators = append(s.Indicators, evaluation.Weighted{Code: w.Code, Weight: w.Weight})
	}
	for _, d := range in.Deductions {
		s.Deductions = append(s.Deductions, evaluation.Deduction{Code: d.Code, PointsEach: d.PointsEach, Cap: d.Cap})
	}
	for _, b := range in.Bands {
		s.Bands = append(s.Bands, evaluation.Band{Min: b.Min, Name: b.Name})
	}
	return s, nil
}

// SchemeListJSON answers GET /api/v1/evaluation/schemes.
type SchemeListJSON struct {
	Unit       UnitRef      `json:"unit"`
	Owner      *UnitRef     `json:"owner" doc:"方案所属单位（本单位或上级）；null 为平台默认方案"`
	Schemes    []SchemeJSON `json:"schemes" doc:"适用于该单位的方案，按生效日期排列"`
	Own        []SchemeJSON `json:"own" doc:"该单位自己制定的方案版本"`
	CanEdit    bool         `json:"can_edit"`
	InForce    string       `json:"in_force" doc:"今天施行的方案版本"`
	Indicators []Code       `json:"indicators" doc:"可计分的指标代码"`
	Deductions []Code       `json:"deductions" doc:"可设置的扣分项代码"`
}

// EvalSchemes lists the scoring schemes.
func (a *API) EvalSchemes(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	list, err := a.Scorecard.Schemes(ctx, auth.From(ctx), r.URL.Query().Get("unit"))
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	out := SchemeListJSON{Unit: UnitRef{Code: list.Unit.Code, Name: list.Unit.Name}, Schemes: []SchemeJSON{}, Own: []SchemeJSON{},
		CanEdit: list.CanEdit, InForce: list.InForce.Version, Indicators: indicatorCodes(), Deductions: deductionCodes()}
	if list.Owner.ID != 0 {
		out.Owner = &UnitRef{Code: list.Owner.Code, Name: list.Owner.Name}
	}
	for _, s := range list.Schemes {
		out.Schemes = append(out.Schemes, schemeJSON(s))
	}
	for _, s := range list.Own {
		out.Own = append(out.Own, schemeJSON(s))
	}
	writeJSON(w, http.StatusOK, out)
}

// EvalSaveScheme stores a scheme version (an audited change).
func (a *API) EvalSaveScheme(w http.ResponseWriter, r *http.Request) {
	var in SchemeJSON
	if !decode(w, r, &in) {
		return
	}
	s, err := in.scheme()
	if err == nil {
		err = a.Scorecard.SaveScheme(r.Context(), auth.From(r.Context()), in.Unit, s)
	}
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, schemeJSON(s))
}

// PreviewRequest is the body of POST /api/v1/evaluation/schemes/preview.
type PreviewRequest struct {
	Unit   string     `json:"unit" api:"required"`
	Level  string     `json:"level,omitempty" enum:"eval_level"`
	Scheme SchemeJSON `json:"scheme" api:"required"`
}

// MoveJSON is how one subject's place would move under the candidate scheme.
type MoveJSON struct {
	Subject   SubjectJSON `json:"subject"`
	TotalNow  float64     `json:"total_now"`
	TotalThen float64     `json:"total_then"`
	RankNow   int         `json:"rank_now"`
	RankThen  int         `json:"rank_then"`
	BandNow   string      `json:"band_now"`
	BandThen  string      `json:"band_then"`
}

// PreviewJSON answers a scheme preview: this month scored under the scheme in force and under the candidate.
type PreviewJSON struct {
	Moves []MoveJSON `json:"moves"`
}

// EvalPreviewScheme shows whose rank a candidate scheme would move this month, before saving.
func (a *API) EvalPreviewScheme(w http.ResponseWriter, r *http.Request) {
	var in PreviewRequest
	if !decode(w, r, &in) {
		return
	}
	s, err := in.Scheme.scheme()
	var moves []scorecard.Move
	if err == nil {
		moves, err = a.Scorecard.Preview(r.Context(), auth.From(r.Context()), in.Unit, in.Level, s)
	}
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	out := PreviewJSON{Moves: []MoveJSON{}}
	for _, m := range moves {
		out.Moves = append(out.Moves, MoveJSON{Subject: subjectJSON(m.Subject), TotalNow: m.TotalNow, TotalThen: m.TotalThen,
			RankNow: m.RankNow, RankThen: m.RankThen, BandNow: m.BandNow, BandThen: m.BandThen})
	}
	writeJSON(w, http.StatusOK, out)
}

func indicatorCodes() []Code {
	out := []Code{}
	for _, w := range evaluation.DefaultScheme().Indicators {
		out = append(out, Code{w.Code, evaluation.IndicatorName(w.Code)})
	}
	return out
}

func deductionCodes() []Code {
	out := []Code{}
	for _, d := range evaluation.DefaultScheme().Deductions {
		out = append(out, Code{d.Code, evaluation.DeductionName(d.Code)})
	}
	return out
}

// outcomeCodes is the code table of the case JSON's outcome.
func outcomeCodes() []Code {
	out := []Code{}
	for _, o := range []evaluation.Outcome{evaluation.OutcomeOpen, evaluation.OutcomeAgreed, evaluation.OutcomeNotAgreed,
		evaluation.OutcomeTerminated, evaluation.OutcomeWithdrawn, evaluation.OutcomeRejected, evaluation.OutcomeODRSettled,
		evaluation.OutcomeMerged} {
		out = append(out, Code{string(o), o.Label()})
	}
	return out
}

// What a case contributes to the figures, on every case JSON.

// MediatorRef names a mediator.
type MediatorRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// AgreementFacts is what the figures read of a case's agreement.
type AgreementFacts struct {
	Form      string `json:"form" enum:"agreement_kind" doc:"oral 口头协议，written 书面协议"`
	AmountFen int64  `json:"amount_fen" doc:"协议金额（分）"`
	Performed bool   `json:"performed" doc:"协议各项均已履行"`
}

// FollowUpFacts is what the figures read of a case's follow-up.
type FollowUpFacts struct {
	Done         bool `json:"done" doc:"已回访"`
	Satisfaction *int `json:"satisfaction" doc:"回访满意度 1–5；未回访或未评分时为 null"`
}

// casesJSON renders cases with their clocks and what each contributes to
// the evaluation figures (one lookup for the page).
func (a *API) casesJSON(ctx context.Context, cases []store.Case, dls map[int64][]calendar.Deadline) ([]CaseJSON, error) {
	out := make([]CaseJSON, 0, len(cases))
	if len(cases) == 0 {
		return out, nil
	}
	ids := make([]int64, 0, len(cases))
	for _, c := range cases {
		ids = append(ids, c.ID)
	}
	figs, err := a.Scorecard.Figures(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("evaluation figures of cases: %w", err)
	}
	for _, c := range cases {
		j := caseJSON(c, dls[c.ID])
		f, counted := figs[c.ID]
		j.Outcome = string(evaluation.OutcomeOpen)
		presiding := c.PresidingID
		if counted {
			j.Outcome, j.ClosedAt = string(f.Outcome), f.ClosedAt
			if f.PresidingID != 0 {
				presiding = f.PresidingID
			}
			if f.HasAgreement {
				j.Agreement = &AgreementFacts{Form: f.AgreementForm, AmountFen: f.AgreedFen, Performed: f.Performed}
			}
			j.FollowUp.Done = f.FollowUpDone
			if f.FollowUpDone && f.Satisfaction > 0 {
				s := f.Satisfaction
				j.FollowUp.Satisfaction = &s
			}
		}
		if presiding != 0 {
			name, err := a.Scorecard.MediatorName(ctx, presiding)
			if err != nil {
				return nil, err
			}
			j.PresidingMediator = &MediatorRef{ID: presiding, Name: name}
		}
		out = append(out, j)
	}
	return out, nil
}

// oneCaseJSON is casesJSON for a single case.
func (a *API) oneCaseJSON(ctx context.Context, c store.Case, dls []calendar.Deadline) (CaseJSON, error) {
	out, err := a.casesJSON(ctx, []store.Case{c}, map[int64][]calendar.Deadline{c.ID: dls})
	if err != nil {
		return CaseJSON{}, err
	}
	return out[0], nil
}
