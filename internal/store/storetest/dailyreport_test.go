package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/audit"
	"github.com/tiaojie/tiaojie/internal/store"
)

// The daily report rows: drafting is insert-if-absent (the second draft
// returns the first, figures untouched), a draft refreshes, a submission
// freezes it and a second submission or refresh is a conflict; lists
// filter by unit and day; every write is on the audit trail.
func TestDailyReportStore(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := e.Open(t, true)
			f := newFixture(t, db)
			ctx := audit.With(context.Background(), audit.Actor{Kind: audit.KindUser, ID: 1, Name: "lead01"})
			at := time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC)
			first, created, err := db.DraftDailyReport(ctx, store.DailyReport{UnitID: f.room1.ID, Day: "2026-12-03",
				SpanFrom: "2026-12-02", SpanTo: "2026-12-02", Figures: `{"n":1}`, Drafted: at})
			if err != nil || !created {
				t.Fatalf("first draft: created %v, %v", created, err)
			}
			if first.ID == 0 || first.State != store.DailyDraft || first.Figures != `{"n":1}` || first.SpanFrom != "2026-12-02" || !first.Drafted.Equal(at) {
				t.Fatalf("first draft stored as %+v", first)
			}
			again, created, err := db.DraftDailyReport(ctx, store.DailyReport{UnitID: f.room1.ID, Day: "2026-12-03",
				SpanFrom: "2026-12-02", SpanTo: "2026-12-02", Figures: `{"n":2}`, Drafted: at.Add(time.Hour)})
			if err != nil || created || again.ID != first.ID || again.Figures != `{"n":1}` {
				t.Fatalf("second draft: created %v, %+v, %v", created, again, err)
			}
			if err := db.RefreshDailyReport(ctx, first.ID, `{"n":3}`, at.Add(2*time.Hour)); err != nil {
				t.Fatal(err)
			}
			if err := db.SubmitDailyReport(ctx, first.ID, "今日无异常", `{"n":4}`, 1, at.Add(3*time.Hour)); err != nil {
				t.Fatal(err)
			}
			got, err := db.GetDailyReport(ctx, f.room1.ID, "2026-12-03")
			if err != nil {
				t.Fatal(err)
			}
			if got.State != store.DailySubmitted || got.Remarks != "今日无异常" || got.Figures != `{"n":4}` || got.SubmittedBy != 1 ||
				got.SubmittedAt == nil || !got.SubmittedAt.Equal(at.Add(3*time.Hour)) {
				t.Fatalf("submitted row %+v", got)
			}
			if err := db.SubmitDailyReport(ctx, first.ID, "改写", `{}`, 1, at.Add(4*time.Hour)); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("second submission: %v, want a conflict", err)
			}
			if err := db.RefreshDailyReport(ctx, first.ID, `{}`, at.Add(4*time.Hour)); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("refresh after submission: %v, want a conflict", err)
			}
			if got2, _ := db.GetDailyReport(ctx, f.room1.ID, "2026-12-03"); got2.Remarks != "今日无异常" || got2.Figures != `{"n":4}` {
				t.Fatalf("a refused write changed the row: %+v", got2)
			}
			if err := db.RefreshDailyReport(ctx, first.ID+1000, `{}`, at); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("refresh of no report: %v", err)
			}
			if err := db.SubmitDailyReport(ctx, first.ID+1000, "", `{}`, 1, at); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("submission of no report: %v", err)
			}
			if _, err := db.GetDailyReport(ctx, f.room2.ID, "2026-12-03"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("missing report: %v", err)
			}
			for _, x := range []struct {
				unit int64
				day  string
			}{{f.room2.ID, "2026-12-03"}, {f.committee.ID, "2026-12-02"}, {f.room1.ID, "2026-11-30"}} {
				if _, _, err := db.DraftDailyReport(ctx, store.DailyReport{UnitID: x.unit, Day: x.day, SpanFrom: x.day, SpanTo: x.day, Figures: "{}"}); err != nil {
					t.Fatal(err)
				}
			}
			list, err := db.ListDailyReports(ctx, []int64{f.room1.ID, f.room2.ID}, "2026-12-01", "2026-12-03")
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 2 || list[0].UnitID != f.room1.ID || list[1].UnitID != f.room2.ID {
				t.Fatalf("list %+v", list)
			}
			if list, _ := db.ListDailyReports(ctx, nil, "2026-01-01", "2026-12-31"); len(list) != 0 {
				t.Fatalf("no units listed %d reports", len(list))
			}
			entries, err := db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Object: fmt.Sprintf("daily_report:%d/2026-12-03", f.room1.ID), Actor: "lead01", Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) < 3 { // the draft, the refresh and the submission of room 1's report
				t.Fatalf("audit entries about daily reports: %d, want the drafts, the refresh and the submission", len(entries))
			}
		})
	}
}

