package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// testEvalFactsCommended: EvalFacts with a commendation window keeps the
// cases of the scope with a commendation event in [from, until): both
// edges of a Shanghai day, a case commended twice once, no other event
// type, no other committee or room, and the day kind's filter still holds.
func testEvalFactsCommended(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	cst := time.FixedZone("CST", 8*3600)
	day := func(h, m, s, ns int) time.Time { return time.Date(2026, 3, 10, h, m, s, ns, cst) }
	from, until := day(0, 0, 0, 0), day(24, 0, 0, 0) // 2026-03-10, Shanghai
	ids := map[string]int64{}
	mk := func(name string, room int64, committee store.OrgUnit) store.Case {
		t.Helper()
		nc := newCase(f, room, "cm-"+name)
		if committee.ID != f.committee.ID {
			nc.CommitteeID, nc.CommitteeAbbr = committee.ID, committee.Abbr
		}
		nc.ReceivedAt = day(-240, 0, 0, 0)
		nc.Event.At = nc.ReceivedAt
		c, _, err := db.CreateCase(ctx, nc)
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		ids[name] = c.ID
		return c
	}
	commend := func(c store.Case, at time.Time) {
		t.Helper()
		cm := store.Commendation{CaseID: c.ID, Kind: "banner", Giver: "consumer", RecordedAt: at}
		if err := db.AddCommendation(ctx, &cm, store.Event{Type: "commendation", At: at, Data: `{"kind":"banner"}`}); err != nil {
			t.Fatalf("commend case %d: %v", c.ID, err)
		}
	}
	commend(mk("midnight", f.room1.ID, f.committee), from)                      // the day's first instant
	commend(mk("late", f.room2.ID, f.committee), day(23, 59, 59, 999_000_000))  // its last millisecond
	commend(mk("next", f.room1.ID, f.committee), until)                         // the next day's first instant
	commend(mk("before", f.room1.ID, f.committee), from.Add(-time.Millisecond)) // the day before
	commend(mk("elsewhere", 0, f.otherCommittee), day(12, 0, 0, 0))             // out of the scope
	twice := mk("twice", f.room1.ID, f.committee)
	commend(twice, day(9, 0, 0, 0))
	commend(twice, day(15, 0, 0, 0))
	accepted := mk("accepted", f.room1.ID, f.committee) // an event of another type that day
	if _, err := db.ApplyEvent(ctx, accepted.ID, accepted.Version, store.CaseChange{Status: domain.StatusAccepted},
		store.Event{Type: "accept", At: day(12, 0, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	catchUp(t, db)

	got := func(q store.EvalFactQuery) []int64 {
		t.Helper()
		rows, err := db.EvalFacts(ctx, q)
		if err != nil {
			t.Fatalf("facts %+v: %v", q, err)
		}
		var out []int64
		for _, r := range rows {
			out = append(out, r.CaseID)
		}
		return out
	}
	want := func(names ...string) []int64 {
		var out []int64
		for _, n := range names {
			out = append(out, ids[n])
		}
		slices.Sort(out)
		return out
	}
	// countingDerive closes a case on its last event's UTC day.
	year := store.EvalFactQuery{Day: "closure", From: "2026-01-01", To: "2026-12-31", CommendedFrom: from, CommendedUntil: until}
	for _, c := range []struct {
		name string
		q    func(q store.EvalFactQuery) store.EvalFactQuery
		want []int64
	}{
		{"committee", func(q store.EvalFactQuery) store.EvalFactQuery { q.Committees = []int64{f.committee.ID}; return q },
			want("midnight", "late", "twice")},
		{"room 1", func(q store.EvalFactQuery) store.EvalFactQuery {
			q.Committees, q.RoomID = []int64{f.committee.ID}, f.room1.ID
			return q
		}, want("midnight", "twice")},
		{"room 2", func(q store.EvalFactQuery) store.EvalFactQuery {
			q.Committees, q.RoomID = []int64{f.committee.ID}, f.room2.ID
			return q
		}, want("late")},
		{"other committee", func(q store.EvalFactQuery) store.EvalFactQuery { q.Committees = []int64{f.otherCommittee.ID}; return q },
			want("elsewhere")},
		{"every committee", func(q store.EvalFactQuery) store.EvalFactQuery { return q },
			want("midnight", "late", "twice", "elsewhere")},
		{"closed later", func(q store.EvalFactQuery) store.EvalFactQuery {
			q.Committees, q.From = []int64{f.committee.ID}, "2026-03-11"
			return q
		}, nil},
		{"the next day", func(q store.EvalFactQuery) store.EvalFactQuery {
			q.Committees, q.CommendedFrom, q.CommendedUntil = []int64{f.committee.ID}, until, until.AddDate(0, 0, 1)
			return q
		}, want("next")},
		{"without a window", func(q store.EvalFactQuery) store.EvalFactQuery {
			q.Committees, q.CommendedFrom, q.CommendedUntil = []int64{f.committee.ID}, time.Time{}, time.Time{}
			return q
		}, want("midnight", "late", "next", "before", "twice", "accepted")},
	} {
		if got := got(c.q(year)); !slices.Equal(got, c.want) {
			t.Errorf("%s: cases %v, want %v (cases by name: %v)", c.name, got, c.want, ids)
		}
	}
}
