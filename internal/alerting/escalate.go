package alerting

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/warning"
)

// escalate takes every due ladder step of the open (unacknowledged)
// warnings. An acknowledged warning climbs no further.
func (s *Service) escalate(ctx context.Context, rs warning.RuleSet, dl deadline.Rules, units orgIndex, now time.Time) (int, error) {
	open, err := s.Store.OpenWarningList(ctx)
	if err != nil {
		return 0, fmt.Errorf("list open warnings: %w", err)
	}
	var ids []int64
	for _, w := range open {
		if w.Status == store.WarningOpen {
			ids = append(ids, w.ID)
		}
	}
	// The steps taken by all of them in one read: a read per warning made
	// each sweep as many round trips as warnings were open.
	steps, err := s.Store.WarningStepsTaken(ctx, ids)
	if err != nil {
		return 0, fmt.Errorf("steps of open warnings: %w", err)
	}
	n := 0
	for _, w := range open {
		if w.Status != store.WarningOpen {
			continue
		}
		lvl := warning.Level(w.Level)
		taken := map[int]bool{}
		for _, st := range steps[w.ID] {
			taken[st] = true
		}
		for _, i := range rs.DueSteps(dl.Calendar, lvl, w.RaisedAt, now, taken) {
			ok, err := s.takeStep(ctx, rs, units, w, i, rs.StepDue(dl.Calendar, lvl, i, w.RaisedAt), now)
			if err != nil {
				return n, err
			}
			if ok {
				n++
			}
		}
	}
	return n, nil
}

// takeStep records step i with a notice per recipient and an SMS to each
// whose phone is known, in one transaction; false when another sweep took
// the step first (then nothing is sent twice).
func (s *Service) takeStep(ctx context.Context, rs warning.RuleSet, units orgIndex, w store.Warning, i int, due, now time.Time) (bool, error) {
	step := rs.Ladder(warning.Level(w.Level))[i]
	ids, err := s.audience(ctx, units, w, step.Audiences)
	if err != nil {
		return false, err
	}
	phones := map[int64]string{}
	if s.Phones != nil && s.Sender != nil && len(ids) > 0 {
		if phones, err = s.Phones(ctx, ids); err != nil {
			return false, fmt.Errorf("phones of warning %d recipients: %w", w.ID, err)
		}
	}
	var who []string
	for _, a := range step.Audiences {
		who = append(who, a.Label())
	}
	note := fmt.Sprintf("第 %d 级通知%s（应于 %s 通知）：%d 人", i+1, strings.Join(who, "、"), due.In(shanghai()).Format("2006-01-02 15:04"), len(ids))
	if len(ids) == 0 {
		note += "；未找到可通知的人员"
	}
	body := noticeBody(w, i)
	taken := false
	err = s.Store.InTx(ctx, func(tx store.Store) error {
		ok, err := tx.TakeWarningStep(ctx, store.WarningEvent{WarningID: w.ID, Kind: "step", Step: i, At: now, Note: note})
		if err != nil || !ok {
			return err
		}
		taken = true
		var ns []store.WarningNotice
		for _, id := range ids {
			phone := phones[id]
			ns = append(ns, store.WarningNotice{UserID: id, WarningID: w.ID, Step: i, Body: body, SMS: phone != "", At: now})
			if phone == "" {
				continue
			}
			if _, err := notify.SendTx(ctx, s.Sender, tx, notify.Message{To: phone, Body: body, Kind: notify.KindStaffAlert, CaseID: w.CaseID}); err != nil {
				return fmt.Errorf("queue warning SMS: %w", err)
			}
		}
		return tx.AddWarningNotices(ctx, ns)
	})
	if err != nil {
		return false, fmt.Errorf("take step %d of warning %d: %w", i+1, w.ID, err)
	}
	return taken, nil
}

