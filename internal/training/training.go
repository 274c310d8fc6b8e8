// Package training is the 培训 routine: sessions (topic, organiser, date,
// hours, attendance), their materials and certificates (checked by content
// like case evidence), and each mediator's hours per year against the
// committee's minimum, with the shortfall the warnings raise before year
// end. Every call checks the org scope of the unit.
package training

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evidence"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service runs the trainings.
type Service struct {
	Store store.Store
	Now   func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) today() calendar.Date { return calendar.DateOf(s.now()) }

// mediatorRoles are who must train.
var mediatorRoles = []domain.Role{domain.RoleMediator, domain.RoleRoomLead}

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

func checkText(field, label, s string, required bool, max int) *domain.FieldError {
	n := len([]rune(strings.TrimSpace(s)))
	switch {
	case required && n == 0:
		return &domain.FieldError{Field: field, Message: label + "不能为空"}
	case n > max:
		return &domain.FieldError{Field: field, Message: fmt.Sprintf("%s不超过%d字", label, max)}
	}
	return nil
}

// Units are the committees and rooms whose trainings p may record.
func (s *Service) Units(ctx context.Context, p *auth.Principal) ([]store.OrgUnit, error) {
	if p == nil || !p.Can(domain.PermRoutineManage) {
		return nil, nil
	}
	units, err := auth.Reached(ctx, s.Store, p, domain.PermRoutineManage)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(units, func(u store.OrgUnit) bool { return u.Kind != domain.OrgCommittee && !u.Kind.IsRoom() }), nil
}

// Organisers are the org units that can be named as a session's organiser.
func (s *Service) Organisers(ctx context.Context) ([]store.OrgUnit, error) {
	out, err := s.Store.OrgUnitsOfKind(ctx, organiserKinds...)
	if err != nil {
		return nil, fmt.Errorf("list organisers: %w", err)
	}
	return out, nil
}

// Draft is a session to record.
type Draft struct {
	Unit        string // code of the committee or room recording it
	Topic       string
	Organiser   string // free text; empty with OrganiserID: the unit's name
	OrganiserID int64
	Day         string
	Hours       string // decimal
	Location    string
	Attendees   []int64
}

// Create records a session with its attendance.
func (s *Service) Create(ctx context.Context, p *auth.Principal, d Draft) (store.Training, error) {
	if p == nil || !p.Can(domain.PermRoutineManage) {
		return store.Training{}, access.Forbidden("无权记录培训")
	}
	code := strings.TrimSpace(d.Unit)
	if code == "" {
		return store.Training{}, invalid(&domain.FieldError{Field: "unit", Message: "请选择记录培训的单位"})
	}
	u, err := s.Store.GetOrgUnitByCode(ctx, code)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !p.Reaches(domain.PermRoutineRead, u.Path)) {
		return store.Training{}, access.NotFound(fmt.Sprintf("找不到单位“%s”", code))
	}
	if err != nil {
		return store.Training{}, fmt.Errorf("find unit %s: %w", code, err)
	}
	if !p.Reaches(domain.PermRoutineManage, u.Path) {
		return store.Training{}, access.Forbidden(fmt.Sprintf("无权记录“%s”的培训", u.Name))
	}
	var errs []*domain.FieldError
	if u.Kind != domain.OrgCommittee && !u.Kind.IsRoom() {
		errs = append(errs, &domain.FieldError{Field: "unit", Message: "培训由调委会或工作室记录"})
	}
	errs = append(errs, checkText("topic", "培训主题", d.Topic, true, 100), checkText("location", "地点", d.Location, false, 100))
	organiser := strings.TrimSpace(d.Organiser)
	if d.OrganiserID != 0 {
		o, err := s.Store.GetOrgUnit(ctx, d.OrganiserID)
		if err != nil || !CanOrganise(o.Kind) {
			errs = append(errs, &domain.FieldError{Field: "organiser_id", Message: "主办单位须为调委会、司法行政机关、消保委或调解中心等"})
		} else if organiser == "" {
			organiser = o.Name
		}
	}
	errs = append(errs, checkText("organiser", "主办单位", organiser, true, 100))
	day, fe := parseDay(d.Day)
	if fe == nil && day.After(s.today().AddDays(366)) {
		fe = &domain.FieldError{Field: "day", Message: "培训日期不能晚于一年后"}
	}
	errs = append(errs, fe)
	minutes, fe := ParseHours("hours", d.Hours, MaxSessionHours)
	errs = append(errs, fe)
	who, fe := s.attendees(ctx, u, d.Attendees)
	errs = append(errs, fe)
	if err := invalid(errs...); err != nil {
		return store.Training{}, err
	}
	t := store.Training{UnitID: u.ID, UnitPath: u.Path, Topic: strings.TrimSpace(d.Topic), Organiser: organiser, OrganiserID: d.OrganiserID,
		Day: day.String(), Minutes: minutes, Location: strings.TrimSpace(d.Location), CreatedBy: p.UserID, Attendees: who}
	if err := s.Store.CreateTraining(ctx, &t); err != nil {
		return t, fmt.Errorf("record training: %w", err)
	}
	return s.Store.GetTraining(ctx, t.ID)
}

