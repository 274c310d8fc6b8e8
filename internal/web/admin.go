package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/administration"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
)

var weekdays = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

type dayRow struct{ Date, Weekday, Reason string }

type calendarData struct {
	Overrides []administration.CalendarOverride
	Days      []dayRow
	From      string
	Form      administration.CalendarOverride
}

// Calendar lists the overrides and the coming days off.
func (pg *Pages) Calendar(w http.ResponseWriter, r *http.Request) {
	pg.showCalendar(w, r, http.StatusOK, administration.CalendarOverride{})
}

func (pg *Pages) showCalendar(w http.ResponseWriter, r *http.Request, status int, form administration.CalendarOverride) {
	v, err := pg.Administration.Calendar(r.Context(), auth.From(r.Context()))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	d := calendarData{Overrides: v.Overrides, From: v.From.String(), Form: form}
	for _, day := range v.DaysOff {
		d.Days = append(d.Days, dayRow{day.Date.String(), weekdays[day.Date.Weekday()], day.Reason})
	}
	pg.render(w, r, status, "calendar", "工作日历", d)
}

// PutCalendarOverride adds or changes one date.
func (pg *Pages) PutCalendarOverride(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	o, err := pg.Administration.PutCalendarOverride(ctx, auth.From(ctx), r.PostFormValue("date"), r.PostFormValue("kind"), r.PostFormValue("name"))
	if err != nil {
		if !pg.refusedForm(r, err) {
			pg.failErr(w, r, err)
			return
		}
		pg.showCalendar(w, r, http.StatusUnprocessableEntity, o)
		return
	}
	pg.Log.Info("calendar override saved", "date", o.Date, "workday", o.Workday, "by", o.UpdatedBy)
	pg.flash(r, fmt.Sprintf("已将 %s 调整为%s。", o.Date, map[bool]string{true: "工作日", false: "休息日"}[o.Workday]))
	http.Redirect(w, r, "/admin/calendar", http.StatusSeeOther)
}

// refusedForm puts a validation refusal's message on the page to show the
// form again with; false for any other error.
func (pg *Pages) refusedForm(r *http.Request, err error) bool {
	var ve *access.ValidationError
	var fe *domain.FieldError
	if !errors.As(err, &ve) && !errors.As(err, &fe) {
		return false
	}
	_, msg := access.StatusOf(err)
	pg.Sessions.Put(r.Context(), "error", msg)
	return true
}

// DeleteCalendarOverride removes one date's override.
func (pg *Pages) DeleteCalendarOverride(w http.ResponseWriter, r *http.Request) {
	date := r.PathValue("date")
	if err := pg.Administration.DeleteCalendarOverride(r.Context(), auth.From(r.Context()), date); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已删除 "+date+" 的调整。")
	http.Redirect(w, r, "/admin/calendar", http.StatusSeeOther)
}

type policiesData struct {
	Policies []administration.Policy
	Form     administration.Policy
}

// Policies lists the versioned deadline rules.
func (pg *Pages) Policies(w http.ResponseWriter, r *http.Request) {
	latest := administration.Policy{AcceptanceWD: 7, MediationWD: 45, TerminationNoticeWD: 7, ODRNegotiationWD: 10, JudicialConfirmDays: 30, CommitteeTargetDays: 30}
	pg.showPolicies(w, r, http.StatusOK, latest)
}

func (pg *Pages) showPolicies(w http.ResponseWriter, r *http.Request, status int, form administration.Policy) {
	ps, err := pg.Administration.Policies(r.Context(), auth.From(r.Context()))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, status, "policies", "期限规则", policiesData{Policies: ps, Form: form})
}

// AddPolicy stores a new policy version.
func (pg *Pages) AddPolicy(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	num := func(k string) int { n, _ := strconv.Atoi(f.Get(k)); return n }
	sp := administration.Policy{Code: f.Get("code"), Name: f.Get("name"), EffectiveFrom: f.Get("effective_from"),
		AcceptanceWD: num("acceptance_wd"), MediationWD: num("mediation_wd"), TerminationNoticeWD: num("termination_notice_wd"),
		ODRNegotiationWD: num("odr_negotiation_wd"), JudicialConfirmDays: num("judicial_confirm_days"), CommitteeTargetDays: num("committee_target_days")}
	err := pg.Administration.AddPolicy(r.Context(), auth.From(r.Context()), &sp)
	var ae *access.Error
	switch {
	case err == nil:
	case pg.refusedForm(r, err):
		pg.showPolicies(w, r, http.StatusUnprocessableEntity, sp)
		return
	case errors.As(err, &ae) && ae.Kind == access.KindConflict: // the date is taken: show the form again
		pg.Sessions.Put(r.Context(), "error", ae.Message)
		pg.showPolicies(w, r, http.StatusUnprocessableEntity, sp)
		return
	default:
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已新增期限规则版本，自 "+sp.EffectiveFrom+" 起受理的案件适用。")
	http.Redirect(w, r, "/admin/policies", http.StatusSeeOther)
}

// Org shows the org tree the user can see.
func (pg *Pages) Org(w http.ResponseWriter, r *http.Request) {
	t, err := pg.Administration.Tree(r.Context(), auth.From(r.Context()))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "org", "组织机构", struct {
		Root  *administration.OrgNode
		Units []administration.Unit
		Kinds []domain.OrgKind
	}{t.Root, t.Parents, domain.OrgKinds})
}

