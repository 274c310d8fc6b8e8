package server

import (
	"net/http"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/web"
)

// Route is one entry of the route table: the permission each route needs is
// declared here and nowhere else; the middleware enforces it before the
// handler runs, and handlers then check the org scope of what they touch.
type Route struct {
	Method  string
	Path    string // ServeMux pattern path
	Perm    domain.Permission
	API     bool   // JSON API (bearer tokens), else HTML pages (session cookie)
	Summary string // Chinese, for the OpenAPI document
	MaxBody int64  // body limit when larger than the server's default (uploads)
	Stream  bool   // a long-lived event stream: kept out of the latency histogram
	Handler http.HandlerFunc
}

// Pattern is the ServeMux pattern.
func (r Route) Pattern() string { return r.Method + " " + r.Path }

func (s *Server) routes() []Route {
	pg, a := s.pages, s.api
	return []Route{
		// System.
		{Method: "GET", Path: "/healthz", Perm: domain.PermNone, Handler: s.healthz},
		{Method: "GET", Path: "/readyz", Perm: domain.PermNone, Handler: s.readyz},
		{Method: "GET", Path: "/metrics", Perm: domain.PermNone, Handler: s.metrics.handler().ServeHTTP},
		{Method: "GET", Path: "/static/", Perm: domain.PermNone, Handler: staticHandler().ServeHTTP},

		// Pages.
		{Method: "GET", Path: "/login", Perm: domain.PermNone, Handler: pg.LoginForm},
		{Method: "POST", Path: "/login", Perm: domain.PermNone, Handler: pg.Login},
		{Method: "POST", Path: "/logout", Perm: domain.PermSignedIn, Handler: pg.Logout},
		{Method: "GET", Path: "/{$}", Perm: domain.PermSignedIn, Handler: pg.Home},
		{Method: "GET", Path: "/home", Perm: domain.PermSignedIn, Handler: pg.Home},
		{Method: "GET", Path: "/cases", Perm: domain.PermCaseRead, Handler: pg.Cases},
		{Method: "GET", Path: "/cases/export.xlsx", Perm: domain.PermCaseRead, Handler: pg.ExportCases},
		{Method: "GET", Path: "/desk", Perm: domain.PermCaseDecide, Handler: pg.Desk},
		{Method: "POST", Path: "/desk/views", Perm: domain.PermCaseDecide, Handler: pg.SaveDeskView},
		{Method: "POST", Path: "/desk/views/{vid}/delete", Perm: domain.PermCaseDecide, Handler: pg.DeleteDeskView},
		{Method: "GET", Path: "/cases/new", Perm: domain.PermCaseCreate, Handler: pg.NewCaseForm},
		{Method: "POST", Path: "/cases", Perm: domain.PermCaseCreate, Handler: pg.CreateCase},
		{Method: "GET", Path: "/cases/{id}", Perm: domain.PermCaseRead, Handler: pg.Case},
		{Method: "POST", Path: "/cases/{id}/accept", Perm: domain.PermCaseDecide, Handler: pg.Decide(true)},
		{Method: "POST", Path: "/cases/{id}/reject", Perm: domain.PermCaseDecide, Handler: pg.Decide(false)},
		{Method: "POST", Path: "/cases/{id}/reroute", Perm: domain.PermCaseDecide, Handler: pg.Reroute},
		{Method: "POST", Path: "/cases/{id}/odr", Perm: domain.PermCaseDecide, Handler: pg.ODROutcome},
		{Method: "POST", Path: "/cases/{id}/leads", Perm: domain.PermCaseDecide, Handler: pg.AddLead},
		{Method: "POST", Path: "/cases/{id}/assign", Perm: domain.PermCaseDecide, Handler: pg.Assign},
		{Method: "POST", Path: "/cases/{id}/start", Perm: domain.PermCaseDecide, Handler: pg.StartMediation},
		{Method: "POST", Path: "/cases/{id}/suspend", Perm: domain.PermCaseDecide, Handler: pg.Suspend},
		{Method: "POST", Path: "/cases/{id}/resume", Perm: domain.PermCaseDecide, Handler: pg.Resume},
		{Method: "POST", Path: "/cases/{id}/recusal", Perm: domain.PermCaseDecide, Handler: pg.Recusal},
		{Method: "POST", Path: "/cases/{id}/recusal/decision", Perm: domain.PermCaseDecide, Handler: pg.RecusalDecision},
		{Method: "POST", Path: "/cases/{id}/terminate", Perm: domain.PermCaseDecide, Handler: pg.Terminate},
		{Method: "POST", Path: "/cases/{id}/consult", Perm: domain.PermCaseDecide, Handler: pg.Consult},
		{Method: "POST", Path: "/cases/{id}/sessions", Perm: domain.PermCaseDecide, Handler: pg.ScheduleSession},
		{Method: "POST", Path: "/cases/{id}/agreement/oral", Perm: domain.PermCaseDecide, Handler: pg.OralAgreement},
		{Method: "POST", Path: "/cases/{id}/perform", Perm: domain.PermCaseDecide, Handler: pg.Perform},
		{Method: "POST", Path: "/cases/{id}/agreement/sign", Perm: domain.PermCaseDecide, Handler: pg.MediatorSign},
		{Method: "POST", Path: "/cases/{id}/agreement/seal", Perm: domain.PermCaseDecide, Handler: pg.Seal},
		{Method: "GET", Path: "/cases/{id}/agreement.pdf", Perm: domain.PermCaseRead, Handler: pg.AgreementPDF},
		{Method: "POST", Path: "/cases/{id}/judicial", Perm: domain.PermCaseDecide, Handler: pg.ApplyJudicial},
		{Method: "GET", Path: "/seal", Perm: domain.PermSealManage, Handler: pg.SealPage},
		{Method: "GET", Path: "/seal.png", Perm: domain.PermSealManage, Handler: pg.SealImage},
		{Method: "POST", Path: "/seal", Perm: domain.PermSealManage, Handler: pg.UploadSeal},
		{Method: "GET", Path: "/verify", Perm: domain.PermNone, Handler: pg.VerifyForm},
		{Method: "POST", Path: "/verify", Perm: domain.PermNone, MaxBody: web.MaxVerifyBody, Handler: pg.Verify},
		{Method: "GET", Path: "/court", Perm: domain.PermJudicial, Handler: pg.CourtQueue},
		{Method: "POST", Path: "/court/{id}/decide", Perm: domain.PermJudicial, Handler: pg.CourtDecide},
		{Method: "GET", Path: "/court/{id}/package.zip", Perm: domain.PermJudicial, Handler: pg.CourtPackage},
		{Method: "GET", Path: "/sign/{token}", Perm: domain.PermNone, Handler: pg.SignForm},
		{Method: "POST", Path: "/sign/{token}", Perm: domain.PermNone, Handler: pg.Sign},
		{Method: "POST", Path: "/cases/{id}/followup", Perm: domain.PermCaseDecide, Handler: pg.FollowUp},
		{Method: "POST", Path: "/cases/{id}/commendations", Perm: domain.PermCaseDecide, MaxBody: web.MaxEvidenceBody, Handler: pg.Commendation},
		{Method: "GET", Path: "/cases/{id}/commendations/{cid}/photo", Perm: domain.PermCaseRead, Handler: pg.CommendationPhoto},
		{Method: "POST", Path: "/cases/{id}/followup/request", Perm: domain.PermCaseDecide, Handler: pg.RequestRating},
		{Method: "GET", Path: "/rate/{token}", Perm: domain.PermNone, Handler: pg.RateForm},
		{Method: "POST", Path: "/rate/{token}", Perm: domain.PermNone, Handler: pg.Rate},
		{Method: "POST", Path: "/cases/{id}/archive", Perm: domain.PermCaseDecide, Handler: pg.Archive},
		{Method: "GET", Path: "/cases/{id}/archive.pdf", Perm: domain.PermCaseRead, Handler: pg.ArchivePDF},
		{Method: "POST", Path: "/cases/{id}/sessions/{sid}/record", Perm: domain.PermCaseDecide, Handler: pg.RecordSession},
		{Method: "GET", Path: "/cases/{id}/talk", Perm: domain.PermSignedIn, Handler: pg.TalkPage},
		{Method: "GET", Path: "/cases/{id}/talk/events", Perm: domain.PermSignedIn, Stream: true, Handler: pg.TalkEvents},
		{Method: "POST", Path: "/cases/{id}/talk/messages", Perm: domain.PermSignedIn, Handler: pg.TalkPost},
		{Method: "POST", Path: "/cases/{id}/talk/evidence", Perm: domain.PermCaseDecide, MaxBody: web.MaxEvidenceBody, Handler: pg.TalkUpload},
		{Method: "GET", Path: "/cases/{id}/talk/evidence/{eid}", Perm: domain.PermSignedIn, Handler: pg.TalkEvidence},
		{Method: "POST", Path: "/cases/{id}/talk/proposals", Perm: domain.PermCaseDecide, Handler: pg.TalkPropose},
		{Method: "POST", Path: "/cases/{id}/talk/invite", Perm: domain.PermCaseDecide, Handler: pg.TalkInvite},
		{Method: "POST", Path: "/cases/{id}/mediators", Perm: domain.PermCaseDecide, Handler: pg.CoMediator},
		{Method: "POST", Path: "/cases/{id}/sessions/{sid}/confirmation", Perm: domain.PermCaseDecide, MaxBody: web.MaxEvidenceBody, Handler: pg.PaperRecordConfirmation},
		{Method: "POST", Path: "/cases/{id}/consultations/{kid}/join", Perm: domain.PermCaseDecide, Handler: pg.ExpertJoin},
		{Method: "POST", Path: "/cases/{id}/consultations/{kid}/join/answer", Perm: domain.PermCaseDecide, Handler: pg.ExpertJoinAnswer},
		{Method: "GET", Path: "/p/{token}", Perm: domain.PermNone, Handler: pg.TalkPage},
		{Method: "GET", Path: "/p/{token}/events", Perm: domain.PermNone, Stream: true, Handler: pg.TalkEvents},
		{Method: "POST", Path: "/p/{token}/messages", Perm: domain.PermNone, Handler: pg.TalkPost},
		{Method: "POST", Path: "/p/{token}/evidence", Perm: domain.PermNone, MaxBody: web.MaxEvidenceBody, Handler: pg.TalkUpload},
		{Method: "GET", Path: "/p/{token}/evidence/{eid}", Perm: domain.PermNone, Handler: pg.TalkEvidence},
		{Method: "GET", Path: "/p/{token}/agreement.pdf", Perm: domain.PermNone, Handler: pg.PartyAgreement},
		{Method: "GET", Path: "/p/{token}/termination.pdf", Perm: domain.PermNone, Handler: pg.PartyTermination},
		{Method: "POST", Path: "/p/{token}/proposals/{pid}", Perm: domain.PermNone, Handler: pg.TalkAnswer},
		{Method: "POST", Path: "/p/{token}/records/{sid}", Perm: domain.PermNone, Handler: pg.TalkConfirmRecord},
		{Method: "POST", Path: "/p/{token}/joins/{kid}", Perm: domain.PermNone, Handler: pg.TalkJoinAnswer},
		{Method: "GET", Path: "/consultations", Perm: domain.PermConsult, Handler: pg.Consultations},
		{Method: "POST", Path: "/consultations/{id}/answer", Perm: domain.PermConsult, Handler: pg.ConsultationAnswer},
		{Method: "POST", Path: "/cases/{id}/withdraw", Perm: domain.PermCaseDecide, Handler: pg.Withdraw},
		{Method: "POST", Path: "/cases/{id}/termination/sent", Perm: domain.PermCaseDecide, Handler: pg.NoticeSent},
		{Method: "GET", Path: "/cases/{id}/termination.pdf", Perm: domain.PermCaseRead, Handler: pg.TerminationPDF},
		{Method: "GET", Path: "/room", Perm: domain.PermRoomManage, Handler: pg.Room},
		{Method: "POST", Path: "/room/settings", Perm: domain.PermRoomManage, Handler: pg.RoomSettings},
		{Method: "POST", Path: "/room/leave", Perm: domain.PermRoomManage, Handler: pg.RoomLeave},
		{Method: "GET", Path: "/leads", Perm: domain.PermLeadRead, Handler: pg.Leads},
		{Method: "POST", Path: "/leads/{id}/handled", Perm: domain.PermLeadRead, Handler: pg.LeadHandled},
		{Method: "POST", Path: "/cases/{id}/consent/request", Perm: domain.PermCaseDecide, Handler: pg.RequestConsent},
		{Method: "POST", Path: "/cases/{id}/consent", Perm: domain.PermCaseDecide, Handler: pg.RecordConsent},
		{Method: "GET", Path: "/consent/{token}", Perm: domain.PermNone, Handler: pg.ConsentForm},
		{Method: "GET", Path: "/file", Perm: domain.PermNone, Handler: pg.FileForm},
		{Method: "POST", Path: "/file", Perm: domain.PermNone, Handler: pg.File},
		{Method: "POST", Path: "/consent/{token}", Perm: domain.PermNone, Handler: pg.ConsentAnswer},
		{Method: "GET", Path: "/progress", Perm: domain.PermNone, Handler: pg.ProgressForm},
		{Method: "POST", Path: "/progress", Perm: domain.PermNone, Handler: pg.Progress},
		{Method: "GET", Path: "/admin/outbox", Perm: domain.PermOutboxRead, Handler: pg.Outbox},
		{Method: "GET", Path: "/cases/{id}/refusal.pdf", Perm: domain.PermCaseRead, Handler: pg.RefusalNotice},
		{Method: "POST", Path: "/cases/{id}/duplicates/{flag}/merge", Perm: domain.PermCaseDecide, Handler: pg.DuplicateAction(true)},
		{Method: "POST", Path: "/cases/{id}/duplicates/{flag}/dismiss", Perm: domain.PermCaseDecide, Handler: pg.DuplicateAction(false)},
		{Method: "GET", Path: "/groups", Perm: domain.PermGroupManage, Handler: pg.Groups},
		{Method: "POST", Path: "/groups", Perm: domain.PermGroupManage, Handler: pg.CreateGroup},
		{Method: "GET", Path: "/groups/{id}", Perm: domain.PermCaseRead, Handler: pg.Group},
		{Method: "POST", Path: "/groups/{id}/representatives", Perm: domain.PermGroupManage, Handler: pg.GroupRepresentatives},
		{Method: "POST", Path: "/groups/{id}/accept", Perm: domain.PermGroupManage, Handler: pg.GroupAccept},
		{Method: "POST", Path: "/groups/{id}/notify", Perm: domain.PermGroupManage, Handler: pg.GroupNotify},
		{Method: "POST", Path: "/groups/{id}/session", Perm: domain.PermGroupManage, Handler: pg.GroupSession},
		{Method: "POST", Path: "/groups/{id}/outcome", Perm: domain.PermGroupManage, Handler: pg.GroupOutcome},
		{Method: "GET", Path: "/import", Perm: domain.PermImport, Handler: pg.Imports},
		{Method: "POST", Path: "/import", Perm: domain.PermImport, MaxBody: web.MaxUpload, Handler: pg.Upload},
		{Method: "GET", Path: "/import/{id}", Perm: domain.PermImport, Handler: pg.Batch},
		{Method: "GET", Path: "/import/{id}/report.xlsx", Perm: domain.PermImport, Handler: pg.Report},
		{Method: "GET", Path: "/routing", Perm: domain.PermRoutingManage, Handler: pg.Routing},
		{Method: "POST", Path: "/routing", Perm: domain.PermRoutingManage, Handler: pg.SaveRouting},
		{Method: "POST", Path: "/routing/streets", Perm: domain.PermRoutingManage, Handler: pg.SaveStreets},
		{Method: "GET", Path: "/org", Perm: domain.PermOrgRead, Handler: pg.Org},
		{Method: "POST", Path: "/admin/org", Perm: domain.PermOrgManage, Handler: pg.CreateOrgUnit},
		{Method: "GET", Path: "/admin/calendar", Perm: domain.PermSettings, Handler: pg.Calendar},
		{Method: "POST", Path: "/admin/calendar", Perm: domain.PermSettings, Handler: pg.PutCalendarOverride},
		{Method: "POST", Path: "/admin/calendar/{date}/delete", Perm: domain.PermSettings, Handler: pg.DeleteCalendarOverride},
		{Method: "GET", Path: "/admin/policies", Perm: domain.PermSettings, Handler: pg.Policies},
		{Method: "POST", Path: "/admin/policies", Perm: domain.PermSettings, Handler: pg.AddPolicy},
		{Method: "GET", Path: "/admin/users", Perm: domain.PermUserManage, Handler: pg.Users},
		{Method: "POST", Path: "/admin/users", Perm: domain.PermUserManage, Handler: pg.CreateUser},
		{Method: "GET", Path: "/admin/keys", Perm: domain.PermUserManage, Handler: pg.Keys},
		{Method: "POST", Path: "/admin/keys", Perm: domain.PermUserManage, Handler: pg.IssueKey},
		{Method: "POST", Path: "/admin/keys/{id}/revoke", Perm: domain.PermUserManage, Handler: pg.RevokeKey},

		// JSON API v1.
		{Method: "GET", Path: "/api/v1/openapi.json", Perm: domain.PermNone, API: true, Summary: "本接口的 OpenAPI 3 文档", Handler: s.openAPI},
		{Method: "POST", Path: "/api/v1/auth/token", Perm: domain.PermNone, API: true, Summary: "用户名和密码换取访问令牌", Handler: a.Token},
		{Method: "GET", Path: "/api/v1/me", Perm: domain.PermSignedIn, API: true, Summary: "当前调用者及其角色", Handler: a.GetMe},
		{Method: "POST", Path: "/api/v1/complaints", Perm: domain.PermCaseCreate, API: true, Summary: "登记投诉（支持 Idempotency-Key）", Handler: a.CreateComplaint},
		{Method: "GET", Path: "/api/v1/cases", Perm: domain.PermCaseRead, API: true, Summary: "案件列表（按状态、工作室、关键词、日期筛选，分页）", Handler: a.ListCases},
		{Method: "GET", Path: "/api/v1/cases/{id}", Perm: domain.PermCaseRead, API: true, Summary: "案件详情及办理期限", Handler: a.GetCase},
		{Method: "GET", Path: "/api/v1/cases/{id}/events", Perm: domain.PermCaseRead, API: true, Summary: "案件办理记录（事件日志）", Handler: a.ListEvents},
		{Method: "POST", Path: "/api/v1/cases/{id}/accept", Perm: domain.PermCaseDecide, API: true, Summary: "受理", Handler: a.Decide(true)},
		{Method: "POST", Path: "/api/v1/cases/{id}/reject", Perm: domain.PermCaseDecide, API: true, Summary: "不予受理（须附理由代码）", Handler: a.Decide(false)},
		{Method: "GET", Path: "/api/v1/reasons", Perm: domain.PermSignedIn, API: true, Summary: "不予受理、终止、中止的理由代码", Handler: a.Reasons},
		{Method: "POST", Path: "/api/v1/keys", Perm: domain.PermUserManage, API: true, Summary: "签发机器客户端接口密钥（限定所属单位）", Handler: a.IssueKey},
		{Method: "GET", Path: "/api/v1/cases/{id}/archive.pdf", Perm: domain.PermCaseRead, API: true, Summary: "已归档案件的卷宗（PDF）", Handler: pg.ArchivePDF},
		{Method: "GET", Path: "/api/v1/cases/{id}/agreement.pdf", Perm: domain.PermCaseRead, API: true, Summary: "已生效的调解协议书（PDF）", Handler: pg.AgreementPDF},
		{Method: "GET", Path: "/api/v1/agreements/verify", Perm: domain.PermNone, API: true, Summary: "凭 SHA-256 核验调解协议（?sha256=）", Handler: pg.VerifyAgreement},
	}
}