func parseDay(s string) (calendar.Date, *domain.FieldError) {
	s = strings.TrimSpace(s)
	if s == "" {
		return calendar.Date{}, &domain.FieldError{Field: "day", Message: "培训日期不能为空，格式为 YYYY-MM-DD"}
	}
	d, err := calendar.ParseDate(s)
	if err != nil || d.String() != s {
		return calendar.Date{}, &domain.FieldError{Field: "day", Message: fmt.Sprintf("培训日期“%s”无效，格式为 YYYY-MM-DD", s)}
	}
	return d, nil
}

// attendees checks the users are mediators (or room leads) within the unit.
func (s *Service) attendees(ctx context.Context, u store.OrgUnit, ids []int64) ([]store.Staff, *domain.FieldError) {
	staff, err := s.Store.RoutineStaff(ctx, []string{u.Path}, mediatorRoles)
	if err != nil {
		return nil, &domain.FieldError{Field: "attendees", Message: "无法读取调解员名单"}
	}
	byID := map[int64]store.Staff{}
	for _, st := range staff {
		byID[st.UserID] = st
	}
	var out []store.Staff
	seen := map[int64]bool{}
	for _, id := range ids {
		st, ok := byID[id]
		if !ok {
			return nil, &domain.FieldError{Field: "attendees", Message: fmt.Sprintf("参训人员须为%s的调解员", u.Name)}
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, st)
		}
	}
	return out, nil
}

// load reads a session p may see (404 otherwise).
func (s *Service) load(ctx context.Context, p *auth.Principal, id int64) (store.Training, error) {
	if p == nil || !p.Can(domain.PermRoutineRead) {
		return store.Training{}, access.Forbidden("无权查看培训")
	}
	t, err := s.Store.GetTraining(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !p.Reaches(domain.PermRoutineRead, t.UnitPath)) {
		return store.Training{}, access.NotFound("培训不存在或无权查看")
	}
	if err != nil {
		return t, fmt.Errorf("get training %d: %w", id, err)
	}
	return t, nil
}

func (s *Service) manage(ctx context.Context, p *auth.Principal, id int64) (store.Training, error) {
	t, err := s.load(ctx, p, id)
	if err == nil && !p.Reaches(domain.PermRoutineManage, t.UnitPath) {
		return t, access.Forbidden("无权修改该培训")
	}
	return t, err
}

// Manageable says whether p may change training id: nil, a 404 outside
// p's scope, or a 403. The upload page asks before reading the file, so
// another district's training is a 404 whatever was sent.
func (s *Service) Manageable(ctx context.Context, p *auth.Principal, id int64) error {
	_, err := s.manage(ctx, p, id)
	return err
}

// View is one session's page.
type View struct {
	Training  store.Training
	Hours     float64
	Files     []store.TrainingFile
	CanManage bool
	Staff     []store.Staff // who may be marked as attending
	Attending map[int64]bool
}

// Get is one session with its attendance and files.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (View, error) {
	t, err := s.load(ctx, p, id)
	if err != nil {
		return View{}, err
	}
	v := View{Training: t, Hours: Hours(t.Minutes), CanManage: p.Reaches(domain.PermRoutineManage, t.UnitPath), Attending: map[int64]bool{}}
	for _, a := range t.Attendees {
		v.Attending[a.UserID] = true
	}
	if v.Files, err = s.Store.ListTrainingFiles(ctx, id); err != nil {
		return v, fmt.Errorf("training %d files: %w", id, err)
	}
	if v.CanManage {
		if v.Staff, err = s.Store.RoutineStaff(ctx, []string{t.UnitPath}, mediatorRoles); err != nil {
			return v, err
		}
	}
	return v, nil
}

