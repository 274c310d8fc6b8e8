package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// What the background sweeps read every minute or quarter hour is read by
// indexes of what they look for (migration 86), not every row of the years:
// the window's follow-ups, the open warnings, the applications still with
// the court, the rectifications past due. The sweep's pages of open cases by
// id are checked on both engines; SQLite's plans here (the other reads'
// answers are checked by their own tests).
func TestSweepReadsByIndex(t *testing.T) {
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		clock := []domain.Status{domain.StatusAccepted, domain.StatusODRNegotiating, domain.StatusConsenting, domain.StatusAssigned,
			domain.StatusMediating, domain.StatusSuspended, domain.StatusAgreed, domain.StatusPerforming}
		var open, odr []int64
		for i, c := range insertCases(t, db, f, 30) {
			st := []domain.Status{domain.StatusReceived, domain.StatusMediating, domain.StatusArchived, domain.StatusODRNegotiating, domain.StatusPerforming}[i%5]
			if st != domain.StatusReceived {
				if _, err := db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: st}, store.Event{Type: "test"}); err != nil {
					t.Fatal(err)
				}
			}
			if slices.Contains(clock, st) {
				open = append(open, c.ID)
			}
			if st == domain.StatusODRNegotiating {
				odr = append(odr, c.ID)
			}
		}
		sweep := func(sts []domain.Status) []int64 {
			t.Helper()
			var ids []int64
			for after := int64(0); ; {
				page, err := db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}, Statuses: sts, ByID: true, AfterID: after, Limit: 4})
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range page.Cases {
					ids = append(ids, c.ID)
					after = c.ID
				}
				if len(page.Cases) < 4 {
					return ids
				}
			}
		}
		if got := sweep(clock); !slices.Equal(got, open) {
			t.Errorf("the open cases by id %v, want %v", got, open)
		}
		if got := sweep([]domain.Status{domain.StatusODRNegotiating}); !slices.Equal(got, odr) {
			t.Errorf("the ODR cases by id %v, want %v", got, odr)
		}
		if e.Name != "sqlite" {
			return
		}
		for _, c := range []struct {
			what  string
			read  func()
			index string
		}{
			{"latest follow-ups", func() { db.LatestFollowUps(ctx, t0.Add(-72*time.Hour)) }, "INDEX follow_ups_recorded (recorded_at>?)"},
			{"open warnings", func() { db.OpenWarningList(ctx) }, "INDEX warnings_status_raised (status=?)"},
			{"applications with the court", func() { db.ListPendingJudicial(ctx, "本平台") }, "INDEX judicial_applications_pending"},
			{"rectifications past due", func() { db.ListRectifications(ctx, store.RectificationQuery{DueBefore: "2026-03-15"}) }, "INDEX rectifications_due (due_day<?)"},
		} {
			plan := tracedPlan(t, db, c.read)
			if !strings.Contains(plan, c.index) || strings.Contains(plan, "TEMP B-TREE FOR ORDER BY") && c.what != "open warnings" {
				t.Errorf("%s: not read by %s:\n%s", c.what, c.index, plan)
			}
		}
	})
}
