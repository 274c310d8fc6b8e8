package sqlstore

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// cfgTTL is how long a configuration-sized read (org tree, calendar
// overrides, clock policies, subsidy schemes) is served from memory. A write through this
// process's store drops the copy at once (after its commit); a write by
// another instance on the same database is seen after at most cfgTTL
// (docs/decisions.md, "Configuration cache").
const cfgTTL = 2 * time.Second

// cfgCache holds the configuration tables every case page and work list
// reads. Entries are immutable once stored: readers get copies of slices.
type cfgCache struct {
	mu  sync.Mutex
	gen uint64 // bumped by every invalidation; a load started under an older gen is not stored

	orgs     []store.OrgUnit
	orgByID  map[int64]int
	orgByKey map[string]int
	orgsAt   time.Time

	overrides   []store.CalendarOverride
	overridesAt time.Time

	policies   []store.Policy
	policiesAt time.Time

	schemes map[int64]cachedSchemes // subsidy scheme versions by unit

	// names: users' display names by id, for the lists' mediator column
	// (a desk reads them for every page). Filled as ids are asked for;
	// dropped whole when older than cfgTTL, like the rest.
	names   map[int64]string
	namesAt time.Time
}

// maxCachedNames bounds the names kept: far above a district's users.
const maxCachedNames = 100000

type cachedSchemes struct {
	rows []store.SubsidyScheme
	at   time.Time
}

// invalidate drops every entry.
func (c *cfgCache) invalidate() {
	c.mu.Lock()
	c.gen++
	c.orgs, c.orgByID, c.orgByKey, c.overrides, c.policies, c.schemes, c.names = nil, nil, nil, nil, nil, nil, nil
	c.orgsAt, c.overridesAt, c.policiesAt, c.namesAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	c.mu.Unlock()
}

func fresh(at time.Time) bool { return !at.IsZero() && time.Since(at) < cfgTTL }

// generation is the current generation, read before a load.
func (c *cfgCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

func (c *cfgCache) getOrgs() ([]store.OrgUnit, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !fresh(c.orgsAt) {
		return nil, false
	}
	return append([]store.OrgUnit(nil), c.orgs...), true
}

func (c *cfgCache) orgBy(id int64, code string) (store.OrgUnit, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !fresh(c.orgsAt) {
		return store.OrgUnit{}, false
	}
	i, ok := c.orgByID[id]
	if code != "" {
		i, ok = c.orgByKey[code]
	}
	if !ok {
		return store.OrgUnit{}, false
	}
	return c.orgs[i], true
}

// orgsUnder copies the cached units under prefix, in the tree's order.
func (c *cfgCache) orgsUnder(prefix string) ([]store.OrgUnit, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !fresh(c.orgsAt) {
		return nil, false
	}
	// The tree is in path order (putOrgs keeps it so), and a subtree is
	// the run of paths that begin with its own.
	i, _ := slices.BinarySearchFunc(c.orgs, prefix, func(u store.OrgUnit, p string) int { return strings.Compare(u.Path, p) })
	j := i
	for j < len(c.orgs) && strings.HasPrefix(c.orgs[j].Path, prefix) {
		j++
	}
	return slices.Clone(c.orgs[i:j]), true
}

// orgsOfKind copies the cached units of the kinds, in the tree's order.
func (c *cfgCache) orgsOfKind(kinds []domain.OrgKind) ([]store.OrgUnit, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !fresh(c.orgsAt) {
		return nil, false
	}
	var out []store.OrgUnit
	for _, u := range c.orgs {
		if slices.Contains(kinds, u.Kind) {
			out = append(out, u)
		}
	}
	return out, true
}

func (c *cfgCache) putOrgs(gen uint64, us []store.OrgUnit) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	c.orgs = append([]store.OrgUnit(nil), us...)
	// Both engines order paths bytewise (SQLite's BINARY, PostgreSQL's
	// COLLATE "C"); sorted here all the same, as orgsUnder searches it.
	slices.SortStableFunc(c.orgs, func(a, b store.OrgUnit) int { return strings.Compare(a.Path, b.Path) })
	c.orgByID, c.orgByKey = make(map[int64]int, len(us)), make(map[string]int, len(us))
	for i, u := range c.orgs {
		c.orgByID[u.ID], c.orgByKey[u.Code] = i, i
	}
	c.orgsAt = time.Now()
}

func (c *cfgCache) getOverrides() ([]store.CalendarOverride, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !fresh(c.overridesAt) {
		return nil, false
	}
	return append([]store.CalendarOverride(nil), c.overrides...), true
}

func (c *cfgCache) putOverrides(gen uint64, os []store.CalendarOverride) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.gen {
		c.overrides, c.overridesAt = append([]store.CalendarOverride(nil), os...), time.Now()
	}
}

func (c *cfgCache) getPolicies() ([]store.Policy, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !fresh(c.policiesAt) {
		return nil, false
	}
	return append([]store.Policy(nil), c.policies...), true
}

func (c *cfgCache) putPolicies(gen uint64, ps []store.Policy) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.gen {
		c.policies, c.policiesAt = append([]store.Policy(nil), ps...), time.Now()
	}
}

// cfgChanged is called by every write to a cached table: the copy is
// dropped now and, inside a transaction, again after its commit (so that a
// reader filling the cache between the write and the commit cannot keep
// the old rows).
func (db *DB) cfgChanged() {
	if db.cur != nil {
		db.cur.cfgDirty = true
	}
	if db.cfg != nil {
		db.cfg.invalidate()
	}
}

// cached reports whether reads may use the cache: not inside a transaction
// (which must see its own writes), and not on a handle made without one.
func (db *DB) cached() bool { return db.cur == nil && db.cfg != nil }

func (c *cfgCache) getSchemes(unitID int64) ([]store.SubsidyScheme, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.schemes[unitID]
	if !ok || !fresh(e.at) {
		return nil, false
	}
	return append([]store.SubsidyScheme(nil), e.rows...), true
}

func (c *cfgCache) putSchemes(gen uint64, unitID int64, ss []store.SubsidyScheme) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.schemes == nil {
		c.schemes = map[int64]cachedSchemes{}
	}
	c.schemes[unitID] = cachedSchemes{rows: append([]store.SubsidyScheme(nil), ss...), at: time.Now()}
}

// getNames fills out with the cached names of ids and returns the ids it
// does not hold.
func (c *cfgCache) getNames(ids []int64, out map[int64]string) []int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !fresh(c.namesAt) {
		return ids
	}
	var missing []int64
	for _, id := range ids {
		if n, ok := c.names[id]; ok {
			out[id] = n
		} else {
			missing = append(missing, id)
		}
	}
	return missing
}

func (c *cfgCache) putNames(gen uint64, names map[int64]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if !fresh(c.namesAt) || len(c.names)+len(names) > maxCachedNames {
		c.names, c.namesAt = map[int64]string{}, time.Now()
	}
	for id, n := range names {
		c.names[id] = n
	}
}
