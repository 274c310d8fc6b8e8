package server_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/audit"
	"github.com/tiaojie/tiaojie/internal/store"
)

// A committee member accepts a case through the API; the auditor finds the
// change on record with who, role, unit, request id and address, searches
// and exports it, and the chain verifies.
func TestAuditTrailOfRequests(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cm := e.login("committee01")
		id := registerCase(t, cm)
		r := cm.json("POST", "/api/v1/cases/"+itoa(id)+"/accept", map[string]any{}, nil)
		if r.StatusCode != 200 {
			t.Fatalf("accept: %d %s", r.StatusCode, r.body)
		}
		reqID := r.Header.Get("X-Request-Id")
		if reqID == "" {
			t.Fatal("no request id on the response")
		}
		es, err := e.db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Object: "case:" + itoa(id)})
		if err != nil {
			t.Fatal(err)
		}
		var accept *audit.Entry
		for i := range es {
			if es[i].Actor.RequestID == reqID {
				accept = &es[i]
			}
		}
		if accept == nil {
			t.Fatalf("the accepting request is not on record: %+v", es)
		}
		if accept.Actor.Name != "committee01" || accept.Actor.Role != "committee" || accept.Actor.UnitID == 0 ||
			accept.Actor.Addr != "127.0.0.1" || accept.After == "" || accept.Before == "" {
			t.Fatalf("entry: %+v", *accept)
		}

		au := e.login("auditor01")
		page := au.get("/audit?actor=committee01&object=case:" + itoa(id))
		if page.StatusCode != 200 || !strings.Contains(page.body, reqID) || !strings.Contains(page.body, "调委会") {
			t.Fatalf("audit page: %d", page.StatusCode)
		}
		if bad := au.get("/audit?from=2026-13-01"); bad.StatusCode != 422 || !strings.Contains(bad.body, "起始日期") {
			t.Fatalf("bad date: %d", bad.StatusCode)
		}
		var out struct {
			Entries []struct {
				Actor     string `json:"actor"`
				RequestID string `json:"request_id"`
				Object    string `json:"object"`
			} `json:"entries"`
		}
		api := au.json("GET", "/api/v1/audit?object=case:"+itoa(id)+"&actor=committee01", nil, nil)
		json_(api.body, &out)
		if api.StatusCode != 200 || len(out.Entries) < 2 || out.Entries[0].Object != "case:"+itoa(id) {
			t.Fatalf("audit API: %d %s", api.StatusCode, api.body)
		}
		if r := au.json("GET", "/api/v1/audit?who=x", nil, nil); r.StatusCode != 400 {
			t.Fatalf("unknown query parameter: %d", r.StatusCode)
		}
		x := au.get("/audit/export.xlsx?object=case:" + itoa(id))
		if x.StatusCode != 200 {
			t.Fatalf("export: %d", x.StatusCode)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("审计日志")
		found := false
		for _, row := range rows[1:] {
			found = found || (len(row) > 10 && row[10] == reqID && row[3] == "committee01")
		}
		if len(rows) < 3 || !found {
			t.Fatalf("export rows: %q", rows)
		}
		// Nobody but an auditor reads it; the admin cannot.
		for _, who := range []string{"admin", "committee01"} {
			if r := e.login(who).get("/audit"); r.StatusCode != http.StatusForbidden {
				t.Fatalf("%s reads the audit trail: %d", who, r.StatusCode)
			}
		}
		if p := au.get("/audit?verify=1"); !strings.Contains(p.body, "哈希链完整") {
			t.Fatal("chain check not reported intact")
		}
	})
}
