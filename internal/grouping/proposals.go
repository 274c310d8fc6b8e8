package grouping

import (
	"context"
	"sync"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/dedup"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Proposal is a surge proposed as a group dispute.
type Proposal struct {
	Surge dedup.Surge
	Cases []store.DedupCandidate
}

// proposalsKept bounds how long a committee's proposals are kept while no
// case changes: the 90-day window moves on with the clock.
const proposalsKept = 10 * time.Minute

// proposalMemo keeps each committee's proposals as of a version of the
// cases (store.CasesVersion). Finding them reads the window's open
// complaints and compares their texts: about 130 ms of CPU at 100,000
// cases, on every view of the groups page and its API, 4.4 s at p95 under
// 64 clients (docs/performance.md). They change only when a case does.
type proposalMemo struct {
	mu sync.Mutex
	m  map[int64]*proposalsAt
}

// proposalsAt is one committee's proposals as of version, found at at;
// ready is closed once the first finding ends, and refreshing says another
// request is finding them again.
type proposalsAt struct {
	ready      chan struct{}
	done       bool
	version    int64
	at         time.Time
	proposals  []Proposal
	refreshing bool
}

// Proposals finds surges among the committee's open complaints of the last
// 90 days. They are found again only after a case changed (or after
// proposalsKept): while one request finds them again, the others get the
// previous answer rather than wait for, or repeat, the same work. The
// slice is shared between callers, who must not change it.
func (s *Service) Proposals(ctx context.Context, p *auth.Principal, committee store.OrgUnit) ([]Proposal, error) {
	if !p.Reaches(domain.PermCaseDecide, committee.Path) {
		return nil, access.ErrForbidden
	}
	v, ok, err := s.Store.CasesVersion(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return s.findProposals(ctx, committee)
	}
	now := s.now()
	m := &s.proposals
	m.mu.Lock()
	if m.m == nil {
		m.m = map[int64]*proposalsAt{}
	}
	e := m.m[committee.ID]
	switch {
	case e == nil:
		e = &proposalsAt{ready: make(chan struct{}), refreshing: true}
		m.m[committee.ID] = e
	case !e.done:
		// The first finding is under way: wait for it.
		m.mu.Unlock()
		select {
		case <-e.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return s.Proposals(ctx, p, committee)
	case e.version == v && now.Sub(e.at) < proposalsKept && !now.Before(e.at), e.refreshing:
		out := e.proposals
		m.mu.Unlock()
		return out, nil
	default:
		e.refreshing = true
	}
	m.mu.Unlock()
	// Read the version before the complaints: a change in between makes the
	// answer newer than its version, and the next request finds them again.
	ps, err := s.findProposals(ctx, committee)
	m.mu.Lock()
	defer m.mu.Unlock()
	e.refreshing = false
	if err == nil {
		e.version, e.at, e.proposals = v, now, ps
	}
	if !e.done && err == nil {
		e.done = true
		close(e.ready)
	} else if !e.done {
		// A first finding that failed: the next request starts afresh.
		delete(m.m, committee.ID)
		close(e.ready)
	}
	return ps, err
}

func (s *Service) findProposals(ctx context.Context, committee store.OrgUnit) ([]Proposal, error) {
	now := s.now()
	cands, err := s.Store.ListDedupCandidates(ctx, store.DedupQuery{CommitteeID: committee.ID, Since: now.AddDate(0, 0, -90),
		Until: now.Add(time.Minute), OpenOnly: true})
	if err != nil {
		return nil, err
	}
	byID := map[int64]store.DedupCandidate{}
	cs := make([]dedup.Complaint, 0, len(cands))
	for _, c := range cands {
		byID[c.CaseID] = c
		cs = append(cs, toComplaint(c))
	}
	var out []Proposal
	for _, sg := range dedup.DetectSurges(cs, s.settings()) {
		pr := Proposal{Surge: sg}
		for _, id := range sg.IDs {
			pr.Cases = append(pr.Cases, byID[id])
		}
		out = append(out, pr)
	}
	return out, nil
}
