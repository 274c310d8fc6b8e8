package corps_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/corps"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/grading"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

var now = time.Date(2026, 11, 27, 15, 30, 0, 0, calendar.Shanghai())

type env struct {
	db  *sqlstore.DB
	svc *corps.Service
}

func setup(t *testing.T, e storetest.Engine) env {
	t.Helper()
	db := e.Open(t, true)
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i * 5)
	}
	sealer, err := pii.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Build(context.Background(), db, sealer, demo.Options{Cases: 0, Password: "test-pass", Now: now}); err != nil {
		t.Fatal(err)
	}
	return env{db: db, svc: &corps.Service{Store: db, Sealer: sealer, Now: func() time.Time { return now }}}
}

func (e env) principal(t *testing.T, username string) *auth.Principal {
	t.Helper()
	ctx := context.Background()
	u, err := e.db.GetUserByUsername(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	bs, err := e.db.ListBindings(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &auth.Principal{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Bindings: bs}
}

func status(err error) int { s, _ := access.StatusOf(err); return s }

func TestCorpsServiceOnDemo(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := setup(t, eng)
			cmt := e.principal(t, "committee01")

			// The roster: every demo mediator registered, numbers masked.
			ro, err := e.svc.List(ctx, cmt, corps.Filter{Unit: demo.CodeCommittee})
			if err != nil {
				t.Fatal(err)
			}
			if ro.Total < 47 || ro.Total != len(ro.Mediators) {
				t.Fatalf("roster of %d", ro.Total)
			}
			var ids []int64
			full, nonEligible := 0, 0
			for _, m := range ro.Mediators {
				ids = append(ids, m.UserID)
				if !m.Registered || !strings.Contains(m.PhoneMask, "****") || !strings.Contains(m.IDMask, "*****") {
					t.Fatalf("unregistered or unmasked: %+v", m)
				}
				if m.Kind == "full_time" {
					full++
				}
				if !m.SubsidyEligible {
					nonEligible++
					if m.Employment != "public_institution" && m.Employment != "civil_servant" {
						t.Fatalf("not eligible as %s", m.Employment)
					}
				}
			}
			if nonEligible != 2 || full*10 < ro.Total*8 {
				t.Fatalf("%d not eligible, %d of %d full-time", nonEligible, full, ro.Total)
			}

			// The profile's figures are the registry rows' counts.
			recs, err := e.db.ListMediatorRecords(ctx, ids)
			if err != nil || len(recs) != ro.Total {
				t.Fatalf("records %d %v", len(recs), err)
			}
			bach, law, qual, ageSum := 0, 0, 0, 0
			for _, r := range recs {
				if r.Education == "doctor" || r.Education == "master" || r.Education == "bachelor" {
					bach++
				}
				if r.LawMajor {
					law++
				}
				if r.LegalQualification {
					qual++
				}
				ageSum += 2026 - r.BirthYear
			}
			pv, err := e.svc.Profile(ctx, cmt, demo.CodeCommittee)
			if err != nil {
				t.Fatal(err)
			}
			p := pv.Profile
			round := func(n, d int) int { return (n*200 + d) / (2 * d) }
			if p.Total != len(recs) || p.BachelorOrAbove != bach || p.LawMajors != law || p.Qualified != qual ||
				p.BachelorPct != round(bach, len(recs)) || p.LawPct != round(law, len(recs)) || p.AverageAge != round(ageSum, len(recs)*100) {
				t.Fatalf("profile %+v against rows: bach %d law %d qual %d age sum %d", p, bach, law, qual, ageSum)
			}
			if p.BachelorPct < 90 || p.BachelorPct > 96 || p.LawPct < 50 || p.LawPct > 60 || qual < 2 || qual > 8 || p.AverageAge < 30 || p.AverageAge > 34 {
				t.Fatalf("not seed-like: %+v", p)
			}
			for _, want := range []string{"本科及以上学历占", "法律专业占", "人具有法律职业资格", "平均年龄"} {
				if !strings.Contains(pv.Sentence, want) {
					t.Fatalf("sentence %q lacks %s", pv.Sentence, want)
				}
			}
			// The district sees its committee's line.
			dv, err := e.svc.Profile(ctx, e.principal(t, "justice01"), demo.CodeDistrict)
			if err != nil || len(dv.ByCommittee) != 1 || dv.ByCommittee[0].Profile.Total != p.Total {
				t.Fatalf("district profile %+v %v", dv.ByCommittee, err)
			}

			// Scope: another district's committee, a unit that does not exist, a mediator's role.
			if _, err := e.svc.List(ctx, e.principal(t, "xh_committee01"), corps.Filter{Unit: demo.CodeCommittee}); status(err) != 403 {
				t.Fatalf("other district: %v", err)
			}
			if _, err := e.svc.Profile(ctx, cmt, "no-such-unit"); status(err) != 404 || !strings.Contains(err.Error(), "找不到单位") {
				t.Fatalf("unknown unit: %v", err)
			}
			if _, err := e.svc.List(ctx, e.principal(t, "mediator01"), corps.Filter{Unit: demo.CodeCommittee}); status(err) != 403 {
				t.Fatalf("mediator: %v", err)
			}
			if _, err := e.svc.Get(ctx, e.principal(t, "xh_committee01"), ids[0]); status(err) != 404 {
				t.Fatalf("other district's detail: %v", err)
			}
			lead := e.principal(t, "room_lead01")
			lr, err := e.svc.List(ctx, lead, corps.Filter{Unit: demo.OfficeRoomCode(1)})
			if err != nil || lr.Total == 0 || lr.Total > 3 {
				t.Fatalf("room lead's room: %d %v", lr.Total, err)
			}
			if _, err := e.svc.List(ctx, lead, corps.Filter{Unit: demo.OfficeRoomCode(2)}); status(err) != 403 {
				t.Fatalf("room lead, other room: %v", err)
			}
			if _, err := e.svc.List(ctx, cmt, corps.Filter{Unit: demo.CodeCommittee, Kind: "x"}); status(err) != 422 {
				t.Fatalf("bad kind: %v", err)
			}

			// Filing: the one filed late and the one not yet due.
			late, err := e.svc.FilingOverdue(ctx, calendar.DateOf(now))
			if err != nil || len(late) != 1 || late[0].State != grading.FilingLate || late[0].FiledOn <= late[0].Due {
				t.Fatalf("filing overdue: %+v %v", late, err)
			}
			// Weeks later the newly appointed one is overdue too.
			later, err := e.svc.FilingOverdue(ctx, calendar.DateOf(now).AddDays(60))
			if err != nil || len(later) != 2 || later[1].State != grading.FilingOverdue && later[0].State != grading.FilingOverdue {
				t.Fatalf("filing overdue later: %+v %v", later, err)
			}

			// Phones opens the sealed phones (for the escalation SMS only).
			ph, err := e.svc.Phones(ctx, ids[:3])
			if err != nil || len(ph) != 3 || len(ph[ids[0]]) != 11 || strings.Contains(ph[ids[0]], "*") {
				t.Fatalf("phones %v %v", ph, err)
			}

			// Training hours come from the optional function (last full year).
			e.svc.TrainingHours = func(ctx context.Context, us []int64, year int) (map[int64]float64, error) {
				if year != 2025 {
					return nil, errors.New("wrong year")
				}
				return map[int64]float64{us[0]: 30}, nil
			}
			d, err := e.svc.Get(ctx, cmt, ids[0])
			if err != nil || d.Mediator.TrainingHours != 30 || d.Eligibility.Facts.TrainingHours != 30 {
				t.Fatalf("training hours: %+v %v", d.Mediator, err)
			}
			e.svc.TrainingHours = nil
		})
	}
}

