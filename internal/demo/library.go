package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/casebook"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// librarySignificance is the 典型意义 the demo's editor wrote, by category.
var librarySignificance = map[string]string{
	"服务-健身":   "预付式消费是健身行业的常见经营模式，经营者闭店、转让或变更服务内容时，应当依照《消费者权益保护法》和《上海市单用途预付消费卡管理规定》履行告知义务并退还未消费余额。本案调解员以消费者实际剩余课时为基础核算退款，促成经营者分期退款，既维护了消费者合法权益，也为经营者保留了继续经营的空间。提示消费者办理预付卡时理性消费，留存合同和付款凭证，避免一次性大额充值。",
	"服务-教育培训": "校外培训机构以“场地调整”“师资变动”等理由停课，是培训类预付消费纠纷的高发情形。本案调解员依据合同约定和《民法典》关于合同解除的规定，引导双方按照已上课时核算费用，经营者退还剩余学费。提示经营者规范收费、按课时或按月收费，提示消费者谨慎选择一次性预付大额培训费用。",
	"服务-美容美发": "美容美发行业存在诱导办卡、“卡内余额概不退还”等不公平格式条款问题。本案调解员向经营者释明格式条款的效力规则，经营者认识到相关条款不能免除其退款责任，双方达成退款协议。提示经营者依法规范格式合同，消费者遇到诱导消费可以通过12315或人民调解途径维权。",
	"商品-家用电器": "家用电器“三包”纠纷专业性较强。本案调解员依据《部分商品修理更换退货责任规定》，结合维修记录认定同一故障多次维修仍无法正常使用，经营者应当负责更换或退货。调解快速化解了纠纷，避免了消费者往返奔波。提示消费者妥善保存购物凭证和维修记录。",
	"服务-网络购物": "网络购物中“七日无理由退货”是消费者的法定权利，商品完好的，经营者不得以“已拆封”为由一概拒绝。本案调解员向经营者释明《消费者权益保护法》第二十五条的规定，双方达成退货退款协议。提示平台内经营者规范售后服务，平台经营者履行纠纷处理协助义务。",
}

// buildLibrary nominates and publishes typical cases (典型案例) from the
// demo's agreed cases through the casebook service, as committee01: two
// published, one submitted and waiting for approval. Cases with a judicial
// confirmation are refused by the service and skipped; so is a case whose
// draft the scan does not pass.
func buildLibrary(ctx context.Context, st store.Store, sealer *pii.Sealer, now time.Time) error {
	committee, err := st.GetOrgUnitByCode(ctx, CodeCommittee)
	if err != nil {
		return fmt.Errorf("demo: library: %w", err)
	}
	cmt, err := principal(ctx, st, "committee01")
	if err != nil {
		return err
	}
	clock := now.Add(-72 * time.Hour)
	svc := &casebook.Service{Store: st, Sealer: sealer, Now: func() time.Time { return clock }}
	page, err := st.ListCases(ctx, store.CaseQuery{Scope: store.Scope{Prefixes: []string{committee.Path}},
		Statuses: []domain.Status{domain.StatusFollowedUp, domain.StatusArchived}, Limit: 500})
	if err != nil {
		return fmt.Errorf("demo: library: %w", err)
	}
	want := []string{"服务-健身", "服务-教育培训", "商品-家用电器"}
	done := 0
	for _, cat := range want {
		for _, c := range page.Cases {
			if c.Category != cat {
				continue
			}
			tc, err := svc.Nominate(ctx, cmt, casebook.Nomination{CaseID: c.ID})
			if err != nil {
				continue // not agreed, confirmed by a court, …
			}
			d, err := svc.Save(ctx, cmt, tc.ID, casebook.Edit{Title: tc.Title, Category: tc.Category, Facts: tc.Facts, Process: tc.Process,
				Result: tc.Result, Significance: librarySignificance[cat]})
			if err != nil {
				return fmt.Errorf("demo: library: save: %w", err)
			}
			if !d.Clean {
				if _, err := svc.Withdraw(ctx, cmt, tc.ID, 0, "匿名化检查未通过，另选案例"); err != nil {
					return fmt.Errorf("demo: library: %w", err)
				}
				continue
			}
			clock = clock.Add(2 * time.Hour)
			if _, err := svc.Submit(ctx, cmt, tc.ID, 0); err != nil {
				return fmt.Errorf("demo: library: submit: %w", err)
			}
			if done < 2 {
				clock = clock.Add(20 * time.Hour)
				if _, err := svc.Publish(ctx, cmt, tc.ID, 0); err != nil {
					return fmt.Errorf("demo: library: publish: %w", err)
				}
			}
			done++
			break
		}
	}
	return nil
}
