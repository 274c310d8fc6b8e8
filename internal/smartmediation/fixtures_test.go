package smartmediation_test

import (
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	sm "github.com/tiaojie/tiaojie/internal/smartmediation"
	"github.com/tiaojie/tiaojie/internal/store"
)

var cst = time.FixedZone("CST", 8*3600)

// at is a moment in Shanghai.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// fullSource is a case that went all the way: accepted from 12315, mediated
// by two mediators, a written agreement of two terms (one performed), a
// follow-up. Late in the evening UTC dates differ from Shanghai's: the
// record must use Shanghai's.
func fullSource() sm.CaseSource {
	return sm.CaseSource{
		Case: store.Case{
			ID: 7, Number: "（2026）浦消调字第00123号", Year: 2026, Seq: 123,
			Status: domain.StatusFollowedUp, Channel: domain.Channel12315, Category: "服务-健身",
			Description: "消费者在健身房办理年卡后门店停业，联系电话13812345678，要求退还余额。",
			Claim:       "退还预付卡余额1200元", ClaimFen: 120000,
			ReceivedAt: at("2026-03-01 09:00"), AcceptedAt: ptr(at("2026-03-02 00:30")),
			ClosedAt: ptr(at("2026-03-20 10:00")), PresidingID: 31,
			Parties: []store.Party{
				{ID: 2, Kind: "merchant", Name: "上海某某健身有限公司", CreditCode: "91310115MA1H7XQ314", PhoneMask: "021-****1234"},
				{ID: 1, Kind: "consumer", Name: "张三", PhoneMask: "138****5678", IDMask: "310***********123X"},
			},
		},
		Agreement: &store.Agreement{CaseID: 7, Kind: "written", Facts: "年卡余额未退", Responsibility: "经营者承担退款责任",
			Terms: []domain.Term{
				{Party: "merchant", Content: "退还年卡余额", AmountFen: 80000, Manner: "银行转账至6222021234567890123", Deadline: "2026-03-25", PerformedAt: "2026-03-24"},
				{Party: "merchant", Content: "退还储物柜押金", AmountFen: 20000, Manner: "现场退款", Deadline: "2026-04-10"},
			},
			EffectiveAt: ptr(at("2026-03-18 16:00")), Created: at("2026-03-18 10:00")},
		CommitteeCode: "310115001",
		RoomCode:      "310115001-R03",
		MediatorCodes: []string{"M0031", "M0032"},
		Satisfaction:  5,
		MediatedAt:    ptr(at("2026-03-18 09:30")),
		AsOf:          at("2026-04-01 08:00"),
	}
}

// minimalSource is a case just accepted: no room, no mediator, no
// agreement, no phones.
func minimalSource() sm.CaseSource {
	return sm.CaseSource{
		Case: store.Case{
			Number: "（2026）浦消调字第00001号", Year: 2026, Seq: 1,
			Status: domain.StatusAccepted, Channel: domain.ChannelWalkIn, Category: "商品-家用电器",
			Description: "洗衣机漏水", AcceptedAt: ptr(at("2026-01-05 10:00")),
			Parties: []store.Party{{Kind: "consumer", Name: "李四"}, {Kind: "merchant", Name: "某电器店"}},
		},
		CommitteeCode: "310115001",
		AsOf:          at("2026-01-06 08:00"),
	}
}

// mustBuild builds a record or fails the test.
func mustBuild(t interface {
	Helper()
	Fatalf(string, ...any)
}, src sm.CaseSource) sm.CaseRecord {
	t.Helper()
	rec, err := sm.BuildCase(src)
	if err != nil {
		t.Fatalf("BuildCase: %v", err)
	}
	return rec
}

// codeOf is the default code of one of our values.
func codeOf(table, ours string) string {
	c, ok := sm.DefaultCodes().ForOurs(table, ours)
	if !ok {
		panic(table + " has no code for " + ours)
	}
	return c
}

// nameOf is the default name of a code.
func nameOf(table, code string) string {
	n, _ := sm.DefaultCodes().Name(table, code)
	return n
}

func orgUnit(kind, name string) store.OrgUnit {
	return store.OrgUnit{Kind: domain.OrgKind(kind), Code: "our-" + kind, Name: name}
}

func user(name string) store.User {
	return store.User{Username: "u-" + name, DisplayName: name, Active: true}
}
