package sqlstore

import (
	"sync"
	"time"
)

// denseTerms remembers the search terms whose grams more than searchSparse
// cases hold, so that their next searches skip the probe that found it
// (caselist.go): on PostgreSQL the probe read 5,001 grams rows for 健身 at
// 100,000 cases on every request, to learn each time what it learnt the
// first. The verdict only picks the plan — a dense term's walk and a rare
// term's candidates both find every match — so a stale one costs speed,
// never an answer, and it is not tied to the database's version: a term
// stays dense as cases are added, and every verdict is asked again after
// denseTermFor (cases anonymised or reworded can make a term rare).
type denseTerms struct {
	mu sync.Mutex
	at map[string]time.Time // when each term was last found dense
}

const (
	// denseTermFor is how long a term stays known as dense.
	denseTermFor = 10 * time.Minute
	// maxDenseTerms bounds the memory: the common words of a district's
	// complaints are a few hundred; past the bound all are forgotten.
	maxDenseTerms = 4096
)

// known tells whether the term was found dense within denseTermFor of now.
func (d *denseTerms) known(term string, now time.Time) bool {
	if d == nil {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	at, ok := d.at[term]
	if ok && now.Sub(at) >= denseTermFor {
		delete(d.at, term)
		return false
	}
	return ok
}

// remember notes that the term was found dense now.
func (d *denseTerms) remember(term string, now time.Time) {
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.at == nil || len(d.at) >= maxDenseTerms {
		d.at = map[string]time.Time{}
	}
	d.at[term] = now
}
