package conversation

import (
	"context"
	"errors"
	"fmt"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Outlook is what a party reads first on their page, in plain words: their
// claim as registered, the dates that concern them, and what happens next.
type Outlook struct {
	ClaimLabel string // 您的请求, or 消费者的请求 for the merchant
	Claim      string
	ClaimFen   int64
	Registered string // date the complaint was registered
	Dates      []PartyDate
	Next       string
}

// PartyDate is one date a party should know about.
type PartyDate struct {
	What    string // e.g. 调解期限
	When    string // a date, or words when there is no fixed date
	Note    string // what the date means for them
	Overdue bool
	Done    bool
}

// Outlook derives the party's summary from their loaded view.
func (s *Service) Outlook(ctx context.Context, v View) (Outlook, error) {
	r := v.Reader
	c := r.Case
	o := Outlook{ClaimLabel: "您的请求", Claim: c.Claim, ClaimFen: c.ClaimFen, Registered: calendar.DateOf(c.ReceivedAt).String()}
	if r.Kind == KindMerchant {
		o.ClaimLabel = "消费者的请求"
	}
	events, err := s.Store.ListEvents(ctx, c.ID)
	if err != nil {
		return o, fmt.Errorf("list events of case %d: %w", c.ID, err)
	}
	rules, err := deadline.Load(ctx, s.Store)
	if err != nil {
		return o, fmt.Errorf("load deadline rules: %w", err)
	}
	clocks := map[calendar.ClockKind]calendar.Deadline{}
	for _, d := range rules.ForCase(c, events, s.now()) {
		clocks[d.Kind] = d
	}
	a, err := s.Store.GetAgreement(ctx, c.ID)
	hasAgreement := err == nil
	hasTerms := hasAgreement
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return o, fmt.Errorf("get agreement of case %d: %w", c.ID, err)
	}

	if d, ok := clocks[calendar.ClockAcceptance]; ok && d.Running {
		o.Dates = append(o.Dates, PartyDate{What: "是否受理", When: d.Due.String(), Overdue: d.Overdue,
			Note: "调解委员会在此日前决定是否受理，并以短信通知"})
	}
	if d, ok := clocks[calendar.ClockMediation]; ok && d.Running {
		note := "调解一般应在此日前结束"
		if d.Paused {
			note = "调解已中止，中止期间不计入，恢复后此日期顺延"
		}
		o.Dates = append(o.Dates, PartyDate{What: "调解期限", When: d.Due.String(), Overdue: d.Overdue, Note: note})
	}
	if v.Docs.SignURL != "" {
		o.Dates = append(o.Dates, PartyDate{What: "签署调解协议", When: "请尽快签署",
			Note: "协议自各方签名并加盖调解委员会印章之日起生效"})
	}
	switch c.Status {
	case domain.StatusAgreed, domain.StatusPerforming, domain.StatusFollowedUp, domain.StatusArchived:
	default:
		hasTerms = false
	}
	if hasTerms {
		today := calendar.DateOf(s.now()).String()
		for _, t := range a.Terms {
			who := "对方"
			if t.Party == r.Kind {
				who = "您"
			}
			what := fmt.Sprintf("%s履行：%s", who, t.Content)
			if t.AmountFen > 0 {
				what += "，" + domain.FormatFen(t.AmountFen) + "元"
			}
			pd := PartyDate{What: what, When: t.Deadline, Note: t.Manner}
			if t.PerformedAt != "" {
				pd.Done, pd.Note = true, "已于"+t.PerformedAt+"履行"
			} else if t.Deadline != "" && t.Deadline < today {
				pd.Overdue = true
			}
			o.Dates = append(o.Dates, pd)
		}
	}
	if d, ok := clocks[calendar.ClockJudicialConfirmation]; ok && hasAgreement && a.Kind == "written" {
		pd := PartyDate{What: "申请司法确认", When: d.Due.String(),
			Note: "协议生效后三十日内，双方可共同向人民法院申请司法确认（《人民调解法》第三十三条）；确认后一方不履行，另一方可申请强制执行"}
		switch {
		case d.StoppedAt != nil:
			pd.Done, pd.Note = true, "已于"+d.StoppedAt.String()+"提出申请"
		case !d.Running:
			pd.Done, pd.Note = true, "期限已过，未申请；仍可就协议履行向人民法院起诉"
		}
		o.Dates = append(o.Dates, pd)
	}
	o.Next = nextStep(v, a, hasAgreement, clocks)
	return o, nil
}

// nextStep says in one or two sentences what the party does now.
func nextStep(v View, a store.Agreement, hasAgreement bool, clocks map[calendar.ClockKind]calendar.Deadline) string {
	r, c := v.Reader, v.Reader.Case
	for _, p := range v.Proposals {
		if p.CanAnswer {
			return "调解员提出了调解方案。请阅读下方的“调解方案”，同意就点“接受此方案”，不同意可以写下您的意见。"
		}
	}
	for _, rec := range v.Records {
		if rec.CanConfirm {
			return "请阅读下方的调解笔录，内容属实就点“笔录内容属实，确认”；有误请在留言中告诉调解员。"
		}
	}
	if len(v.Joins) > 0 {
		return "调解员想请专家参与调解，请在下方选择同意或不同意。"
	}
	switch c.Status {
	case domain.StatusReceived:
		if d, ok := clocks[calendar.ClockAcceptance]; ok {
			return "调解委员会正在审查，将在" + d.Due.String() + "前决定是否受理，并以短信通知您。您现在不需要做什么。"
		}
		return "调解委员会正在审查，决定后以短信通知您。"
	case domain.StatusRejected:
		return "本纠纷未被受理。您可以向市场监管部门申诉、申请仲裁或向人民法院起诉。"
	case domain.StatusAccepted, domain.StatusConsenting, domain.StatusODRNegotiating:
		return "已受理。请留意短信，确认是否同意调解；调解员会与您联系。"
	case domain.StatusAssigned:
		return "调解员已确定，将与您联系约定调解的时间和方式。有话要说可以在下方留言。"
	case domain.StatusMediating:
		return "调解正在进行。您可以在下方“共同调解”中与调解员和对方沟通，也可以单独给调解员留言或上传证据。"
	case domain.StatusSuspended:
		return "调解暂时中止，期限暂停计算。恢复时调解员会通知您。"
	case domain.StatusAgreed:
		switch {
		case v.Docs.SignURL != "":
			return "调解协议已拟好。请点“阅读并签署调解协议”，用短信验证码和手写签名签署。"
		case hasAgreement && a.Kind == "written":
			return "您已签署调解协议。等其他各方签署、调解委员会盖章后协议生效，届时会通知您。"
		}
		return "双方已达成协议，请按约定履行。"
	case domain.StatusPerforming:
		for _, t := range a.Terms {
			if t.PerformedAt == "" && t.Party == r.Kind {
				return "请按协议在" + t.Deadline + "前" + t.Content + "。完成后请告诉调解员。"
			}
		}
		for _, t := range a.Terms {
			if t.PerformedAt == "" {
				return "等待对方在" + t.Deadline + "前" + t.Content + "。到期未履行，请告诉调解员。"
			}
		}
		return "协议已履行完毕，调解员会回访了解您的意见。"
	case domain.StatusFollowedUp, domain.StatusArchived:
		return "本案已办结，感谢您的配合。调解协议书等文书可在上方下载。"
	case domain.StatusTerminated:
		return "调解已终止。您可以依法申请仲裁、向市场监管部门申诉或向人民法院起诉。"
	case domain.StatusWithdrawn:
		return "本案已撤回或并入其他案件，无需再做什么。"
	}
	return ""
}
