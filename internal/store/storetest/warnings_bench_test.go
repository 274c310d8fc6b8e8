package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// BenchmarkWarningPages reads a committee's warnings page by page over
// years of resolved ones: the open ones (the page's default), a first page
// of all of them, a page of the resolved from the middle of the history,
// and the open ones' counts by level (issue 17).
func BenchmarkWarningPages(b *testing.B) {
	for _, e := range Engines(b) {
		for _, resolved := range []int{1000, 30000} {
			b.Run(fmt.Sprintf("%s/resolved=%d", e.Name, resolved), func(b *testing.B) {
				ctx := context.Background()
				db := e.Open(b, true)
				f := newFixture(b, db)
				const open = 20
				seedWarnings(b, db, f, resolved, open)
				if err := db.RefreshCaseStatistics(ctx); err != nil {
					b.Fatal(err)
				}
				if e.Name == "postgres" {
					if _, err := db.Writer().ExecContext(ctx, `VACUUM ANALYZE warnings`); err != nil {
						b.Fatal(err)
					}
				}
				scope := store.Scope{Prefixes: []string{f.committee.Path}}
				deep := &store.ListCursor{At: t0.Add(time.Duration(resolved/2) * time.Minute), ID: int64(resolved / 2)}
				for _, c := range []struct {
					name     string
					statuses []string
					after    *store.ListCursor
					want     int
				}{
					{"open", []string{store.WarningOpen}, nil, open},
					{"all/first", nil, nil, 50},
					{"resolved/deep", []string{store.WarningResolved}, deep, 50},
				} {
					b.Run(c.name, func(b *testing.B) {
						q := store.WarningQuery{Scope: scope, Statuses: c.statuses, Paging: store.Paging{After: c.after, Limit: 50}}
						for b.Loop() {
							if p, err := db.ListWarnings(ctx, q); err != nil || len(p.Items) != c.want {
								b.Fatalf("%d warnings, want %d: %v", len(p.Items), c.want, err)
							}
						}
					})
				}
				// 今日 and 预警: a user's newest notices (every warning told
				// two of ten users), and those of a user told five times
				// (the list's 500, as 预警 asks).
				for _, c := range []struct {
					name        string
					user, limit int
					want        int
				}{{"notices/user", 3, 20, 20}, {"notices/rare user", 99, 500, 5}} {
					b.Run(c.name, func(b *testing.B) {
						for b.Loop() {
							if ns, err := db.ListWarningNotices(ctx, int64(c.user), 0, c.limit); err != nil || len(ns) != c.want {
								b.Fatalf("%d notices, %v", len(ns), err)
							}
						}
					})
				}
				b.Run("counts", func(b *testing.B) {
					q := store.WarningQuery{Scope: scope, Statuses: []string{store.WarningOpen, store.WarningAcknowledged}}
					for b.Loop() {
						if m, err := db.WarningCounts(ctx, q); err != nil || m["red"] != open {
							b.Fatalf("counts %v %v", m, err)
						}
					}
				})
			})
		}
	}
}

// seedWarnings writes resolved warnings a minute apart, then open ones
// after them, over the committee's two rooms and another committee's
// (a fifth of them), in statements of 200 rows.
func seedWarnings(b *testing.B, db *sqlstore.DB, f fixture, resolved, open int) {
	b.Helper()
	ctx := context.Background()
	c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, ""))
	if err != nil {
		b.Fatal(err)
	}
	n := resolved + open
	for lo := 0; lo < n; lo += 200 {
		var vals []string
		var args []any
		for i := lo; i < min(n, lo+200); i++ {
			room := []store.OrgUnit{f.room1, f.room2, f.room1, f.room2, f.otherCommittee}[i%5]
			status, resolvedAt := store.WarningResolved, any(t0.Add(time.Duration(i+60)*time.Minute))
			if i >= resolved {
				status, resolvedAt, room = store.WarningOpen, nil, f.room1
			}
			k := len(args)
			vals = append(vals, fmt.Sprintf("('deadline_overdue', 1, 'red', $%d, 'case', $%d, $%d, $%d, $%d, $%d, '调解超期', $%d, $%d)", k+1, k+2, k+3, k+4, k+5, k+6, k+7, k+8))
			args = append(args, status, c.ID, fmt.Sprintf("case:%d:%d", c.ID, i), c.ID, room.ID, room.Path, t0.Add(time.Duration(i)*time.Minute), resolvedAt)
		}
		if _, err := db.Writer().ExecContext(ctx, `INSERT INTO warnings (rule_code, rule_version, level, status, subject_kind, subject_id,
			subject_key, case_id, unit_id, unit_path, explain, raised_at, resolved_at) VALUES `+strings.Join(vals, ", "), args...); err != nil {
			b.Fatal(err)
		}
	}
	// Two notices a warning, to users 1 to 10 in turn (ids as they come:
	// the notices name users by id only).
	if _, err := db.Writer().ExecContext(ctx, `INSERT INTO warning_notices (user_id, warning_id, step, body, sms, at)
		SELECT 1 + (w.id + k) % 10, w.id, k, '红色预警', 0, w.raised_at FROM warnings w CROSS JOIN (SELECT 0 AS k UNION ALL SELECT 1) s`); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Writer().ExecContext(ctx, `INSERT INTO warning_notices (user_id, warning_id, step, body, sms, at)
		SELECT 99, w.id, 2, '红色预警', 0, w.raised_at FROM warnings w WHERE w.id <= 5`); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSupervisions measures the supervisions' reads at a district's
