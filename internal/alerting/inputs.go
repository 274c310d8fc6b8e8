package alerting

import (
	"context"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/warning"
)

// orgIndex is the org tree by id and code.
type orgIndex struct {
	all    []store.OrgUnit
	byID   map[int64]store.OrgUnit
	byCode map[string]store.OrgUnit
}

func (s *Service) units(ctx context.Context) (orgIndex, error) {
	us, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return orgIndex{}, fmt.Errorf("list org units: %w", err)
	}
	ix := orgIndex{all: us, byID: map[int64]store.OrgUnit{}, byCode: map[string]store.OrgUnit{}}
	for _, u := range us {
		ix.byID[u.ID], ix.byCode[u.Code] = u, u
	}
	return ix, nil
}

// committeeOf is the committee a unit belongs to (itself, or a room's parent).
func (ix orgIndex) committeeOf(id int64) (store.OrgUnit, bool) {
	for u, ok := ix.byID[id]; ok; u, ok = ix.byID[u.ParentID] {
		if u.Kind == domain.OrgCommittee {
			return u, true
		}
	}
	return store.OrgUnit{}, false
}

// districtOf is the district above a unit.
func (ix orgIndex) districtOf(id int64) (store.OrgUnit, bool) {
	for u, ok := ix.byID[id]; ok; u, ok = ix.byID[u.ParentID] {
		if u.Kind == domain.OrgDistrict {
			return u, true
		}
	}
	return store.OrgUnit{}, false
}

func isRoom(k domain.OrgKind) bool { return k == domain.OrgOfficeRoom || k == domain.OrgEnterpriseRoom }

// clockStatuses are where the mediation clock or the agreement's clocks run.
var clockStatuses = []domain.Status{domain.StatusAccepted, domain.StatusODRNegotiating, domain.StatusConsenting,
	domain.StatusAssigned, domain.StatusMediating, domain.StatusSuspended, domain.StatusAgreed, domain.StatusPerforming}

