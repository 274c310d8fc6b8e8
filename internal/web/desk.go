package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/desk"
	"github.com/tiaojie/tiaojie/internal/domain"
)

type deskRow struct {
	Case desk.Case
	Next *calendar.Deadline
	Why  string // why it is on the desk
}

// committeeRows are the committee desk's three sections of cases.
type committeeRows struct{ Unrouted, Waiting, Due []listRow }

// deskListRows are the rows of the personal desk as the template shows them.
func deskListRows(rs []deskRow) []listRow {
	out := make([]listRow, len(rs))
	for i, r := range rs {
		out[i] = listRowOf(r.Case, "", "", "", r.Next)
		out[i].Why = r.Why
	}
	return out
}

type deskData struct {
	Warnings []string       // deadlines about to pass or passed, overdue agreement terms
	Today    []desk.Session // my sessions today
	Mine     []listRow      // cases I preside over, most urgent first
	Waiting  []listRow      // in my rooms, waiting for a decision or a mediator
	Replies  []desk.Thread  // online mediation channels where a party waits for an answer
	Filter   deskFilter
	Views    []desk.SavedView
	Statuses []domain.Status // what the status filter offers
	// Committee is what waits on the committee across its rooms (committee staff only).
	Committee *desk.CommitteeDesk
	// CommitteeRows are Committee's sections of cases, as the page shows them.
	CommitteeRows committeeRows
}

// deskFilter narrows the desk's lists; it is also what a saved view keeps.
type deskFilter struct {
	Status string // a status, or "" for all
	Due    string // "overdue", "soon" (two working days or less), or ""
	Q      string // part of the case number, consumer or merchant name
	Room   string // committee desk: a room id, "queue" (the committee's own queue) or ""
}

func parseDeskFilter(q url.Values) deskFilter {
	f := deskFilter{Status: q.Get("status"), Due: q.Get("due"), Q: strings.TrimSpace(q.Get("q")), Room: q.Get("room")}
	if id, err := strconv.ParseInt(f.Room, 10, 64); f.Room != "queue" && (err != nil || id <= 0) {
		f.Room = ""
	}
	if !domain.Status(f.Status).Valid() {
		f.Status = ""
	}
	if f.Due != "overdue" && f.Due != "soon" {
		f.Due = ""
	}
	if r := []rune(f.Q); len(r) > 40 {
		f.Q = string(r[:40])
	}
	return f
}

// Query is the filter as a URL query, in a stable order ("" when empty).
func (f deskFilter) Query() string {
	v := url.Values{}
	for k, x := range map[string]string{"status": f.Status, "due": f.Due, "q": f.Q, "room": f.Room} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v.Encode()
}

func (f deskFilter) match(row deskRow) bool {
	if f.Status != "" && string(row.Case.Status) != f.Status {
		return false
	}
	switch f.Due {
	case "overdue":
		if row.Next == nil || !row.Next.Overdue {
			return false
		}
	case "soon":
		if row.Next == nil || !(row.Next.Overdue || row.Next.Remaining <= 2) {
			return false
		}
	}
	if cf := f.committee(); (cf.Room == -1 && row.Case.RoomID != 0) || (cf.Room > 0 && row.Case.RoomID != cf.Room) {
		return false
	}
	if f.Q != "" && !strings.Contains(row.Case.Number, f.Q) && !strings.Contains(row.Case.ConsumerName, f.Q) && !strings.Contains(row.Case.MerchantName, f.Q) {
		return false
	}
	return true
}

// committee is the filter as the committee desk reads it.
func (f deskFilter) committee() desk.Filter {
	df := desk.Filter{Status: f.Status, Due: desk.Due(f.Due), Q: f.Q}
	if f.Room == "queue" {
		df.Room = -1
	} else if f.Room != "" {
		df.Room, _ = strconv.ParseInt(f.Room, 10, 64)
	}
	return df
}

func filterRows(rows []deskRow, f deskFilter) []deskRow {
	out := rows[:0:0]
	for _, r := range rows {
		if f.match(r) {
			out = append(out, r)
		}
	}
	return out
}

// SaveDeskView keeps the desk's current filter under a name of the user's choosing.
func (pg *Pages) SaveDeskView(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSpace(r.PostFormValue("name"))
	q, _ := url.ParseQuery(r.PostFormValue("query"))
	f := parseDeskFilter(q)
	if err := pg.Services.Desk.SaveView(r.Context(), auth.From(r.Context()), name, f.Query()); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已保存视图“"+name+"”。")
	http.Redirect(w, r, "/desk?"+f.Query(), http.StatusSeeOther)
}

// DeleteDeskView removes one of the user's own views.
func (pg *Pages) DeleteDeskView(w http.ResponseWriter, r *http.Request) {
	if err := pg.Services.Desk.DeleteView(r.Context(), auth.From(r.Context()), mustID(r.PathValue("vid"))); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已删除视图。")
	http.Redirect(w, r, "/desk", http.StatusSeeOther)
}

// Desk is the mediator's morning view: what is due, sorted by urgency.
func (pg *Pages) Desk(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	day := calendar.DateOf(pg.now())
	pd, err := pg.Services.Desk.Personal(ctx, p, day)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	all := append(append([]desk.Case{}, pd.Mine...), pd.Waiting...)
	dls, err := pg.Intake.Deadlines(ctx, all)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	rowOf := func(c desk.Case) deskRow {
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
	d := deskData{Today: pd.Today, Replies: pd.Replies, Views: pd.Views}
	var mine, waiting []deskRow
	for _, c := range pd.Mine {
		mine = append(mine, rowOf(c))
	}
	for _, c := range pd.Waiting {
		waiting = append(waiting, rowOf(c))
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
	// Warnings: clocks with two working days or less, and agreement terms past their deadline.
	for _, row := range mine {
		if n := row.Next; n != nil && (n.Overdue || n.Remaining <= 2) {
			state := "剩" + strconv.Itoa(n.Remaining) + "天"
			if n.Overdue {
				state = "已超期"
			}
			d.Warnings = append(d.Warnings, row.Case.Number+"："+n.Label+"于"+n.Due.String()+"届满（"+state+"）")
		}
		for _, late := range pd.Late[row.Case.ID] {
			d.Warnings = append(d.Warnings, row.Case.Number+"："+late)
		}
	}
	d.Filter, d.Statuses = parseDeskFilter(r.URL.Query()), append(append([]domain.Status{}, desk.Working...), domain.StatusAgreed, domain.StatusPerforming)
	mine, waiting = filterRows(mine, d.Filter), filterRows(waiting, d.Filter)
	slices.SortFunc(mine, urgent)
	slices.SortFunc(waiting, urgent)
	d.Mine, d.Waiting = deskListRows(mine), deskListRows(waiting)
	title := "我的工作台"
	if p.Has(domain.RoleCommittee) {
		cd, err := pg.Services.Desk.Committee(ctx, p, d.Filter.committee())
		if err != nil {
			pg.serverError(w, r, err)
			return
		}
		d.Committee, title = &cd, "调委会工作台"
		d.CommitteeRows = committeeRows{Unrouted: listRows(cd.Unrouted), Waiting: listRows(cd.Waiting), Due: listRows(cd.Due)}
	}
	pg.render(w, r, http.StatusOK, "desk", title, d)
}
