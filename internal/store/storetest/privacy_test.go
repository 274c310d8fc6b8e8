package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// TestPrivacyStore: reveals in scope, requests decided once with the
// erasure in the same transaction, retention settings, candidates and the
// sweep's erasure, on both engines.
func TestPrivacyStore(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			testPrivacyStore(t, e.Open(t, true))
		})
	}
}

func testPrivacyStore(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, "pv-1"))
	if err != nil {
		t.Fatal(err)
	}
	c, _ = db.GetCase(ctx, c.ID)
	consumer, merchant := c.Parties[0], c.Parties[1]

	// Reveals: scoped by the case's unit, filtered, newest first, audited.
	for i, field := range []string{"phone", "id_number"} {
		r := store.PIIReveal{CaseID: c.ID, PartyID: consumer.ID, OrgPath: c.OrgPath, Field: field, Purpose: "call", UserID: 7, UserName: "mediator01",
			Role: "mediator", ClientAddr: "10.0.0.1", At: t0.Add(time.Duration(i) * time.Minute), Expires: t0.Add(time.Duration(i)*time.Minute + 2*time.Minute)}
		if err := db.RecordReveal(ctx, &r); err != nil || r.ID == 0 {
			t.Fatalf("record reveal: %+v %v", r, err)
		}
	}
	rs, err := db.ListReveals(ctx, store.PIIRevealQuery{Scope: store.Scope{Prefixes: []string{f.committee.Path}}})
	if err != nil || len(rs) != 2 || rs[0].Field != "id_number" || rs[0].CaseNumber != c.Number || rs[0].PartyName != "张小明" ||
		!rs[1].At.Equal(t0) || !rs[1].Expires.Equal(t0.Add(2*time.Minute)) || rs[1].ClientAddr != "10.0.0.1" {
		t.Fatalf("reveals: %+v %v", rs, err)
	}
	if rs, _ := db.ListReveals(ctx, store.PIIRevealQuery{Scope: store.Scope{Prefixes: []string{f.otherCommittee.Path}}}); len(rs) != 0 {
		t.Fatalf("another district's reveals: %+v", rs)
	}
	// On SQLite a scope's newest reveals are read newest first, never by
	// sorting the scope's every reveal.
	if db.Dialect() == "sqlite" {
		if plan := tracedPlan(t, db, func() {
			db.ListReveals(ctx, store.PIIRevealQuery{Scope: store.Scope{Prefixes: []string{f.committee.Path}}})
		}); strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("a scope's reveals sorted:\n%s", plan)
		}
	}
	if rs, _ := db.ListReveals(ctx, store.PIIRevealQuery{Scope: store.Scope{All: true}, Field: "phone", UserName: "mediator01",
		From: t0, To: t0.Add(time.Minute)}); len(rs) != 1 {
		t.Fatalf("filtered reveals: %+v", rs)
	}
	es, err := db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Object: fmt.Sprint("party:", consumer.ID)})
	if err != nil || len(es) != 2 || es[1].Action != "pii.reveal phone call" {
		t.Fatalf("reveal audit: %+v %v", es, err)
	}

	// Requests: created, listed pending first, decided once.
	q := store.PrivacyRequest{CaseID: c.ID, PartyID: consumer.ID, CommitteeID: f.committee.ID, OrgPath: c.OrgPath, Kind: store.PrivacyDelete,
		Via: store.PrivacyViaStaff, RequestedBy: 7, Requester: "调解员01", RequestedAt: t0, DueOn: "2026-03-23"}
	if err := db.CreatePrivacyRequest(ctx, &q); err != nil || q.ID == 0 || q.Status != store.PrivacyPending {
		t.Fatalf("create request: %+v %v", q, err)
	}
	got, err := db.GetPrivacyRequest(ctx, q.ID)
	if err != nil || got.PartyName != "张小明" || got.PartyKind != "consumer" || got.DueOn != "2026-03-23" || got.DecidedAt != nil {
		t.Fatalf("get request: %+v %v", got, err)
	}
	if _, err := db.GetPrivacyRequest(ctx, q.ID+100); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing request: %v", err)
	}
	if l, _ := db.ListPrivacyRequests(ctx, store.PrivacyRequestQuery{Scope: store.Scope{Prefixes: []string{f.otherCommittee.Path}}}); len(l) != 0 {
		t.Fatalf("another district's requests: %+v", l)
	}
	at := t0.Add(time.Hour)
	if err := db.DecidePrivacyRequest(ctx, store.PrivacyDecision{ID: q.ID, Status: store.PrivacyDone, By: 3, ByName: "调委会", At: at, Reason: "已删除",
		Anonymize: &store.PartyErasure{PartyID: consumer.ID, Name: "张*明", At: at}}); err != nil {
		t.Fatal(err)
	}
	if err := db.DecidePrivacyRequest(ctx, store.PrivacyDecision{ID: q.ID, Status: store.PrivacyRefused, At: at}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("decided twice: %v", err)
	}
	c2, _ := db.GetCase(ctx, c.ID)
	p := c2.Parties[0]
	if p.PhoneSealed != "" || p.PhoneHash != "" || p.PhoneMask != "" || p.Name != "张*明" || c2.ConsumerName != "张*明" || c2.Parties[1].Name != merchant.Name {
		t.Fatalf("erased: %+v %q", p, c2.ConsumerName)
	}
	if when, err := db.PartyAnonymizedAt(ctx, consumer.ID); err != nil || when == nil || !when.Equal(at) {
		t.Fatalf("anonymized at: %v %v", when, err)
	}
	if when, _ := db.PartyAnonymizedAt(ctx, merchant.ID); when != nil {
		t.Fatal("the merchant was anonymised")
	}
	got, _ = db.GetPrivacyRequest(ctx, q.ID)
	if got.Status != store.PrivacyDone || got.DecidedAt == nil || got.Decider != "调委会" {
		t.Fatalf("decided: %+v", got)
	}

	// Retention settings.
	if _, err := db.GetRetention(ctx, f.committee.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unset retention: %v", err)
	}
	for _, y := range []int{2, 4} {
		if err := db.PutRetention(ctx, store.Retention{CommitteeID: f.committee.ID, ClosedYears: y, ArchivedYears: y + 1, UpdatedBy: 3, Updater: "调委会", Updated: t0}); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := db.GetRetention(ctx, f.committee.ID); err != nil || r.ClosedYears != 4 || r.ArchivedYears != 5 || !r.Updated.Equal(t0) {
		t.Fatalf("retention: %+v %v", r, err)
	}

	// Candidates: closed cases with a party left; the sweep's erasure keeps names when asked.
	open, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, "pv-2"))
	if err != nil {
		t.Fatal(err)
	}
	closed, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, "pv-3"))
	if err != nil {
		t.Fatal(err)
	}
	closedAt := t0.AddDate(0, 0, 3)
	st := domain.StatusWithdrawn
	if _, err := db.ApplyEvent(ctx, closed.ID, closed.Version, store.CaseChange{Status: st, ClosedAt: &closedAt},
		store.Event{Type: "withdraw", At: closedAt}); err != nil {
		t.Fatal(err)
	}
	closed, _ = db.GetCase(ctx, closed.ID)
	if closed.ClosedAt == nil {
		t.Fatal("withdrawn case not closed")
	}
	cands, err := db.RetentionDue(ctx, f.committee.ID, t0.AddDate(1, 0, 0), t0.AddDate(1, 0, 0), 100)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, cd := range cands {
		ids = append(ids, cd.CaseID)
	}
	if len(cands) != 1 || cands[0].CaseID != closed.ID || cands[0].ArchivedAt != nil || cands[0].CommitteeID != f.committee.ID {
		t.Fatalf("candidates: %v (open %d)", ids, open.ID)
	}
	n, err := db.EraseCaseParties(ctx, closed.ID, true, t0.AddDate(3, 0, 0))
	if err != nil || n != 2 {
		t.Fatalf("erase: %d %v", n, err)
	}
	if n, _ := db.EraseCaseParties(ctx, closed.ID, true, t0.AddDate(3, 0, 0)); n != 0 {
		t.Fatalf("erased twice: %d", n)
	}
	closed, _ = db.GetCase(ctx, closed.ID)
	if closed.Parties[0].Name != "张小明" || closed.Parties[0].PhoneSealed != "" {
		t.Fatalf("kept names: %+v", closed.Parties[0])
	}
	if cands, _ := db.RetentionDue(ctx, f.committee.ID, t0.AddDate(1, 0, 0), t0.AddDate(1, 0, 0), 100); len(cands) != 0 {
		t.Fatalf("candidates after erasure: %+v", cands)
	}

	if _, err := db.LastPrivacySweep(ctx); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("no sweep yet: %v", err)
	}
	if err := db.RecordPrivacySweep(ctx, store.PrivacySweep{At: t0, Cases: 1, Parties: 2}); err != nil {
		t.Fatal(err)
	}
	if sw, err := db.LastPrivacySweep(ctx); err != nil || sw.Cases != 1 || sw.Parties != 2 || !sw.At.Equal(t0) {
		t.Fatalf("last sweep: %+v %v", sw, err)
	}
}

