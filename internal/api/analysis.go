package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/analysis"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/hotspot"
)

// 分析研判 API: the figures the /analysis charts show, each with the case
// list behind it (cases: the page, cases_api: the JSON).

// PeriodJSON is a period of days.
type PeriodJSON struct {
	From string `json:"from" format:"date"`
	To   string `json:"to" format:"date"`
}

func periodJSON(p hotspot.Period) PeriodJSON {
	return PeriodJSON{From: p.From.String(), To: p.To.String()}
}

// AnalysisScopeJSON is what every analysis answer was computed over.
type AnalysisScopeJSON struct {
	Unit     UnitRef `json:"unit"`
	From     string  `json:"from" format:"date"`
	To       string  `json:"to" format:"date"`
	Channel  string  `json:"channel,omitempty" doc:"来源渠道过滤（空：全部）"`
	Category string  `json:"category,omitempty" doc:"纠纷类别过滤（空：全部）"`
}

func scopeJSON(sc analysis.Scope) AnalysisScopeJSON {
	return AnalysisScopeJSON{Unit: UnitRef{Code: sc.Unit.Code, Name: sc.Unit.Name}, From: sc.Period.From.String(), To: sc.Period.To.String(),
		Channel: sc.Channel, Category: sc.Category}
}

// CasesLinkJSON links the cases behind a figure.
type CasesLinkJSON struct {
	Cases    string `json:"cases" doc:"背后案件的页面 /analysis/cases?…"`
	CasesAPI string `json:"cases_api" doc:"背后案件的 JSON /api/v1/analysis/cases?…"`
}

func casesLink(q url.Values) CasesLinkJSON {
	if q == nil {
		return CasesLinkJSON{}
	}
	e := q.Encode()
	return CasesLinkJSON{Cases: "/analysis/cases?" + e, CasesAPI: "/api/v1/analysis/cases?" + e}
}

func analysisFilter(v url.Values) analysis.Filter {
	return analysis.Filter{Unit: v.Get("unit"), From: v.Get("from"), To: v.Get("to"), Channel: v.Get("channel"), Category: v.Get("category")}
}

// HotRowJSON is one merchant, category or street of a hot list.
type HotRowJSON struct {
	Rank           int      `json:"rank" doc:"名次（并列同名次）"`
	Key            string   `json:"key" doc:"经营者编号（未关联经营者档案时为 n:名称）、类别或街镇；空为未填写/未识别"`
	Label          string   `json:"label"`
	Count          int64    `json:"count" doc:"本期收到的投诉件数"`
	ClaimFen       int64    `json:"claim_fen" doc:"本期投诉的诉求金额合计（分）"`
	Previous       int64    `json:"previous" doc:"上一个同样长度窗口的件数"`
	LastYear       int64    `json:"last_year" doc:"去年同期的件数"`
	GrowthPrevious *float64 `json:"growth_previous" doc:"较上一窗口增长率（%，一位小数）；基数为 0 时为 null（显示“—”）"`
	GrowthLastYear *float64 `json:"growth_last_year" doc:"较去年同期增长率（%）；去年同期为 0 时为 null"`
	CasesLinkJSON
	PreviousCases CasesLinkJSON `json:"previous_cases"`
	LastYearCases CasesLinkJSON `json:"last_year_cases"`
}

// HotspotsJSON answers GET /api/v1/analysis/hotspots.
type HotspotsJSON struct {
	AnalysisScopeJSON
	By          string       `json:"by" doc:"merchant（经营者）、category（纠纷类别）或 street（街镇）"`
	Order       string       `json:"order" doc:"count（按件数）或 growth（按较上一窗口增速，本期至少 3 件且不少于本期投诉的千分之一，见 growth_floor）"`
	Previous    PeriodJSON   `json:"previous"`
	LastYear    PeriodJSON   `json:"last_year"`
	Total       int64        `json:"total" doc:"本期收到的投诉合计（全部对象，与绩效评估“收到投诉”一致）"`
	GrowthFloor int64        `json:"growth_floor" doc:"按增速排名所需的本期最少件数：3，或本期投诉合计的千分之一（取大者）"`
	Rows        []HotRowJSON `json:"rows"`
}

// AnalysisHotspots ranks merchants, categories or streets.
func (a *API) AnalysisHotspots(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	limit := 20
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			Fail(w, http.StatusBadRequest, "limit 应为1至500")
			return
		}
		limit = n
	}
	sc, hl, err := a.Analysis.Hotspots(r.Context(), auth.From(r.Context()), analysisFilter(v), strings.TrimSpace(v.Get("by")),
		strings.TrimSpace(v.Get("order")), limit)
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	out := HotspotsJSON{AnalysisScopeJSON: scopeJSON(sc), By: hl.By, Order: hl.Order, Previous: periodJSON(hl.Prev),
		LastYear: periodJSON(hl.LastYear), Total: hl.Total, GrowthFloor: hl.GrowthFloor, Rows: []HotRowJSON{}}
	for _, row := range hl.Rows {
		out.Rows = append(out.Rows, HotRowJSON{Rank: row.Rank, Key: row.Key, Label: row.Label, Count: row.Count, ClaimFen: row.ClaimFen,
			Previous: row.Prev, LastYear: row.LastYear, GrowthPrevious: row.GrowthPrev, GrowthLastYear: row.GrowthYear,
			CasesLinkJSON: casesLink(row.Link), PreviousCases: casesLink(row.PrevLink), LastYearCases: casesLink(row.LastYearLink)})
	}
	writeJSON(w, http.StatusOK, out)
}

