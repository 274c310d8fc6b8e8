package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/dailyreport"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/reportrules"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/store"
)

// dailyUnits are the units with a month of daily reports: the committee
// and the first rooms (room_lead01 leads the first).
func dailyUnits() []struct{ code, lead string } {
	out := []struct{ code, lead string }{{CodeCommittee, "committee01"}}
	for i := 1; i <= 4; i++ {
		out = append(out, struct{ code, lead string }{OfficeRoomCode(i), fmt.Sprintf("room_lead%02d", i)})
	}
	return out
}

// dailyRemarks are what the leads write under their figures (after a
// sentence on the figures themselves).
var dailyRemarks = []string{
	"预付卡类纠纷仍较集中，已提醒调解员注意办理时限。",
	"无异常情况。",
	"一件案件当事人未按约到场，已另行约定调解时间。",
	"已电话回访两件，当事人对调解结果表示满意。",
	"一件案件涉及金额较大，已安排两名调解员共同主持。",
	"与辖区市场监管所沟通一件分流案件的进展。",
	"调解员一人请假，案件已在室内调剂。",
}

// buildDailies drafts a month of daily reports from the demo's events and
// submits most of them the morning they were due, with remarks; a few are
// left missing, and today's stay drafts for the demo's lead to submit.
func buildDailies(ctx context.Context, st store.Store, now time.Time) error {
	rules, err := deadline.Load(ctx, st)
	if err != nil {
		return fmt.Errorf("demo: dailies: %w", err)
	}
	units, err := st.ListOrgUnits(ctx)
	if err != nil {
		return fmt.Errorf("demo: dailies: %w", err)
	}
	byCode := map[string]store.OrgUnit{}
	for _, u := range units {
		byCode[u.Code] = u
	}
	authn := &auth.Service{Store: st}
	sc := &scorecard.Service{Store: st, Now: func() time.Time { return now }}
	if _, err := sc.CatchUp(ctx); err != nil {
		return fmt.Errorf("demo: dailies: %w", err)
	}
	today := calendar.DateOf(now)
	days := reportrules.ReportDays(rules.Calendar, today.AddDays(-30), today.AddDays(-1))
	for i, du := range dailyUnits() {
		u, ok := byCode[du.code]
		if !ok {
			return fmt.Errorf("demo: dailies: no unit %s", du.code)
		}
		user, err := st.GetUserByUsername(ctx, du.lead)
		if err != nil {
			return fmt.Errorf("demo: dailies: %s: %w", du.lead, err)
		}
		p, err := authn.PrincipalFor(ctx, user)
		if err != nil {
			return fmt.Errorf("demo: dailies: %w", err)
		}
		for j, d := range days {
			// Drafted by the morning sweep at 08:00 (without the desk: no
			// snapshot, those mornings' clocks cannot be read back now),
			// submitted that morning — mostly before 10:00, now and then
			// after it, a few never.
			clock := d.Time().Add(8 * time.Hour)
			svc := &dailyreport.Service{Store: st, Scorecard: sc, Now: func() time.Time { return clock }}
			rep, err := svc.Get(ctx, p, u.Code, d.String())
			if err != nil {
				return fmt.Errorf("demo: daily of %s for %s: %w", u.Code, d, err)
			}
			if (i*7+j*3)%11 == 4 {
				continue
			}
			clock = d.Time().Add(8*time.Hour + 20*time.Minute + time.Duration((i*13+j*17)%110)*time.Minute)
			remarks := figureRemark(rep) + dailyRemarks[(i+j)%len(dailyRemarks)]
			if _, err := svc.Submit(ctx, p, u.Code, d.String(), remarks); err != nil {
				var ae *access.Error
				if errors.As(err, &ae) {
					return fmt.Errorf("demo: submit the daily of %s for %s: %s", u.Code, d, ae.Message)
				}
				return fmt.Errorf("demo: submit the daily of %s for %s: %w", u.Code, d, err)
			}
		}
	}
	return nil
}

// figureRemark opens a lead's remarks with the day's figures in words.
func figureRemark(rep dailyreport.Report) string {
	c := rep.Figures.Counts
	if c.Received == 0 && c.Closed == 0 {
		return "统计期间无新收和办结案件。"
	}
	s := fmt.Sprintf("收案 %d 件、受理 %d 件、办结 %d 件", c.Received, c.Accepted, c.Closed)
	if n := c.ByOutcome["agreed"]; n > 0 {
		s += fmt.Sprintf("，其中调解成功 %d 件，协议金额 %s 元", n, reportrules.Yuan(c.AgreedFen))
	}
	s += "。"
	if len(rep.Figures.Notable) > 0 {
		s += fmt.Sprintf("重点案件 %s：%s。", rep.Figures.Notable[0].Number, rep.Figures.Notable[0].Reasons[0].Text)
	}
	return s
}
