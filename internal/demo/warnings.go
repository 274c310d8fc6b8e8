package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/alerting"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/warning"
)

// buildWarnings runs the real 预警 sweep and escalation over the demo
// cases on a constructed clock: two working days ago at 09:30, two
// working hours later (the red warnings reach the committee director),
// then now. Then the committee resolves one warning of each level by hand
// and urges one case, which its mediator answers.
func buildWarnings(ctx context.Context, st store.Store, now time.Time) error {
	rules, err := deadline.Load(ctx, st)
	if err != nil {
		return fmt.Errorf("demo: warnings: %w", err)
	}
	// Two working days back: a case due today was yellow then.
	d := calendar.DateOf(now)
	for n := 0; n < 2; {
		d = d.AddDays(-1)
		if rules.Calendar.IsWorkday(d) {
			n++
		}
	}
	start := d.Time().Add(9*time.Hour + 30*time.Minute)
	clock := start
	svc := &alerting.Service{Store: st, Now: func() time.Time { return clock }}
	cmt, err := principal(ctx, st, "committee01")
	if err != nil {
		return err
	}
	// A 督办 due at the end of that day, answered only the next day: its
	// red warning is raised, then clears itself once the reply is in.
	sup, supMed, err := superviseOne(ctx, st, svc, cmt, d)
	if err != nil {
		return err
	}
	sweep := func(t time.Time) error {
		clock = t
		if _, err := svc.Sweep(ctx); err != nil {
			return fmt.Errorf("demo: warnings: sweep at %s: %w", t.Format(time.DateTime), err)
		}
		return nil
	}
	for _, t := range []time.Time{start, start.Add(2*time.Hour + time.Minute), now.Add(-time.Hour)} {
		if err := sweep(t); err != nil {
			return err
		}
	}
	if sup != 0 {
		clock = now.Add(-50 * time.Minute)
		if err := svc.Reply(ctx, supMed, sup, "已补充鉴定材料，约定下周一组织调解"); err != nil {
			return fmt.Errorf("demo: warnings: reply to supervise: %w", err)
		}
		if err := sweep(now.Add(-45 * time.Minute)); err != nil {
			return err
		}
	}
	clock = now.Add(-40 * time.Minute)
	page, err := svc.List(ctx, cmt, alerting.ListQuery{Status: store.WarningOpen, Paging: store.Paging{Limit: store.MaxPage}})
	if err != nil {
		return fmt.Errorf("demo: warnings: %w", err)
	}
	open := page.Items
	// Keep one open warning of each level; resolve the oldest other one.
	byLevel := map[string][]alerting.Warning{}
	for _, w := range open {
		byLevel[w.Level] = append(byLevel[w.Level], w)
	}
	for _, l := range warning.Levels {
		ws := byLevel[string(l)]
		if len(ws) < 2 {
			continue
		}
		w := ws[len(ws)-1]
		if err := svc.Resolve(ctx, cmt, w.ID, "演示：已电话督促承办调解员，当事人已约定调解时间"); err != nil {
			return fmt.Errorf("demo: warnings: resolve %d: %w", w.ID, err)
		}
	}
	// The committee urges a case its mediator presides over; the mediator answers.
	for _, w := range open {
		if w.CaseID == 0 || w.SubjectKind != warning.SubjectCase {
			continue
		}
		c, err := st.GetCase(ctx, w.CaseID)
		if err != nil || c.PresidingID == 0 {
			continue
		}
		u, err := st.GetUser(ctx, c.PresidingID)
		if err != nil {
			return fmt.Errorf("demo: warnings: %w", err)
		}
		med, err := principal(ctx, st, u.Username)
		if err != nil {
			return err
		}
		clock = now.Add(-30 * time.Minute)
		sp, err := svc.Supervise(ctx, cmt, alerting.SuperviseInput{Kind: alerting.KindUrge, WarningID: w.ID,
			Request: "请于今日联系双方当事人，说明调解进展", Due: calendar.DateOf(now).String()})
		if err != nil {
			return fmt.Errorf("demo: warnings: urge: %w", err)
		}
		clock = now.Add(-20 * time.Minute)
		if err := svc.Reply(ctx, med, sp.ID, "已电话联系双方，约定本周五到工作室调解"); err != nil {
			return fmt.Errorf("demo: warnings: reply: %w", err)
		}
		break
	}
	return nil
}

func principal(ctx context.Context, st store.Store, username string) (*auth.Principal, error) {
	u, err := st.GetUserByUsername(ctx, username)
	if err != nil {
		return nil, fmt.Errorf("demo: user %s: %w", username, err)
	}
	bs, err := st.ListBindings(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("demo: bindings of %s: %w", username, err)
	}
	return &auth.Principal{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Bindings: bs}, nil
}

// superviseOne puts a 督办 on the oldest case in mediation with a
// presiding mediator, due at the end of day d; 0 when there is none.
func superviseOne(ctx context.Context, st store.Store, svc *alerting.Service, cmt *auth.Principal, d calendar.Date) (int64, *auth.Principal, error) {
	page, err := st.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}, Statuses: []domain.Status{domain.StatusMediating}, ByID: true, Limit: 50})
	if err != nil {
		return 0, nil, fmt.Errorf("demo: warnings: %w", err)
	}
	for _, c := range page.Cases {
		if c.PresidingID == 0 || !cmt.CanOnCase(domain.PermWarningSupervise, c) {
			continue
		}
		u, err := st.GetUser(ctx, c.PresidingID)
		if err != nil {
			return 0, nil, fmt.Errorf("demo: warnings: %w", err)
		}
		med, err := principal(ctx, st, u.Username)
		if err != nil {
			return 0, nil, err
		}
		sp, err := svc.Supervise(ctx, cmt, alerting.SuperviseInput{Kind: alerting.KindSupervise, CaseID: c.ID,
			Request: "本案调解进度滞后，请书面说明原因和下一步安排", Due: d.String()})
		if err != nil {
			return 0, nil, fmt.Errorf("demo: warnings: supervise: %w", err)
		}
		return sp.ID, med, nil
	}
	return 0, nil, nil
}
