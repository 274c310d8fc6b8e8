package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/contracting"
	"github.com/tiaojie/tiaojie/internal/purchase"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Demo contract numbers.
const (
	DemoServiceContract    = "PDSC-示例-001"
	DemoEnterpriseContract = "PDQY-示例-001"
)

// buildContracts records Pudong's purchased services, all amounts marked
// 示例: the market-regulation bureau's contract with 东方调解中心 for the
// year, its last completed quarter assessed by regulator01 and confirmed;
// and an enterprise's per-case contract for the enterprise room that
// closed the most cases last month,
// whose last month's statement reads from the evaluation figures.
func buildContracts(ctx context.Context, st store.Store, now time.Time) error {
	sc := &scorecard.Service{Store: st, Now: func() time.Time { return now }}
	svc := &contracting.Service{Store: st, Scorecard: sc, Now: func() time.Time { return now }}
	u, err := st.GetUserByUsername(ctx, "regulator01")
	if err != nil {
		return fmt.Errorf("demo: contracts: %w", err)
	}
	p, err := (&auth.Service{Store: st}).PrincipalFor(ctx, u)
	if err != nil {
		return fmt.Errorf("demo: contracts: %w", err)
	}
	today := calendar.DateOf(now)
	last := purchase.QuarterOf(today)
	last = purchase.Quarter{Year: last.Year, Q: last.Q - 1}
	if last.Q == 0 {
		last = purchase.Quarter{Year: last.Year - 1, Q: 4}
	}
	from := calendar.Date{Year: last.Year, Month: 1, Day: 1}
	to := calendar.Date{Year: today.Year, Month: 12, Day: 31}
	c, err := svc.Create(ctx, p, contracting.Input{Kind: contracting.KindService, Number: DemoServiceContract,
		Title: fmt.Sprintf("%d年度浦东新区消费纠纷人民调解服务项目（示例）", today.Year), Committee: CodeCommittee, Buyer: CodeBureau,
		Provider: CodeProvider, From: from.String(), To: to.String(), AmountFen: 360000000, Status: contracting.StatusActive,
		Scope: "示例：在全区市场监管所联合人民调解工作室和企业人民调解工作室派驻专职调解员，受理市场监管部门分流的消费纠纷，开展调解、回访、卷宗归档，并按月报送工作数据。金额与指标均为示例。",
		Targets: []contracting.Target{
			{Code: purchase.TargetCases, Value: 1200, Rule: contracting.Rule{Kind: purchase.RulePerUnit, Fen: 10000, CapFen: 2000000}},
			{Code: purchase.TargetSuccess, Value: 900, Rule: contracting.Rule{Kind: purchase.RulePerUnit, Fen: 500000, CapFen: 3000000}},
			{Code: purchase.TargetFollowUp, Value: 950, Rule: contracting.Rule{Kind: purchase.RuleFixed, Fen: 1000000}},
			{Code: purchase.TargetOnTime, Value: 950, Rule: contracting.Rule{Kind: purchase.RulePerUnit, Fen: 200000, CapFen: 2000000}},
		}})
	if err != nil {
		return fmt.Errorf("demo: service contract: %w", err)
	}
	a, err := svc.Assess(ctx, p, c.ID, last.String(), "")
	if err != nil {
		return fmt.Errorf("demo: assess %s: %w", last, err)
	}
	if _, err := svc.Confirm(ctx, p, c.ID, a.Record.ID); err != nil {
		return fmt.Errorf("demo: confirm %s: %w", last, err)
	}

	// The enterprise room that closed the most cases last month, so its
	// statement has lines.
	lastMonth := calendar.Date{Year: today.Year, Month: today.Month, Day: 1}.AddDays(-1)
	var room store.OrgUnit
	best := -1
	for i := 1; i <= NumEnterpriseRooms; i++ {
		u, err := st.GetOrgUnitByCode(ctx, EnterpriseRoomCode(i))
		if err != nil {
			return fmt.Errorf("demo: enterprise contract: %w", err)
		}
		fs, err := sc.RoomClosures(ctx, u.ParentID, u.ID, calendar.Date{Year: lastMonth.Year, Month: lastMonth.Month, Day: 1}, lastMonth)
		if err != nil {
			return fmt.Errorf("demo: enterprise contract: %w", err)
		}
		if len(fs) > best {
			room, best = u, len(fs)
		}
	}
	ms, err := st.ListRoomMerchants(ctx, room.ID)
	if err != nil || len(ms) == 0 {
		return fmt.Errorf("demo: merchants of %s: %v", room.Name, err)
	}
	efrom := calendar.Date{Year: lastMonth.Year, Month: 1, Day: 1}
	if _, err := svc.Create(ctx, p, contracting.Input{Kind: contracting.KindEnterprise, Number: DemoEnterpriseContract,
		Title: fmt.Sprintf("%s购买人民调解服务协议（示例）", ms[0].Name), Room: room.Code, MerchantID: ms[0].ID,
		ProviderName: "浦东新区消费纠纷人民调解委员会", From: efrom.String(), To: to.String(), PriceFen: 15000, Status: contracting.StatusActive,
		Scope: "示例：企业人民调解工作室调解本企业的消费纠纷，按经调解办结的案件每件计费，按月对账。"}); err != nil {
		return fmt.Errorf("demo: enterprise contract: %w", err)
	}
	return nil
}
