package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/server"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// users are the demo accounts the matrix walks; "" is an anonymous visitor.
var users = []string{"", "admin", "committee01", "room_lead01", "mediator01", "regulator01", "justice01",
	"court01", "expert01", "analyst01", "auditor01", "security01", "xh_committee01", "xh_mediator01"}

// holders is written out by hand from DESIGN.md "Who uses it": which demo
// users hold each permission. The route table says which permission a route
// needs; this test checks that the server enforces it for every route.
var holders = map[domain.Permission][]string{
	domain.PermCaseRead:         {"committee01", "room_lead01", "mediator01", "regulator01", "justice01", "court01", "xh_committee01", "xh_mediator01"},
	domain.PermCaseCreate:       {"committee01", "room_lead01", "mediator01", "regulator01", "court01", "xh_committee01", "xh_mediator01"},
	domain.PermCaseDecide:       {"committee01", "room_lead01", "mediator01", "xh_committee01", "xh_mediator01"},
	domain.PermOrgRead:          {"admin", "committee01", "room_lead01", "mediator01", "regulator01", "justice01", "analyst01", "security01", "xh_committee01", "xh_mediator01"},
	domain.PermSettings:         {"admin"},
	domain.PermOrgManage:        {"admin"},
	domain.PermRoutingManage:    {"committee01", "xh_committee01"},
	domain.PermImport:           {"committee01", "regulator01", "xh_committee01"},
	domain.PermGroupManage:      {"committee01", "xh_committee01"},
	domain.PermOutboxRead:       {"admin"},
	domain.PermLeadRead:         {"regulator01"},
	domain.PermRoomManage:       {"committee01", "room_lead01", "xh_committee01"},
	domain.PermConsult:          {"expert01"},
	domain.PermJudicial:         {"court01"},
	domain.PermSealManage:       {"committee01", "xh_committee01"},
	domain.PermUserManage:       {"admin"},
	domain.PermAuditRead:        {"auditor01"},
	domain.PermEvalRead:         {"committee01", "room_lead01", "mediator01", "justice01", "analyst01", "xh_committee01", "xh_mediator01"},
	domain.PermEvalManage:       {"committee01", "xh_committee01"},
	domain.PermJobsManage:       {"admin"},
	domain.PermSyncRead:         {"committee01", "justice01", "xh_committee01"},
	domain.PermSyncManage:       {"committee01", "xh_committee01"},
	domain.PermRoutineRead:      {"committee01", "room_lead01", "mediator01", "justice01", "xh_committee01", "xh_mediator01"},
	domain.PermRoutineManage:    {"committee01", "room_lead01", "justice01", "xh_committee01"},
	domain.PermCorpsRead:        {"committee01", "room_lead01", "justice01", "xh_committee01"},
	domain.PermCorpsManage:      {"committee01", "xh_committee01"},
	domain.PermReportRead:       {"committee01", "room_lead01", "justice01", "xh_committee01"},
	domain.PermReportSubmit:     {"committee01", "room_lead01", "xh_committee01"},
	domain.PermWarningRead:      {"committee01", "room_lead01", "mediator01", "justice01", "xh_committee01", "xh_mediator01"},
	domain.PermWarningHandle:    {"committee01", "room_lead01", "mediator01", "justice01", "xh_committee01", "xh_mediator01"},
	domain.PermWarningSupervise: {"committee01", "room_lead01", "justice01", "xh_committee01"},
	domain.PermWarningRules:     {"committee01", "xh_committee01"},
	// Funding.
	domain.PermSubsidyRead:       {"committee01", "room_lead01", "mediator01", "justice01", "analyst01", "xh_committee01", "xh_mediator01"},
	domain.PermSubsidyDraft:      {"committee01", "xh_committee01"},
	domain.PermSubsidyApprove:    {"justice01"},
	domain.PermSubsidyScheme:     {"justice01"},
	domain.PermSubsidyDifficulty: {"committee01", "room_lead01", "xh_committee01"},
	domain.PermSubsidyTrail:      {"committee01", "justice01", "auditor01", "xh_committee01"},
	domain.PermContractRead:      {"committee01", "regulator01", "justice01", "analyst01", "xh_committee01"},
	domain.PermContractManage:    {"committee01", "regulator01", "xh_committee01"},
	// Analysis and publicity.
	domain.PermStatsRead:       {"committee01", "room_lead01", "justice01", "analyst01", "xh_committee01"},
	domain.PermFeedbackRead:    {"committee01", "regulator01", "xh_committee01"},
	domain.PermBulletinManage:  {"committee01", "xh_committee01"},
	domain.PermLibraryNominate: {"committee01", "room_lead01", "xh_committee01"},
	domain.PermLibraryPublish:  {"committee01", "xh_committee01"},
	// Security and personal data.
	domain.PermSecurityPolicy: {"security01"},
	domain.PermRoleApprove:    {"committee01", "security01", "xh_committee01"},
	domain.PermAuditExport:    {"auditor01"},
	domain.PermPrivacyManage:  {"committee01", "xh_committee01"},
	domain.PermPIIReveal:      {"committee01", "room_lead01", "mediator01", "xh_committee01", "xh_mediator01"},
}

