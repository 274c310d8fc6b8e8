package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// rates are the chances of the rare events per case. A small demo still
// gets a few of each, so every page has something to show; a large one has
// them as often as a committee like Pudong's would (tens of 锦旗 and 感谢信
// in three years, a court rejecting the odd agreement).
type rates struct {
	recusal  float64 // of cases under mediation: a party asks the mediator to step aside
	judicial float64 // of agreements: a written one the parties take to court for confirmation
	praise   float64 // of satisfied follow-ups: a 锦旗 or 感谢信 (times the mediator's profile)
}

func rareRates(n int) rates {
	f := float64(max(n, 1))
	at := func(base, few, most float64) float64 { return math.Min(most, math.Max(base, few/f)) }
	return rates{recusal: at(0.003, 4, 0.05), judicial: at(0.008, 14, 0.1), praise: at(0.0022, 12, 0.1)}
}

// history plans a case's life step by step and keeps the steps that happened
// before now. Every transition is checked with domain.Next.
type history struct {
	g      *gen
	r      *rand.Rand
	room   *roomInfo
	prof   profile
	actor  actor // who acts for the committee: the presiding mediator
	status domain.Status
	prev   domain.Status
	facts  domain.Facts
	day    int // working-day index of the last step
	min    int
	steps  []store.Step
	done   bool // a step fell after now: the case stands where it is
	err    error
	// plan is what is written after the batch: the agreement and the steps
	// that must go through the store's own writes (see casePlan).
	plan *casePlan
	cut  bool // a step went to the plan's tail: every later one goes there too
}

// after moves the clock n working days on (n = 0: later the same day, or the
// next working day morning if the office is closing) and returns the time.
func (h *history) after(n int) time.Time {
	if n > 0 {
		h.day += n
		h.min = dayStart + h.r.IntN(dayEnd-dayStart)
	} else {
		h.min += between(h.r, 10, 150)
		if h.min >= dayEnd {
			h.day++
			h.min = dayStart + h.r.IntN(90)
		}
	}
	if h.day >= len(h.g.days) {
		h.day = len(h.g.days) - 1
		h.done = true
	}
	return h.g.at(h.day, h.min)
}

// happened reports whether a step at t can be recorded: the case got that far by now.
func (h *history) happened(t time.Time) bool {
	if h.done || h.err != nil || !t.Before(h.g.now) {
		h.done = true
		return false
	}
	return true
}

// push records a step; a special one (a commendation, a court's decision)
// and everything after it go to the plan's tail.
func (h *history) push(s store.Step, special func(*tailStep)) {
	if special != nil {
		h.cut = true
	}
	if !h.cut {
		h.steps = append(h.steps, s)
		return
	}
	t := tailStep{step: s}
	if special != nil {
		special(&t)
	}
	h.plan.tail = append(h.plan.tail, t)
}

// do applies action at time at if the case got that far by now.
func (h *history) do(a domain.Action, at time.Time, reason string, ch store.CaseChange, note, data string) bool {
	if !h.happened(at) {
		return false
	}
	f := h.facts
	f.Status, f.PrevStatus, f.ReasonCode = h.status, h.prev, reason
	to, err := domain.Next(a, f)
	if err != nil {
		h.err = fmt.Errorf("%s from %s: %w", a, h.status, err)
		return false
	}
	ch.Status = to
	switch a {
	case domain.ActionSuspend:
		p := h.status
		ch.PrevStatus = &p
		h.prev = p
	case domain.ActionResume:
		empty := domain.Status("")
		ch.PrevStatus = &empty
		h.prev = ""
	}
	if reason != "" || a == domain.ActionResume {
		rc := reason
		ch.ReasonCode = &rc
	}
	h.push(store.Step{Change: ch, Event: store.Event{Type: string(a), FromStatus: h.status, ToStatus: to,
		ActorID: h.actor.id, ActorName: h.actor.name, At: at, ReasonCode: reason, Note: note, Data: data}}, nil)
	h.status = to
	return true
}

// note records an event that does not change the status, by who.
func (h *history) note(typ string, at time.Time, who actor, note, data string, special func(*tailStep)) bool {
	if !h.happened(at) {
		return false
	}
	h.push(store.Step{Event: store.Event{Type: typ, FromStatus: h.status, ToStatus: h.status,
		ActorID: who.id, ActorName: who.name, At: at, Note: note, Data: data}}, special)
	return true
}

func tp(t time.Time) *time.Time { return &t }

// closeAt is the change of a step that ends the case's handling.
func closeAt(t time.Time) store.CaseChange { return store.CaseChange{ClosedAt: tp(t)} }

