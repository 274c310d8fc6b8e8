package platform

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/warning"
)

// wireRoutines joins the five routines to one another: the warnings reach
// mediators' phones through the registry and watch the routines' duties;
// the daily report and the meeting agenda read the open warnings; the
// registry's grade rules read the training hours.
func (s *Services) wireRoutines() {
	s.Warnings.Phones = s.Corps.Phones
	s.Warnings.Duties = s.duties
	s.Warnings.Owner = s.dutyOwner
	s.DailyReport.Warnings = s.Warnings.UnitOpenCounts
	s.DailyReport.Notify = s.Warnings.NotifyLeads
	s.Meetings.RedWarnings = s.Warnings.UnitRed
	s.Corps.TrainingHours = s.Trainings.Hours
}

// duties are the routine duties past their day, as warning inputs.
func (s *Services) duties(ctx context.Context, today calendar.Date) ([]warning.Duty, error) {
	var out []warning.Duty
	late, err := s.Corps.FilingOverdue(ctx, today)
	if err != nil {
		return nil, err
	}
	for _, f := range late {
		unit := f.CommitteeID
		if len(f.Rooms) > 0 {
			unit = f.Rooms[0].ID
		}
		explain := fmt.Sprintf("%s 于 %s 聘任，应在 %s 前报司法行政机关备案，", f.Name, f.AppointedOn, f.Due)
		if f.FiledOn == "" {
			explain += "至今未备案"
		} else {
			explain += "实际 " + f.FiledOn + " 备案（逾期）"
		}
		out = append(out, warning.Duty{Rule: warning.RuleFilingLate, UnitID: unit, Explain: explain,
			Subject: warning.Subject{Kind: warning.SubjectMediator, ID: f.UserID, Label: f.Name}})
	}
	short, err := s.Trainings.Shortfall(ctx, today)
	if err != nil {
		return nil, err
	}
	for _, r := range short {
		out = append(out, warning.Duty{Rule: warning.RuleTrainingShort, UnitID: r.UnitID,
			Subject: warning.Subject{Kind: warning.SubjectMediator, ID: r.UserID, Label: r.Name},
			Explain: fmt.Sprintf("%s %d 年已培训 %.1f 学时，截至今日应达 %.1f 学时（全年最低 %.1f 学时），还差 %.1f 学时",
				r.Name, today.Year, r.Hours, r.Due, r.Minimum, r.Missing)})
	}
	units, err := s.store.ListOrgUnits(ctx)
	if err != nil {
		return nil, fmt.Errorf("list org units: %w", err)
	}
	unitAt := func(path string) int64 {
		for _, u := range units {
			if u.Path == path {
				return u.ID
			}
		}
		return 0
	}
	items, err := s.Meetings.OverdueItems(ctx, today)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		label := it.Body
		if r := []rune(label); len(r) > 20 {
			label = string(r[:20]) + "…"
		}
		out = append(out, warning.Duty{Rule: warning.RuleItemOverdue, UnitID: unitAt(it.UnitPath), CaseID: it.CaseID,
			Subject: warning.Subject{Kind: warning.SubjectItem, ID: it.ID, Label: label},
			Explain: fmt.Sprintf("%s（%s）决定的事项“%s”由 %s 负责，应于 %s 前完成，至今未办结", it.MeetingTitle, it.MeetingDay, it.Body, it.OwnerName, it.Due)})
	}
	rects, err := s.Standards.OverdueRectifications(ctx, today)
	if err != nil {
		return nil, err
	}
	for _, r := range rects {
		if r.DoneDay != "" {
			continue
		}
		out = append(out, warning.Duty{Rule: warning.RuleRectificationOverdue, UnitID: r.RoomID,
			Subject: warning.Subject{Kind: warning.SubjectRectification, ID: r.ID, Label: r.RoomName},
			Explain: fmt.Sprintf("%s 检查发现的问题“%s”应于 %s 前整改完毕（负责人：%s），至今未整改", r.RoomName, r.Text, r.DueDay, strings.TrimSpace(r.Owner))})
	}
	return out, nil
}

// dutyOwner is who answers for a duty warning: an action item's owner. A
// rectification's owner is a name, not a user: its ladder's first step
// finds nobody and tells the committee, which inspected the room.
func (s *Services) dutyOwner(ctx context.Context, kind string, id int64) (int64, error) {
	if kind != warning.SubjectItem {
		return 0, nil
	}
	it, err := s.store.GetMeetingItem(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("action item %d: %w", id, err)
	}
	return it.OwnerID, nil
}
