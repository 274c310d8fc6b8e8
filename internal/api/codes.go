package api

import (
	"github.com/tiaojie/tiaojie/internal/leads"
	"net/http"

	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/grouping"
	"github.com/tiaojie/tiaojie/internal/mediation"
	"github.com/tiaojie/tiaojie/internal/statcodes"
)

// Code is one entry of a code table: the value clients send, the label users read.
type Code struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

func fromReasons(rs domain.Reasons) []Code {
	out := make([]Code, 0, len(rs))
	for _, x := range rs {
		out = append(out, Code{x.Code, x.Label})
	}
	return out
}

func fromPairs(pairs ...string) []Code {
	out := make([]Code, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, Code{pairs[i], pairs[i+1]})
	}
	return out
}

// CodeTables are the code tables behind the API's enumerated fields, by name.
// Request fields name their table with the `enum:"…"` struct tag, so the
// OpenAPI document lists exactly the values /api/v1/codes serves and the
// services accept. The tables themselves are the capability packages' own.
func CodeTables() map[string][]Code {
	statuses := make([]Code, 0, len(domain.Statuses))
	for _, s := range domain.Statuses {
		statuses = append(statuses, Code{string(s), s.Label()})
	}
	channels := make([]Code, 0, len(domain.Channels))
	for _, c := range domain.Channels {
		channels = append(channels, Code{string(c), c.Label()})
	}
	categories := make([]Code, 0, len(domain.Categories))
	for _, c := range domain.Categories {
		categories = append(categories, Code{c, c})
	}
	kinds := make([]Code, 0, len(domain.OrgKinds))
	for _, k := range domain.OrgKinds {
		kinds = append(kinds, Code{string(k), k.Label()})
	}
	roles := make([]Code, 0, len(domain.Roles))
	for _, r := range domain.Roles {
		roles = append(roles, Code{string(r), r.Label()})
	}
	return map[string][]Code{
		"status":              statuses,
		"channel":             channels,
		"category":            categories,
		"org_kind":            kinds,
		"role":                roles,
		"reject_reason":       fromReasons(domain.RejectReasons),
		"suspend_reason":      fromReasons(domain.SuspendReasons),
		"terminate_reason":    fromReasons(domain.TerminateReasons),
		"lead_kind":           fromReasons(leads.Kinds),
		"session_kind":        fromReasons(mediation.SessionKinds),
		"group_outcome":       fromReasons(grouping.Outcomes),
		"commendation_kind":   fromReasons(agreement.CommendationKinds),
		"party":               fromPairs("consumer", domain.PartyWord("consumer"), "merchant", domain.PartyWord("merchant")),
		"agreement_kind":      fromPairs("oral", "口头协议", "written", "书面协议"),
		"followup_method":     fromPairs("phone", "电话回访", "sms_link", "短信链接评价", "visit", "上门回访"),
		"consent_method":      fromPairs("paper", "书面", "phone", "电话", "in_person", "当面"),
		"notice_method":       fromPairs("in_person", "当面送达", "mail", "邮寄送达", "sms", "短信告知", "electronic", "电子送达"),
		"recusal_by":          fromPairs("consumer", "消费者申请", "merchant", "经营者申请", "self", "调解员自行"),
		"court_decision":      fromPairs("accepted", "法院已受理", "confirmed", "裁定确认", "rejected", "驳回", "annulled", "判决变更、撤销或确认无效"),
		"judicial_status":     fromPairs("sending", "已排队提交法院", "failed", "未能送达法院系统", "submitted", "已提交", "accepted", "法院已受理", "confirmed", "已裁定确认", "rejected", "已驳回", "annulled", "已被判决变更、撤销或确认无效"),
		"judicial_delivery":   fromPairs("queued", "已排队提交法院", "retrying", "重试中", "failed", "未能送达，可重新提交", "submitted", "已提交"),
		"odr_outcome":         fromPairs("settled", "协商和解", "failed", "协商未果，转入调解"),
		"consent_decision":    fromPairs("agree", "同意", "refuse", "不同意"),
		"consent_state":       fromPairs("pending", "待答复", "agree", "同意", "refuse", "不同意"),
		"signer":              fromPairs("consumer", domain.PartyWord("consumer"), "merchant", domain.PartyWord("merchant"), "mediator", domain.PartyWord("mediator"), "seal", domain.PartyWord("seal")),
		"session_status":      fromPairs("scheduled", "已安排", "held", "已举行", "cancelled", "已取消"),
		"consultation_status": fromPairs("open", "待答复", "answered", "已答复"),
		"flag_status":         fromPairs("open", "待处理", "merged", "已合并", "dismissed", "已排除"),
		"lead_status":         fromPairs("new", "待处理", "handled", "已处理"),
		"outcome":             outcomeCodes(),
		"eval_level":          fromPairs("mediator", "调解员", "room", "工作室", "committee", "调委会"),
		"eval_part":           fromPairs("numerator", "分子", "denominator", "分母", "deduction", "扣分案件"),
		"eval_indicator":      append(indicatorCodes(), deductionCodes()...),
		"term_kind":           statTable(statcodes.TermKind),
		"prevention":          statTable(statcodes.Prevention),
		"result_12315":        statTable(statcodes.Result12315),
		"method_12315":        statTable(statcodes.Method12315),
		"art21_reason":        statTable(statcodes.Art21Reason),
	}
}

// statCodes are the statistics' code tables (internal/statcodes), read once.
var statCodes = statcodes.MustLoad()

func statTable(name string) []Code {
	var out []Code
	for _, c := range statCodes.List(name) {
		out = append(out, Code{c.Code, c.Label})
	}
	return out
}

// EnumValues lists the codes of a table (for the OpenAPI document).
func EnumValues(table string) []string {
	var out []string
	for _, c := range CodeTables()[table] {
		out = append(out, c.Code)
	}
	return out
}

// Codes serves every code table at once.
func (a *API) Codes(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, CodeTables())
}

// Categories serves the goods/services classification of complaints.
func (a *API) Categories(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, CodeTables()["category"])
}

// Statuses serves the case statuses in life order.
func (a *API) Statuses(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, CodeTables()["status"])
}

// OrgUnitJSON is an org unit as the API shows it.
type OrgUnitJSON struct {
	ID        int64  `json:"id"`
	ParentID  int64  `json:"parent_id"`
	Kind      string `json:"kind" enum:"org_kind"`
	KindLabel string `json:"kind_label"`
	Code      string `json:"code"`
	Name      string `json:"name"`
}

// OrgUnits lists the org units the caller's bindings reach, in tree order.
func (a *API) OrgUnits(w http.ResponseWriter, r *http.Request) {
	p := auth.From(r.Context())
	units, err := a.Auth.OrgUnits(r.Context(), p)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	out := []OrgUnitJSON{}
	for _, u := range units {
		out = append(out, OrgUnitJSON{ID: u.ID, ParentID: u.ParentID, Kind: string(u.Kind), KindLabel: u.Kind.Label(), Code: u.Code, Name: u.Name})
	}
	writeJSON(w, http.StatusOK, out)
}
