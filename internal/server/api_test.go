package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

func validComplaint(ext string) map[string]any {
	m := map[string]any{
		"complainant_name": "李雷", "phone": "13912345678", "id_number": "11010519491231002X",
		"merchant_name": "上海某某健身有限公司", "credit_code": "91350100M000100Y43", "merchant_address": "浦东新区陆家嘴街道世纪大道1号",
		"category": "服务-健身", "description": "健身房突然闭店，预付卡余额3000元无法退还，联系不上经营者。",
		"claim": "退还预付卡余额", "claim_amount_fen": 300000,
	}
	if ext != "" {
		m["external_id"] = ext
	}
	return m
}

type caseOut struct {
	ID         int64  `json:"id"`
	Number     string `json:"number"`
	Status     string `json:"status"`
	Version    int64  `json:"version"`
	ReasonCode string `json:"reason_code"`
	Deadlines  []struct {
		Kind      string `json:"kind"`
		Due       string `json:"due"`
		Remaining int    `json:"remaining"`
		Running   bool   `json:"running"`
	} `json:"deadlines"`
	Parties []struct {
		Kind, Name, Phone string
		IDNumber          string `json:"id_number"`
	} `json:"parties"`
}

// registerCase registers validComplaint as c (a walk-in in c's room) and returns its id.
func registerCase(t *testing.T, c *client) int64 {
	t.Helper()
	r := c.json("POST", "/api/v1/complaints", validComplaint(""), nil)
	var out caseOut
	json_(r.body, &out)
	if r.StatusCode != 201 || out.ID == 0 {
		t.Fatalf("register: %d %s", r.StatusCode, r.body)
	}
	return out.ID
}

func countCases(t *testing.T, e *env) int64 {
	p, err := e.db.ListCases(context.Background(), store.CaseQuery{Scope: store.Scope{All: true}})
	if err != nil {
		t.Fatal(err)
	}
	return p.Total
}

