package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

type deskRow struct {
	Case store.Case
	Next *calendar.Deadline
	Why  string // why it is on the desk
}

type deskData struct {
	Warnings []string        // deadlines about to pass or passed, overdue agreement terms
	Today    []store.Session // my sessions today
	Mine     []deskRow       // cases I preside over, most urgent first
	Waiting  []deskRow       // in my rooms, waiting for a decision or a mediator
	Replies  []store.Thread  // online mediation channels where a party waits for an answer
}

// working are the statuses a mediator still has to act on.
var working = []domain.Status{domain.StatusReceived, domain.StatusAccepted, domain.StatusODRNegotiating, domain.StatusConsenting,
	domain.StatusAssigned, domain.StatusMediating, domain.StatusSuspended}

// Desk is the mediator's morning view: what is due, sorted by urgency.
func (pg *Pages) Desk(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	mine, err := pg.Store.ListCases(ctx, store.CaseQuery{Scope: p.Scope(domain.PermCaseRead), Presiding: p.UserID,
		Statuses: append(working, domain.StatusAgreed, domain.StatusPerforming), Limit: 500})
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	// Unassigned work in the rooms of my bindings (not the whole committee).
	var roomScope store.Scope
	units, err := pg.Store.ListOrgUnits(ctx)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	for _, b := range p.Bindings {
		for _, u := range units {
			if u.ID == b.OrgID && u.Kind.IsRoom() && domain.RoleHas(b.Role, domain.PermCaseDecide) {
				roomScope.Prefixes = append(roomScope.Prefixes, u.Path)
			}
		}
	}
	var waiting store.CasePage
	if len(roomScope.Prefixes) > 0 {
		waiting, err = pg.Store.ListCases(ctx, store.CaseQuery{Scope: roomScope, Statuses: []domain.Status{domain.StatusReceived, domain.StatusAccepted, domain.StatusConsenting}, Limit: 500})
		if err != nil {
			pg.serverError(w, r, err)
			return
		}
	}
	all := append(append([]store.Case{}, mine.Cases...), waiting.Cases...)
	dls, err := pg.Intake.Deadlines(ctx, all)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	rowOf := func(c store.Case) deskRow {
		row := deskRow{Case: c}
		for i := range dls[c.ID] {
			if dl := dls[c.ID][i]; dl.Running && (row.Next == nil || dl.Due.Before(row.Next.Due)) {
				row.Next = &dl
			}
		}
		switch c.Status {
		case domain.StatusReceived:
			row.Why = "待受理审查"
		case domain.StatusAccepted:
			row.Why = "待征求调解意愿"
		case domain.StatusConsenting:
			row.Why = "待双方同意/指派"
		case domain.StatusAssigned:
			row.Why = "新指派，待开始调解"
		case domain.StatusSuspended:
			row.Why = "中止中"
		default:
			row.Why = c.Status.Label()
		}
		return row
	}
	var d deskData
	for _, c := range mine.Cases {
		d.Mine = append(d.Mine, rowOf(c))
	}
	for _, c := range waiting.Cases {
		if c.PresidingID == 0 {
			d.Waiting = append(d.Waiting, rowOf(c))
		}
	}
	urgent := func(a, b deskRow) int {
		switch {
		case a.Next == nil && b.Next == nil:
			return int(a.Case.ID - b.Case.ID)
		case a.Next == nil:
			return 1
		case b.Next == nil:
			return -1
		}
		return a.Next.Due.Compare(b.Next.Due)
	}
	day := calendar.DateOf(pg.now())
	if d.Today, err = pg.Store.ListSessions(ctx, store.SessionQuery{PresidingID: p.UserID, From: day.Time(), To: day.AddDays(1).Time(), Status: "scheduled"}); err != nil {
		pg.serverError(w, r, err)
		return
	}
	// Warnings: clocks with two working days or less, and agreement terms past their deadline.
	today := day.String()
	for _, row := range d.Mine {
		if n := row.Next; n != nil && (n.Overdue || n.Remaining <= 2) {
			state := "剩" + strconv.Itoa(n.Remaining) + "天"
			if n.Overdue {
				state = "已超期"
			}
			d.Warnings = append(d.Warnings, row.Case.Number+"："+n.Label+"于"+n.Due.String()+"届满（"+state+"）")
		}
		if row.Case.Status == domain.StatusPerforming {
			if a, err := pg.Store.GetAgreement(ctx, row.Case.ID); err == nil {
				for i, t := range a.Terms {
					if t.PerformedAt == "" && t.Deadline < today {
						d.Warnings = append(d.Warnings, row.Case.Number+"：第"+strconv.Itoa(i+1)+"项履行（"+t.Content+"）已过期限"+t.Deadline+"，尚未履行")
					}
				}
			}
		}
	}
	if d.Replies, err = pg.Store.ListAwaitingReply(ctx, p.UserID); err != nil {
		pg.serverError(w, r, err)
		return
	}
	slices.SortFunc(d.Mine, urgent)
	slices.SortFunc(d.Waiting, urgent)
	pg.render(w, r, http.StatusOK, "desk", "我的工作台", d)
}