// inputs reads what the rules look at. The due days come from the same
// facts as the case page and the evaluation (deadline.Rules.ForCase).
func (s *Service) inputs(ctx context.Context, rs warning.RuleSet, dl deadline.Rules, units orgIndex, now time.Time) (warning.Inputs, error) {
	in := warning.Inputs{Now: now}
	byCase := map[int64]int{}
	var after int64
	for {
		page, err := s.Store.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}, Statuses: clockStatuses, ByID: true, AfterID: after, Limit: 500})
		if err != nil {
			return in, fmt.Errorf("list open cases: %w", err)
		}
		// The page's clock events and agreements in one read each: a
		// query per case made the sweep linear in round trips (issue 17).
		ids := make([]int64, 0, len(page.Cases))
		var agreed []int64
		for _, c := range page.Cases {
			ids = append(ids, c.ID)
			if c.Status == domain.StatusPerforming || c.Status == domain.StatusAgreed {
				agreed = append(agreed, c.ID)
			}
		}
		evs, err := s.Store.ClockEventsOf(ctx, ids)
		if err != nil {
			return in, fmt.Errorf("events of open cases: %w", err)
		}
		ags, err := s.Store.AgreementsOf(ctx, agreed)
		if err != nil {
			return in, fmt.Errorf("agreements of open cases: %w", err)
		}
		for _, c := range page.Cases {
			after = c.ID
			byCase[c.ID] = len(in.Cases)
			in.Cases = append(in.Cases, caseInput(dl, c, evs[c.ID], ags, now))
		}
		if len(page.Cases) < 500 {
			break
		}
	}
	if r, ok := rs.Rule(warning.RuleDissatisfied); ok && r.Enabled {
		since := now.AddDate(0, 0, -max(r.T(warning.TWindowDays), 1)-1)
		fus, err := s.Store.LatestFollowUps(ctx, since)
		if err != nil {
			return in, fmt.Errorf("list follow-ups: %w", err)
		}
		for _, f := range fus {
			if f.Satisfaction > r.T(warning.TSatisfaction) {
				continue
			}
			i, ok := byCase[f.CaseID]
			if !ok {
				c, err := s.Store.GetCase(ctx, f.CaseID)
				if err != nil {
					return in, fmt.Errorf("read followed-up case %d: %w", f.CaseID, err)
				}
				i = len(in.Cases)
				byCase[c.ID] = i
				in.Cases = append(in.Cases, warning.CaseInput{ID: c.ID, Number: c.Number, UnitID: unitOf(c)})
			}
			in.Cases[i].Satisfaction, in.Cases[i].FollowUpAt = f.Satisfaction, f.RecordedAt
		}
	}
	if days := rs.ComplaintWindow(); days > 0 {
		since := calendar.DateOf(now).AddDays(-days).Time()
		for _, u := range units.all {
			if u.Kind != domain.OrgCommittee {
				continue
			}
			cands, err := s.Store.ListDedupCandidates(ctx, store.DedupQuery{CommitteeID: u.ID, Since: since, Until: now.Add(time.Minute)})
			if err != nil {
				return in, fmt.Errorf("list complaints of %s: %w", u.Code, err)
			}
			for _, c := range cands {
				in.Complaints = append(in.Complaints, warning.Complaint{CaseID: c.CaseID, Number: c.Number, UnitID: u.ID,
					MerchantID: c.MerchantID, MerchantName: c.MerchantName, PhoneHash: c.PhoneHash, Text: c.Text, At: c.ReceivedAt})
			}
		}
	}
	seen := map[int64]bool{}
	for _, u := range units.all {
		if !isRoom(u.Kind) {
			continue
		}
		set, err := s.Store.GetRoomSettings(ctx, u.ID)
		if err != nil {
			return in, fmt.Errorf("room settings of %s: %w", u.Code, err)
		}
		ms, err := s.Store.ListRoomMediators(ctx, u.ID)
		if err != nil {
			return in, fmt.Errorf("mediators of %s: %w", u.Code, err)
		}
		var ids []int64
		for _, m := range ms {
			if !seen[m.ID] {
				ids = append(ids, m.ID)
			}
		}
		if len(ids) == 0 {
			continue
		}
		loads, err := s.Store.MediatorLoads(ctx, ids)
		if err != nil {
			return in, fmt.Errorf("mediator loads of %s: %w", u.Code, err)
		}
		for _, m := range ms {
			if seen[m.ID] {
				continue
			}
			seen[m.ID] = true
			in.Mediators = append(in.Mediators, warning.MediatorLoad{UserID: m.ID, Name: m.DisplayName, UnitID: u.ID, Open: loads[m.ID], Capacity: set.Capacity})
		}
	}
	sups, err := s.Store.OpenSupervisions(ctx, KindSupervise)
	if err != nil {
		return in, fmt.Errorf("list supervisions: %w", err)
	}
	for _, sp := range sups {
		in.Supervisions = append(in.Supervisions, warning.Supervision{ID: sp.ID, CaseID: sp.CaseID, Number: sp.CaseNumber, UnitID: sp.UnitID, Due: sp.Due})
	}
	if s.Duties != nil {
		d, err := s.Duties(ctx, calendar.DateOf(now))
		if err != nil {
			return in, fmt.Errorf("routine duties past their day: %w", err)
		}
		in.Duties = d
	}
	return in, nil
}

func unitOf(c store.Case) int64 {
	if c.RoomID != 0 {
		return c.RoomID
	}
	return c.CommitteeID
}

// caseInput is what the rules need of one open case: its running clocks
// (from its clock events; deadline.Facts reads no others) and, once
// agreed, the agreement's terms.
func caseInput(dl deadline.Rules, c store.Case, evs []store.Event, ags map[int64]store.Agreement, now time.Time) warning.CaseInput {
	ci := warning.CaseInput{ID: c.ID, Number: c.Number, UnitID: unitOf(c)}
	for _, d := range dl.ForCase(c, evs, now) {
		switch d.Kind {
		case calendar.ClockMediation:
			ci.Mediation = &d
		case calendar.ClockJudicialConfirmation:
			ci.Judicial = &d
		}
	}
	if a, ok := ags[c.ID]; ok {
		ci.Terms = a.Terms
	}
	return ci
}
