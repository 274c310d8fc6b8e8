package web

import (
	"net/http"

	"github.com/tiaojie/tiaojie/internal/alerting"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/dailyreport"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/meeting"
	"github.com/tiaojie/tiaojie/internal/settlement"
	"github.com/tiaojie/tiaojie/internal/training"
)

// todayData is what a secretary (or a room lead, a mediator) has to chase
// today, each part shown only to those whose role has it.
type todayData struct {
	Today, Monday, Sunday calendar.Date
	Workday               bool
	Reports               bool // the reader reads dailies
	Missing               []dailyreport.Unit
	CanChase              bool
	Red                   []alerting.Warning
	RedMore               bool // more open red warnings than shown
	Notices               []alerting.Notice
	Replies               []alerting.Supervision // 督办/催办 waiting for the reader's reply
	Overdue               []meeting.Item
	Open                  int  // open action items in the reader's view (at most meeting.OpenShown)
	OpenMore              bool // and more than that
	OverdueMore           bool // more items are overdue than Overdue lists
	Meetings              []meeting.Meeting
	Trainings             []training.Training
	// Batches are the subsidy batches waiting on the reader: to approve
	// (justice) or to fix after a return (committee).
	Batches []settlement.Batch
}

// Today is the 今日 page: dailies not submitted past the deadline (with
// 催报), open red warnings, the reader's reminders and replies owed,
// overdue action items, and this week's meetings and trainings.
func (pg *Pages) Today(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	now := pg.now()
	today := calendar.DateOf(now)
	d := todayData{Today: today}
	var err error
	if d.Workday, err = pg.Services.DailyReport.Workday(ctx, today); err != nil {
		pg.failErr(w, r, err)
		return
	}
	wd := int(now.In(calendar.Shanghai()).Weekday()+6) % 7 // Monday 0
	d.Monday = today.AddDays(-wd)
	d.Sunday = d.Monday.AddDays(6)
	if p.Can(domain.PermReportRead) {
		d.Reports = true
		if d.Missing, err = pg.Services.DailyReport.Missing(ctx, p, today); err != nil {
			pg.failErr(w, r, err)
			return
		}
		d.CanChase = p.Can(domain.PermReportSubmit)
	}
	if p.Can(domain.PermWarningRead) {
		red, err := pg.Services.Warnings.List(ctx, p, alerting.ListQuery{Status: "open", Level: "red", Paging: alerting.Paging{Limit: 20}})
		if err != nil {
			pg.failErr(w, r, err)
			return
		}
		d.Red, d.RedMore = red.Items, red.Next != nil
		if d.Notices, err = pg.Services.Warnings.Notices(ctx, p, 10); err != nil {
			pg.failErr(w, r, err)
			return
		}
		if d.Replies, err = pg.Services.Warnings.Owed(ctx, p); err != nil {
			pg.failErr(w, r, err)
			return
		}
	}
	items, more, err := pg.Services.Meetings.OpenItems(ctx, p, nil)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	d.Open, d.OpenMore = len(items), more
	for _, it := range items {
		if due, err := calendar.ParseDate(it.Due); err == nil && due.Before(today) {
			d.Overdue = append(d.Overdue, it)
		}
	}
	// Soonest due first: when every item read is overdue, more may be.
	d.OverdueMore = more && len(d.Overdue) == len(items)
	if d.Meetings, err = pg.Services.Meetings.Upcoming(ctx, p, d.Monday, d.Sunday); err != nil {
		pg.failErr(w, r, err)
		return
	}
	if d.Trainings, err = pg.Services.Trainings.Upcoming(ctx, p, d.Monday, d.Sunday); err != nil {
		pg.failErr(w, r, err)
		return
	}
	if settlement.CanSeeBatches(p) {
		bs, err := pg.Services.Subsidies.List(ctx, p)
		if err != nil {
			pg.failErr(w, r, err)
			return
		}
		for _, b := range bs {
			if b.CanDecide || (b.CanEdit && b.Status == "returned") {
				d.Batches = append(d.Batches, b)
			}
		}
	}
	pg.render(w, r, http.StatusOK, "today", "今日", d)
}

// meetingKind is the Chinese name of a meeting's kind.
func meetingKind(k string) string { return meeting.KindLabel(k) }