// mediatorData is the Data of an event that makes a the presiding mediator.
func mediatorData(a actor) string {
	if a.id == 0 {
		return ""
	}
	return fmt.Sprintf(`{"mediator_id":%d}`, a.id)
}

// run plans the whole life of a case received on working day recvDay. The
// outcome shares follow the notice (about 3% rejected, about nine in ten
// mediations agreed); how quickly and how well it goes is the mediator's
// profile.
func (h *history) run(odr bool, claimYuan int64, recvDay int) {
	r, p := h.r, h.prof
	defer h.archive()
	// The decision is due within 7 working days of receipt.
	delay := 1 + h.g.accDelay.pick(r)
	if chance(r, p.lateAccept) {
		delay = between(r, 8, 13)
	}
	decide := func() time.Time { return h.after(max(1, recvDay+delay-h.day)) }
	if r.IntN(1000) < 30 {
		at := decide()
		rc := domain.RejectReasons[h.g.rejectPick.pick(r)].Code
		h.do(domain.ActionReject, at, rc, store.CaseChange{DecidedAt: tp(at), ClosedAt: tp(at)}, "经审查，"+domain.RejectReasons.Label(rc)+"，决定不予受理", "")
		return
	}
	at := decide()
	h.facts.HasRequiredFact = true
	ch := store.CaseChange{AcceptedAt: tp(at), DecidedAt: tp(at)}
	if p, ok := calendar.PolicyInForce(h.g.env.rules.Policies, h.g.dates[h.day]); ok && p.ID != 0 {
		ch.PolicyID = &p.ID
	}
	if !h.do(domain.ActionAccept, at, "", ch, "", "") {
		return
	}
	if odr {
		h.facts.ODREnterprise = true
		h.do(domain.ActionStartODR, h.after(0), "", store.CaseChange{}, "转经营者在线纠纷解决平台先行协商", "")
		if r.IntN(2) == 0 {
			at := h.after(between(r, 2, 10))
			h.do(domain.ActionODRSettled, at, "", closeAt(at), "经营者与消费者协商和解", "")
			return
		}
		h.do(domain.ActionODRFailed, h.after(between(r, 3, 10)), "", store.CaseChange{}, "企业先行协商未果，转人民调解", "")
	} else {
		h.do(domain.ActionRequestConsent, h.after(r.IntN(2)), "", store.CaseChange{}, "已电话征求双方当事人调解意愿", "")
	}

	// Some end before mediation starts: the merchant refuses, or the consumer withdraws.
	if chance(r, 0.035) {
		at := h.after(between(r, 1, 5))
		if r.IntN(3) < 2 {
			if h.do(domain.ActionTerminate, at, "party_refused", closeAt(at), "被申请人明确表示不同意调解", "") {
				h.note("termination_notice_sent", h.after(r.IntN(4)), h.actor, "已书面告知双方当事人终止调解", "", nil)
			}
		} else {
			h.do(domain.ActionWithdraw, at, "", closeAt(at), withdrawNotes[r.IntN(len(withdrawNotes))], "")
		}
		return
	}
	h.facts.ConsumerConsent, h.facts.MerchantConsent, h.facts.HasMediator = true, true, true
	h.do(domain.ActionAssign, h.after(between(r, 1, 3)), "", store.CaseChange{}, "指派调解员"+h.actor.name, mediatorData(h.actor))
	h.do(domain.ActionStartMediation, h.after(r.IntN(2)), "", store.CaseChange{}, "", "")

	// Mediation takes days to weeks; some wait for an appraisal, a few
	// mediators are asked to step aside, and some cases drag past the limit.
	switch {
	case chance(r, h.g.rates.recusal) && h.room.lead.id != 0:
		h.recusal()
	case chance(r, 0.035):
		rc := domain.SuspendReasons[h.g.suspendPick.pick(r)].Code
		h.do(domain.ActionSuspend, h.after(between(r, 1, 4)), rc, store.CaseChange{}, domain.SuspendReasons.Label(rc), "")
		h.do(domain.ActionResume, h.after(between(r, 5, 30)), "", store.CaseChange{}, "中止事由消除，恢复调解", "")
	}
	x := r.Float64()
	length := min(38, 1+int(34*x*x*x*p.pace))
	if chance(r, p.overdue) {
		length = between(r, 46, 75)
	}
	switch {
	case chance(r, 0.025):
		at := h.after(1 + length/2)
		h.do(domain.ActionWithdraw, at, "", closeAt(at), withdrawNotes[r.IntN(len(withdrawNotes))], "")
	case chance(r, p.success):
		h.agreed(claimYuan, length)
	default:
		rc := domain.TerminateReasons[h.g.termPick.pick(r)].Code
		if rc == "time_expired" {
			length = max(length, 40)
		}
		at := h.after(length)
		if h.do(domain.ActionTerminate, at, rc, closeAt(at), domain.TerminateReasons.Label(rc), "") {
			h.note("termination_notice_sent", h.after(r.IntN(4)), h.actor, "已书面告知双方当事人终止调解", "", nil)
		}
	}
}

