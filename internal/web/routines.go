package web

import (
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evidence"
	"github.com/tiaojie/tiaojie/internal/meeting"
	"github.com/tiaojie/tiaojie/internal/training"
)

// The 例会 and 培训 pages. Labels travel with the data so the shared
// template functions need nothing new.

type meetingsData struct {
	meeting.ListView
	Kinds      []string
	KindLabels map[string]string
	Partners   []meeting.Unit
	// The open items' pages (back to the soonest due, the next) and the
	// meetings' (back to the latest, the earlier ones).
	ItemsFirst, ItemsNext, MeetingsFirst, MeetingsNext string
}

func meetingKindLabels() map[string]string {
	out := map[string]string{}
	for _, k := range meeting.Kinds {
		out[k] = meeting.KindLabel(k)
	}
	return out
}

// Meetings lists the meetings in scope, the open action items and the schedule form.
func (pg *Pages) Meetings(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	after, ok := pg.dayCursor(w, r, "after")
	if !ok {
		return
	}
	past, ok := pg.dayCursor(w, r, "past")
	if !ok {
		return
	}
	v, err := pg.Services.Meetings.List(ctx, p, past, after)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	d := meetingsData{ListView: v, Kinds: meeting.Kinds, KindLabels: meetingKindLabels()}
	if after != nil {
		d.ItemsFirst = "/meetings#open-items"
	}
	if v.OpenMore {
		d.ItemsNext = "/meetings?after=" + meeting.Cursor{Day: v.Open[len(v.Open)-1].Due, ID: v.Open[len(v.Open)-1].ID}.String() + "#open-items"
	}
	if past != nil {
		d.MeetingsFirst = "/meetings#meetings"
	}
	if v.More {
		d.MeetingsNext = "/meetings?past=" + meeting.Cursor{Day: v.Meetings[len(v.Meetings)-1].Day, ID: v.Meetings[len(v.Meetings)-1].ID}.String() + "#meetings"
	}
	if d.Partners, err = pg.Services.Meetings.PartnerUnits(ctx, p); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "meetings", "例会", d)
}

func formIDs(r *http.Request, field string) ([]int64, error) {
	return meeting.ParseIDs(field, r.PostForm[field])
}

// ScheduleMeeting creates a meeting with its agenda.
func (pg *Pages) ScheduleMeeting(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	partners, err := formIDs(r, "partners")
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	m, err := pg.Services.Meetings.Schedule(ctx, auth.From(ctx), meeting.Draft{Unit: r.PostFormValue("unit"), Kind: r.PostFormValue("kind"),
		Day: r.PostFormValue("day"), Title: r.PostFormValue("title"), Location: r.PostFormValue("location"), Partners: partners})
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "会议已安排，议程已按上月数据生成。")
	http.Redirect(w, r, "/meetings/"+strconv.FormatInt(m.ID, 10), http.StatusSeeOther)
}

type meetingData struct {
	meeting.View
	KindLabel string
	Absent    map[int64]string
	Present   map[int64]bool
	OrgOn     map[int64]bool
	Overdue   map[int64]bool
}

// Meeting shows one meeting: agenda, attendance, minutes, action items.
func (pg *Pages) Meeting(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, err := pg.Services.Meetings.Get(ctx, auth.From(ctx), mustID(r.PathValue("id")))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	d := meetingData{View: v, KindLabel: meeting.KindLabel(v.Meeting.Kind), Absent: map[int64]string{}, Present: map[int64]bool{},
		OrgOn: map[int64]bool{}, Overdue: map[int64]bool{}}
	for _, a := range v.Meeting.Attendance {
		if a.Present {
			d.Present[a.UserID] = true
		} else {
			d.Absent[a.UserID] = a.Reason
		}
	}
	for _, o := range v.Meeting.Orgs {
		d.OrgOn[o.ID] = true
	}
	for _, o := range v.Agenda.Partners {
		if len(v.Meeting.Orgs) == 0 {
			d.OrgOn[o.ID] = true
		}
	}
	for _, it := range v.Items {
		d.Overdue[it.ID] = !it.Done && it.Due < v.Today
	}
	pg.render(w, r, http.StatusOK, "meeting", v.Meeting.Title, d)
}

