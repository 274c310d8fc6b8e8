// Package meeting is the 例会 routine: monthly committee meetings (on the
// 5th, or the next working day), weekly room meetings and joint meetings
// with partner units. Scheduling snapshots an agenda from the evaluation
// rollups (through internal/scorecard) and the red warnings; recording a
// meeting keeps attendance, minutes and the decisions as action items
// followed until done. Every call checks the org scope of the unit.
package meeting

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Figures is the part of the evaluation capability the agenda reads.
type Figures interface {
	Headline(ctx context.Context, p *auth.Principal, unit, from, to string) (scorecard.Headline, error)
	Ranking(ctx context.Context, p *auth.Principal, unit, level, month string) (scorecard.RankingView, error)
}

// Service runs the meetings.
type Service struct {
	Store store.Store
	// Figures fills the agenda's figures and ranking; nil leaves them out.
	Figures Figures
	// RedWarnings lists a unit's open red warnings for the agenda; nil
	// leaves the section out (wired to the warnings capability).
	RedWarnings func(ctx context.Context, unitID int64) ([]string, error)
	Now         func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) today() calendar.Date { return calendar.DateOf(s.now()) }

// staffRoles are who attend and own action items.
var staffRoles = []domain.Role{domain.RoleCommittee, domain.RoleRoomLead, domain.RoleMediator}

// units are the committees and rooms where p holds perm.
func (s *Service) units(ctx context.Context, p *auth.Principal, perm domain.Permission) ([]store.OrgUnit, error) {
	units, err := auth.Reached(ctx, s.Store, p, perm)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(units, func(u store.OrgUnit) bool { return u.Kind != domain.OrgCommittee && !u.Kind.IsRoom() }), nil
}

// Units are the committees and rooms whose meetings p may schedule.
func (s *Service) Units(ctx context.Context, p *auth.Principal) ([]store.OrgUnit, error) {
	if p == nil || !p.Can(domain.PermRoutineManage) {
		return nil, nil
	}
	return s.units(ctx, p, domain.PermRoutineManage)
}

// Agenda is what a meeting is to discuss, fixed when it is scheduled.
type Agenda struct {
	From     string         `json:"from"`
	To       string         `json:"to"`
	Figures  []AgendaFigure `json:"figures"`
	Ranking  *AgendaRanking `json:"ranking,omitempty"`
	Warnings *[]string      `json:"warnings,omitempty"` // nil: no warnings source
	Carried  []string       `json:"carried,omitempty"`  // open action items of earlier meetings
	Notes    []string       `json:"notes,omitempty"`    // what could not be filled and why
	Partners []store.OrgRef `json:"partners,omitempty"` // joint meetings: invited partner units
}

// AgendaFigure is one headline figure of the unit for the month.
type AgendaFigure struct {
	Code    string  `json:"code"`
	Name    string  `json:"name"`
	Unit    string  `json:"unit"`
	Value   float64 `json:"value"`
	Explain string  `json:"explain"`
}

// Text is the value as the agenda prints it: counts whole, the rest to one decimal.
func (f AgendaFigure) Text() string {
	if f.Value == float64(int64(f.Value)) && f.Unit != "%" && f.Unit != "工作日" {
		return fmt.Sprintf("%d", int64(f.Value))
	}
	return fmt.Sprintf("%.1f", f.Value)
}

// AgendaRanking is the month's 红黑榜 as published (or computed while unpublished).
type AgendaRanking struct {
	Level     string        `json:"level"`
	Month     string        `json:"month"`
	Published bool          `json:"published"`
	Revision  int64         `json:"revision,omitempty"`
	Red       []AgendaPlace `json:"red"`
	Black     []AgendaPlace `json:"black"`
}

// AgendaPlace is one subject on a list.
type AgendaPlace struct {
	Name  string  `json:"name"`
	Rank  int     `json:"rank"`
	Total float64 `json:"total"`
	Cases int     `json:"cases"`
}

