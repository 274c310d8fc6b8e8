package corps

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/grading"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Detail is one mediator's page: the registry, grade eligibility with the
// cases behind the case count, incidents and the grade history.
type Detail struct {
	Mediator    Mediator
	Eligibility Eligibility
	CaseIDs     []int64
	Incidents   []store.MediatorIncident
	History     []GradeDecision
	CanManage   bool
}

// Get answers a mediator's detail, masked.
func (s *Service) Get(ctx context.Context, p *auth.Principal, userID int64) (Detail, error) {
	m, err := s.mediator(ctx, p, userID, domain.PermCorpsRead)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Mediator: m}
	// The same check the edits make: a room of theirs under a binding that manages the corps.
	if p.Can(domain.PermCorpsManage) {
		_, err := s.mediator(ctx, p, userID, domain.PermCorpsManage)
		d.CanManage = err == nil
	}
	if d.Eligibility, err = s.eligibility(ctx, m, map[int64][]grading.RuleSet{}); err != nil {
		return Detail{}, err
	}
	if d.CaseIDs, err = s.casesBehind(ctx, d.Eligibility); err != nil {
		return Detail{}, err
	}
	if d.Incidents, err = s.Store.ListMediatorIncidents(ctx, []int64{userID}); err != nil {
		return Detail{}, fmt.Errorf("list incidents: %w", err)
	}
	ds, err := s.Store.ListGradeDecisions(ctx, userID)
	if err != nil {
		return Detail{}, fmt.Errorf("list grade decisions: %w", err)
	}
	names := map[int64]string{}
	for _, g := range ds {
		if _, ok := names[g.DecidedBy]; !ok && g.DecidedBy != 0 {
			if u, err := s.Store.GetUser(ctx, g.DecidedBy); err == nil {
				names[g.DecidedBy] = u.DisplayName
			}
		}
		d.History = append(d.History, GradeDecision{GradeDecision: g, FromLabel: grading.Label(grading.Grades, g.From),
			ToLabel: grading.Label(grading.Grades, g.To), DecidedByName: names[g.DecidedBy]})
	}
	return d, nil
}

// Input is the registry form. Phone and ID number left empty keep what is
// stored (they are never shown back unmasked).
type Input struct {
	Kind, Sex, BirthYear, Education, Major string
	LawMajor, LegalQualification           bool
	AppointedOn, TermEnd, Employment       string
	FiledOn                                string
	IDNumber, Phone                        string
}

