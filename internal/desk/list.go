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

// maxScan bounds how many open cases a clock filter reads; a district's open
// cases are far fewer (clocks are computed, not stored, so they cannot be a
// WHERE clause).
const maxScan = 20000

// List returns one page of the cases the actor may read that match q.
func (s *Service) List(ctx context.Context, p *auth.Principal, q ListQuery, size int) (ListPage, error) {
	q.Scope = p.Scope(domain.PermCaseRead)
	m, err := s.rowMaker(ctx)
	if err != nil {
		return ListPage{}, err
	}
	if q.Due != DueAny {
		all, err := s.dueRows(ctx, m, q)
		if err != nil {
			return ListPage{}, err
		}
		out := ListPage{Total: int64(len(all))}
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
// urgent first (without outcomes: only the page shown needs them).
func (s *Service) dueRows(ctx context.Context, m *rowMaker, q ListQuery) ([]Row, error) {
	cq := q.CaseQuery
	cq.Statuses = nil
	for _, st := range clockStatuses {
		if len(q.Statuses) == 0 || slices.Contains(q.Statuses, st) {
			cq.Statuses = append(cq.Statuses, st)
		}
	}
	if len(cq.Statuses) == 0 {
		return nil, nil
	}
	cq.OldestFirst, cq.Limit, cq.CountCap, cq.After, cq.Offset = true, 500, -1, nil, 0
	var out []Row
	for seen := 0; seen < maxScan; seen += cq.Limit {
		res, err := s.Store.ListCases(ctx, cq)
		if err != nil {
			return nil, err
		}
		rows, err := m.rows(ctx, res.Cases, false)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if (q.Due == DueOverdue && r.Overdue()) || (q.Due == DueSoon && r.Soon()) {
				out = append(out, r)
			}
		}
		if res.Next == nil {
			break
		}
		cq.After = res.Next
	}
	slices.SortStableFunc(out, func(a, b Row) int { return a.Next.Due.Compare(b.Next.Due) })
	return out, nil
}
