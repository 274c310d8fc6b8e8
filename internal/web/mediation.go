package web

import (
	"net/http"
	"strconv"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/store"
)

func (pg *Pages) mediationDone(w http.ResponseWriter, r *http.Request, id int64, err error, msg string) {
	if err != nil {
		pg.failField(w, r, err)
		return
	}
	pg.flash(r, msg)
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// Suspend pauses a case (中止).
func (pg *Pages) Suspend(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	_, err := pg.Mediation.Suspend(r.Context(), auth.From(r.Context()), id, r.PostFormValue("reason"), r.PostFormValue("note"))
	pg.mediationDone(w, r, id, err, "已中止，办理期限暂停计算。")
}

// Resume restarts a suspended case.
func (pg *Pages) Resume(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	_, err := pg.Mediation.Resume(r.Context(), auth.From(r.Context()), id, r.PostFormValue("note"))
	pg.mediationDone(w, r, id, err, "已恢复调解，办理期限继续计算。")
}

// Recusal records a recusal request or declaration.
func (pg *Pages) Recusal(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	_, err := pg.Mediation.RequestRecusal(r.Context(), auth.From(r.Context()), id, r.PostFormValue("by"), r.PostFormValue("note"))
	pg.mediationDone(w, r, id, err, "已登记回避申请，案件中止，待工作室负责人决定。")
}

// RecusalDecision is the lead's decision on a recusal.
func (pg *Pages) RecusalDecision(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	_, err := pg.Mediation.DecideRecusal(r.Context(), auth.From(r.Context()), id, r.PostFormValue("grant") == "1",
		mustID(r.PostFormValue("replacement")), r.PostFormValue("note"))
	pg.mediationDone(w, r, id, err, "已决定回避事项，案件恢复调解。")
}

// roomPeople lists a case's room mediators for the recusal form.
func (pg *Pages) roomPeople(r *http.Request, c store.Case) []store.User {
	if c.RoomID == 0 {
		return nil
	}
	us, _ := pg.Store.ListRoomMediators(r.Context(), c.RoomID)
	return us
}
