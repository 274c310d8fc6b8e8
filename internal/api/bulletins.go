package api

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/bulletin"
)

// Monthly bulletins (情况通报): drafted from the evaluation rollups,
// edited, approved and published by the committee. What a caller may see
// and do is decided by the bulletin service.

// BulletinRequest is the body of POST /api/v1/bulletins.
type BulletinRequest struct {
	Unit  string `json:"unit" api:"required" doc:"调委会单位代码，如 pd-cmt"`
	Month string `json:"month" api:"required" doc:"已结束的月份 YYYY-MM"`
}

// BulletinEditRequest is the body of POST /api/v1/bulletins/{id}/edit.
type BulletinEditRequest struct {
	Title    string            `json:"title,omitempty" doc:"通报标题（不超过80字；不填不变）"`
	Remarks  string            `json:"remarks" doc:"调委会意见（不超过2000字）"`
	Sections map[string]string `json:"sections,omitempty" doc:"各节文字（headline、ranking、hotspots、cases、warnings；每节不超过1000字；空字符串恢复自动生成的文字）"`
}

// BulletinPublishRequest is the body of POST /api/v1/bulletins/{id}/publish.
type BulletinPublishRequest struct {
	Partners []int64 `json:"partners" api:"required" doc:"接收单位：本调委会联络名录中的合作单位ID（至少一个）"`
}

// BulletinReviseRequest is the body of POST /api/v1/bulletins/{id}/revise.
type BulletinReviseRequest struct {
	Reason string `json:"reason" api:"required" doc:"更正理由（不超过500字）"`
}

// BulletinSectionJSON is one section's text.
type BulletinSectionJSON struct {
	Code      string `json:"code"`
	Heading   string `json:"heading"`
	Text      string `json:"text" doc:"印发的文字：调委会改写的，或自动生成的"`
	Generated string `json:"generated" doc:"按数据自动生成的文字"`
	Edited    bool   `json:"edited"`
}

// BulletinRecipientJSON is one partner's receipt.
type BulletinRecipientJSON struct {
	PartnerID   int64      `json:"partner_id"`
	PartnerName string     `json:"partner_name"`
	State       string     `json:"state" doc:"sent 已发送、received 已签收"`
	SMSQueued   int        `json:"sms_queued" doc:"向该单位联系人发出的短信通知条数"`
	SentAt      time.Time  `json:"sent_at"`
	ReceivedAt  *time.Time `json:"received_at"`
}

// BulletinSummaryJSON is a bulletin in a list.
type BulletinSummaryJSON struct {
	ID          int64        `json:"id"`
	Committee   UnitNameJSON `json:"committee"`
	Month       string       `json:"month"`
	Revision    int          `json:"revision"`
	CorrectsID  int64        `json:"corrects_id" doc:"更正的已发布通报ID（0 为首版）"`
	State       string       `json:"state" doc:"draft 草稿、edited 已编辑、approved 已审核、published 已发布"`
	StateLabel  string       `json:"state_label"`
	Title       string       `json:"title"`
	PublishedAt *time.Time   `json:"published_at"`
	SHA256      string       `json:"sha256" doc:"已发布通报 PDF 的 SHA-256；未发布为空"`
}

// BulletinJSON is one bulletin with its content.
type BulletinJSON struct {
	ID          int64                   `json:"id"`
	Committee   UnitNameJSON            `json:"committee"`
	Month       string                  `json:"month"`
	Revision    int                     `json:"revision"`
	CorrectsID  int64                   `json:"corrects_id" doc:"更正的已发布通报ID（0 为首版）"`
	State       string                  `json:"state" doc:"draft 草稿、edited 已编辑、approved 已审核、published 已发布"`
	StateLabel  string                  `json:"state_label"`
	Title       string                  `json:"title"`
	PublishedAt *time.Time              `json:"published_at"`
	SHA256      string                  `json:"sha256" doc:"已发布通报 PDF 的 SHA-256；未发布为空"`
	Reason      string                  `json:"reason" doc:"更正理由（更正版）"`
	Remarks     string                  `json:"remarks"`
	Sections    []BulletinSectionJSON   `json:"sections"`
	Content     bulletin.Content        `json:"content" doc:"自动生成的数据：本月、上月、去年同月；每节注明数据来源"`
	DraftedAt   time.Time               `json:"drafted_at"`
	RefreshAt   time.Time               `json:"refreshed_at" doc:"数据最近一次按汇总数据更新的时间（审核后冻结）"`
	Editor      string                  `json:"editor"`
	EditedAt    *time.Time              `json:"edited_at"`
	Approver    string                  `json:"approver"`
	ApprovedAt  *time.Time              `json:"approved_at"`
	Publisher   string                  `json:"publisher"`
	Recipients  []BulletinRecipientJSON `json:"recipients"`
	PDF         string                  `json:"pdf" doc:"PDF 下载地址（已发布）；未发布为空"`
}

// BulletinList answers GET /api/v1/bulletins.
type BulletinList struct {
	Bulletins []BulletinSummaryJSON `json:"bulletins"`
}

func bulletinSummaryJSON(b bulletin.Bulletin, committee string) BulletinSummaryJSON {
	return BulletinSummaryJSON{ID: b.ID, Committee: UnitNameJSON{b.CommitteeID, committee}, Month: b.Month, Revision: b.Revision, CorrectsID: b.CorrectsID,
		State: b.State, StateLabel: bulletin.StateLabel(b.State), Title: b.Title, PublishedAt: b.Published, SHA256: b.SHA256}
}