// Two instances drafting the same reports at once leave one row each.
func TestDailyReportDraftAcrossInstances(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dbs := e.OpenShared(t, 2)
			f := newFixture(t, dbs[0])
			units := []int64{f.committee.ID, f.room1.ID, f.room2.ID}
			var wg sync.WaitGroup
			var mu sync.Mutex
			createdN := map[int64]int{}
			ids := map[int64]map[int64]bool{}
			start := make(chan struct{})
			for i, db := range dbs {
				for w := 0; w < 3; w++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						for _, u := range units {
							r, created, err := db.DraftDailyReport(ctx, store.DailyReport{UnitID: u, Day: "2026-12-07", SpanFrom: "2026-12-04",
								SpanTo: "2026-12-06", Figures: fmt.Sprintf(`{"instance":%d}`, i)})
							if err != nil {
								t.Errorf("instance %d: %v", i, err)
								return
							}
							mu.Lock()
							if created {
								createdN[u]++
							}
							if ids[u] == nil {
								ids[u] = map[int64]bool{}
							}
							ids[u][r.ID] = true
							mu.Unlock()
						}
					}()
				}
			}
			close(start)
			wg.Wait()
			list, err := dbs[1].ListDailyReports(ctx, units, "2026-12-07", "2026-12-07")
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != len(units) {
				t.Fatalf("%d rows for %d units", len(list), len(units))
			}
			for _, u := range units {
				if createdN[u] != 1 || len(ids[u]) != 1 {
					t.Errorf("unit %d: created %d times, %d distinct rows returned", u, createdN[u], len(ids[u]))
				}
			}
		})
	}
}

// 催报 on a draft counts up with who and when, and runs its follow-up in
// the same transaction: a follow-up that fails leaves no chase; a
// submitted report cannot be chased.
func TestDailyReportChase(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := e.Open(t, true)
			f := newFixture(t, db)
			ctx := audit.With(context.Background(), audit.Actor{Kind: audit.KindUser, ID: 1, Name: "committee01"})
			at := time.Date(2026, 12, 3, 3, 0, 0, 0, time.UTC)
			r, _, err := db.DraftDailyReport(ctx, store.DailyReport{UnitID: f.room1.ID, Day: "2026-12-03",
				SpanFrom: "2026-12-02", SpanTo: "2026-12-02", Figures: `{}`, Drafted: at})
			if err != nil {
				t.Fatal(err)
			}
			boom := errors.New("notice failed")
			if err := db.ChaseDailyReport(ctx, r.ID, 1, at, func(store.Store) error { return boom }); !errors.Is(err, boom) {
				t.Fatalf("failing follow-up: %v", err)
			}
			if got, _ := db.GetDailyReport(ctx, f.room1.ID, "2026-12-03"); got.Chases != 0 || got.ChasedAt != nil {
				t.Fatalf("a failed chase was kept: %+v", got)
			}
			ran := 0
			for i := 1; i <= 2; i++ {
				if err := db.ChaseDailyReport(ctx, r.ID, 1, at.Add(time.Duration(i)*time.Hour), func(tx store.Store) error {
					ran++
					_, err := tx.GetDailyReport(ctx, f.room1.ID, "2026-12-03") // the follow-up reads inside the transaction
					return err
				}); err != nil {
					t.Fatal(err)
				}
			}
			got, err := db.GetDailyReport(ctx, f.room1.ID, "2026-12-03")
			if err != nil || ran != 2 || got.Chases != 2 || got.ChasedBy != 1 || got.ChasedAt == nil || !got.ChasedAt.Equal(at.Add(2*time.Hour)) {
				t.Fatalf("after two chases: %+v ran %d %v", got, ran, err)
			}
			if err := db.SubmitDailyReport(ctx, r.ID, "", `{}`, 2, at.Add(3*time.Hour)); err != nil {
				t.Fatal(err)
			}
			if err := db.ChaseDailyReport(ctx, r.ID, 1, at.Add(4*time.Hour), nil); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("chasing a submitted report: %v", err)
			}
			entries, err := db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Object: fmt.Sprintf("daily_report:%d/2026-12-03", f.room1.ID), Actor: "committee01", Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, en := range entries {
				if en.Action == "update daily_reports" {
					n++
				}
			}
			if n != 3 { // two chases and the submission; the failed chase left nothing
				var acts []string
				for _, en := range entries {
					acts = append(acts, en.Action)
				}
				t.Fatalf("updates of the report on the audit trail: %d, want 3 (%q)", n, acts)
			}
		})
	}
}
