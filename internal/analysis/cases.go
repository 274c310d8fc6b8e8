package analysis

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/hotspot"
	"github.com/tiaojie/tiaojie/internal/store"
)

// CaseQuery asks for the cases behind one figure of the dashboards. The
// filter is the figure's; one of the selectors says which figure:
//
//   - none (or merchant / street / category): complaints received in the
//     period (intake, hot lists, treemap, streets, 收到, claimed amounts);
//     "-" selects the unknown merchant, street or category;
//   - stage: a funnel step (accepted, mediated, agreed, performed,
//     followed) over the cases closed in the period;
//   - overdue (a day) with room: cases open past their due day then;
//   - recovered: cases closed in the period with an amount recovered;
//   - group: the complaints of a group dispute.
type CaseQuery struct {
	Filter
	Merchant, Street string
	Stage            string
	Overdue          string
	Room             string
	Recovered        bool
	Group            string
	Limit, Offset    int
}

// CaseQueryOf reads a case query from a URL query (the links the
// dashboards give).
func CaseQueryOf(v url.Values) CaseQuery {
	return CaseQuery{Filter: Filter{Unit: v.Get("unit"), From: v.Get("from"), To: v.Get("to"), Channel: v.Get("channel"), Category: v.Get("category")},
		Merchant: strings.TrimSpace(v.Get("merchant")), Street: strings.TrimSpace(v.Get("street")), Stage: strings.TrimSpace(v.Get("stage")),
		Overdue: strings.TrimSpace(v.Get("overdue")), Room: strings.TrimSpace(v.Get("room")), Recovered: v.Get("recovered") != "",
		Group: strings.TrimSpace(v.Get("group"))}
}

// CasePage is one page of the cases behind a figure; Total equals the figure.
type CasePage struct {
	Scope Scope
	Label string // what the figure is, in words
	Total int
	IDs   []int64
	Cases []store.Case
}

// Cases lists the cases behind a figure, paged, within the viewer's scope.
func (s *Service) Cases(ctx context.Context, p *auth.Principal, q CaseQuery) (CasePage, error) {
	f := q.Filter
	category := strings.TrimSpace(f.Category)
	if category == "-" {
		f.Category = ""
	}
	sc, err := s.resolve(ctx, p, f, DashboardDays)
	if err != nil {
		return CasePage{}, err
	}
	if category == "-" {
		sc.Category = "-"
	}
	limit := q.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	var errs []*domain.FieldError
	var roomID int64
	if q.Room != "" {
		id, err := strconv.ParseInt(q.Room, 10, 64)
		switch {
		case err != nil || id < 0:
			errs = append(errs, &domain.FieldError{Field: "room", Message: "room 应为工作室编号"})
		case id != 0 && !hasRoom(sc, id):
			return CasePage{}, access.NotFound("该单位下没有这个工作室")
		case sc.roomID != 0 && id != sc.roomID:
			return CasePage{}, access.NotFound("该单位下没有这个工作室")
		}
		roomID = id
	}
	if len(errs) > 0 {
		return CasePage{}, &access.ValidationError{Fields: errs}
	}
	if _, err := s.refresh(ctx); err != nil {
		return CasePage{}, err
	}
	page := CasePage{Scope: sc}
	per := sc.Period.From.String() + " 至 " + sc.Period.To.String()
	var ids []int64
	switch {
	case q.Group != "":
		ids, page.Label, err = s.groupCases(ctx, sc, q.Group)
	case q.Stage != "":
		ids, page.Label, err = s.stageCases(ctx, sc, q.Stage, roomID, q.Room != "")
	case q.Overdue != "":
		ids, page.Label, err = s.overdueCases(ctx, sc, q.Overdue, roomID, q.Room != "")
	case q.Recovered:
		ids, err = s.evalCases(ctx, sc, "closure", sc.Period, roomID, q.Room != "", func(f evaluation.Facts) bool {
			return f.Outcome != evaluation.OutcomeMerged && f.RecoveredFen != 0
		})
		page.Label = per + " 办结且有挽回经济损失的案件"
	default:
		return s.receivedCases(ctx, sc, q, roomID, limit)
	}
	if err != nil {
		return CasePage{}, err
	}
	page.Total = len(ids)
	if q.Offset < len(ids) {
		page.IDs = ids[q.Offset:min(len(ids), q.Offset+limit)]
	}
	page.Cases, err = s.load(ctx, page.IDs)
	return page, err
}

