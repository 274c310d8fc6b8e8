package server

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/api"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/intake"
)

// apiIO names the request and success-response body types of each API
// route; the OpenAPI schemas are generated from these Go types by reflection,
// so the document cannot drift from what the handlers encode.
var apiIO = map[string]struct {
	req    any
	resp   any
	status string
}{
	"POST /api/v1/auth/token":       {struct{ Username, Password string }{}, api.TokenResponse{}, "200"},
	"GET /api/v1/me":                {nil, api.Me{}, "200"},
	"POST /api/v1/complaints":       {intake.Complaint{}, api.CaseJSON{}, "201"},
	"GET /api/v1/cases":             {nil, api.CaseList{}, "200"},
	"GET /api/v1/cases/{id}":        {nil, api.CaseJSON{}, "200"},
	"GET /api/v1/cases/{id}/events": {nil, []api.EventJSON{}, "200"},
	"POST /api/v1/cases/{id}/accept": {struct {
		Note    string
		Version int64
	}{}, api.CaseJSON{}, "200"},
	"POST /api/v1/cases/{id}/reject": {struct {
		Reason, Note string
		Version      int64
	}{}, api.CaseJSON{}, "200"},
	"GET /api/v1/reasons": {nil, map[string][]api.ReasonJSON{}, "200"},
	"POST /api/v1/keys": {struct {
		Name  string
		OrgID int64
		Days  int
	}{}, api.KeyResponse{}, "201"},
	"GET /api/v1/openapi.json": {nil, map[string]any{}, "200"},
}

// schemaOf turns a Go type into a JSON Schema, following json tags.
func schemaOf(t reflect.Type) map[string]any {
	if t == reflect.TypeOf(time.Time{}) {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := schemaOf(t.Elem())
		s["nullable"] = true
		return s
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return map[string]any{"type": "integer"}
	case reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		props := map[string]any{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			props[JSONName(f)] = schemaOf(f.Type)
		}
		return map[string]any{"type": "object", "properties": props}
	}
	return map[string]any{}
}

// JSONName is the key encoding/json uses for a field (snake_case for untagged
// fields of the anonymous request structs above, matching the handlers' tags).
func JSONName(f reflect.StructField) string {
	if tag := f.Tag.Get("json"); tag != "" {
		if n, _, _ := strings.Cut(tag, ","); n != "" {
			return n
		}
	}
	var b strings.Builder
	for i, r := range f.Name {
		if i > 0 && r >= 'A' && r <= 'Z' && !(f.Name[i-1] >= 'A' && f.Name[i-1] <= 'Z') {
			b.WriteByte('_')
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}

// OpenAPI renders the document from the route table.
func (s *Server) OpenAPI() []byte {
	errSchema := schemaOf(reflect.TypeOf(api.Error{}))
	paths := map[string]map[string]any{}
	for _, rt := range s.table {
		if !rt.API {
			continue
		}
		io := apiIO[rt.Pattern()]
		op := map[string]any{"summary": rt.Summary, "operationId": strings.ToLower(rt.Method) + strings.NewReplacer("/api/v1/", "_", "/", "_", "{", "", "}", "").Replace(rt.Path)}
		if rt.Perm != domain.PermNone {
			op["security"] = []any{map[string]any{"bearer": []any{}}}
			op["x-permission"] = string(rt.Perm)
		} else {
			op["security"] = []any{}
		}
		var params []any
		if strings.Contains(rt.Path, "{id}") {
			params = append(params, map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "integer"}})
		}
		if rt.Pattern() == "GET /api/v1/cases" {
			for _, q := range []struct{ name, desc string }{{"status", "状态代码"}, {"room", "工作室ID"}, {"q", "关键词：案号、姓名、经营者、投诉编号、描述"}, {"from", "登记日期起（YYYY-MM-DD）"}, {"to", "登记日期止（含）"}, {"limit", "每页条数，1-500，默认50"}, {"offset", "偏移量"}} {
				params = append(params, map[string]any{"name": q.name, "in": "query", "description": q.desc, "schema": map[string]any{"type": "string"}})
			}
		}
		if rt.Pattern() == "POST /api/v1/complaints" {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "description": "同一客户端相同键只登记一次，重复请求返回同一案件（200）", "schema": map[string]any{"type": "string", "maxLength": 200}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if io.req != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(io.req))}}}
		}
		resps := map[string]any{}
		if io.resp != nil {
			resps[io.status] = map[string]any{"description": "成功", "content": map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(io.resp))}}}
		}
		for code, desc := range map[string]string{"400": "请求格式错误", "401": "未登录或令牌无效", "403": "无权访问", "404": "不存在或无权查看", "409": "状态冲突或重复", "413": "请求体过大", "422": "字段校验失败（fields 给出每个字段的中文说明）"} {
			resps[code] = map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": errSchema}}}
		}
		op["responses"] = resps
		if paths[rt.Path] == nil {
			paths[rt.Path] = map[string]any{}
		}
		paths[rt.Path][strings.ToLower(rt.Method)] = op
	}
	doc := map[string]any{
		"openapi":    "3.0.3",
		"info":       map[string]any{"title": "调解平台 API", "version": "v1", "description": "消费纠纷联动调解平台 JSON API。除标明无需认证的接口外，均须在请求头携带 Authorization: Bearer 令牌。"},
		"paths":      paths,
		"components": map[string]any{"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}}},
	}
	b, _ := json.MarshalIndent(doc, "", "  ")
	return b
}
