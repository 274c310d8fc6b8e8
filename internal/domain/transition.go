package domain

import (
	"fmt"
	"slices"
)

// Action is something that moves a case from one status to another.
// Every action becomes an event in the case's event log.
type Action string

const (
	ActionAccept           Action = "accept"            // 受理
	ActionReject           Action = "reject"            // 不予受理
	ActionStartODR         Action = "start_odr"         // hand to the ODR enterprise first
	ActionODRFailed        Action = "odr_failed"        // negotiation failed or timed out → mediation
	ActionODRSettled       Action = "odr_settled"       // enterprise and consumer settled directly
	ActionRequestConsent   Action = "request_consent"   // ask both parties
	ActionAssign           Action = "assign"            // 指派
	ActionStartMediation   Action = "start_mediation"   //
	ActionSuspend          Action = "suspend"           // 中止
	ActionResume           Action = "resume"            //
	ActionReachAgreement   Action = "reach_agreement"   //
	ActionStartPerformance Action = "start_performance" // agreement in effect, performance tracked
	ActionFollowUp         Action = "follow_up"         // 回访 recorded
	ActionTerminate        Action = "terminate"         // 终止
	ActionWithdraw         Action = "withdraw"          // 撤回
	ActionArchive          Action = "archive"           // 归档
	ActionMerge            Action = "merge"             // a duplicate merged into another case
)

var actionLabels = map[Action]string{
	ActionAccept: "受理", ActionReject: "不予受理", ActionStartODR: "转企业先行协商",
	ActionODRFailed: "企业协商未果转调解", ActionODRSettled: "企业协商和解",
	ActionRequestConsent: "征求调解意愿", ActionAssign: "指派调解员", ActionStartMediation: "开始调解",
	ActionSuspend: "中止调解", ActionResume: "恢复调解", ActionReachAgreement: "达成调解协议",
	ActionStartPerformance: "协议生效进入履行", ActionFollowUp: "完成回访", ActionTerminate: "终止调解",
	ActionWithdraw: "撤回申请", ActionArchive: "归档", ActionMerge: "合并至其他案件",
}

// eventLabels name the events that record something without moving the case.
var eventLabels = map[string]string{
	"received": "登记", "agreement_signed": "签署协议", "assignment_waiting": "等待指派", "co_mediator": "调整调解员",
	"consent": "调解意愿", "consent_escalated": "意愿征求升级", "consultation": "专家咨询", "consultation_answered": "专家答复",
	"facts_updated": "更新事实", "group_notice": "群体纠纷通知", "group_outcome": "群体纠纷结果", "judicial_applied": "申请司法确认", "judicial_sent": "法院系统已接收", "judicial_send_refused": "法院退回",
	"judicial_send_failed": "未能送达法院系统", "judicial_resubmitted": "重新提交法院系统",
	"judicial_accepted": "法院受理", "judicial_confirmed": "司法确认", "judicial_rejected": "司法确认驳回", "judicial_annulled": "协议被判决变更撤销",
	"lead": "移送违法线索", "merged_in": "合并", "performed": "履行", "recusal_granted": "准予回避", "recusal_refused": "驳回回避",
	"reassign": "更换主持调解员", "reroute": "改派分流", "route": "分流", "session_recorded": "调解笔录", "session_scheduled": "安排调解",
	"termination_notice_sent": "送达终止告知书", "mediator_preferred": "当事人选择调解员",
	"commendation": "表扬", "urge": "催办", "supervise": "督办", "supervision_reply": "答复催办督办",
}

// EventLabel names an event type for people: an action's label, or what
// the event records.
func EventLabel(t string) string {
	if l, ok := eventLabels[t]; ok {
		return l
	}
	return Action(t).Label()
}

func (a Action) Label() string {
	if l, ok := actionLabels[a]; ok {
		return l
	}
	return string(a)
}

// Actions lists every action, for exhaustive tests.
var Actions = []Action{
	ActionAccept, ActionReject, ActionStartODR, ActionODRFailed, ActionODRSettled, ActionRequestConsent,
	ActionAssign, ActionStartMediation, ActionSuspend, ActionResume, ActionReachAgreement,
	ActionStartPerformance, ActionFollowUp, ActionTerminate, ActionWithdraw, ActionArchive, ActionMerge,
}

// suspendable are the working states a case can be suspended from (and resumed to).
var suspendable = []Status{StatusAccepted, StatusConsenting, StatusAssigned, StatusMediating}