// Draft is a meeting to schedule.
type Draft struct {
	Unit     string // unit code
	Kind     string
	Day      string // YYYY-MM-DD; empty for a committee meeting: the next monthly day
	Title    string
	Location string
	Partners []int64 // joint meetings: org units invited
}

func invalid(fs ...*domain.FieldError) error {
	var out []*domain.FieldError
	for _, f := range fs {
		if f != nil {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return &access.ValidationError{Fields: out}
}

// unitByCode finds a unit p reaches with perm; unknown or outside: 404.
func (s *Service) unitByCode(ctx context.Context, p *auth.Principal, perm domain.Permission, code string) (store.OrgUnit, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return store.OrgUnit{}, invalid(&domain.FieldError{Field: "unit", Message: "请选择召开会议的单位"})
	}
	u, err := s.Store.GetOrgUnitByCode(ctx, code)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !p.Reaches(domain.PermRoutineRead, u.Path)) {
		return store.OrgUnit{}, access.NotFound(fmt.Sprintf("找不到单位“%s”", code))
	}
	if err != nil {
		return u, fmt.Errorf("find unit %s: %w", code, err)
	}
	if !p.Reaches(perm, u.Path) {
		return u, access.Forbidden(fmt.Sprintf("无权安排“%s”的会议", u.Name))
	}
	return u, nil
}

// Schedule creates a meeting with its agenda filled from the figures.
func (s *Service) Schedule(ctx context.Context, p *auth.Principal, d Draft) (store.Meeting, error) {
	if p == nil || !p.Can(domain.PermRoutineManage) {
		return store.Meeting{}, access.Forbidden("无权安排会议")
	}
	u, err := s.unitByCode(ctx, p, domain.PermRoutineManage, d.Unit)
	if err != nil {
		return store.Meeting{}, err
	}
	if fe := UnitFits(d.Kind, u.Kind); fe != nil {
		return store.Meeting{}, invalid(fe)
	}
	rules, err := deadline.Load(ctx, s.Store)
	if err != nil {
		return store.Meeting{}, fmt.Errorf("load calendar: %w", err)
	}
	today := s.today()
	var day calendar.Date
	var dayErr *domain.FieldError
	if strings.TrimSpace(d.Day) == "" && d.Kind == store.MeetingCommittee {
		day = NextMonthlyDate(rules.Calendar, today)
	} else if day, dayErr = ParseDay("day", "会议日期", d.Day); dayErr == nil {
		switch {
		case day.Before(today.AddDays(-366)):
			dayErr = &domain.FieldError{Field: "day", Message: "会议日期不能早于一年前"}
		case day.After(today.AddDays(366)):
			dayErr = &domain.FieldError{Field: "day", Message: "会议日期不能晚于一年后"}
		}
	}
	title := strings.TrimSpace(d.Title)
	if title == "" && dayErr == nil {
		title = fmt.Sprintf("%s%s", u.Name, KindLabel(d.Kind))
		if d.Kind == store.MeetingCommittee {
			title = fmt.Sprintf("%d年%d月%s", day.Year, day.Month, KindLabel(d.Kind))
		}
	}
	var partners []store.OrgRef
	var partnerErr *domain.FieldError
	if len(d.Partners) > 0 {
		if d.Kind != store.MeetingJoint {
			partnerErr = &domain.FieldError{Field: "partners", Message: "只有联席会议记录参会的协作单位"}
		} else if partners, partnerErr = s.partners(ctx, u, d.Partners); partnerErr != nil {
			partners = nil
		}
	}
	var titleErr *domain.FieldError
	if dayErr == nil { // without a day there is no default title to speak of
		titleErr = CheckText("title", "会议名称", title, true, 100)
	}
	if err := invalid(dayErr, titleErr, CheckText("location", "地点", d.Location, false, 100), partnerErr); err != nil {
		return store.Meeting{}, err
	}
	ag := s.agenda(ctx, p, u, day, today)
	ag.Partners = partners
	raw, err := json.Marshal(ag)
	if err != nil {
		return store.Meeting{}, fmt.Errorf("encode agenda: %w", err)
	}
	m := store.Meeting{UnitID: u.ID, UnitPath: u.Path, Kind: d.Kind, Day: day.String(), Title: title,
		Location: strings.TrimSpace(d.Location), Agenda: string(raw), CreatedBy: p.UserID}
	if err := s.Store.CreateMeeting(ctx, &m); err != nil {
		return m, fmt.Errorf("schedule meeting: %w", err)
	}
	m.UnitName = u.Name
	return m, nil
}

