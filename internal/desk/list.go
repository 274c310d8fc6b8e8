package desk

import (
	"cmp"
	"context"
	"net/url"
	"slices"
	"strconv"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Due filters a list by its urgent clock.
type Due string

const (
	DueAny     Due = ""
	DueOverdue Due = "overdue" // a legal clock has passed
	DueSoon    Due = "soon"    // two working days or less left, or passed
)

// ListQuery is the case list's filter: the store's filter plus the clock.
type ListQuery struct {
	store.CaseQuery
	Due  Due
	Page int // 1-based; past the end means the last page
}

// ParseList reads the case list's filter from a URL query; it returns a
// Chinese message for a bad value.
func ParseList(v url.Values) (ListQuery, string) {
	cq, msg := intake.ParseListQuery(v)
	q := ListQuery{CaseQuery: cq, Due: Due(v.Get("due"))}
	if msg != "" {
		return q, msg
	}
	switch q.Due {
	case DueAny, DueOverdue, DueSoon:
	default:
		return q, "期限参数无效"
	}
	if s := v.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return q, "页码参数无效"
		}
		q.Page = n
	}
	q.Page = max(q.Page, 1)
	return q, ""
}

// ListPage is one page of the case list.
type ListPage struct {
	Rows        []Row
	Total       int64
	Page, Pages int
	// Capped: more than Total cases match (the list counts no further,
	// store.ListCountCap); Pages is then a lower bound.
	Capped bool
	// Next is the cursor of the following page (nil on the last).
	Next *store.ListCursor
}

// maxScan bounds how many cases a clock filter combined with a text search
// walks (the text's matches, oldest first); the other clock lists read their
// candidates by index (clock.go) and are bounded by maxCandidates.
const maxScan = 20000

// List returns one page of the cases the actor may read that match q.
func (s *Service) List(ctx context.Context, p *auth.Principal, q ListQuery, size int) (ListPage, error) {
	q.Scope = p.Scope(domain.PermCaseRead)
	q.Brief = true // the rows show no more (store.Case.Brief)
	m, err := s.rowMaker(ctx)
	if err != nil {
		return ListPage{}, err
	}
	if q.Due != DueAny {
		// Counted a page past this one at least, so that a capped count
		// still offers the next page.
		limit := min(max(q.Page, 1)*size, maxCandidates)
		res, err := s.dueRows(ctx, m, q, limit, max(store.ListCountCap, limit+size))
		if err != nil {
			return ListPage{}, err
		}
		out := ListPage{Total: int64(res.Total), Capped: res.Capped}
		out.Page, out.Pages = clampPage(q.Page, out.Total, size)
		if res.Capped {
			out.Page = max(q.Page, 1)
			out.Pages = max(out.Pages, out.Page)
		}
		lo := min((out.Page-1)*size, len(res.Rows))
		out.Rows = res.Rows[lo:min(lo+size, len(res.Rows))]
		cases := make([]store.Case, len(out.Rows))
		for i, r := range out.Rows {
			cases[i] = r.Case
		}
		outs, err := Outcomes(ctx, s.Store, cases)
		if err != nil {
			return ListPage{}, err
		}
		for i := range out.Rows {
			out.Rows[i].Outcome = outs[i]
		}
		return out, nil
	}
	// Pages follow their cursor ("下一页"); a page number without one is an
	// offset, bounded by the store: past the bound, the last page it reaches.
	if q.After == nil {
		q.Page = offsetPage(q.Page, size)
	}
	q.Limit, q.Offset, q.CountCap = size, (q.Page-1)*size, store.ListCountCap
	res, err := s.Store.ListCases(ctx, q.CaseQuery)
	if err != nil {
		return ListPage{}, err
	}
	out := ListPage{Total: res.Total, Capped: res.TotalCapped, Next: res.Next}
	out.Page, out.Pages = clampPage(q.Page, res.Total, size)
	if res.TotalCapped || q.After != nil {
		out.Page = q.Page
		out.Pages = max(out.Pages, out.Page)
	} else if out.Page != q.Page {
		q.Offset = (out.Page - 1) * size
		if res, err = s.Store.ListCases(ctx, q.CaseQuery); err != nil {
			return ListPage{}, err
		}
		out.Next = res.Next
	}
	if out.Rows, err = m.rows(ctx, res.Cases, true); err != nil {
		return ListPage{}, err
	}
	return out, nil
}

// offsetPage is the page to show for a page number opened without a cursor:
// at least the first, at most the last that store.MaxListOffset reaches.
func offsetPage(page, size int) int {
	return min(max(page, 1), store.MaxListOffset/size+1)
}