// seesCase: who may see a walk-in case registered in mediator01's room (陆家嘴).
// Everyone else with case.read must get 404, never the case.
var seesCase = []string{"committee01", "room_lead01", "mediator01", "justice01"}

// mediatorNarrowed are evaluation pages a mediator's eval.read does not
// open: the 红榜/黑榜 (the committee publishes them) and another mediator's
// figures (the {id} the matrix uses is not theirs).
var mediatorNarrowed = []string{"/evaluation/rankings", "/evaluation/mediator/{id}"}

func allowed(perm domain.Permission, user string) bool {
	switch perm {
	case domain.PermNone:
		return true
	case domain.PermSignedIn:
		return user != ""
	}
	return slices.Contains(holders[perm], user)
}

// Critical routes must keep their permission.
func TestRoutePermissions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		want := map[string]domain.Permission{
			"POST /cases/{id}/accept":        domain.PermCaseDecide,
			"POST /api/v1/cases/{id}/reject": domain.PermCaseDecide,
			"POST /api/v1/complaints":        domain.PermCaseCreate,
			"GET /api/v1/cases/{id}":         domain.PermCaseRead,
			"POST /admin/calendar":           domain.PermSettings,
			"POST /admin/keys":               domain.PermUserManage,
			"POST /admin/jobs/{id}/retry":    domain.PermJobsManage,
			"POST /api/v1/keys":              domain.PermUserManage,
			"GET /metrics":                   domain.PermNone,
			"POST /api/v1/auth/token":        domain.PermNone,
			// Purchased services: the buyer's and the committee's only.
			"POST /api/v1/contracts":                                 domain.PermContractManage,
			"GET /api/v1/contracts/{id}":                             domain.PermContractRead,
			"POST /api/v1/contracts/{id}/assessments":                domain.PermContractManage,
			"POST /api/v1/contracts/{id}/assessments/{aid}/confirm":  domain.PermContractManage,
			"POST /subsidies/contracts/{id}/assessments/{q}/confirm": domain.PermContractManage,
			"GET /subsidies/contracts/{id}/statements/{month}":       domain.PermContractRead,
			// Separated duties: grants need a second person; the trail is the auditor's.
			"POST /admin/grants/{id}/approve": domain.PermUserManage,
			"POST /grants/{id}/approve":       domain.PermRoleApprove,
			"POST /grants":                    domain.PermSecurityPolicy,
			"POST /grants/revoke":             domain.PermSecurityPolicy,
			"GET /audit/export.csv":           domain.PermAuditExport,
			"GET /audit/export.xlsx":          domain.PermAuditExport,
		}
		got := map[string]domain.Permission{}
		for _, r := range e.srv.Routes() {
			got[r.Pattern()] = r.Perm
		}
		for p, perm := range want {
			if g, ok := got[p]; !ok || g != perm {
				t.Errorf("%s needs %q, table says %q", p, perm, g)
			}
		}
	})
}

