package analysis

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/hotspot"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Default periods: the dashboard shows 90 days, a hot list 30 (the window
// of the 12315 public board).
const (
	DashboardDays = 90
	HotListDays   = 30
)

// Cases is the query of the case list behind a figure (for
// /analysis/cases and /api/v1/analysis/cases).
type Cases = url.Values

// link is the case list of the scope's filter over per, plus extra pairs.
func (sc Scope) link(per hotspot.Period, extra ...string) Cases {
	v := url.Values{"unit": {sc.Unit.Code}, "from": {per.From.String()}, "to": {per.To.String()}}
	if sc.Channel != "" {
		v.Set("channel", sc.Channel)
	}
	if sc.Category != "" {
		v.Set("category", sc.Category)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

// Intake is the daily intake of a period with its moving averages.
type Intake struct {
	Days   []calendar.Date
	Counts []int64
	MA7    []*float64
	MA28   []*float64
	Total  int64
	Links  []Cases
}

// Intake reads the complaints received per day (the evaluation's 收到)
// with 7- and 28-day moving averages.
func (s *Service) Intake(ctx context.Context, p *auth.Principal, f Filter) (Scope, Intake, error) {
	sc, err := s.resolve(ctx, p, f, DashboardDays)
	if err != nil {
		return sc, Intake{}, err
	}
	if _, err := s.refresh(ctx); err != nil {
		return sc, Intake{}, err
	}
	in, err := s.intake(ctx, sc)
	return sc, in, err
}

func (s *Service) intake(ctx context.Context, sc Scope) (Intake, error) {
	lead := 27 // the 28-day average of the first day shown
	read := hotspot.Period{From: sc.Period.From.AddDays(-lead), To: sc.Period.To}
	rows, err := s.Store.AnalysisEvalSums(ctx, sc.evalQuery(read, "day", "received"))
	if err != nil {
		return Intake{}, fmt.Errorf("daily intake: %w", err)
	}
	by := map[string]int64{}
	for _, r := range rows {
		by[r.Key] = r.Counters["received"]
	}
	var series []int64
	for d := read.From; !d.After(read.To); d = d.AddDays(1) {
		series = append(series, by[d.String()])
	}
	ma7, ma28 := hotspot.MovingAverage(series, 7), hotspot.MovingAverage(series, 28)
	out := Intake{MA7: ma7[lead:], MA28: ma28[lead:], Counts: series[lead:]}
	for d := sc.Period.From; !d.After(sc.Period.To); d = d.AddDays(1) {
		out.Days = append(out.Days, d)
		out.Links = append(out.Links, sc.link(hotspot.Period{From: d, To: d}))
	}
	for _, n := range out.Counts {
		out.Total += n
	}
	return out, nil
}

// HotList is a ranked list of merchants, categories or streets.
type HotList struct {
	By, Order              string
	Period, Prev, LastYear hotspot.Period
	Rows                   []HotRow
	Total                  int64 // complaints received in the period (all subjects)
	GrowthFloor            int64 // fewest complaints a subject needs to be listed by growth
}

// HotRow is one subject with the case lists behind its three counts.
type HotRow struct {
	hotspot.Row
	Link, PrevLink, LastYearLink Cases
}

// Hot-list subjects.
const (
	ByMerchant = "merchant"
	ByCategory = "category"
	ByStreet   = "street"
)

// Hotspots ranks merchants, categories or streets by complaints received
// in the period, with the previous window and the same window last year.
func (s *Service) Hotspots(ctx context.Context, p *auth.Principal, f Filter, by, order string, limit int) (Scope, HotList, error) {
	var errs []*domain.FieldError
	switch by {
	case ByMerchant, ByCategory, ByStreet:
	case "":
		by = ByMerchant
	default:
		errs = append(errs, &domain.FieldError{Field: "by", Message: fmt.Sprintf("“%s”无效：by 应为 merchant（经营者）、category（纠纷类别）或 street（街镇）", by)})
	}
	switch order {
	case hotspot.ByCount, hotspot.ByGrowth:
	case "":
		order = hotspot.ByCount
	default:
		errs = append(errs, &domain.FieldError{Field: "order", Message: fmt.Sprintf("“%s”无效：order 应为 count（按数量）或 growth（按增速）", order)})
	}
	if limit < 0 || limit > 500 {
		errs = append(errs, &domain.FieldError{Field: "limit", Message: "limit 应在 1 至 500 之间"})
	}
	if len(errs) > 0 {
		return Scope{}, HotList{}, &access.ValidationError{Fields: errs}
	}
	sc, err := s.resolve(ctx, p, f, HotListDays)
	if err != nil {
		return sc, HotList{}, err
	}
	if _, err := s.refresh(ctx); err != nil {
		return sc, HotList{}, err
	}
	hl, err := s.hotspots(ctx, sc, by, order, limit)
	return sc, hl, err
}

func (s *Service) hotspots(ctx context.Context, sc Scope, by, order string, limit int) (HotList, error) {
	hl, rows, err := s.hotCounts(ctx, sc, by, limit, order == hotspot.ByGrowth)
	if err != nil {
		return hl, err
	}
	return s.hotRank(ctx, sc, hl, rows, order, limit)
}

// hotCounts reads the subjects' counts in the window, then in the previous
// window and the same window last year for the subjects that can be
// listed: with want = 0 every subject; else those a list of want by count
// can show (the want-th's count and above: a tie is broken by growth) and,
// with growth, those a list by growth can show (GrowthFloor and above).
// The later reads name the subjects, so they seek instead of scanning the
// window's rows again. A committee-wide list (no room, no category
// filter) reads the narrow subject rollups (hotSubjects).
func (s *Service) hotCounts(ctx context.Context, sc Scope, by string, want int, growth bool) (HotList, []hotspot.Row, error) {
	hl := HotList{By: by, Period: sc.Period, Prev: hotspot.Previous(sc.Period), LastYear: hotspot.LastYear(sc.Period)}
	if q, ok := sc.subjectQuery(sc.Period, by); ok {
		return s.hotSubjects(ctx, hl, q, want, growth)
	}
	counts := func(per hotspot.Period, keys []string) (map[string][2]int64, error) {
		out := map[string][2]int64{}
		if by == ByCategory {
			rows, err := s.Store.AnalysisEvalSums(ctx, sc.evalQuery(per, "category", "received", "claim_fen"))
			if err != nil {
				return nil, err
			}
			for _, r := range rows {
				if r.Counters["received"] != 0 {
					out[r.Key] = [2]int64{r.Counters["received"], r.Counters["claim_fen"]}
				}
			}
			return out, nil
		}
		q := sc.countQuery(per, by)
		q.Keys = keys
		rows, err := s.Store.AnalysisCounts(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if r.Received != 0 {
				out[r.Key] = [2]int64{r.Received, r.ClaimFen}
			}
		}
		return out, nil
	}
	cur, err := counts(hl.Period, nil)
	if err != nil {
		return hl, nil, fmt.Errorf("hot list: %w", err)
	}
	floor := hl.total(cur, growth)
	keys := hotspot.Candidates(cur, want, floor)
	if by == ByCategory || len(keys) == len(cur) || len(keys) > maxSeekKeys {
		keys = nil // every subject: one scan is cheaper than the seeks
	}
	prev, err := counts(hl.Prev, keys)
	if err != nil {
		return hl, nil, fmt.Errorf("hot list, previous window: %w", err)
	}
	year, err := counts(hl.LastYear, keys)
	if err != nil {
		return hl, nil, fmt.Errorf("hot list, last year: %w", err)
	}
	return hl, hotRows(cur, prev, year, keys), nil
}

// total adds up the period's complaints over every subject of counts and
// sets the growth list's floor; it returns that floor when the list is
// asked by growth, else 0.
func (hl *HotList) total(counts map[string][2]int64, growth bool) int64 {
	for _, v := range counts {
		hl.Total += v[0]
	}
	hl.GrowthFloor = hotspot.GrowthFloor(hl.Total)
	if !growth {
		return 0
	}
	return hl.GrowthFloor
}

// hotRows joins a window's counts with the other two windows' for the
// listed subjects (keys nil: all of them).
func hotRows(cur, prev, year map[string][2]int64, keys []string) []hotspot.Row {
	listed := map[string]bool{}
	for _, k := range keys {
		listed[k] = true
	}
	rows := make([]hotspot.Row, 0, len(cur))
	for k, v := range cur {
		if keys != nil && !listed[k] {
			continue // cannot be listed: its other windows were not read
		}
		rows = append(rows, hotspot.Row{Key: k, Count: v[0], ClaimFen: v[1], Prev: prev[k][0], LastYear: year[k][0]})
	}
	hotspot.Fill(rows)
	return rows
}

// hotSubjects is hotCounts from the subject rollups, committee-wide. The
// period's total is the sum over streets (every complaint has one, ""
// when unknown: forty-odd rows). For a short list of merchants it reads
// only the merchants that can reach it: a first guess — the want
// merchants busiest in one of the period's months — gives a count the
// list's last row reaches at least (floor); a merchant with floor
// complaints in the period has at least floor ÷ (months × committees) in
// one committee's month, so those merchants (a short index range per
// month) are every one the list can show, and only they are counted.
func (s *Service) hotSubjects(ctx context.Context, hl HotList, q store.AnalysisSubjectQuery, want int, growth bool) (HotList, []hotspot.Row, error) {
	sums := func(q store.AnalysisSubjectQuery) (map[string][2]int64, error) {
		rows, err := s.Store.AnalysisSubjectCounts(ctx, q)
		if err != nil {
			return nil, err
		}
		out := make(map[string][2]int64, len(rows))
		for _, r := range rows {
			if r.Received != 0 {
				out[r.Key] = [2]int64{r.Received, r.ClaimFen}
			}
		}
		return out, nil
	}
	streetQ := q
	streetQ.Kind = ByStreet
	streets, err := sums(streetQ)
	if err != nil {
		return hl, nil, fmt.Errorf("hot list, total: %w", err)
	}
	gfloor := hl.total(streets, growth)
	cur := streets
	switch q.Kind {
	case ByCategory:
		if cur, err = sums(q); err != nil {
			return hl, nil, fmt.Errorf("hot list: %w", err)
		}
	case ByMerchant:
		q.Keys, err = s.busySubjects(ctx, q, hl.Period, want, gfloor)
		if err != nil {
			return hl, nil, fmt.Errorf("hot list: %w", err)
		}
		if cur, err = sums(q); err != nil {
			return hl, nil, fmt.Errorf("hot list: %w", err)
		}
	}
	keys := hotspot.Candidates(cur, want, gfloor)
	if len(keys) > maxSeekKeys {
		keys = nil
	}
	other := func(per hotspot.Period) (map[string][2]int64, error) {
		oq := q
		oq.From, oq.To, oq.Keys = per.From.String(), per.To.String(), keys
		if oq.Keys == nil && len(cur) > 0 && q.Keys != nil {
			oq.Keys = q.Keys // the subjects counted this window, whatever their number
		}
		return sums(oq)
	}
	prev, err := other(hl.Prev)
	if err != nil {
		return hl, nil, fmt.Errorf("hot list, previous window: %w", err)
	}
	year, err := other(hl.LastYear)
	if err != nil {
		return hl, nil, fmt.Errorf("hot list, last year: %w", err)
	}
	return hl, hotRows(cur, prev, year, keys), nil
}

// busySubjects are the merchants a list of want by count (and, with a
// growth floor, the merchants with at least that many complaints) can
// show, or nil for every merchant (want = 0, or a scope of every
// committee, whose number the bound needs).
func (s *Service) busySubjects(ctx context.Context, q store.AnalysisSubjectQuery, per hotspot.Period, want int, gfloor int64) ([]string, error) {
	if want <= 0 || len(q.Committees) == 0 {
		return nil, nil
	}
	// Twice as many seeds as places: the want-th of their counts is a
	// tighter floor than the least of want.
	seeds, err := s.Store.AnalysisBusySubjects(ctx, q, 1, 2*want)
	if err != nil {
		return nil, err
	}
	floor := int64(1)
	sq := q
	sq.Keys = seeds
	rows, err := s.Store.AnalysisSubjectCounts(ctx, sq)
	if err != nil {
		return nil, err
	}
	if len(rows) >= want {
		ns := make([]int64, len(rows))
		for i, r := range rows {
			ns[i] = r.Received
		}
		slices.SortFunc(ns, func(a, b int64) int { return cmp.Compare(b, a) })
		floor = ns[want-1]
	}
	if gfloor > 0 {
		floor = min(floor, gfloor)
	}
	months := int64(len(hotspot.Months(per)))
	parts := months * int64(len(q.Committees))
	atLeast := max(1, (floor+parts-1)/parts) // floor ÷ parts, rounded up
	keys, err := s.Store.AnalysisBusySubjects(ctx, q, atLeast, 0)
	if err != nil {
		return nil, err
	}
	if len(keys) > 2*want {
		// Their whole months (a few rows each) bound what each can have in
		// the period: only those whose months reach the floor are counted.
		months := hotspot.Months(per)
		last := months[len(months)-1]
		uq := q
		uq.From, uq.To, uq.Keys = months[0].String(), last.AddDays(40).AddDays(-(last.AddDays(40).Day)).String(), keys
		bound, err := s.Store.AnalysisSubjectCounts(ctx, uq)
		if err != nil {
			return nil, err
		}
		keys = keys[:0]
		for _, b := range bound {
			if b.Received >= floor {
				keys = append(keys, b.Key)
			}
		}
	}
	if keys == nil {
		keys = []string{}
	}
	return keys, nil
}

// maxSeekKeys is the most subjects whose other windows are read by name;
// beyond it reading the windows whole is cheaper.
const maxSeekKeys = 400

// hotRank ranks the subjects, names them and links their case lists.
func (s *Service) hotRank(ctx context.Context, sc Scope, hl HotList, rows []hotspot.Row, order string, limit int) (HotList, error) {
	by := hl.By
	hl.Order = order
	rows = hotspot.Rank(rows, order, hl.GrowthFloor, limit)
	var ids []int64
	for _, r := range rows {
		if id, _ := hotspot.MerchantOf(r.Key); by == ByMerchant && id > 0 {
			ids = append(ids, id)
		}
	}
	names, err := s.Store.MerchantNames(ctx, ids)
	if err != nil {
		return hl, err
	}
	for _, r := range rows {
		param, value := by, r.Key
		switch by {
		case ByMerchant:
			r.Label = merchantLabel(r.Key, names)
			if r.Key == "" {
				value = "-"
			}
		case ByStreet:
			r.Label = r.Key
			if r.Key == "" {
				r.Label, value = "未识别街镇", "-"
			}
		case ByCategory:
			r.Label = r.Key
			if r.Key == "" {
				r.Label, value = "未分类", "-"
			}
		}
		hr := HotRow{Row: r}
		hr.Link = sc.link(hl.Period, param, value)
		hr.PrevLink = sc.link(hl.Prev, param, value)
		hr.LastYearLink = sc.link(hl.LastYear, param, value)
		if by == ByCategory {
			for _, l := range []Cases{hr.Link, hr.PrevLink, hr.LastYearLink} {
				l.Del("by")
				l.Set("category", r.Key)
				if r.Key == "" {
					l.Set("category", "-")
				}
			}
		}
		hl.Rows = append(hl.Rows, hr)
	}
	return hl, nil
}

// FunnelStep is one step of 收到→受理→调解→协议→履行→回访.
type FunnelStep struct {
	hotspot.Stage
	N    int64
	Link Cases
}

// Funnel reads the funnel from the evaluation counters.
func (s *Service) Funnel(ctx context.Context, p *auth.Principal, f Filter) (Scope, []FunnelStep, error) {
	sc, err := s.resolve(ctx, p, f, DashboardDays)
	if err != nil {
		return sc, nil, err
	}
	if _, err := s.refresh(ctx); err != nil {
		return sc, nil, err
	}
	steps, err := s.funnel(ctx, sc)
	return sc, steps, err
}

func (s *Service) funnel(ctx context.Context, sc Scope) ([]FunnelStep, error) {
	var counters []string
	for _, st := range hotspot.Stages {
		if st.Counter != "" {
			counters = append(counters, st.Counter)
		}
		counters = append(counters, st.Counters...)
	}
	slices.Sort(counters)
	rows, err := s.Store.AnalysisEvalSums(ctx, sc.evalQuery(sc.Period, "", slices.Compact(counters)...))
	if err != nil {
		return nil, fmt.Errorf("funnel: %w", err)
	}
	t := map[string]int64{}
	for _, r := range rows {
		for k, v := range r.Counters {
			t[k] += v
		}
	}
	var out []FunnelStep
	for _, st := range hotspot.Stages {
		l := sc.link(sc.Period)
		if st.Code != hotspot.StageReceived {
			l.Set("stage", st.Code)
		}
		out = append(out, FunnelStep{Stage: st, N: st.Value(t), Link: l})
	}
	return out, nil
}

// Heat is the overdue heat-map: open cases past the mediation due day at
// the end of each week, room by room.
type Heat struct {
	Weeks     []hotspot.Week
	Rooms     []store.OrgUnit // rows; ID 0 is the committee's own desk
	Cells     [][]int64       // [room][week]
	Links     [][]Cases
	Truncated bool // the period had more weeks than shown (the last ones are)
}

// MaxWeeks is the most weeks the heat-map shows (the last of the period).
const MaxWeeks = 26

// Overdue reads the heat-map from the evaluation's overdue_open counter
// (a running sum: +1 on the first overdue day, −1 on closure).
func (s *Service) Overdue(ctx context.Context, p *auth.Principal, f Filter) (Scope, Heat, error) {
	sc, err := s.resolve(ctx, p, f, DashboardDays)
	if err != nil {
		return sc, Heat{}, err
	}
	if _, err := s.refresh(ctx); err != nil {
		return sc, Heat{}, err
	}
	h, err := s.overdue(ctx, sc)
	return sc, h, err
}

func (s *Service) overdue(ctx context.Context, sc Scope) (Heat, error) {
	var h Heat
	h.Weeks = hotspot.Weeks(sc.Period)
	if len(h.Weeks) > MaxWeeks {
		h.Weeks, h.Truncated = h.Weeks[len(h.Weeks)-MaxWeeks:], true
	}
	first := h.Weeks[0].From
	base := map[int64]int64{}
	if start := first.AddDays(-1); !start.Before(calendar.Date{Year: 2000, Month: 1, Day: 1}) {
		rows, err := s.Store.AnalysisEvalSums(ctx, sc.evalQuery(hotspot.Period{From: calendar.Date{Year: 2000, Month: 1, Day: 1}, To: start}, "room", "overdue_open"))
		if err != nil {
			return h, fmt.Errorf("overdue before the period: %w", err)
		}
		for _, r := range rows {
			id, _ := strconv.ParseInt(r.Key, 10, 64)
			base[id] += r.Counters["overdue_open"]
		}
	}
	rows, err := s.Store.AnalysisEvalSums(ctx, sc.evalQuery(hotspot.Period{From: first, To: sc.Period.To}, "room_day", "overdue_open"))
	if err != nil {
		return h, fmt.Errorf("overdue in the period: %w", err)
	}
	moves := map[int64]map[string]int64{}
	for _, r := range rows {
		room, day, _ := strings.Cut(r.Key, "|")
		id, _ := strconv.ParseInt(room, 10, 64)
		if moves[id] == nil {
			moves[id] = map[string]int64{}
		}
		moves[id][day] += r.Counters["overdue_open"]
	}
	ids := map[int64]bool{}
	for id := range base {
		ids[id] = true
	}
	for id := range moves {
		ids[id] = true
	}
	rooms := sc.rooms()
	var order []int64
	for id := range ids {
		order = append(order, id)
	}
	slices.Sort(order)
	for _, id := range order {
		run := base[id]
		cells := make([]int64, len(h.Weeks))
		links := make([]Cases, len(h.Weeks))
		any := false
		wi := 0
		for d := first; !d.After(sc.Period.To); d = d.AddDays(1) {
			run += moves[id][d.String()]
			if d == h.Weeks[wi].To {
				cells[wi] = run
				links[wi] = sc.link(hotspot.Period{From: d, To: d}, "overdue", d.String(), "room", strconv.FormatInt(id, 10))
				any = any || run != 0
				wi++
			}
		}
		if !any {
			continue
		}
		u, ok := rooms[id]
		if !ok {
			u = store.OrgUnit{ID: id, Name: "调委会（未分派工作室）"}
			if id != 0 {
				u.Name = fmt.Sprintf("工作室 %d", id)
			}
		}
		h.Rooms = append(h.Rooms, u)
		h.Cells = append(h.Cells, cells)
		h.Links = append(h.Links, links)
	}
	return h, nil
}

// Amounts are claimed and recovered amounts by month.
type Amounts struct {
	Months                 []calendar.Date
	Claimed, Recovered     []int64 // fen
	ClaimLinks, RecovLinks []Cases
	TotalClaim, TotalRecov int64
}

// Amounts reads claim_fen (by the day of receipt) and recovered_fen (by the
// day of closure) from the evaluation rollups, by month of the period.
func (s *Service) Amounts(ctx context.Context, p *auth.Principal, f Filter) (Scope, Amounts, error) {
	sc, err := s.resolve(ctx, p, f, DashboardDays)
	if err != nil {
		return sc, Amounts{}, err
	}
	if _, err := s.refresh(ctx); err != nil {
		return sc, Amounts{}, err
	}
	a, err := s.amounts(ctx, sc)
	return sc, a, err
}

func (s *Service) amounts(ctx context.Context, sc Scope) (Amounts, error) {
	rows, err := s.Store.AnalysisEvalSums(ctx, sc.evalQuery(sc.Period, "month", "claim_fen", "recovered_fen"))
	if err != nil {
		return Amounts{}, fmt.Errorf("amounts: %w", err)
	}
	by := map[string]map[string]int64{}
	for _, r := range rows {
		by[r.Key] = r.Counters
	}
	var a Amounts
	for _, m := range hotspot.Months(sc.Period) {
		per := hotspot.Period{From: m, To: m.AddDays(40)}
		per.To = calendar.Date{Year: per.To.Year, Month: per.To.Month, Day: 1}.AddDays(-1)
		if per.From.Before(sc.Period.From) {
			per.From = sc.Period.From
		}
		if per.To.After(sc.Period.To) {
			per.To = sc.Period.To
		}
		key := m.String()[:7]
		a.Months = append(a.Months, m)
		a.Claimed = append(a.Claimed, by[key]["claim_fen"])
		a.Recovered = append(a.Recovered, by[key]["recovered_fen"])
		a.TotalClaim += by[key]["claim_fen"]
		a.TotalRecov += by[key]["recovered_fen"]
		a.ClaimLinks = append(a.ClaimLinks, sc.link(per, "claimed", "1"))
		a.RecovLinks = append(a.RecovLinks, sc.link(per, "recovered", "1"))
	}
	return a, nil
}

// Surge is a group dispute formed or a merchant-surge warning raised.
type Surge struct {
	store.AnalysisSurge
	Day  calendar.Date
	Link Cases
}

// surgeWindow is the window a merchant-surge warning looks back over (the
// rule's default): its case list is the merchant's complaints of those days.
const surgeWindow = 7

// Surges lists the period's group disputes and merchant-surge warnings
// (the channel and category filters do not apply to them).
func (s *Service) Surges(ctx context.Context, p *auth.Principal, f Filter) (Scope, []Surge, error) {
	sc, err := s.resolve(ctx, p, f, DashboardDays)
	if err != nil {
		return sc, nil, err
	}
	out, err := s.surges(ctx, sc)
	return sc, out, err
}

func (s *Service) surges(ctx context.Context, sc Scope) ([]Surge, error) {
	from := sc.Period.From.Time()
	to := sc.Period.To.AddDays(1).Time()
	rows, err := s.Store.AnalysisSurges(ctx, store.AnalysisSurgeQuery{Committees: sc.committees, UnitPath: sc.Unit.Path, From: from, To: to})
	if err != nil {
		return nil, fmt.Errorf("surges: %w", err)
	}
	var out []Surge
	for _, r := range rows {
		if sc.roomID != 0 && r.Kind == "group" {
			continue // a group is the committee's, not a room's
		}
		day := calendar.DateOf(r.At)
		sg := Surge{AnalysisSurge: r, Day: day}
		if r.Kind == "group" {
			sg.Link = sc.link(hotspot.Period{From: day, To: day}, "group", strconv.FormatInt(r.ID, 10))
			sg.Link.Del("from")
			sg.Link.Del("to")
		} else {
			sg.Link = sc.link(hotspot.Period{From: day.AddDays(-(surgeWindow - 1)), To: day}, "merchant", strconv.FormatInt(r.MerchantID, 10))
			sg.Link.Del("channel")
			sg.Link.Del("category")
		}
		out = append(out, sg)
	}
	return out, nil
}

// Dashboard is everything the /analysis page shows.
type Dashboard struct {
	Scope      Scope
	Intake     Intake
	Categories HotList
	Merchants  HotList // by count
	Growing    HotList // by growth
	Streets    HotList
	Surges     []Surge
	Funnel     []FunnelStep
	Overdue    Heat
	Amounts    Amounts
	Pending    int64
	Took       time.Duration
}

// Dashboard computes the page's figures.
func (s *Service) Dashboard(ctx context.Context, p *auth.Principal, f Filter) (Dashboard, error) {
	start := time.Now()
	sc, err := s.resolve(ctx, p, f, DashboardDays)
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{Scope: sc}
	if d.Pending, err = s.refresh(ctx); err != nil {
		return d, err
	}
	// The charts read different rollups and do not depend on one another:
	// asked at once, the page waits for the slowest chart, not for their sum.
	// As many at once as there are cores: the reads are CPU work (SQLite's
	// in this process, PostgreSQL's on a server that is usually the same
	// machine) — with 4 at once on 2 cores the page's p95 at a million
	// cases was 75 ms on PostgreSQL, with 2 it was 50 (docs/performance.md).
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(2, runtime.GOMAXPROCS(0)))
	g.Go(func() (err error) { d.Intake, err = s.intake(gctx, sc); return })
	g.Go(func() (err error) { d.Categories, err = s.hotspots(gctx, sc, ByCategory, hotspot.ByCount, 0); return })
	g.Go(func() error {
		hl, rows, err := s.hotCounts(gctx, sc, ByMerchant, 10, true)
		if err != nil {
			return err
		}
		if d.Merchants, err = s.hotRank(gctx, sc, hl, rows, hotspot.ByCount, 10); err != nil {
			return err
		}
		d.Growing, err = s.hotRank(gctx, sc, hl, rows, hotspot.ByGrowth, 10)
		return err
	})
	g.Go(func() (err error) { d.Streets, err = s.hotspots(gctx, sc, ByStreet, hotspot.ByCount, 0); return })
	g.Go(func() (err error) { d.Surges, err = s.surges(gctx, sc); return })
	g.Go(func() (err error) { d.Funnel, err = s.funnel(gctx, sc); return })
	g.Go(func() (err error) { d.Overdue, err = s.overdue(gctx, sc); return })
	g.Go(func() (err error) { d.Amounts, err = s.amounts(gctx, sc); return })
	if err := g.Wait(); err != nil {
		return d, err
	}
	d.Took = time.Since(start)
	return d, nil
}

// HotspotsFor is Hotspots as the platform itself sees a unit, with no
// viewer: for documents it drafts (the monthly bulletin), ranked by count.
func (s *Service) HotspotsFor(ctx context.Context, unit, from, to, by string, limit int) (HotList, error) {
	sys := &auth.Principal{Username: "system", Bindings: []store.Binding{{Role: domain.RoleAnalyst, OrgPath: "/"}}}
	_, hl, err := s.Hotspots(ctx, sys, Filter{Unit: unit, From: from, To: to}, by, hotspot.ByCount, limit)
	return hl, err
}
