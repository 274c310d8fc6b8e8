package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/api"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// The OpenAPI document is generated from the route table: each API route
// declares its query parameters and its request and response Go types, and
// the schemas come from those types by reflection (json tags for names,
// `api:"required"`, `enum:"<code table>"`, `format:"…"`, `minimum`/`maximum`),
// so the document cannot drift from what the handlers decode and encode.

// queryDocs describes the query parameters API routes accept.
var queryDocs = map[string]string{
	"status": "状态代码（见 /api/v1/statuses）",
	"room":   "工作室ID",
	"q":      "关键词：案号、姓名、经营者、投诉编号、描述",
	"from":   "登记日期起（YYYY-MM-DD）",
	"to":     "登记日期止（含，YYYY-MM-DD）",
	"limit":  "每页条数，1-500，默认50",
	"offset": "偏移量，默认0",
	"sha256": "调解协议书 PDF 的 SHA-256（64位十六进制）",
	"after":  "翻页游标：上一页返回的 next_cursor（按登记时间倒序，每页耗时相同）",
	// Performance evaluation (绩效评估).
	"unit":      "单位编号，如 pd-cmt（区、调委会或工作室）",
	"level":     "评估层级：mediator 调解员、room 工作室、committee 调委会（默认：区以上为 committee，其余为 mediator）",
	"subject":   "评估对象：mediator:用户ID、room:单位ID 或 committee:单位ID；不填为整个单位",
	"indicator": "指标或扣分项代码（见 /api/v1/codes 的 eval_indicator）",
	"part":      "numerator 分子、denominator 分母（指标）；deduction（扣分项，可不填）",
	"period":    "月份 YYYY-MM（不能是未来的月份）",
	// Purchased services (购买服务).
	"kind": "合同类型：service 政府购买服务、enterprise 企业购买调解服务；不填为全部",
	// 12315 result feedback.
	"office": "市场监管所/局的单位编号，如 pd-amr-01；不填为调用者范围内全部",
	// Bulletins (情况通报).
	"month": "月份 YYYY-MM；不填为全部",
	// Group disputes (群体性纠纷).
	"state": "open 在办（仍有未办结的投诉）、all 全部（默认）",
}

// evalDates describes from/to on the evaluation routes, where they bound
// the period scored rather than the registration date.
var evalDates = map[string]string{
	"from": "统计期间起（YYYY-MM-DD，不能晚于 to，不能在未来）",
	"to":   "统计期间止（含，YYYY-MM-DD；晚于今天时截至今天）",
}

// queryDoc is a parameter's description on one route.
func queryDoc(path, q string) string {
	if strings.HasPrefix(path, "/api/v1/evaluation/") && evalDates[q] != "" {
		return evalDates[q]
	}
	if rp, ok := routeParams[path][q]; ok {
		return rp.doc
	}
	if path == "/api/v1/cases" && q == "offset" {
		return fmt.Sprintf("偏移量，默认0，最大%d；更深的页请用 after（上一页的 next_cursor）", store.MaxListOffset)
	}
	if strings.HasPrefix(path, "/api/v1/feedback/") && (q == "from" || q == "to") {
		return map[string]string{"from": "办结日期起（YYYY-MM-DD；不填为 to 所在月的1日）", "to": "办结日期止（含，YYYY-MM-DD；不填为今天）；期间不超过366天"}[q]
	}
	return queryDocs[q]
}

