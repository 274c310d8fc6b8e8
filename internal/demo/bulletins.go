package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/tiaojie/tiaojie/internal/bulletin"
	"github.com/tiaojie/tiaojie/internal/bulletinrules"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/consent"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/store"
)

// demoRemarks are the committee's remarks on the demo bulletins.
var demoRemarks = []string{
	"预付式消费纠纷仍是投诉热点。请各市场监管所在日常检查中加强对健身、美容、教育培训等行业预付卡经营的提示和约谈，发现闭店苗头及时告知本委，便于提前介入、批量化解。",
	"请各合作单位对通报所列红色预警涉及的案件予以关注，需要协调的请于下周例会前与本委联系。",
}

// buildBulletins publishes Pudong's monthly 情况通报 of the last two ended
// months to two partners of the register each (drafted, edited, approved
// and published through the service, on a clock a few days after each
// month's end). A demo without a register of two partners has none.
func buildBulletins(ctx context.Context, st store.Store, sealer *pii.Sealer, now time.Time) error {
	cmt, err := st.GetOrgUnitByCode(ctx, CodeCommittee)
	if err != nil {
		return fmt.Errorf("demo: bulletins: %w", err)
	}
	partners, err := st.ListPartners(ctx, []int64{cmt.ID})
	if err != nil {
		return fmt.Errorf("demo: bulletins: %w", err)
	}
	var to []int64
	for _, pt := range partners {
		if pt.OrgID != 0 && len(to) < 2 {
			to = append(to, pt.ID)
		}
	}
	if len(to) < 2 {
		return nil
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sms := &notify.OutboxSender{Outbox: consent.Outbox{Store: st}, Hash: sealer.Hash, Log: log, Signature: "消调委"}
	clock := now
	p, err := platform.New(platform.Config{Store: st, Sealer: sealer, Log: log, Sender: sms, Now: func() time.Time { return clock }})
	if err != nil {
		return fmt.Errorf("demo: bulletins: %w", err)
	}
	svc := &services{st: st, auth: p.Auth}
	who, err := svc.principal(ctx, "committee01")
	if err != nil {
		return fmt.Errorf("demo: bulletins: %w", err)
	}
	last := bulletinrules.LastEnded(calendar.DateOf(now))
	for i, per := range []bulletinrules.Period{last.Previous(), last} {
		// A few days after the month's end, but never after now.
		if c := per.To.AddDays(3).Time().Add(10 * time.Hour); c.Before(now) {
			clock = c
		} else {
			clock = now
		}
		v, _, err := p.Bulletins.Draft(ctx, who, CodeCommittee, per.Month)
		if err != nil {
			return fmt.Errorf("demo: bulletin %s: %w", per.Month, err)
		}
		if v, err = p.Bulletins.Edit(ctx, who, v.ID, bulletin.EditInput{Remarks: demoRemarks[i%len(demoRemarks)]}); err != nil {
			return fmt.Errorf("demo: bulletin %s: %w", per.Month, err)
		}
		if _, err = p.Bulletins.Approve(ctx, who, v.ID); err != nil {
			return fmt.Errorf("demo: bulletin %s: %w", per.Month, err)
		}
		if _, err = p.Bulletins.Publish(ctx, who, v.ID, to); err != nil {
			return fmt.Errorf("demo: bulletin %s: %w", per.Month, err)
		}
	}
	return nil
}