// SetAttendance replaces who attended a session.
func (s *Service) SetAttendance(ctx context.Context, p *auth.Principal, id int64, userIDs []int64) error {
	t, err := s.manage(ctx, p, id)
	if err != nil {
		return err
	}
	u := store.OrgUnit{ID: t.UnitID, Path: t.UnitPath, Name: t.UnitName}
	who, fe := s.attendees(ctx, u, userIDs)
	if fe != nil {
		return invalid(fe)
	}
	ids := make([]int64, len(who))
	for i, w := range who {
		ids[i] = w.UserID
	}
	if err := s.Store.SetTrainingAttendance(ctx, id, ids); err != nil {
		return fmt.Errorf("set training %d attendance: %w", id, err)
	}
	return nil
}

// Upload stores a material, or a certificate of one attendee, checked by
// content (JPG, PNG or PDF, at most evidence.MaxSize), pictures stripped of
// their location and device data.
func (s *Service) Upload(ctx context.Context, p *auth.Principal, id int64, kind string, userID int64, name string, data []byte) (store.TrainingFile, error) {
	t, err := s.manage(ctx, p, id)
	if err != nil {
		return store.TrainingFile{}, err
	}
	var errs []*domain.FieldError
	switch kind {
	case store.TrainingMaterial:
		if userID != 0 {
			errs = append(errs, &domain.FieldError{Field: "user", Message: "培训材料不属于某一位调解员"})
		}
	case store.TrainingCertificate:
		found := false
		for _, a := range t.Attendees {
			found = found || a.UserID == userID
		}
		if !found {
			errs = append(errs, &domain.FieldError{Field: "user", Message: "结业证书须属于本次培训的参训人员"})
		}
	default:
		errs = append(errs, &domain.FieldError{Field: "kind", Message: "请选择上传培训材料或结业证书"})
	}
	typ, err := evidence.Sniff(data)
	if err != nil {
		var fe *domain.FieldError
		if errors.As(err, &fe) {
			errs = append(errs, fe)
		} else {
			return store.TrainingFile{}, err
		}
	}
	if err := invalid(errs...); err != nil {
		return store.TrainingFile{}, err
	}
	data = evidence.StripMetadata(data, typ)
	sum := sha256.Sum256(data)
	f := store.TrainingFile{TrainingID: id, Kind: kind, UserID: userID, Name: evidence.FileName(name, typ), ContentType: typ,
		SHA256: hex.EncodeToString(sum[:]), Data: data, UploadedBy: p.UserID}
	if err := s.Store.AddTrainingFile(ctx, &f); err != nil {
		return f, fmt.Errorf("store training file: %w", err)
	}
	f.Data = nil
	return f, nil
}

// File is one stored file of a session p may see.
func (s *Service) File(ctx context.Context, p *auth.Principal, trainingID, fileID int64) (store.TrainingFile, error) {
	if _, err := s.load(ctx, p, trainingID); err != nil {
		return store.TrainingFile{}, err
	}
	f, err := s.Store.GetTrainingFile(ctx, trainingID, fileID)
	if errors.Is(err, store.ErrNotFound) {
		return f, access.NotFound("文件不存在")
	}
	return f, err
}

// minimum is a committee's yearly minimum in minutes.
func (s *Service) minimum(ctx context.Context, committeeID int64) (int, error) {
	n, err := s.Store.GetTrainingMinimum(ctx, committeeID)
	if errors.Is(err, store.ErrNotFound) {
		return DefaultMinimumHours * 60, nil
	}
	return n, err
}

