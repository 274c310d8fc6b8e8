// Package dedup flags likely duplicate complaints on intake and detects surges
// of similar complaints against one merchant that suggest handling them
// together as a group dispute (群体性纠纷), the typical case being a gym or a
// training school that closes while holding prepaid cards (预付卡).
//
// Text similarity needs no Chinese word segmenter: texts are normalized and
// cut into overlapping character bigrams, each hashed to a uint32, and two
// texts are compared by the Jaccard index of their bigram sets. The hash is
// fixed (not seeded per process), so fingerprints may be stored and compared
// across runs and versions of this package with the same major behaviour.
//
// The package is pure: no I/O, no clock, standard library only. Every
// threshold is a Settings field.
package dedup

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Normalize prepares text for comparison: full-width ASCII forms become
// half-width, ASCII letters become lower case, and everything that is not a
// letter (CJK included) or a digit is dropped, in particular whitespace (the
// ideographic space too) and CJK and ASCII punctuation and symbols.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r = foldRune(r); keepRune(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// foldRune maps full-width forms to half-width and ASCII upper case to lower.
func foldRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E: // ！ … ～
		r -= 0xFEE0
	case r == 0x3000: // ideographic space
		r = ' '
	}
	if r >= 'A' && r <= 'Z' {
		r += 'a' - 'A'
	}
	return r
}

// keepRune reports whether a folded rune survives normalization.
func keepRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '〇'
}

// Fingerprint is the set of hashed character bigrams of a normalized text,
// sorted ascending without repeats. Texts shorter than 4 runes also carry
// their unigrams, so that very short texts still compare meaningfully.
// Similarity relies on the ordering; build fingerprints with FingerprintOf.
type Fingerprint []uint32

// unigramMark takes the place of the second rune when hashing a unigram; it
// is no valid rune, so unigram and bigram hashes do not share inputs.
const unigramMark = -1

// gramHash hashes one gram with the splitmix64 finalizer and keeps the high
// 32 bits.
func gramHash(a, b rune) uint32 {
	x := uint64(uint32(a))<<32 | uint64(uint32(b))
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return uint32(x >> 32)
}

// FingerprintOf returns the fingerprint of Normalize(text); nil when nothing
// survives normalization.
func FingerprintOf(text string) Fingerprint {
	var (
		first [3]rune
		n     int
		prev  rune
		fp    Fingerprint
	)
	for _, r := range text {
		r = foldRune(r)
		if !keepRune(r) {
			continue
		}
		if n == 0 {
			// Bigrams never exceed the rune count, so one allocation suffices.
			fp = make(Fingerprint, 0, utf8.RuneCountInString(text)+2)
		} else {
			fp = append(fp, gramHash(prev, r))
		}
		if n < len(first) {
			first[n] = r
		}
		prev = r
		n++
	}
	if n > 0 && n < 4 {
		for _, r := range first[:n] {
			fp = append(fp, gramHash(r, unigramMark))
		}
	}
	slices.Sort(fp)
	return slices.Clip(slices.Compact(fp))
}

