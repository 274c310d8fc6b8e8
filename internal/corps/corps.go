// Package corps is the mediator registry capability (队伍): each mediator's
// registry facts (personal numbers sealed), the corps profile per committee
// and district, grade eligibility from the evaluation rollups and the
// committee's grade decisions, within what the asking user may see. The
// rules are internal/grading's; this package loads, scopes and stores.
package corps

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/grading"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// TrainingHours answers the training hours of each user in a calendar year
// (the training capability provides it; users without any are missing).
type TrainingHours func(ctx context.Context, userIDs []int64, year int) (map[int64]float64, error)

// Service answers registry questions.
type Service struct {
	Store  store.Store
	Sealer *pii.Sealer
	Now    func() time.Time
	// TrainingHours is optional: nil counts 0 hours for everyone.
	TrainingHours TrainingHours
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) today() calendar.Date { return calendar.DateOf(s.now()) }

// Room is a room a mediator is bound to.
type Room struct {
	ID          int64
	Code, Name  string
	CommitteeID int64
}

// Mediator is one registry entry as shown: codes with their labels, derived
// facts (age, subsidy eligibility, filing state) and masked numbers only.
type Mediator struct {
	UserID             int64
	Name, Username     string
	Rooms              []Room
	Registered         bool // has a registry row
	Kind, KindLabel    string
	Sex, SexLabel      string
	BirthYear, Age     int
	Education          string
	EducationLabel     string
	Major              string
	LawMajor           bool
	LegalQualification bool
	Grade, GradeLabel  string
	AppointedOn        string
	TermEnd            string
	Employment         string
	EmploymentLabel    string
	SubsidyEligible    bool // derived: not 公务员 nor 事业编制
	FiledOn            string
	FilingDue          string
	FilingState        string
	FilingLabel        string
	PhoneMask, IDMask  string
	TrainingHours      float64 // last full year
	record             store.MediatorRecord
}

// RoomNames joins the mediator's rooms.
func (m Mediator) RoomNames() string {
	var n []string
	for _, r := range m.Rooms {
		n = append(n, r.Name)
	}
	return strings.Join(n, "、")
}

// view is what one request may see: the unit asked about and the rooms under it.
type view struct {
	unit  store.OrgUnit
	units []store.OrgUnit
	rooms []store.OrgUnit
}

func isRoom(k domain.OrgKind) bool {
	return k == domain.OrgOfficeRoom || k == domain.OrgEnterpriseRoom
}

func invalid(field, msg string) error {
	return &access.ValidationError{Fields: []*domain.FieldError{{Field: field, Message: msg}}}
}

// resolve finds the unit by code and checks the viewer may see its corps.
func (s *Service) resolve(ctx context.Context, p *auth.Principal, code string, perm domain.Permission) (view, error) {
	if p == nil || !p.Can(perm) {
		return view{}, access.Forbidden("无权查看调解员队伍")
	}
	code = strings.TrimSpace(code)
	if code == "" {
		return view{}, invalid("unit", "请指定单位（unit，如 pd-cmt）")
	}
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return view{}, fmt.Errorf("list org units: %w", err)
	}
	v := view{units: units}
	found := false
	for _, u := range units {
		if u.Code == code {
			v.unit, found = u, true
		}
	}
	if !found {
		return view{}, access.NotFound(fmt.Sprintf("找不到单位“%s”", code))
	}
	switch k := v.unit.Kind; {
	case k == domain.OrgCity || k == domain.OrgDistrict || k == domain.OrgCommittee || isRoom(k):
	default:
		return view{}, invalid("unit", fmt.Sprintf("“%s”不是调解组织，没有调解员队伍", v.unit.Name))
	}
	if !p.Reaches(perm, v.unit.Path) {
		return view{}, access.Forbidden(fmt.Sprintf("无权查看“%s”的调解员队伍", v.unit.Name))
	}
	for _, u := range units {
		if isRoom(u.Kind) && strings.HasPrefix(u.Path, v.unit.Path) {
			v.rooms = append(v.rooms, u)
		}
	}
	return v, nil
}