// transitions maps each action to the states it may start from and the state it leads to.
// Suspend and resume are special: resume returns to the state held before suspension.
var transitions = map[Action]struct {
	from []Status
	to   Status
}{
	ActionAccept:           {[]Status{StatusReceived}, StatusAccepted},
	ActionReject:           {[]Status{StatusReceived}, StatusRejected},
	ActionStartODR:         {[]Status{StatusAccepted}, StatusODRNegotiating},
	ActionODRFailed:        {[]Status{StatusODRNegotiating}, StatusConsenting},
	ActionODRSettled:       {[]Status{StatusODRNegotiating}, StatusWithdrawn},
	ActionRequestConsent:   {[]Status{StatusAccepted}, StatusConsenting},
	ActionAssign:           {[]Status{StatusConsenting}, StatusAssigned},
	ActionStartMediation:   {[]Status{StatusAssigned}, StatusMediating},
	ActionSuspend:          {suspendable, StatusSuspended},
	ActionResume:           {[]Status{StatusSuspended}, ""},
	ActionReachAgreement:   {[]Status{StatusMediating}, StatusAgreed},
	ActionStartPerformance: {[]Status{StatusAgreed}, StatusPerforming},
	ActionFollowUp:         {[]Status{StatusPerforming}, StatusFollowedUp},
	ActionTerminate:        {[]Status{StatusAccepted, StatusConsenting, StatusAssigned, StatusMediating, StatusSuspended}, StatusTerminated},
	ActionWithdraw:         {[]Status{StatusAccepted, StatusODRNegotiating, StatusConsenting, StatusAssigned, StatusMediating, StatusSuspended}, StatusWithdrawn},
	ActionArchive:          {[]Status{StatusRejected, StatusFollowedUp, StatusTerminated, StatusWithdrawn}, StatusArchived},
	ActionMerge:            {[]Status{StatusReceived, StatusAccepted, StatusODRNegotiating, StatusConsenting, StatusAssigned, StatusMediating, StatusSuspended}, StatusWithdrawn},
}

// Facts are what the guards look at. The caller fills them from the case,
// its parties and its agreement; the zero value satisfies no guard.
type Facts struct {
	Status          Status
	PrevStatus      Status // the status held before suspension
	ReasonCode      string // reject / terminate / suspend / withdraw reason
	HasRequiredFact bool   // complainant, respondent, claim and description are present
	ConsumerConsent bool
	MerchantConsent bool
	HasMediator     bool
	ODREnterprise   bool // the merchant negotiates first on its own ODR platform
	// AgreementEffective: the written agreement is signed by every party and the
	// mediator and sealed, or an oral agreement was recorded.
	AgreementEffective bool
	AgreementComplete  bool // parties' facts, terms each with amount, manner and deadline
	FollowUpRecorded   bool
	CaseFileComplete   bool  // every required document of the case file is present
	MergedInto         int64 // merge: the case that keeps the dispute
	ChargeToParty      int64
}

// TransitionError explains in Chinese why an action is not allowed.
type TransitionError struct {
	Action  Action
	From    Status
	Message string
}

func (e *TransitionError) Error() string { return e.Message }