// partners checks the invited partner units: org units of a partner kind
// in the committee's district.
func (s *Service) partners(ctx context.Context, cmt store.OrgUnit, ids []int64) ([]store.OrgRef, *domain.FieldError) {
	all, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return nil, &domain.FieldError{Field: "partners", Message: "无法读取协作单位"}
	}
	district := ""
	byID := map[int64]store.OrgUnit{}
	for _, u := range all {
		byID[u.ID] = u
	}
	if c, ok := byID[cmt.ParentID]; ok {
		district = c.Path
	}
	var out []store.OrgRef
	seen := map[int64]bool{}
	for _, id := range ids {
		u, ok := byID[id]
		if !ok || !IsPartner(u.Kind) || district == "" || !strings.HasPrefix(u.Path, district) {
			return nil, &domain.FieldError{Field: "partners", Message: "参会单位须为本区的市场监管所、司法所、法院、消保委等协作单位"}
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, store.OrgRef{ID: u.ID, Name: u.Name, Kind: u.Kind})
		}
	}
	return out, nil
}

// PartnerUnits are the partner units a joint meeting of a committee may record.
func (s *Service) PartnerUnits(ctx context.Context, p *auth.Principal) ([]store.OrgUnit, error) {
	us, err := s.Units(ctx, p)
	if err != nil || len(us) == 0 {
		return nil, err
	}
	all, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return nil, fmt.Errorf("list org units: %w", err)
	}
	districts := map[int64]bool{}
	for _, u := range us {
		if u.Kind == domain.OrgCommittee {
			districts[u.ParentID] = true
		}
	}
	var out []store.OrgUnit
	for _, u := range all {
		if IsPartner(u.Kind) {
			for d := range districts {
				for _, x := range all {
					if x.ID == d && strings.HasPrefix(u.Path, x.Path) {
						out = append(out, u)
					}
				}
			}
		}
	}
	return out, nil
}

// agenda fills the figures of the month before day. What cannot be filled
// is said in Notes rather than failing the scheduling.
func (s *Service) agenda(ctx context.Context, p *auth.Principal, u store.OrgUnit, day, today calendar.Date) Agenda {
	first, last := FiguresMonth(day, today)
	ag := Agenda{From: first.String(), To: last.String(), Figures: []AgendaFigure{}}
	if s.Figures != nil {
		h, err := s.Figures.Headline(ctx, p, u.Code, first.String(), last.String())
		if err != nil {
			_, msg := access.StatusOf(err)
			ag.Notes = append(ag.Notes, "未能取得本月绩效数据："+msg)
		} else {
			for _, f := range h.Figures {
				ag.Figures = append(ag.Figures, AgendaFigure{Code: f.Code, Name: f.Name, Unit: f.Unit, Value: f.Value, Explain: f.Explain})
			}
			if h.Pending > 0 {
				ag.Notes = append(ag.Notes, fmt.Sprintf("生成议程时另有 %s案件的变动尚未计入绩效数据，以绩效评估页面的最新数字为准", scorecard.PendingText(h.Pending)))
			}
		}
		level := scorecard.LevelRoom
		if u.Kind.IsRoom() {
			level = scorecard.LevelMediator
		}
		month := fmt.Sprintf("%04d-%02d", first.Year, first.Month)
		rv, err := s.Figures.Ranking(ctx, p, u.Code, level, month)
		if err != nil {
			_, msg := access.StatusOf(err)
			ag.Notes = append(ag.Notes, "未能取得红黑榜："+msg)
		} else {
			r := &AgendaRanking{Level: level, Month: month, Published: !rv.Live, Red: []AgendaPlace{}, Black: []AgendaPlace{}}
			if rv.Current != nil {
				r.Revision = rv.Current.Revision
			}
			for _, x := range rv.Body.Red {
				r.Red = append(r.Red, AgendaPlace{Name: x.Subject.Name, Rank: x.Rank, Total: x.Total, Cases: x.Cases})
			}
			for _, x := range rv.Body.Black {
				r.Black = append(r.Black, AgendaPlace{Name: x.Subject.Name, Rank: x.Rank, Total: x.Total, Cases: x.Cases})
			}
			ag.Ranking = r
		}
	}
	if s.RedWarnings != nil {
		ws, err := s.RedWarnings(ctx, u.ID)
		if err != nil {
			ag.Notes = append(ag.Notes, "未能取得红色预警")
		} else {
			if ws == nil {
				ws = []string{}
			}
			ag.Warnings = &ws
		}
	}
	items, err := s.Store.ListMeetingItems(ctx, store.MeetingItemQuery{Prefixes: []string{u.Path}, OpenOnly: true, Limit: 50})
	if err == nil {
		for _, it := range items {
			ag.Carried = append(ag.Carried, fmt.Sprintf("%s（责任人 %s，%s 到期）", it.Body, it.OwnerName, it.Due))
		}
	}
	return ag
}

