package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evidence"
	"github.com/tiaojie/tiaojie/internal/liaison"
	"github.com/tiaojie/tiaojie/internal/roomstandard"
	"github.com/tiaojie/tiaojie/internal/standards"
)

type channelOption struct{ Code, Label string }

type liaisonData struct {
	liaison.Overview
	Channels []channelOption
	Today    string
	Draft    *liaison.Draft
	From, To string
}

func formID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(strings.TrimSpace(r.FormValue(name)), 10, 64)
	return id
}

// Liaison shows the partner register, the contact log and the briefings;
// with ?draft=committee&from=&to= a briefing form pre-filled with figures.
func (pg *Pages) Liaison(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	// ?log=committee&after=cursor: a later page of one committee's log.
	after, ok := pg.dayCursor(w, r, "after")
	if !ok {
		return
	}
	ov, err := pg.Services.Liaison.Overview(ctx, p, liaison.LogPage{CommitteeID: formID(r, "log"), After: after})
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	today := calendar.DateOf(pg.now())
	first := calendar.Date{Year: today.Year, Month: today.Month, Day: 1}
	last := first.AddDays(-1) // the briefing form offers last month
	d := liaisonData{Overview: ov, Today: today.String(), From: calendar.Date{Year: last.Year, Month: last.Month, Day: 1}.String(), To: last.String()}
	for _, c := range liaison.Channels {
		d.Channels = append(d.Channels, channelOption{c, liaison.ChannelLabel(c)})
	}
	if cid := formID(r, "draft"); cid != 0 {
		q := r.URL.Query()
		dr, err := pg.Services.Liaison.DraftBriefing(ctx, p, cid, q.Get("from"), q.Get("to"))
		if err != nil {
			pg.failErr(w, r, err)
			return
		}
		d.Draft = &dr
	}
	pg.render(w, r, http.StatusOK, "liaison", "联络工作", d)
}

// LiaisonPartner registers a partner.
func (pg *Pages) LiaisonPartner(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_, err := pg.Services.Liaison.AddPartner(ctx, auth.From(ctx), liaison.PartnerInput{CommitteeID: formID(r, "committee"), OrgID: formID(r, "org"),
		Name: r.FormValue("name"), RoomID: formID(r, "room"), MerchantID: formID(r, "merchant"), Note: r.FormValue("note")})
	pg.liaisonDone(w, r, err, "已加入联络名录。")
}

// LiaisonContact adds a contact person to a partner.
func (pg *Pages) LiaisonContact(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_, err := pg.Services.Liaison.AddContact(ctx, auth.From(ctx), liaison.ContactInput{PartnerID: formID(r, "partner"), Name: r.FormValue("name"),
		Post: r.FormValue("post"), Phone: r.FormValue("phone"), Email: r.FormValue("email")})
	pg.liaisonDone(w, r, err, "已添加联系人。")
}

// LiaisonLog records a contact.
func (pg *Pages) LiaisonLog(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_, err := pg.Services.Liaison.LogContact(ctx, auth.From(ctx), liaison.LogInput{PartnerID: formID(r, "partner"), Day: r.FormValue("day"),
		Channel: r.FormValue("channel"), Topic: r.FormValue("topic"), Summary: r.FormValue("summary"), Cases: r.FormValue("cases"), Groups: r.FormValue("groups")})
	pg.liaisonDone(w, r, err, "已登记联络记录。")
}

func (pg *Pages) liaisonDone(w http.ResponseWriter, r *http.Request, err error, ok string) {
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, ok)
	http.Redirect(w, r, "/liaison", http.StatusSeeOther)
}

// LiaisonBriefing sends a briefing to the chosen partners.
func (pg *Pages) LiaisonBriefing(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var ids []int64
	for _, v := range r.Form["partner"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	b, err := pg.Services.Liaison.SendBriefing(ctx, auth.From(ctx), liaison.BriefingInput{CommitteeID: formID(r, "committee"), Title: r.FormValue("title"),
		From: r.FormValue("from"), To: r.FormValue("to"), Body: r.FormValue("body"), PartnerIDs: ids})
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "情况通报已发送。")
	http.Redirect(w, r, "/liaison/briefings/"+strconv.FormatInt(b.ID, 10), http.StatusSeeOther)
}

type recipientRow struct {
	liaison.Recipient
	StateLabel string
}

type briefingData struct {
	liaison.BriefingView
	Rows []recipientRow
}

// Briefing shows one briefing and who received it.
func (pg *Pages) Briefing(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	v, err := pg.Services.Liaison.Briefing(ctx, auth.From(ctx), id)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	v.PDF = nil
	d := briefingData{BriefingView: v}
	for _, rc := range v.Recipients {
		d.Rows = append(d.Rows, recipientRow{rc, liaison.StateLabel(rc.State)})
	}
	pg.render(w, r, http.StatusOK, "briefing", v.Title, d)
}