// recusal: a party asks the mediator to step aside; the room's lead grants
// it and takes the case over, or refuses; mediation then resumes.
func (h *history) recusal() {
	r := h.r
	grounds := recusalGrounds[r.IntN(len(recusalGrounds))]
	if !h.do(domain.ActionSuspend, h.after(between(r, 1, 4)), "recusal_pending", store.CaseChange{}, grounds, "") {
		return
	}
	lead, presiding := h.room.lead, h.actor
	granted := r.IntN(10) < 7
	if granted {
		granted = h.note("recusal_granted", h.after(between(r, 1, 3)), lead, "准予回避，由"+lead.name+"接替主持调解。", mediatorData(lead), nil)
	} else {
		h.note("recusal_refused", h.after(between(r, 1, 3)), lead, "回避申请不予准许。经核实，回避事由不成立", "", nil)
	}
	h.actor = lead // the lead resumes the case, as mediation.DecideRecusal does
	h.do(domain.ActionResume, h.after(0), "", store.CaseChange{}, "恢复调解 （回避事项已决定）", "")
	if !granted {
		h.actor = presiding
	}
}

// agreed records the agreement reached after length working days and what
// follows: signing (a written one), court confirmation, performance of
// each term, the follow-up call and perhaps a 锦旗 or 感谢信.
func (h *history) agreed(claimYuan int64, length int) {
	r, p := h.r, h.prof
	h.facts.AgreementComplete = true
	// Small claims are mostly met in full; on large ones (a year's
	// prepaid course, a phone claimed "退一赔三") the parties settle for a
	// part: the share falls as the claim grows (a ¥3,000 claim gets half of
	// the 50–100% drawn, a ¥30,000 one a tenth).
	amt := claimYuan * int64(between(r, 50, 100)) * 3000 / (100 * (3000 + claimYuan))
	if amt >= 100 {
		amt -= amt % 10
	}
	amt = max(amt, 1)
	a := &plannedAgreement{kind: "oral", by: h.actor.id}
	if chance(r, h.g.rates.judicial) && amt >= 300 {
		a.kind = "written"
	}
	if amt >= 800 && r.IntN(4) == 0 { // larger sums are often paid in two instalments
		first := amt * 6 / 10
		first -= first % 10
		a.terms = []plannedTerm{{content: "支付首期款项", fen: first * 100}, {content: "支付剩余款项", fen: (amt - first) * 100}}
	} else {
		a.terms = []plannedTerm{{content: "一次性支付申请人款项", fen: amt * 100}}
	}

	at := h.after(length)
	if a.kind == "oral" {
		// An oral agreement (口头协议) takes effect when reached, as
		// agreement.RecordOral records it: both steps or neither, so an
		// agreed case never stands without its effective agreement.
		if h.min >= dayEnd-1 {
			h.min--
			at = at.Add(-time.Minute)
		}
		if h.done || !at.Add(time.Minute).Before(h.g.now) {
			h.done = true
			return
		}
	}
	a.reached = at
	var note string
	if a.kind == "written" {
		note = "达成书面调解协议，待各方签署并加盖印章后生效"
	} else if len(a.terms) == 1 {
		note = fmt.Sprintf("达成口头协议：被申请人于协议达成之日起十日内一次性支付申请人%s元", yuan(amt))
	} else {
		note = fmt.Sprintf("达成口头协议：被申请人分两期支付申请人共%s元，首期%s元于十日内支付，余款于四十日内付清",
			yuan(amt), domain.FormatFen(a.terms[0].fen))
	}
	note += "，涉及金额" + yuan(amt) + "元"
	data := `{"agreed_fen":` + strconv.FormatInt(amt*100, 10) + `,"kind":"` + a.kind + `"}`
	if !h.do(domain.ActionReachAgreement, at, "", store.CaseChange{}, note, data) {
		return
	}
	h.plan.agreement = a
	if a.kind == "oral" {
		h.facts.AgreementEffective = true
		h.min++
		a.effective = tp(at.Add(time.Minute))
		h.do(domain.ActionStartPerformance, *a.effective, "", store.CaseChange{}, "口头协议达成即生效，进入履行", "")
	} else if !h.sign(a) {
		return
	}

	if a.kind == "written" && !h.judicial() {
		return
	}
	// The merchant pays term by term (within ten and forty days; a written
	// agreement going to court allows longer), or leaves the last one unpaid.
	unpaid := chance(r, p.unpaid)
	days := [2]int{10, 40}
	if a.kind == "written" {
		days = [2]int{60, 90}
	}
	for i := range a.terms {
		t := &a.terms[i]
		t.deadline = calendar.DateOf(a.reached).AddDays(days[min(i, 1)])
		gap := between(r, 2, 7)
		if i > 0 {
			gap = between(r, 12, 22)
		}
		payAt := h.after(gap)
		if unpaid && i == len(a.terms)-1 {
			break
		}
		if !h.note("performed", payAt, h.actor, fmt.Sprintf("第%d项已履行：%s，%s元（凭证：银行转账回单）", i+1, t.content, domain.FormatFen(t.fen)),
			fmt.Sprintf(`{"recovered_fen":%d,"term":%d,"terms":%d}`, t.fen, i, len(a.terms)), nil) {
			return
		}
		t.paid = tp(payAt)
	}
	if h.done {
		return
	}
	if chance(r, p.noFollowUp) {
		return // never followed up: the case stays in performance
	}
	h.facts.FollowUpRecorded = true
	var sat int
	var comment string
	if unpaid {
		// After the unpaid term's deadline: the consumer is not pleased.
		at = h.after(between(r, 5, 12))
		for !calendar.DateOf(at).After(a.terms[len(a.terms)-1].deadline) {
			at = h.after(between(r, 3, 8))
		}
		sat = []int{1, 1, 2, 2, 3}[r.IntN(5)]
		comment = unpaidFollowUpNotes[r.IntN(len(unpaidFollowUpNotes))]
	} else {
		at = h.after(between(r, p.followDays[0], p.followDays[1]))
		sat = 5 - newPicker(p.satisfaction[:]).pick(r)
		comment = followUpNotes[r.IntN(len(followUpNotes))]
		if sat <= 2 {
			comment = "电话回访：款项已到账，但申请人对调解过程和处理时间不满意"
		}
	}
	if !h.do(domain.ActionFollowUp, at, "", closeAt(at), fmt.Sprintf("回访：满意度%d分。%s", sat, comment), fmt.Sprintf(`{"satisfaction":%d}`, sat)) {
		return
	}
	a.followUp, a.satisfaction, a.comment = &at, sat, comment
	if sat >= 4 && chance(r, h.g.rates.praise*p.praise) {
		h.commendation()
	}
}