// SetMinimum sets a committee's yearly minimum of training hours.
func (s *Service) SetMinimum(ctx context.Context, p *auth.Principal, committee, hours string) error {
	if p == nil || !p.Can(domain.PermRoutineManage) {
		return access.Forbidden("无权设置培训学时要求")
	}
	u, err := s.Store.GetOrgUnitByCode(ctx, strings.TrimSpace(committee))
	if errors.Is(err, store.ErrNotFound) || (err == nil && !p.Reaches(domain.PermRoutineRead, u.Path)) {
		return access.NotFound(fmt.Sprintf("找不到调委会“%s”", committee))
	}
	if err != nil {
		return fmt.Errorf("find committee: %w", err)
	}
	if u.Kind != domain.OrgCommittee {
		return invalid(&domain.FieldError{Field: "committee", Message: "培训学时要求由调委会设置"})
	}
	if !p.Reaches(domain.PermRoutineManage, u.Path) {
		return access.Forbidden("无权设置该调委会的培训学时要求")
	}
	m, fe := ParseHours("minimum", hours, 366)
	if fe != nil {
		return invalid(fe)
	}
	return s.Store.PutTrainingMinimum(ctx, u.ID, m)
}

// Hours are the training hours of each user in a year (users without any: 0).
func (s *Service) Hours(ctx context.Context, userIDs []int64, year int) (map[int64]float64, error) {
	from, to := YearRange(year)
	mins, err := s.Store.TrainingMinutes(ctx, userIDs, from.String(), to.String())
	if err != nil {
		return nil, fmt.Errorf("training hours %d: %w", year, err)
	}
	out := make(map[int64]float64, len(userIDs))
	for _, id := range userIDs {
		out[id] = Hours(mins[id])
	}
	return out, nil
}

// Row is one mediator's hours in the year.
type Row struct {
	UserID        int64
	Name          string
	UnitID        int64 // the unit the mediator is bound to
	Unit          string
	Committee     string
	CommitteeCode string
	Minutes       int
	Hours         float64
	Minimum       float64 // the year's minimum
	Due           float64 // pro-rated to today (the whole minimum for a past year)
	Short         bool    // below Due
	Missing       float64 // Minimum - Hours, when positive
}

// committeeAbove is the committee holding the unit (the unit itself when
// it is one); none for a unit under no committee.
func (s *Service) committeeAbove(ctx context.Context, unitID int64) (store.OrgUnit, error) {
	for id := unitID; id != 0; {
		u, err := s.Store.GetOrgUnit(ctx, id)
		if err != nil {
			return store.OrgUnit{}, fmt.Errorf("unit %d: %w", id, err)
		}
		if u.Kind == domain.OrgCommittee {
			return u, nil
		}
		id = u.ParentID
	}
	return store.OrgUnit{}, nil
}

// mediatorRows are the year's hours of every mediator within prefixes.
func (s *Service) mediatorRows(ctx context.Context, prefixes []string, year int, today calendar.Date) ([]Row, error) {
	staff, err := s.Store.RoutineStaff(ctx, prefixes, mediatorRoles)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(staff))
	for i, st := range staff {
		ids[i] = st.UserID
	}
	from, to := YearRange(year)
	mins, err := s.Store.TrainingMinutes(ctx, ids, from.String(), to.String())
	if err != nil {
		return nil, fmt.Errorf("training minutes: %w", err)
	}
	// Each staff unit's committee, found once a unit by walking up the
	// cached tree (a city's mediators sit in a few hundred units).
	committeeOf := map[int64]store.OrgUnit{}
	minimums := map[int64]int{}
	var out []Row
	for _, st := range staff {
		cmt, ok := committeeOf[st.UnitID]
		if !ok {
			if cmt, err = s.committeeAbove(ctx, st.UnitID); err != nil {
				return nil, err
			}
			committeeOf[st.UnitID] = cmt
		}
		minMin := DefaultMinimumHours * 60
		if cmt.ID != 0 {
			if _, ok := minimums[cmt.ID]; !ok {
				if minimums[cmt.ID], err = s.minimum(ctx, cmt.ID); err != nil {
					return nil, err
				}
			}
			minMin = minimums[cmt.ID]
		}
		due := minMin
		if year == today.Year {
			due = ProRated(minMin, today)
		} else if year > today.Year {
			due = 0
		}
		r := Row{UserID: st.UserID, Name: st.Name, UnitID: st.UnitID, Unit: st.UnitName, Committee: cmt.Name, CommitteeCode: cmt.Code, Minutes: mins[st.UserID],
			Hours: Hours(mins[st.UserID]), Minimum: Hours(minMin), Due: Hours(due), Short: mins[st.UserID] < due}
		if mins[st.UserID] < minMin {
			r.Missing = Hours(minMin - mins[st.UserID])
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Short != out[j].Short {
			return out[i].Short
		}
		return out[i].Minutes < out[j].Minutes
	})
	return out, nil
}

