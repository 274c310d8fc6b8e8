package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/tiaojie/tiaojie/internal/audit"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// InTx: all or nothing; a failing call inside undoes only itself.
func testInTx(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	boom := errors.New("boom")
	err := db.InTx(ctx, func(tx store.Store) error {
		if _, _, err := tx.CreateCase(ctx, newCase(f, f.room1.ID, "TX-1")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx returned %v, want boom", err)
	}
	if _, err := db.GetCaseByExternalID(ctx, "TX-1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("rolled-back case is visible: %v", err)
	}
	// Inside one transaction: the second create conflicts, is handled, and
	// the first still commits (the savepoint keeps PostgreSQL's transaction usable).
	var first store.Case
	err = db.InTx(ctx, func(tx store.Store) error {
		c, _, err := tx.CreateCase(ctx, newCase(f, f.room1.ID, "TX-2"))
		if err != nil {
			return err
		}
		first = c
		if _, _, err := tx.CreateCase(ctx, newCase(f, f.room1.ID, "TX-2")); !errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("second create: %v, want conflict", err)
		}
		// Reads inside see the transaction's own writes.
		got, err := tx.GetCaseByExternalID(ctx, "TX-2")
		if err != nil || got.ID != c.ID {
			return fmt.Errorf("read own write: %+v %v", got, err)
		}
		// Nested InTx joins the outer transaction.
		return tx.InTx(ctx, func(tx2 store.Store) error {
			_, err := tx2.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: domain.StatusAccepted},
				store.Event{Type: "accepted", ActorName: "测试"})
			return err
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.GetCase(ctx, first.ID)
	if err != nil || got.Status != domain.StatusAccepted {
		t.Fatalf("after commit: %+v %v", got, err)
	}

	// Concurrent transactions that each read then write the same case: the
	// version check lets exactly one through, on both engines.
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := db.InTx(ctx, func(tx store.Store) error {
				c, err := tx.GetCase(ctx, first.ID)
				if err != nil {
					return err
				}
				if _, err := tx.AddOutbox(ctx, store.OutboxEntry{ToMask: "138****0000", Body: "x", Kind: "test", CaseID: c.ID, Status: "sent"}); err != nil {
					return err
				}
				_, err = tx.ApplyEvent(ctx, c.ID, got.Version, store.CaseChange{Status: domain.StatusAssigned}, store.Event{Type: "assigned", ActorName: "测试"})
				return err
			})
			if err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			} else if !errors.Is(err, store.ErrStale) {
				t.Errorf("concurrent tx: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d concurrent transactions won, want 1", wins)
	}
	out, err := db.ListOutbox(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, o := range out {
		if o.Kind == "test" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("losers' outbox rows survived: %d rows, want 1", n)
	}
}

// The audit trail: every committed write has an entry naming who did it,
// the chain verifies, and one changed byte is caught at its entry.
func testAuditChain(t *testing.T, db *sqlstore.DB) {
	f := newFixture(t, db)
	actor := audit.Actor{Kind: audit.KindUser, ID: 7, Name: "committee01", Role: "committee", UnitID: f.committee.ID, UnitPath: f.committee.Path,
		RequestID: "req-1", Addr: "10.0.0.9"}
	ctx := audit.With(context.Background(), actor)
	c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, "AUD-1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: domain.StatusAccepted}, store.Event{Type: "accepted", ActorName: "committee01"}); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordAccess(ctx, "reveal phone", fmt.Sprintf("case:%d", c.ID)); err != nil {
		t.Fatal(err)
	}
	// A failed transaction leaves no entry.
	before, _ := db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Limit: 1000})
	_ = db.InTx(ctx, func(tx store.Store) error {
		_, _ = tx.AddOutbox(ctx, store.OutboxEntry{ToMask: "x", Body: "x", Kind: "x", Status: "sent"})
		return errors.New("abort")
	})
	after, err := db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Fatalf("a rolled-back transaction left %d audit entries", len(after)-len(before))
	}
	obj := fmt.Sprintf("case:%d", c.ID)
	mine, err := db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Object: obj, Actor: "committee01"})
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 3 {
		t.Fatalf("entries about %s: %d, want 3 (create, accept, reveal): %+v", obj, len(mine), mine)
	}
	accept := mine[1]
	if accept.Actor != actor || accept.Action != "apply case event" || accept.After == "" || accept.Before != mine[2].After {
		t.Fatalf("accept entry: %+v (create after=%s)", accept, mine[2].After)
	}
	if mine[0].Action != "reveal phone" {
		t.Fatalf("reveal entry: %+v", mine[0])
	}
	if kinds, _ := db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Object: "case:"}); len(kinds) != 3 {
		t.Fatalf("prefix query found %d", len(kinds))
	}
	// Scope: the district's auditor sees the committee's entries, the other
	// district's does not, and neither sees system entries; the city's does.
	if got, _ := db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{Prefixes: []string{f.district.Path}}, Object: obj}); len(got) != 3 {
		t.Fatalf("district auditor sees %d entries, want 3", len(got))
	}
	if got, _ := db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{Prefixes: []string{f.otherDistrict.Path}}}); len(got) != 0 {
		t.Fatalf("other district's auditor sees %d entries", len(got))
	}
	sys, _ := db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{Prefixes: []string{f.city.Path}}, Actor: "系统"})
	if len(sys) == 0 {
		t.Fatal("the city's auditor does not see system entries (the fixture's org units)")
	}
	// A district auditor's newest entries, a page of two at a time by
	// sequence: the same as the whole log's entries of the district, and
	// on SQLite read by walking the log newest first, never by sorting the
	// scope's every entry.
	var district []int64
	all, _ := db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Limit: 1000})
	for _, e := range all {
		if strings.HasPrefix(e.Actor.UnitPath, f.district.Path) {
			district = append(district, e.Seq)
		}
	}
	var paged []int64
	for before := int64(0); ; {
		page, err := db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{Prefixes: []string{f.district.Path}}, BeforeSeq: before, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page {
			paged = append(paged, e.Seq)
		}
		if len(page) < 2 {
			break
		}
		before = page[len(page)-1].Seq
	}
	if len(district) == 0 || fmt.Sprint(paged) != fmt.Sprint(district) {
		t.Fatalf("the district's entries by pages of two %v, want %v", paged, district)
	}
	if db.Dialect() == "sqlite" {
		if plan := tracedPlan(t, db, func() {
			db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{Prefixes: []string{f.district.Path}}, Limit: 50})
		}); strings.Contains(plan, "TEMP B-TREE") || strings.Contains(plan, "audit_log_unit") {
			t.Errorf("a scope's newest entries sorted from the unit index:\n%s", plan)
		}
	}
	// One transaction about two cases is found from either.
	c2, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, "AUD-2"))
	if err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, func(tx store.Store) error {
		for _, id := range []int64{c.ID, c2.ID} {
			if err := tx.AddNote(ctx, id, store.Event{Type: "group_notice", ActorName: "committee01"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{c.ID, c2.ID} {
		got, _ := db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Object: fmt.Sprintf("case:%d", id), Limit: 1})
		if len(got) != 1 || !strings.Contains(got[0].Object, ",") {
			t.Fatalf("the two-case entry is not found from case %d: %+v", id, got)
		}
	}
	// One transaction about 1,500 cases (an import's slice) commits, and
	// its entry, whose object list runs to kilobytes, is found from a case
	// in its middle and among the kind's entries.
	ncs := make([]*store.NewCase, 1500)
	for i := range ncs {
		ncs[i] = newCase(f, f.room1.ID, fmt.Sprintf("AUD-BULK-%d", i))
	}
	bulk, err := db.InsertCases(ctx, ncs)
	if err != nil {
		t.Fatalf("a transaction about 1,500 cases: %v", err)
	}
	mid := fmt.Sprintf("case:%d", bulk[750].ID)
	got, err := db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Object: mid, Limit: 5})
	if err != nil || len(got) != 1 || len(got[0].Object) < 1500*len("case:1,") || !strings.Contains(got[0].Object, mid+",") {
		t.Fatalf("the 1,500-case entry from %s: %d entries, %v", mid, len(got), err)
	}
	kinds, err := db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Object: "case:", Limit: 1000})
	if err != nil || len(kinds) == 0 || kinds[0].Seq != got[0].Seq {
		t.Fatalf("the kind's newest entry is not the 1,500-case one: %d entries, %v", len(kinds), err)
	}
	n, err := audit.VerifyChain(ctx, db)
	if err != nil || n < 3 {
		t.Fatalf("verify: %d %v", n, err)
	}
	// The trail refuses changes through SQL.
	if err := tamperAudit(ctx, db, accept.Seq, false); err == nil {
		t.Fatal("audit_log accepted an UPDATE")
	}
	// An operator with the database's owner rights disables the guard and
	// changes one byte: verify names that entry.
	if err := tamperAudit(ctx, db, accept.Seq, true); err != nil {
		t.Fatal(err)
	}
	_, err = audit.VerifyChain(ctx, db)
	var br *audit.Break
	if !errors.As(err, &br) || br.Seq != accept.Seq {
		t.Fatalf("tampered entry %d not caught: %v", accept.Seq, err)
	}
}