// TestAccessMatrix walks every route with every role and a user of another district.
func TestAccessMatrix(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			clients := map[string]*client{}
			for _, u := range users {
				if u == "" {
					clients[u] = e.anon()
				} else {
					clients[u] = e.login(u)
				}
			}
			// The case the {id} routes use: a walk-in registered in mediator01's room.
			res := clients["mediator01"].json("POST", "/api/v1/complaints", validComplaint(""), nil)
			if res.StatusCode != 201 {
				t.Fatalf("create fixture case: %d %s", res.StatusCode, res.body)
			}
			var c struct{ ID int64 }
			json.Unmarshal([]byte(res.body), &c)
			id := strconv.FormatInt(c.ID, 10)

			// Sign-out last: it ends the sessions the other routes use.
			routes := e.srv.Routes()
			slices.SortStableFunc(routes, func(a, b server.Route) int {
				return strings.Compare(strconv.FormatBool(a.Path == "/logout"), strconv.FormatBool(b.Path == "/logout"))
			})
			for _, rt := range routes {
				for _, u := range users {
					path := strings.NewReplacer("{id}", id, "{date}", "2031-01-01", "{$}", "").Replace(rt.Path)
					if rt.Path == "/static/" {
						path = "/static/css/app.css"
					}
					cl := clients[u]
					var r resp
					switch {
					case rt.API:
						var body any
						if rt.Method == "POST" {
							body = map[string]any{}
						}
						if u == "" {
							tok := cl.token
							cl.token = ""
							r = cl.json(rt.Method, path, body, nil)
							cl.token = tok
						} else {
							r = cl.json(rt.Method, path, body, nil)
						}
					case rt.Method == "GET":
						r = cl.get(path)
					default:
						r = cl.form(rt.Method, path, url.Values{})
					}
					if r.StatusCode >= 500 {
						t.Errorf("%s %s as %q: %d %s", rt.Method, path, u, r.StatusCode, r.body)
					}
					ok := allowed(rt.Perm, u)
					if strings.Contains(rt.Path, "cases/{id}") && ok {
						ok = slices.Contains(seesCase, u)
						if !ok && r.StatusCode != http.StatusNotFound {
							t.Errorf("%s %s as %s: %d, want 404 (case outside scope)", rt.Method, path, u, r.StatusCode)
						}
						continue
					}
					if ok && slices.Contains(mediatorNarrowed, rt.Path) && (u == "mediator01" || u == "xh_mediator01") {
						if r.StatusCode != http.StatusForbidden {
							t.Errorf("%s %s as %s: %d, want 403 (a mediator sees only their own figures)", rt.Method, path, u, r.StatusCode)
						}
						continue
					}
					// A refused sign-in is 401 on a public route; that is not an access denial.
					denied := r.StatusCode == http.StatusForbidden || (r.StatusCode == http.StatusUnauthorized && rt.Perm != domain.PermNone) ||
						(r.StatusCode == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), "/login?next="))
					if ok && denied {
						t.Errorf("%s %s as %q: denied (%d), want allowed", rt.Method, path, u, r.StatusCode)
					}
					if !ok && !denied {
						t.Errorf("%s %s as %q: %d, want denied", rt.Method, path, u, r.StatusCode)
					}
					if !ok && rt.API && u != "" && r.StatusCode != http.StatusForbidden {
						t.Errorf("%s %s as %q: %d, want 403", rt.Method, path, u, r.StatusCode)
					}
				}
			}
		})
	}
}

// A bearer token is not a cookie: pages ignore it, and a bad one is refused on the API.
func TestBearerOnlyOnAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		c := e.login("mediator01")
		bad := *c
		bad.token = "tjt_forged"
		if r := bad.json("GET", "/api/v1/cases", nil, nil); r.StatusCode != 401 || !strings.Contains(r.body, "令牌") {
			t.Fatalf("forged token: %d %s", r.StatusCode, r.body)
		}
		anon := e.anon()
		anon.token = c.token
		req, _ := http.NewRequest("GET", e.ts.URL+"/cases", nil)
		req.Header.Set("Authorization", "Bearer "+c.token)
		if r := anon.do(req); r.StatusCode != 401 {
			t.Fatalf("bearer on a page: %d", r.StatusCode)
		}
	})
}