// ParseAgenda reads a stored agenda.
func ParseAgenda(raw string) (Agenda, error) {
	var a Agenda
	if raw == "" {
		return a, nil
	}
	err := json.Unmarshal([]byte(raw), &a)
	return a, err
}

// View is one meeting as its page shows it.
type View struct {
	Meeting store.Meeting
	Agenda  Agenda
	Items   []store.MeetingItem
	Today   string
	// For the forms, when the viewer may manage the meeting.
	CanManage bool
	Staff     []store.Staff
	Partners  []store.OrgUnit
}

// load reads a meeting p may see (404 otherwise).
func (s *Service) load(ctx context.Context, p *auth.Principal, id int64) (store.Meeting, error) {
	if p == nil || !p.Can(domain.PermRoutineRead) {
		return store.Meeting{}, access.Forbidden("无权查看会议")
	}
	m, err := s.Store.GetMeeting(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !p.Reaches(domain.PermRoutineRead, m.UnitPath)) {
		return store.Meeting{}, access.NotFound("会议不存在或无权查看")
	}
	if err != nil {
		return m, fmt.Errorf("get meeting %d: %w", id, err)
	}
	return m, nil
}

// Get is one meeting with its agenda and action items.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (View, error) {
	m, err := s.load(ctx, p, id)
	if err != nil {
		return View{}, err
	}
	v := View{Meeting: m, Today: s.today().String(), CanManage: p.Reaches(domain.PermRoutineManage, m.UnitPath)}
	if v.Agenda, err = ParseAgenda(m.Agenda); err != nil {
		return v, fmt.Errorf("meeting %d agenda: %w", id, err)
	}
	if v.Items, err = s.Store.ListMeetingItems(ctx, store.MeetingItemQuery{MeetingID: id}); err != nil {
		return v, fmt.Errorf("meeting %d items: %w", id, err)
	}
	if v.CanManage {
		if v.Staff, err = s.Store.RoutineStaff(ctx, []string{m.UnitPath}, staffRoles); err != nil {
			return v, err
		}
		if m.Kind == store.MeetingJoint {
			u, err := s.Store.GetOrgUnit(ctx, m.UnitID)
			if err != nil {
				return v, fmt.Errorf("meeting unit: %w", err)
			}
			all, err := s.Store.ListOrgUnits(ctx)
			if err != nil {
				return v, fmt.Errorf("list org units: %w", err)
			}
			for _, x := range all {
				if x.ID == u.ParentID {
					for _, o := range all {
						if IsPartner(o.Kind) && strings.HasPrefix(o.Path, x.Path) {
							v.Partners = append(v.Partners, o)
						}
					}
				}
			}
		}
	}
	return v, nil
}