// IntakeDayJSON is one day of intake.
type IntakeDayJSON struct {
	Day   string   `json:"day" format:"date"`
	Count int64    `json:"count"`
	MA7   *float64 `json:"ma7" doc:"7日移动平均"`
	MA28  *float64 `json:"ma28" doc:"28日移动平均"`
	CasesLinkJSON
}

// IntakeJSON answers GET /api/v1/analysis/intake.
type IntakeJSON struct {
	AnalysisScopeJSON
	Total int64           `json:"total" doc:"期间收到的投诉合计（等于绩效评估“收到投诉”）"`
	Days  []IntakeDayJSON `json:"days"`
}

// AnalysisIntake answers the daily intake with its moving averages.
func (a *API) AnalysisIntake(w http.ResponseWriter, r *http.Request) {
	sc, in, err := a.Analysis.Intake(r.Context(), auth.From(r.Context()), analysisFilter(r.URL.Query()))
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	out := IntakeJSON{AnalysisScopeJSON: scopeJSON(sc), Total: in.Total, Days: []IntakeDayJSON{}}
	for i, d := range in.Days {
		out.Days = append(out.Days, IntakeDayJSON{Day: d.String(), Count: in.Counts[i], MA7: in.MA7[i], MA28: in.MA28[i], CasesLinkJSON: casesLink(in.Links[i])})
	}
	writeJSON(w, http.StatusOK, out)
}

// FunnelStepJSON is one step of the funnel.
type FunnelStepJSON struct {
	Code    string `json:"code" doc:"received、accepted、mediated、agreed、performed、followed"`
	Name    string `json:"name"`
	Value   int64  `json:"value"`
	Explain string `json:"explain"`
	CasesLinkJSON
}

// FunnelJSON answers GET /api/v1/analysis/funnel.
type FunnelJSON struct {
	AnalysisScopeJSON
	Steps []FunnelStepJSON `json:"steps"`
}

// AnalysisFunnel answers 收到→受理→调解→协议→履行→回访.
func (a *API) AnalysisFunnel(w http.ResponseWriter, r *http.Request) {
	sc, steps, err := a.Analysis.Funnel(r.Context(), auth.From(r.Context()), analysisFilter(r.URL.Query()))
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	out := FunnelJSON{AnalysisScopeJSON: scopeJSON(sc), Steps: []FunnelStepJSON{}}
	for _, s := range steps {
		out.Steps = append(out.Steps, FunnelStepJSON{Code: s.Code, Name: s.Name, Value: s.N, Explain: s.Explain, CasesLinkJSON: casesLink(s.Link)})
	}
	writeJSON(w, http.StatusOK, out)
}

// HeatCellJSON is one room's overdue cases at one week's end.
type HeatCellJSON struct {
	WeekEnd string `json:"week_end" format:"date"`
	Value   int64  `json:"value"`
	CasesLinkJSON
}

// HeatRowJSON is one room of the heat-map.
type HeatRowJSON struct {
	RoomID int64          `json:"room_id" doc:"0：调委会（未分派工作室）"`
	Name   string         `json:"name"`
	Cells  []HeatCellJSON `json:"cells"`
}

// OverdueJSON answers GET /api/v1/analysis/overdue.
type OverdueJSON struct {
	AnalysisScopeJSON
	Weeks     []PeriodJSON  `json:"weeks" doc:"周一至周日（首尾两周截至期间边界）；最多最近 26 周"`
	Truncated bool          `json:"truncated" doc:"期间超过 26 周，只显示最后 26 周"`
	Rooms     []HeatRowJSON `json:"rooms" doc:"有超期案件的工作室"`
}

// AnalysisOverdue answers the overdue heat-map (room × week).
func (a *API) AnalysisOverdue(w http.ResponseWriter, r *http.Request) {
	sc, h, err := a.Analysis.Overdue(r.Context(), auth.From(r.Context()), analysisFilter(r.URL.Query()))
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	out := OverdueJSON{AnalysisScopeJSON: scopeJSON(sc), Truncated: h.Truncated, Weeks: []PeriodJSON{}, Rooms: []HeatRowJSON{}}
	for _, wk := range h.Weeks {
		out.Weeks = append(out.Weeks, PeriodJSON{From: wk.From.String(), To: wk.To.String()})
	}
	for i, u := range h.Rooms {
		row := HeatRowJSON{RoomID: u.ID, Name: u.Name, Cells: []HeatCellJSON{}}
		for j, n := range h.Cells[i] {
			row.Cells = append(row.Cells, HeatCellJSON{WeekEnd: h.Weeks[j].To.String(), Value: n, CasesLinkJSON: casesLink(h.Links[i][j])})
		}
		out.Rooms = append(out.Rooms, row)
	}
	writeJSON(w, http.StatusOK, out)
}

