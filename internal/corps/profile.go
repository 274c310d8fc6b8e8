package corps

import (
	"context"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/grading"
	"github.com/tiaojie/tiaojie/internal/store"
)

// ProfileView is the corps profile of a unit (队伍概况).
type ProfileView struct {
	Unit    store.OrgUnit
	AsOf    string
	Profile grading.Profile
	// Sentence reads the profile like the district's notices.
	Sentence string
	// Unregistered counts the unit's mediators without a registry row (not in the profile).
	Unregistered int
	// ByCommittee is the profile of each committee under a district or city.
	ByCommittee []CommitteeProfile
}

// CommitteeProfile is one committee's line of a district's profile.
type CommitteeProfile struct {
	Unit     store.OrgUnit
	Profile  grading.Profile
	Sentence string
}

// Profile computes the corps profile of a unit from its registry rows.
func (s *Service) Profile(ctx context.Context, p *auth.Principal, unit string) (ProfileView, error) {
	v, err := s.resolve(ctx, p, unit, domain.PermCorpsRead)
	if err != nil {
		return ProfileView{}, err
	}
	today := s.today()
	out := ProfileView{Unit: v.unit, AsOf: today.String()}
	ms, err := s.members(ctx, v.rooms)
	if err != nil {
		return ProfileView{}, err
	}
	if err := s.fill(ctx, ms); err != nil {
		return ProfileView{}, err
	}
	all, byCommittee := []grading.Member{}, map[int64][]grading.Member{}
	for _, m := range ms {
		if !m.Registered {
			out.Unregistered++
			continue
		}
		gm := grading.Member{Kind: m.Kind, Sex: m.Sex, BirthYear: m.BirthYear, Education: m.Education,
			LawMajor: m.LawMajor, LegalQualification: m.LegalQualification, Grade: m.Grade}
		all = append(all, gm)
		// A mediator of rooms in two committees counts in each.
		seen := map[int64]bool{}
		for _, r := range m.Rooms {
			if !seen[r.CommitteeID] {
				seen[r.CommitteeID] = true
				byCommittee[r.CommitteeID] = append(byCommittee[r.CommitteeID], gm)
			}
		}
	}
	out.Profile = grading.ComputeProfile(all, today.Year)
	out.Sentence = out.Profile.Sentence()
	if v.unit.Kind == domain.OrgDistrict || v.unit.Kind == domain.OrgCity {
		for _, u := range v.units {
			if u.Kind == domain.OrgCommittee && len(u.Path) > len(v.unit.Path) && u.Path[:len(v.unit.Path)] == v.unit.Path {
				cp := grading.ComputeProfile(byCommittee[u.ID], today.Year)
				out.ByCommittee = append(out.ByCommittee, CommitteeProfile{Unit: u, Profile: cp, Sentence: cp.Sentence()})
			}
		}
	}
	return out, nil
}
