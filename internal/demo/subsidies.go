package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/settlement"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/subsidy"
)

// buildSubsidies gives 浦东 the illustrative subsidy scheme (示例) and four
// months of settlement: the two oldest approved by justice01 and paid, the
// third submitted and waiting for approval, the latest month (whose
// cut-off has passed) a draft. The room leads confirmed most difficulties
// and the cases' files were frozen, except a few of the latest month's, so
// the draft shows those gates. Each step happens on its own day after the
// cut-off, through the settlement service, so the trail reads as it would.
func buildSubsidies(ctx context.Context, st store.Store, now time.Time) error {
	district, err := st.GetOrgUnitByCode(ctx, CodeDistrict)
	if err != nil {
		return fmt.Errorf("demo: subsidies: %w", err)
	}
	committee, err := st.GetOrgUnitByCode(ctx, CodeCommittee)
	if err != nil {
		return fmt.Errorf("demo: subsidies: %w", err)
	}
	scheme := subsidy.Default()
	body, _ := json.Marshal(scheme)
	if err := st.AddSubsidyScheme(ctx, store.SubsidyScheme{UnitID: district.ID, Version: scheme.Version, EffectiveFrom: scheme.EffectiveFrom,
		Body: string(body), Created: now.AddDate(-1, 0, 0)}); err != nil {
		return fmt.Errorf("demo: subsidy scheme: %w", err)
	}
	clock := now
	tick := func() time.Time { return clock }
	sc := &scorecard.Service{Store: st, Now: tick}
	svc := &settlement.Service{Store: st, CatchUp: sc.CatchUp, Now: tick}
	secretary, err := principal(ctx, st, "committee01")
	if err != nil {
		return err
	}
	justice, err := principal(ctx, st, "justice01")
	if err != nil {
		return err
	}
	schemes := []subsidy.Scheme{scheme}
	today := calendar.DateOf(now).String()
	latest := today[:7]
	if cut, _ := subsidy.CutoffDate(schemes, latest); today <= cut {
		latest = now.AddDate(0, -1, 0).Format("2006-01")
	}
	m, _ := time.Parse("2006-01", latest)
	var months []string
	for i := 3; i >= 0; i-- {
		months = append(months, m.AddDate(0, -i, 0).Format("2006-01"))
	}
	from, _, _ := subsidy.Window(schemes, months[0])
	_, to, _ := subsidy.Window(schemes, latest)
	if err := prepareSettlement(ctx, st, sc, committee, from, to, latest, schemes, now); err != nil {
		return err
	}
	// day is a moment n days after a month's cut-off (never after now).
	day := func(month string, n, hour int) time.Time {
		cut, _ := subsidy.CutoffDate(schemes, month)
		d, _ := calendar.ParseDate(cut)
		t := d.Time().AddDate(0, 0, n).Add(time.Duration(hour) * time.Hour)
		if t.After(now) {
			return now.Add(-time.Duration(4-n) * time.Minute)
		}
		return t
	}
	for i, month := range months {
		clock = day(month, 1, 9)
		b, _, err := svc.Generate(ctx, secretary, committee.Code, month, false)
		if err != nil {
			return fmt.Errorf("demo: subsidy batch %s: %w", month, err)
		}
		if i == len(months)-1 {
			break // the latest month stays a draft
		}
		if len(b.Lines)+len(b.Failures) == 0 {
			continue // a small demo may close nothing in a month
		}
		clock = day(month, 2, 10)
		if _, err := svc.Submit(ctx, secretary, b.ID); err != nil {
			return fmt.Errorf("demo: submit %s: %w", month, err)
		}
		if i == len(months)-2 {
			continue // waiting for justice01
		}
		clock = day(month, 5, 15)
		if _, err := svc.Approve(ctx, justice, b.ID, "经审核，同意按此发放"); err != nil {
			return fmt.Errorf("demo: approve %s: %w", month, err)
		}
		clock = day(month, 12, 11)
		if _, err := svc.RecordPaid(ctx, justice, b.ID, calendar.DateOf(clock).String(), "区财政国库集中支付"); err != nil {
			return fmt.Errorf("demo: pay %s: %w", month, err)
		}
	}
	return nil
}

// prepareSettlement does what the rooms did over those months: each room
// lead confirmed the difficulty of the cases closed (the proposal, mostly)
// and archived cases got their frozen file. In the latest month one case
// in nine is still unconfirmed and one archived case in eleven has no file.
func prepareSettlement(ctx context.Context, st store.Store, sc *scorecard.Service, committee store.OrgUnit, from, to, latest string,
	schemes []subsidy.Scheme, now time.Time) error {
	if _, err := sc.CatchUp(ctx); err != nil {
		return fmt.Errorf("demo: subsidies: %w", err)
	}
	facts, err := st.EvalFacts(ctx, store.EvalFactQuery{Committees: []int64{committee.ID}, Day: "closure", From: from, To: to})
	if err != nil {
		return fmt.Errorf("demo: subsidies: %w", err)
	}
	var ids []int64
	for _, f := range facts {
		ids = append(ids, f.CaseID)
	}
	rows, err := st.SubsidyCases(ctx, ids)
	if err != nil {
		return fmt.Errorf("demo: subsidies: %w", err)
	}
	units, err := st.ListOrgUnits(ctx)
	if err != nil {
		return err
	}
	leads := map[int64]int64{} // room → its lead
	for _, u := range units {
		if !u.Kind.IsRoom() {
			continue
		}
		staff, err := st.RoutineStaff(ctx, []string{u.Path}, []domain.Role{domain.RoleRoomLead})
		if err != nil {
			return err
		}
		if len(staff) > 0 {
			leads[u.ID] = staff[0].UserID
		}
	}
	lastFrom, _, _ := subsidy.Window(schemes, latest)
	files := &agreement.Service{Store: st, Now: func() time.Time { return now }}
	var confirmed []store.CaseDifficulty
	var unfiled []int64
	for i, f := range facts {
		row := rows[f.CaseID]
		recent := f.ClosureDay >= lastFrom
		if f.Outcome != "agreed" && f.Outcome != "not_agreed" {
			continue
		}
		if !(recent && i%9 == 4) {
			s, _ := subsidy.InForce(schemes, f.ClosureDay)
			level, why := s.Difficulty.Propose(row.ClaimFen, row.Parties, row.Sessions)
			by := leads[row.RoomID]
			if by == 0 {
				continue
			}
			closed, _ := calendar.ParseDate(f.ClosureDay)
			confirmed = append(confirmed, store.CaseDifficulty{CaseID: f.CaseID, Proposed: string(level), ProposedWhy: why, Level: string(level),
				ConfirmedBy: by, ConfirmedAt: closed.Time().AddDate(0, 0, 1).Add(10 * time.Hour)})
		}
		if row.HasArchive || (recent && i%11 == 7) {
			continue
		}
		unfiled = append(unfiled, f.CaseID)
	}
	// The room leads' confirmations, 500 to a transaction (one commit and
	// one audit entry each instead of one per case).
	for lo := 0; lo < len(confirmed); lo += 500 {
		if err := st.InTx(ctx, func(tx store.Store) error {
			for _, d := range confirmed[lo:min(lo+500, len(confirmed))] {
				if err := tx.PutCaseDifficulty(ctx, d); err != nil {
					return fmt.Errorf("demo: difficulty: %w", err)
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return fileCases(ctx, st, files, unfiled)
}