func hasRoom(sc Scope, id int64) bool {
	_, ok := sc.rooms()[id]
	return ok
}

// load reads a page of cases behind a figure, in the page's order, in one
// read (their rows: the list shows no parties).
func (s *Service) load(ctx context.Context, ids []int64) ([]store.Case, error) {
	cases, err := s.Store.CaseRowsOf(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load the cases behind a figure: %w", err)
	}
	out := make([]store.Case, 0, len(ids))
	for _, id := range ids {
		c, ok := cases[id]
		if !ok {
			return nil, fmt.Errorf("load case %d behind a figure: %w", id, store.ErrNotFound)
		}
		out = append(out, c)
	}
	return out, nil
}

// receivedCases are the complaints received, from the analysis facts.
func (s *Service) receivedCases(ctx context.Context, sc Scope, q CaseQuery, roomID int64, limit int) (CasePage, error) {
	aq := sc.countQuery(sc.Period, "")
	if q.Room != "" {
		aq.RoomID = roomID
	}
	words := []string{sc.Period.From.String() + " 至 " + sc.Period.To.String() + " 收到的投诉"}
	if sc.Category == "-" {
		aq.Category, aq.Unknown = "", "category"
		words = append(words, "纠纷类别：未分类")
	}
	switch q.Merchant {
	case "":
	case "-":
		aq.Unknown = "merchant"
		words = append(words, "经营者：未填写")
	default:
		aq.MerchantKey = q.Merchant
		id, _ := hotspot.MerchantOf(q.Merchant)
		names, err := s.Store.MerchantNames(ctx, []int64{id})
		if err != nil {
			return CasePage{}, err
		}
		words = append(words, "经营者："+merchantLabel(q.Merchant, names))
	}
	switch q.Street {
	case "":
	case "-":
		aq.Unknown = "street"
		words = append(words, "街镇：未识别")
	default:
		aq.Street = q.Street
		words = append(words, "街镇："+q.Street)
	}
	ids, total, err := s.Store.AnalysisCaseIDs(ctx, aq, limit, q.Offset)
	if err != nil {
		return CasePage{}, err
	}
	page := CasePage{Scope: sc, Total: total, IDs: ids, Label: strings.Join(append(words, filterWords(sc)...), " · ")}
	page.Cases, err = s.load(ctx, ids)
	return page, err
}

func filterWords(sc Scope) []string {
	var w []string
	if sc.Channel != "" {
		w = append(w, "来源："+domain.Channel(sc.Channel).Label())
	}
	if sc.Category != "" && sc.Category != "-" {
		w = append(w, "纠纷类别："+sc.Category)
	}
	return w
}

