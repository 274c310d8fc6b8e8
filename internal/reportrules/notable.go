package reportrules

import "fmt"

// BigClaimFen is the claim from which a new complaint is notable: 5万元.
const BigClaimFen = 5_000_000

// CaseSigns are what the notable rules look at in one case, over the
// report's span.
type CaseSigns struct {
	ReceivedInSpan  bool
	ClaimFen        int64
	InGroup         bool // a member of a group dispute
	Commendations   int  // banners, letters and thanks received in the span
	OverdueFromSpan bool // went past its mediation due day in the span (红色预警)
}

// NotableRule is one reason a case makes the report's list of notable cases.
type NotableRule struct {
	Code  string
	Label string
	Match func(CaseSigns) (reason string, ok bool)
}

// NotableRules is the table the report applies, in this order.
var NotableRules = []NotableRule{
	{Code: "big_claim", Label: "大额纠纷", Match: func(s CaseSigns) (string, bool) {
		return fmt.Sprintf("诉求金额 %s 元，达到 5 万元", Yuan(s.ClaimFen)), s.ReceivedInSpan && s.ClaimFen >= BigClaimFen
	}},
	{Code: "group", Label: "群体性纠纷", Match: func(s CaseSigns) (string, bool) {
		return "新收群体性纠纷的成员案件", s.ReceivedInSpan && s.InGroup
	}},
	{Code: "commendation", Label: "表扬", Match: func(s CaseSigns) (string, bool) {
		return fmt.Sprintf("当事人赠送锦旗或感谢信 %d 次", s.Commendations), s.Commendations > 0
	}},
	{Code: "red", Label: "红色预警", Match: func(s CaseSigns) (string, bool) {
		return "超过调解期限仍未办结（红色预警）", s.OverdueFromSpan
	}},
}

// Reason is why a case is notable.
type Reason struct {
	Rule  string `json:"rule"`
	Label string `json:"label"`
	Text  string `json:"text"`
}

// Notable applies the rules to a case; nil when none matches.
func Notable(s CaseSigns) []Reason {
	var out []Reason
	for _, r := range NotableRules {
		if text, ok := r.Match(s); ok {
			out = append(out, Reason{Rule: r.Code, Label: r.Label, Text: text})
		}
	}
	return out
}