// queryFormats are the schemas of query parameters that are not free text.
var queryFormats = map[string]map[string]any{
	"status":    {"type": "string", "enum": api.EnumValues("status")},
	"room":      {"type": "integer", "format": "int64"},
	"from":      {"type": "string", "format": "date"},
	"to":        {"type": "string", "format": "date"},
	"limit":     {"type": "integer", "minimum": 1, "maximum": 500},
	"offset":    {"type": "integer", "minimum": 0},
	"sha256":    {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"},
	"level":     {"type": "string", "enum": api.EnumValues("eval_level")},
	"part":      {"type": "string", "enum": api.EnumValues("eval_part")},
	"indicator": {"type": "string", "enum": api.EnumValues("eval_indicator")},
	"subject":   {"type": "string", "pattern": "^(mediator|room|committee):[0-9]+$"},
	"period":    {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
}

// routeParam is a query parameter whose meaning is one route's own: its
// description and, for a filter of fixed values, those values.
type routeParam struct {
	doc  string
	enum []string
}

// routeParams are the parameters of the lists paged by key (each with its
// own order) and of the warnings, by route.
var routeParams = map[string]map[string]routeParam{
	"/api/v1/groups": {
		"after": {doc: "翻页游标：上一页返回的 next_cursor（按建立时间倒序，每页耗时相同）"},
		"state": {doc: queryDocs["state"], enum: []string{"open", "all"}},
	},
	"/api/v1/grants": {
		"after": {doc: "已处理申请的翻页游标：上一页返回的 next_cursor（按申请编号倒序）"},
	},
	"/api/v1/judicial": {
		"after": {doc: "翻页游标：上一页返回的 next_cursor（按提交时间：待处理的正序，已裁定的倒序）"},
		"state": {doc: "pending 待处理（默认：尚待法院办理或未送达法院系统，先到先办）、decided 已裁定", enum: []string{"pending", "decided"}},
	},
	"/api/v1/consultations": {
		"after": {doc: "翻页游标：上一页返回的 next_cursor（按咨询时间：待答复的正序，已答复的倒序）"},
		"state": {doc: "open 待答复（默认，先到先办）、answered 已答复", enum: []string{"open", "answered"}},
	},
	"/api/v1/leads": {
		"after": {doc: "翻页游标：上一页返回的 next_cursor（按移送时间倒序，每页耗时相同）"},
		"state": {doc: "all 全部（默认）、new 待处理、handled 已处理", enum: []string{"all", "new", "handled"}},
	},
	"/api/v1/subsidies/mine": {
		"period": {doc: "结算月份 YYYY-MM：只列该月批次中的各行；不填为最近的500条"},
	},
	"/api/v1/warnings": {
		"after":  {doc: "翻页游标：上一页返回的 next_cursor（按产生时间倒序，每页耗时相同）"},
		"status": {doc: "open 待签收、acknowledged 已签收、resolved 已解除、all 全部（默认）", enum: []string{"open", "acknowledged", "resolved", "all"}},
		"level":  {doc: "预警级别：yellow 黄、orange 橙、red 红；不填为全部", enum: []string{"yellow", "orange", "red"}},
		"unit":   {doc: "单位编号，如 pd-cmt；不填为调用者可见的全部单位"},
		"case":   {doc: "案件 ID：只列该案件的预警"},
	},
}

// knownQuery refuses query parameters an API route does not declare, so a
// misspelt filter is an error rather than silently ignored.
func knownQuery(w http.ResponseWriter, r *http.Request, rt Route) bool {
	var unknown []string
	for k := range r.URL.Query() {
		if !slices.Contains(rt.Query, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return true
	}
	sort.Strings(unknown)
	msg := "未知查询参数：" + strings.Join(unknown, "、")
	if len(rt.Query) > 0 {
		msg += "（本接口接受：" + strings.Join(rt.Query, "、") + "）"
	} else {
		msg += "（本接口不接受查询参数）"
	}
	api.Fail(w, http.StatusBadRequest, msg)
	return false
}

var (
	timeType = reflect.TypeOf(time.Time{})
	pdfType  = reflect.TypeOf(api.PDF{})
	xlsxType = reflect.TypeOf(api.XLSX{})
	noBody   = reflect.TypeOf(api.NoBody{})
)

// schemaOf turns a Go type into a JSON Schema, following json tags.
func schemaOf(t reflect.Type) map[string]any {
	if t == timeType {
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
	case reflect.Int, reflect.Int32:
		return map[string]any{"type": "integer", "format": "int32"}
	case reflect.Int64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Float64:
		return map[string]any{"type": "number", "format": "double"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		props := map[string]any{}
		var required []string
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() || f.Tag.Get("json") == "-" {
				continue
			}
			name := JSONName(f)
			s := schemaOf(f.Type)
			if e := f.Tag.Get("enum"); e != "" {
				target := s
				if f.Type.Kind() == reflect.Slice {
					target = s["items"].(map[string]any)
				}
				target["enum"] = api.EnumValues(e)
				target["x-code-table"] = e
			}
			if v := f.Tag.Get("format"); v != "" {
				s["format"] = v
			}
			if v := f.Tag.Get("doc"); v != "" {
				s["description"] = v
			}
			for _, k := range []string{"minimum", "maximum"} {
				if v := f.Tag.Get(k); v != "" {
					n, _ := strconv.Atoi(v)
					s[k] = n
				}
			}
			if f.Tag.Get("api") == "required" {
				required = append(required, name)
			}
			props[name] = s
		}
		s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
		if len(required) > 0 {
			s["required"] = required
		}
		return s
	}
	return map[string]any{}
}

// JSONName is the key encoding/json uses for a field.
func JSONName(f reflect.StructField) string {
	if tag := f.Tag.Get("json"); tag != "" {
		if n, _, _ := strings.Cut(tag, ","); n != "" {
			return n
		}
	}
	return f.Name
}

// complaintRequired are the fields intake requires of a complaint (its
// validation answers 422 for each missing one).
var complaintRequired = []string{"complainant_name", "phone", "merchant_name", "category", "description"}

var pathParam = regexp.MustCompile(`\{([a-z]+)\}`)

// errorResponses are every error status an API route may answer, all with the one error body.
var errorResponses = map[string]string{
	"400": "请求格式错误：JSON 无效、类型错误、未知字段或未知查询参数",
	"401": "未登录或令牌无效",
	"403": "角色无权进行此操作",
	"404": "不存在或不在调用者的范围内（二者答复相同）",
	"409": "状态冲突、版本过期或重复",
	"413": "请求体过大",
	"415": "请求体不是 JSON",
	"422": "字段校验失败（fields 给出每个字段的中文说明）",
	"429": "尝试次数过多，暂时锁定",
	"500": "系统暂时无法完成操作",
}

// OpenAPI renders the document from the route table.
func (s *Server) OpenAPI() []byte {
	paths := map[string]map[string]any{}
	for _, rt := range s.table {
		if !rt.API {
			continue
		}
		op := map[string]any{"summary": rt.Summary, "operationId": strings.ToLower(rt.Method) + strings.NewReplacer("/api/v1/", "_", "/", "_", "{", "", "}", "", ".", "_", "-", "_").Replace(rt.Path)}
		if rt.Perm != domain.PermNone {
			op["security"] = []any{map[string]any{"bearer": []any{}}}
			op["x-permission"] = string(rt.Perm)
		} else {
			op["security"] = []any{}
		}
		params := []any{}
		for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "integer", "format": "int64", "minimum": 1}})
		}
		for _, q := range rt.Query {
			schema := queryFormats[q]
			if schema == nil {
				schema = map[string]any{"type": "string"}
			}
			if rt.Path == "/api/v1/cases" && q == "offset" {
				schema = map[string]any{"type": "integer", "minimum": 0, "maximum": store.MaxListOffset}
			}
			if rp := routeParams[rt.Path][q]; rp.enum != nil {
				schema = map[string]any{"type": "string", "enum": rp.enum}
			}
			params = append(params, map[string]any{"name": q, "in": "query", "required": q == "sha256", "description": queryDoc(rt.Path, q), "schema": schema})
		}
		if rt.Pattern() == "POST /api/v1/complaints" {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "description": "同一客户端相同键只登记一次，重复请求返回同一案件（200）", "schema": map[string]any{"type": "string", "maxLength": 200}})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if rt.Request != nil && reflect.TypeOf(rt.Request) != noBody {
			schema := schemaOf(reflect.TypeOf(rt.Request))
			if rt.Pattern() == "POST /api/v1/complaints" {
				schema["required"] = complaintRequired
			}
			_, hasRequired := schema["required"]
			op["requestBody"] = map[string]any{"required": hasRequired, "content": map[string]any{"application/json": map[string]any{"schema": schema}}}
		}
		resps := map[string]any{}
		if rt.Response != nil {
			status := "200"
			if rt.Created {
				status = "201"
			}
			content := map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(rt.Response))}}
			if reflect.TypeOf(rt.Response) == pdfType {
				content = map[string]any{"application/pdf": map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
			}
			if reflect.TypeOf(rt.Response) == xlsxType {
				content = map[string]any{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
			}
			resps[status] = map[string]any{"description": "成功", "content": content}
		}
		for code, desc := range errorResponses {
			resps[code] = map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
		}
		op["responses"] = resps
		if paths[rt.Path] == nil {
			paths[rt.Path] = map[string]any{}
		}
		paths[rt.Path][strings.ToLower(rt.Method)] = op
	}
	errSchema := schemaOf(reflect.TypeOf(api.Error{}))
	errSchema["required"] = []string{"code", "error"}
	errSchema["description"] = "每个错误的答复：code 随 HTTP 状态，error 为中文说明；422 时 fields 按字段给出中文说明。"
	doc := map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "调解平台 API", "version": "v1", "description": "消费纠纷联动调解平台 JSON API。除标明无需认证的接口外，均须在请求头携带 Authorization: Bearer 令牌。未知的 JSON 字段和未知的查询参数均答复 400。"},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas":         map[string]any{"Error": errSchema},
		},
	}
	b, _ := json.MarshalIndent(doc, "", "  ")
	return b
}