func TestComplaintAPI(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			m := e.login("mediator01")

			res := m.json("POST", "/api/v1/complaints", validComplaint("1231520260302000123"), map[string]string{"Idempotency-Key": "k-1"})
			if res.StatusCode != 201 {
				t.Fatalf("create: %d %s", res.StatusCode, res.body)
			}
			var c caseOut
			json.Unmarshal([]byte(res.body), &c)
			if c.ID == 0 || !strings.Contains(c.Number, "浦消调字第") || c.Status != "received" || len(c.Deadlines) == 0 || c.Deadlines[0].Kind != "acceptance" || len(c.Deadlines[0].Due) != 10 {
				t.Fatalf("created case: %s", res.body)
			}
			if strings.Contains(res.body, "13912345678") || strings.Contains(res.body, "11010519491231002X") {
				t.Fatal("personal data unmasked in the API")
			}
			if c.Parties[0].Phone != "139****5678" {
				t.Fatalf("masked phone: %+v", c.Parties)
			}
			before := countCases(t, e)
			// The answer to a new complaint (built from the case read back after
			// its commit) is the case as any later read of it answers.
			read := m.json("GET", "/api/v1/cases/"+itoa(c.ID), nil, nil)
			if read.StatusCode != 200 || !sameJSON(t, res.body, read.body) {
				t.Fatalf("created case answered\n%s\nread afterwards\n%s", res.body, read.body)
			}

			// Same key: same case, 200, nothing new.
			again := m.json("POST", "/api/v1/complaints", validComplaint("1231520260302000123"), map[string]string{"Idempotency-Key": "k-1"})
			var c2 caseOut
			json.Unmarshal([]byte(again.body), &c2)
			if again.StatusCode != 200 || c2.ID != c.ID || c2.Number != c.Number || !sameJSON(t, again.body, read.body) {
				t.Fatalf("retry: %d %s", again.StatusCode, again.body)
			}
			// Same 12315 number, new key: refused as a duplicate.
			dup := m.json("POST", "/api/v1/complaints", validComplaint("1231520260302000123"), map[string]string{"Idempotency-Key": "k-2"})
			if dup.StatusCode != 409 || !strings.Contains(dup.body, c.Number) {
				t.Fatalf("duplicate 12315 number: %d %s", dup.StatusCode, dup.body)
			}

			// Bad input: 4xx with a Chinese message, nothing written.
			bad := validComplaint("")
			bad["phone"], bad["credit_code"], bad["id_number"], bad["category"] = "12345", "91350100M000100Y44", "110105194912310021", "赌博"
			bad["description"] = "太短"
			cases := []struct {
				name   string
				body   any
				status int
				want   string
			}{
				{"validation", bad, 422, "手机号码"},
				{"malformed", `{"complainant_name": "李雷",`, 400, "JSON"},
				{"wrong type", `{"claim_amount_fen": "三千"}`, 400, "claim_amount_fen"},
				{"unknown field", `{"nickname": "x"}`, 400, "未知字段"},
				{"two objects", `{} {}`, 400, "JSON"},
				{"empty", ``, 400, "请求体"},
				{"oversize", `{"description": "` + strings.Repeat("很", 40000) + `"}`, 413, "过大"},
				{"negative amount", func() any { v := validComplaint(""); v["claim_amount_fen"] = -5; return v }(), 422, "金额"},
				{"future received_at", func() any { v := validComplaint(""); v["received_at"] = "2099-01-01T00:00:00+08:00"; return v }(), 422, "登记时间"},
				{"bad time", func() any { v := validComplaint(""); v["received_at"] = "昨天"; return v }(), 400, "时间格式"},
			}
			for _, tc := range cases {
				r := m.json("POST", "/api/v1/complaints", tc.body, nil)
				if r.StatusCode != tc.status || !strings.Contains(r.body, tc.want) {
					t.Errorf("%s: %d %s", tc.name, r.StatusCode, r.body)
				}
			}
			var ve struct {
				Fields map[string]string `json:"fields"`
			}
			r := m.json("POST", "/api/v1/complaints", bad, nil)
			json.Unmarshal([]byte(r.body), &ve)
			for _, f := range []string{"phone", "credit_code", "id_number", "category", "description"} {
				if ve.Fields[f] == "" {
					t.Errorf("no message for field %s: %s", f, r.body)
				}
			}
			if n := countCases(t, e); n != before {
				t.Fatalf("bad input wrote cases: %d → %d", before, n)
			}

			// Read back, list, search.
			if r := m.json("GET", "/api/v1/cases/"+itoa(c.ID), nil, nil); r.StatusCode != 200 {
				t.Fatalf("get: %d", r.StatusCode)
			}
			if r := m.json("GET", "/api/v1/cases/99999999", nil, nil); r.StatusCode != 404 || !strings.Contains(r.body, "不存在") {
				t.Fatalf("unknown id: %d %s", r.StatusCode, r.body)
			}
			if r := m.json("GET", "/api/v1/cases/abc", nil, nil); r.StatusCode != 404 {
				t.Fatalf("non-numeric id: %d", r.StatusCode)
			}
			var list struct {
				Cases []caseOut `json:"cases"`
				Total int64     `json:"total"`
			}
			r = m.json("GET", "/api/v1/cases?q=1231520260302000123&status=received", nil, nil)
			json.Unmarshal([]byte(r.body), &list)
			if r.StatusCode != 200 || list.Total != 1 || list.Cases[0].ID != c.ID {
				t.Fatalf("search: %s", r.body)
			}
			for _, q := range []string{"status=nonsense", "from=2026-13-01", "limit=0", "limit=9999", "room=x", "offset=-1", "offset=10001"} {
				if r := m.json("GET", "/api/v1/cases?"+q, nil, nil); r.StatusCode != 400 {
					t.Errorf("bad filter %s: %d", q, r.StatusCode)
				}
			}
			// The deepest offset the document promises is answered (an empty page).
			if r := m.json("GET", "/api/v1/cases?offset=10000", nil, nil); r.StatusCode != 200 {
				t.Errorf("offset=10000: %d %s", r.StatusCode, r.body)
			}

			// Reject needs a reason; accept works once; a second decision is a state conflict.
			if r := m.json("POST", "/api/v1/cases/"+itoa(c.ID)+"/reject", map[string]any{"reason": "nonsense"}, nil); r.StatusCode != 409 || !strings.Contains(r.body, "理由") {
				t.Fatalf("reject without a legal reason: %d %s", r.StatusCode, r.body)
			}
			if r := m.json("POST", "/api/v1/cases/"+itoa(c.ID)+"/accept", map[string]any{"version": 99}, nil); r.StatusCode != 409 {
				t.Fatalf("stale version: %d %s", r.StatusCode, r.body)
			}
			r = m.json("POST", "/api/v1/cases/"+itoa(c.ID)+"/accept", map[string]any{"note": "材料齐全"}, nil)
			var acc caseOut
			json.Unmarshal([]byte(r.body), &acc)
			if r.StatusCode != 200 || acc.Status != "accepted" {
				t.Fatalf("accept: %d %s", r.StatusCode, r.body)
			}
			kinds := map[string]bool{}
			for _, d := range acc.Deadlines {
				kinds[d.Kind] = d.Running
			}
			if kinds["acceptance"] || !kinds["mediation"] {
				t.Fatalf("after acceptance the mediation clock runs and the acceptance clock stops: %s", r.body)
			}
			if r := m.json("POST", "/api/v1/cases/"+itoa(c.ID)+"/accept", nil, nil); r.StatusCode != 409 || !strings.Contains(r.body, "已受理") {
				t.Fatalf("accept twice: %d %s", r.StatusCode, r.body)
			}
			var evs []struct{ Type, To string }
			r = m.json("GET", "/api/v1/cases/"+itoa(c.ID)+"/events", nil, nil)
			json.Unmarshal([]byte(r.body), &evs)
			if len(evs) != 2 || evs[1].Type != "accept" {
				t.Fatalf("events: %s", r.body)
			}

			// Another case, rejected with a legal reason.
			r = m.json("POST", "/api/v1/complaints", validComplaint(""), nil)
			var c3 caseOut
			json.Unmarshal([]byte(r.body), &c3)
			r = m.json("POST", "/api/v1/cases/"+itoa(c3.ID)+"/reject", map[string]any{"reason": "over_three_years"}, nil)
			json.Unmarshal([]byte(r.body), &c3)
			if r.StatusCode != 200 || c3.Status != "rejected" || c3.ReasonCode != "over_three_years" {
				t.Fatalf("reject: %d %s", r.StatusCode, r.body)
			}
		})
	}
}

