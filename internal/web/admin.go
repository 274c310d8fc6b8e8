package web

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

var weekdays = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

type dayRow struct{ Date, Weekday, Reason string }

type calendarData struct {
	Overrides []store.CalendarOverride
	Days      []dayRow
	From      string
	Form      store.CalendarOverride
}

// Calendar lists the overrides and the coming days off.
func (pg *Pages) Calendar(w http.ResponseWriter, r *http.Request) {
	pg.showCalendar(w, r, http.StatusOK, store.CalendarOverride{})
}

func (pg *Pages) showCalendar(w http.ResponseWriter, r *http.Request, status int, form store.CalendarOverride) {
	ctx := r.Context()
	rules, err := deadline.Load(ctx, pg.Store)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	os, err := pg.Store.ListCalendarOverrides(ctx)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	today := calendar.DateOf(pg.now())
	d := calendarData{Overrides: os, From: today.String(), Form: form}
	for i := 0; i < 90; i++ {
		day := today.AddDays(i)
		if work, reason := rules.Calendar.DayInfo(day); !work {
			d.Days = append(d.Days, dayRow{day.String(), weekdays[day.Weekday()], reason})
		}
	}
	pg.render(w, r, status, "calendar", "工作日历", d)
}

// PutCalendarOverride adds or changes one date.
func (pg *Pages) PutCalendarOverride(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSpace(r.PostFormValue("name"))
	o := store.CalendarOverride{Date: r.PostFormValue("date"), Workday: r.PostFormValue("kind") == "work", Name: name,
		UpdatedBy: auth.From(r.Context()).UserID}
	d, err := calendar.ParseDate(o.Date)
	switch {
	case err != nil:
		pg.Sessions.Put(r.Context(), "error", "日期格式应为 YYYY-MM-DD")
	case d.Year < 2000 || d.Year > 2100:
		pg.Sessions.Put(r.Context(), "error", "日期应在2000年至2100年之间")
	case name == "" || utf8.RuneCountInString(name) > 50:
		pg.Sessions.Put(r.Context(), "error", "请填写名称（不超过50个字）")
	case r.PostFormValue("kind") != "work" && r.PostFormValue("kind") != "off":
		pg.Sessions.Put(r.Context(), "error", "请选择调整为工作日或休息日")
	default:
		o.Date = d.String()
		if err := pg.Store.PutCalendarOverride(r.Context(), o); err != nil {
			pg.serverError(w, r, err)
			return
		}
		pg.Log.Info("calendar override saved", "date", o.Date, "workday", o.Workday, "by", o.UpdatedBy)
		pg.flash(r, fmt.Sprintf("已将 %s 调整为%s。", o.Date, map[bool]string{true: "工作日", false: "休息日"}[o.Workday]))
		http.Redirect(w, r, "/admin/calendar", http.StatusSeeOther)
		return
	}
	pg.showCalendar(w, r, http.StatusUnprocessableEntity, o)
}

// DeleteCalendarOverride removes one date's override.
func (pg *Pages) DeleteCalendarOverride(w http.ResponseWriter, r *http.Request) {
	date := r.PathValue("date")
	err := pg.Store.DeleteCalendarOverride(r.Context(), date)
	if errors.Is(err, store.ErrNotFound) {
		pg.Fail(w, r, http.StatusNotFound, "该日期没有调整")
		return
	}
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	pg.flash(r, "已删除 "+date+" 的调整。")
	http.Redirect(w, r, "/admin/calendar", http.StatusSeeOther)
}

type policiesData struct {
	Policies []store.Policy
	Form     store.Policy
}

// Policies lists the versioned deadline rules.
func (pg *Pages) Policies(w http.ResponseWriter, r *http.Request) {
	latest := store.Policy{AcceptanceWD: 7, MediationWD: 45, TerminationNoticeWD: 7, ODRNegotiationWD: 10, JudicialConfirmDays: 30, CommitteeTargetDays: 30}
	pg.showPolicies(w, r, http.StatusOK, latest)
}

func (pg *Pages) showPolicies(w http.ResponseWriter, r *http.Request, status int, form store.Policy) {
	ps, err := pg.Store.ListPolicies(r.Context())
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	pg.render(w, r, status, "policies", "期限规则", policiesData{Policies: ps, Form: form})
}