// manage reads a meeting p may manage.
func (s *Service) manage(ctx context.Context, p *auth.Principal, id int64) (store.Meeting, error) {
	m, err := s.load(ctx, p, id)
	if err != nil {
		return m, err
	}
	if !p.Reaches(domain.PermRoutineManage, m.UnitPath) {
		return m, access.Forbidden("无权记录该会议")
	}
	return m, nil
}

// Record is what happened at a meeting.
type Record struct {
	Present  []int64
	Absent   map[int64]string // user → reason
	Minutes  string
	Location string
	Partners []int64 // joint meetings
}

// RecordHeld records attendance and minutes and marks the meeting held. A
// meeting nobody attended cannot be recorded as held.
func (s *Service) RecordHeld(ctx context.Context, p *auth.Principal, id int64, r Record) (store.Meeting, error) {
	m, err := s.manage(ctx, p, id)
	if err != nil {
		return m, err
	}
	staff, err := s.Store.RoutineStaff(ctx, []string{m.UnitPath}, staffRoles)
	if err != nil {
		return m, err
	}
	known := map[int64]bool{}
	for _, st := range staff {
		known[st.UserID] = true
	}
	var errs []*domain.FieldError
	if m.Day > s.today().String() {
		errs = append(errs, &domain.FieldError{Field: "day", Message: fmt.Sprintf("会议定于 %s 召开，尚未到会议日期，不能记录为已召开", m.Day)})
	}
	var att []store.Attendance
	seen := map[int64]bool{}
	for _, uid := range r.Present {
		if !known[uid] {
			errs = append(errs, &domain.FieldError{Field: "present", Message: "出席人员须为本单位的调解员、工作室负责人或调委会人员"})
			break
		}
		if !seen[uid] {
			seen[uid] = true
			att = append(att, store.Attendance{UserID: uid, Present: true})
		}
	}
	if len(att) == 0 && len(errs) == 0 {
		errs = append(errs, &domain.FieldError{Field: "present", Message: "没有出席人员的会议不能记录为已召开，请勾选出席人员"})
	}
	absent := make([]int64, 0, len(r.Absent))
	for uid := range r.Absent {
		absent = append(absent, uid)
	}
	sort.Slice(absent, func(i, j int) bool { return absent[i] < absent[j] })
	for _, uid := range absent {
		reason := strings.TrimSpace(r.Absent[uid])
		switch {
		case !known[uid]:
			errs = append(errs, &domain.FieldError{Field: "absent", Message: "缺席人员须为本单位人员"})
		case seen[uid]:
			errs = append(errs, &domain.FieldError{Field: "absent", Message: "同一人不能既出席又缺席"})
		case reason == "":
			errs = append(errs, &domain.FieldError{Field: "absent", Message: "请填写缺席原因"})
		case len([]rune(reason)) > 100:
			errs = append(errs, &domain.FieldError{Field: "absent", Message: "缺席原因不超过100字"})
		default:
			seen[uid] = true
			att = append(att, store.Attendance{UserID: uid, Reason: reason})
			continue
		}
		break
	}
	if fe := CheckText("minutes", "会议纪要", r.Minutes, true, 20000); fe != nil {
		errs = append(errs, fe)
	}
	if fe := CheckText("location", "地点", r.Location, false, 100); fe != nil {
		errs = append(errs, fe)
	}
	var orgs []store.OrgRef
	if len(r.Partners) > 0 || m.Kind == store.MeetingJoint {
		u, err := s.Store.GetOrgUnit(ctx, m.UnitID)
		if err != nil {
			return m, fmt.Errorf("meeting unit: %w", err)
		}
		switch {
		case m.Kind != store.MeetingJoint:
			errs = append(errs, &domain.FieldError{Field: "partners", Message: "只有联席会议记录参会的协作单位"})
		case len(r.Partners) == 0:
			errs = append(errs, &domain.FieldError{Field: "partners", Message: "联席会议请选择参会的协作单位"})
		default:
			var fe *domain.FieldError
			if orgs, fe = s.partners(ctx, u, r.Partners); fe != nil {
				errs = append(errs, fe)
			}
		}
	}
	if err := invalid(errs...); err != nil {
		return m, err
	}
	at := s.now().UTC()
	loc := strings.TrimSpace(r.Location)
	if loc == "" {
		loc = m.Location
	}
	rec := store.Meeting{ID: m.ID, Minutes: strings.TrimSpace(r.Minutes), Location: loc, HeldAt: &at, HeldBy: p.UserID,
		Attendance: att, Orgs: orgs}
	if err := s.Store.RecordMeeting(ctx, rec); err != nil {
		return m, fmt.Errorf("record meeting %d: %w", id, err)
	}
	return s.Store.GetMeeting(ctx, id)
}