func TestMachineKeyScope(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		admin := e.login("admin")
		units, _ := e.db.ListOrgUnits(context.Background())
		var office, xhCommittee int64
		for _, u := range units {
			if u.Code == "pd-amr-01" {
				office = u.ID
			}
			if u.Code == "xh-cmt" {
				xhCommittee = u.ID
			}
		}
		r := admin.json("POST", "/api/v1/keys", map[string]any{"name": "12315对接", "org_id": office, "days": 30}, nil)
		if r.StatusCode != 201 {
			t.Fatalf("issue key: %d %s", r.StatusCode, r.body)
		}
		var k struct{ Key string }
		json.Unmarshal([]byte(r.body), &k)
		machine := e.anon()
		machine.token = k.Key
		r = machine.json("POST", "/api/v1/complaints", validComplaint("1231520260302999999"), map[string]string{"Idempotency-Key": "m-1"})
		if r.StatusCode != 201 {
			t.Fatalf("machine intake: %d %s", r.StatusCode, r.body)
		}
		var c caseOut
		json.Unmarshal([]byte(r.body), &c)
		// The 市场监管所's key sees what it diverted, nothing of the other district.
		if r := machine.json("GET", "/api/v1/cases/"+itoa(c.ID), nil, nil); r.StatusCode != 200 {
			t.Fatalf("machine reads its own case: %d", r.StatusCode)
		}
		xh := e.login("xh_committee01")
		if r := xh.json("GET", "/api/v1/cases/"+itoa(c.ID), nil, nil); r.StatusCode != 404 {
			t.Fatalf("other district reads it: %d", r.StatusCode)
		}
		// Keys cannot decide, and cannot be used by a non-admin to mint more.
		if r := machine.json("POST", "/api/v1/cases/"+itoa(c.ID)+"/accept", nil, nil); r.StatusCode != http.StatusForbidden {
			t.Fatalf("machine accept: %d", r.StatusCode)
		}
		if r := xh.json("POST", "/api/v1/keys", map[string]any{"name": "x", "org_id": xhCommittee}, nil); r.StatusCode != 403 {
			t.Fatalf("non-admin issues key: %d", r.StatusCode)
		}
	})
}