// members lists the mediators and room leads bound to the rooms, each once,
// with their rooms, by user id.
func (s *Service) members(ctx context.Context, rooms []store.OrgUnit) ([]Mediator, error) {
	byID := map[int64]*Mediator{}
	var ids []int64
	for _, r := range rooms {
		us, err := s.Store.ListRoomMediators(ctx, r.ID)
		if err != nil {
			return nil, fmt.Errorf("list mediators of %s: %w", r.Code, err)
		}
		for _, u := range us {
			m := byID[u.ID]
			if m == nil {
				m = &Mediator{UserID: u.ID, Name: u.DisplayName, Username: u.Username}
				byID[u.ID] = m
				ids = append(ids, u.ID)
			}
			m.Rooms = append(m.Rooms, Room{ID: r.ID, Code: r.Code, Name: r.Name, CommitteeID: r.ParentID})
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	out := make([]Mediator, 0, len(ids))
	for _, id := range ids {
		out = append(out, *byID[id])
	}
	return out, nil
}

// fill adds each mediator's registry row and derived facts.
func (s *Service) fill(ctx context.Context, ms []Mediator) error {
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.UserID
	}
	recs, err := s.Store.ListMediatorRecords(ctx, ids)
	if err != nil {
		return fmt.Errorf("list mediator records: %w", err)
	}
	byID := map[int64]store.MediatorRecord{}
	for _, r := range recs {
		byID[r.UserID] = r
	}
	rules, err := deadline.Load(ctx, s.Store)
	if err != nil {
		return fmt.Errorf("load calendar: %w", err)
	}
	today := s.today()
	hours, err := s.hours(ctx, ids, today.Year-1)
	if err != nil {
		return err
	}
	for i := range ms {
		m := &ms[i]
		m.TrainingHours = hours[m.UserID]
		m.Grade, m.GradeLabel = grading.GradeNone, grading.Label(grading.Grades, grading.GradeNone)
		r, ok := byID[m.UserID]
		if !ok {
			continue
		}
		m.Registered, m.record = true, r
		m.Kind, m.KindLabel = r.Kind, grading.Label(grading.Kinds, r.Kind)
		m.Sex, m.SexLabel = r.Sex, grading.Label(grading.Sexes, r.Sex)
		m.BirthYear = r.BirthYear
		if r.BirthYear > 0 && r.BirthYear <= today.Year {
			m.Age = today.Year - r.BirthYear
		}
		m.Education, m.EducationLabel = r.Education, grading.Label(grading.Educations, r.Education)
		m.Major, m.LawMajor, m.LegalQualification = r.Major, r.LawMajor, r.LegalQualification
		if grading.GradeRank(r.Grade) >= 0 {
			m.Grade, m.GradeLabel = r.Grade, grading.Label(grading.Grades, r.Grade)
		}
		m.AppointedOn, m.TermEnd, m.FiledOn = r.AppointedOn, r.TermEnd, r.FiledOn
		m.Employment, m.EmploymentLabel = r.Employment, grading.Label(grading.Employments, r.Employment)
		m.SubsidyEligible = grading.SubsidyEligible(r.Employment)
		m.PhoneMask, m.IDMask = r.PhoneMask, r.IDMask
		appointed, filed := parseOpt(r.AppointedOn), parseOpt(r.FiledOn)
		if due := grading.FilingDue(rules.Calendar, appointed); !due.IsZero() {
			m.FilingDue = due.String()
		}
		m.FilingState = grading.FilingState(rules.Calendar, appointed, filed, today)
		m.FilingLabel = grading.FilingLabel(m.FilingState)
	}
	return nil
}

func parseOpt(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		return calendar.Date{}
	}
	return d
}

func (s *Service) hours(ctx context.Context, ids []int64, year int) (map[int64]float64, error) {
	if s.TrainingHours == nil || len(ids) == 0 {
		return map[int64]float64{}, nil
	}
	h, err := s.TrainingHours(ctx, ids, year)
	if err != nil {
		return nil, fmt.Errorf("training hours: %w", err)
	}
	if h == nil {
		h = map[int64]float64{}
	}
	return h, nil
}

// Filter narrows a roster; empty fields do not filter.
type Filter struct {
	Unit  string
	Room  string // a room's code under the unit
	Kind  string
	Grade string
}