// RecordMeeting records attendance and minutes: each staff member's
// att_<id> is "present", "absent" (with reason_<id>) or empty.
func (pg *Pages) RecordMeeting(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := mustID(r.PathValue("id"))
	rec := meeting.Record{Absent: map[int64]string{}, Minutes: r.PostFormValue("minutes"), Location: r.PostFormValue("location")}
	for k, vs := range r.PostForm {
		uid, ok := strings.CutPrefix(k, "att_")
		if !ok || len(vs) == 0 {
			continue
		}
		n, err := strconv.ParseInt(uid, 10, 64)
		if err != nil || n <= 0 {
			pg.failErr(w, r, &access.ValidationError{Fields: []*domain.FieldError{{Field: "present", Message: "提交的人员无效"}}})
			return
		}
		switch vs[0] {
		case "present":
			rec.Present = append(rec.Present, n)
		case "absent":
			rec.Absent[n] = r.PostFormValue("reason_" + uid)
		}
	}
	var err error
	if rec.Partners, err = formIDs(r, "partners"); err != nil {
		pg.failErr(w, r, err)
		return
	}
	if _, err := pg.Services.Meetings.RecordHeld(ctx, auth.From(ctx), id, rec); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已记录会议出席情况和纪要。")
	http.Redirect(w, r, "/meetings/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// AddMeetingItem adds an action item decided at the meeting.
func (pg *Pages) AddMeetingItem(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := mustID(r.PathValue("id"))
	caseID, number, err := parseCaseRef(r.PostFormValue("case"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	owner, _ := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("owner")), 10, 64)
	if _, err := pg.Services.Meetings.AddItem(ctx, auth.From(ctx), id, meeting.ItemDraft{Body: r.PostFormValue("body"), OwnerID: owner,
		Due: r.PostFormValue("due"), CaseID: caseID, CaseNumber: number}); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已添加会议事项。")
	http.Redirect(w, r, "/meetings/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// parseCaseRef reads the optional case of an action item: its 案号, or
// the number in its page's address.
func parseCaseRef(s string) (id int64, number string, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, "", nil
	}
	n, perr := strconv.ParseInt(s, 10, 64)
	switch {
	case perr != nil:
		return 0, s, nil
	case n <= 0:
		return 0, "", &access.ValidationError{Fields: []*domain.FieldError{{Field: "case", Message: "关联案件请填写案号或案件编号"}}}
	}
	return n, "", nil
}

// CloseMeetingItem marks an action item done.
func (pg *Pages) CloseMeetingItem(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	it, err := pg.Services.Meetings.CloseItem(ctx, auth.From(ctx), mustID(r.PathValue("iid")), r.PostFormValue("note"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "事项已标记完成。")
	back := "/meetings/" + strconv.FormatInt(it.MeetingID, 10)
	if r.PostFormValue("back") == "list" {
		back = "/meetings"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

type trainingsData struct {
	training.Overview
	Years       []int
	First, Next string // the sessions' pages: back to the latest, the earlier
}

// Trainings lists a year's sessions and each mediator's hours.
func (pg *Pages) Trainings(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	year := 0
	if y := r.URL.Query().Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			pg.failErr(w, r, &access.ValidationError{Fields: []*domain.FieldError{{Field: "year", Message: "年份无效"}}})
			return
		}
		year = n
	}
	past, ok := pg.dayCursor(w, r, "past")
	if !ok {
		return
	}
	ov, err := pg.Services.Trainings.Overview(ctx, auth.From(ctx), training.Query{Year: year, Committee: r.URL.Query().Get("committee"),
		Past: past, Record: r.URL.Query().Get("record")})
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	this, _ := strconv.Atoi(ov.Today[:4])
	d := trainingsData{Overview: ov, Years: []int{this, this - 1, this - 2}}
	at := "/trainings?year=" + strconv.Itoa(ov.Year)
	if ov.Committee != nil {
		at += "&committee=" + url.QueryEscape(ov.Committee.Code)
	}
	if past != nil {
		d.First = at + "#sessions"
	}
	if ov.More {
		last := ov.Sessions[len(ov.Sessions)-1]
		d.Next = at + "&past=" + training.Cursor{Day: last.Day, ID: last.ID}.String() + "#sessions"
	}
	pg.render(w, r, http.StatusOK, "trainings", "培训", d)
}

// CreateTraining records a session.
func (pg *Pages) CreateTraining(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	who, err := formIDs(r, "attendees")
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	org, _ := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("organiser_id")), 10, 64)
	t, err := pg.Services.Trainings.Create(ctx, auth.From(ctx), training.Draft{Unit: r.PostFormValue("unit"), Topic: r.PostFormValue("topic"),
		Organiser: r.PostFormValue("organiser"), OrganiserID: org, Day: r.PostFormValue("day"), Hours: r.PostFormValue("hours"),
		Location: r.PostFormValue("location"), Attendees: who})
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已记录培训。")
	http.Redirect(w, r, "/trainings/"+strconv.FormatInt(t.ID, 10), http.StatusSeeOther)
}

// TrainingMinimum sets a committee's yearly minimum of hours.
func (pg *Pages) TrainingMinimum(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := pg.Services.Trainings.SetMinimum(ctx, auth.From(ctx), r.PostFormValue("committee"), r.PostFormValue("hours")); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已更新年度培训学时要求。")
	http.Redirect(w, r, "/trainings", http.StatusSeeOther)
}

type trainingData struct {
	training.View
	KindLabels map[string]string
}

// Training shows one session: attendance and uploads.
func (pg *Pages) Training(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, err := pg.Services.Trainings.Get(ctx, auth.From(ctx), mustID(r.PathValue("id")))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "training", v.Training.Topic, trainingData{View: v,
		KindLabels: map[string]string{training.FileMaterial: training.FileKindLabel(training.FileMaterial), training.FileCertificate: training.FileKindLabel(training.FileCertificate)}})
}

// TrainingAttendance replaces who attended.
func (pg *Pages) TrainingAttendance(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := mustID(r.PathValue("id"))
	who, err := formIDs(r, "attendees")
	if err == nil {
		err = pg.Services.Trainings.SetAttendance(ctx, auth.From(ctx), id, who)
	}
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已更新参训人员。")
	http.Redirect(w, r, "/trainings/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// TrainingUpload stores a material or a certificate.
func (pg *Pages) TrainingUpload(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := mustID(r.PathValue("id"))
	if err := pg.Services.Trainings.Manageable(ctx, auth.From(ctx), id); err != nil {
		pg.failErr(w, r, err)
		return
	}
	data, name, err := formFile(r, "file", evidence.MaxSize)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	var user int64
	if u := strings.TrimSpace(r.FormValue("user")); u != "" {
		if user, err = strconv.ParseInt(u, 10, 64); err != nil {
			pg.failErr(w, r, &access.ValidationError{Fields: []*domain.FieldError{{Field: "user", Message: "请选择证书所属的调解员"}}})
			return
		}
	}
	if _, err := pg.Services.Trainings.Upload(ctx, auth.From(ctx), id, r.FormValue("kind"), user, name, data); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "文件已上传。")
	http.Redirect(w, r, "/trainings/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// TrainingFile serves a stored file to a reader of the session. Like case
// evidence, a PDF is downloaded and nothing uploaded may run script here.
func (pg *Pages) TrainingFile(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, err := pg.Services.Trainings.File(ctx, auth.From(ctx), mustID(r.PathValue("id")), mustID(r.PathValue("fid")))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	disposition := "inline"
	if f.ContentType == evidence.TypePDF {
		disposition = "attachment"
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": f.Name}))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
	w.Header().Set("X-Content-SHA256", f.SHA256)
	w.Write(f.Data)
}
