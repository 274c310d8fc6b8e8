package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store"
)

// TestCorpsRegistry: the mediator registry keeps a row per mediator (the
// grade changes only by a recorded decision that checks the grade it
// replaces), incidents per mediator, grade decisions newest first and grade
// rule versions per unit.
func TestCorpsRegistry(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := e.Open(t, true)
			ctx := context.Background()
			f := newFixture(t, db)
			var users []store.User
			for _, name := range []string{"med-a", "med-b", "med-c"} {
				u := store.User{Username: name, DisplayName: name, PasswordHash: "x", Active: true}
				if err := db.CreateUser(ctx, &u); err != nil {
					t.Fatal(err)
				}
				users = append(users, u)
			}
			a, b := users[0].ID, users[1].ID
			if _, err := db.GetMediatorRecord(ctx, a); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("missing record: %v", err)
			}
			rec := store.MediatorRecord{UserID: a, Kind: "full_time", Sex: "female", BirthYear: 1994, Education: "bachelor",
				Major: "法学", LawMajor: true, LegalQualification: true, AppointedOn: "2023-03-01", TermEnd: "2026-02-28",
				Employment: "contract", FiledOn: "2023-03-20", IDSealed: "s1", IDHash: "h1", IDMask: "310***********123X",
				PhoneSealed: "s2", PhoneHash: "h2", PhoneMask: "138****5678", UpdatedBy: a, Updated: t0}
			if err := db.PutMediatorRecord(ctx, rec); err != nil {
				t.Fatal(err)
			}
			got, err := db.GetMediatorRecord(ctx, a)
			rec.Grade = "none"
			if err != nil || got != rec {
				t.Fatalf("stored:\n%+v\nwant\n%+v\n%v", got, rec, err)
			}
			// An edit replaces the facts but never the grade.
			edit := rec
			edit.Grade, edit.Major, edit.LawMajor, edit.FiledOn = "1", "经济学", false, ""
			if err := db.PutMediatorRecord(ctx, edit); err != nil {
				t.Fatal(err)
			}
			got, _ = db.GetMediatorRecord(ctx, a)
			if got.Grade != "none" || got.Major != "经济学" || got.LawMajor || got.FiledOn != "" {
				t.Fatalf("after edit: %+v", got)
			}
			if err := db.PutMediatorRecord(ctx, store.MediatorRecord{UserID: b, Kind: "part_time", Updated: t0}); err != nil {
				t.Fatal(err)
			}
			list, err := db.ListMediatorRecords(ctx, []int64{b, a, users[2].ID})
			if err != nil || len(list) != 2 || list[0].UserID != a || list[1].UserID != b || list[1].Kind != "part_time" {
				t.Fatalf("list: %+v %v", list, err)
			}
			if list, err := db.ListMediatorRecords(ctx, nil); err != nil || len(list) != 0 {
				t.Fatalf("list of none: %+v %v", list, err)
			}

			// Incidents, with and without a case.
			c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, "CORPS1"))
			if err != nil {
				t.Fatal(err)
			}
			i1 := store.MediatorIncident{UserID: a, CaseID: c.ID, OccurredOn: "2026-02-01", Note: "调解不当引发信访", RecordedBy: b, Created: t0}
			i2 := store.MediatorIncident{UserID: a, OccurredOn: "2025-12-01", Note: "未告知权利", Created: t0}
			for _, in := range []*store.MediatorIncident{&i1, &i2} {
				if err := db.AddMediatorIncident(ctx, in); err != nil || in.ID == 0 {
					t.Fatalf("add incident: %v %d", err, in.ID)
				}
			}
			ins, err := db.ListMediatorIncidents(ctx, []int64{a, b})
			if err != nil || len(ins) != 2 || ins[0] != i2 || ins[1] != i1 {
				t.Fatalf("incidents: %+v %v", ins, err)
			}
			if ins, _ := db.ListMediatorIncidents(ctx, []int64{b}); len(ins) != 0 {
				t.Fatalf("incidents of b: %+v", ins)
			}

			// Decisions: only from the grade the row still has.
			d := store.GradeDecision{UserID: a, From: "none", To: "4", DecidedOn: "2026-03-02", Basis: "第3次主任会议", DecidedBy: b,
				Snapshot: `{"grade":"4"}`, Created: t0}
			if err := db.DecideMediatorGrade(ctx, &d); err != nil || d.ID == 0 {
				t.Fatalf("decide: %v", err)
			}
			stale := store.GradeDecision{UserID: a, From: "none", To: "3", DecidedOn: "2026-03-03", Basis: "x", Created: t0}
			if err := db.DecideMediatorGrade(ctx, &stale); !errors.Is(err, store.ErrStale) {
				t.Fatalf("stale decision: %v", err)
			}
			if err := db.DecideMediatorGrade(ctx, &store.GradeDecision{UserID: users[2].ID, From: "none", To: "4", DecidedOn: "2026-03-03", Basis: "x"}); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("decision without a record: %v", err)
			}
			d2 := store.GradeDecision{UserID: a, From: "4", To: "3", DecidedOn: "2026-06-01", Basis: "第6次主任会议", Created: t0}
			if err := db.DecideMediatorGrade(ctx, &d2); err != nil {
				t.Fatal(err)
			}
			ds, err := db.ListGradeDecisions(ctx, a)
			if err != nil || len(ds) != 2 || ds[0] != d2 || ds[1] != d {
				t.Fatalf("decisions: %+v %v", ds, err)
			}
			if got, _ := db.GetMediatorRecord(ctx, a); got.Grade != "3" {
				t.Fatalf("grade after decisions: %q", got.Grade)
			}
			if ds, _ := db.ListGradeDecisions(ctx, b); len(ds) != 0 {
				t.Fatalf("decisions of b: %+v", ds)
			}

			// Grade rules: versions per unit, one per effective date.
			r1 := store.GradeRules{UnitID: f.committee.ID, EffectiveFrom: "2026-01-01", Body: `{"v":1}`, CreatedBy: b, Created: t0}
			r2 := store.GradeRules{UnitID: f.committee.ID, EffectiveFrom: "2025-01-01", Body: `{"v":0}`, Created: t0}
			for _, r := range []store.GradeRules{r1, r2} {
				if err := db.PutGradeRules(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
			r1.Body = `{"v":2}`
			if err := db.PutGradeRules(ctx, r1); err != nil {
				t.Fatal(err)
			}
			rs, err := db.ListGradeRules(ctx, f.committee.ID)
			if err != nil || len(rs) != 2 || rs[0].EffectiveFrom != "2025-01-01" || rs[1].Body != `{"v":2}` || rs[1].CreatedBy != b || rs[0].ID == 0 {
				t.Fatalf("rules: %+v %v", rs, err)
			}
			if rs, _ := db.ListGradeRules(ctx, f.otherCommittee.ID); len(rs) != 0 {
				t.Fatalf("other unit's rules: %+v", rs)
			}
			// Every write is on the audit trail.
			es, err := db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Object: "mediator:", Limit: 50})
			if err != nil || len(es) < 3 {
				t.Fatalf("audit entries about mediators: %d %v", len(es), err)
			}
		})
	}
}
