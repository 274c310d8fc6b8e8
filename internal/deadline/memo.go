package deadline

import (
	"encoding/binary"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/memo"
)

// Memo remembers cases' clocks by everything they are computed from: the
// calendar (its digest), the policy, the clock facts and the day. A list
// page computes the clocks of fifty cases (5–9 µs each, a tenth of the case
// list's CPU), and the same cases come back on the next page view, the
// next person's desk and the API; a case that changed has other facts and
// is a new key, so nothing is invalidated and nothing stale is served.
// The zero value is ready; it holds two generations of memo.Memo's default
// 4,096 cases (a case's clocks are about 1.5 kB with their explanations:
// some 12 MB).
type Memo struct {
	m memo.Memo[clockInput, []calendar.Deadline]
}

// clockInput is what calendar.Deadlines is a function of.
type clockInput struct {
	calendar string // the calendar's digest
	policy   calendar.Policy
	facts    string // factsKey
	today    calendar.Date
}

// Remembered is r computing through m (nil: as r does). The calendar's
// digest is taken here, once per loaded Rules.
func (r Rules) Remembered(m *Memo) Rules {
	if m == nil {
		return r
	}
	r.memo, r.calendarDigest = m, r.Calendar.Digest()
	return r
}

func (r Rules) deadlines(p calendar.Policy, f calendar.ClockFacts, today calendar.Date) []calendar.Deadline {
	if r.memo == nil {
		return calendar.Deadlines(r.Calendar, p, f, today)
	}
	k := clockInput{r.calendarDigest, p, factsKey(f), today}
	if ds, ok := r.memo.m.Get(k); ok {
		return cloneDeadlines(ds)
	}
	ds := calendar.Deadlines(r.Calendar, p, f, today)
	r.memo.m.Put(k, cloneDeadlines(ds))
	return ds
}

// cloneDeadlines copies ds with their pointers, so no caller shares a
// remembered value.
func cloneDeadlines(ds []calendar.Deadline) []calendar.Deadline {
	out := make([]calendar.Deadline, len(ds))
	for i, d := range ds {
		if d.StoppedAt != nil {
			at := *d.StoppedAt
			d.StoppedAt = &at
		}
		if d.Met != nil {
			met := *d.Met
			d.Met = &met
		}
		out[i] = d
	}
	return out
}

// factsKey encodes every field of f (TestFactsKeyCoversEveryField holds
// that each one changes it): a date set as its number plus one, one unset
// as 0.
func factsKey(f calendar.ClockFacts) string {
	b := make([]byte, 0, 64)
	day := func(d calendar.Date) {
		b = binary.AppendUvarint(b, 1+(uint64(d.Year)<<9|uint64(d.Month)<<5|uint64(d.Day)))
	}
	opt := func(d *calendar.Date) {
		if d == nil {
			b = append(b, 0)
			return
		}
		day(*d)
	}
	day(f.ReceivedAt)
	for _, d := range []*calendar.Date{f.AcceptedAt, f.ODRStartedAt, f.ODREndedAt, f.MediationEndedAt, f.TerminatedAt,
		f.NoticeSentAt, f.EffectiveAt, f.JudicialAppliedAt, f.DecidedAt} {
		opt(d)
	}
	if f.Decided {
		b = append(b, 1)
	} else {
		b = append(b, 2)
	}
	for _, p := range f.Pauses {
		day(p.From)
		opt(p.To)
	}
	return string(b)
}
