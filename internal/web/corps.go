package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/corps"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/grading"
)

// The mediator registry (队伍): roster, one mediator, the corps profile and
// grade eligibility. What each user sees is the corps service's decision.

type corpsUnits struct {
	Units []corps.Unit
	Code  string // the unit asked for
}

// corpsUnits are the mediation units whose corps the user may open, and
// the one asked for (the user's own committee or room by default).
func (pg *Pages) corpsUnits(r *http.Request, p *auth.Principal) (corpsUnits, error) {
	all, err := pg.Auth.OrgUnits(r.Context(), p)
	if err != nil {
		return corpsUnits{}, err
	}
	var out corpsUnits
	for _, u := range all {
		switch u.Kind {
		case domain.OrgCity, domain.OrgDistrict, domain.OrgCommittee, domain.OrgOfficeRoom, domain.OrgEnterpriseRoom:
			if p.Reaches(domain.PermCorpsRead, u.Path) {
				out.Units = append(out.Units, u)
			}
		}
	}
	out.Code = r.URL.Query().Get("unit")
	if out.Code == "" {
		for _, b := range p.Bindings {
			for _, u := range out.Units {
				if u.ID == b.OrgID && domain.RoleHas(b.Role, domain.PermCorpsRead) && (out.Code == "" || u.Kind == domain.OrgCommittee) {
					out.Code = u.Code
				}
			}
		}
		if out.Code == "" && len(out.Units) > 0 {
			out.Code = out.Units[0].Code
		}
	}
	return out, nil
}

type rosterPage struct {
	corpsUnits
	Roster corps.Roster
	Kinds  []grading.Code
	Grades []grading.Code
}

// Mediators lists a unit's registry, masked, with filters.
func (pg *Pages) Mediators(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	cu, err := pg.corpsUnits(r, p)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	q := r.URL.Query()
	ro, err := pg.Corps.List(ctx, p, corps.Filter{Unit: cu.Code, Room: q.Get("room"), Kind: q.Get("kind"), Grade: q.Get("grade")})
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "mediators", "调解员队伍", rosterPage{corpsUnits: cu, Roster: ro, Kinds: grading.Kinds, Grades: grading.Grades})
}

type registryPage struct {
	corps.Detail
	Kinds, Sexes, Educations, Employments, Grades []grading.Code
	Today                                         string
}

func mediatorID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, access.NotFound("找不到该调解员")
	}
	return id, nil
}

// Mediator shows one mediator: registry, eligibility, incidents, grade history.
func (pg *Pages) Mediator(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := mediatorID(r)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	d, err := pg.Corps.Get(ctx, auth.From(ctx), id)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "mediator", d.Mediator.Name+" · 调解员", registryPage{Detail: d, Kinds: grading.Kinds, Sexes: grading.Sexes,
		Educations: grading.Educations, Employments: grading.Employments, Grades: grading.Grades, Today: calendar.DateOf(pg.now()).String()})
}

// SaveMediator stores the registry form.
func (pg *Pages) SaveMediator(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := mediatorID(r)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	f := r.PostFormValue
	in := corps.Input{Kind: f("kind"), Sex: f("sex"), BirthYear: f("birth_year"), Education: f("education"), Major: f("major"),
		LawMajor: f("law_major") == "on", LegalQualification: f("legal_qualification") == "on", AppointedOn: f("appointed_on"),
		TermEnd: f("term_end"), Employment: f("employment"), FiledOn: f("filed_on"), IDNumber: f("id_number"), Phone: f("phone")}
	if err := pg.Corps.Save(ctx, auth.From(ctx), id, in); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已保存登记信息。")
	http.Redirect(w, r, fmt.Sprintf("/mediators/%d", id), http.StatusSeeOther)
}