// Concurrent writers on both engines still form one unbroken chain.
func testAuditConcurrent(t *testing.T, db *sqlstore.DB) {
	f := newFixture(t, db)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := audit.With(ctx, audit.Actor{Kind: audit.KindUser, Name: fmt.Sprintf("u%d", i)})
			if _, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, fmt.Sprintf("CON-%d", i))); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n, err := audit.VerifyChain(ctx, db); err != nil || n < 16 {
		t.Fatalf("verify after concurrent writes: %d %v", n, err)
	}
}

// tamperAudit changes one character of an entry's actor name; with force it
// first disables the append-only guard as the database owner could.
func tamperAudit(ctx context.Context, db *sqlstore.DB, seq int64, force bool) error {
	w := db.Writer()
	if force {
		guard := `DROP TRIGGER audit_log_no_update`
		if db.Dialect() == "postgres" {
			guard = `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`
		}
		if _, err := w.ExecContext(ctx, guard); err != nil {
			return err
		}
	}
	_, err := w.ExecContext(ctx, `UPDATE audit_log SET actor_name = 'committee02' WHERE seq = $1`, seq)
	return err
}

// Notes written while a state change happens never make it stale, and
// every event gets its own number.
func testNotesDuringStateChange(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, "NOTE-1"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- db.AddNote(ctx, c.ID, store.Event{Type: "session_scheduled", ActorName: "调解员", Note: fmt.Sprint("note ", i)})
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, err := db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: domain.StatusAccepted}, store.Event{Type: "accepted", ActorName: "受理人"})
		errs <- err
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("note or state change failed: %v", err)
		}
	}
	got, _ := db.GetCase(ctx, c.ID)
	if got.Status != domain.StatusAccepted || got.Version != c.Version+1 {
		t.Fatalf("case after: %s v%d (was v%d)", got.Status, got.Version, c.Version)
	}
	evs, err := db.ListEvents(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	notes := 0
	for _, ev := range evs {
		if seen[ev.Seq] {
			t.Fatalf("event number %d given twice", ev.Seq)
		}
		seen[ev.Seq] = true
		if ev.Type == "session_scheduled" {
			notes++
			if ev.FromStatus != ev.ToStatus {
				t.Fatalf("a note changed the status: %+v", ev)
			}
		}
	}
	if notes != 10 {
		t.Fatalf("%d notes stored, want 10", notes)
	}
}

// Sixteen complaints at once against a merchant new to the database: all
// are registered, against one merchant row — with and without a credit code.
func testNewMerchantRace(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	for _, code := range []string{"91310115MA1K4LXX1W", ""} {
		var wg sync.WaitGroup
		ids := make(chan int64, 16)
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				nc := newCase(f, f.room1.ID, fmt.Sprintf("RACE-%s-%d", code, i))
				nc.Merchant = &store.Merchant{Name: "新开张的奶茶店" + code, CreditCode: code}
				nc.Parties[1].Name, nc.Parties[1].CreditCode = nc.Merchant.Name, code
				c, _, err := db.CreateCase(ctx, nc)
				if err != nil {
					t.Errorf("complaint %d against a new merchant: %v", i, err)
					return
				}
				ids <- c.MerchantID
			}()
		}
		wg.Wait()
		close(ids)
		seen := map[int64]bool{}
		n := 0
		for id := range ids {
			seen[id] = true
			n++
		}
		if n != 16 || len(seen) != 1 {
			t.Fatalf("credit code %q: %d cases against %d merchants, want 16 against 1", code, n, len(seen))
		}
	}
}