func TestCorpsEditDecideIncident(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := setup(t, eng)
			cmt := e.principal(t, "committee01")
			m, _ := e.db.GetUserByUsername(ctx, "mediator01")
			before, _ := e.db.GetMediatorRecord(ctx, m.ID)
			good := corps.Input{Kind: "full_time", Sex: "female", BirthYear: "1990", Education: "master", Major: "法学", LawMajor: true,
				AppointedOn: "2022-03-01", TermEnd: "2027-02-28", Employment: "contract", FiledOn: "2022-03-10",
				IDNumber: domain310("1990"), Phone: "13912345678"}
			// Bad input changes nothing.
			for name, mod := range map[string]func(*corps.Input){
				"id":        func(in *corps.Input) { in.IDNumber = "310115199001011234" },
				"phone":     func(in *corps.Input) { in.Phone = "12345" },
				"date":      func(in *corps.Input) { in.AppointedOn = "2022-02-30" },
				"future":    func(in *corps.Input) { in.AppointedOn = "2027-01-01" },
				"term":      func(in *corps.Input) { in.TermEnd = "2021-01-01" },
				"filed":     func(in *corps.Input) { in.FiledOn = "2022-01-01" },
				"kind":      func(in *corps.Input) { in.Kind = "" },
				"education": func(in *corps.Input) { in.Education = "phd" },
				"birth":     func(in *corps.Input) { in.BirthYear = "1991" },
			} {
				in := good
				mod(&in)
				err := e.svc.Save(ctx, cmt, m.ID, in)
				var ve *access.ValidationError
				if !errors.As(err, &ve) || status(err) != 422 || !containsHan(err.Error()) {
					t.Fatalf("%s: %v", name, err)
				}
				if after, _ := e.db.GetMediatorRecord(ctx, m.ID); after != before {
					t.Fatalf("%s changed the record", name)
				}
			}
			if err := e.svc.Save(ctx, e.principal(t, "room_lead01"), m.ID, good); status(err) != 403 {
				t.Fatalf("room lead edits: %v", err)
			}
			if err := e.svc.Save(ctx, e.principal(t, "xh_committee01"), m.ID, good); status(err) != 404 {
				t.Fatalf("other district edits: %v", err)
			}
			if err := e.svc.Save(ctx, cmt, m.ID, good); err != nil {
				t.Fatal(err)
			}
			after, _ := e.db.GetMediatorRecord(ctx, m.ID)
			if after.Education != "master" || after.PhoneMask != "139****5678" || after.PhoneSealed == "" || strings.Contains(after.PhoneSealed, "13912345678") ||
				after.IDMask != domainMask(good.IDNumber) || after.Grade != before.Grade {
				t.Fatalf("saved %+v", after)
			}
			if ph, _ := e.svc.Phones(ctx, []int64{m.ID}); ph[m.ID] != "13912345678" {
				t.Fatalf("phone %v", ph)
			}
			// Empty numbers keep the stored ones.
			keep := good
			keep.IDNumber, keep.Phone = "", ""
			if err := e.svc.Save(ctx, cmt, m.ID, keep); err != nil {
				t.Fatal(err)
			}
			if again, _ := e.db.GetMediatorRecord(ctx, m.ID); again.PhoneSealed != after.PhoneSealed || again.IDHash != after.IDHash {
				t.Fatal("numbers lost on an edit without them")
			}

			// Grade decisions: bad input changes nothing; a good one is recorded with its snapshot.
			for name, in := range map[string]corps.DecisionInput{
				"grade":  {To: "5", On: "2026-11-20", Basis: "会议"},
				"same":   {To: after.Grade, On: "2026-11-20", Basis: "会议"},
				"date":   {To: "4", On: "2026-13-01", Basis: "会议"},
				"future": {To: "4", On: "2026-12-20", Basis: "会议"},
				"basis":  {To: "4", On: "2026-11-20", Basis: " "},
			} {
				if _, err := e.svc.DecideGrade(ctx, cmt, m.ID, in); status(err) != 422 {
					t.Fatalf("%s: %v", name, err)
				}
			}
			if ds, _ := e.db.ListGradeDecisions(ctx, m.ID); len(ds) != 0 {
				t.Fatalf("decisions after bad input: %+v", ds)
			}
			if _, err := e.svc.DecideGrade(ctx, e.principal(t, "justice01"), m.ID, corps.DecisionInput{To: "4", On: "2026-11-20", Basis: "x"}); status(err) != 403 {
				t.Fatalf("justice decides: %v", err)
			}
			d, err := e.svc.DecideGrade(ctx, cmt, m.ID, corps.DecisionInput{To: "4", On: "2026-11-20", Basis: "第11次主任会议"})
			if err != nil || d.From != after.Grade || d.To != "4" || !strings.Contains(d.Snapshot, `"checks"`) || d.DecidedBy != cmt.UserID {
				t.Fatalf("decision %+v %v", d, err)
			}
			det, err := e.svc.Get(ctx, cmt, m.ID)
			if err != nil || det.Mediator.Grade != "4" || len(det.History) != 1 || det.History[0].ToLabel != "四级" || det.History[0].DecidedByName == "" {
				t.Fatalf("detail after decision: %+v %v", det.History, err)
			}

			// An incident counts against the grade rules; a bad case id changes nothing.
			if _, err := e.svc.RecordIncident(ctx, cmt, m.ID, corps.IncidentInput{CaseID: "999999", OccurredOn: "2026-10-01", Note: "x"}); status(err) != 422 {
				t.Fatalf("bad case: %v", err)
			}
			if _, err := e.svc.RecordIncident(ctx, cmt, m.ID, corps.IncidentInput{OccurredOn: "2026-10-01", Note: "调解不当引发信访"}); err != nil {
				t.Fatal(err)
			}
			det, _ = e.svc.Get(ctx, cmt, m.ID)
			if len(det.Incidents) != 1 || det.Eligibility.Facts.Improper != 1 {
				t.Fatalf("incident: %+v %+v", det.Incidents, det.Eligibility.Facts)
			}
			for _, ch := range det.Eligibility.Result.Grades[0].Checks {
				if ch.Code == "improper" && (ch.Met || ch.Figure != "1 件") {
					t.Fatalf("improper check %+v", ch)
				}
			}

			// Grade rules: a committee saves a new version from today; an earlier one is refused.
			rs := grading.DefaultRules()
			rs.EffectiveFrom = calendar.DateOf(now)
			rs.Grades[0].Cases = 40
			if err := e.svc.SaveGradeRules(ctx, cmt, demo.CodeCommittee, rs); err != nil {
				t.Fatal(err)
			}
			rs.EffectiveFrom = calendar.DateOf(now).AddDays(-1)
			if err := e.svc.SaveGradeRules(ctx, cmt, demo.CodeCommittee, rs); status(err) != 422 {
				t.Fatalf("past version: %v", err)
			}
			rv, err := e.svc.GradeRules(ctx, cmt, demo.CodeCommittee)
			if err != nil || len(rv.Versions) != 1 || rv.InForce.Grades[0].Cases != 40 {
				t.Fatalf("rules %+v %v", rv, err)
			}
			gv, err := e.svc.Grades(ctx, cmt, demo.CodeCommittee)
			if err != nil || len(gv.Rows) == 0 || gv.Rules.Grades[0].Cases != 40 {
				t.Fatalf("grades %v", err)
			}
		})
	}
}

func containsHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func domain310(year string) string {
	t, _ := time.Parse("2006-01-02", year+"-05-06")
	return domainGenerate(t)
}

func domainGenerate(t time.Time) string { return domain.GenerateIDNumber("310115", t, 12, true) }

func domainMask(s string) string { return domain.MaskIDNumber(s) }