// Similarity is the Jaccard index of two fingerprints, in [0,1]. It is 0 when
// either is empty, including when both are.
func Similarity(a, b Fingerprint) float64 {
	inter := intersect(a, b)
	if inter == 0 {
		return 0
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// intersect counts the hashes two sorted fingerprints share.
func intersect(a, b Fingerprint) int {
	i, j, n := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// Settings are the thresholds of duplicate and surge detection.
type Settings struct {
	DuplicateWindow    time.Duration // candidates this close in time, before or after (inclusive)
	DuplicateThreshold float64       // minimum Similarity of a duplicate, in (0,1]
	SurgeWindow        time.Duration // longest span from first to last complaint of a surge (inclusive)
	SurgeMinCount      int           // minimum distinct complainants in a surge
	SurgeSimilarity    float64       // minimum cohesion of a surge, in [0,1]; members below 40% of it are outliers
}

// DefaultSettings returns the built-in thresholds.
func DefaultSettings() Settings {
	return Settings{
		DuplicateWindow:    30 * 24 * time.Hour,
		DuplicateThreshold: 0.5,
		SurgeWindow:        7 * 24 * time.Hour,
		SurgeMinCount:      5,
		SurgeSimilarity:    0.25,
	}
}

// Bounds that catch typos in settings.
const (
	maxWindow        = 365 * 24 * time.Hour
	maxSurgeMinCount = 1000
)

// Validate checks settings as entered by an admin. All problems are reported
// together (joined), in Chinese.
func (s Settings) Validate() error {
	var errs []error
	if s.DuplicateWindow <= 0 || s.DuplicateWindow > maxWindow {
		errs = append(errs, fmt.Errorf("重复投诉比对时间窗口应大于0且不超过365天，当前为%s", durationText(s.DuplicateWindow)))
	}
	if !(s.DuplicateThreshold > 0 && s.DuplicateThreshold <= 1) {
		errs = append(errs, fmt.Errorf("重复投诉相似度阈值应大于0且不超过1，当前为%g", s.DuplicateThreshold))
	}
	if s.SurgeWindow <= 0 || s.SurgeWindow > maxWindow {
		errs = append(errs, fmt.Errorf("群体性纠纷识别时间窗口应大于0且不超过365天，当前为%s", durationText(s.SurgeWindow)))
	}
	if s.SurgeMinCount < 2 || s.SurgeMinCount > maxSurgeMinCount {
		errs = append(errs, fmt.Errorf("群体性纠纷最少投诉人数应在2至%d之间，当前为%d", maxSurgeMinCount, s.SurgeMinCount))
	}
	if !(s.SurgeSimilarity >= 0 && s.SurgeSimilarity <= 1) {
		errs = append(errs, fmt.Errorf("群体性纠纷内容相似度阈值应在0至1之间，当前为%g", s.SurgeSimilarity))
	}
	return errors.Join(errs...)
}

// durationText renders a duration for a Chinese message: whole days as
// "30天", anything else in Go notation.
func durationText(d time.Duration) string {
	if d != 0 && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d天", d/(24*time.Hour))
	}
	return d.String()
}

// Complaint is what detection needs to know about one complaint.
type Complaint struct {
	ID           int64
	PhoneHash    string // keyed hash of the complainant's phone ("" unknown)
	MerchantID   int64
	MerchantKey  string // credit code or normalized merchant name (used when MerchantID is 0)
	MerchantName string // display name for Surge.Reason (optional)
	Text         string // description + claim
	ReceivedAt   time.Time

	// Cached fingerprint of fpText; current only while fpText == Text.
	fp     Fingerprint
	fpText string
}

// Prepare computes and caches the fingerprint of c.Text. It is optional:
// callers that keep a pool of complaints in memory and search it repeatedly
// call it once per complaint to skip re-fingerprinting. The cache remembers
// the text it belongs to, so changing Text later is safe (the cache is then
// ignored until Prepare runs again).
func (c *Complaint) Prepare() {
	c.fp, c.fpText = FingerprintOf(c.Text), c.Text
}

// Fingerprint returns the fingerprint of c.Text, from the cache when current.
// The result is shared with the cache and must not be modified.
func (c *Complaint) Fingerprint() Fingerprint {
	if c.fpText == c.Text {
		return c.fp // also right for the zero value: Text "" has no fingerprint
	}
	return FingerprintOf(c.Text)
}

// hasMerchant reports whether c names a merchant at all.
func (c *Complaint) hasMerchant() bool { return c.MerchantID != 0 || c.MerchantKey != "" }

// sameMerchant compares by ID when both complaints carry one, else by key.
func sameMerchant(a, b *Complaint) bool {
	if a.MerchantID != 0 && b.MerchantID != 0 {
		return a.MerchantID == b.MerchantID
	}
	return a.MerchantKey != "" && a.MerchantKey == b.MerchantKey
}

// Match is a likely duplicate of a complaint.
type Match struct {
	ID      int64
	Score   float64  // Similarity of the texts; 1 for identical normalized texts
	Reasons []string // in Chinese, for the mediator
}

// FindDuplicates returns the candidates that are likely duplicates of c: the
// same phone hash (unknown phones never match), the same merchant (by ID when
// both carry one, else by MerchantKey), received at most DuplicateWindow
// before or after c, and with Similarity at least DuplicateThreshold, or with
// identical normalized texts (score 1, even if both are empty). A candidate
// with c's own non-zero ID is skipped. Matches come by score descending, then
// by closeness in time, then by ID. Invalid settings yield nil.
func FindDuplicates(c Complaint, candidates []Complaint, s Settings) []Match {
	if c.PhoneHash == "" || !c.hasMerchant() || s.Validate() != nil {
		return nil
	}
	type scored struct {
		Match
		gap time.Duration
	}
	var (
		cfp   Fingerprint
		ready bool
		found []scored
	)
	for i := range candidates {
		d := &candidates[i]
		if d.PhoneHash != c.PhoneHash || (c.ID != 0 && d.ID == c.ID) || !sameMerchant(&c, d) {
			continue
		}
		gap := absDuration(d.ReceivedAt.Sub(c.ReceivedAt))
		if gap > s.DuplicateWindow {
			continue
		}
		if !ready {
			cfp, ready = c.Fingerprint(), true
		}
		dfp := d.Fingerprint()
		score := Similarity(cfp, dfp)
		content := ""
		switch {
		case len(cfp) == 0 && len(dfp) == 0:
			score, content = 1, "内容相同"
		case score >= 1:
			// Equal bigram sets; only equal normalized texts are "the same".
			if Normalize(c.Text) == Normalize(d.Text) {
				content = "内容相同"
			}
		case score < s.DuplicateThreshold:
			continue
		}
		if content == "" {
			content = fmt.Sprintf("内容相似度 %d%%", int(math.Floor(score*100)))
		}
		found = append(found, scored{Match{ID: d.ID, Score: score,
			Reasons: []string{"同一手机号", "同一经营者", content, withinText(gap)}}, gap})
	}
	if len(found) == 0 {
		return nil
	}
	slices.SortFunc(found, func(a, b scored) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.gap, b.gap), cmp.Compare(a.ID, b.ID))
	})
	out := make([]Match, len(found))
	for i, f := range found {
		out[i] = f.Match
	}
	return out
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// withinText renders a time span for a reason: "24小时内" or "N天内", whole
// days rounded up.
func withinText(d time.Duration) string {
	const day = 24 * time.Hour
	d = absDuration(d)
	if d < day {
		return "24小时内"
	}
	return fmt.Sprintf("%d天内", (d+day-1)/day)
}