// Shortfall are the mediators below the pro-rated minimum, asked in the
// last quarter of the year (before that: none), for the warning sweep.
func (s *Service) Shortfall(ctx context.Context, today calendar.Date) ([]Row, error) {
	if !InLastQuarter(today) {
		return nil, nil
	}
	committees, err := s.Store.OrgUnitsOfKind(ctx, domain.OrgCommittee)
	if err != nil {
		return nil, fmt.Errorf("list committees: %w", err)
	}
	var prefixes []string
	for _, u := range committees {
		prefixes = append(prefixes, u.Path)
	}
	rows, err := s.mediatorRows(ctx, prefixes, today.Year, today)
	if err != nil {
		return nil, err
	}
	var out []Row
	for _, r := range rows {
		if r.Short {
			out = append(out, r)
		}
	}
	return out, nil
}

// Overview is the trainings page.
type Overview struct {
	Year     int
	Sessions []store.Training // the year's, latest first, SessionsShown at most
	More     bool             // earlier sessions follow the last listed
	Rows     []Row            // each mediator's hours: one committee's, or a narrower scope's
	Short    int
	// A reader whose scope holds several committees (a district's or the
	// city's bureau) sees each committee's tally instead of thousands of
	// mediators, and opens one committee's rows from it.
	ByCommittee []CommitteeHours
	Committee   *store.OrgUnit  // the committee chosen from the tally
	Wide        bool            // the scope holds several committees
	Units       []store.OrgUnit // where p may record
	RecordUnit  *store.OrgUnit  // where the record form records (nil: p picks one first)
	Organisers  []store.OrgUnit
	Staff       []store.Staff // RecordUnit's mediators, who may be marked as attending
	Committees  []Minimum     // minimums p may set
	Today       string
}

// CommitteeHours is one committee's line of the tally: its mediators, how
// many are behind the pro-rated minimum and how many have met the year's.
type CommitteeHours struct {
	Code, Name string
	Mediators  int
	Short      int
	Met        int
}

// tally folds mediators' rows into one line per committee, in the order of
// committees (those without mediators included: a committee none of whose
// mediators is bound yet is worth seeing).
func tally(committees []store.OrgUnit, rows []Row) []CommitteeHours {
	at := map[string]int{}
	out := make([]CommitteeHours, len(committees))
	for i, c := range committees {
		out[i] = CommitteeHours{Code: c.Code, Name: c.Name}
		at[c.Code] = i
	}
	for _, r := range rows {
		i, ok := at[r.CommitteeCode]
		if !ok {
			continue
		}
		out[i].Mediators++
		if r.Short {
			out[i].Short++
		}
		if r.Missing == 0 {
			out[i].Met++
		}
	}
	return out
}

// Minimum is a committee's yearly minimum.
type Minimum struct {
	Code, Name string
	Hours      float64
}

// SessionsShown bounds the sessions a page lists: a city's year of
// trainings would fill one.
const SessionsShown = 50

// Query is what the trainings page asks for.
type Query struct {
	Year      int     // 0: this year
	Committee string  // one committee's mediators, from a wide scope's tally
	Past      *Cursor // the sessions past it (nil: from the latest)
	Record    string  // the unit the record form records for ("": the default)
}

