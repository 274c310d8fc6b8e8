package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/administration"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
)

type grantsData struct {
	administration.GrantView
	administration.GrantUsers
	Base string // "/admin/grants" for administrators, "/grants" for approvers
}

// grantsBase is where the grant pages of this request live: administrators
// work under /admin/grants, the committee and the security administrator
// under /grants (the route table gives each its own permission).
func grantsBase(r *http.Request) string {
	if strings.HasPrefix(r.URL.Path, "/admin/") {
		return "/admin/grants"
	}
	return "/grants"
}

// Grants lists the role grant requests the actor may decide or made, with
// the form to request one and, for the security administrator, the
// bindings it may revoke.
func (pg *Pages) Grants(w http.ResponseWriter, r *http.Request) {
	ctx, p := r.Context(), auth.From(r.Context())
	var before int64
	if s := r.URL.Query().Get("before"); s != "" {
		var err error
		if before, err = strconv.ParseInt(s, 10, 64); err != nil || before <= 0 {
			pg.Fail(w, r, http.StatusBadRequest, "翻页参数无效")
			return
		}
	}
	v, err := pg.Administration.Grants(ctx, p, before)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	d := grantsData{GrantView: v, Base: grantsBase(r)}
	if len(v.Roles) > 0 { // a requester: the accounts to pick from, found by name
		if d.GrantUsers, err = pg.Administration.GrantUsersFor(ctx, p, r.URL.Query().Get("who")); err != nil {
			pg.failErr(w, r, err)
			return
		}
	}
	pg.render(w, r, http.StatusOK, "grants", "角色授权审批", d)
}

// RequestGrant records a pending request for a role binding.
func (pg *Pages) RequestGrant(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := r.PostForm
	g, err := pg.Administration.RequestGrant(ctx, auth.From(ctx), administration.GrantForm{UserID: mustID(f.Get("user")),
		Role: domain.Role(f.Get("role")), OrgID: mustID(f.Get("org")), Reason: f.Get("reason")})
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已提交授权申请：为 "+g.UserName+" 授予“"+g.Role.Label()+"”，须由他人审批后生效。")
	http.Redirect(w, r, grantsBase(r), http.StatusSeeOther)
}

// DecideGrant approves or rejects a pending request.
func (pg *Pages) DecideGrant(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		g, err := pg.Administration.DecideGrant(ctx, auth.From(ctx), mustID(r.PathValue("id")), approve, r.PostFormValue("note"))
		if err != nil {
			pg.failErr(w, r, err)
			return
		}
		if approve {
			pg.flash(r, "已批准："+g.UserName+" 获得“"+g.Role.Label()+"”（"+g.OrgName+"）。")
		} else {
			pg.flash(r, "已驳回为 "+g.UserName+" 授予“"+g.Role.Label()+"”的申请。")
		}
		http.Redirect(w, r, grantsBase(r), http.StatusSeeOther)
	}
}

// RevokeBinding removes a user's role binding (the security administrator).
func (pg *Pages) RevokeBinding(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := r.PostForm
	b := administration.Binding{UserID: mustID(f.Get("user")), Role: domain.Role(f.Get("role")), OrgID: mustID(f.Get("org"))}
	if err := pg.Administration.RevokeBinding(ctx, auth.From(ctx), b); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已撤销该角色，即时生效。")
	http.Redirect(w, r, "/grants", http.StatusSeeOther)
}