// ItemDraft is an action item decided at a meeting.
type ItemDraft struct {
	Body    string
	OwnerID int64
	Due     string
	CaseID  int64 // optional
	// CaseNumber is the case's 案号, as a secretary knows it (used when
	// CaseID is 0).
	CaseNumber string
}

// AddItem adds an action item: the owner is one of the unit's staff, a
// linked case is one p may read and that belongs to the unit.
func (s *Service) AddItem(ctx context.Context, p *auth.Principal, meetingID int64, d ItemDraft) (store.MeetingItem, error) {
	m, err := s.manage(ctx, p, meetingID)
	if err != nil {
		return store.MeetingItem{}, err
	}
	var errs []*domain.FieldError
	if fe := CheckText("body", "事项内容", d.Body, true, 500); fe != nil {
		errs = append(errs, fe)
	}
	staff, err := s.Store.RoutineStaff(ctx, []string{m.UnitPath}, staffRoles)
	if err != nil {
		return store.MeetingItem{}, err
	}
	owner := false
	for _, st := range staff {
		owner = owner || st.UserID == d.OwnerID
	}
	if !owner {
		errs = append(errs, &domain.FieldError{Field: "owner", Message: "责任人须为本单位的调解员、工作室负责人或调委会人员"})
	}
	due, fe := ParseDay("due", "完成期限", d.Due)
	if fe == nil {
		md, _ := calendar.ParseDate(m.Day)
		if due.Before(md) {
			fe = &domain.FieldError{Field: "due", Message: "完成期限不能早于会议日期"}
		}
	}
	if fe != nil {
		errs = append(errs, fe)
	}
	if n := strings.TrimSpace(d.CaseNumber); d.CaseID == 0 && n != "" {
		page, err := s.Store.ListCases(ctx, store.CaseQuery{Scope: p.Scope(domain.PermCaseRead), Text: n, Limit: 20})
		if err != nil {
			return store.MeetingItem{}, fmt.Errorf("find case %q: %w", n, err)
		}
		for _, c := range page.Cases {
			if c.Number == n {
				d.CaseID = c.ID
			}
		}
		if d.CaseID == 0 {
			errs = append(errs, &domain.FieldError{Field: "case", Message: fmt.Sprintf("找不到案号为“%s”的案件，或不在您的管辖范围内", n)})
		}
	}
	if d.CaseID < 0 {
		errs = append(errs, &domain.FieldError{Field: "case", Message: "案件编号无效"})
	} else if d.CaseID > 0 {
		c, err := access.Authorize(ctx, s.Store, p, d.CaseID, false)
		switch {
		case errors.Is(err, access.ErrNotFound):
			errs = append(errs, &domain.FieldError{Field: "case", Message: "关联的案件不存在或不在您的管辖范围内"})
		case err != nil:
			return store.MeetingItem{}, err
		case !strings.HasPrefix(c.OrgPath, m.UnitPath):
			errs = append(errs, &domain.FieldError{Field: "case", Message: fmt.Sprintf("案件 %s 不属于%s", c.Number, m.UnitName)})
		}
	}
	if err := invalid(errs...); err != nil {
		return store.MeetingItem{}, err
	}
	it := store.MeetingItem{MeetingID: m.ID, Body: strings.TrimSpace(d.Body), OwnerID: d.OwnerID, Due: due.String(), CaseID: d.CaseID}
	if err := s.Store.AddMeetingItem(ctx, &it); err != nil {
		return it, fmt.Errorf("add action item: %w", err)
	}
	return s.Store.GetMeetingItem(ctx, it.ID)
}