// years: 30,000 answered over ten units and twenty mediators, 100 still
// unanswered; the warning sweep's open ones, a committee's newest page, its
// unanswered and a mediator's unanswered (今日).
func BenchmarkSupervisions(b *testing.B) {
	for _, e := range Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			db := e.Open(b, true)
			f := newFixture(b, db)
			c := insertCases(b, db, f, 1)[0]
			w := db.Writer()
			if _, err := w.ExecContext(ctx, `WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < 29999)
				INSERT INTO supervisions (kind, case_id, unit_id, unit_path, mediator_id, request, requested_by, requested_at, due_at, reply, replied_by, replied_at)
				SELECT CASE WHEN k % 2 = 0 THEN 'supervise' ELSE 'urge' END, $1, $2, $3, 1 + k % 20, '请说明进展', 1, $4, $4, '已处理', 1, $4 FROM n`,
				c.ID, f.room1.ID, f.room1.Path, t0); err != nil {
				b.Fatal(err)
			}
			for i := range 100 {
				s := store.Supervision{Kind: "supervise", CaseID: c.ID, UnitID: f.room1.ID, UnitPath: f.room1.Path, MediatorID: int64(1 + i%20),
					Request: "请说明超期原因", RequestedBy: 1, RequestedAt: t0, Due: t0.Add(24 * time.Hour)}
				if err := db.CreateSupervision(ctx, &s); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := w.ExecContext(ctx, `ANALYZE`); err != nil {
				b.Fatal(err)
			}
			committee := store.Scope{Prefixes: []string{f.committee.Path}}
			for _, bc := range []struct {
				name string
				read func() (int, error)
				want int
			}{
				{"sweep", func() (int, error) { ss, err := db.OpenSupervisions(ctx, "supervise"); return len(ss), err }, 100},
				{"committee", func() (int, error) {
					ss, err := db.ListSupervisions(ctx, store.SupervisionQuery{Scope: committee})
					return len(ss), err
				}, 200},
				{"committee-unanswered", func() (int, error) {
					ss, err := db.ListSupervisions(ctx, store.SupervisionQuery{Scope: committee, Unanswered: true})
					return len(ss), err
				}, 100},
				{"mediator-unanswered", func() (int, error) {
					ss, err := db.ListSupervisions(ctx, store.SupervisionQuery{Scope: committee, Mediator: 7, Unanswered: true})
					return len(ss), err
				}, 5},
			} {
				b.Run(bc.name, func(b *testing.B) {
					for b.Loop() {
						if n, err := bc.read(); err != nil || n != bc.want {
							b.Fatal(n, err)
						}
					}
				})
			}
		})
	}
}

// BenchmarkMediatorWarnings measures a mediator's warnings (预警, 今日) at a
// district's years: 30,000 warnings on 2,000 cases presided by 100
// mediators, the newest 20 still open; one mediator's first page of all and
// of the open.
func BenchmarkMediatorWarnings(b *testing.B) {
	for _, e := range Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			db := e.Open(b, true)
			f := newFixture(b, db)
			var users []int64
			for i := range 100 {
				u := store.User{Username: fmt.Sprint("mw", i), DisplayName: fmt.Sprint("调解员", i), PasswordHash: "x", Active: true}
				if err := db.CreateUser(ctx, &u); err != nil {
					b.Fatal(err)
				}
				users = append(users, u.ID)
			}
			cs := insertCases(b, db, f, 2000)
			w := db.Writer()
			first, last := cs[0].ID, cs[len(cs)-1].ID
			if _, err := w.ExecContext(ctx, `UPDATE cases SET presiding_id = $1 + id % 100 WHERE id BETWEEN $2 AND $3`, users[0], first, last); err != nil {
				b.Fatal(err)
			}
			if _, err := w.ExecContext(ctx, `WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < 29999)
				INSERT INTO warnings (rule_code, rule_version, level, status, subject_kind, subject_id, subject_key, case_id, unit_id, unit_path, explain, raised_at)
				SELECT 'deadline_overdue', 1, 'red', CASE WHEN k >= 29980 THEN 'open' ELSE 'resolved' END, 'case', $1 + k % 2000,
					'case:' || k, $1 + k % 2000, $2, $3, '调解超期', $4 FROM n`, first, f.room1.ID, f.room1.Path, t0); err != nil {
				b.Fatal(err)
			}
			// Each warning's mediator as migration 87 names it (an older
			// schema has no such column: the statement fails, harmlessly).
			w.ExecContext(ctx, `UPDATE warnings SET mediator_id = (SELECT c.presiding_id FROM cases c WHERE c.id = warnings.case_id)`)
			if _, err := w.ExecContext(ctx, `ANALYZE`); err != nil {
				b.Fatal(err)
			}
			scope := store.Scope{Prefixes: []string{f.committee.Path}}
			med := users[0] + (first+29999%2000)%100 // presides the case of the newest warning
			for _, c := range []struct {
				name     string
				statuses []string
				want     int
			}{{"all", nil, 50}, {"open", []string{store.WarningOpen}, 1}} {
				b.Run(c.name, func(b *testing.B) {
					q := store.WarningQuery{Scope: scope, Presiding: med, Statuses: c.statuses, Paging: store.Paging{Limit: 50}}
					for b.Loop() {
						if p, err := db.ListWarnings(ctx, q); err != nil || len(p.Items) != c.want {
							b.Fatalf("%d warnings, want %d: %v", len(p.Items), c.want, err)
						}
					}
				})
			}
		})
	}
}