// clampPage is the page to show: past the end means the last one.
func clampPage(page int, total int64, size int) (int, int) {
	pages := max(1, int((total+int64(size)-1)/int64(size)))
	return min(max(page, 1), pages), pages
}

// dueResult is the head of a clock list: the first rows, most urgent first,
// and how many cases match (Capped: at least Total).
type dueResult struct {
	Rows   []Row
	Total  int
	Capped bool
}

// dueRows reads the cases matching q whose urgent clock matches q.Due, most
// urgent first (then by id), at most limit of them (without outcomes: only
// the page shown needs them), and counts them up to countCap (0: all).
// They come from the stored due dates when those can be trusted
// (dueindex.go), else from the clocks of every candidate (clock.go), or of a
// search's matches.
func (s *Service) dueRows(ctx context.Context, m *rowMaker, q ListQuery, limit, countCap int) (dueResult, error) {
	var statuses []domain.Status
	for _, st := range store.ClockStatuses {
		if len(q.Statuses) == 0 || slices.Contains(q.Statuses, st) {
			statuses = append(statuses, st)
		}
	}
	if len(statuses) == 0 {
		return dueResult{}, nil
	}
	if q.Text == "" && q.PartyHash == "" {
		ok, err := s.dueIndexUsable(ctx, m)
		if err != nil {
			return dueResult{}, err
		}
		if ok {
			return s.dueRowsByIndex(ctx, m, q, statuses, limit, countCap)
		}
	}
	var cases []store.Case
	capped := false
	if q.Text != "" || q.PartyHash != "" {
		// A search: its matches, oldest first, with the clock as a filter.
		cq := q.CaseQuery
		cq.Statuses = statuses
		cq.OldestFirst, cq.Limit, cq.CountCap, cq.After, cq.Offset = true, 500, -1, nil, 0
		for {
			res, err := s.Store.ListCases(ctx, cq)
			if err != nil {
				return dueResult{}, err
			}
			cases = append(cases, res.Cases...)
			if res.Next == nil {
				break
			}
			if len(cases) >= maxScan {
				capped = true
				break
			}
			cq.After = res.Next
		}
	} else {
		var err error
		cases, capped, err = s.clockCandidates(ctx, m, q, statuses)
		if err != nil {
			return dueResult{}, err
		}
	}
	rows, err := m.rows(ctx, cases, false)
	if err != nil {
		return dueResult{}, err
	}
	rows = dueMatches(rows, q.Due)
	return dueResult{Rows: rows[:min(limit, len(rows))], Total: len(rows), Capped: capped}, nil
}

// dueRowsByIndex is dueRows from the stored dates: the fixed ones by index,
// the pending and floating ones computed, merged by date.
func (s *Service) dueRowsByIndex(ctx context.Context, m *rowMaker, q ListQuery, statuses []domain.Status, limit, countCap int) (dueResult, error) {
	dq := store.DueQuery{Scope: q.Scope, RoomID: q.RoomID, Presiding: q.Presiding, Statuses: statuses, From: q.From, To: q.To,
		By: lastDue(m.rules.Calendar, q.Due, calendar.DateOf(m.now)).Number(), Limit: maxCandidates, Brief: true}
	unfixed, err := s.Store.DueUnfixed(ctx, dq)
	if err != nil {
		return dueResult{}, err
	}
	extra, err := m.markedRows(ctx, unfixed)
	if err != nil {
		return dueResult{}, err
	}
	extra = dueMatches(extra, q.Due)
	dq.Limit, dq.CountCap = limit, countCap
	fixed, total, capped, err := s.Store.DueCases(ctx, dq)
	if err != nil {
		return dueResult{}, err
	}
	rows, err := m.nearRows(ctx, fixed)
	if err != nil {
		return dueResult{}, err
	}
	rows = append(rows, extra...)
	slices.SortStableFunc(rows, byDue)
	return dueResult{Rows: rows[:min(limit, len(rows))], Total: total + len(extra), Capped: capped || len(unfixed) >= maxCandidates}, nil
}

// dueMatches keeps the rows whose urgent clock matches due, most urgent first.
func dueMatches(rows []Row, due Due) []Row {
	out := rows[:0]
	for _, r := range rows {
		if (due == DueOverdue && r.Overdue()) || (due == DueSoon && r.Soon()) {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, byDue)
	return out
}

// byDue orders rows by their urgent clock's due date, then by case id, as
// the index of stored dates does.
func byDue(a, b Row) int {
	if c := a.Next.Due.Compare(b.Next.Due); c != 0 {
		return c
	}
	return cmp.Compare(a.Case.ID, b.Case.ID)
}
