package scorecard

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Query asks for the scores of one level of subjects under a unit.
type Query struct {
	Unit     string // org unit code, e.g. pd-cmt
	Level    string // mediator | room | committee
	From, To string // YYYY-MM-DD
}

// Row is one subject's result.
type Row struct {
	Subject evaluation.Subject
	Result  evaluation.Result
	Rank    int
	Reason  string // why not ranked
}

// Scores is the answer: the scheme used and one row per subject, ranked.
type Scores struct {
	Unit   store.OrgUnit
	Level  string
	Period Period
	Scheme evaluation.Scheme
	Rows   []Row
	// Pending counts events not yet in the figures (normally 0: reads
	// catch up first).
	Pending int64
}

// Scores computes the level's scores over the period under the scheme in
// force on its first day.
func (s *Service) Scores(ctx context.Context, p *auth.Principal, q Query) (Scores, error) {
	v, err := s.resolve(ctx, p, q.Unit)
	if err != nil {
		return Scores{}, err
	}
	level, err := v.levelFor(q.Level)
	if err != nil {
		return Scores{}, err
	}
	per, err := parsePeriod(q.From, q.To, s.today())
	if err != nil {
		return Scores{}, err
	}
	scheme, _, err := s.schemeFor(ctx, v, per.From)
	if err != nil {
		return Scores{}, err
	}
	return s.scores(ctx, v, level, per, scheme)
}

// syncLimit is the most pending cases a read catches up on before it
// answers; beyond it (a bulk import, a rebuild in progress) the read
// answers from the rollups as they are and says that more than this many
// are pending (PendingText), while the sweep catches up.
const syncLimit = store.PendingCap

// refresh brings the rollups up to the last committed event before a read,
// so a figure never lags the case it counts. It returns how many cases are
// still pending (0 normally).
func (s *Service) refresh(ctx context.Context) (int64, error) {
	n, err := s.Store.EvalPending(ctx)
	if err != nil || n == 0 {
		return 0, err
	}
	if n > syncLimit {
		return n, nil
	}
	if _, err = s.CatchUp(ctx); err != nil {
		return n, err
	}
	return s.Store.EvalPending(ctx)
}

func (s *Service) scores(ctx context.Context, v view, level string, per Period, scheme evaluation.Scheme) (Scores, error) {
	pending, err := s.refresh(ctx)
	if err != nil {
		return Scores{}, err
	}
	out := Scores{Unit: v.unit, Level: level, Period: per, Scheme: scheme, Pending: pending}
	q := store.EvalQuery{Committees: v.committees, RoomID: v.roomID, MediatorID: v.selfOnly,
		From: per.From.String(), To: per.To.String(), GroupBy: level}
	period, err := s.Store.EvalSums(ctx, q)
	if err != nil {
		return out, fmt.Errorf("sum the period: %w", err)
	}
	q.From = "2000-01-01" // running sums (open and overdue at the period's end)
	q.Counters = evaluation.CumulativeCounters()
	running, err := s.Store.EvalSums(ctx, q)
	if err != nil {
		return out, fmt.Errorf("sum to the period's end: %w", err)
	}
	tallies := map[string]evaluation.Tally{}
	for _, r := range period {
		tallies[r.Key] = evaluation.Tally(r.Counters)
		for c := range r.Counters {
			if evaluation.IsCumulative(c) {
				delete(tallies[r.Key], c)
			}
		}
	}
	for _, r := range running {
		t := tallies[r.Key]
		for c, n := range r.Counters {
			if evaluation.IsCumulative(c) && n != 0 {
				if t == nil {
					t = evaluation.Tally{}
					tallies[r.Key] = t
				}
				t[c] = n
			}
		}
	}
	subjects, err := s.subjects(ctx, v, level, tallies)
	if err != nil {
		return out, err
	}
	ep := evaluation.Period{From: per.From, To: per.To}
	var rows []evaluation.Row
	results := map[int64]evaluation.Result{}
	for _, sub := range subjects {
		res := evaluation.ScoreTally(scheme, tallies[strconv.FormatInt(sub.ID, 10)], ep)
		results[sub.ID] = res
		rows = append(rows, evaluation.Row{Subject: sub, Total: res.Total, Band: res.Band, Cases: res.Cases, Scored: res.Scored})
	}
	for _, r := range evaluation.Rank(rows, scheme.MinCases).Rows {
		out.Rows = append(out.Rows, Row{Subject: r.Subject, Result: results[r.Subject.ID], Rank: r.Rank, Reason: r.Reason})
	}
	return out, nil
}