// Save checks the form and stores the mediator's registry row. The grade
// is not part of it: it changes only by a decision.
func (s *Service) Save(ctx context.Context, p *auth.Principal, userID int64, in Input) error {
	m, err := s.mediator(ctx, p, userID, domain.PermCorpsManage)
	if err != nil {
		return err
	}
	today := s.today()
	rec := m.record
	rec.UserID = userID
	var errs []*domain.FieldError
	add := func(field, msg string) { errs = append(errs, &domain.FieldError{Field: field, Message: msg}) }
	code := func(field, label, v string, list []grading.Code, required bool) string {
		v = strings.TrimSpace(v)
		switch {
		case v == "" && required:
			add(field, "请选择"+label)
		case v != "" && !grading.Known(list, v):
			add(field, fmt.Sprintf("%s“%s”无效", label, v))
		}
		return v
	}
	rec.Kind = code("kind", "专职/兼职", in.Kind, grading.Kinds, true)
	rec.Sex = code("sex", "性别", in.Sex, grading.Sexes, false)
	rec.Education = code("education", "学历", in.Education, grading.Educations, false)
	rec.Employment = code("employment", "用工性质", in.Employment, grading.Employments, false)
	rec.Major = strings.TrimSpace(in.Major)
	if len([]rune(rec.Major)) > 50 {
		add("major", "专业最多 50 字")
	}
	rec.LawMajor, rec.LegalQualification = in.LawMajor, in.LegalQualification
	rec.BirthYear = 0
	if by := strings.TrimSpace(in.BirthYear); by != "" {
		y, err := strconv.Atoi(by)
		if err != nil || y < today.Year-100 || y > today.Year-16 {
			add("birth_year", fmt.Sprintf("出生年份“%s”无效：应在 %d–%d 之间", by, today.Year-100, today.Year-16))
		} else {
			rec.BirthYear = y
		}
	}
	appointed, ferr := parseDay("appointed_on", "聘任日期", in.AppointedOn, today, true)
	if ferr != nil {
		errs = append(errs, ferr)
	}
	rec.AppointedOn, rec.TermEnd, rec.FiledOn = appointed.String(), "", ""
	if strings.TrimSpace(in.TermEnd) != "" {
		if end, ferr := parseDay("term_end", "任期届满日期", in.TermEnd, today, false); ferr != nil {
			errs = append(errs, ferr)
		} else if !appointed.IsZero() && !end.After(appointed) {
			add("term_end", "任期届满日期应晚于聘任日期")
		} else {
			rec.TermEnd = end.String()
		}
	}
	if strings.TrimSpace(in.FiledOn) != "" {
		if filed, ferr := parseDay("filed_on", "备案日期", in.FiledOn, today, true); ferr != nil {
			errs = append(errs, ferr)
		} else if !appointed.IsZero() && filed.Before(appointed) {
			add("filed_on", "备案日期不能早于聘任日期")
		} else {
			rec.FiledOn = filed.String()
		}
	}
	if id := domain.NormalizeIDNumber(in.IDNumber); id != "" {
		if err := domain.ValidateIDNumber(id); err != nil {
			add("id_number", "身份证号码无效（18 位，末位校验码须正确）")
		} else {
			rec.IDSealed, rec.IDHash, rec.IDMask = s.Sealer.Seal(id), s.Sealer.Hash(id), domain.MaskIDNumber(id)
			if birth, ok := domain.BirthDateFromID(id); ok && rec.BirthYear == 0 {
				rec.BirthYear = birth.Year()
			} else if ok && rec.BirthYear != birth.Year() {
				add("birth_year", fmt.Sprintf("出生年份与身份证号码不符（身份证为 %d 年）", birth.Year()))
			}
		}
	}
	if ph := strings.TrimSpace(in.Phone); ph != "" {
		if err := domain.ValidateMobile(ph); err != nil {
			add("phone", "手机号码无效（11 位，以 13–19 开头）")
		} else {
			n := domain.NormalizeMobile(ph)
			rec.PhoneSealed, rec.PhoneHash, rec.PhoneMask = s.Sealer.Seal(n), s.Sealer.Hash(n), domain.MaskMobile(n)
		}
	}
	if len(errs) > 0 {
		return &access.ValidationError{Fields: errs}
	}
	rec.UpdatedBy, rec.Updated = p.UserID, s.now()
	if err := s.Store.PutMediatorRecord(ctx, rec); err != nil {
		return fmt.Errorf("save mediator record: %w", err)
	}
	return nil
}

// IncidentInput records a case escalated through improper mediation.
type IncidentInput struct {
	CaseID     string // optional: the case's id
	OccurredOn string
	Note       string
}

// RecordIncident stores an improper-mediation incident of a mediator (the
// grade rules then see it in their period).
func (s *Service) RecordIncident(ctx context.Context, p *auth.Principal, userID int64, in IncidentInput) (store.MediatorIncident, error) {
	if _, err := s.mediator(ctx, p, userID, domain.PermCorpsManage); err != nil {
		return store.MediatorIncident{}, err
	}
	today := s.today()
	var errs []*domain.FieldError
	inc := store.MediatorIncident{UserID: userID, RecordedBy: p.UserID, Created: s.now()}
	on, ferr := parseDay("occurred_on", "发生日期", in.OccurredOn, today, true)
	if ferr != nil {
		errs = append(errs, ferr)
	}
	inc.OccurredOn = on.String()
	inc.Note = strings.TrimSpace(in.Note)
	if inc.Note == "" {
		errs = append(errs, &domain.FieldError{Field: "note", Message: "请写明情况"})
	} else if len([]rune(inc.Note)) > 1000 {
		errs = append(errs, &domain.FieldError{Field: "note", Message: "情况说明最多 1000 字"})
	}
	if cs := strings.TrimSpace(in.CaseID); cs != "" {
		id, err := strconv.ParseInt(cs, 10, 64)
		var c store.Case
		if err == nil {
			c, err = s.Store.GetCase(ctx, id)
		}
		switch {
		case err == nil && p.CanOnCase(domain.PermCaseRead, c):
			inc.CaseID = c.ID
		case err == nil, errors.Is(err, store.ErrNotFound), errors.Is(err, strconv.ErrSyntax), errors.Is(err, strconv.ErrRange):
			errs = append(errs, &domain.FieldError{Field: "case_id", Message: fmt.Sprintf("找不到案件“%s”", cs)})
		default:
			return store.MediatorIncident{}, fmt.Errorf("get case: %w", err)
		}
	}
	if len(errs) > 0 {
		return store.MediatorIncident{}, &access.ValidationError{Fields: errs}
	}
	if err := s.Store.AddMediatorIncident(ctx, &inc); err != nil {
		return store.MediatorIncident{}, fmt.Errorf("record incident: %w", err)
	}
	return inc, nil
}
