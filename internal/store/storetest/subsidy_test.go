package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// TestSubsidyStore: scheme versions, difficulties, what the gates read of
// a case, batches through their life with the trail, concurrency of two
// decisions, paid cases, carried cases, the year's spending and a
// mediator's own lines.
func TestSubsidyStore(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			testSubsidies(t, e.Open(t, true))
		})
	}
}

func testSubsidies(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	med := mkUser(t, db, "med1", domain.RoleMediator, f.room1)
	cmt := mkUser(t, db, "cmt1", domain.RoleCommittee, f.committee)

	// Schemes: versions by effective date, a version once per unit.
	for _, v := range []store.SubsidyScheme{{UnitID: f.district.ID, Version: "v2", EffectiveFrom: "2026-07-01", Body: `{"version":"v2"}`},
		{UnitID: f.district.ID, Version: "v1", EffectiveFrom: "2026-01-01", Body: `{"version":"v1"}`}} {
		if err := db.AddSubsidyScheme(ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AddSubsidyScheme(ctx, store.SubsidyScheme{UnitID: f.district.ID, Version: "v1", EffectiveFrom: "2026-02-01", Body: "{}"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("same version again: %v", err)
	}
	ss, err := db.ListSubsidySchemes(ctx, f.district.ID)
	if err != nil || len(ss) != 2 || ss[0].Version != "v1" || ss[1].Version != "v2" || ss[1].Body != `{"version":"v2"}` {
		t.Fatalf("schemes: %+v %v", ss, err)
	}
	if ss, _ := db.ListSubsidySchemes(ctx, f.otherDistrict.ID); len(ss) != 0 {
		t.Fatalf("other district's schemes: %+v", ss)
	}

	// Three cases: one with two held sessions, an archive, a group and a sync row.
	var ids []int64
	for _, ext := range []string{"s1", "s2", "s3"} {
		c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, ext))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	for _, st := range []string{"held", "held", "cancelled"} {
		s := store.Session{CaseID: ids[0], Kind: "room", StartsAt: t0, CreatedBy: med.ID}
		if err := db.CreateSession(ctx, &s); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordSession(ctx, s.ID, st, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	c0, _ := db.GetCase(ctx, ids[0])
	if _, err := db.ApplyEvent(ctx, ids[0], c0.Version, store.CaseChange{Status: domain.StatusArchived}, store.Event{Type: "archive", ActorName: "cmt1"}); err != nil {
		t.Fatal(err)
	}
	if err := db.AttachArchive(ctx, ids[0], store.Archive{FileNumber: "A-1", PDF: []byte("%PDF"), SHA256: "x", ArchivedBy: cmt.ID, ArchivedAt: t0}); err != nil {
		t.Fatal(err)
	}
	g := store.Group{CommitteeID: f.committee.ID, Title: "健身房闭店", Created: t0}
	if err := db.CreateGroup(ctx, &g, []int64{ids[1], ids[2]}); err != nil {
		t.Fatal(err)
	}
	if err := db.PutSmartSync(ctx, store.SmartSync{CaseID: ids[0], CommitteeID: f.committee.ID, CaseCode: "c1", State: store.SmartSynced, Updated: t0}); err != nil {
		t.Fatal(err)
	}
	sc, err := db.SubsidyCases(ctx, ids)
	if err != nil || len(sc) != 3 {
		t.Fatalf("subsidy cases: %+v %v", sc, err)
	}
	if c := sc[ids[0]]; c.Sessions != 2 || !c.HasArchive || c.Parties != 2 || c.SyncState != store.SmartSynced || c.RoomName != f.room1.Name || c.ClaimFen != 256000 || c.GroupID != 0 {
		t.Fatalf("first case: %+v", c)
	}
	if c := sc[ids[1]]; c.GroupID != g.ID || c.GroupTitle != "健身房闭店" || c.HasArchive || c.Sessions != 0 || c.SyncState != "" {
		t.Fatalf("group member: %+v", c)
	}

	// Difficulties: confirmed, replaced.
	at := time.Date(2026, 10, 27, 2, 0, 0, 0, time.UTC)
	if err := db.PutCaseDifficulty(ctx, store.CaseDifficulty{CaseID: ids[0], Proposed: "complex", ProposedWhy: "调解 2 次", Level: "normal", Note: "事实清楚", ConfirmedBy: cmt.ID, ConfirmedAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := db.PutCaseDifficulty(ctx, store.CaseDifficulty{CaseID: ids[0], Proposed: "complex", Level: "complex", ConfirmedBy: cmt.ID, ConfirmedAt: at}); err != nil {
		t.Fatal(err)
	}
	ds, err := db.CaseDifficulties(ctx, ids)
	if err != nil || len(ds) != 1 || ds[ids[0]].Level != "complex" || ds[ids[0]].ByName != "cmt1" || !ds[ids[0]].ConfirmedAt.Equal(at) {
		t.Fatalf("difficulties: %+v %v", ds, err)
	}

	// A batch with two lines and one failure.
	line := func(id int64, fen int64) store.SubsidyLine {
		return store.SubsidyLine{CaseID: id, CaseNumber: fmt.Sprintf("N%d", id), MediatorID: med.ID, MediatorName: "med1", RoomID: f.room1.ID, RoomName: f.room1.Name,
			ClosureDay: "2026-10-10", SchemeVersion: "v2", Rule: "书面协议·一般·已履行", Difficulty: "normal", BaseFen: fen, Percent: 100, AmountFen: fen, Explanation: "x"}
	}
	b := store.SubsidyBatch{CommitteeID: f.committee.ID, Period: "2026-10", WindowFrom: "2026-09-26", WindowTo: "2026-10-25", CreatedBy: cmt.ID,
		Lines:    []store.SubsidyLine{line(ids[0], 24000), line(ids[1], 10000)},
		Failures: []store.SubsidyFailure{{CaseID: ids[2], CaseNumber: "N3", ClosureDay: "2026-10-11", Gate: "follow_up", Reason: "尚未完成回访", Pending: true}}}
	if err := db.CreateSubsidyBatch(ctx, &b, store.SubsidyTrail{Action: "生成", ActorID: cmt.ID, ActorName: "cmt1", ActorRole: "调委会"}); err != nil || b.ID == 0 || b.TotalFen != 34000 {
		t.Fatalf("create: %+v %v", b, err)
	}
	dup := store.SubsidyBatch{CommitteeID: f.committee.ID, Period: "2026-10", WindowFrom: "a", WindowTo: "b", CreatedBy: cmt.ID}
	if err := db.CreateSubsidyBatch(ctx, &dup, store.SubsidyTrail{Action: "生成"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second regular batch of a period: %v", err)
	}
	got, err := db.GetSubsidyBatch(ctx, b.ID)
	if err != nil || got.Status != store.SubsidyDraft || len(got.Lines) != 2 || len(got.Failures) != 1 || len(got.Trail) != 1 || got.CommitteeName != f.committee.Name ||
		got.CommitteeCode != "pd-cmt" || got.Version != 1 || !got.Failures[0].Pending || got.Trail[0].ActorRole != "调委会" {
		t.Fatalf("get: %+v %v", got, err)
	}
	if found, err := db.FindSubsidyBatch(ctx, f.committee.ID, "2026-10"); err != nil || found.ID != b.ID {
		t.Fatalf("find: %+v %v", found, err)
	}
	if _, err := db.FindSubsidyBatch(ctx, f.committee.ID, "2026-09"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("find missing: %v", err)
	}

	// Exclude a line: the total follows; a wrong version or status is stale.
	draft := []string{store.SubsidyDraft, store.SubsidyReturned}
	if err := db.ChangeSubsidyBatch(ctx, store.SubsidyChange{BatchID: b.ID, From: draft, Version: 1, ExcludeCase: ids[1], Exclude: true, ExcludeReason: "重复",
		Trail: store.SubsidyTrail{Action: "剔除", ActorID: cmt.ID}}); err != nil {
		t.Fatal(err)
	}
	if err := db.ChangeSubsidyBatch(ctx, store.SubsidyChange{BatchID: b.ID, From: draft, Version: 1, Status: store.SubsidySubmitted,
		Trail: store.SubsidyTrail{Action: "提交"}}); !errors.Is(err, store.ErrStale) {
		t.Fatalf("old version: %v", err)
	}
	if err := db.ChangeSubsidyBatch(ctx, store.SubsidyChange{BatchID: b.ID, From: draft, Version: 2, ExcludeCase: 999999, Exclude: true,
		Trail: store.SubsidyTrail{Action: "剔除"}}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("exclude a case not on the batch: %v", err)
	}
	got, _ = db.GetSubsidyBatch(ctx, b.ID)
	if got.TotalFen != 24000 || got.Version != 2 || !got.Lines[1].Excluded || got.Lines[1].ExcludeReason != "重复" || len(got.Trail) != 2 {
		t.Fatalf("after exclusion: %+v", got)
	}

	if l, err := db.ListSubsidyBatches(ctx, []int64{f.committee.ID}, 0); err != nil || len(l) != 1 || l[0].LineCount != 2 || l[0].FailureCount != 1 {
		t.Fatalf("listed before recompute: %+v %v", l, err)
	}
	// Recompute keeps the exclusion of a case still on the batch.
	if err := db.ChangeSubsidyBatch(ctx, store.SubsidyChange{BatchID: b.ID, From: draft, Version: 2, Recompute: true, ComputedAt: at,
		Lines: []store.SubsidyLine{line(ids[0], 30000), line(ids[1], 10000), line(ids[2], 5000)}, Trail: store.SubsidyTrail{Action: "重新核算"}}); err != nil {
		t.Fatal(err)
	}
	got, _ = db.GetSubsidyBatch(ctx, b.ID)
	if got.TotalFen != 35000 || len(got.Lines) != 3 || len(got.Failures) != 0 || !got.Lines[1].Excluded || !got.Computed.Equal(at) {
		t.Fatalf("after recompute: %+v", got)
	}
	if l, err := db.ListSubsidyBatches(ctx, []int64{f.committee.ID}, 0); err != nil || len(l) != 1 || l[0].LineCount != 3 || l[0].FailureCount != 0 {
		t.Fatalf("listed after recompute: %+v %v", l, err)
	}

	// Submit; return with a reason on a line; resubmit clears line reasons.
	if err := db.ChangeSubsidyBatch(ctx, store.SubsidyChange{BatchID: b.ID, From: draft, Version: 3, Status: store.SubsidySubmitted, SubmittedBy: cmt.ID,
		Trail: store.SubsidyTrail{Action: "提交"}}); err != nil {
		t.Fatal(err)
	}
	why := "材料不全"
	if err := db.ChangeSubsidyBatch(ctx, store.SubsidyChange{BatchID: b.ID, From: []string{store.SubsidySubmitted}, Version: 4, Status: store.SubsidyReturned,
		DecidedBy: med.ID, ReturnReason: &why, LineReasons: map[int64]string{ids[2]: "未见回访记录"}, Trail: store.SubsidyTrail{Action: "退回"}}); err != nil {
		t.Fatal(err)
	}
	got, _ = db.GetSubsidyBatch(ctx, b.ID)
	if got.Status != store.SubsidyReturned || got.ReturnReason != why || got.Lines[2].ReturnReason != "未见回访记录" || got.DecidedBy != med.ID || got.SubmittedAt == nil {
		t.Fatalf("returned: %+v", got)
	}
	if err := db.ChangeSubsidyBatch(ctx, store.SubsidyChange{BatchID: b.ID, From: draft, Version: 5, Status: store.SubsidySubmitted, SubmittedBy: cmt.ID, ClearReturns: true,
		Trail: store.SubsidyTrail{Action: "重新提交"}}); err != nil {
		t.Fatal(err)
	}
	got, _ = db.GetSubsidyBatch(ctx, b.ID)
	if got.Lines[2].ReturnReason != "" || got.Status != store.SubsidySubmitted {
		t.Fatalf("resubmitted: %+v", got)
	}

	// Two approvals at once: one wins, the other is stale.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.ChangeSubsidyBatch(ctx, store.SubsidyChange{BatchID: b.ID, From: []string{store.SubsidySubmitted}, Version: 6,
				Status: store.SubsidyApproved, DecidedBy: med.ID, Trail: store.SubsidyTrail{Action: "审核通过"}})
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, store.ErrStale):
			t.Fatalf("second approval: %v", err)
		}
	}
	got, _ = db.GetSubsidyBatch(ctx, b.ID)
	if won != 1 || got.Status != store.SubsidyApproved || got.Version != 7 || len(got.Trail) != 7 {
		t.Fatalf("approvals: won %d, %+v", won, got)
	}
	// Approved: no editable change applies.
	if err := db.ChangeSubsidyBatch(ctx, store.SubsidyChange{BatchID: b.ID, From: draft, Version: 7, ExcludeCase: ids[0], Exclude: true,
		Trail: store.SubsidyTrail{Action: "剔除"}}); !errors.Is(err, store.ErrStale) {
		t.Fatalf("change an approved batch: %v", err)
	}

	// Paid cases, the year's spending, carried cases, a mediator's lines.
	paid, err := db.SubsidyPaid(ctx, f.committee.ID, ids)
	if err != nil || len(paid) != 2 || paid[ids[0]].Fen != 30000 || paid[ids[0]].Period != "2026-10" || paid[ids[2]].Fen != 5000 {
		t.Fatalf("paid: %+v %v", paid, err)
	}
	if n, err := db.SubsidySpent(ctx, f.committee.ID, 2026, 0); err != nil || n != 35000 {
		t.Fatalf("spent: %d %v", n, err)
	}
	if n, _ := db.SubsidySpent(ctx, f.committee.ID, 2026, b.ID); n != 0 {
		t.Fatalf("spent leaving the batch out: %d", n)
	}
	if n, _ := db.SubsidySpent(ctx, f.committee.ID, 2025, 0); n != 0 {
		t.Fatalf("spent in another year: %d", n)
	}
	// November: a draft with a pending failure for ids[1] (excluded in October, so not paid).
	nov := store.SubsidyBatch{CommitteeID: f.committee.ID, Period: "2026-11", WindowFrom: "2026-10-26", WindowTo: "2026-11-25", CreatedBy: cmt.ID,
		Failures: []store.SubsidyFailure{{CaseID: ids[1], CaseNumber: "N2", ClosureDay: "2026-10-10", Gate: "archived", Reason: "未归档", Pending: true},
			{CaseID: ids[0], CaseNumber: "N1", ClosureDay: "2026-10-10", Gate: "archived", Reason: "未归档", Pending: true}}}
	if err := db.CreateSubsidyBatch(ctx, &nov, store.SubsidyTrail{Action: "生成"}); err != nil {
		t.Fatal(err)
	}
	carried, err := db.SubsidyPendingCases(ctx, f.committee.ID, "2026-01", "2026-11")
	if err != nil || len(carried) != 1 || carried[0] != ids[1] {
		t.Fatalf("carried (paid cases are not): %v %v", carried, err)
	}
	list, err := db.ListSubsidyBatches(ctx, []int64{f.committee.ID}, 0)
	if err != nil || len(list) != 2 || list[0].Period != "2026-11" || list[1].LineCount != 3 || list[0].FailureCount != 2 {
		t.Fatalf("list: %+v %v", list, err)
	}
	if l, _ := db.ListSubsidyBatches(ctx, []int64{f.otherCommittee.ID}, 0); len(l) != 0 {
		t.Fatalf("other committee: %+v", l)
	}
	cl, cf, err := db.CaseSubsidy(ctx, ids[1])
	if err != nil || len(cl) != 1 || !cl[0].Excluded || cl[0].Period != "2026-10" || len(cf) != 1 || cf[0].Period != "2026-11" || cf[0].Gate != "archived" || cf[0].Status != store.SubsidyDraft {
		t.Fatalf("a case's subsidy: %+v %+v %v", cl, cf, err)
	}
	mine, err := db.MediatorSubsidyLines(ctx, med.ID, "", 0)
	if err != nil || len(mine) != 3 || mine[0].Period != "2026-10" || mine[0].Status != store.SubsidyApproved {
		t.Fatalf("mine: %+v %v", mine, err)
	}
	if m, _ := db.MediatorSubsidyLines(ctx, cmt.ID, "", 0); len(m) != 0 {
		t.Fatalf("someone else's lines: %+v", m)
	}
	if m, _ := db.MediatorSubsidyLines(ctx, med.ID, "2026-10", 0); len(m) != 3 {
		t.Fatalf("October's lines: %+v", m)
	}
	if m, _ := db.MediatorSubsidyLines(ctx, med.ID, "2026-09", 0); len(m) != 0 {
		t.Fatalf("September's lines: %+v", m)
	}
	// The total is every approved or paid line's but the excluded, whatever
	// the list shows.
	var want int64
	for _, l := range mine {
		if !l.Excluded && (l.Status == store.SubsidyApproved || l.Status == store.SubsidyPaidState) {
			want += l.AmountFen
		}
	}
	if got, err := db.MediatorSubsidySum(ctx, med.ID); err != nil || got != want || want == 0 {
		t.Fatalf("my total %d %v, want %d", got, err, want)
	}
	if one, _ := db.MediatorSubsidyLines(ctx, med.ID, "", 1); len(one) != 1 {
		t.Fatalf("a list of one: %+v", one)
	}
	if got, _ := db.MediatorSubsidySum(ctx, cmt.ID); got != 0 {
		t.Fatalf("someone else's total: %d", got)
	}
	testCaseSubsidyFacts(t, db, f, ids)
}

// The case page's one-statement read of the subsidy panel's facts says what
// the batch reads (CaseDifficulties, EvalFactsOf, SubsidyCases, CaseSubsidy)
// say of the same case, before and after the case has evaluation facts.
func testCaseSubsidyFacts(t *testing.T, db *sqlstore.DB, f fixture, ids []int64) {
	ctx := context.Background()
	bare, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, "s-bare"))
	if err != nil {
		t.Fatal(err)
	}
	all := append(slices.Clone(ids), bare.ID)
	check := func(when string) {
		t.Helper()
		ds, err1 := db.CaseDifficulties(ctx, all)
		facts, err2 := db.EvalFactsOf(ctx, all)
		scs, err3 := db.SubsidyCases(ctx, all)
		if err := errors.Join(err1, err2, err3); err != nil {
			t.Fatal(err)
		}
		for _, id := range all {
			got, err := db.CaseSubsidyFacts(ctx, id)
			if err != nil {
				t.Fatalf("%s: case %d: %v", when, id, err)
			}
			lines, fails, err := db.CaseSubsidy(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			want := store.CaseSubsidyFacts{Difficulty: ds[id], ClosureDay: facts[id].ClosureDay, Parties: scs[id].Parties,
				HeldSessions: scs[id].Sessions, HasLines: len(lines) > 0, HasFailures: len(fails) > 0}
			if !got.Difficulty.ConfirmedAt.Equal(want.Difficulty.ConfirmedAt) {
				t.Fatalf("%s: case %d confirmed at %v, want %v", when, id, got.Difficulty.ConfirmedAt, want.Difficulty.ConfirmedAt)
			}
			got.Difficulty.ConfirmedAt, want.Difficulty.ConfirmedAt = time.Time{}, time.Time{}
			if got != want {
				t.Fatalf("%s: case %d: %+v, want %+v", when, id, got, want)
			}
		}
		if got, err := db.CaseSubsidyFacts(ctx, ids[0]); err != nil || got.Difficulty.Level != "complex" || got.Difficulty.ByName != "cmt1" ||
			got.HeldSessions != 2 || got.Parties != 2 || !got.HasLines || !got.HasFailures {
			t.Fatalf("%s: the case with everything: %+v %v", when, got, err)
		}
		if got, err := db.CaseSubsidyFacts(ctx, bare.ID); err != nil || got.Difficulty.CaseID != 0 || got.HasLines || got.HasFailures || got.HeldSessions != 0 {
			t.Fatalf("%s: a bare case: %+v %v", when, got, err)
		}
	}
	if _, err := db.CaseSubsidyFacts(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("facts of no case: %v", err)
	}
	check("before evaluation facts")
	catchUp(t, db)
	check("with evaluation facts")
	if got, _ := db.CaseSubsidyFacts(ctx, bare.ID); got.ClosureDay == "" {
		t.Fatal("closure day of the evaluation facts not read")
	}
}

// Batches written before migration 76 are listed with the counts of their
// lines and failures, filled by the migration.
func TestSubsidyBatchCountsMigrated(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, f := oldSchemaWithCases(t, e, 75, 1, nil)
			var ids []int64
			rows, err := db.Writer().QueryContext(ctx, `SELECT id FROM cases ORDER BY id LIMIT 5`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id int64
				rows.Scan(&id)
				ids = append(ids, id)
			}
			rows.Close()
			var batches [2]int64
			for i, period := range []string{"2026-09", "2026-10"} {
				if err := db.Writer().QueryRowContext(ctx, `INSERT INTO subsidy_batches (committee_id, period, window_from, window_to, created_by, created_at, computed_at)
					VALUES ($1, $2, 'a', 'b', 1, $3, $3) RETURNING id`, f.committee.ID, period, t0).Scan(&batches[i]); err != nil {
					t.Fatal(err)
				}
			}
			// September: three lines, one failure; October: none, two failures.
			for _, c := range []struct {
				batch   int64
				table   string
				caseIDs []int64
			}{{batches[0], "lines", ids[:3]}, {batches[0], "failures", ids[3:4]}, {batches[1], "failures", ids[3:5]}} {
				for _, id := range c.caseIDs {
					q := `INSERT INTO subsidy_lines (batch_id, case_id, case_number, mediator_id, mediator_name, closure_day, rule, base_fen, amount_fen, explanation)
						VALUES ($1, $2, 'N', 1, '甲', '2026-09-01', 'base', 100, 100, '')`
					if c.table == "failures" {
						q = `INSERT INTO subsidy_failures (batch_id, case_id, case_number, closure_day, gate, reason) VALUES ($1, $2, 'N', '2026-09-01', 'archived', '未归档')`
					}
					if _, err := db.Writer().ExecContext(ctx, q, c.batch, id); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			l, err := db.ListSubsidyBatches(ctx, []int64{f.committee.ID}, 0)
			if err != nil || len(l) != 2 {
				t.Fatalf("listed %+v %v", l, err)
			}
			if got := fmt.Sprintf("%d/%d %d/%d", l[0].LineCount, l[0].FailureCount, l[1].LineCount, l[1].FailureCount); got != "0/2 3/1" {
				t.Errorf("counts after the migration (October, September): %s, want 0/2 3/1", got)
			}
		})
	}
}