// subjects lists who is scored at a level: every committee or room under
// the unit, and every mediator with figures in it (a mediator is known by
// their cases, wherever they are bound).
func (s *Service) subjects(ctx context.Context, v view, level string, tallies map[string]evaluation.Tally) ([]evaluation.Subject, error) {
	var out []evaluation.Subject
	switch level {
	case LevelCommittee:
		for _, u := range v.units {
			if slices.Contains(v.committees, u.ID) {
				out = append(out, evaluation.Subject{Kind: level, ID: u.ID, Name: u.Name})
			}
		}
	case LevelRoom:
		for _, u := range v.units {
			if isRoom(u.Kind) && slices.Contains(v.committees, u.ParentID) && (v.roomID == 0 || v.roomID == u.ID) {
				out = append(out, evaluation.Subject{Kind: level, ID: u.ID, Name: u.Name})
			}
		}
	case LevelMediator:
		var ids []int64
		for k := range tallies {
			if id, _ := strconv.ParseInt(k, 10, 64); id != 0 {
				ids = append(ids, id)
			}
		}
		if v.selfOnly != 0 && !slices.Contains(ids, v.selfOnly) {
			ids = append(ids, v.selfOnly)
		}
		slices.Sort(ids)
		for _, id := range ids {
			name, err := s.userName(ctx, id)
			if err != nil {
				return nil, err
			}
			out = append(out, evaluation.Subject{Kind: level, ID: id, Name: name})
		}
	}
	return out, nil
}

// names caches users' display names (they rarely change; a stale name
// costs nothing but a label).
type names struct {
	mu sync.Mutex
	m  map[int64]string
}

func (s *Service) userName(ctx context.Context, id int64) (string, error) {
	s.names.mu.Lock()
	if n, ok := s.names.m[id]; ok {
		s.names.mu.Unlock()
		return n, nil
	}
	s.names.mu.Unlock()
	u, err := s.Store.GetUser(ctx, id)
	if err != nil {
		return "", fmt.Errorf("mediator %d: %w", id, err)
	}
	name := u.DisplayName
	if name == "" {
		name = u.Username
	}
	s.names.mu.Lock()
	if s.names.m == nil {
		s.names.m = map[int64]string{}
	}
	s.names.m[id] = name
	s.names.mu.Unlock()
	return name, nil
}

// CasesQuery asks for the cases behind one figure.
type CasesQuery struct {
	Query
	Subject   string // "mediator:12", "room:5", "committee:3"; "" = the whole unit
	Indicator string // an indicator or deduction code
	Part      string // numerator | denominator (indicators); deduction (deductions)
	Limit     int
	Offset    int
}

// CasesPage is one page of the cases behind a figure; Total equals the figure.
type CasesPage struct {
	IDs    []int64
	Cases  []store.Case // the page's cases, in IDs' order
	Total  int
	Label  string // what the figure is, in words
	Scheme evaluation.Scheme
}

// dayOf is the day each figure counts a case by.
var dayOf = map[string]string{
	evaluation.IndicatorOnTimeAcceptance: "decided", evaluation.IndicatorOnTimeClosure: "closure",
	evaluation.IndicatorSuccess: "closure", evaluation.IndicatorPerformance: "closure", evaluation.IndicatorFollowUp: "closure",
	evaluation.IndicatorSatisfaction: "closure", evaluation.IndicatorFileQuality: "closure", evaluation.IndicatorTimelyEntry: "received",
	evaluation.DeductionOverdue: "overdue", evaluation.DeductionReturned: "returned", evaluation.DeductionDissatisfied: "follow_up",
}

