package web

import (
	"net/http"
	"strconv"

	"github.com/tiaojie/tiaojie/internal/assignment"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
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
	Rooms    []store.OrgUnit
	Room     store.OrgUnit
	Settings store.RoomSettings
	People   []assignment.Candidate
	Date     string
}

// Room shows a room's mediators with their load and duty, and its assignment settings.
func (pg *Pages) Room(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	units, err := pg.Store.ListOrgUnits(ctx)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	d := roomData{Date: r.FormValue("date")}
	if d.Date == "" {
		d.Date = calendar.DateOf(pg.now()).String()
	}
	if _, err := calendar.ParseDate(d.Date); err != nil {
		pg.Fail(w, r, http.StatusBadRequest, "日期格式应为 YYYY-MM-DD")
		return
	}
	want := mustID(r.FormValue("room"))
	for _, u := range units {
		if u.Kind.IsRoom() && p.Reaches(domain.PermRoomManage, u.Path) {
			d.Rooms = append(d.Rooms, u)
			if d.Room.ID == 0 && (want == 0 || want == u.ID) {
				d.Room = u
			}
		}
	}
	if d.Room.ID == 0 {
		pg.Fail(w, r, http.StatusForbidden, "您不负责任何调解工作室")
		return
	}
	if d.Settings, err = pg.Store.GetRoomSettings(ctx, d.Room.ID); err != nil {
		pg.serverError(w, r, err)
		return
	}
	us, err := pg.Store.ListRoomMediators(ctx, d.Room.ID)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	var ids []int64
	for _, u := range us {
		ids = append(ids, u.ID)
	}
	loads, _ := pg.Store.MediatorLoads(ctx, ids)
	leave, _ := pg.Store.OnLeave(ctx, ids, d.Date)
	for _, u := range us {
		d.People = append(d.People, assignment.Candidate{UserID: u.ID, Name: u.DisplayName, Load: loads[u.ID], OnLeave: leave[u.ID]})
	}
	pg.render(w, r, http.StatusOK, "room", "工作室排班与指派", d)
}

// roomFor checks the user manages the posted room.
func (pg *Pages) roomFor(r *http.Request) (store.OrgUnit, bool) {
	u, err := pg.Store.GetOrgUnit(r.Context(), mustID(r.PostFormValue("room")))
	return u, err == nil && u.Kind.IsRoom() && auth.From(r.Context()).Reaches(domain.PermRoomManage, u.Path)
}

// RoomSettings saves the capacity cap and the chooser.
func (pg *Pages) RoomSettings(w http.ResponseWriter, r *http.Request) {
	room, ok := pg.roomFor(r)
	if !ok {
		pg.Fail(w, r, http.StatusNotFound, "工作室不存在或无权管理")
		return
	}
	capacity, err := strconv.Atoi(r.PostFormValue("capacity"))
	chooser := r.PostFormValue("chooser")
	if err != nil || capacity < 1 || capacity > 500 || (chooser != assignment.LeastLoaded && chooser != assignment.RoundRobin) {
		pg.Fail(w, r, http.StatusUnprocessableEntity, "办案上限应为1至500件，并选择指派规则")
		return
	}
	if err := pg.Store.PutRoomSettings(r.Context(), store.RoomSettings{RoomID: room.ID, Capacity: capacity, Chooser: chooser}); err != nil {
		pg.serverError(w, r, err)
		return
	}
	pg.flash(r, "已保存。")
	http.Redirect(w, r, "/room?room="+strconv.FormatInt(room.ID, 10), http.StatusSeeOther)
}

// RoomLeave marks a mediator on leave (or back on duty) for a day.
func (pg *Pages) RoomLeave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	room, ok := pg.roomFor(r)
	if !ok {
		pg.Fail(w, r, http.StatusNotFound, "工作室不存在或无权管理")
		return
	}
	date := r.PostFormValue("date")
	if _, err := calendar.ParseDate(date); err != nil {
		pg.Fail(w, r, http.StatusUnprocessableEntity, "日期格式应为 YYYY-MM-DD")
		return
	}
	user := mustID(r.PostFormValue("user"))
	us, err := pg.Store.ListRoomMediators(ctx, room.ID)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	member := false
	for _, u := range us {
		member = member || u.ID == user
	}
	if !member {
		pg.Fail(w, r, http.StatusUnprocessableEntity, "只能安排本工作室的调解员")
		return
	}
	if err := pg.Store.SetLeave(ctx, user, date, r.PostFormValue("leave") == "1"); err != nil {
		pg.serverError(w, r, err)
		return
	}
	pg.flash(r, "已更新排班。")
	http.Redirect(w, r, "/room?room="+strconv.FormatInt(room.ID, 10)+"&date="+date, http.StatusSeeOther)
}