// AddPolicy stores a new policy version; past dates are refused so that no
// accepted case changes its rules after the fact.
func (pg *Pages) AddPolicy(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	num := func(k string) int { n, _ := strconv.Atoi(f.Get(k)); return n }
	sp := store.Policy{Code: strings.TrimSpace(f.Get("code")), Name: strings.TrimSpace(f.Get("name")), EffectiveFrom: f.Get("effective_from"),
		AcceptanceWD: num("acceptance_wd"), MediationWD: num("mediation_wd"), TerminationNoticeWD: num("termination_notice_wd"),
		ODRNegotiationWD: num("odr_negotiation_wd"), JudicialConfirmDays: num("judicial_confirm_days"), CommitteeTargetDays: num("committee_target_days")}
	cp := deadline.ToCalendar(sp)
	err := cp.Validate()
	if err == nil && !calendar.DateOf(pg.now()).Before(cp.EffectiveFrom) {
		err = errors.New("新版本的生效日期须晚于今天")
	}
	if err == nil {
		err = pg.Store.PutPolicy(r.Context(), &sp)
		if errors.Is(err, store.ErrConflict) {
			err = errors.New("该生效日期已有规则版本")
		} else if err != nil {
			pg.serverError(w, r, err)
			return
		}
	}
	if err != nil {
		pg.Sessions.Put(r.Context(), "error", err.Error())
		pg.showPolicies(w, r, http.StatusUnprocessableEntity, sp)
		return
	}
	pg.flash(r, "已新增期限规则版本，自 "+sp.EffectiveFrom+" 起受理的案件适用。")
	http.Redirect(w, r, "/admin/policies", http.StatusSeeOther)
}

type orgNode struct {
	Unit      store.OrgUnit
	Streets   []string
	Merchants []string
	Children  []*orgNode
}

// Org shows the org tree the user can see.
func (pg *Pages) Org(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	units, err := pg.Store.ListOrgUnits(ctx)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	p := auth.From(ctx)
	nodes := map[int64]*orgNode{}
	root := &orgNode{}
	streets := map[int64][]string{}
	for _, u := range units {
		if u.Kind == domain.OrgCommittee {
			rs, err := pg.Store.ListRoomStreets(ctx, u.ID)
			if err != nil {
				pg.serverError(w, r, err)
				return
			}
			for _, s := range rs {
				streets[s.RoomID] = append(streets[s.RoomID], s.Street)
			}
		}
	}
	visible := orgVisible(p, units)
	for _, u := range units {
		if !visible(u) {
			continue
		}
		n := &orgNode{Unit: u, Streets: streets[u.ID]}
		if u.Kind == domain.OrgEnterpriseRoom {
			ms, _ := pg.Store.ListRoomMerchants(ctx, u.ID)
			for _, m := range ms {
				n.Merchants = append(n.Merchants, m.Name)
			}
		}
		nodes[u.ID] = n
		parent, ok := nodes[u.ParentID]
		switch {
		case ok:
			parent.Children = append(parent.Children, n)
		default: // the top of what this user sees
			root.Children = append(root.Children, n)
		}
	}
	sortTree(root)
	pg.render(w, r, http.StatusOK, "org", "组织机构", struct {
		Root  *orgNode
		Units []store.OrgUnit
		Kinds []domain.OrgKind
	}{root, units, domain.OrgKinds})
}

// orgVisible says which units the tree shows: an admin sees them all; anyone
// else who may read the tree sees the whole district of each unit they are
// bound to (their committee, its rooms, the partner units), or everything
// under a city binding. Before, the tree hung every unit under the city,
// which only admins reach, so it was blank for everyone else.
func orgVisible(p *auth.Principal, units []store.OrgUnit) func(store.OrgUnit) bool {
	if p.Has(domain.RoleAdmin) {
		return func(store.OrgUnit) bool { return true }
	}
	byID := map[int64]store.OrgUnit{}
	for _, u := range units {
		byID[u.ID] = u
	}
	var prefixes []string
	for _, b := range p.Bindings {
		if !domain.RoleHas(b.Role, domain.PermOrgRead) {
			continue
		}
		u, ok := byID[b.OrgID]
		for ok && u.Kind != domain.OrgDistrict && u.Kind != domain.OrgCity {
			u, ok = byID[u.ParentID]
		}
		if !ok {
			u, ok = byID[b.OrgID] // a unit outside any district: just its own subtree
		}
		if ok {
			prefixes = append(prefixes, u.Path)
		}
	}
	return func(u store.OrgUnit) bool {
		for _, pre := range prefixes {
			if strings.HasPrefix(u.Path, pre) {
				return true
			}
		}
		return false
	}
}

