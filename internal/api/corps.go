package api

import (
	"net/http"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/corps"
	"github.com/tiaojie/tiaojie/internal/grading"
)

// The mediator registry (队伍): the roster of a unit and its corps profile.
// Personal numbers are masked; who may see which unit is the corps
// service's decision.

// RegistryRoomJSON is a room a mediator is bound to.
type RegistryRoomJSON struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// RegistryEntryJSON is one registry entry, masked.
type RegistryEntryJSON struct {
	ID                 int64              `json:"id" doc:"用户 ID"`
	Name               string             `json:"name"`
	Rooms              []RegistryRoomJSON `json:"rooms"`
	Registered         bool               `json:"registered" doc:"是否已登记（未登记时其余字段为空）"`
	Kind               string             `json:"kind" doc:"full_time 专职 / part_time 兼职"`
	KindLabel          string             `json:"kind_label"`
	Sex                string             `json:"sex" doc:"male / female"`
	BirthYear          int                `json:"birth_year,omitempty"`
	Age                int                `json:"age,omitempty"`
	Education          string             `json:"education" doc:"doctor 博士研究生 / master 硕士研究生 / bachelor 大学本科 / college 大学专科 / high_school 高中及以下"`
	EducationLabel     string             `json:"education_label"`
	Major              string             `json:"major"`
	LawMajor           bool               `json:"law_major"`
	LegalQualification bool               `json:"legal_qualification" doc:"法律职业资格"`
	Grade              string             `json:"grade" doc:"none 无等级 / 4 四级 / 3 三级 / 2 二级 / 1 一级（一级最高）"`
	GradeLabel         string             `json:"grade_label"`
	AppointedOn        string             `json:"appointed_on,omitempty" format:"date"`
	TermEnd            string             `json:"term_end,omitempty" format:"date"`
	Employment         string             `json:"employment" doc:"civil_servant 公务员 / public_institution 事业编制 / contract 社会聘用 / rehired_retiree 退休返聘 / other 其他"`
	EmploymentLabel    string             `json:"employment_label"`
	SubsidyEligible    bool               `json:"subsidy_eligible" doc:"可领取办案补贴（公务员、事业编制人员不可）"`
	FiledOn            string             `json:"filed_on,omitempty" format:"date" doc:"向司法局备案日期"`
	FilingDue          string             `json:"filing_due,omitempty" format:"date" doc:"备案期限：聘任后 30 个工作日"`
	FilingState        string             `json:"filing_state" doc:"filed / late / overdue / pending / unknown"`
	Phone              string             `json:"phone" doc:"脱敏"`
	IDNumber           string             `json:"id_number" doc:"脱敏"`
	TrainingHours      float64            `json:"training_hours" doc:"上一年度培训学时"`
}

// RegistryListJSON answers GET /api/v1/mediators.
type RegistryListJSON struct {
	Unit      UnitRef             `json:"unit"`
	Mediators []RegistryEntryJSON `json:"mediators"`
	Total     int                 `json:"total"`
}

// CountJSON is one group of a breakdown.
type CountJSON struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	N     int    `json:"n"`
}

// CorpsProfileJSON is a corps profile.
type CorpsProfileJSON struct {
	Total              int         `json:"total"`
	FullTime           int         `json:"full_time"`
	PartTime           int         `json:"part_time"`
	BachelorOrAbove    int         `json:"bachelor_or_above"`
	BachelorPct        int         `json:"bachelor_pct" doc:"本科及以上占比（整数百分比，四舍五入）"`
	LawMajors          int         `json:"law_majors"`
	LawPct             int         `json:"law_pct"`
	LegalQualification int         `json:"legal_qualification"`
	AverageAge         int         `json:"average_age" doc:"平均年龄（按出生年份，四舍五入）"`
	ByGrade            []CountJSON `json:"by_grade"`
	BySex              []CountJSON `json:"by_sex"`
	Sentence           string      `json:"sentence" doc:"如：现有专职调解员47名，本科及以上学历占93%，法律专业占55%，4人具有法律职业资格，平均年龄32岁"`
}