// sign has both parties sign in the mediation room, then the mediator; the
// committee seals and the written agreement takes effect (as the agreement
// service records it). It reports whether the agreement took effect by now.
func (h *history) sign(a *plannedAgreement) bool {
	r := h.r
	for _, s := range []struct {
		signer, method, what string
		by                   actor
	}{
		{"consumer", "in_person", "消费者已签署", actor{name: "签署"}},
		{"merchant", "in_person", "经营者已签署", actor{name: "签署"}},
		{"mediator", "in_person", "调解员" + h.actor.name + "已签署", actor{h.actor.id, "签署"}},
		{"seal", "system", "加盖" + h.g.env.committee.Name + "印章", actor{name: "签署"}},
	} {
		n := 0
		if s.signer == "seal" {
			n = r.IntN(2)
		}
		at := h.after(n)
		if !h.note("agreement_signed", at, s.by, s.what, "", nil) {
			return false
		}
		a.signatures = append(a.signatures, store.Signature{Signer: s.signer, Method: s.method, SignedBy: s.by.id, SignedAt: at})
	}
	at := h.after(0)
	h.facts.AgreementEffective = true
	presiding := h.actor
	h.actor = actor{name: "系统"} // the agreement takes effect by itself at the last signature
	ok := h.do(domain.ActionStartPerformance, at, "", store.CaseChange{}, "调解协议书经各方签署并加盖印章，自即日起生效", "")
	h.actor = presiding
	if ok {
		a.effective, a.code = tp(at), fmt.Sprintf("%010X", r.Uint64()>>24)
	}
	return ok
}