func bulletinJSON(v bulletin.View) BulletinJSON {
	b := v.Bulletin
	out := BulletinJSON{ID: b.ID, Committee: UnitNameJSON{b.CommitteeID, v.Committee.Name}, Month: b.Month, Revision: b.Revision, CorrectsID: b.CorrectsID,
		State: b.State, StateLabel: bulletin.StateLabel(b.State), Title: b.Title, PublishedAt: b.Published, SHA256: b.SHA256, Reason: v.Reason, Remarks: v.Remarks,
		Content: v.Content, DraftedAt: v.Drafted, RefreshAt: v.Refreshed, Editor: v.Editor, EditedAt: v.Edited, Approver: v.Approver,
		ApprovedAt: v.Approved, Publisher: v.Publisher, Sections: []BulletinSectionJSON{}, Recipients: []BulletinRecipientJSON{}}
	for _, s := range v.Sections {
		out.Sections = append(out.Sections, BulletinSectionJSON{Code: s.Code, Heading: s.Heading, Text: s.Text, Generated: s.Generated, Edited: s.Edited})
	}
	for _, r := range v.Recipients {
		out.Recipients = append(out.Recipients, BulletinRecipientJSON{PartnerID: r.PartnerID, PartnerName: r.PartnerName, State: r.State,
			SMSQueued: r.SMSQueued, SentAt: r.SentAt, ReceivedAt: r.ReceivedAt})
	}
	if v.BriefingID != 0 {
		out.PDF = "/api/v1/bulletins/" + strconv.FormatInt(v.ID, 10) + "/pdf"
	}
	return out
}

func bulletinID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		Fail(w, http.StatusNotFound, "情况通报不存在或无权查看")
		return 0, false
	}
	return id, true
}

// Bulletins lists the bulletins the caller may read.
func (a *API) Bulletins(w http.ResponseWriter, r *http.Request) {
	list, err := a.Services.Bulletins.List(r.Context(), auth.From(r.Context()), r.URL.Query().Get("month"))
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	out := BulletinList{Bulletins: []BulletinSummaryJSON{}}
	for _, s := range list {
		out.Bulletins = append(out.Bulletins, bulletinSummaryJSON(s.Bulletin, s.CommitteeName))
	}
	writeJSON(w, http.StatusOK, out)
}

// GetBulletin answers one bulletin.
func (a *API) GetBulletin(w http.ResponseWriter, r *http.Request) {
	id, ok := bulletinID(w, r)
	if !ok {
		return
	}
	v, err := a.Services.Bulletins.Get(r.Context(), auth.From(r.Context()), id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, bulletinJSON(v))
}

// DraftBulletin answers the committee's bulletin for an ended month: 201
// when drafted now, 200 when it existed.
func (a *API) DraftBulletin(w http.ResponseWriter, r *http.Request) {
	var req BulletinRequest
	if !decode(w, r, &req) {
		return
	}
	v, created, err := a.Services.Bulletins.Draft(r.Context(), auth.From(r.Context()), req.Unit, req.Month)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	code := http.StatusOK
	if created {
		code = http.StatusCreated
	}
	writeJSON(w, code, bulletinJSON(v))
}

// EditBulletin saves the committee's texts.
func (a *API) EditBulletin(w http.ResponseWriter, r *http.Request) {
	id, ok := bulletinID(w, r)
	if !ok {
		return
	}
	var req BulletinEditRequest
	if !decode(w, r, &req) {
		return
	}
	v, err := a.Services.Bulletins.Edit(r.Context(), auth.From(r.Context()), id, bulletin.EditInput{Title: req.Title, Remarks: req.Remarks, Sections: req.Sections})
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, bulletinJSON(v))
}

// ApproveBulletin records the committee's approval.
func (a *API) ApproveBulletin(w http.ResponseWriter, r *http.Request) {
	id, ok := bulletinID(w, r)
	if !ok {
		return
	}
	if !noBody(w, r) {
		return
	}
	v, err := a.Services.Bulletins.Approve(r.Context(), auth.From(r.Context()), id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, bulletinJSON(v))
}

// PublishBulletin freezes and sends an approved bulletin.
func (a *API) PublishBulletin(w http.ResponseWriter, r *http.Request) {
	id, ok := bulletinID(w, r)
	if !ok {
		return
	}
	var req BulletinPublishRequest
	if !decode(w, r, &req) {
		return
	}
	v, err := a.Services.Bulletins.Publish(r.Context(), auth.From(r.Context()), id, req.Partners)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, bulletinJSON(v))
}

// ReviseBulletin starts a correction of a published bulletin.
func (a *API) ReviseBulletin(w http.ResponseWriter, r *http.Request) {
	id, ok := bulletinID(w, r)
	if !ok {
		return
	}
	var req BulletinReviseRequest
	if !decode(w, r, &req) {
		return
	}
	v, err := a.Services.Bulletins.Revise(r.Context(), auth.From(r.Context()), id, req.Reason)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, bulletinJSON(v))
}

// BulletinPDF serves a published bulletin's frozen PDF.
func (a *API) BulletinPDF(w http.ResponseWriter, r *http.Request) {
	id, ok := bulletinID(w, r)
	if !ok {
		return
	}
	pdf, name, err := a.Services.Bulletins.PDF(r.Context(), auth.From(r.Context()), id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="bulletin.pdf"; filename*=UTF-8''`+url.PathEscape(name))
	w.Write(pdf)
}