// Next returns the status that action leads to from the facts' status, or a
// TransitionError saying why it cannot happen. It is the only place that decides.
func Next(action Action, f Facts) (Status, error) {
	t, ok := transitions[action]
	if !ok {
		return "", &TransitionError{action, f.Status, fmt.Sprintf("未知的操作：%s", action)}
	}
	if !slices.Contains(t.from, f.Status) {
		return "", &TransitionError{action, f.Status, fmt.Sprintf("案件当前状态为“%s”，不能执行“%s”", f.Status.Label(), action.Label())}
	}
	deny := func(msg string) (Status, error) { return "", &TransitionError{action, f.Status, msg} }
	if f.ChargeToParty != 0 {
		return deny("人民调解不收取任何费用，不能向当事人收费")
	}
	switch action {
	case ActionAccept:
		if !f.HasRequiredFact {
			return deny("申请人、被申请人、请求事项或纠纷事实不完整，不能受理")
		}
	case ActionReject:
		if !RejectReasons.Has(f.ReasonCode) {
			return deny("不予受理须选择法定理由")
		}
	case ActionStartODR:
		if !f.ODREnterprise {
			return deny("被投诉经营者不是在线消费纠纷解决（ODR）企业")
		}
	case ActionAssign:
		if !f.ConsumerConsent || !f.MerchantConsent {
			return deny("须双方当事人均同意调解后方可指派调解员")
		}
		if !f.HasMediator {
			return deny("请选择调解员")
		}
	case ActionStartMediation:
		if !f.ConsumerConsent || !f.MerchantConsent {
			return deny("须双方当事人均同意调解后方可开始调解")
		}
		if !f.HasMediator {
			return deny("尚未指派调解员")
		}
	case ActionSuspend:
		if !SuspendReasons.Has(f.ReasonCode) {
			return deny("中止须选择理由（回避待定、鉴定、检测等）")
		}
	case ActionResume:
		if !slices.Contains(suspendable, f.PrevStatus) {
			return deny("无法确定中止前的状态，不能恢复")
		}
		// Resuming into mediation re-checks what entering it required.
		if (f.PrevStatus == StatusAssigned || f.PrevStatus == StatusMediating) && (!f.ConsumerConsent || !f.MerchantConsent || !f.HasMediator) {
			return deny("恢复调解须双方当事人同意调解且已指派调解员")
		}
		return f.PrevStatus, nil
	case ActionReachAgreement:
		if !f.AgreementComplete {
			return deny("调解协议须载明当事人基本情况、纠纷事实及每项履行内容的金额、方式和期限")
		}
	case ActionStartPerformance:
		if !f.AgreementEffective {
			return deny("调解协议尚未生效（须各方当事人、调解员签名并加盖调委会印章）")
		}
	case ActionFollowUp:
		if !f.FollowUpRecorded {
			return deny("请先记录回访情况")
		}
	case ActionTerminate:
		if !TerminateReasons.Has(f.ReasonCode) {
			return deny("终止调解须选择理由")
		}
	case ActionArchive:
		if !f.CaseFileComplete {
			return deny("卷宗材料不齐全，不能归档")
		}
	case ActionMerge:
		if f.MergedInto == 0 {
			return deny("请选择合并到的案件")
		}
	}
	return t.to, nil
}

// Allowed lists the actions whose start state matches s, ignoring guards; the
// case page uses it to decide which buttons to offer.
func Allowed(s Status) []Action {
	var out []Action
	for _, a := range Actions {
		if slices.Contains(transitions[a].from, s) {
			out = append(out, a)
		}
	}
	return out
}

// Reason is a coded reason with its Chinese text.
type Reason struct{ Code, Label string }

// Reasons is an ordered, immutable list of reason codes.
type Reasons []Reason

func (r Reasons) Has(code string) bool {
	for _, x := range r {
		if x.Code == code {
			return true
		}
	}
	return false
}

func (r Reasons) Label(code string) string {
	for _, x := range r {
		if x.Code == code {
			return x.Label
		}
	}
	return code
}

// RejectReasons are the legal grounds for 不予受理.
var RejectReasons = Reasons{
	{"not_consumer", "不属于为生活消费需要购买、使用商品或者接受服务产生的消费纠纷"},
	{"outside_remit", "不属于本调委会受理范围"},
	{"handled_elsewhere", "同一纠纷已由法院、仲裁机构、行政机关或其他调解组织受理或处理"},
	{"over_three_years", "自知道或应当知道权益受损之日起超过三年"},
	{"missing_facts", "未提供具体的纠纷事实、请求事项或被申请人信息"},
	{"refuses_identity", "申请人拒绝核实身份信息"},
}

// TerminateReasons are why mediation ends without agreement.
var TerminateReasons = Reasons{
	{"party_refused", "一方当事人不同意或拒绝继续调解"},
	{"no_agreement", "经调解未能达成协议"},
	{"time_expired", "自受理之日起四十五个工作日内未能达成协议"},
	{"unreachable", "无法联系到当事人"},
	{"extortionate_claim", "申请人提出的要求明显不合理或涉嫌敲诈勒索、欺诈"},
	{"other_proceedings", "当事人已申请仲裁或提起诉讼"},
}

// SuspendReasons are why the clocks pause.
var SuspendReasons = Reasons{
	{"recusal_pending", "当事人申请回避，待决定"},
	{"appraisal", "需要进行鉴定"},
	{"testing", "需要进行检测"},
	{"party_unavailable", "当事人因客观原因暂时无法参加调解"},
}
