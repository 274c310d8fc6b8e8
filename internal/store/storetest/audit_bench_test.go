package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// BenchmarkAuditScope reads a district auditor's newest 200 entries (the
// audit page) from a log of 100,000 entries, nine in ten of them the
// district's (issue 17). The entries are written by hand, after the
// fixture's, without their chain: only the read is measured.
func BenchmarkAuditScope(b *testing.B) {
	for _, e := range Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			db := e.Open(b, true)
			f := newFixture(b, db)
			insertAuditEntries(b, db, 100000, func(i int) (string, string) {
				if i%10 == 9 {
					return f.otherCommittee.Path, fmt.Sprint("case:", i)
				}
				return f.room1.Path, fmt.Sprint("case:", i)
			})
			// The statistics autovacuum would gather after such a load.
			if _, err := db.Writer().ExecContext(ctx, `ANALYZE audit_log`); err != nil {
				b.Fatal(err)
			}
			q := store.AuditQuery{Scope: store.Scope{Prefixes: []string{f.district.Path}}, Limit: 200}
			b.ResetTimer()
			for b.Loop() {
				if es, err := db.ListAudit(ctx, q); err != nil || len(es) != 200 {
					b.Fatalf("%d entries, %v", len(es), err)
				}
			}
		})
	}
}

// BenchmarkAuditObject reads one case's audit trail (the auditor's search by
// object) from a log of 100,000 entries about 5,000 cases, twenty each.
func BenchmarkAuditObject(b *testing.B) {
	for _, e := range Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			db := e.Open(b, true)
			f := newFixture(b, db)
			insertAuditEntries(b, db, 100000, func(i int) (string, string) { return f.room1.Path, fmt.Sprint("case:", i%5000) })
			if _, err := db.Writer().ExecContext(ctx, `ANALYZE`); err != nil {
				b.Fatal(err)
			}
			q := store.AuditQuery{Scope: store.Scope{Prefixes: []string{f.district.Path}}, Object: "case:42", Limit: 200}
			b.ResetTimer()
			for b.Loop() {
				if es, err := db.ListAudit(ctx, q); err != nil || len(es) != 20 {
					b.Fatalf("%d entries, %v", len(es), err)
				}
			}
		})
	}
}

// insertAuditEntries writes n entries by hand, numbered from 1,000,000
// after the fixture's, without their chain (only reads are measured):
// entry(i) gives the i-th one's unit path and object.
func insertAuditEntries(b *testing.B, db *sqlstore.DB, n int, entry func(i int) (path, object string)) {
	b.Helper()
	for lo := 0; lo < n; lo += 500 {
		var vals []string
		var args []any
		for i := lo; i < min(n, lo+500); i++ {
			path, object := entry(i)
			args = append(args, 1_000_000+i, path, object)
			vals = append(vals, fmt.Sprintf("($%d, '2026-03-02 09:30:00', 'user', $%d, 'apply case event', $%d, '', 'h')", len(args)-2, len(args)-1, len(args)))
		}
		if _, err := db.Writer().ExecContext(context.Background(), `INSERT INTO audit_log (seq, at, actor_kind, unit_path, action, object, prev_hash, hash) VALUES `+
			strings.Join(vals, ", "), args...); err != nil {
			b.Fatal(err)
		}
	}
}
