package server_test

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/api"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/server"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// openAPIDoc is the part of the document the tests read.
type openAPIDoc struct {
	Paths map[string]map[string]struct {
		Parameters []struct {
			Name        string         `json:"name"`
			In          string         `json:"in"`
			Description string         `json:"description"`
			Schema      map[string]any `json:"schema"`
		} `json:"parameters"`
		RequestBody *struct {
			Content map[string]struct {
				Schema map[string]any `json:"schema"`
			} `json:"content"`
		} `json:"requestBody"`
		Responses map[string]struct {
			Content map[string]struct {
				Schema map[string]any `json:"schema"`
			} `json:"content"`
		} `json:"responses"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]map[string]any `json:"schemas"`
	} `json:"components"`
}

// The document and the route table agree both ways, every route declares
// its bodies, every error is the one error schema, and every enumerated
// field lists a real code table.
func TestOpenAPIMatchesRouteTable(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		r := e.anon().get("/api/v1/openapi.json")
		var doc openAPIDoc
		if err := json.Unmarshal([]byte(r.body), &doc); err != nil || r.StatusCode != 200 {
			t.Fatalf("openapi: %d %v", r.StatusCode, err)
		}
		routes := map[string]server.Route{}
		for _, rt := range e.srv.Routes() {
			if rt.API {
				routes[strings.ToLower(rt.Method)+" "+rt.Path] = rt
			} else if strings.HasPrefix(rt.Path, "/api/") {
				t.Errorf("%s is under /api/ but not marked API", rt.Pattern())
			}
		}
		// Every documented operation is a route…
		for path, ops := range doc.Paths {
			for method := range ops {
				if _, ok := routes[method+" "+path]; !ok {
					t.Errorf("documented %s %s is not a route", method, path)
				}
			}
		}
		// …and every route is documented, with its bodies and its query parameters.
		for key, rt := range routes {
			method, path, _ := strings.Cut(key, " ")
			op, ok := doc.Paths[path][method]
			if !ok {
				t.Errorf("%s missing from OpenAPI", rt.Pattern())
				continue
			}
			if rt.Response == nil {
				t.Errorf("%s declares no response type", rt.Pattern())
			}
			if rt.Method == "POST" && rt.Request == nil {
				t.Errorf("%s declares no request type (api.NoBody when it takes none)", rt.Pattern())
			}
			noBody := reflect.TypeOf(rt.Request) == reflect.TypeOf(api.NoBody{})
			if (op.RequestBody != nil) != (rt.Request != nil && !noBody) {
				t.Errorf("%s: request body documented %v, declared %T", rt.Pattern(), op.RequestBody != nil, rt.Request)
			}
			var query []string
			for _, p := range op.Parameters {
				if p.In == "query" {
					query = append(query, p.Name)
				}
				if p.In == "path" && !strings.Contains(rt.Path, "{"+p.Name+"}") {
					t.Errorf("%s: path parameter %s not in the path", rt.Pattern(), p.Name)
				}
			}
			if !slices.Equal(query, rt.Query) {
				t.Errorf("%s: documented query %v, accepted %v", rt.Pattern(), query, rt.Query)
			}
			for _, p := range op.Parameters {
				// The case list refuses offsets past store.MaxListOffset (TestComplaintAPI): the document says so.
				if rt.Path == "/api/v1/cases" && p.Name == "offset" && (p.Schema["maximum"] != float64(store.MaxListOffset) || !strings.Contains(p.Description, "10000")) {
					t.Errorf("%s offset documented as %v %q", rt.Pattern(), p.Schema, p.Description)
				}
			}
			success := 0
			for code, res := range op.Responses {
				if code[0] == '2' {
					success++
					continue
				}
				if ref := res.Content["application/json"].Schema["$ref"]; ref != "#/components/schemas/Error" {
					t.Errorf("%s %s: error response schema %v", rt.Pattern(), code, ref)
				}
			}
			if success != 1 {
				t.Errorf("%s: %d success responses", rt.Pattern(), success)
			}
		}
		if req := doc.Components.Schemas["Error"]["required"]; !reflect.DeepEqual(req, []any{"code", "error"}) {
			t.Errorf("error schema: %v", doc.Components.Schemas["Error"])
		}

		// Required fields, enums and formats are marked.
		reject := doc.Paths["/api/v1/cases/{id}/reject"]["post"].RequestBody.Content["application/json"].Schema
		if !reflect.DeepEqual(reject["required"], []any{"reason"}) {
			t.Errorf("reject required: %v", reject["required"])
		}
		reason := reject["properties"].(map[string]any)["reason"].(map[string]any)
		if enum, _ := reason["enum"].([]any); len(enum) != len(domain.RejectReasons) || enum[0] != domain.RejectReasons[0].Code {
			t.Errorf("reject reason enum: %v", reason)
		}
		session := doc.Paths["/api/v1/cases/{id}/sessions"]["post"].RequestBody.Content["application/json"].Schema["properties"].(map[string]any)
		if session["at"].(map[string]any)["format"] != "date-time" {
			t.Errorf("session time format: %v", session["at"])
		}
		terms := doc.Paths["/api/v1/cases/{id}/agreement"]["post"].RequestBody.Content["application/json"].Schema["properties"].(map[string]any)["terms"].(map[string]any)
		deadline := terms["items"].(map[string]any)["properties"].(map[string]any)["deadline"].(map[string]any)
		if deadline["format"] != "date" {
			t.Errorf("term deadline format: %v", deadline)
		}
		complaint := doc.Paths["/api/v1/complaints"]["post"].RequestBody.Content["application/json"].Schema
		if req, _ := complaint["required"].([]any); !slices.Contains(req, any("phone")) {
			t.Errorf("complaint required: %v", complaint["required"])
		}

		// Every enum tag on a request or response type names a code table that has values.
		tables := api.CodeTables()
		seen := map[reflect.Type]bool{}
		var walk func(reflect.Type)
		walk = func(t0 reflect.Type) {
			for t0.Kind() == reflect.Pointer || t0.Kind() == reflect.Slice || t0.Kind() == reflect.Map {
				t0 = t0.Elem()
			}
			if t0.Kind() != reflect.Struct || seen[t0] {
				return
			}
			seen[t0] = true
			for i := 0; i < t0.NumField(); i++ {
				f := t0.Field(i)
				if en := f.Tag.Get("enum"); en != "" && len(tables[en]) == 0 {
					t.Errorf("%s.%s: enum table %q is empty or unknown", t0.Name(), f.Name, en)
				}
				walk(f.Type)
			}
		}
		for _, rt := range routes {
			if rt.Request != nil {
				walk(reflect.TypeOf(rt.Request))
			}
			if rt.Response != nil {
				walk(reflect.TypeOf(rt.Response))
			}
		}
	})
}

// userFor is a demo user holding perm in the Pudong district (the env's cases live there).
func userFor(perm domain.Permission) string {
	switch perm {
	case domain.PermNone:
		return ""
	case domain.PermSignedIn, domain.PermCaseRead, domain.PermCaseCreate, domain.PermCaseDecide, domain.PermGroupManage:
		return "committee01"
	}
	return holders[perm][0]
}

// fillPath puts real ids into a route's path parameters.
func fillPath(path string, caseID int64) string {
	return strings.NewReplacer("{id}", itoa(caseID), "{sid}", "1", "{flag}", "1").Replace(path)
}

// Every API route refuses an unknown query parameter, every route taking a
// body refuses an unknown field, and a role without the permission gets 403
// — all with a Chinese message, and nothing changes.
func TestAPIStrictInputAndRoles(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			ctx := context.Background()
			m := e.login("mediator01")
			id := registerCase(t, m)
			before, _ := e.db.GetCase(ctx, id)
			clients := map[string]*client{"": e.anon()}
			as := func(user string) *client {
				if clients[user] == nil {
					clients[user] = e.login(user)
				}
				return clients[user]
			}
			auditor := as("auditor01") // holds audit.read only
			for _, rt := range e.srv.Routes() {
				if !rt.API {
					continue
				}
				path := fillPath(rt.Path, id)
				c := as(userFor(rt.Perm))
				if r := c.json(rt.Method, path+"?zzz=1", nil, nil); r.StatusCode != 400 || !strings.Contains(r.body, "未知查询参数") {
					t.Errorf("%s with an unknown query parameter: %d %s", rt.Pattern(), r.StatusCode, r.body)
				}
				if rt.Request != nil {
					if r := c.json(rt.Method, path, `{"zzz": 1}`, nil); r.StatusCode != 400 || !strings.Contains(r.body, "未知字段") {
						t.Errorf("%s with an unknown field: %d %s", rt.Pattern(), r.StatusCode, r.body)
					}
				}
				if rt.Perm != domain.PermNone && rt.Perm != domain.PermSignedIn && !slices.Contains(holders[rt.Perm], "auditor01") {
					if r := auditor.json(rt.Method, path, nil, nil); r.StatusCode != 403 || !strings.Contains(r.body, "无权") {
						t.Errorf("%s as auditor: %d %s", rt.Pattern(), r.StatusCode, r.body)
					}
					if r := e.anon().json(rt.Method, path, nil, nil); r.StatusCode != 401 {
						t.Errorf("%s without a token: %d", rt.Pattern(), r.StatusCode)
					}
				}
			}
			if after, _ := e.db.GetCase(ctx, id); after.Version != before.Version || after.Status != before.Status {
				t.Fatalf("refused requests changed the case: %d/%s → %d/%s", before.Version, before.Status, after.Version, after.Status)
			}
		})
	}
}

// Every case route answers 404 to the other district — whatever the body —
// exactly as for a case that does not exist, and changes nothing.
func TestAPIOtherDistrictCases(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			ctx := context.Background()
			id := registerCase(t, e.login("mediator01"))
			before, _ := e.db.GetCase(ctx, id)
			xh := e.login("xh_committee01")
			n := 0
			for _, rt := range e.srv.Routes() {
				if !rt.API || !strings.HasPrefix(rt.Path, "/api/v1/cases/{id}") {
					continue
				}
				var body any
				if rt.Request != nil {
					body = `{}`
				}
				r := xh.json(rt.Method, fillPath(rt.Path, id), body, nil)
				if r.StatusCode != 404 || !strings.Contains(r.body, "不存在") {
					t.Errorf("%s from the other district: %d %s", rt.Pattern(), r.StatusCode, r.body)
				}
				n++
			}
			if n < 30 {
				t.Fatalf("only %d case routes", n)
			}
			if after, _ := e.db.GetCase(ctx, id); after.Version != before.Version {
				t.Fatal("the other district changed the case")
			}
		})
	}
}