// Surge is a burst of similar complaints against one merchant.
type Surge struct {
	MerchantID   int64
	MerchantKey  string
	IDs          []int64 // members, by ReceivedAt then ID
	Complainants int     // distinct phone hashes among members; each unknown phone counts as one
	From, To     time.Time
	Cohesion     float64  // mean of the members' similarities to the rest, in [0,1]
	Keywords     []string // up to 5 CJK words of 2–3 characters most members share (see keywords)
	Reason       string   // in Chinese, for the mediator
}

// DetectSurges groups complaints by merchant (by MerchantID, else by
// MerchantKey; complaints with neither are ignored) and, per merchant, looks
// for the largest set of complaints that
//
//   - spans at most SurgeWindow from its first to its last ReceivedAt,
//   - comes from at least SurgeMinCount distinct complainants (the same phone
//     hash counts once; each unknown phone counts as one), and
//   - is cohesive: the mean of the members' similarities to the rest of the
//     set (the Cohesion) is at least SurgeSimilarity, and no member's is
//     below 40% of SurgeSimilarity (such a member is an outlier).
//
// A member's similarity to the rest is the Jaccard index taken against the
// set as a whole: the mean number of bigrams it shares with the others over
// the mean size of their unions (for a set of two it is exactly Similarity).
// Within each window, outliers are dropped, least similar first, and then
// the least similar members until the set is cohesive or too small. A
// cohesive set also loses the strays of other topics (see strays), so two
// waves of templated complaints about different matters are not merged.
// Once a surge is found its members are set aside and the merchant is
// searched again, so one merchant may have several surges.
//
// Of equal sets the earliest wins. Surges come by complainants, then
// members, descending. Invalid settings yield nil.
//
// Cost: each window is peeled in a few rounds, each linear in the total
// length of its texts; a merchant's windows are peeled once, and again only
// when a surge took members from them. Merchants with fewer than
// SurgeMinCount complainants overall cost next to nothing.
func DetectSurges(cs []Complaint, s Settings) []Surge {
	if s.Validate() != nil {
		return nil
	}
	type groupKey struct {
		id  int64
		key string
	}
	groups := make(map[groupKey][]int)
	for i := range cs {
		c := &cs[i]
		switch {
		case c.MerchantID != 0:
			groups[groupKey{id: c.MerchantID}] = append(groups[groupKey{id: c.MerchantID}], i)
		case c.MerchantKey != "":
			groups[groupKey{key: c.MerchantKey}] = append(groups[groupKey{key: c.MerchantKey}], i)
		}
	}
	sc := &scanner{s: s, grams: make(map[uint32]int32), phones: make(map[string]int32)}
	var out []Surge
	for _, idx := range groups {
		if len(idx) < s.SurgeMinCount {
			continue
		}
		es := sc.entries(cs, idx)
		if es == nil {
			continue
		}
		cache := make(map[int]*found)
		for len(es) >= s.SurgeMinCount {
			f := sc.best(es, cache)
			if f == nil {
				break
			}
			out = append(out, buildSurge(cs, f))
			taken := make(map[int]bool, len(f.members))
			for _, src := range f.members {
				taken[src] = true
			}
			es = slices.DeleteFunc(es, func(e entry) bool { return taken[e.src] })
			// Only the windows that held members of this surge have changed.
			for src := range cache {
				if start := cs[src].ReceivedAt; !start.After(f.to) && !start.Add(s.SurgeWindow).Before(f.from) {
					delete(cache, src)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b Surge) int {
		return cmp.Or(
			cmp.Compare(b.Complainants, a.Complainants),
			cmp.Compare(len(b.IDs), len(a.IDs)),
			cmp.Compare(b.Cohesion, a.Cohesion),
			a.From.Compare(b.From),
			cmp.Compare(a.MerchantID, b.MerchantID),
			cmp.Compare(a.MerchantKey, b.MerchantKey),
			cmp.Compare(a.IDs[0], b.IDs[0]),
		)
	})
	return out
}

// entry is one complaint of a merchant during surge detection.
type entry struct {
	src   int // index into the caller's slice
	at    time.Time
	id    int64
	phone int32 // dense per merchant; -1 for an unknown phone
	fp    Fingerprint
	grams []int32 // fp as dense per-merchant gram numbers
}

// scanner holds the settings and the scratch space of surge detection. Gram
// hashes and phone hashes are renumbered densely per merchant so that the
// inner loops index slices instead of maps.
type scanner struct {
	s      Settings
	grams  map[uint32]int32 // gram hash → dense number, per merchant
	phones map[string]int32 // phone hash → dense number, per merchant
	df     []int32          // live members of the window holding each gram; all 0 between windows
	dfFar  []int32          // the same for the far members in strays; all 0 between calls
	live   []int32          // live members of the window per phone, in best
	stamp  []int32          // per phone: the round that last counted it, in peel
	round  int32
	alive  []int
	sims   []float64
}

// entries prepares the complaints cs[idx] of one merchant, sorted by time
// then ID; nil when they come from fewer than SurgeMinCount complainants.
func (sc *scanner) entries(cs []Complaint, idx []int) []entry {
	clear(sc.phones)
	complainants := 0
	for _, i := range idx {
		if p := cs[i].PhoneHash; p == "" {
			complainants++
		} else if _, ok := sc.phones[p]; !ok {
			sc.phones[p] = int32(len(sc.phones))
			complainants++
		}
	}
	if complainants < sc.s.SurgeMinCount {
		return nil
	}
	clear(sc.grams)
	fps := make([]Fingerprint, len(idx))
	size := 0
	for k, i := range idx {
		fps[k] = cs[i].Fingerprint()
		size += len(fps[k])
	}
	backing := make([]int32, 0, size)
	es := make([]entry, len(idx))
	for k, i := range idx {
		from := len(backing)
		for _, h := range fps[k] {
			g, ok := sc.grams[h]
			if !ok {
				g = int32(len(sc.grams))
				sc.grams[h] = g
			}
			backing = append(backing, g)
		}
		phone := int32(-1)
		if p := cs[i].PhoneHash; p != "" {
			phone = sc.phones[p]
		}
		es[k] = entry{src: i, at: cs[i].ReceivedAt, id: cs[i].ID, phone: phone, fp: fps[k],
			grams: backing[from:len(backing):len(backing)]}
	}
	slices.SortFunc(es, func(a, b entry) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	sc.df = resize(sc.df, len(sc.grams))
	sc.dfFar = resize(sc.dfFar, len(sc.grams))
	sc.live = resize(sc.live, len(sc.phones))
	sc.stamp = resize(sc.stamp, len(sc.phones))
	return es
}

// resize returns a zeroed slice of length n, reusing s when it is big enough.
func resize(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// found is the cohesive set peeled from one window.
type found struct {
	members      []int // indexes into the caller's slice, by time then ID
	cohesion     float64
	complainants int
	from, to     time.Time
}

// better reports whether f beats g (nil loses to everything): more
// complainants, then more members.
func (f *found) better(g *found) bool {
	return f != nil && (g == nil || f.complainants > g.complainants ||
		f.complainants == g.complainants && len(f.members) > len(g.members))
}

// best slides the window over es (sorted by time) and returns the largest
// cohesive set, or nil. The result of each window is kept in cache, keyed by
// the window's first entry; the caller drops the entries of windows that
// lost members.
func (sc *scanner) best(es []entry, cache map[int]*found) *found {
	clear(sc.live)
	complainants := 0 // among es[i:end]
	add := func(p int32, delta int32) {
		if p < 0 {
			complainants += int(delta)
			return
		}
		before := sc.live[p]
		sc.live[p] = before + delta
		switch {
		case before == 0 && delta > 0:
			complainants++
		case before+delta == 0:
			complainants--
		}
	}
	var best *found
	end, prevEnd := 0, 0
	for i := range es {
		limit := es[i].at.Add(sc.s.SurgeWindow)
		for end < len(es) && !es[end].at.After(limit) {
			add(es[end].phone, 1)
			end++
		}
		// A window that gained nobody is a subset of the previous one, and
		// one with no more complainants than the best cannot beat it.
		if end > prevEnd && complainants >= sc.s.SurgeMinCount && (best == nil || complainants > best.complainants) {
			f, hit := cache[es[i].src]
			if !hit {
				f = sc.peel(es[i:end])
				cache[es[i].src] = f
			}
			if f.better(best) {
				best = f
			}
		}
		prevEnd = end
		add(es[i].phone, -1)
	}
	return best
}

// outlierShare is the share of SurgeSimilarity below which a member's
// similarity to the rest makes it an outlier. With the default 0.25 the
// floor is 0.1: accounts of the same event in the complainant's own words
// score about 0.12–0.2 against a cluster, unrelated complaints against the
// same merchant about 0.03–0.06.
const outlierShare = 0.4

// peel drops the least similar members of a window until the rest is
// cohesive (see DetectSurges). It returns the survivors, or nil when fewer
// than SurgeMinCount complainants remain.
func (sc *scanner) peel(win []entry) *found {
	tau := sc.s.SurgeSimilarity
	floor := tau * outlierShare
	df := sc.df
	alive := sc.alive[:0]
	total := 0 // sum of fingerprint sizes over live members
	for k := range win {
		alive = append(alive, k)
		for _, g := range win[k].grams {
			df[g]++
		}
		total += len(win[k].grams)
	}
	defer func() {
		for _, k := range alive {
			for _, g := range win[k].grams {
				df[g] = 0
			}
		}
		sc.alive = alive
	}()
	for {
		sc.round++
		complainants := 0
		for _, k := range alive {
			if p := win[k].phone; p < 0 {
				complainants++
			} else if sc.stamp[p] != sc.round {
				sc.stamp[p] = sc.round
				complainants++
			}
		}
		if complainants < sc.s.SurgeMinCount {
			return nil
		}
		n := len(alive)
		sims := sc.sims[:0]
		minS, maxS, sum := math.Inf(1), math.Inf(-1), 0.0
		for _, k := range alive {
			grams := win[k].grams
			shared := 0 // sum over the others of the grams shared with this member
			for _, g := range grams {
				shared += int(df[g])
			}
			shared -= len(grams)
			// mean shared / (own size + mean size of the others - mean shared),
			// all means over the n-1 others, multiplied through by n-1.
			den := (n-2)*len(grams) + total - shared
			sim := 0.0
			if shared > 0 && den > 0 {
				sim = float64(shared) / float64(den)
			}
			sims = append(sims, sim)
			minS, maxS, sum = min(minS, sim), max(maxS, sim), sum+sim
		}
		sc.sims = sims
		mean := sum / float64(n)
		var drop func(x int, sim float64) bool
		switch {
		case minS >= floor && mean >= tau:
			out := sc.strays(win, alive, sims, floor, tau)
			if out == nil {
				f := &found{members: make([]int, len(alive)), cohesion: mean, complainants: complainants,
					from: win[alive[0]].at, to: win[alive[len(alive)-1]].at}
				for x, k := range alive {
					f.members[x] = win[k].src
				}
				return f
			}
			drop = func(x int, _ float64) bool { _, ok := slices.BinarySearch(out, x); return ok }
		case minS < floor:
			cut := min(floor, (minS+maxS)/2)
			drop = func(_ int, sim float64) bool { return sim < floor && (sim < cut || sim == minS) }
		default:
			drop = func(_ int, sim float64) bool { return sim == minS }
		}
		// Outliers go first: those in the lower half of the spread (at least
		// the worst), so a tight core is not dragged below the floor by the
		// noise around it before the noise is gone. With no outliers left,
		// the least similar member goes, one round at a time. A cohesive set
		// loses its strays of other topics.
		w := 0
		for x, k := range alive {
			if drop(x, sims[x]) {
				for _, g := range win[k].grams {
					df[g]--
				}
				total -= len(win[k].grams)
				continue
			}
			alive[w] = k
			w++
		}
		alive = alive[:w]
	}
}

// strays finds members of other topics in a cohesive set. A set can reach
// the cohesion threshold only because it holds two or more topics whose
// members are each very similar to their own kind (templated complaints
// against a large platform). The set is anchored on its most central member
// (the medoid, highest sim) and its near members, those whose Similarity to
// the medoid reaches tau. A member is a stray when its similarity to the
// near members as a set is below floor. (Near is deliberately strict: one
// member bridging two topics must not pull the other topic in.) Accounts of
// the same event in a complainant's own words sit far from a templated
// medoid, but they resemble the near members as a whole, so they stay.
// strays returns positions into alive, ascending; nil for none.
func (sc *scanner) strays(win []entry, alive []int, sims []float64, floor, tau float64) []int {
	medoid, best := win[alive[0]].fp, sims[0]
	for x, sim := range sims {
		if sim > best {
			medoid, best = win[alive[x]].fp, sim
		}
	}
	var far []int
	totalFar := 0
	for x, k := range alive {
		if Similarity(win[k].fp, medoid) < tau {
			far = append(far, x)
			for _, g := range win[k].grams {
				sc.dfFar[g]++
			}
			totalFar += len(win[k].grams)
		}
	}
	defer func() {
		for _, x := range far {
			for _, g := range win[alive[x]].grams {
				sc.dfFar[g] = 0
			}
		}
	}()
	nNear := len(alive) - len(far)
	if len(far) == 0 || nNear == 0 {
		return nil
	}
	totalNear := -totalFar
	for _, k := range alive {
		totalNear += len(win[k].grams)
	}
	var out []int
	for _, x := range far {
		grams := win[alive[x]].grams
		shared := 0 // over the near members
		for _, g := range grams {
			shared += int(sc.df[g] - sc.dfFar[g])
		}
		// As in peel, with means over the nNear members, none of them x.
		sim := 0.0
		if den := nNear*len(grams) + totalNear - shared; shared > 0 && den > 0 {
			sim = float64(shared) / float64(den)
		}
		if sim < floor {
			out = append(out, x)
		}
	}
	return out
}

// buildSurge describes one surge.
func buildSurge(cs []Complaint, f *found) Surge {
	members := f.members
	sg := Surge{
		MerchantID: cs[members[0]].MerchantID,
		From:       f.from,
		To:         f.to,
		Cohesion:   f.cohesion,
		IDs:        make([]int64, len(members)),
	}
	seen := make(map[string]bool)
	texts := make([]string, len(members))
	names := make(map[string]int)
	keys := make(map[string]int)
	for x, m := range members {
		c := &cs[m]
		sg.IDs[x] = c.ID
		texts[x] = c.Text
		if p := c.PhoneHash; p == "" || !seen[p] {
			seen[p] = true
			sg.Complainants++
		}
		if c.MerchantName != "" {
			names[c.MerchantName]++
		}
		if c.MerchantKey != "" {
			keys[c.MerchantKey]++
		}
	}
	sg.MerchantKey = mostCommon(keys)
	name := mostCommon(names)
	target := ""
	switch {
	case name != "":
		target = "“" + name + "”"
	case sg.MerchantKey != "" && looksLikeCreditCode(sg.MerchantKey):
		target = "统一社会信用代码为" + sg.MerchantKey + "的经营者"
	case sg.MerchantKey != "":
		name = sg.MerchantKey
		target = "“" + name + "”"
	default:
		target = fmt.Sprintf("编号为%d的经营者", sg.MerchantID)
	}
	sg.Keywords = keywords(texts, name)
	var b strings.Builder
	fmt.Fprintf(&b, "%s针对%s的投诉%d件", withinText(sg.To.Sub(sg.From)), target, len(sg.IDs))
	if sg.Complainants < len(sg.IDs) {
		fmt.Fprintf(&b, "（涉及投诉人%d名）", sg.Complainants)
	}
	b.WriteString("，内容高度相似")
	if len(sg.Keywords) > 0 {
		b.WriteString("（" + strings.Join(sg.Keywords, "、") + "）")
	}
	b.WriteString("，建议作为群体性纠纷合并处理")
	sg.Reason = b.String()
	return sg
}

// mostCommon returns the most frequent key, the smallest on ties; "" for none.
func mostCommon(m map[string]int) string {
	best, n := "", 0
	for k, v := range m {
		if v > n || v == n && k < best {
			best, n = k, v
		}
	}
	return best
}

// looksLikeCreditCode reports whether s has the shape of an 18-character
// unified social credit code (digits and upper-case letters).
func looksLikeCreditCode(s string) bool {
	if len(s) != 18 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// Keyword selection.
const (
	minKeywords     = 3 // grams with one free side only fill up to this many
	maxKeywords     = 5
	keywordMinShare = 0.3 // a keyword occurs in at least this share of the texts (and in two)
	maxNeighbours   = 4   // distinct neighbours tracked per side of a gram
	otherMark       = '#' // stands for any digit or Latin letter next to CJK text
)

// gramStat is what keyword selection learns about one n-gram.
type gramStat struct {
	df          int    // texts containing it
	last        int    // index of the last text counted in df
	left, right []rune // distinct neighbouring runes; 0 for a boundary
}

// freeSides counts the sides of a gram that are not always the same
// character: a boundary (punctuation, a function character, the text's edge)
// or varied neighbours. A gram with no free side is only ever a fragment of
// the same longer string, like "然闭" of "突然闭店".
func (st *gramStat) freeSides() int {
	n := 0
	for _, side := range [][]rune{st.left, st.right} {
		if len(side) > 1 || len(side) == 1 && side[0] == 0 {
			n++
		}
	}
	return n
}

// keywords returns up to maxKeywords CJK bigrams or trigrams shared by at
// least keywordMinShare of the texts. Grams never cross punctuation or
// non-CJK characters, and are skipped when they are generic complaint
// vocabulary, begin or end with a function character, belong to the
// merchant's own name (exclude), or have no free side (see freeSides) —
// domain terms excepted. Domain terms and grams free on both sides, which
// are most likely whole words, come first; the others, with one free side,
// only fill the list up to minKeywords. Within each, the most shared come
// first, bigrams before trigrams. A gram sharing a character with one
// already chosen is passed over, so the list does not repeat itself.
func keywords(texts []string, exclude string) []string {
	stats := make(map[string]*gramStat)
	var run []rune
	neighbour := func(i int) rune {
		if i < 0 || i >= len(run) || functionRune(run[i]) {
			return 0
		}
		return run[i]
	}
	flush := func(doc int) {
		for n := 2; n <= 3; n++ {
			for i := 0; i+n <= len(run); i++ {
				if slices.Contains(run[i:i+n], otherMark) {
					continue
				}
				g := string(run[i : i+n])
				st := stats[g]
				if st == nil {
					st = &gramStat{last: -1}
					stats[g] = st
				}
				if st.last != doc {
					st.df, st.last = st.df+1, doc
				}
				st.left = addNeighbour(st.left, neighbour(i-1))
				st.right = addNeighbour(st.right, neighbour(i+n))
			}
		}
		run = run[:0]
	}
	for doc, t := range texts {
		for _, r := range t {
			switch r = foldRune(r); {
			case unicode.Is(unicode.Han, r):
				run = append(run, r)
			case keepRune(r):
				// A digit or Latin letter ends a gram but is a neighbour like
				// any other, so "日该" of "3月2日该店" is no word.
				run = append(run, otherMark)
			default:
				flush(doc)
			}
		}
		flush(doc)
	}
	minDF := max(2, int(math.Ceil(keywordMinShare*float64(len(texts)))))
	type cand struct {
		g                 string
		tier, df, free, n int
	}
	var cands []cand
	for g, st := range stats {
		term := domainTerm(g)
		if st.df < minDF || !term && !usefulGram(g) || strings.Contains(exclude, g) {
			continue
		}
		c := cand{g: g, tier: 1, df: st.df, free: st.freeSides(), n: utf8.RuneCountInString(g)}
		switch {
		case term || c.free == 2:
			c.tier = 0
		case c.free == 0:
			continue
		}
		cands = append(cands, c)
	}
	slices.SortFunc(cands, func(a, b cand) int {
		return cmp.Or(
			cmp.Compare(a.tier, b.tier),
			cmp.Compare(b.df, a.df),
			cmp.Compare(b.free, a.free),
			cmp.Compare(a.n, b.n),
			strings.Compare(a.g, b.g),
		)
	})
	var out []string
	for _, c := range cands {
		if len(out) == maxKeywords || c.tier > 0 && len(out) >= minKeywords {
			break
		}
		if !slices.ContainsFunc(out, func(k string) bool { return strings.ContainsAny(k, c.g) }) {
			out = append(out, c.g)
		}
	}
	return out
}

// addNeighbour records r among at most maxNeighbours distinct neighbours.
func addNeighbour(rs []rune, r rune) []rune {
	if len(rs) >= maxNeighbours || slices.Contains(rs, r) {
		return rs
	}
	return append(rs, r)
}

// usefulGram rejects grams that begin or end with a function character or
// contain a generic bigram.
func usefulGram(g string) bool {
	r := []rune(g)
	if functionRune(r[0]) || functionRune(r[len(r)-1]) {
		return false
	}
	for i := 0; i+1 < len(r); i++ {
		if stopBigram(string(r[i : i+2])) {
			return false
		}
	}
	return true
}

// functionRune lists characters that make a poor edge for a keyword.
func functionRune(r rune) bool {
	return strings.ContainsRune("的了我你他她它们是在和与及也就都把被给这那该个吗呢吧啊着并而没年月日元", r)
}

// stopBigram lists bigrams common to complaints of every kind.
func stopBigram(b string) bool {
	switch b {
	case "消费", "商家", "投诉", "要求", "本人", "没有", "已经", "现在", "但是", "因为",
		"所以", "进行", "处理", "问题", "情况", "表示", "公司", "有限", "上海", "时候",
		"可以", "不能", "联系", "相关", "一直", "目前", "自己", "之后", "然后", "当时",
		"告知", "工作", "客服", "希望", "一个", "如果", "对方", "店家", "经营", "服务",
		"发现", "通过", "办理", "购买", "事后", "实际":
		return true
	}
	return false
}

// domainTerm lists words of consumer disputes that make good keywords even
// where the texts always use them inside the same phrase.
func domainTerm(g string) bool {
	switch g {
	case "预付卡", "储值卡", "会员卡", "年卡", "次卡", "充值", "办卡", "续卡",
		"闭店", "停业", "倒闭", "跑路", "关门", "失联", "搬迁",
		"退费", "退款", "退卡", "押金", "定金", "违约金", "赔偿", "余额",
		"私教", "课时", "课程", "学费", "培训", "会员":
		return true
	}
	return false
}
