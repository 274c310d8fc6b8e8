package desk

import (
	"context"
	"net/url"
	"slices"
	"strconv"

	"github.com/tiaojie/tiaojie/internal/auth"
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
	Next *store.CaseCursor
}

// maxScan bounds how many cases a clock filter combined with a text search
// walks (the text's matches, oldest first); the other clock lists read their
// candidates by index (clock.go) and are bounded by maxCandidates.
const maxScan = 20000

// List returns one page of the cases the actor may read that match q.
func (s *Service) List(ctx context.Context, p *auth.Principal, q ListQuery, size int) (ListPage, error) {
	q.Scope = p.Scope(domain.PermCaseRead)
	m, err := s.rowMaker(ctx)
	if err != nil {
		return ListPage{}, err
	}
	if q.Due != DueAny {
		all, capped, err := s.dueRows(ctx, m, q)
		if err != nil {
			return ListPage{}, err
		}
		out := ListPage{Total: int64(len(all)), Capped: capped}
		out.Page, out.Pages = clampPage(q.Page, out.Total, size)
		lo := (out.Page - 1) * size
		out.Rows = all[lo:min(lo+size, len(all))]
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
	// offset, bounded by the store.
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

// clampPage is the page to show: past the end means the last one.
func clampPage(page int, total int64, size int) (int, int) {
	pages := max(1, int((total+int64(size)-1)/int64(size)))
	return min(max(page, 1), pages), pages
}

// dueRows reads every case matching q whose urgent clock matches q.Due, most
// urgent first (without outcomes: only the page shown needs them). capped:
// the candidates were cut at a safety bound, so more cases may match.
func (s *Service) dueRows(ctx context.Context, m *rowMaker, q ListQuery) ([]Row, bool, error) {
	var statuses []domain.Status
	for _, st := range clockStatuses {
		if len(q.Statuses) == 0 || slices.Contains(q.Statuses, st) {
			statuses = append(statuses, st)
		}
	}
	if len(statuses) == 0 {
		return nil, false, nil
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
				return nil, false, err
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
			return nil, false, err
		}
	}
	rows, err := m.rows(ctx, cases, false)
	if err != nil {
		return nil, false, err
	}
	out := rows[:0]
	for _, r := range rows {
		if (q.Due == DueOverdue && r.Overdue()) || (q.Due == DueSoon && r.Soon()) {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b Row) int { return a.Next.Due.Compare(b.Next.Due) })
	return out, capped, nil
}