// Overview lists the sessions of a year, latest first past the session
// q.Past, and each mediator's hours; for a recorder, the record form of one
// unit: q.Record, else the recorder's only committee (or only unit). A
// recorder of several committees (a bureau) picks the unit first: the
// form lists that unit's mediators, not a city's.
func (s *Service) Overview(ctx context.Context, p *auth.Principal, q Query) (Overview, error) {
	year, committee, past := q.Year, q.Committee, q.Past
	if p == nil || !p.Can(domain.PermRoutineRead) {
		return Overview{}, access.Forbidden("无权查看培训")
	}
	today := s.today()
	if year == 0 {
		year = today.Year
	}
	if year < 2000 || year > today.Year+1 {
		return Overview{}, invalid(&domain.FieldError{Field: "year", Message: fmt.Sprintf("年份 %d 无效", year)})
	}
	pre := p.Scope(domain.PermRoutineRead).Prefixes
	from, to := YearRange(year)
	ov := Overview{Year: year, Today: today.String()}
	var err error
	if ov.Sessions, err = s.Store.ListTrainings(ctx, store.TrainingQuery{Prefixes: pre, From: from.String(), To: to.String(), Past: past, Limit: SessionsShown + 1}); err != nil {
		return ov, fmt.Errorf("list trainings: %w", err)
	}
	if len(ov.Sessions) > SessionsShown {
		ov.Sessions, ov.More = ov.Sessions[:SessionsShown], true
	}
	// The committees the reader's scope holds whole.
	committees, err := auth.Reached(ctx, s.Store, p, domain.PermRoutineRead)
	if err != nil {
		return ov, err
	}
	committees = slices.DeleteFunc(committees, func(u store.OrgUnit) bool { return u.Kind != domain.OrgCommittee })
	ov.Wide = len(committees) > 1
	rowsOf := pre
	if committee = strings.TrimSpace(committee); committee != "" {
		i := slices.IndexFunc(committees, func(u store.OrgUnit) bool { return u.Code == committee })
		if i < 0 {
			return ov, access.NotFound(fmt.Sprintf("找不到调委会“%s”", committee))
		}
		ov.Committee = &committees[i]
		rowsOf = []string{ov.Committee.Path}
	}
	// Hours count every session a mediator attended, whoever recorded it.
	rows, err := s.mediatorRows(ctx, rowsOf, year, today)
	if err != nil {
		return ov, err
	}
	for _, r := range rows {
		if r.Short {
			ov.Short++
		}
	}
	if ov.Wide && ov.Committee == nil {
		ov.ByCommittee = tally(committees, rows)
	} else {
		ov.Rows = rows
	}
	if ov.Units, err = s.Units(ctx, p); err != nil {
		return ov, err
	}
	if len(ov.Units) > 0 {
		if ov.Organisers, err = s.Organisers(ctx); err != nil {
			return ov, err
		}
		for _, u := range ov.Units {
			if u.Kind == domain.OrgCommittee {
				m, err := s.minimum(ctx, u.ID)
				if err != nil {
					return ov, err
				}
				ov.Committees = append(ov.Committees, Minimum{Code: u.Code, Name: u.Name, Hours: Hours(m)})
			}
		}
		if ov.RecordUnit, err = recordUnit(ov.Units, ov.Committees, strings.TrimSpace(q.Record)); err != nil {
			return ov, err
		}
		if ov.RecordUnit != nil {
			if ov.Staff, err = s.Store.RoutineStaff(ctx, []string{ov.RecordUnit.Path}, mediatorRoles); err != nil {
				return ov, err
			}
		}
	}
	return ov, nil
}

// recordUnit is the unit the record form records for: the one asked for
// (among units, else not found), else the only committee or only unit.
func recordUnit(units []store.OrgUnit, committees []Minimum, code string) (*store.OrgUnit, error) {
	if code != "" {
		i := slices.IndexFunc(units, func(u store.OrgUnit) bool { return u.Code == code })
		if i < 0 {
			return nil, access.NotFound(fmt.Sprintf("找不到记录单位“%s”", code))
		}
		return &units[i], nil
	}
	switch {
	case len(committees) == 1:
		i := slices.IndexFunc(units, func(u store.OrgUnit) bool { return u.Code == committees[0].Code })
		return &units[i], nil
	case len(units) == 1:
		return &units[0], nil
	}
	return nil, nil
}

// Upcoming are the sessions p may see from..to (inclusive), soonest first:
// this week's trainings for the 今日 page.
func (s *Service) Upcoming(ctx context.Context, p *auth.Principal, from, to calendar.Date) ([]store.Training, error) {
	if p == nil || !p.Can(domain.PermRoutineRead) {
		return nil, access.Forbidden("无权查看培训")
	}
	// Soonest first from the store: past the limit, the last days are
	// left out, not today's.
	ts, err := s.Store.ListTrainings(ctx, store.TrainingQuery{Prefixes: p.Scope(domain.PermRoutineRead).Prefixes, From: from.String(), To: to.String(),
		Limit: 500, Soonest: true})
	if err != nil {
		return nil, fmt.Errorf("upcoming trainings: %w", err)
	}
	return ts, nil
}
