package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/tiaojie/tiaojie/internal/assignment"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
)

// Assign designates (or claims) the presiding mediator.
func (pg *Pages) Assign(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	c, err := pg.Assignment.Assign(r.Context(), auth.From(r.Context()), id, mustID(r.PostFormValue("mediator")), mustID(r.PostFormValue("version")))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已指派，主持调解员已确定。")
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
}

// StartMediation moves an assigned case into mediation.
func (pg *Pages) StartMediation(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	if _, err := pg.Assignment.Start(r.Context(), auth.From(r.Context()), id); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已开始调解。")
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

type roomData struct {
	assignment.Roster
	Date string
}

// Room shows a room's mediators with their load and duty, and its assignment settings.
func (pg *Pages) Room(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := roomData{Date: r.FormValue("date")}
	if d.Date == "" {
		d.Date = calendar.DateOf(pg.now()).String()
	}
	day, err := calendar.ParseDate(d.Date)
	if err != nil {
		pg.Fail(w, r, http.StatusBadRequest, "日期格式应为 YYYY-MM-DD")
		return
	}
	if d.Roster, err = pg.Assignment.Roster(ctx, auth.From(ctx), mustID(r.FormValue("room")), day); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "room", "工作室排班与指派", d)
}

// RoomSettings saves the capacity cap and the chooser.
func (pg *Pages) RoomSettings(w http.ResponseWriter, r *http.Request) {
	room := mustID(r.PostFormValue("room"))
	capacity, _ := strconv.Atoi(r.PostFormValue("capacity")) // not a number: 0, refused as out of range
	if err := pg.Assignment.SaveSettings(r.Context(), auth.From(r.Context()), room, capacity, r.PostFormValue("chooser")); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已保存。")
	http.Redirect(w, r, "/room?room="+strconv.FormatInt(room, 10), http.StatusSeeOther)
}

// RoomLeave marks a mediator on leave (or back on duty) for a day.
func (pg *Pages) RoomLeave(w http.ResponseWriter, r *http.Request) {
	room, date := mustID(r.PostFormValue("room")), r.PostFormValue("date")
	err := pg.Assignment.SetLeave(r.Context(), auth.From(r.Context()), room, mustID(r.PostFormValue("user")), date, r.PostFormValue("leave") == "1")
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已更新排班。")
	http.Redirect(w, r, "/room?room="+strconv.FormatInt(room, 10)+"&date="+url.QueryEscape(date), http.StatusSeeOther)
}