type keyRow struct {
	Token store.Token
	Org   string
}

type keysData struct {
	Keys   []keyRow
	Units  []store.OrgUnit
	NewKey string
}

// Keys lists machine API keys.
func (pg *Pages) Keys(w http.ResponseWriter, r *http.Request) { pg.showKeys(w, r, "") }

func (pg *Pages) showKeys(w http.ResponseWriter, r *http.Request, newKey string) {
	ctx := r.Context()
	ts, err := pg.Store.ListTokens(ctx, "key")
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	units, err := pg.Store.ListOrgUnits(ctx)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	names := map[int64]string{}
	for _, u := range units {
		names[u.ID] = u.Name
	}
	d := keysData{Units: units, NewKey: newKey}
	for _, t := range ts {
		d.Keys = append(d.Keys, keyRow{t, names[t.OrgID]})
	}
	pg.render(w, r, http.StatusOK, "keys", "接口密钥", d)
}

// IssueKey creates a machine key and shows it once.
func (pg *Pages) IssueKey(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := strings.TrimSpace(r.PostFormValue("name"))
	orgID, _ := strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	days, err := strconv.Atoi(r.PostFormValue("days"))
	if name == "" || utf8.RuneCountInString(name) > 50 || err != nil || days < 0 || days > 3650 {
		pg.Fail(w, r, http.StatusUnprocessableEntity, "请填写名称（不超过50个字）和0至3650天的有效期")
		return
	}
	if _, err := pg.Store.GetOrgUnit(ctx, orgID); err != nil {
		pg.Fail(w, r, http.StatusUnprocessableEntity, "所属单位不存在")
		return
	}
	var exp *time.Time
	if days > 0 {
		t := pg.now().AddDate(0, 0, days)
		exp = &t
	}
	plain, t, err := pg.Auth.IssueKey(ctx, name, orgID, exp)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	pg.Log.Info("api key issued", "key_id", t.ID, "org_id", orgID, "by", auth.From(ctx).UserID)
	pg.showKeys(w, r, plain)
}

// RevokeKey revokes a machine key.
func (pg *Pages) RevokeKey(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	err := pg.Store.RevokeToken(r.Context(), id, pg.now())
	if errors.Is(err, store.ErrNotFound) {
		pg.Fail(w, r, http.StatusNotFound, "密钥不存在或已吊销")
		return
	}
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	pg.flash(r, "已吊销。")
	http.Redirect(w, r, "/admin/keys", http.StatusSeeOther)
}

type usersData struct {
	Q     string
	Users []store.User
	Roles []domain.Role
	Units []store.OrgUnit
}

// Users lists accounts.
func (pg *Pages) Users(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query().Get("q")
	us, err := pg.Store.ListUsers(ctx, store.UserQuery{Text: q, Limit: 500})
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	units, err := pg.Store.ListOrgUnits(ctx)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	var roles []domain.Role
	for _, ro := range domain.Roles {
		if ro != domain.RoleMachine && ro != domain.RoleConsumer && ro != domain.RoleMerchant {
			roles = append(roles, ro)
		}
	}
	pg.render(w, r, http.StatusOK, "users", "用户", usersData{Q: q, Users: us, Roles: roles, Units: units})
}

