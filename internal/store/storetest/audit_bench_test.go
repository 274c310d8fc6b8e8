package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store"
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
			for lo := 0; lo < 100000; lo += 500 {
				var vals []string
				for i := lo; i < lo+500; i++ {
					path := f.room1.Path
					if i%10 == 9 {
						path = f.otherCommittee.Path
					}
					vals = append(vals, fmt.Sprintf("(%d, '2026-03-02 09:30:00', 'user', '%s', 'apply case event', 'case:%d', '', 'h')", 1_000_000+i, path, i))
				}
				if _, err := db.Writer().ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor_kind, unit_path, action, object, prev_hash, hash) VALUES `+
					strings.Join(vals, ", ")); err != nil {
					b.Fatal(err)
				}
			}
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
			for lo := 0; lo < 100000; lo += 500 {
				var vals []string
				for i := lo; i < lo+500; i++ {
					vals = append(vals, fmt.Sprintf("(%d, '2026-03-02 09:30:00', 'user', '%s', 'apply case event', 'case:%d', '', 'h')", 1_000_000+i, f.room1.Path, i%5000))
				}
				if _, err := db.Writer().ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor_kind, unit_path, action, object, prev_hash, hash) VALUES `+
					strings.Join(vals, ", ")); err != nil {
					b.Fatal(err)
				}
			}
			// The entries' objects as the writes file them (a schema before
			// migration 90 has no such table: the statement fails, harmlessly).
			db.Writer().ExecContext(ctx, `INSERT INTO audit_objects (object, seq) SELECT object, seq FROM audit_log WHERE seq >= 1000000`)
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
