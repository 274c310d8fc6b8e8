package deadline

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Every field of the clock facts is part of the memo's key: a field added
// to calendar.ClockFacts and not to factsKey would let two cases with
// different clocks share one answer.
func TestFactsKeyCoversEveryField(t *testing.T) {
	d1, d2 := calendar.Date{Year: 2026, Month: 3, Day: 2}, calendar.Date{Year: 2026, Month: 3, Day: 9}
	base := calendar.ClockFacts{ReceivedAt: d1, Pauses: []calendar.Pause{{From: d1}}}
	seen := map[string]string{factsKey(base): "base"}
	typ := reflect.TypeOf(base)
	for i := range typ.NumField() {
		f := base
		f.Pauses = []calendar.Pause{{From: d1}}
		v := reflect.ValueOf(&f).Elem().Field(i)
		switch v.Interface().(type) {
		case calendar.Date:
			v.Set(reflect.ValueOf(d2))
		case *calendar.Date:
			v.Set(reflect.ValueOf(&d2))
		case bool:
			v.SetBool(true)
		case []calendar.Pause:
			// each field of a pause, and a second pause
			for _, ps := range [][]calendar.Pause{{{From: d2}}, {{From: d1, To: &d2}}, {{From: d1}, {From: d2}}} {
				f.Pauses = ps
				k := factsKey(f)
				if prev, ok := seen[k]; ok {
					t.Fatalf("pauses %+v share a key with %s", ps, prev)
				}
				seen[k] = "pauses"
			}
			continue
		default:
			t.Fatalf("field %s of type %s: teach factsKey and this test", typ.Field(i).Name, v.Type())
		}
		k := factsKey(f)
		if prev, ok := seen[k]; ok {
			t.Fatalf("changing %s leaves the key of %s", typ.Field(i).Name, prev)
		}
		seen[k] = typ.Field(i).Name
	}
	// A date set to the zero date is not a date unset.
	if factsKey(calendar.ClockFacts{ReceivedAt: d1}) == factsKey(calendar.ClockFacts{ReceivedAt: d1, AcceptedAt: &calendar.Date{}}) {
		t.Fatal("an unset date and the zero date share a key")
	}
}

// Remembered rules answer what the rules compute, for cases of every kind
// on many days, the second time from the memo; a caller changing what it
// got changes nothing remembered; another calendar is another answer.
func TestRememberedClocksAreTheComputedOnes(t *testing.T) {
	plain := Rules{Calendar: calendar.New(nil), Policies: calendar.DefaultPolicies()}
	m := &Memo{}
	sh := calendar.Shanghai()
	rng := rand.New(rand.NewPCG(7, 12315))
	day := func(base time.Time, max int) time.Time { return base.AddDate(0, 0, rng.IntN(max)) }
	actions := []domain.Action{domain.ActionSuspend, domain.ActionResume, domain.ActionStartODR, domain.ActionODRFailed,
		domain.ActionReachAgreement, domain.ActionWithdraw, domain.ActionTerminate, domain.ActionStartPerformance}
	for i := range 400 {
		received := day(time.Date(2026, 1, 5, 9, 0, 0, 0, sh), 200)
		c := store.Case{ID: int64(i), ReceivedAt: received}
		var evs []store.Event
		if rng.IntN(4) > 0 {
			acc := day(received, 5)
			c.AcceptedAt, c.DecidedAt = &acc, &acc
			at := acc
			for range rng.IntN(4) {
				at = day(at, 15)
				evs = append(evs, store.Event{Type: string(actions[rng.IntN(len(actions))]), At: at})
			}
		}
		now := day(received, 90)
		want := plain.ForCase(c, evs, now)
		for round := range 3 {
			r := plain.Remembered(m) // as each request loads its rules
			got := r.ForCase(c, evs, now)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("case %d, round %d:\n got %+v\nwant %+v", i, round, got, want)
			}
			for j := range got { // a caller's changes stay its own
				got[j].Explain = "changed"
				if got[j].Met != nil {
					*got[j].Met = !*got[j].Met
				}
				if got[j].StoppedAt != nil {
					got[j].StoppedAt.Day = 1
				}
			}
		}
	}
	if m.m.Len() == 0 {
		t.Fatal("nothing was remembered")
	}
	if plain.Remembered(m).Digest() != plain.Digest() {
		t.Fatal("remembered rules have another digest")
	}
	// The same case under a calendar where its due day is a holiday.
	c := store.Case{ReceivedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, sh)}
	now := time.Date(2026, 3, 3, 9, 0, 0, 0, sh)
	before := plain.Remembered(m).ForCase(c, nil, now)
	due := before[0].Due
	other := Rules{Calendar: calendar.New([]calendar.Override{{Date: due, Workday: false, Name: "调休"}}), Policies: plain.Policies}
	after := other.Remembered(m).ForCase(c, nil, now)
	if after[0].Due == due || !reflect.DeepEqual(after, other.ForCase(c, nil, now)) {
		t.Fatalf("another calendar: due %s, before %s", after[0].Due, due)
	}
}

func BenchmarkRememberedRulesPerRequest(b *testing.B) {
	var ovs []calendar.Override
	for i := range 40 {
		ovs = append(ovs, calendar.Override{Date: calendar.Date{Year: 2026, Month: time.Month(1 + i%12), Day: 1 + i}, Workday: i%2 == 0})
	}
	r := Rules{Calendar: calendar.New(ovs), Policies: calendar.DefaultPolicies()}
	m := &Memo{}
	for b.Loop() {
		r.Remembered(m)
	}
}

// A list row's clocks computed, and remembered.
func BenchmarkForCase(b *testing.B) {
	sh := calendar.Shanghai()
	acc := time.Date(2026, 3, 4, 9, 0, 0, 0, sh)
	c := store.Case{ReceivedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, sh), AcceptedAt: &acc, DecidedAt: &acc}
	now := time.Date(2026, 5, 20, 9, 0, 0, 0, sh)
	r := Rules{Calendar: calendar.New(nil), Policies: calendar.DefaultPolicies()}
	b.Run("computed", func(b *testing.B) {
		for b.Loop() {
			r.ForCase(c, nil, now)
		}
	})
	b.Run("remembered", func(b *testing.B) {
		rm := r.Remembered(&Memo{})
		for b.Loop() {
			rm.ForCase(c, nil, now)
		}
	})
}