// The retention sweep's cases are those due: an archived case kept longer
// never holds back, whatever the limit, an unarchived one due behind it in
// the order of closing; erased cases leave the index the read walks
// (SQLite's plan checked), on both engines.
func TestRetentionDue(t *testing.T) {
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		var archived, due []int64
		for i, c := range insertCases(t, db, f, 6) {
			closedAt := t0.AddDate(0, 0, i) // closed in order, oldest first
			cur, err := db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: domain.StatusWithdrawn, ClosedAt: &closedAt},
				store.Event{Type: "withdraw", At: closedAt})
			if err != nil {
				t.Fatal(err)
			}
			if i < 4 { // the four closed first are archived a year on
				if err := db.ArchiveCase(ctx, c.ID, cur.Version, store.Archive{FileNumber: fmt.Sprint("F", i), PDF: []byte("%PDF-1.4"), SHA256: "x", ArchivedAt: closedAt.AddDate(1, 0, 0)},
					store.CaseChange{Status: domain.StatusArchived}, store.Event{Type: "archive"}); err != nil {
					t.Fatal(err)
				}
				archived = append(archived, c.ID)
			} else {
				due = append(due, c.ID)
			}
		}
		// Two years on: unarchived cases closed a year before are due,
		// archived ones (kept five years from archiving) are not.
		now := t0.AddDate(2, 0, 0)
		read := func(limit int) []int64 {
			t.Helper()
			cs, err := db.RetentionDue(ctx, f.committee.ID, now.AddDate(-1, 0, 0), now.AddDate(-5, 0, 0), limit)
			if err != nil {
				t.Fatal(err)
			}
			return idsOf(cs, func(c store.RetentionCandidate) int64 { return c.CaseID })
		}
		if got := read(2); !slices.Equal(got, due) {
			t.Errorf("due with a limit of two: %v, want %v (not the archived %v ahead of them)", got, due, archived)
		}
		if got, _ := db.RetentionDue(ctx, f.otherCommittee.ID, now, now, 10); len(got) != 0 {
			t.Errorf("another committee's: %+v", got)
		}
		if _, err := db.EraseCaseParties(ctx, due[0], false, now); err != nil {
			t.Fatal(err)
		}
		if got := read(10); !slices.Equal(got, due[1:]) {
			t.Errorf("due after one erasure: %v, want %v", got, due[1:])
		}
		// Seven years on the archived are due as well, oldest closed first.
		later, err := db.RetentionDue(ctx, f.committee.ID, now.AddDate(5, 0, 0), now, 10)
		if err != nil || len(later) != 5 || later[0].CaseID != archived[0] || later[0].ArchivedAt == nil {
			t.Errorf("seven years on: %+v %v", later, err)
		}
		if e.Name == "sqlite" {
			plan := tracedPlan(t, db, func() { read(10) })
			if !strings.Contains(plan, "INDEX cases_retention (committee_id=?") || strings.Contains(plan, "TEMP B-TREE") {
				t.Errorf("not read along the cases not yet erased:\n%s", plan)
			}
		}
	})
}

