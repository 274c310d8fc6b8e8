package calendar

import (
	"errors"
	"fmt"
	"strings"
)

// Policy is one version of the deadline rules, keyed by its effective date.
// A case keeps the policy in force on its acceptance date.
type Policy struct {
	ID                  int64
	Code                string // e.g. "2019", "samr121"
	Name                string // Chinese title of the regulation
	EffectiveFrom       Date
	AcceptanceWD        int // acceptance decision, working days after receipt
	MediationWD         int // mediation closed, working days after acceptance
	TerminationNoticeWD int // termination notice to both parties, working days
	ODRNegotiationWD    int // ODR enterprise direct negotiation, working days
	JudicialConfirmDays int // calendar days after the agreement takes effect
	CommitteeTargetDays int // committee's internal target, calendar days after acceptance
}

// maxPolicyDays bounds every policy number; anything above is a typo.
const maxPolicyDays = 365

// DefaultPolicies returns the built-in policy rows: the 2019 rules and SAMR
// Order No. 121 (effective 2026-04-15). A fresh slice is returned each call.
func DefaultPolicies() []Policy {
	return []Policy{
		{
			ID:                  1,
			Code:                "2019",
			Name:                "《市场监督管理投诉举报处理暂行办法》",
			EffectiveFrom:       Date{2020, 1, 1},
			AcceptanceWD:        7,
			MediationWD:         45,
			TerminationNoticeWD: 7,
			ODRNegotiationWD:    10,
			JudicialConfirmDays: 30,
			CommitteeTargetDays: 30,
		},
		{
			ID:                  2,
			Code:                "samr121",
			Name:                "《市场监督管理投诉处理办法》（国家市场监督管理总局令第121号）",
			EffectiveFrom:       Date{2026, 4, 15},
			AcceptanceWD:        7,
			MediationWD:         45,
			TerminationNoticeWD: 7,
			ODRNegotiationWD:    10,
			JudicialConfirmDays: 30,
			CommitteeTargetDays: 30,
		},
	}
}

// PolicyInForce returns the policy with the latest EffectiveFrom on or before
// d (ties go to the higher ID); false if none is in force yet.
func PolicyInForce(policies []Policy, d Date) (Policy, bool) {
	var best Policy
	found := false
	for _, p := range policies {
		if p.EffectiveFrom.After(d) {
			continue
		}
		if !found || p.EffectiveFrom.After(best.EffectiveFrom) ||
			(p.EffectiveFrom == best.EffectiveFrom && p.ID > best.ID) {
			best, found = p, true
		}
	}
	return best, found
}

// Validate checks a policy row as entered by an admin. All problems are
// reported together (joined), in Chinese.
func (p Policy) Validate() error {
	var errs []error
	if strings.TrimSpace(p.Code) == "" {
		errs = append(errs, errors.New("政策代码不能为空"))
	}
	if strings.TrimSpace(p.Name) == "" {
		errs = append(errs, errors.New("政策名称不能为空"))
	}
	if p.EffectiveFrom.IsZero() {
		errs = append(errs, errors.New("生效日期不能为空"))
	} else if p.EffectiveFrom != p.EffectiveFrom.AddDays(0) {
		errs = append(errs, fmt.Errorf("生效日期无效：%s", p.EffectiveFrom))
	}
	numbers := []struct {
		label string
		value int
	}{
		{"受理决定期限（工作日）", p.AcceptanceWD},
		{"调解期限（工作日）", p.MediationWD},
		{"终止告知期限（工作日）", p.TerminationNoticeWD},
		{"ODR协商期限（工作日）", p.ODRNegotiationWD},
		{"司法确认申请期限（自然日）", p.JudicialConfirmDays},
		{"调委会目标期限（自然日）", p.CommitteeTargetDays},
	}
	for _, n := range numbers {
		if n.value < 1 || n.value > maxPolicyDays {
			errs = append(errs, fmt.Errorf("%s应在1至%d之间，当前为%d", n.label, maxPolicyDays, n.value))
		}
	}
	return errors.Join(errs...)
}

// Texts that set the clocks (../shared/GLOSSARY.md "The clocks and the texts
// they come from"). The judicial-confirmation window is set by the law on
// people's mediation and the civil procedure law, whatever market-regulation
// policy a case runs under.
const (
	interimMeasures = "《市场监督管理投诉举报处理暂行办法》"
	// JudicialConfirmationBasis is the source of the 30-day window to apply for judicial confirmation.
	JudicialConfirmationBasis = "《中华人民共和国人民调解法》第三十三条、《中华人民共和国民事诉讼法》第二百零五条及《最高人民法院关于人民调解协议司法确认程序的若干规定》（法释〔2011〕5号）"
	// CommitteeTargetBasis: the committee's own target, not a legal period.
	CommitteeTargetBasis = "调委会内部目标"
)

// interimArticles cite the article of the 2019 interim measures that sets each
// of its clocks. SAMR Order No. 121 renumbers them; until its text is checked
// article by article, an Order 121 policy cites the Order by name only, as
// does any policy an administrator adds.
var interimArticles = map[ClockKind]string{
	ClockAcceptance:        "第十四条",
	ClockMediation:         "第二十一条",
	ClockTerminationNotice: "第二十一条",
}

// Basis names the text a clock's length comes from under this policy.
func (p Policy) Basis(k ClockKind) string {
	switch k {
	case ClockJudicialConfirmation:
		return JudicialConfirmationBasis
	case ClockCommitteeTarget:
		return CommitteeTargetBasis
	}
	if p.Code == "2019" && p.Name == interimMeasures {
		if art, ok := interimArticles[k]; ok {
			return p.Name + art
		}
	}
	return p.Name
}