// evalCases are the counted cases whose day of a kind falls in per (the
// evaluation's facts), kept to the filter and to keep.
func (s *Service) evalCases(ctx context.Context, sc Scope, day string, per hotspot.Period, roomID int64, byRoom bool, keep func(evaluation.Facts) bool) ([]int64, error) {
	fq := store.EvalFactQuery{Committees: sc.committees, RoomID: sc.roomID, Day: day, From: per.From.String(), To: per.To.String()}
	if byRoom && roomID != 0 {
		fq.RoomID = roomID
	}
	rows, err := s.Store.EvalFacts(ctx, fq)
	if err != nil {
		return nil, fmt.Errorf("cases behind a figure: %w", err)
	}
	var ids []int64
	for _, r := range rows {
		if byRoom && r.RoomID != roomID {
			continue
		}
		if sc.Channel != "" && r.Channel != sc.Channel {
			continue
		}
		switch {
		case sc.Category == "-" && r.Category != "", sc.Category != "" && sc.Category != "-" && r.Category != sc.Category:
			continue
		}
		var f evaluation.Facts
		if err := json.Unmarshal([]byte(r.Facts), &f); err != nil {
			return nil, fmt.Errorf("facts of case %d: %w", r.CaseID, err)
		}
		if keep(f) {
			ids = append(ids, r.CaseID)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// stageIndicator is the evaluation figure a funnel step is.
var stageIndicator = map[string][2]string{
	hotspot.StageAccepted:  {evaluation.IndicatorOnTimeClosure, "denominator"},
	hotspot.StageMediated:  {evaluation.IndicatorSuccess, "denominator"},
	hotspot.StageAgreed:    {evaluation.IndicatorSuccess, "numerator"},
	hotspot.StagePerformed: {evaluation.IndicatorPerformance, "numerator"},
	hotspot.StageFollowed:  {evaluation.IndicatorFollowUp, "numerator"},
}

func (s *Service) stageCases(ctx context.Context, sc Scope, stage string, roomID int64, byRoom bool) ([]int64, string, error) {
	ind, ok := stageIndicator[stage]
	st, _ := hotspot.StageByCode(stage)
	if !ok {
		return nil, "", &access.ValidationError{Fields: []*domain.FieldError{{Field: "stage",
			Message: fmt.Sprintf("环节“%s”无效：stage 应为 accepted（受理）、mediated（调解）、agreed（协议）、performed（履行）或 followed（回访）", stage)}}}
	}
	var facts []evaluation.Facts
	if _, err := s.evalCases(ctx, sc, "closure", sc.Period, roomID, byRoom, func(f evaluation.Facts) bool {
		facts = append(facts, f)
		return false
	}); err != nil {
		return nil, "", err
	}
	ids, _ := evaluation.Members(evaluation.DefaultScheme(), ind[0], ind[1], facts, evaluation.Period{From: sc.Period.From, To: sc.Period.To})
	slices.Sort(ids)
	label := fmt.Sprintf("%s 至 %s 办结的案件 · 办理漏斗“%s”：%s", sc.Period.From, sc.Period.To, st.Name, st.Explain)
	return ids, strings.Join(append([]string{label}, filterWords(sc)...), " · "), nil
}

func (s *Service) overdueCases(ctx context.Context, sc Scope, at string, roomID int64, byRoom bool) ([]int64, string, error) {
	d, err := calendar.ParseDate(at)
	if err != nil || d.String() != at {
		return nil, "", &access.ValidationError{Fields: []*domain.FieldError{{Field: "overdue", Message: fmt.Sprintf("日期“%s”无效，格式为 YYYY-MM-DD", at)}}}
	}
	ids, err := s.evalCases(ctx, sc, "overdue", hotspot.Period{From: d, To: d}, roomID, byRoom, func(f evaluation.Facts) bool {
		from, until, ok := f.OverdueSpan()
		return ok && !from.After(d) && (until == nil || until.After(d))
	})
	label := fmt.Sprintf("%s 日终仍未办结且已超过办理期限的案件", d)
	return ids, strings.Join(append([]string{label}, filterWords(sc)...), " · "), err
}

func (s *Service) groupCases(ctx context.Context, sc Scope, group string) ([]int64, string, error) {
	id, err := strconv.ParseInt(group, 10, 64)
	if err != nil || id <= 0 {
		return nil, "", &access.ValidationError{Fields: []*domain.FieldError{{Field: "group", Message: "group 应为群体性纠纷编号"}}}
	}
	g, err := s.Store.GetGroup(ctx, id)
	if err != nil || !slices.Contains(sc.committees, g.CommitteeID) || sc.roomID != 0 {
		return nil, "", access.NotFound("该单位下没有这个群体性纠纷")
	}
	var ids []int64
	for _, m := range g.Members {
		ids = append(ids, m.CaseID)
	}
	slices.Sort(ids)
	return ids, "群体性纠纷“" + g.Title + "”的投诉", nil
}