// CloseItem marks an action item done, by its owner or whoever manages the meeting.
func (s *Service) CloseItem(ctx context.Context, p *auth.Principal, itemID int64, note string) (store.MeetingItem, error) {
	if p == nil || !p.Can(domain.PermRoutineRead) {
		return store.MeetingItem{}, access.Forbidden("无权处理会议事项")
	}
	it, err := s.Store.GetMeetingItem(ctx, itemID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && it.OwnerID != p.UserID && !p.Reaches(domain.PermRoutineRead, it.UnitPath)) {
		return store.MeetingItem{}, access.NotFound("会议事项不存在或无权查看")
	}
	if err != nil {
		return it, fmt.Errorf("get action item %d: %w", itemID, err)
	}
	if it.OwnerID != p.UserID && !p.Reaches(domain.PermRoutineManage, it.UnitPath) {
		return it, access.Forbidden("只有责任人或会议的组织者可以标记完成")
	}
	if it.Done {
		return it, access.Conflict("该事项已标记完成")
	}
	if fe := CheckText("note", "完成情况", note, false, 500); fe != nil {
		return it, invalid(fe)
	}
	if err := s.Store.CloseMeetingItem(ctx, itemID, p.UserID, s.now(), strings.TrimSpace(note)); err != nil {
		if errors.Is(err, store.ErrStale) {
			return it, access.Conflict("该事项已标记完成")
		}
		return it, fmt.Errorf("close action item %d: %w", itemID, err)
	}
	return s.Store.GetMeetingItem(ctx, itemID)
}

// ListView is the meetings page.
type ListView struct {
	Meetings  []store.Meeting
	More      bool                // more meetings are past the last listed
	Open      []store.MeetingItem // the soonest due OpenShown
	OpenMore  bool                // more items are open than Open lists
	Today     string
	Units     []store.OrgUnit // where p may schedule
	NextMonth string          // the next monthly meeting day
}

// MeetingsShown bounds the meetings a page lists: a district's rooms meet
// monthly, hundreds of meetings a year.
const MeetingsShown = 50

// List is the meetings p may see, latest first, past the meeting past (nil:
// from the latest), and the open action items after the item after (nil:
// the soonest due).
func (s *Service) List(ctx context.Context, p *auth.Principal, past, after *Cursor) (ListView, error) {
	if p == nil || !p.Can(domain.PermRoutineRead) {
		return ListView{}, access.Forbidden("无权查看会议")
	}
	pre := p.Scope(domain.PermRoutineRead).Prefixes
	v := ListView{Today: s.today().String()}
	var err error
	if v.Meetings, err = s.Store.ListMeetings(ctx, store.MeetingQuery{Prefixes: pre, Past: past, Limit: MeetingsShown + 1}); err != nil {
		return v, fmt.Errorf("list meetings: %w", err)
	}
	if len(v.Meetings) > MeetingsShown {
		v.Meetings, v.More = v.Meetings[:MeetingsShown], true
	}
	if v.Open, v.OpenMore, err = s.OpenItems(ctx, p, after); err != nil {
		return v, err
	}
	if v.Units, err = s.Units(ctx, p); err != nil {
		return v, err
	}
	if len(v.Units) > 0 {
		rules, err := deadline.Load(ctx, s.Store)
		if err != nil {
			return v, fmt.Errorf("load calendar: %w", err)
		}
		v.NextMonth = NextMonthlyDate(rules.Calendar, s.today()).String()
	}
	return v, nil
}

// OpenShown bounds the open action items a page lists: the soonest due.
// A district's years of unfinished items would otherwise fill a page (and
// a city-wide reader's, every district's).
const OpenShown = 100