// BriefingPDF serves the frozen PDF.
func (pg *Pages) BriefingPDF(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	pdf, name, err := pg.Services.Liaison.BriefingPDF(ctx, auth.From(ctx), id)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="briefing.pdf"; filename*=UTF-8''`+url.PathEscape(name))
	w.Write(pdf)
}

// BriefingReceived records a recipient's receipt.
func (pg *Pages) BriefingReceived(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := pg.Services.Liaison.MarkReceived(ctx, auth.From(ctx), id, formID(r, "partner")); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已登记签收。")
	http.Redirect(w, r, "/liaison/briefings/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

type resultOption struct{ Code, Label string }

type standardsData struct {
	standards.Overview
	Results []resultOption
}

// Standards lists the rooms with their latest inspection, designation and
// (for the committee) whether they qualify as 示范工作室.
func (pg *Pages) Standards(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ov, err := pg.Services.Standards.Overview(ctx, auth.From(ctx))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	d := standardsData{Overview: ov}
	for _, c := range roomstandard.Results {
		d.Results = append(d.Results, resultOption{c, roomstandard.ResultLabel(c)})
	}
	pg.render(w, r, http.StatusOK, "standards", "工作室标准化建设", d)
}

// StandardsInspect records an inspection (multipart: photos).
func (pg *Pages) StandardsInspect(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	// The guard parsed the form as urlencoded; the photos need the multipart body.
	if err := r.ParseMultipartForm(evidence.MaxSize); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			pg.failErr(w, r, &domain.FieldError{Field: "photos", Message: "上传内容过大：照片合计不能超过上传限制"})
			return
		}
		pg.failErr(w, r, &domain.FieldError{Field: "photos", Message: "表单读取失败，请重新提交"})
		return
	}
	if fe := multipartText(r); fe != nil {
		pg.failErr(w, r, fe)
		return
	}
	in := standards.InspectionInput{RoomID: formID(r, "room"), Day: r.FormValue("day"), Inspectors: r.FormValue("inspectors"), Note: r.FormValue("note")}
	for _, part := range roomstandard.Default().Parts {
		for _, it := range part.Items {
			in.Items = append(in.Items, standards.ItemInput{Code: it.Code, Result: r.FormValue("item_" + it.Code), Note: r.FormValue("note_" + it.Code)})
		}
	}
	for i := range 3 {
		n := strconv.Itoa(i + 1)
		in.Rectifications = append(in.Rectifications, standards.RectifInput{ItemCode: r.FormValue("rect_item_" + n), Text: r.FormValue("rect_text_" + n),
			Due: r.FormValue("rect_due_" + n), Owner: r.FormValue("rect_owner_" + n)})
	}
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["photos"] {
			f, err := fh.Open()
			if err != nil {
				pg.failErr(w, r, &domain.FieldError{Field: "photos", Message: "照片读取失败，请重新上传"})
				return
			}
			data, err := io.ReadAll(io.LimitReader(f, evidence.MaxSize+1))
			f.Close()
			if err != nil {
				pg.failErr(w, r, &domain.FieldError{Field: "photos", Message: "照片读取失败，请重新上传"})
				return
			}
			in.Photos = append(in.Photos, standards.PhotoInput{Name: fh.Filename, Data: data})
		}
	}
	insp, err := pg.Services.Standards.Record(ctx, auth.From(ctx), in)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已登记检查。")
	http.Redirect(w, r, "/standards/inspections/"+strconv.FormatInt(insp.ID, 10), http.StatusSeeOther)
}

// Inspection shows one inspection.
func (pg *Pages) Inspection(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	v, err := pg.Services.Standards.Inspection(ctx, auth.From(ctx), id)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "inspection", v.RoomName+" 检查记录", v)
}

// InspectionPhoto serves a photo of an inspection.
func (pg *Pages) InspectionPhoto(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	pid, _ := strconv.ParseInt(r.PathValue("photo"), 10, 64)
	ph, err := pg.Services.Standards.Photo(ctx, auth.From(ctx), id, pid)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ph.ContentType)
	w.Header().Set("Content-Disposition", `inline; filename*=UTF-8''`+url.PathEscape(ph.Name))
	w.Write(ph.Data)
}

// RectificationDone closes a rectification item.
func (pg *Pages) RectificationDone(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := pg.Services.Standards.CompleteRectification(ctx, auth.From(ctx), id, formID(r, "rectification"), r.FormValue("note")); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已登记整改完成。")
	http.Redirect(w, r, "/standards/inspections/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// StandardsDesignate designates a qualifying room as 示范工作室.
func (pg *Pages) StandardsDesignate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_, err := pg.Services.Standards.Designate(ctx, auth.From(ctx), formID(r, "room"))
	pg.standardsDone(w, r, err, "已认定为示范工作室。")
}

// StandardsRevoke revokes a designation.
func (pg *Pages) StandardsRevoke(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	err := pg.Services.Standards.Revoke(ctx, auth.From(ctx), formID(r, "designation"), r.FormValue("reason"))
	pg.standardsDone(w, r, err, "已撤销示范工作室认定。")
}

func (pg *Pages) standardsDone(w http.ResponseWriter, r *http.Request, err error, ok string) {
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, ok)
	http.Redirect(w, r, "/standards", http.StatusSeeOther)
}