// CreateUser adds an account with one role binding.
func (pg *Pages) CreateUser(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := r.PostForm
	username, display, pw := strings.TrimSpace(f.Get("username")), strings.TrimSpace(f.Get("display_name")), f.Get("password")
	role := domain.Role(f.Get("role"))
	orgID, _ := strconv.ParseInt(f.Get("org"), 10, 64)
	var msg string
	switch {
	case !validUsername(username):
		msg = "用户名应为3至32位字母、数字、下划线或连字符"
	case display == "" || utf8.RuneCountInString(display) > 50:
		msg = "请填写姓名（不超过50个字）"
	case utf8.RuneCountInString(pw) < 10:
		msg = "初始密码至少10位"
	case !role.Valid() || role == domain.RoleMachine:
		msg = "角色无效"
	}
	if msg == "" {
		if _, err := pg.Store.GetOrgUnit(ctx, orgID); err != nil {
			msg = "所属单位不存在"
		}
	}
	if msg != "" {
		pg.Fail(w, r, http.StatusUnprocessableEntity, msg)
		return
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	u := store.User{Username: username, DisplayName: display, PasswordHash: hash, Active: true}
	if err := pg.Store.CreateUser(ctx, &u); errors.Is(err, store.ErrConflict) {
		pg.Fail(w, r, http.StatusConflict, "用户名已存在")
		return
	} else if err != nil {
		pg.serverError(w, r, err)
		return
	}
	if err := pg.Store.AddBinding(ctx, store.Binding{UserID: u.ID, Role: role, OrgID: orgID}); err != nil {
		pg.serverError(w, r, err)
		return
	}
	pg.Log.Info("user created", "user_id", u.ID, "role", role, "org_id", orgID, "by", auth.From(ctx).UserID)
	pg.flash(r, "已创建用户 "+username+"。")
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}

func validUsername(s string) bool {
	if len(s) < 3 || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// sortTree orders siblings by kind (rooms of one kind together) and then by creation.
func sortTree(n *orgNode) {
	slices.SortFunc(n.Children, func(a, b *orgNode) int {
		if c := cmp.Compare(slices.Index(domain.OrgKinds, a.Unit.Kind), slices.Index(domain.OrgKinds, b.Unit.Kind)); c != 0 {
			return c
		}
		return cmp.Compare(a.Unit.ID, b.Unit.ID)
	})
	for _, c := range n.Children {
		sortTree(c)
	}
}

// CreateOrgUnit adds a unit under a parent of a kind it may hang under.
func (pg *Pages) CreateOrgUnit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := r.PostForm
	u := store.OrgUnit{Kind: domain.OrgKind(f.Get("kind")), Name: strings.TrimSpace(f.Get("name")),
		Code: strings.TrimSpace(f.Get("code")), Abbr: strings.TrimSpace(f.Get("abbr"))}
	u.ParentID, _ = strconv.ParseInt(f.Get("parent"), 10, 64)
	var parentKind domain.OrgKind
	if u.ParentID != 0 {
		parent, err := pg.Store.GetOrgUnit(ctx, u.ParentID)
		if err != nil {
			pg.Fail(w, r, http.StatusUnprocessableEntity, "上级单位不存在")
			return
		}
		parentKind = parent.Kind
	}
	var streets []string
	for _, s := range strings.FieldsFunc(f.Get("streets"), func(r rune) bool { return r == '、' || r == ',' || r == '，' || r == ' ' }) {
		streets = append(streets, s)
	}
	var msg string
	switch {
	case !u.Kind.Valid():
		msg = "请选择单位类型"
	case !domain.CanHangUnder(u.Kind, parentKind):
		msg = fmt.Sprintf("%s不能设在%s之下", u.Kind.Label(), map[bool]string{true: "根节点", false: parentKind.Label()}[parentKind == ""])
	case u.Name == "" || utf8.RuneCountInString(u.Name) > 100:
		msg = "请填写名称（不超过100个字）"
	case !validUsername(u.Code) || len(u.Code) > 40:
		msg = "代码应为3至40位字母、数字、下划线或连字符"
	case u.Kind == domain.OrgCommittee && (utf8.RuneCountInString(u.Abbr) < 1 || utf8.RuneCountInString(u.Abbr) > 2):
		msg = "调委会须填写1至2个字的案号简称"
	case u.Kind != domain.OrgCommittee && u.Abbr != "":
		msg = "只有调委会需要案号简称"
	case u.Kind != domain.OrgOfficeRoom && len(streets) > 0:
		msg = "只有联合人民调解工作室可以设置辖区街镇"
	}
	if msg != "" {
		pg.Fail(w, r, http.StatusUnprocessableEntity, msg)
		return
	}
	if err := pg.Store.CreateOrgUnit(ctx, &u); errors.Is(err, store.ErrConflict) {
		pg.Fail(w, r, http.StatusConflict, "代码已被使用")
		return
	} else if err != nil {
		pg.serverError(w, r, err)
		return
	}
	if len(streets) > 0 {
		if err := pg.Store.SetRoomStreets(ctx, u.ID, streets); err != nil {
			pg.serverError(w, r, err)
			return
		}
	}
	pg.Log.Info("org unit created", "org_id", u.ID, "kind", u.Kind, "by", auth.From(ctx).UserID)
	pg.flash(r, "已新增"+u.Kind.Label()+"："+u.Name)
	http.Redirect(w, r, "/org", http.StatusSeeOther)
}
