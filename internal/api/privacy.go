package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/privacy"
)

// Personal-data access on record: reveals with a purpose, the reveal log,
// parties' data requests and the committee's retention periods. What a
// caller may see and do is decided by the privacy service.

// RevealRequestJSON is the body of POST /api/v1/cases/{id}/parties/{pid}/reveal.
type RevealRequestJSON struct {
	Field   string `json:"field" api:"required" doc:"phone 联系电话、id_number 身份证件号码、address 地址"`
	Purpose string `json:"purpose" api:"required" doc:"call 电话联系当事人、document 制作调解文书、judicial 司法确认申请、follow_up 回访、identity 当事人身份核验、other 其他（须在 note 中说明）"`
	Note    string `json:"note,omitempty" doc:"目的说明（purpose 为 other 时必填，200字以内）"`
}

// RevealJSON is a revealed value: shown until expires_at, never cached.
type RevealJSON struct {
	CaseID       int64     `json:"case_id"`
	CaseNumber   string    `json:"case_number"`
	PartyID      int64     `json:"party_id"`
	Field        string    `json:"field"`
	FieldLabel   string    `json:"field_label"`
	Purpose      string    `json:"purpose"`
	PurposeLabel string    `json:"purpose_label"`
	Value        string    `json:"value" doc:"完整值，仅在本响应中给出，不得缓存或转存"`
	RevealedAt   time.Time `json:"revealed_at"`
	ExpiresAt    time.Time `json:"expires_at" doc:"界面应在此时刻隐去完整值（查看后120秒）"`
}

func partyPath(w http.ResponseWriter, r *http.Request) (int64, int64, bool) {
	id, ok := pathID(w, r)
	if !ok {
		return 0, 0, false
	}
	pid, err := strconv.ParseInt(r.PathValue("pid"), 10, 64)
	if err != nil || pid <= 0 {
		pid = -1 // checked after the case: a case outside scope stays a 404 about the case
	}
	return id, pid, true
}

// RevealParty answers one party's full phone, identity number or address,
// with the purpose on record.
func (a *API) RevealParty(w http.ResponseWriter, r *http.Request) {
	id, pid, ok := partyPath(w, r)
	if !ok {
		return
	}
	var req RevealRequestJSON
	if !decode(w, r, &req) {
		return
	}
	v, err := a.Services.Privacy.Reveal(r.Context(), auth.From(r.Context()), id, pid, privacy.RevealRequest{Field: req.Field, Purpose: req.Purpose, Note: req.Note})
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, RevealJSON{CaseID: v.CaseID, CaseNumber: v.CaseNumber, PartyID: v.PartyID, Field: v.Field, FieldLabel: v.FieldLabel,
		Purpose: v.Purpose, PurposeLabel: v.PurposeLabel, Value: v.Value, RevealedAt: v.At, ExpiresAt: v.Expires})
}

// RevealLogJSON is one entry of the reveal log (no value).
type RevealLogJSON struct {
	ID           int64     `json:"id"`
	CaseID       int64     `json:"case_id"`
	CaseNumber   string    `json:"case_number"`
	PartyID      int64     `json:"party_id"`
	Party        string    `json:"party" doc:"当事人姓名（脱敏）"`
	Field        string    `json:"field"`
	Purpose      string    `json:"purpose"`
	PurposeLabel string    `json:"purpose_label"`
	Note         string    `json:"note"`
	User         string    `json:"user"`
	Role         string    `json:"role"`
	ClientAddr   string    `json:"client_addr"`
	RevealedAt   time.Time `json:"revealed_at"`
}

// RevealLogList answers GET /api/v1/privacy/reveals.
type RevealLogList struct {
	Reveals []RevealLogJSON `json:"reveals" doc:"最近的记录，最多 500 条"`
	More    bool            `json:"more" doc:"true：符合条件的记录多于所列，请用 from、to 缩小日期范围"`
}

// RevealLog lists who saw whose full data, for the auditor.
func (a *API) RevealLog(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	var caseID int64
	if s := v.Get("case_id"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			Fail(w, http.StatusBadRequest, "case_id 应为正整数")
			return
		}
		caseID = n
	}
	rows, more, err := a.Services.Privacy.Reveals(r.Context(), auth.From(r.Context()), privacy.RevealQuery{User: v.Get("user"), CaseID: caseID,
		Field: v.Get("field"), From: v.Get("from"), To: v.Get("to")})
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	out := RevealLogList{Reveals: []RevealLogJSON{}, More: more}
	for _, x := range rows {
		out.Reveals = append(out.Reveals, RevealLogJSON{ID: x.ID, CaseID: x.CaseID, CaseNumber: x.CaseNumber, PartyID: x.PartyID, Party: maskPartyName(x.PartyName),
			Field: x.Field, Purpose: x.Purpose, PurposeLabel: privacy.PurposeLabel(x.Purpose), Note: x.Note, User: x.UserName, Role: x.Role,
			ClientAddr: x.ClientAddr, RevealedAt: x.At})
	}
	writeJSON(w, http.StatusOK, out)
}

func maskPartyName(s string) string { return privacy.MaskedName(s) }

// PrivacyRequestBody is the body of POST /api/v1/cases/{id}/parties/{pid}/privacy-requests.
type PrivacyRequestBody struct {
	Kind string `json:"kind" api:"required" doc:"export 查阅复制（导出个人信息）、delete 删除个人信息"`
	Note string `json:"note,omitempty" doc:"当事人的说明（500字以内）"`
}