type keysData struct {
	Keys   []administration.KeyRow
	Units  []administration.Unit
	NewKey string
}

// Keys lists machine API keys.
func (pg *Pages) Keys(w http.ResponseWriter, r *http.Request) { pg.showKeys(w, r, "") }

func (pg *Pages) showKeys(w http.ResponseWriter, r *http.Request, newKey string) {
	l, err := pg.Administration.Keys(r.Context(), auth.From(r.Context()))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "keys", "接口密钥", keysData{Keys: l.Keys, Units: l.Units, NewKey: newKey})
}

// IssueKey creates a machine key and shows it once.
func (pg *Pages) IssueKey(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	days, err := strconv.Atoi(r.PostFormValue("days"))
	if err != nil {
		days = -1 // refused with the other form errors
	}
	plain, t, err := pg.Administration.IssueKey(ctx, auth.From(ctx), r.PostFormValue("name"), mustID(r.PostFormValue("org")), days)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.Log.Info("api key issued", "key_id", t.ID, "org_id", t.OrgID, "by", auth.From(ctx).UserID)
	pg.showKeys(w, r, plain)
}

// RevokeKey revokes a machine key.
func (pg *Pages) RevokeKey(w http.ResponseWriter, r *http.Request) {
	if err := pg.Administration.RevokeKey(r.Context(), auth.From(r.Context()), mustID(r.PathValue("id"))); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已吊销。")
	http.Redirect(w, r, "/admin/keys", http.StatusSeeOther)
}

type usersData struct {
	administration.UserList
	Q           string
	First, Next string // links to the first page (past it) and the next
}

// Users lists accounts a page at a time.
func (pg *Pages) Users(w http.ResponseWriter, r *http.Request) {
	q, after := r.URL.Query().Get("q"), r.URL.Query().Get("after")
	l, err := pg.Administration.Users(r.Context(), auth.From(r.Context()), q, after)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	d := usersData{UserList: l, Q: q}
	link := func(after string) string {
		v := url.Values{}
		if q != "" {
			v.Set("q", q)
		}
		if after != "" {
			v.Set("after", after)
		}
		if len(v) == 0 {
			return "/admin/users"
		}
		return "/admin/users?" + v.Encode()
	}
	if after != "" {
		d.First = link("")
	}
	if l.Next != "" {
		d.Next = link(l.Next)
	}
	pg.render(w, r, http.StatusOK, "users", "用户", d)
}

// CreateUser adds an account with one role binding.
func (pg *Pages) CreateUser(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := r.PostForm
	in := administration.NewUser{Username: f.Get("username"), DisplayName: f.Get("display_name"), Password: f.Get("password")}
	if role := f.Get("role"); role != "" { // "": an account with no role yet
		in.Bindings = []administration.Grant{{Role: domain.Role(role), OrgID: mustID(f.Get("org"))}}
	}
	u, gs, err := pg.Administration.CreateUserRequest(ctx, auth.From(ctx), in, f.Get("reason"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.Log.Info("user created", "user_id", u.ID, "grant_requests", len(gs), "by", auth.From(ctx).UserID)
	if len(gs) > 0 {
		pg.flash(r, "已创建用户 "+u.Username+"；角色“"+gs[0].Role.Label()+"”已提交审批，须由另一名管理员或有审批权限的人员批准后生效。")
	} else {
		pg.flash(r, "已创建用户 "+u.Username+"（暂无角色）。")
	}
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}

// CreateOrgUnit adds a unit under a parent of a kind it may hang under.
func (pg *Pages) CreateOrgUnit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := r.PostForm
	in := administration.NewOrgUnit{ParentID: mustID(f.Get("parent")), Kind: domain.OrgKind(f.Get("kind")), Name: f.Get("name"),
		Code: f.Get("code"), Abbr: f.Get("abbr"), Streets: splitList(f.Get("streets"))}
	u, err := pg.Administration.CreateOrgUnit(ctx, auth.From(ctx), in)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.Log.Info("org unit created", "org_id", u.ID, "kind", u.Kind, "by", auth.From(ctx).UserID)
	pg.flash(r, "已新增"+u.Kind.Label()+"："+u.Name)
	http.Redirect(w, r, "/org", http.StatusSeeOther)
}