// DecideMediatorGrade records the committee's grade decision.
func (pg *Pages) DecideMediatorGrade(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := mediatorID(r)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	d, err := pg.Corps.DecideGrade(ctx, auth.From(ctx), id, corps.DecisionInput{To: r.PostFormValue("to"), On: r.PostFormValue("on"), Basis: r.PostFormValue("basis")})
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, fmt.Sprintf("已记录等级评定：%s → %s。", grading.Label(grading.Grades, d.From), grading.Label(grading.Grades, d.To)))
	http.Redirect(w, r, fmt.Sprintf("/mediators/%d", id), http.StatusSeeOther)
}

// RecordMediatorIncident records a case escalated through improper mediation.
func (pg *Pages) RecordMediatorIncident(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := mediatorID(r)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	if _, err := pg.Corps.RecordIncident(ctx, auth.From(ctx), id, corps.IncidentInput{CaseID: r.PostFormValue("case_id"),
		OccurredOn: r.PostFormValue("occurred_on"), Note: r.PostFormValue("note")}); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已记录。")
	http.Redirect(w, r, fmt.Sprintf("/mediators/%d", id), http.StatusSeeOther)
}

type corpsProfilePage struct {
	corpsUnits
	corps.ProfileView
}

// MediatorsProfile shows a unit's corps profile and its sentence.
func (pg *Pages) MediatorsProfile(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	cu, err := pg.corpsUnits(r, p)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pv, err := pg.Corps.Profile(ctx, p, cu.Code)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "mediators_profile", "队伍概况", corpsProfilePage{corpsUnits: cu, ProfileView: pv})
}

type gradesPage struct {
	corpsUnits
	corps.GradesView
	CanEditRules bool
	Today        string
}

// MediatorsGrades lists who qualifies for which grade, and why.
func (pg *Pages) MediatorsGrades(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	cu, err := pg.corpsUnits(r, p)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	gv, err := pg.Corps.Grades(ctx, p, cu.Code)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "mediators_grades", "等级评定", gradesPage{corpsUnits: cu, GradesView: gv,
		CanEditRules: gv.Unit.Kind == domain.OrgCommittee && p.Reaches(domain.PermCorpsManage, gv.Unit.Path),
		Today:        calendar.DateOf(pg.now()).String()})
}

// SaveGradeRules stores a new version of a committee's grade rules.
func (pg *Pages) SaveGradeRules(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := r.PostFormValue
	unit := f("unit")
	var errs []*domain.FieldError
	num := func(name, label string) float64 {
		v, err := strconv.ParseFloat(strings.TrimSpace(f(name)), 64)
		if err != nil {
			errs = append(errs, &domain.FieldError{Field: name, Message: label + "须为数字"})
		}
		return v
	}
	rs := grading.RuleSet{}
	if d, err := calendar.ParseDate(f("effective_from")); err == nil && d.String() == strings.TrimSpace(f("effective_from")) {
		rs.EffectiveFrom = d
	} else {
		errs = append(errs, &domain.FieldError{Field: "effective_from", Message: "生效日期无效，格式为 YYYY-MM-DD"})
	}
	for _, g := range grading.Grades[1:] {
		c := g.Code
		rs.Grades = append(rs.Grades, grading.Criteria{Grade: c,
			YearsInPost: int(num("years_"+c, g.Label+"任职年限")), Cases: int64(num("cases_"+c, g.Label+"办结案件数")),
			OralMaxPct: int(num("oral_"+c, g.Label+"口头协议占比")), SuccessMinPct: int(num("success_"+c, g.Label+"调解成功率")),
			NoImproper: f("improper_"+c) == "on", TrainingHours: num("training_"+c, g.Label+"培训学时")})
	}
	if len(errs) > 0 {
		pg.failErr(w, r, &access.ValidationError{Fields: errs})
		return
	}
	if err := pg.Corps.SaveGradeRules(ctx, auth.From(ctx), unit, rs); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, fmt.Sprintf("已保存等级评定条件，%s 起施行。", rs.EffectiveFrom))
	http.Redirect(w, r, "/mediators/grades?unit="+url.QueryEscape(unit), http.StatusSeeOther)
}