// judicial: the parties apply to the district court to confirm the written
// agreement; the court accepts the application and confirms it or, now and
// then, rejects it. It reports whether the court decided by now.
func (h *history) judicial() bool {
	r, e := h.r, h.g.env
	at := h.after(between(r, 1, 8))
	if !h.note("judicial_applied", at, h.actor, "双方共同向"+e.court.Name+"申请司法确认", "", nil) {
		return false
	}
	h.plan.judicial = &plannedJudicial{courtID: e.court.ID, submitted: at, status: "submitted"}
	if !h.note("judicial_accepted", h.after(between(r, 2, 5)), e.courtUser, "法院已受理司法确认申请", "", nil) {
		return false
	}
	h.plan.judicial.status = "accepted"
	at = h.after(between(r, 5, 15))
	d := judicialDecision{status: "confirmed"}
	if r.IntN(100) < 12 {
		d.status, d.reason = "rejected", judicialRejections[r.IntN(len(judicialRejections))]
	} else {
		d.ruling = fmt.Sprintf("（%d）沪0115民特%d号", h.g.dates[h.day].Year, between(r, 100, 9999))
	}
	note := "法院裁定确认调解协议有效，文号" + d.ruling
	if d.status == "rejected" {
		note = "法院驳回司法确认申请：" + d.reason
	}
	return h.note("judicial_"+d.status, at, e.courtUser, note, "", func(t *tailStep) { t.decision = &d })
}

// commendation: the consumer (now and then the merchant) brings a 锦旗 or a 感谢信,
// recorded by the mediator as agreement.RecordCommendation would.
func (h *history) commendation() {
	r := h.r
	c := store.Commendation{Kind: "banner", Giver: "consumer", RecordedBy: h.actor.id}
	switch {
	case r.IntN(100) < 55:
		c.Note = bannerTexts[r.IntN(len(bannerTexts))]
	case r.IntN(4) == 0:
		c.Kind, c.Giver, c.Note = "letter", "merchant", "感谢调解员耐心细致的工作，帮助我们与消费者妥善化解纠纷"
	default:
		c.Kind, c.Note = "letter", letterTexts[r.IntN(len(letterTexts))]
	}
	label := map[string]string{"banner": "锦旗", "letter": "感谢信"}[c.Kind]
	at := h.after(between(r, 0, 5))
	c.RecordedAt = at
	h.note("commendation", at, h.actor, domain.PartyWord(c.Giver)+"赠送"+label+"："+c.Note, fmt.Sprintf(`{"kind":%q}`, c.Kind),
		func(t *tailStep) { t.commendation = &c })
}

// archive files the case some weeks after its handling ended, when its file
// is complete: an agreement not fully performed, or a court that has not
// ruled yet, keeps it open; some mediators leave files unfinished.
func (h *history) archive() {
	switch h.status {
	case domain.StatusRejected, domain.StatusFollowedUp, domain.StatusTerminated, domain.StatusWithdrawn:
	default:
		return
	}
	if a := h.plan.agreement; a != nil {
		for _, t := range a.terms {
			if t.paid == nil {
				return
			}
		}
	}
	if j := h.plan.judicial; j != nil && len(h.plan.tail) == 0 {
		return // the court has not ruled
	}
	if chance(h.r, h.prof.unfiled) {
		return
	}
	h.facts.CaseFileComplete = true
	h.do(domain.ActionArchive, h.after(between(h.r, h.prof.fileDays[0], h.prof.fileDays[1])), "", store.CaseChange{}, "卷宗材料齐全，归档", "")
}

var followUpNotes = []string{
	"电话回访：申请人确认款项已到账，对调解工作表示满意",
	"电话回访：协议已履行完毕，申请人表示满意",
	"电话回访：被申请人已按协议履行，申请人基本满意",
	"短信回访：申请人确认协议已履行",
}

var unpaidFollowUpNotes = []string{
	"电话回访：被申请人逾期未履行协议，申请人表示不满意，已告知可申请强制执行或另行起诉",
	"电话回访：余款至今未到账，申请人对处理结果不满意",
}

// recusalGrounds are the notes of recusal requests, as mediation.RequestRecusal writes them.
var recusalGrounds = []string{
	"消费者申请回避：调解员与被申请人负责人系同学关系",
	"消费者申请回避：认为调解员在调解中偏向经营者",
	"经营者申请回避：调解员曾就同类纠纷公开批评本公司",
	"调解员自行回避：调解员的亲属在被申请人处任职",
}

var bannerTexts = []string{"公正调解 为民解忧", "调解有方 情系百姓", "秉公调解 排忧解难", "热心为民 化解纠纷"}

var letterTexts = []string{"感谢调解员耐心细致的工作，帮助我追回了预付款", "感谢调委会及时受理、公正调解", "感谢调解员不厌其烦地沟通协调"}

var judicialRejections = []string{"调解协议内容不明确，无法确认", "协议约定的履行方式不明确", "当事人未按通知补充材料"}