// Cases erased before migration 89 are marked so: the sweep's index holds
// only those with contact data left.
func TestRetentionErasedMigrated(t *testing.T) {
	onEveryOldSchema(t, 88, func(t *testing.T, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		var ids []int64
		for _, c := range insertCases(t, db, f, 2) {
			if _, err := db.Writer().ExecContext(ctx, `UPDATE cases SET status = 'withdrawn', closed_at = $1 WHERE id = $2`, t0, c.ID); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
		}
		if _, err := db.Writer().ExecContext(ctx, `UPDATE parties SET anonymized_at = $1 WHERE case_id = $2`, t0, ids[0]); err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		var erased []int64
		rows, err := db.Writer().QueryContext(ctx, `SELECT id FROM cases WHERE pii_erased = 1 ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			erased = append(erased, id)
		}
		rows.Close()
		if !slices.Equal(erased, ids[:1]) {
			t.Errorf("marked erased %v, want %v", erased, ids[:1])
		}
		due, err := db.RetentionDue(ctx, f.committee.ID, t0.AddDate(1, 0, 0), t0.AddDate(1, 0, 0), 10)
		if err != nil || len(due) != 1 || due[0].CaseID != ids[1] {
			t.Errorf("due after migrating: %+v %v, want case %d", due, err, ids[1])
		}
	})
}