// PrivacyRequestJSON is a party's data request.
type PrivacyRequestJSON struct {
	ID          int64      `json:"id"`
	CaseID      int64      `json:"case_id"`
	CaseNumber  string     `json:"case_number"`
	PartyID     int64      `json:"party_id"`
	Party       string     `json:"party" doc:"当事人姓名（脱敏）"`
	Kind        string     `json:"kind"`
	Status      string     `json:"status" doc:"pending 待处理、done 已办结、refused 不予办理"`
	Via         string     `json:"via" doc:"party 当事人本人、staff 工作人员代为提出"`
	Requester   string     `json:"requester"`
	Note        string     `json:"note"`
	RequestedAt time.Time  `json:"requested_at"`
	DueOn       string     `json:"due_on" doc:"答复期限（15个工作日）"`
	Decider     string     `json:"decider,omitempty"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	Reason      string     `json:"reason,omitempty" doc:"办理结果或不予办理的理由"`
}

func privacyRequestJSON(q privacy.Request) PrivacyRequestJSON {
	return PrivacyRequestJSON{ID: q.ID, CaseID: q.CaseID, CaseNumber: q.CaseNumber, PartyID: q.PartyID, Party: maskPartyName(q.PartyName), Kind: q.Kind,
		Status: q.Status, Via: q.Via, Requester: q.Requester, Note: q.Note, RequestedAt: q.RequestedAt, DueOn: q.DueOn, Decider: q.Decider,
		DecidedAt: q.DecidedAt, Reason: q.Reason}
}

// CreatePrivacyRequest records a party's request made through staff.
func (a *API) CreatePrivacyRequest(w http.ResponseWriter, r *http.Request) {
	id, pid, ok := partyPath(w, r)
	if !ok {
		return
	}
	var req PrivacyRequestBody
	if !decode(w, r, &req) {
		return
	}
	q, err := a.Services.Privacy.RequestForParty(r.Context(), auth.From(r.Context()), privacy.NewRequest{CaseID: id, PartyID: pid, Kind: req.Kind, Note: req.Note})
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, privacyRequestJSON(q))
}

// PrivacyRequestList answers GET /api/v1/privacy/requests.
type PrivacyRequestList struct {
	Requests []PrivacyRequestJSON `json:"requests"`
}

// PrivacyRequests lists the committee's requests, pending first.
func (a *API) PrivacyRequests(w http.ResponseWriter, r *http.Request) {
	qs, err := a.Services.Privacy.Requests(r.Context(), auth.From(r.Context()), r.URL.Query().Get("status"))
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	out := PrivacyRequestList{Requests: []PrivacyRequestJSON{}}
	for _, q := range qs {
		out.Requests = append(out.Requests, privacyRequestJSON(q))
	}
	writeJSON(w, http.StatusOK, out)
}

// PrivacyDecisionBody is the body of POST /api/v1/privacy/requests/{id}/decide.
type PrivacyDecisionBody struct {
	Action string `json:"action" api:"required" doc:"complete 办结（删除请求在保存期限届满前自动不予办理并说明理由）、refuse 不予办理"`
	Reason string `json:"reason,omitempty" doc:"理由（不予办理时必填）"`
}

// DecidePrivacyRequest answers a pending request.
func (a *API) DecidePrivacyRequest(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		Fail(w, http.StatusNotFound, "个人信息请求不存在或无权查看")
		return
	}
	var req PrivacyDecisionBody
	if !decode(w, r, &req) {
		return
	}
	q, err := a.Services.Privacy.Decide(r.Context(), auth.From(r.Context()), id, req.Action, req.Reason)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, privacyRequestJSON(q))
}

// RetentionJSON is a committee's retention periods.
type RetentionJSON struct {
	CommitteeID   int64      `json:"committee_id"`
	ClosedYears   int        `json:"closed_years" doc:"未归档案件（不予受理、撤回等）办结后保存当事人信息的年数"`
	ArchivedYears int        `json:"archived_years" doc:"已归档案件归档后保存当事人联系信息的年数（姓名和调解协议随卷宗保存）"`
	Updater       string     `json:"updater,omitempty"`
	UpdatedAt     *time.Time `json:"updated_at,omitempty"`
}

func retentionJSON(r privacy.Retention) RetentionJSON {
	out := RetentionJSON{CommitteeID: r.CommitteeID, ClosedYears: r.ClosedYears, ArchivedYears: r.ArchivedYears, Updater: r.Updater}
	if !r.Updated.IsZero() {
		u := r.Updated
		out.UpdatedAt = &u
	}
	return out
}

// RetentionBody is the body of POST /api/v1/privacy/retention.
type RetentionBody struct {
	CommitteeID   int64 `json:"committee_id,omitempty" doc:"省略时为本人所在的调委会"`
	ClosedYears   int   `json:"closed_years" api:"required"`
	ArchivedYears int   `json:"archived_years" api:"required"`
}

// GetRetention answers the committee's retention periods.
func (a *API) GetRetention(w http.ResponseWriter, r *http.Request) {
	var cid int64
	if s := r.URL.Query().Get("committee_id"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			Fail(w, http.StatusBadRequest, "committee_id 应为正整数")
			return
		}
		cid = n
	}
	_, ret, err := a.Services.Privacy.RetentionFor(r.Context(), auth.From(r.Context()), cid)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, retentionJSON(ret))
}

// SetRetention changes the committee's retention periods.
func (a *API) SetRetention(w http.ResponseWriter, r *http.Request) {
	var req RetentionBody
	if !decode(w, r, &req) {
		return
	}
	ret, err := a.Services.Privacy.SetRetention(r.Context(), auth.From(r.Context()), req.CommitteeID, req.ClosedYears, req.ArchivedYears)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, retentionJSON(ret))
}