// CommitteeProfileJSON is one committee's profile under a district.
type CommitteeProfileJSON struct {
	Unit    UnitRef          `json:"unit"`
	Profile CorpsProfileJSON `json:"profile"`
}

// ProfileResponseJSON answers GET /api/v1/mediators/profile.
type ProfileResponseJSON struct {
	Unit         UnitRef                `json:"unit"`
	AsOf         string                 `json:"as_of" format:"date"`
	Profile      CorpsProfileJSON       `json:"profile"`
	Sentence     string                 `json:"sentence"`
	Unregistered int                    `json:"unregistered" doc:"尚未登记、未计入概况的调解员人数"`
	ByCommittee  []CommitteeProfileJSON `json:"by_committee,omitempty"`
}

func registryEntryJSON(m corps.Mediator) RegistryEntryJSON {
	j := RegistryEntryJSON{ID: m.UserID, Name: m.Name, Rooms: []RegistryRoomJSON{}, Registered: m.Registered, Kind: m.Kind, KindLabel: m.KindLabel,
		Sex: m.Sex, BirthYear: m.BirthYear, Age: m.Age, Education: m.Education, EducationLabel: m.EducationLabel, Major: m.Major,
		LawMajor: m.LawMajor, LegalQualification: m.LegalQualification, Grade: m.Grade, GradeLabel: m.GradeLabel,
		AppointedOn: m.AppointedOn, TermEnd: m.TermEnd, Employment: m.Employment, EmploymentLabel: m.EmploymentLabel,
		SubsidyEligible: m.SubsidyEligible, FiledOn: m.FiledOn, FilingDue: m.FilingDue, FilingState: m.FilingState,
		Phone: m.PhoneMask, IDNumber: m.IDMask, TrainingHours: m.TrainingHours}
	for _, r := range m.Rooms {
		j.Rooms = append(j.Rooms, RegistryRoomJSON{Code: r.Code, Name: r.Name})
	}
	return j
}

func counts(cs []grading.Count) []CountJSON {
	out := []CountJSON{}
	for _, c := range cs {
		out = append(out, CountJSON{Code: c.Code, Label: c.Label, N: c.N})
	}
	return out
}

func corpsProfileJSON(p grading.Profile) CorpsProfileJSON {
	return CorpsProfileJSON{Total: p.Total, FullTime: p.FullTime, PartTime: p.PartTime, BachelorOrAbove: p.BachelorOrAbove,
		BachelorPct: p.BachelorPct, LawMajors: p.LawMajors, LawPct: p.LawPct, LegalQualification: p.Qualified,
		AverageAge: p.AverageAge, ByGrade: counts(p.ByGrade), BySex: counts(p.BySex), Sentence: p.Sentence()}
}

// Registry answers a unit's registry, masked.
func (a *API) Registry(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	ro, err := a.Corps.List(r.Context(), auth.From(r.Context()), corps.Filter{Unit: v.Get("unit"), Room: v.Get("room"),
		Kind: v.Get("kind"), Grade: v.Get("grade")})
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	out := RegistryListJSON{Unit: unitRef(ro.Unit), Mediators: []RegistryEntryJSON{}, Total: ro.Total}
	for _, m := range ro.Mediators {
		out.Mediators = append(out.Mediators, registryEntryJSON(m))
	}
	writeJSON(w, http.StatusOK, out)
}

// RegistryProfile answers a unit's corps profile and its sentence.
func (a *API) RegistryProfile(w http.ResponseWriter, r *http.Request) {
	pv, err := a.Corps.Profile(r.Context(), auth.From(r.Context()), r.URL.Query().Get("unit"))
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	out := ProfileResponseJSON{Unit: unitRef(pv.Unit), AsOf: pv.AsOf, Profile: corpsProfileJSON(pv.Profile), Sentence: pv.Sentence,
		Unregistered: pv.Unregistered}
	for _, c := range pv.ByCommittee {
		out.ByCommittee = append(out.ByCommittee, CommitteeProfileJSON{Unit: unitRef(c.Unit), Profile: corpsProfileJSON(c.Profile)})
	}
	writeJSON(w, http.StatusOK, out)
}