// OpenItems are the open action items of meetings p may see and those p
// owns, soonest due first (then by id): the first OpenShown after the item
// after (nil: from the start), and whether there are more.
func (s *Service) OpenItems(ctx context.Context, p *auth.Principal, after *Cursor) ([]store.MeetingItem, bool, error) {
	if p == nil || !p.Can(domain.PermRoutineRead) {
		return nil, false, access.Forbidden("无权查看会议事项")
	}
	// Each list's soonest OpenShown+1 hold the union's soonest OpenShown+1.
	items, err := s.Store.ListMeetingItems(ctx, store.MeetingItemQuery{Prefixes: p.Scope(domain.PermRoutineRead).Prefixes, OpenOnly: true, After: after, Limit: OpenShown + 1})
	if err != nil {
		return nil, false, fmt.Errorf("open action items: %w", err)
	}
	// A mediator owns items decided at meetings above their room.
	mine, err := s.Store.ListMeetingItems(ctx, store.MeetingItemQuery{OwnerID: p.UserID, OpenOnly: true, After: after, Limit: OpenShown + 1})
	if err != nil {
		return nil, false, fmt.Errorf("own action items: %w", err)
	}
	seen := map[int64]bool{}
	for _, it := range items {
		seen[it.ID] = true
	}
	for _, it := range mine {
		if !seen[it.ID] {
			items = append(items, it)
		}
	}
	slices.SortFunc(items, func(a, b store.MeetingItem) int { return cmp.Or(cmp.Compare(a.Due, b.Due), cmp.Compare(a.ID, b.ID)) })
	if len(items) > OpenShown {
		return items[:OpenShown], true, nil
	}
	return items, false, nil
}

// Upcoming are the meetings p may see from..to (inclusive), soonest first:
// this week's meetings for the 今日 page.
func (s *Service) Upcoming(ctx context.Context, p *auth.Principal, from, to calendar.Date) ([]store.Meeting, error) {
	if p == nil || !p.Can(domain.PermRoutineRead) {
		return nil, access.Forbidden("无权查看会议")
	}
	// Soonest first from the store: past the limit (a city's week), the
	// last days are left out, not today's.
	ms, err := s.Store.ListMeetings(ctx, store.MeetingQuery{Prefixes: p.Scope(domain.PermRoutineRead).Prefixes,
		From: from.String(), To: to.String(), Limit: 500, Soonest: true})
	if err != nil {
		return nil, fmt.Errorf("upcoming meetings: %w", err)
	}
	return ms, nil
}

// overduePage is how many overdue items the sweep reads a statement.
const overduePage = 1000

// OverdueItems are every open action item due before today, for the
// warning sweep (no viewer: the sweep sees everything). All of them: the
// sweep resolves the warning of an item it no longer finds, so a list cut
// short would resolve the warnings of the items past the cut.
func (s *Service) OverdueItems(ctx context.Context, today calendar.Date) ([]store.MeetingItem, error) {
	q := store.MeetingItemQuery{OpenOnly: true, DueBefore: today.String(), Limit: overduePage}
	var out []store.MeetingItem
	for {
		page, err := s.Store.ListMeetingItems(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("overdue action items: %w", err)
		}
		out = append(out, page...)
		if len(page) < q.Limit {
			return out, nil
		}
		last := page[len(page)-1]
		q.After = &Cursor{Day: last.Due, ID: last.ID}
	}
}

// CaseItems are the action items linked to a case p may read (for the case page).
func (s *Service) CaseItems(ctx context.Context, p *auth.Principal, caseID int64) ([]store.MeetingItem, error) {
	if p == nil || !p.Can(domain.PermRoutineRead) {
		return nil, nil
	}
	if _, err := access.Authorize(ctx, s.Store, p, caseID, false); err != nil {
		return nil, err
	}
	return s.Store.ListMeetingItems(ctx, store.MeetingItemQuery{CaseID: caseID, Prefixes: p.Scope(domain.PermRoutineRead).Prefixes})
}

// ParseIDs reads user or org ids from form values, refusing garbage.
func ParseIDs(field string, vals []string) ([]int64, error) {
	var out []int64
	for _, v := range vals {
		if strings.TrimSpace(v) == "" {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n <= 0 {
			return nil, invalid(&domain.FieldError{Field: field, Message: "提交的人员或单位无效"})
		}
		out = append(out, n)
	}
	return out, nil
}