// noticeBody is the text of a notice and its SMS: level, subject, the
// explanation with its figures.
func noticeBody(w store.Warning, step int) string {
	lvl := warning.Level(w.Level)
	subj := warning.SubjectLabel(w.SubjectKind) + " " + w.SubjectLabel
	if w.CaseNumber != "" && w.SubjectKind != warning.SubjectCase {
		subj += "（案件 " + w.CaseNumber + "）"
	}
	b := fmt.Sprintf("【%s】%s：%s。", lvl.Label(), subj, w.Explain)
	if step > 0 {
		b += fmt.Sprintf("该预警已 %d 级升级仍未签收，请尽快处理。", step)
	} else {
		b += "请及时处理并签收。"
	}
	return b
}

// audience finds the users a step tells. The committee director is the
// committee-role user bound at the committee with the lowest user id (the
// first one set up); the justice bureau is every justice-role user bound
// at the district or at a 司法局/司法所 under it.
func (s *Service) audience(ctx context.Context, units orgIndex, w store.Warning, as []warning.Audience) ([]int64, error) {
	seen := map[int64]bool{}
	var out []int64
	add := func(id int64) {
		if id != 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	bound := func(orgIDs []int64, role domain.Role) ([]int64, error) {
		bs, err := s.Store.BoundUsers(ctx, orgIDs, []domain.Role{role})
		if err != nil {
			return nil, fmt.Errorf("users bound for warning %d: %w", w.ID, err)
		}
		var ids []int64
		for _, b := range bs {
			ids = append(ids, b.UserID)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		return ids, nil
	}
	for _, a := range as {
		switch a {
		case warning.ToPresiding:
			id, err := s.presiding(ctx, w)
			if err != nil {
				return nil, err
			}
			add(id)
		case warning.ToRoomLead:
			if u, ok := units.byID[w.UnitID]; ok && isRoom(u.Kind) {
				ids, err := bound([]int64{u.ID}, domain.RoleRoomLead)
				if err != nil {
					return nil, err
				}
				for _, id := range ids {
					add(id)
				}
			}
		case warning.ToCommittee, warning.ToDirector:
			c, ok := units.committeeOf(w.UnitID)
			if !ok {
				continue
			}
			ids, err := bound([]int64{c.ID}, domain.RoleCommittee)
			if err != nil {
				return nil, err
			}
			if a == warning.ToDirector && len(ids) > 0 {
				ids = ids[:1]
			}
			for _, id := range ids {
				add(id)
			}
		case warning.ToJustice:
			d, ok := units.districtOf(w.UnitID)
			if !ok {
				continue
			}
			orgs := []int64{d.ID}
			for _, u := range units.all {
				if (u.Kind == domain.OrgJusticeBureau || u.Kind == domain.OrgJusticeOffice) && strings.HasPrefix(u.Path, d.Path) {
					orgs = append(orgs, u.ID)
				}
			}
			ids, err := bound(orgs, domain.RoleJustice)
			if err != nil {
				return nil, err
			}
			for _, id := range ids {
				add(id)
			}
		}
	}
	// A step that finds nobody (a merchant surge has no mediator, a case
	// still in the committee's queue no room lead) tells the committee,
	// so no warning climbs unseen.
	if len(out) == 0 && !slices.Contains(as, warning.ToCommittee) {
		return s.audience(ctx, units, w, []warning.Audience{warning.ToCommittee})
	}
	return out, nil
}

// presiding is the mediator a warning concerns: the subject mediator, or
// the presiding mediator of its case.
func (s *Service) presiding(ctx context.Context, w store.Warning) (int64, error) {
	if w.SubjectKind == warning.SubjectMediator {
		return w.SubjectID, nil
	}
	if w.SubjectKind == warning.SubjectItem && s.Owner != nil {
		id, err := s.Owner(ctx, w.SubjectKind, w.SubjectID)
		if err != nil {
			return 0, fmt.Errorf("owner of warning %d: %w", w.ID, err)
		}
		if id != 0 {
			return id, nil
		}
	}
	if w.CaseID == 0 {
		return 0, nil
	}
	c, err := s.Store.GetCase(ctx, w.CaseID)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("case of warning %d: %w", w.ID, err)
	}
	return c.PresidingID, nil
}
