package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Term is one obligation of a mediation agreement: who does what, how much,
// how and by when. Courts refuse to confirm vague terms, so all are required.
type Term struct {
	Party     string `json:"party"`    // "consumer" or "merchant": who performs
	Content   string `json:"content"`  // e.g. 退还预付卡余额
	AmountFen int64  `json:"amount"`   // 分
	Manner    string `json:"manner"`   // e.g. 银行转账至消费者账户
	Deadline  string `json:"deadline"` // YYYY-MM-DD
	// Kind says what the amount is for the statistics (TermKinds; "" = other):
	// 精神损害赔偿 and 惩罚性赔偿 are reported apart.
	Kind string `json:"kind,omitempty"`
	// Performance, recorded later.
	PerformedAt string `json:"performed_at,omitempty"`
	Proof       string `json:"proof,omitempty"`
}

// TermKinds are what a term's amount is for (internal/statcodes' term_kind).
var TermKinds = []string{"refund", "compensation", "mental", "punitive", "other"}

// PreventionCodes are the prevention effects (预防效果) a closure may record
// (internal/statcodes' table prevention).
var PreventionCodes = []string{"escalation", "suicide", "criminal", "petition", "incident"}

// ValidPrevention checks a closure's prevention effects: known, each once.
func ValidPrevention(codes []string) *FieldError {
	seen := map[string]bool{}
	for _, c := range codes {
		if !slices.Contains(PreventionCodes, c) || seen[c] {
			return &FieldError{Field: "prevention", Message: "预防效果须从列表中选择，每项一次"}
		}
		seen[c] = true
	}
	return nil
}

// AgreementContent is the legally required content of a 调解协议.
type AgreementContent struct {
	Facts          string // main facts and disputed matters
	Responsibility string // each party's responsibility
	Terms          []Term
	// Prevention are the prevention effects (预防效果) recorded with the
	// agreement for the statistics; not part of the document.
	Prevention []string
}

// ValidateAgreement checks the required content; every problem is reported.
// today is the agreement's date (deadlines may not precede it).
func ValidateAgreement(a AgreementContent, today time.Time) []*FieldError {
	var errs []*FieldError
	add := func(f, m string) { errs = append(errs, &FieldError{Field: f, Message: m}) }
	// Input hygiene: the agreement is signed as displayed, so nothing in it
	// may display as other than it is (bidi overrides, controls).
	for _, fe := range []*FieldError{CheckText("facts", a.Facts), CheckText("responsibility", a.Responsibility)} {
		if fe != nil {
			errs = append(errs, fe)
		}
	}
	for i, t := range a.Terms {
		for _, fe := range []*FieldError{CheckLine(fmt.Sprintf("terms.%d.content", i), t.Content), CheckLine(fmt.Sprintf("terms.%d.manner", i), t.Manner)} {
			if fe != nil {
				fe.Message = fmt.Sprintf("第%d项：", i+1) + fe.Message
				errs = append(errs, fe)
			}
		}
	}
	if len(errs) > 0 {
		return errs
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(a.Facts)); n < 10 || n > 5000 {
		add("facts", "请写明纠纷的主要事实和争议事项（10至5000字）")
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(a.Responsibility)); n < 4 || n > 2000 {
		add("responsibility", "请写明各方当事人的责任（4至2000字）")
	}
	if len(a.Terms) == 0 {
		add("terms", "调解协议至少须有一项履行内容")
	}
	if fe := ValidPrevention(a.Prevention); fe != nil {
		errs = append(errs, fe)
	}
	day := today.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	for i, t := range a.Terms {
		n := fmt.Sprintf("第%d项：", i+1)
		if t.Party != "consumer" && t.Party != "merchant" {
			add(fmt.Sprintf("terms.%d.party", i), n+"请选择履行义务的当事人")
		}
		if strings.TrimSpace(t.Content) == "" {
			add(fmt.Sprintf("terms.%d.content", i), n+"请写明履行内容")
		}
		if t.AmountFen <= 0 {
			add(fmt.Sprintf("terms.%d.amount", i), n+"须写明具体金额，金额不明确的协议法院不予确认")
		}
		if t.Kind != "" && !slices.Contains(TermKinds, t.Kind) {
			add(fmt.Sprintf("terms.%d.kind", i), n+"款项类别须为退款退货、赔偿损失、精神损害赔偿、惩罚性赔偿或其他")
		}
		if strings.TrimSpace(t.Manner) == "" {
			add(fmt.Sprintf("terms.%d.manner", i), n+"须写明履行方式（如银行转账、现场退款）")
		}
		if d, err := time.Parse("2006-01-02", t.Deadline); err != nil {
			add(fmt.Sprintf("terms.%d.deadline", i), n+"须写明履行期限（日期）")
		} else if d.Format("2006-01-02") < day {
			add(fmt.Sprintf("terms.%d.deadline", i), n+"履行期限不能早于协议日期")
		}
	}
	return errs
}

// partyWords name who acts in a case's papers; "seal" is the committee's
// seal as one of an agreement's signers.
var partyWords = map[string]string{"consumer": "消费者", "merchant": "经营者", "mediator": "调解员", "seal": "调委会印章"}

// PartyWord is the short Chinese name of a party, the mediator or the seal.
func PartyWord(kind string) string { return partyWords[kind] }
