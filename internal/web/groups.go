package web

import (
	"github.com/tiaojie/tiaojie/internal/access"
	"time"

	"net/http"
	"strconv"

	"github.com/tiaojie/tiaojie/internal/calendar"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/grouping"
	"github.com/tiaojie/tiaojie/internal/intake"
)

// failErr is the pages' one mapping of a capability's error: a refusal
// shows its Chinese message with its status; anything else is logged and
// shown as a generic 500.
func (pg *Pages) failErr(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := access.StatusOf(err)
	if status == http.StatusInternalServerError {
		pg.serverError(w, r, err)
		return
	}
	pg.Fail(w, r, status, msg)
}

// DuplicateAction merges or dismisses a duplicate flag from the case page.
func (pg *Pages) DuplicateAction(merge bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p := auth.From(ctx)
		caseID, flagID := mustID(r.PathValue("id")), mustID(r.PathValue("flag"))
		if merge {
			keep, err := pg.Grouping.Merge(ctx, p, caseID, flagID)
			if err != nil {
				pg.failErr(w, r, err)
				return
			}
			pg.flash(r, "已合并，继续在"+keep.Number+"中办理。")
			http.Redirect(w, r, "/cases/"+strconv.FormatInt(keep.ID, 10), http.StatusSeeOther)
			return
		}
		if err := pg.Grouping.Dismiss(ctx, p, caseID, flagID); err != nil {
			pg.failErr(w, r, err)
			return
		}
		pg.flash(r, "已排除重复提示。")
		http.Redirect(w, r, "/cases/"+strconv.FormatInt(caseID, 10), http.StatusSeeOther)
	}
}

type groupsData struct {
	Committee grouping.Unit
	Proposals []grouping.Proposal
	paged[grouping.Group]
}

// committeeOf is the first committee where the user may decide cases.
func (pg *Pages) committeeOf(r *http.Request) (grouping.Unit, bool, error) {
	return pg.Grouping.CommitteeOf(r.Context(), auth.From(r.Context()))
}

// Groups lists group disputes and proposes new ones from surges.
func (pg *Pages) Groups(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, ok, err := pg.committeeOf(r)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	if !ok {
		pg.Fail(w, r, http.StatusForbidden, "群体性纠纷由调委会工作人员处理")
		return
	}
	q, msg := grouping.ParseListQuery(r.URL.Query())
	if msg != "" {
		pg.Fail(w, r, http.StatusBadRequest, msg)
		return
	}
	page, err := pg.Grouping.Groups(ctx, auth.From(ctx), c, q)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	state := "all"
	if q.OpenOnly {
		state = "open"
	}
	d := groupsData{Committee: c, paged: pagedList("/groups", state, "all", q.Paging, page)}
	// The surges are the first page's: they are read afresh from the last
	// 90 days' open complaints, not paged.
	if q.After == nil {
		if d.Proposals, err = pg.Grouping.Proposals(ctx, auth.From(ctx), c); err != nil {
			pg.failErr(w, r, err)
			return
		}
	}
	pg.render(w, r, http.StatusOK, "groups", "群体性纠纷", d)
}

// CreateGroup forms a group from the ticked complaints.
func (pg *Pages) CreateGroup(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, ok, err := pg.committeeOf(r)
	if err != nil || !ok {
		pg.Fail(w, r, http.StatusForbidden, "群体性纠纷由调委会工作人员处理")
		return
	}
	var ids []int64
	for _, s := range r.PostForm["case"] {
		ids = append(ids, mustID(s))
	}
	g, err := pg.Grouping.CreateGroup(ctx, auth.From(ctx), c, ids, r.PostFormValue("title"), r.PostFormValue("facts"), r.PostFormValue("reason"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已建立群体性纠纷，共"+strconv.Itoa(len(ids))+"件投诉。")
	http.Redirect(w, r, "/groups/"+strconv.FormatInt(g.ID, 10), http.StatusSeeOther)
}

// Group shows one group dispute.
func (pg *Pages) Group(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	g, err := pg.Grouping.Group(ctx, auth.From(ctx), mustID(r.PathValue("id")))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	var total int64
	for _, m := range g.Members {
		total += m.ClaimFen
	}
	pg.render(w, r, http.StatusOK, "group", g.Title, struct {
		G        grouping.Group
		Total    int64
		Outcomes domain.Reasons
	}{g, total, grouping.Outcomes})
}

// GroupRepresentatives sets the group's representatives.
func (pg *Pages) GroupRepresentatives(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := mustID(r.PathValue("id"))
	var reps []int64
	for _, s := range r.PostForm["rep"] {
		reps = append(reps, mustID(s))
	}
	if err := pg.Grouping.SetRepresentatives(ctx, auth.From(ctx), id, reps); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已更新代表人。")
	http.Redirect(w, r, "/groups/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// GroupAccept accepts every member still awaiting the decision.
func (pg *Pages) GroupAccept(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	g, err := pg.Grouping.Group(ctx, p, mustID(r.PathValue("id")))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	n := 0
	for _, m := range g.Members {
		if m.Status != domain.StatusReceived {
			continue
		}
		if _, err := pg.Intake.Decide(ctx, p, m.CaseID, intake.Decision{Accept: true, Note: "群体性纠纷“" + g.Title + "”批量受理"}); err != nil {
			pg.failErr(w, r, err)
			return
		}
		n++
	}
	pg.flash(r, "已批量受理"+strconv.Itoa(n)+"件。")
	http.Redirect(w, r, "/groups/"+strconv.FormatInt(g.ID, 10), http.StatusSeeOther)
}

// GroupNotify texts every member's complainant.
func (pg *Pages) GroupNotify(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := mustID(r.PathValue("id"))
	n, err := pg.Grouping.Notify(ctx, auth.From(ctx), id, r.PostFormValue("text"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已排队向"+strconv.Itoa(n)+"名投诉人发送通知短信。")
	http.Redirect(w, r, "/groups/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// GroupSession schedules the joint session and notifies the complainants.
func (pg *Pages) GroupSession(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := mustID(r.PathValue("id"))
	// An unreadable time is the zero time, refused by the service after
	// the group's scope (another district's group is a 404 whatever the form).
	at, _ := time.ParseInLocation("2006-01-02T15:04", r.PostFormValue("at"), calendar.Shanghai())
	n, err := pg.Grouping.ScheduleSession(ctx, auth.From(ctx), id, at, r.PostFormValue("place"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已安排集中调解，并通知"+strconv.Itoa(n)+"名投诉人。")
	http.Redirect(w, r, "/groups/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// GroupOutcome records one member's outcome.
func (pg *Pages) GroupOutcome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := mustID(r.PathValue("id"))
	fen, err := domain.ParseYuan(r.PostFormValue("amount"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	if err := pg.Grouping.RecordOutcome(ctx, auth.From(ctx), id, mustID(r.PostFormValue("case")), r.PostFormValue("outcome"), r.PostFormValue("note"), fen); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已记录。")
	http.Redirect(w, r, "/groups/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
