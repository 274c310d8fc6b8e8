package server_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
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
	"court01", "expert01", "analyst01", "auditor01", "security01", "xh_committee01", "xh_mediator01", "city_analyst01"}

// holders is written out by hand from DESIGN.md "Who uses it": which demo
// users hold each permission. The route table says which permission a route
// needs; this test checks that the server enforces it for every route.
var holders = map[domain.Permission][]string{
	domain.PermCaseRead:         {"committee01", "room_lead01", "mediator01", "regulator01", "justice01", "court01", "xh_committee01", "xh_mediator01"},
	domain.PermCaseCreate:       {"committee01", "room_lead01", "mediator01", "regulator01", "court01", "xh_committee01", "xh_mediator01"},
	domain.PermCaseDecide:       {"committee01", "room_lead01", "mediator01", "xh_committee01", "xh_mediator01"},
	domain.PermOrgRead:          {"admin", "committee01", "room_lead01", "mediator01", "regulator01", "justice01", "analyst01", "security01", "xh_committee01", "xh_mediator01", "city_analyst01"},
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
	domain.PermEvalRead:         {"committee01", "room_lead01", "mediator01", "justice01", "analyst01", "xh_committee01", "xh_mediator01", "city_analyst01"},
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
	domain.PermSubsidyRead:       {"committee01", "room_lead01", "mediator01", "justice01", "analyst01", "xh_committee01", "xh_mediator01", "city_analyst01"},
	domain.PermSubsidyDraft:      {"committee01", "xh_committee01"},
	domain.PermSubsidyApprove:    {"justice01"},
	domain.PermSubsidyScheme:     {"justice01"},
	domain.PermSubsidyDifficulty: {"committee01", "room_lead01", "xh_committee01"},
	domain.PermSubsidyTrail:      {"committee01", "justice01", "auditor01", "xh_committee01"},
	domain.PermContractRead:      {"committee01", "regulator01", "justice01", "analyst01", "xh_committee01", "city_analyst01"},
	domain.PermContractManage:    {"committee01", "regulator01", "xh_committee01"},
	// Analysis and publicity.
	domain.PermStatsRead:       {"committee01", "room_lead01", "justice01", "analyst01", "xh_committee01", "city_analyst01"},
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

// xuhui are the demo users of the other district: on a route naming a
// Pudong object, holding the route's permission must still give them 404.
var xuhui = []string{"xh_committee01", "xh_mediator01"}

// pathParams fill the path parameters that do not name the object a route
// is checked on, each with why a fixed value is enough. A route with a
// parameter named neither here nor by districtFixtures fails the matrix.
var pathParams = map[string]struct{ value, why string }{
	"$":     {"", "the root pattern"},
	"date":  {"2031-01-01", "a day, not an object; the {unit} before it is the object"},
	"token": {"tok_unknown_abcdefgh", "a party's link: the token is the access; an unknown one is 404 for everyone (talk, consent, sign and rate tests)"},
	"code":  {"CJ1", "a statistics form's code, the same in every district; the unit is a query parameter the statistics service scopes"},
	"month": {"2031-01", "a month of the {id} contract, whose district is what is checked"},
	"q":     {"2031-Q1", "a quarter of the {id} contract"},
	"aid":   {"1", "an assessment of the {id} contract"},
	"cid":   {"1", "a commendation of the {id} case"},
	"eid":   {"1", "evidence of the {id} case"},
	"fid":   {"1", "a file of the {id} training"},
	"sid":   {"1", "a session of the {id} case"},
	"kid":   {"1", "a consultation of the {id} case"},
	"pid":   {"1", "a proposal in the party's conversation ({token})"},
	"photo": {"1", "a photo of the {id} inspection"},
	"flag":  {"1", "a duplicate flag of the {id} case"},
}

// districtFixtures name, for each kind of object a route's first path
// parameter can be, a Pudong object of that kind in the demo: %[1]d is the
// Pudong committee's id, %[2]s its org path. Routes are matched on the path
// up to and including that parameter, so a new route on a known object is
// checked without a line here. "case" is the matrix's own fixture case.
var districtFixtures = map[string]string{
	"/cases/{id}":                    "case",
	"/api/v1/cases/{id}":             "case",
	"/sync/cases/{id}":               "case",
	"/feedback/{id}":                 "case",
	"/court/{id}":                    "case",
	"/api/v1/judicial/{id}":          "case",
	"/groups/{id}":                   "SELECT min(id) FROM case_groups WHERE committee_id = %[1]d",
	"/api/v1/groups/{id}":            "SELECT min(id) FROM case_groups WHERE committee_id = %[1]d",
	"/liaison/briefings/{id}":        "SELECT min(id) FROM liaison_briefings WHERE committee_id = %[1]d",
	"/standards/inspections/{id}":    "SELECT min(id) FROM room_inspections WHERE committee_id = %[1]d",
	"/subsidies/batches/{id}":        "SELECT min(id) FROM subsidy_batches WHERE committee_id = %[1]d",
	"/api/v1/subsidies/batches/{id}": "SELECT min(id) FROM subsidy_batches WHERE committee_id = %[1]d",
	"/subsidies/contracts/{id}":      "SELECT min(id) FROM contracts WHERE committee_id = %[1]d",
	"/api/v1/contracts/{id}":         "SELECT min(id) FROM contracts WHERE committee_id = %[1]d",
	"/library/drafts/{id}":           "SELECT min(id) FROM typical_cases WHERE committee_id = %[1]d",
	"/api/v1/library/drafts/{id}":    "SELECT min(id) FROM typical_cases WHERE committee_id = %[1]d",
	"/api/v1/library/{id}":           "SELECT min(id) FROM typical_cases WHERE committee_id = %[1]d",
	"/bulletins/{id}":                "SELECT min(id) FROM bulletins WHERE committee_id = %[1]d",
	"/api/v1/bulletins/{id}":         "SELECT min(id) FROM bulletins WHERE committee_id = %[1]d",
	"/meetings/{id}":                 "SELECT min(m.id) FROM meetings m JOIN org_units o ON o.id = m.unit_id WHERE o.path LIKE '%[2]s%%'",
	"/meetings/items/{iid}":          "SELECT min(i.id) FROM meeting_items i JOIN meetings m ON m.id = i.meeting_id JOIN org_units o ON o.id = m.unit_id WHERE o.path LIKE '%[2]s%%'",
	"/trainings/{id}":                "SELECT min(t.id) FROM trainings t JOIN org_units o ON o.id = t.unit_id WHERE o.path LIKE '%[2]s%%'",
	"/warnings/{id}":                 "SELECT min(w.id) FROM warnings w JOIN org_units o ON o.id = w.unit_id WHERE o.path LIKE '%[2]s%%'",
	"/api/v1/warnings/{id}":          "SELECT min(w.id) FROM warnings w JOIN org_units o ON o.id = w.unit_id WHERE o.path LIKE '%[2]s%%'",
	"/warnings/supervisions/{id}":    "SELECT min(s.id) FROM supervisions s JOIN org_units o ON o.id = s.unit_id WHERE o.path LIKE '%[2]s%%'",
	"/warnings/notices/{id}":         "SELECT min(n.id) FROM warning_notices n JOIN role_bindings b ON b.user_id = n.user_id JOIN org_units o ON o.id = b.org_id WHERE o.path LIKE '%[2]s%%'",
	"/evaluation/mediator/{id}":      "SELECT min(u.id) FROM users u JOIN role_bindings b ON b.user_id = u.id JOIN org_units o ON o.id = b.org_id WHERE b.role = 'mediator' AND u.username <> 'mediator01' AND o.path LIKE '%[2]s%%'",
	"/mediators/{id}":                "SELECT min(u.id) FROM users u JOIN role_bindings b ON b.user_id = u.id JOIN org_units o ON o.id = b.org_id WHERE b.role = 'mediator' AND u.username <> 'mediator01' AND o.path LIKE '%[2]s%%'",
	"/reports/daily/{unit}":          "SELECT %[1]d",
}

// districtExempt are object routes not checked across districts, and why.
var districtExempt = map[string]string{
	"/desk/views/{vid}":             "a saved desk view is its owner's, not a district's: the desk service deletes only the caller's own",
	"/import/{id}":                  "the demo has no import batch; batches are listed and opened through the committee's scope (ingest tests)",
	"/grants/{id}":                  "the demo has no pending grant; TestGrantNeedsSecondPerson has xh_committee01 decide a Pudong grant (404)",
	"/api/v1/grants/{id}":           "the demo has no pending grant; TestGrantNeedsSecondPerson has xh_committee01 decide a Pudong grant (404)",
	"/privacy/requests/{id}":        "the demo has no data request; TestPrivacyDeletionRequest has xh_committee01 decide a Pudong request (404)",
	"/api/v1/privacy/requests/{id}": "the demo has no data request; TestPrivacyDeletionRequest has xh_committee01 decide a Pudong request (404)",
}

// districtRefusedEarly are object routes where a Xuhui user is refused
// before the object is looked up: 403 (a mediator's eval.read opens only
// their own figures). Every other object route checks the scope before the
// form, so an empty form on another district's object is a 404.
var districtRefusedEarly = map[string]int{
	"GET /evaluation/mediator/{id}": http.StatusForbidden,
}

// objectPrefix is a route's path up to and including its first parameter
// that names an object ("" when it has none).
func objectPrefix(path string) string {
	for i := 0; i < len(path); i++ {
		if path[i] != '{' {
			continue
		}
		j := strings.IndexByte(path[i:], '}')
		name := path[i+1 : i+j]
		if _, plain := pathParams[name]; plain {
			continue
		}
		return path[:i+j+1]
	}
	return ""
}

// matrixPath puts values in a route's path: the object's id for its object
// parameter, pathParams for the others. ok is false for a parameter nobody
// has decided on.
func matrixPath(path, prefix, objectID string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		if path[i] != '{' {
			b.WriteByte(path[i])
			continue
		}
		j := strings.IndexByte(path[i:], '}')
		name := path[i+1 : i+j]
		switch p, ok := pathParams[name]; {
		case prefix != "" && i+j+1 == len(prefix) && objectID != "":
			b.WriteString(objectID)
		case ok:
			b.WriteString(p.value)
		case name == "id" || name == "iid" || name == "vid" || name == "unit":
			b.WriteString("999999") // an object with no fixture: exempt, or no Xuhui holder
		default:
			return "", false
		}
		i += j
	}
	return b.String(), true
}