// Cases lists the cases behind a figure, paged.
func (s *Service) Cases(ctx context.Context, p *auth.Principal, q CasesQuery) (CasesPage, error) {
	v, err := s.resolve(ctx, p, q.Unit)
	if err != nil {
		return CasesPage{}, err
	}
	per, err := parsePeriod(q.From, q.To, s.today())
	if err != nil {
		return CasesPage{}, err
	}
	dayKind, ok := dayOf[q.Indicator]
	if !ok {
		return CasesPage{}, &access.ValidationError{Fields: []*domain.FieldError{{Field: "indicator", Message: fmt.Sprintf("指标“%s”不存在", q.Indicator)}}}
	}
	isDeduction := evaluation.DeductionName(q.Indicator) != ""
	switch {
	case isDeduction && q.Part == "":
		q.Part = "deduction"
	case !isDeduction && q.Part != "numerator" && q.Part != "denominator":
		return CasesPage{}, &access.ValidationError{Fields: []*domain.FieldError{{Field: "part", Message: "part 应为 numerator（分子）或 denominator（分母）"}}}
	case isDeduction && q.Part != "deduction":
		return CasesPage{}, &access.ValidationError{Fields: []*domain.FieldError{{Field: "part", Message: "扣分项的 part 应为 deduction"}}}
	}
	fq := store.EvalFactQuery{Committees: v.committees, RoomID: v.roomID, MediatorID: v.selfOnly, Day: dayKind,
		From: per.From.String(), To: per.To.String()}
	if q.Subject != "" {
		kind, idStr, _ := cutColon(q.Subject)
		id, err := strconv.ParseInt(idStr, 10, 64)
		if err != nil || id <= 0 {
			return CasesPage{}, &access.ValidationError{Fields: []*domain.FieldError{{Field: "subject", Message: "subject 应为 mediator:ID、room:ID 或 committee:ID"}}}
		}
		switch kind {
		case LevelMediator:
			if v.selfOnly != 0 && id != v.selfOnly {
				return CasesPage{}, access.Forbidden("调解员只能查看本人的案件")
			}
			fq.MediatorID = id
		case LevelRoom:
			if v.selfOnly != 0 || !v.holdsRoom(id) {
				return CasesPage{}, access.NotFound("该单位下没有这个工作室")
			}
			fq.RoomID = id
		case LevelCommittee:
			if v.selfOnly != 0 || !slices.Contains(v.committees, id) {
				return CasesPage{}, access.NotFound("该单位下没有这个调委会")
			}
			fq.Committees = []int64{id}
		default:
			return CasesPage{}, &access.ValidationError{Fields: []*domain.FieldError{{Field: "subject", Message: "subject 应为 mediator:ID、room:ID 或 committee:ID"}}}
		}
	}
	scheme, _, err := s.schemeFor(ctx, v, per.From)
	if err != nil {
		return CasesPage{}, err
	}
	if _, err := s.refresh(ctx); err != nil {
		return CasesPage{}, err
	}
	rows, err := s.Store.EvalFacts(ctx, fq)
	if err != nil {
		return CasesPage{}, fmt.Errorf("cases behind %s: %w", q.Indicator, err)
	}
	facts := make([]evaluation.Facts, 0, len(rows))
	for _, r := range rows {
		var f evaluation.Facts
		if err := json.Unmarshal([]byte(r.Facts), &f); err != nil {
			return CasesPage{}, fmt.Errorf("facts of case %d: %w", r.CaseID, err)
		}
		facts = append(facts, f)
	}
	ids, _ := evaluation.Members(scheme, q.Indicator, q.Part, facts, evaluation.Period{From: per.From, To: per.To})
	out := CasesPage{Total: len(ids), Scheme: scheme, Label: figureLabel(q.Indicator, q.Part)}
	limit := q.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	if q.Offset < len(ids) {
		out.IDs = ids[q.Offset:min(len(ids), q.Offset+limit)]
	}
	if out.Cases, err = s.loadCases(ctx, out.IDs); err != nil {
		return CasesPage{}, err
	}
	return out, nil
}

func figureLabel(code, part string) string {
	name := evaluation.IndicatorName(code)
	if name == "" {
		return evaluation.DeductionName(code) + "（扣分案件）"
	}
	if part == "numerator" {
		return name + "（分子）"
	}
	return name + "（分母）"
}

func cutColon(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return s[:i], s[i+1:], true
		}
	}
	return "", s, false
}

func (v view) holdsRoom(id int64) bool {
	for _, u := range v.units {
		if u.ID == id && isRoom(u.Kind) && slices.Contains(v.committees, u.ParentID) && (v.roomID == 0 || v.roomID == id) {
			return true
		}
	}
	return false
}

// monthDays is the first and last day of the month holding d.
func monthDays(d calendar.Date) Period {
	first := calendar.Date{Year: d.Year, Month: d.Month, Day: 1}
	next := first.AddDays(40)
	return Period{From: first, To: calendar.Date{Year: next.Year, Month: next.Month, Day: 1}.AddDays(-1)}
}

// PendingText says how many cases' changes the figures do not count yet:
// "12 件", or "2000 件以上" past the backlog the store counts.
func PendingText(n int64) string {
	if n > store.PendingCap {
		return fmt.Sprintf("%d 件以上", store.PendingCap)
	}
	return fmt.Sprintf("%d 件", n)
}
