package sqlstore

import (
	"sync"
	"time"
)

// termPlans remembers, per search term, the choices its search makes
// before reading any case (caselist.go): whether more than searchSparse
// cases hold its grams (dense), and on SQLite which of a long term's grams
// are worth asking FTS5 for. Each choice only picks the plan — a dense
// term's walk and a rare term's candidates both find every match, and any
// subset of a term's grams gives a superset of its cases that LIKE makes
// exact — so a stale one costs speed, never an answer, and the memory is
// not tied to the database's version. Asking them again on every request
// was most of a search's cost: on PostgreSQL the probe read 5,001 grams
// rows for 健身 at 100,000 cases; on SQLite a case number's grams were
// each counted up to 5,001 cases (docs/performance.md). A term stays dense
// as cases are added; cases anonymised or reworded can change either
// choice, so each is asked again after termPlanFor.
type termPlans struct {
	mu sync.Mutex
	at map[string]termPlan
}

// termPlan is what is known of one term.
type termPlan struct {
	at    time.Time // when it was learnt
	dense bool      // more than searchSparse cases hold the grams
	grams []string  // SQLite: the grams asked for (selectiveGrams); nil: not chosen
}

const (
	// termPlanFor is how long a term's plan is kept.
	termPlanFor = 10 * time.Minute
	// maxTermPlans bounds the memory: the words a district's staff search
	// for are a few thousand at most; past the bound all are forgotten.
	maxTermPlans = 4096
)

// get returns the term's plan learnt within termPlanFor of now (the zero
// plan when none).
func (p *termPlans) get(term string, now time.Time) termPlan {
	if p == nil {
		return termPlan{}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	tp, ok := p.at[term]
	if ok && now.Sub(tp.at) >= termPlanFor {
		delete(p.at, term)
		return termPlan{}
	}
	return tp
}

// put remembers the term's plan as learnt now.
func (p *termPlans) put(term string, now time.Time, tp termPlan) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.at == nil || len(p.at) >= maxTermPlans {
		p.at = map[string]termPlan{}
	}
	tp.at = now
	p.at[term] = tp
}
