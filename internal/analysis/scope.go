package analysis

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/hotspot"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Filter is what a dashboard, a hot list or a case list is asked for: a
// unit (an org unit code; "" the viewer's own), a period (from/to, both
// empty: the default days ending today), a channel and a category (""
// for all).
type Filter struct {
	Unit, From, To    string
	Channel, Category string
}

// Scope is a checked filter: the unit, the committees and room it covers,
// the period.
type Scope struct {
	Unit       store.OrgUnit
	Units      []store.OrgUnit // every unit, by path
	Period     hotspot.Period
	Channel    string
	Category   string
	committees []int64
	roomID     int64
}

func isRoom(k domain.OrgKind) bool {
	return k == domain.OrgOfficeRoom || k == domain.OrgEnterpriseRoom
}

// Units lists the units whose analysis the viewer may open: the mediation
// units (city, district, committee, rooms) under a stats.read binding.
func (s *Service) Units(ctx context.Context, p *auth.Principal) ([]store.OrgUnit, error) {
	if p == nil || !p.Can(domain.PermStatsRead) {
		return nil, access.Forbidden("无权查看分析研判")
	}
	units, err := auth.Reached(ctx, s.Store, p, domain.PermStatsRead)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(units, func(u store.OrgUnit) bool {
		return u.Kind != domain.OrgCity && u.Kind != domain.OrgDistrict && u.Kind != domain.OrgCommittee && !isRoom(u.Kind)
	}), nil
}

// defaultUnit is the unit of the viewer's own binding: a committee first,
// else the widest unit they may open.
func defaultUnit(p *auth.Principal, units []store.OrgUnit) string {
	best := ""
	for _, b := range p.Bindings {
		if !domain.RoleHas(b.Role, domain.PermStatsRead) {
			continue
		}
		for _, u := range units {
			if u.ID == b.OrgID {
				if u.Kind == domain.OrgCommittee {
					return u.Code
				}
				if best == "" {
					best = u.Code
				}
			}
		}
	}
	if best == "" && len(units) > 0 {
		best = units[0].Code
	}
	return best
}

// resolve checks a filter against what the viewer may see; defaultDays is
// the period when from and to are both empty.
func (s *Service) resolve(ctx context.Context, p *auth.Principal, f Filter, defaultDays int) (Scope, error) {
	units, err := s.Units(ctx, p)
	if err != nil {
		return Scope{}, err
	}
	code := strings.TrimSpace(f.Unit)
	if code == "" {
		if code = defaultUnit(p, units); code == "" {
			return Scope{}, access.Forbidden("没有可查看分析研判的单位")
		}
	}
	all, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return Scope{}, fmt.Errorf("list org units: %w", err)
	}
	sc := Scope{Units: all}
	found := false
	for _, u := range all {
		if u.Code == code {
			sc.Unit, found = u, true
		}
	}
	if !found {
		return Scope{}, access.NotFound(fmt.Sprintf("找不到单位“%s”", code))
	}
	var errs []*domain.FieldError
	switch k := sc.Unit.Kind; {
	case k == domain.OrgCity || k == domain.OrgDistrict || k == domain.OrgCommittee || isRoom(k):
	default:
		errs = append(errs, &domain.FieldError{Field: "unit", Message: fmt.Sprintf("“%s”不是调解组织，没有分析数据", sc.Unit.Name)})
	}
	if len(errs) == 0 && !p.Reaches(domain.PermStatsRead, sc.Unit.Path) {
		return Scope{}, access.Forbidden(fmt.Sprintf("无权查看“%s”的分析数据", sc.Unit.Name))
	}
	per, perrs := hotspot.ParsePeriod(f.From, f.To, s.today(), defaultDays)
	errs = append(errs, perrs...)
	sc.Period = per
	if ch := strings.TrimSpace(f.Channel); ch != "" {
		if !domain.Channel(ch).Valid() {
			var names []string
			for _, c := range domain.Channels {
				names = append(names, string(c)+"（"+c.Label()+"）")
			}
			errs = append(errs, &domain.FieldError{Field: "channel", Message: fmt.Sprintf("来源渠道“%s”无效，应为：%s", ch, strings.Join(names, "、"))})
		}
		sc.Channel = ch
	}
	if cat := strings.TrimSpace(f.Category); cat != "" {
		if utf8.RuneCountInString(cat) > 50 {
			errs = append(errs, &domain.FieldError{Field: "category", Message: "纠纷类别最长 50 个字"})
		}
		sc.Category = cat
	}
	if len(errs) > 0 {
		return Scope{}, &access.ValidationError{Fields: errs}
	}
	if isRoom(sc.Unit.Kind) {
		sc.committees, sc.roomID = []int64{sc.Unit.ParentID}, sc.Unit.ID
	} else {
		sc.committees = []int64{}
		for _, u := range all {
			if u.Kind == domain.OrgCommittee && strings.HasPrefix(u.Path, sc.Unit.Path) {
				sc.committees = append(sc.committees, u.ID)
			}
		}
	}
	return sc, nil
}

// rooms are the rooms the scope covers, by ID.
func (sc Scope) rooms() map[int64]store.OrgUnit {
	out := map[int64]store.OrgUnit{}
	for _, u := range sc.Units {
		if !isRoom(u.Kind) || (sc.roomID != 0 && u.ID != sc.roomID) {
			continue
		}
		for _, c := range sc.committees {
			if u.ParentID == c {
				out[u.ID] = u
			}
		}
	}
	return out
}

func (sc Scope) evalQuery(per hotspot.Period, group string, counters ...string) store.AnalysisEvalQuery {
	return store.AnalysisEvalQuery{Committees: sc.committees, RoomID: sc.roomID, Channel: sc.Channel, Category: sc.Category,
		From: per.From.String(), To: per.To.String(), GroupBy: group, Counters: counters}
}

func (sc Scope) countQuery(per hotspot.Period, group string) store.AnalysisQuery {
	return store.AnalysisQuery{Committees: sc.committees, RoomID: sc.roomID, Channel: sc.Channel, Category: sc.Category,
		From: per.From.String(), To: per.To.String(), GroupBy: group}
}

// subjectQuery is the narrow subject rollups' query for a hot list of
// merchants, streets or categories over per; ok is false when the scope is one room or
// filtered by category, which only the wide rollups answer.
func (sc Scope) subjectQuery(per hotspot.Period, by string) (store.AnalysisSubjectQuery, bool) {
	if sc.roomID != 0 || sc.Category != "" {
		return store.AnalysisSubjectQuery{}, false
	}
	return store.AnalysisSubjectQuery{Committees: sc.committees, Kind: by, Channel: sc.Channel,
		From: per.From.String(), To: per.To.String()}, true
}
