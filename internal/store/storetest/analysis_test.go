package storetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// analysisDerive is a stand-in for internal/analysis's rules: the merchant
// key is the merchant's name, the street the address up to its first
// comma, one complaint each.
func analysisDerive(in []store.AnalysisInput) ([]store.AnalysisFact, error) {
	var out []store.AnalysisFact
	for _, x := range in {
		street, _, _ := strings.Cut(x.MerchantAddress, ",")
		n := int64(1)
		for _, t := range x.EventTypes {
			if t == "merge" {
				n = 0
			}
		}
		out = append(out, store.AnalysisFact{CaseID: x.Case.ID, CommitteeID: x.Case.CommitteeID, RoomID: x.Case.RoomID,
			Channel: string(x.Case.Channel), Category: x.Case.Category, MerchantKey: x.Case.MerchantName, Street: street,
			Day: x.Case.ReceivedAt.UTC().Format("2006-01-02"), Received: n, ClaimFen: n * x.Case.ClaimFen})
	}
	return out, nil
}

// TestAnalysisStore: the event hook marks cases in the events'
// transaction, the catch-up moves the rollups by the difference (a change
// moves a complaint, a recount of an unchanged case moves nothing), counts
// read day and month rollups alike, the case list pages, a reset rebuilds
// the same digest, and two catch-ups running with writers count every case
// once.
func TestAnalysisStore(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			f := newFixture(t, db)
			db.OnEvents(db.AnalysisMark)
			// Marked at migration: nothing yet. The hook marks each new case.
			mk := func(ext, merchant, addr string, at time.Time, fen int64, room int64) store.Case {
				nc := newCase(f, room, ext)
				nc.ReceivedAt, nc.ClaimFen = at, fen
				nc.Merchant = &store.Merchant{Name: merchant}
				nc.Parties[1] = store.Party{Kind: "merchant", Name: merchant, Address: addr}
				c, _, err := db.CreateCase(ctx, nc)
				if err != nil {
					t.Fatal(err)
				}
				return c
			}
			d := func(s string) time.Time { x, _ := time.Parse("2006-01-02 15", s+" 03"); return x }
			a := mk("A1", "甲店", "陆家嘴,1号", d("2026-01-15"), 100, f.room1.ID)
			mk("A2", "甲店", "陆家嘴,2号", d("2026-02-10"), 200, f.room1.ID)
			mk("A3", "乙店", "花木,3号", d("2026-02-28"), 300, f.room2.ID)
			c4 := mk("A4", "乙店", "", d("2026-03-01"), 400, f.room2.ID)
			if n, _ := db.AnalysisPending(ctx); n != 4 {
				t.Fatalf("pending %d, want 4", n)
			}
			// A rolled-back event leaves no mark.
			_ = db.InTx(ctx, func(tx store.Store) error {
				if err := tx.AddNote(ctx, a.ID, store.Event{Type: "note", ActorName: "x"}); err != nil {
					return err
				}
				return fmt.Errorf("roll back")
			})
			if n, err := db.AnalysisCatchUp(ctx, 3, analysisDerive); err != nil || n != 3 {
				t.Fatalf("first batch: %d %v", n, err)
			}
			if n, err := db.AnalysisCatchUp(ctx, 3, analysisDerive); err != nil || n != 1 {
				t.Fatalf("second batch: %d %v", n, err)
			}
			if n, _ := db.AnalysisCatchUp(ctx, 3, analysisDerive); n != 0 {
				t.Fatalf("third batch took %d", n)
			}
			show := func(rows []store.AnalysisCount, err error) string {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
				var b []string
				for _, r := range rows {
					b = append(b, fmt.Sprintf("%s=%d/%d", r.Key, r.Received, r.ClaimFen))
				}
				return strings.Join(b, " ")
			}
			sums := func(q store.AnalysisQuery) string { t.Helper(); return show(db.AnalysisCounts(ctx, q)) }
			cmts := []int64{f.committee.ID}
			// Whole months (month rollup) and partial ones (day rollup) agree.
			for _, c := range []struct {
				q    store.AnalysisQuery
				want string
			}{
				{store.AnalysisQuery{Committees: cmts, From: "2026-01-01", To: "2026-03-31", GroupBy: "merchant"}, "乙店=2/700 甲店=2/300"},
				{store.AnalysisQuery{Committees: cmts, From: "2026-01-16", To: "2026-03-01", GroupBy: "merchant"}, "乙店=2/700 甲店=1/200"},
				// Named subjects only (a hot list's other windows), by month and by day.
				{store.AnalysisQuery{Committees: cmts, From: "2026-01-01", To: "2026-03-31", GroupBy: "merchant", Keys: []string{"甲店", "丙店"}}, "甲店=2/300"},
				{store.AnalysisQuery{Committees: cmts, From: "2026-01-16", To: "2026-03-01", GroupBy: "merchant", Keys: []string{"甲店"}}, "甲店=1/200"},
				{store.AnalysisQuery{Committees: cmts, From: "2026-01-01", To: "2026-03-31", GroupBy: "merchant", Keys: []string{}}, ""},
				{store.AnalysisQuery{Committees: cmts, From: "2026-01-01", To: "2026-03-31", GroupBy: "street", Keys: []string{"花木", ""}}, "=1/400 花木=1/300"},
				{store.AnalysisQuery{Committees: cmts, From: "2026-01-01", To: "2026-03-31", GroupBy: "street"}, "=1/400 花木=1/300 陆家嘴=2/300"},
				{store.AnalysisQuery{Committees: cmts, From: "2026-01-01", To: "2026-03-31", GroupBy: "month"}, "2026-01=1/100 2026-02=2/500 2026-03=1/400"},
				{store.AnalysisQuery{Committees: cmts, From: "2026-02-01", To: "2026-02-28", GroupBy: "day"}, "2026-02-10=1/200 2026-02-28=1/300"},
				{store.AnalysisQuery{Committees: cmts, RoomID: f.room2.ID, From: "2026-01-01", To: "2026-12-31", GroupBy: ""}, "=2/700"},
				{store.AnalysisQuery{Committees: cmts, Street: "陆家嘴", From: "2026-01-01", To: "2026-12-31", GroupBy: "merchant"}, "甲店=2/300"},
				{store.AnalysisQuery{Committees: cmts, Unknown: "street", From: "2026-01-01", To: "2026-12-31", GroupBy: "merchant"}, "乙店=1/400"},
				{store.AnalysisQuery{Committees: cmts, Category: "服务-健身", From: "2026-01-01", To: "2026-12-31", GroupBy: "category"}, "服务-健身=4/1000"},
				{store.AnalysisQuery{Committees: cmts, Channel: "phone", From: "2026-01-01", To: "2026-12-31", GroupBy: "merchant"}, ""},
				{store.AnalysisQuery{Committees: []int64{f.otherCommittee.ID}, From: "2026-01-01", To: "2026-12-31", GroupBy: "merchant"}, ""},
				{store.AnalysisQuery{Committees: []int64{}, From: "2026-01-01", To: "2026-12-31"}, ""},
			} {
				if got := sums(c.q); got != c.want {
					t.Errorf("%+v: %q, want %q", c.q, got, c.want)
				}
			}
			// The narrow subject rollups answer the committee-wide lists alike.
			subj := func(q store.AnalysisSubjectQuery) string { t.Helper(); return show(db.AnalysisSubjectCounts(ctx, q)) }
			walkIn := string(domain.ChannelWalkIn)
			for _, c := range []struct {
				q    store.AnalysisSubjectQuery
				want string
			}{
				{store.AnalysisSubjectQuery{Committees: cmts, Kind: "merchant", From: "2026-01-01", To: "2026-03-31"}, "乙店=2/700 甲店=2/300"},
				{store.AnalysisSubjectQuery{Committees: cmts, Kind: "merchant", From: "2026-01-16", To: "2026-03-01"}, "乙店=2/700 甲店=1/200"},
				{store.AnalysisSubjectQuery{Committees: cmts, Kind: "merchant", From: "2026-01-01", To: "2026-03-31", Keys: []string{"甲店", "丙店"}}, "甲店=2/300"},
				{store.AnalysisSubjectQuery{Committees: cmts, Kind: "merchant", From: "2026-01-16", To: "2026-03-01", Keys: []string{"甲店"}}, "甲店=1/200"},
				{store.AnalysisSubjectQuery{Committees: cmts, Kind: "merchant", From: "2026-01-01", To: "2026-03-31", Keys: []string{}}, ""},
				{store.AnalysisSubjectQuery{Committees: cmts, Kind: "street", From: "2026-01-01", To: "2026-03-31"}, "=1/400 花木=1/300 陆家嘴=2/300"},
				{store.AnalysisSubjectQuery{Committees: cmts, Kind: "street", Channel: walkIn, From: "2026-01-01", To: "2026-03-31"}, "=1/400 花木=1/300 陆家嘴=2/300"},
				{store.AnalysisSubjectQuery{Committees: cmts, Kind: "street", Channel: "phone", From: "2026-01-01", To: "2026-03-31"}, ""},
				{store.AnalysisSubjectQuery{Committees: []int64{f.otherCommittee.ID}, Kind: "merchant", From: "2026-01-01", To: "2026-12-31"}, ""},
				{store.AnalysisSubjectQuery{Committees: []int64{}, Kind: "merchant", From: "2026-01-01", To: "2026-12-31"}, ""},
				{store.AnalysisSubjectQuery{Kind: "merchant", From: "2025-12-31", To: "2026-12-31"}, "乙店=2/700 甲店=2/300"},
				{store.AnalysisSubjectQuery{Committees: cmts, Kind: "category", From: "2026-01-01", To: "2026-03-31"}, "服务-健身=4/1000"},
			} {
				if got := subj(c.q); got != c.want {
					t.Errorf("subjects %+v: %q, want %q", c.q, got, c.want)
				}
			}
			if _, err := db.AnalysisSubjectCounts(ctx, store.AnalysisSubjectQuery{Kind: "room", From: "2026-01-01", To: "2026-01-31"}); err == nil {
				t.Error("an unknown subject kind was read")
			}
			busy := func(atLeast int64, limit int, from, to string) string {
				t.Helper()
				keys, err := db.AnalysisBusySubjects(ctx, store.AnalysisSubjectQuery{Committees: cmts, Kind: "merchant", From: from, To: to}, atLeast, limit)
				if err != nil {
					t.Fatal(err)
				}
				return strings.Join(keys, " ")
			}
			if got := busy(1, 0, "2026-01-20", "2026-03-05"); got != "乙店 甲店" {
				t.Errorf("busy in Jan..Mar: %q", got) // every month the period touches, whole
			}
			if got := busy(1, 1, "2026-01-20", "2026-03-05"); got != "乙店" {
				t.Errorf("busiest one: %q", got)
			}
			if got := busy(2, 0, "2026-01-01", "2026-03-31"); got != "" {
				t.Errorf("busy with two in a month: %q", got)
			}
			if got := busy(1, 0, "2026-03-01", "2026-03-31"); got != "乙店" {
				t.Errorf("busy in March: %q", got)
			}
			ids, total, err := db.AnalysisCaseIDs(ctx, store.AnalysisQuery{Committees: cmts, MerchantKey: "乙店", From: "2026-01-01", To: "2026-12-31"}, 1, 1)
			if err != nil || total != 2 || len(ids) != 1 || ids[0] != c4.ID {
				t.Fatalf("case ids page 2 of 乙店: %v of %d, %v", ids, total, err)
			}
			digest, err := db.AnalysisDigest(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// A recount of an unchanged case moves nothing; a change moves the complaint.
			if err := db.AddNote(ctx, a.ID, store.Event{Type: "note", ActorName: "x"}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.AnalysisCatchUp(ctx, 10, analysisDerive); err != nil {
				t.Fatal(err)
			}
			if d2, _ := db.AnalysisDigest(ctx); d2 != digest {
				t.Fatal("an unchanged case moved the rollups")
			}
			if _, err := db.Writer().ExecContext(ctx, `UPDATE cases SET merchant_name = '丙店' WHERE id = $1`, a.ID); err != nil {
				t.Fatal(err)
			}
			if err := db.AddNote(ctx, a.ID, store.Event{Type: "note", ActorName: "x"}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.AnalysisCatchUp(ctx, 10, analysisDerive); err != nil {
				t.Fatal(err)
			}
			if got := sums(store.AnalysisQuery{Committees: cmts, From: "2026-01-01", To: "2026-03-31", GroupBy: "merchant"}); got != "丙店=1/100 乙店=2/700 甲店=1/200" {
				t.Fatalf("after the merchant changed: %s", got)
			}
			if got := subj(store.AnalysisSubjectQuery{Committees: cmts, Kind: "merchant", From: "2026-01-01", To: "2026-03-31"}); got != "丙店=1/100 乙店=2/700 甲店=1/200" {
				t.Fatalf("subject rollup after the merchant changed: %s", got)
			}
			// Reset and recount: the same digest.
			incremental, _ := db.AnalysisDigest(ctx)
			if err := db.AnalysisReset(ctx); err != nil {
				t.Fatal(err)
			}
			if n, _ := db.AnalysisPending(ctx); n != 4 {
				t.Fatalf("reset marked %d cases", n)
			}
			if n, err := db.AnalysisCatchUp(ctx, 100, analysisDerive); err != nil || n != 4 {
				t.Fatalf("rebuild: %d %v", n, err)
			}
			if rebuilt, _ := db.AnalysisDigest(ctx); rebuilt != incremental {
				t.Fatal("a rebuild gave other rollups than the incremental upkeep")
			}

			// Writers and two catch-ups at once: every case counted once.
			var wg sync.WaitGroup
			stop := make(chan struct{})
			errs := make(chan error, 10)
			for i := 0; i < 2; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						if _, err := db.AnalysisCatchUp(ctx, 5, analysisDerive); err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			for i := 0; i < 30; i++ {
				mk(fmt.Sprintf("C%d", i), "丁店", "陆家嘴,9号", d("2026-04-02"), 1, f.room1.ID)
			}
			close(stop)
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if _, err := db.AnalysisCatchUp(ctx, 100, analysisDerive); err != nil {
				t.Fatal(err)
			}
			if got := sums(store.AnalysisQuery{Committees: cmts, MerchantKey: "丁店", From: "2026-04-01", To: "2026-04-30"}); got != "=30/30" {
				t.Fatalf("concurrent upkeep counted %s, want 30", got)
			}
			if got := subj(store.AnalysisSubjectQuery{Committees: cmts, Kind: "merchant", From: "2026-04-01", To: "2026-04-30"}); got != "丁店=30/30" {
				t.Fatalf("concurrent upkeep counted %s in the subject rollup, want 30", got)
			}
			if got := busy(30, 0, "2026-04-02", "2026-04-02"); got != "丁店" {
				t.Fatalf("busy in April: %q", got)
			}
		})
	}
}