// AmountMonthJSON is one month of amounts.
type AmountMonthJSON struct {
	Month        string        `json:"month" doc:"YYYY-MM"`
	ClaimedFen   int64         `json:"claimed_fen" doc:"当月收到投诉的诉求金额（分）"`
	RecoveredFen int64         `json:"recovered_fen" doc:"当月办结案件的挽回经济损失（分）"`
	Claimed      CasesLinkJSON `json:"claimed_cases"`
	Recovered    CasesLinkJSON `json:"recovered_cases"`
}

// AmountsJSON answers GET /api/v1/analysis/amounts.
type AmountsJSON struct {
	AnalysisScopeJSON
	ClaimedFen   int64             `json:"claimed_fen" doc:"等于绩效评估“涉及金额”"`
	RecoveredFen int64             `json:"recovered_fen" doc:"等于绩效评估“挽回经济损失”"`
	Months       []AmountMonthJSON `json:"months"`
}

// AnalysisAmounts answers claimed and recovered amounts by month.
func (a *API) AnalysisAmounts(w http.ResponseWriter, r *http.Request) {
	sc, am, err := a.Analysis.Amounts(r.Context(), auth.From(r.Context()), analysisFilter(r.URL.Query()))
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	out := AmountsJSON{AnalysisScopeJSON: scopeJSON(sc), ClaimedFen: am.TotalClaim, RecoveredFen: am.TotalRecov, Months: []AmountMonthJSON{}}
	for i, m := range am.Months {
		out.Months = append(out.Months, AmountMonthJSON{Month: m.String()[:7], ClaimedFen: am.Claimed[i], RecoveredFen: am.Recovered[i],
			Claimed: casesLink(am.ClaimLinks[i]), Recovered: casesLink(am.RecovLinks[i])})
	}
	writeJSON(w, http.StatusOK, out)
}

// SurgeJSON is a group dispute formed or a merchant-surge warning raised.
type SurgeJSON struct {
	Kind   string    `json:"kind" doc:"group（群体性纠纷）或 warning（经营者投诉激增预警）"`
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Day    string    `json:"day" format:"date"`
	Label  string    `json:"label"`
	Detail string    `json:"detail"`
	Level  string    `json:"level,omitempty" doc:"预警等级 red、orange、yellow"`
	Cases  int64     `json:"cases,omitempty" doc:"群体性纠纷的投诉件数"`
	CasesLinkJSON
}

// SurgesJSON answers GET /api/v1/analysis/surges.
type SurgesJSON struct {
	AnalysisScopeJSON
	Surges []SurgeJSON `json:"surges"`
}

// AnalysisSurges answers the period's surges on a timeline.
func (a *API) AnalysisSurges(w http.ResponseWriter, r *http.Request) {
	sc, ss, err := a.Analysis.Surges(r.Context(), auth.From(r.Context()), analysisFilter(r.URL.Query()))
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	out := SurgesJSON{AnalysisScopeJSON: scopeJSON(sc), Surges: []SurgeJSON{}}
	for _, s := range ss {
		out.Surges = append(out.Surges, SurgeJSON{Kind: s.Kind, ID: s.ID, At: s.At, Day: s.Day.String(), Label: s.Label, Detail: s.Detail,
			Level: s.Level, Cases: s.Cases, CasesLinkJSON: casesLink(s.Link)})
	}
	writeJSON(w, http.StatusOK, out)
}

// AnalysisCaseList answers GET /api/v1/analysis/cases.
type AnalysisCaseList struct {
	Cases  []CaseJSON `json:"cases"`
	Total  int64      `json:"total" doc:"等于图表上的数字"`
	Limit  int        `json:"limit"`
	Offset int        `json:"offset"`
	Figure string     `json:"figure" doc:"这一数字是什么"`
}

// AnalysisCases lists the cases behind one figure of the dashboards.
func (a *API) AnalysisCases(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	limit, offset, msg := pageParams(v)
	if msg != "" {
		Fail(w, http.StatusBadRequest, msg)
		return
	}
	ctx := r.Context()
	p := auth.From(ctx)
	q := analysis.CaseQueryOf(v)
	q.Limit, q.Offset = limit, offset
	page, err := a.Analysis.Cases(ctx, p, q)
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	dls, err := a.Intake.Deadlines(ctx, page.Cases)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	list, err := a.casesJSON(ctx, page.Cases, dls)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	for i := range list {
		if !p.CanOnCase(domain.PermCaseRead, page.Cases[i]) {
			// An analyst sees what the figures come from, not who complained or about what.
			list[i].Parties, list[i].Description, list[i].Claim = []PartyJSON{}, "", ""
		}
	}
	writeJSON(w, http.StatusOK, AnalysisCaseList{Cases: list, Total: int64(page.Total), Limit: limit, Offset: offset, Figure: page.Label})
}
