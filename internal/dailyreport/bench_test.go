package dailyreport_test

import (
	"context"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/dailyreport"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// BenchmarkReport: the Pudong committee's daily report figures of a past
// working day (what drafting or refreshing a draft computes; the demo's
// own reports are submitted, so Get would read them back) and the cases
// behind its commendations figure, over the demo with TIAOJIE_BENCH_CASES
// synthetic cases (1,000 by default).
func BenchmarkReport(b *testing.B) {
	n := storetest.BenchCases(b, 1_000)
	sealer, err := pii.NewSealer(make([]byte, 32))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	now := time.Now()
	for _, e := range storetest.Engines(b) {
		db := e.Open(b, true)
		if _, err := demo.Build(ctx, db, sealer, demo.Options{Cases: n, Password: "bench-pass", PasswordHash: "x", Now: now}); err != nil {
			b.Fatal(err)
		}
		svc, p := demoService(b, db, now)
		// The latest working day before today: no drafting-time snapshot.
		var rep dailyreport.Report
		for back := 1; rep.Unit.ID == 0 && back < 10; back++ {
			rep, _ = svc.Get(ctx, p, demo.CodeCommittee, calendar.DateOf(now).AddDays(-back).String())
		}
		if rep.Unit.ID == 0 {
			b.Fatal("no working day in the last ten days")
		}
		date := rep.Day.String()
		// scan: the commendations found by decoding a year of closures, as
		// before migration 61, on the same database.
		for _, way := range []struct {
			name string
			svc  *dailyreport.Service
		}{{"index", svc}, {"scan", dailyreport.ScanningClosures(svc)}} {
			b.Run(e.Name+"/figures/"+way.name, func(b *testing.B) {
				for b.Loop() {
					if _, err := way.svc.SpanFigures(ctx, rep.Unit, rep.From, rep.To); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(e.Name+"/commendations/"+way.name, func(b *testing.B) {
				for b.Loop() {
					if _, err := way.svc.Cases(ctx, p, demo.CodeCommittee, date, "commendations"); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// demoService is a report service on a demo database, its clock stopped
// at now, and a reader of the Pudong committee's reports.
func demoService(t testing.TB, st store.Store, now time.Time) (*dailyreport.Service, *auth.Principal) {
	t.Helper()
	units, err := st.ListOrgUnits(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range units {
		if u.Code == demo.CodeCommittee {
			clock := now
			p := &auth.Principal{UserID: 1, Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: u.ID, OrgPath: u.Path}}}
			return service(st, &clock), p
		}
	}
	t.Fatalf("no unit %s in the demo", demo.CodeCommittee)
	return nil, nil
}