// Roster is the registry of a unit.
type Roster struct {
	Unit      store.OrgUnit
	Rooms     []store.OrgUnit // the rooms under the unit, for the filter
	Filter    Filter
	Mediators []Mediator
	Total     int
}

// List answers the registry of a unit, masked.
func (s *Service) List(ctx context.Context, p *auth.Principal, f Filter) (Roster, error) {
	v, err := s.resolve(ctx, p, f.Unit, domain.PermCorpsRead)
	if err != nil {
		return Roster{}, err
	}
	var errs []*domain.FieldError
	if f.Kind != "" && !grading.Known(grading.Kinds, f.Kind) {
		errs = append(errs, &domain.FieldError{Field: "kind", Message: fmt.Sprintf("类别“%s”无效：应为 full_time（专职）或 part_time（兼职）", f.Kind)})
	}
	if f.Grade != "" && !grading.Known(grading.Grades, f.Grade) {
		errs = append(errs, &domain.FieldError{Field: "grade", Message: fmt.Sprintf("等级“%s”无效：应为 none、4、3、2 或 1", f.Grade)})
	}
	rooms := v.rooms
	if f.Room != "" {
		rooms = nil
		for _, r := range v.rooms {
			if r.Code == f.Room {
				rooms = append(rooms, r)
			}
		}
		if rooms == nil {
			errs = append(errs, &domain.FieldError{Field: "room", Message: fmt.Sprintf("“%s”下没有工作室“%s”", v.unit.Name, f.Room)})
		}
	}
	if len(errs) > 0 {
		return Roster{}, &access.ValidationError{Fields: errs}
	}
	ms, err := s.members(ctx, rooms)
	if err != nil {
		return Roster{}, err
	}
	if err := s.fill(ctx, ms); err != nil {
		return Roster{}, err
	}
	out := Roster{Unit: v.unit, Rooms: v.rooms, Filter: f, Mediators: []Mediator{}}
	for _, m := range ms {
		if (f.Kind == "" || m.Kind == f.Kind) && (f.Grade == "" || m.Grade == f.Grade) {
			out.Mediators = append(out.Mediators, m)
		}
	}
	out.Total = len(out.Mediators)
	return out, nil
}

// mediator finds one mediator within what the viewer may see with perm;
// anyone else is not found, never revealed.
func (s *Service) mediator(ctx context.Context, p *auth.Principal, userID int64, perm domain.Permission) (Mediator, error) {
	if p == nil || !p.Can(perm) {
		return Mediator{}, access.Forbidden("无权查看调解员队伍")
	}
	notFound := access.NotFound("找不到该调解员")
	u, err := s.Store.GetUser(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return Mediator{}, notFound
	} else if err != nil {
		return Mediator{}, fmt.Errorf("get user: %w", err)
	}
	bs, err := s.Store.ListBindings(ctx, userID)
	if err != nil {
		return Mediator{}, fmt.Errorf("list bindings: %w", err)
	}
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return Mediator{}, fmt.Errorf("list org units: %w", err)
	}
	byID := map[int64]store.OrgUnit{}
	for _, x := range units {
		byID[x.ID] = x
	}
	m := Mediator{UserID: u.ID, Name: u.DisplayName, Username: u.Username}
	seen, reached := map[int64]bool{}, false
	for _, b := range bs {
		r, ok := byID[b.OrgID]
		if (b.Role != domain.RoleMediator && b.Role != domain.RoleRoomLead) || !ok || !isRoom(r.Kind) || seen[r.ID] {
			continue
		}
		seen[r.ID] = true
		m.Rooms = append(m.Rooms, Room{ID: r.ID, Code: r.Code, Name: r.Name, CommitteeID: r.ParentID})
		reached = reached || p.Reaches(perm, r.Path)
	}
	if !reached {
		if perm == domain.PermCorpsManage && p.Can(domain.PermCorpsRead) {
			if _, err := s.mediator(ctx, p, userID, domain.PermCorpsRead); err == nil {
				return Mediator{}, access.Forbidden("无权修改该调解员的登记信息")
			}
		}
		return Mediator{}, notFound
	}
	ms := []Mediator{m}
	if err := s.fill(ctx, ms); err != nil {
		return Mediator{}, err
	}
	return ms[0], nil
}