// TestAccessMatrix walks every route of the table with every role. Routes
// and their parameters are taken from the table: a new route is walked
// without a line here, and one with a parameter nobody has placed fails.
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
			walked := map[string]bool{}
			for _, rt := range routes {
				prefix, oid := objectPrefix(rt.Path), ""
				if strings.HasSuffix(prefix, "{id}") {
					oid = id
				}
				path, ok := matrixPath(rt.Path, prefix, oid)
				if !ok {
					t.Errorf("%s: a path parameter neither pathParams nor districtFixtures places", rt.Pattern())
					continue
				}
				if rt.Path == "/static/" {
					path = "/static/css/app.css"
				}
				walked[rt.Pattern()] = true
				for _, u := range users {
					r := matrixCall(clients[u], rt, path, u == "")
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
			// Every route of the table was walked, with every user.
			for _, rt := range e.srv.Routes() {
				if !walked[rt.Pattern()] {
					t.Errorf("%s was not walked by the matrix", rt.Pattern())
				}
			}
		})
	}
}

// matrixCall calls a route as the matrix does: an empty JSON object or an
// empty form for writes; anon drops the API token.
func matrixCall(cl *client, rt server.Route, path string, anon bool) resp {
	switch {
	case rt.API:
		var body any
		if rt.Method == "POST" || rt.Method == "PUT" {
			body = map[string]any{}
		}
		tok := cl.token
		if anon {
			cl.token = ""
		}
		r := cl.json(rt.Method, path, body, nil)
		cl.token = tok
		return r
	case rt.Method == "GET":
		return cl.get(path)
	}
	return cl.form(rt.Method, path, url.Values{})
}

