package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/audit"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// The audit trail of one object lists every entry naming it, alone or
// among the objects of one transaction, newest first, through the entries'
// objects table (migration 90; SQLite's plan checked: not the log walked);
// not another object's whose name begins the same. Entries written before
// the migration are found once migrated, and entries written by other SQL
// are filed by the trigger, quotes and line breaks and all. Both engines.
func TestAuditByObject(t *testing.T) {
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		cs := insertCases(t, db, f, 12) // case ids 1x as prefixes of 1xy: "case:1" must not find "case:12"
		a, b := cs[0], cs[1]
		if _, err := db.ApplyEvent(ctx, a.ID, a.Version, store.CaseChange{Status: domain.StatusAccepted}, store.Event{Type: "accept"}); err != nil {
			t.Fatal(err)
		}
		// One transaction about both: one entry naming the two.
		if err := db.InTx(ctx, func(tx store.Store) error {
			for _, c := range []store.Case{a, b} {
				cur, err := tx.GetCase(ctx, c.ID)
				if err != nil {
					return err
				}
				if _, err := tx.ApplyEvent(ctx, c.ID, cur.Version, store.CaseChange{}, store.Event{Type: "note", Note: "合并处理"}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		all, err := db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Limit: 5000})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []store.Case{a, b, cs[11]} {
			obj := fmt.Sprintf("case:%d", c.ID)
			var want []int64
			for _, en := range all {
				if slices.Contains(strings.Split(en.Object, ","), obj) {
					want = append(want, en.Seq)
				}
			}
			got, err := db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Object: obj, Limit: 100})
			seqs := idsOf(got, func(en audit.Entry) int64 { return en.Seq })
			if err != nil || !slices.Equal(seqs, want) || len(want) == 0 {
				t.Errorf("%s's trail %v %v, want %v", obj, seqs, err, want)
			}
		}
		if e.Name == "sqlite" {
			plan := tracedPlan(t, db, func() {
				db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{Prefixes: []string{f.district.Path}}, Object: fmt.Sprintf("case:%d", a.ID), Limit: 100})
			})
			if !strings.Contains(plan, "audit_objects") || strings.Contains(plan, "SCAN audit_log") {
				t.Errorf("the trail not read by its objects:\n%s", plan)
			}
		}
	})
}

func TestAuditObjectsMigrated(t *testing.T) {
	onEveryOldSchema(t, 89, func(t *testing.T, db *sqlstore.DB, _ fixture) {
		ctx := context.Background()
		for i, obj := range []string{"case:7", "case:7,case:8", "case:70,case:8", "case:8,case:7,warning:1"} {
			if _, err := db.Writer().ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor_kind, action, object, prev_hash, hash)
				VALUES ($1, '2026-03-02 09:30:00', 'user', 'x', $2, '', 'h')`, 1_000_000+i, obj); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		// Written after: filed by the trigger, whatever the characters.
		for i, obj := range []string{"case:7,note:\"引号\"\\反斜线", "case:8,note:换\n行"} {
			if _, err := db.Writer().ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor_kind, action, object, prev_hash, hash)
				VALUES ($1, '2026-03-02 09:30:00', 'user', 'x', $2, '', 'h')`, 1_000_010+i, obj); err != nil {
				t.Fatal(err)
			}
		}
		for obj, want := range map[string][]int64{"case:7": {1_000_010, 1_000_003, 1_000_001, 1_000_000}, "case:8": {1_000_011, 1_000_003, 1_000_002, 1_000_001},
			"warning:1": {1_000_003}, "note:\"引号\"\\反斜线": {1_000_010}, "note:换\n行": {1_000_011}} {
			got, err := db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Object: obj, Limit: 100})
			seqs := idsOf(got, func(en audit.Entry) int64 { return en.Seq })
			if err != nil || !slices.Equal(seqs, want) {
				t.Errorf("%s after migrating: %v %v, want %v", obj, seqs, err, want)
			}
		}
	})
}