func TestOpenAPICoversEveryRoute(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		r := e.anon().get("/api/v1/openapi.json")
		var doc struct {
			OpenAPI string                                `json:"openapi"`
			Paths   map[string]map[string]json.RawMessage `json:"paths"`
		}
		if err := json.Unmarshal([]byte(r.body), &doc); err != nil || doc.OpenAPI == "" {
			t.Fatalf("openapi: %v", err)
		}
		for _, rt := range e.srv.Routes() {
			if !rt.API {
				continue
			}
			if _, ok := doc.Paths[rt.Path][strings.ToLower(rt.Method)]; !ok {
				t.Errorf("%s missing from OpenAPI", rt.Pattern())
			}
		}
		// The documented case schema has exactly the keys a real response has.
		var spec struct {
			Paths map[string]map[string]struct {
				Responses map[string]struct {
					Content map[string]struct {
						Schema struct {
							Properties map[string]json.RawMessage `json:"properties"`
						} `json:"schema"`
					} `json:"content"`
				} `json:"responses"`
			} `json:"paths"`
		}
		json.Unmarshal([]byte(r.body), &spec)
		props := spec.Paths["/api/v1/complaints"]["post"].Responses["201"].Content["application/json"].Schema.Properties
		m := e.login("mediator01")
		res := m.json("POST", "/api/v1/complaints", validComplaint("1231520260302777777"), nil)
		var real map[string]json.RawMessage
		json.Unmarshal([]byte(res.body), &real)
		for k := range real {
			if _, ok := props[k]; !ok {
				t.Errorf("response field %q not documented", k)
			}
		}
		if len(props) == 0 {
			t.Fatal("no properties documented")
		}
	})
}

// sameJSON reports whether two JSON documents hold the same values.
func sameJSON(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatalf("%v: %s", err, a)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return reflect.DeepEqual(x, y)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// An enterprise's ODR platform key files complaints against its own firm only.
func TestODRPlatformKeyFilesOnlyAgainstItsFirm(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.login("admin")
		room, _ := e.db.GetOrgUnitByCode(ctx, "pd-eroom-01")
		ms, _ := e.db.ListRoomMerchants(ctx, room.ID)
		if len(ms) == 0 {
			t.Fatal("demo enterprise room without merchants")
		}
		r := admin.json("POST", "/api/v1/keys", map[string]any{"name": "ODR平台", "org_id": room.ID}, nil)
		var k struct{ Key string }
		json_(r.body, &k)
		odr := e.anon()
		odr.token = k.Key
		in := validComplaint("")
		if r := odr.json("POST", "/api/v1/complaints", in, nil); r.StatusCode != 422 || !strings.Contains(r.body, "本企业") {
			t.Fatalf("complaint against another firm: %d %s", r.StatusCode, r.body)
		}
		in["merchant_name"], in["credit_code"] = ms[0].Name, ms[0].CreditCode
		if r := odr.json("POST", "/api/v1/complaints", in, nil); r.StatusCode != 201 {
			t.Fatalf("complaint against its own firm: %d %s", r.StatusCode, r.body)
		}
	})
}