// TestDistrictMatrix: every route naming an object (its first {id}, {iid}
// or {unit}) is called on a Pudong object by the Xuhui users who hold the
// route's permission: 404, never the object, whatever the method. The
// Pudong committee reads the same objects (GET), so the fixtures are real.
// An object route a Xuhui user may call with no fixture and no exemption
// fails, so a new kind of object cannot slip past.
func TestDistrictMatrix(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		pd := e.login("mediator01")
		res := pd.json("POST", "/api/v1/complaints", validComplaint(""), nil)
		var c struct{ ID int64 }
		json.Unmarshal([]byte(res.body), &c)
		if res.StatusCode != 201 {
			t.Fatalf("create fixture case: %d %s", res.StatusCode, res.body)
		}
		id := strconv.FormatInt(c.ID, 10)
		var committee int64
		var orgPath string
		w := e.db.Writer()
		if err := w.QueryRow("SELECT c.committee_id, o.path FROM cases c JOIN org_units o ON o.id = c.committee_id WHERE c.id = "+id).Scan(&committee, &orgPath); err != nil {
			t.Fatal(err)
		}
		objects := map[string]string{}
		missing := map[string]bool{}
		for prefix, q := range districtFixtures {
			if q == "case" {
				objects[prefix] = id
				continue
			}
			var oid sql.NullInt64
			if err := w.QueryRow(fmt.Sprintf(q, committee, orgPath)).Scan(&oid); err != nil {
				t.Fatalf("%s: %v", prefix, err)
			}
			if !oid.Valid {
				missing[prefix] = true
				continue
			}
			objects[prefix] = strconv.FormatInt(oid.Int64, 10)
		}
		clients := map[string]*client{"committee01": e.login("committee01")}
		for _, u := range xuhui {
			clients[u] = e.login(u)
		}
		checked, readable := 0, 0
		for _, rt := range e.srv.Routes() {
			prefix := objectPrefix(rt.Path)
			if prefix == "" || rt.Perm == domain.PermNone || !slices.ContainsFunc(xuhui, func(u string) bool { return allowed(rt.Perm, u) }) {
				continue
			}
			if districtExempt[prefix] != "" {
				continue
			}
			if _, named := districtFixtures[prefix]; !named {
				t.Errorf("%s names an object (%s) a Xuhui user may reach, but has no Pudong fixture in districtFixtures nor a reason in districtExempt", rt.Pattern(), prefix)
				continue
			}
			oid := objects[prefix]
			if oid == "" {
				continue // reported once below
			}
			path, ok := matrixPath(rt.Path, prefix, oid)
			if !ok {
				t.Errorf("%s: a path parameter neither pathParams nor districtFixtures places", rt.Pattern())
				continue
			}
			for _, u := range xuhui {
				if !allowed(rt.Perm, u) {
					continue
				}
				checked++
				r := matrixCall(clients[u], rt, path, false)
				if r.StatusCode != http.StatusNotFound && r.StatusCode != districtRefusedEarly[rt.Pattern()] {
					t.Errorf("%s %s as %s: %d, want 404 (a Pudong object)", rt.Method, path, u, r.StatusCode)
				}
				if r.StatusCode == http.StatusOK || strings.Contains(r.body, "李雷") {
					t.Errorf("%s %s as %s: the Pudong object was shown", rt.Method, path, u)
				}
			}
			if rt.Method == "GET" && allowed(rt.Perm, "committee01") {
				// Sub-pages may be 404 for want of content (no agreement yet); the object itself is there.
				if r := matrixCall(clients["committee01"], rt, path, false); r.StatusCode == http.StatusOK {
					readable++
				} else if r.StatusCode == http.StatusNotFound && rt.Path == prefix && !strings.HasPrefix(prefix, "/feedback/") && !strings.HasPrefix(prefix, "/evaluation/") {
					t.Errorf("%s as committee01: 404, the Pudong fixture is not a real object", path)
				}
			}
		}
		for prefix := range missing {
			t.Errorf("%s: the demo has no Pudong object to check the district on", prefix)
		}
		if checked == 0 || readable == 0 {
			t.Errorf("checked %d requests across districts, %d fixtures readable at home", checked, readable)
		}
		t.Logf("%d requests checked across districts; %d fixture reads at home", checked, readable)
	})
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
