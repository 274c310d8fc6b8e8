package casebook

import (
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

func TestIsMinor(t *testing.T) {
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		birth string
		want  bool
	}{{"2008-03-03", true}, {"2008-03-02", false}, {"2010-01-01", true}, {"1990-01-01", false}, {"2026-01-01", true}} {
		b, _ := time.Parse("2006-01-02", tt.birth)
		if got := isMinor(b, day); got != tt.want {
			t.Errorf("born %s: minor %v, want %v", tt.birth, got, tt.want)
		}
	}
}

func TestOutcome(t *testing.T) {
	for _, tt := range []struct {
		status domain.Status
		reason string
		agreed bool
		want   string
	}{
		{domain.StatusAgreed, "", true, "agreed"}, {domain.StatusPerforming, "", true, "agreed"}, {domain.StatusFollowedUp, "", true, "agreed"},
		{domain.StatusTerminated, "no_agreement", false, "terminated"}, {domain.StatusArchived, "no_agreement", false, "terminated"},
		{domain.StatusArchived, "", true, "agreed"}, {domain.StatusArchived, "", false, ""}, {domain.StatusWithdrawn, "", false, ""},
		{domain.StatusMediating, "", false, ""}, {domain.StatusRejected, "", false, ""},
	} {
		if got := outcome(store.Case{Status: tt.status, ReasonCode: tt.reason}, tt.agreed); got != tt.want {
			t.Errorf("%s/%s/%v: %q, want %q", tt.status, tt.reason, tt.agreed, got, tt.want)
		}
	}
}

// TestDraftAnonymised: the draft of a case names its people by surname + 某
// and its merchant by industry, deletes a phone in the description, and
// scans clean.
func TestDraftAnonymised(t *testing.T) {
	at := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	eff := at.AddDate(0, 0, 10)
	c := store.Case{ID: 7, Category: "服务-健身", Channel: domain.ChannelWalkIn, Status: domain.StatusFollowedUp, ReceivedAt: at, AcceptedAt: &at,
		Description: "本人于2025年5月在上海力行健身有限公司办理年卡，支付6800元。门店闭店，本人电话13812345678无人回复。", Claim: "退还余额3400元",
		ConsumerName: "王建国", MerchantName: "上海力行健身有限公司",
		Parties: []store.Party{{Kind: "consumer", Name: "王建国"}, {Kind: "merchant", Name: "上海力行健身有限公司"}}}
	agr := store.Agreement{Kind: "written", EffectiveAt: &eff, Terms: []domain.Term{{Party: "merchant", Content: "退还预付卡余额", AmountFen: 340000,
		Manner: "银行转账", Deadline: "2026-03-20", PerformedAt: "2026-03-18"}}}
	s := &Service{}
	d := s.draft(c, agr, true, "agreed")
	all := d.Title + d.Facts + d.Process + d.Result
	for _, bad := range []string{"王建国", "建国", "力行", "13812345678", "本人"} {
		if contains(all, bad) {
			t.Errorf("draft contains %q:\n%s", bad, all)
		}
	}
	for _, good := range []string{"申请人王某", "某健身公司", "3400元", "2026年3月20日前履行", "协议已履行完毕", "健身消费纠纷调解案"} {
		if !contains(all, good) {
			t.Errorf("draft lacks %q:\n%s", good, all)
		}
	}
	if hs := scanAll(masker(c, false), d); len(hs) != 0 {
		t.Errorf("draft scan: %+v", hs)
	}
	keep := (&Service{KeepMerchants: true}).draft(c, agr, true, "agreed")
	if !contains(keep.Facts, "上海力行健身有限公司") || !keep.KeepMerchants {
		t.Errorf("merchant kept: %s", keep.Facts)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
