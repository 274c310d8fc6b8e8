package server

import (
	"net/http"

	"github.com/tiaojie/tiaojie/internal/api"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/intake"
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
	// API routes only: the query parameters accepted (any other is a 400),
	// and the request and success-response body types the OpenAPI document is
	// generated from (nil: none; api.NoBody: a body is refused).
	Query    []string
	Request  any
	Response any
	Created  bool // success is 201 rather than 200
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
		{Method: "GET", Path: "/audit", Perm: domain.PermAuditRead, Handler: pg.Audit},
		{Method: "GET", Path: "/audit/export.xlsx", Perm: domain.PermAuditRead, Handler: pg.AuditExport},

		// Evaluation pages (绩效评估)
		{Method: "GET", Path: "/evaluation", Perm: domain.PermEvalRead, Handler: pg.Evaluation},
		{Method: "GET", Path: "/evaluation/scores.xlsx", Perm: domain.PermEvalRead, Handler: pg.ExportEvaluationScores},
		{Method: "GET", Path: "/evaluation/cases", Perm: domain.PermEvalRead, Handler: pg.EvaluationCases},
		{Method: "GET", Path: "/evaluation/me", Perm: domain.PermEvalRead, Handler: pg.MyEvaluation},
		{Method: "GET", Path: "/evaluation/mediator/{id}", Perm: domain.PermEvalRead, Handler: pg.EvaluationMediator},
		{Method: "GET", Path: "/evaluation/rankings", Perm: domain.PermEvalRead, Handler: pg.EvaluationRankings},
		{Method: "POST", Path: "/evaluation/rankings/publish", Perm: domain.PermEvalManage, Handler: pg.PublishRanking},
		{Method: "GET", Path: "/evaluation/scheme", Perm: domain.PermEvalManage, Handler: pg.EvaluationScheme},
		{Method: "POST", Path: "/evaluation/scheme", Perm: domain.PermEvalManage, Handler: pg.SaveEvaluationScheme},

		// JSON API v1.
		{Method: "GET", Path: "/api/v1/openapi.json", Perm: domain.PermNone, API: true, Summary: "本接口的 OpenAPI 3 文档", Handler: s.openAPI, Response: map[string]any{}},
		{Method: "POST", Path: "/api/v1/auth/token", Perm: domain.PermNone, API: true, Summary: "用户名和密码换取访问令牌", Handler: a.Token, Request: api.TokenRequest{}, Response: api.TokenResponse{}},
		{Method: "GET", Path: "/api/v1/me", Perm: domain.PermSignedIn, API: true, Summary: "当前调用者及其角色", Handler: a.GetMe, Response: api.Me{}},
		{Method: "POST", Path: "/api/v1/complaints", Perm: domain.PermCaseCreate, API: true, Summary: "登记投诉（支持 Idempotency-Key）", Handler: a.CreateComplaint, Request: intake.Complaint{}, Response: api.CaseJSON{}, Created: true},
		{Method: "GET", Path: "/api/v1/cases", Perm: domain.PermCaseRead, API: true, Summary: "案件列表（按状态、工作室、关键词、日期筛选，分页）", Handler: a.ListCases, Query: []string{"status", "room", "q", "from", "to", "limit", "offset"}, Response: api.CaseList{}},
		{Method: "GET", Path: "/api/v1/cases/{id}", Perm: domain.PermCaseRead, API: true, Summary: "案件详情及办理期限", Handler: a.GetCase, Response: api.CaseJSON{}},
		{Method: "GET", Path: "/api/v1/cases/{id}/events", Perm: domain.PermCaseRead, API: true, Summary: "案件办理记录（事件日志）", Handler: a.ListEvents, Response: []api.EventJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/accept", Perm: domain.PermCaseDecide, API: true, Summary: "受理", Handler: a.Decide(true), Request: api.AcceptRequest{}, Response: api.CaseJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/reject", Perm: domain.PermCaseDecide, API: true, Summary: "不予受理（须附理由代码）", Handler: a.Decide(false), Request: api.RejectRequest{}, Response: api.CaseJSON{}},
		{Method: "GET", Path: "/api/v1/reasons", Perm: domain.PermSignedIn, API: true, Summary: "不予受理、终止、中止的理由代码", Handler: a.Reasons, Response: map[string][]api.ReasonJSON{}},
		{Method: "POST", Path: "/api/v1/keys", Perm: domain.PermUserManage, API: true, Summary: "签发机器客户端接口密钥（限定所属单位）", Handler: a.IssueKey, Request: api.KeyRequest{}, Response: api.KeyResponse{}, Created: true},
		{Method: "GET", Path: "/api/v1/cases/{id}/archive.pdf", Perm: domain.PermCaseRead, API: true, Summary: "已归档案件的卷宗（PDF）", Handler: pg.ArchivePDF, Response: api.PDF{}},
		{Method: "GET", Path: "/api/v1/cases/{id}/agreement.pdf", Perm: domain.PermCaseRead, API: true, Summary: "已生效的调解协议书（PDF）", Handler: pg.AgreementPDF, Response: api.PDF{}},
		{Method: "GET", Path: "/api/v1/audit", Perm: domain.PermAuditRead, API: true, Summary: "审计日志查询（日期、操作人、对象，按序号向前翻页）", Handler: a.ListAudit,
			Query: []string{"from", "to", "actor", "object", "before"}, Response: api.AuditPage{}},
		{Method: "GET", Path: "/api/v1/agreements/verify", Perm: domain.PermNone, API: true, Summary: "凭 SHA-256 核验调解协议", Handler: pg.VerifyAgreement, Query: []string{"sha256"}, Response: api.VerifyJSON{}},
		// Code tables and the org units the caller reaches.
		{Method: "GET", Path: "/api/v1/codes", Perm: domain.PermSignedIn, API: true, Summary: "全部代码表（状态、渠道、类别、理由、方式等）", Handler: a.Codes, Response: map[string][]api.Code{}},
		{Method: "GET", Path: "/api/v1/categories", Perm: domain.PermSignedIn, API: true, Summary: "投诉（纠纷）类别", Handler: a.Categories, Response: []api.Code{}},
		{Method: "GET", Path: "/api/v1/statuses", Perm: domain.PermSignedIn, API: true, Summary: "案件状态", Handler: a.Statuses, Response: []api.Code{}},
		{Method: "GET", Path: "/api/v1/org-units", Perm: domain.PermSignedIn, API: true, Summary: "调用者可见的组织单位", Handler: a.OrgUnits, Response: []api.OrgUnitJSON{}},
		// Routing, assignment and the course of mediation.
		{Method: "POST", Path: "/api/v1/cases/{id}/reroute", Perm: domain.PermCaseDecide, API: true, Summary: "改派到本调委会的其他工作室", Handler: a.Reroute(), Request: api.RerouteRequest{}, Response: api.CaseJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/odr", Perm: domain.PermCaseDecide, API: true, Summary: "企业先行协商结果", Handler: a.ODROutcome(), Request: api.ODRRequest{}, Response: api.CaseJSON{}},
		{Method: "GET", Path: "/api/v1/cases/{id}/assignment", Perm: domain.PermCaseDecide, API: true, Summary: "可指派的调解员（办案量、排班）", Handler: a.AssignmentOptions, Response: api.AssignmentJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/assign", Perm: domain.PermCaseDecide, API: true, Summary: "指派（或认领）主持调解员", Handler: a.Assign(), Request: api.AssignRequest{}, Response: api.CaseJSON{}},
		{Method: "GET", Path: "/api/v1/cases/{id}/mediators", Perm: domain.PermCaseRead, API: true, Summary: "案件的调解员", Handler: a.Mediators, Response: []api.MediatorJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/start", Perm: domain.PermCaseDecide, API: true, Summary: "开始调解", Handler: a.Start(), Request: api.NoBody{}, Response: api.CaseJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/suspend", Perm: domain.PermCaseDecide, API: true, Summary: "中止调解（期限暂停）", Handler: a.Suspend(), Request: api.SuspendRequest{}, Response: api.CaseJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/resume", Perm: domain.PermCaseDecide, API: true, Summary: "恢复调解", Handler: a.Resume(), Request: api.NoteRequest{}, Response: api.CaseJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/recusal", Perm: domain.PermCaseDecide, API: true, Summary: "登记回避申请", Handler: a.Recusal(), Request: api.RecusalRequest{}, Response: api.CaseJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/recusal/decision", Perm: domain.PermCaseDecide, API: true, Summary: "决定回避（工作室负责人、调委会）", Handler: a.RecusalDecision(), Request: api.RecusalDecisionRequest{}, Response: api.CaseJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/terminate", Perm: domain.PermCaseDecide, API: true, Summary: "终止调解", Handler: a.Terminate(), Request: api.TerminateRequest{}, Response: api.CaseJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/withdraw", Perm: domain.PermCaseDecide, API: true, Summary: "申请人撤回", Handler: a.Withdraw(), Request: api.NoteRequest{}, Response: api.CaseJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/termination/sent", Perm: domain.PermCaseDecide, API: true, Summary: "登记终止调解告知书已送达", Handler: a.NoticeSent(), Request: api.NoticeRequest{}, Response: api.CaseJSON{}},
		{Method: "GET", Path: "/api/v1/cases/{id}/sessions", Perm: domain.PermCaseRead, API: true, Summary: "调解安排及笔录", Handler: a.Sessions, Response: []api.SessionJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/sessions", Perm: domain.PermCaseDecide, API: true, Summary: "安排调解并短信通知双方", Handler: a.ScheduleSession(), Request: api.SessionRequest{}, Response: api.CaseJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/sessions/{sid}/record", Perm: domain.PermCaseDecide, API: true, Summary: "记录到场情况和调解笔录", Handler: a.RecordSession, Request: api.RecordRequest{}, Response: api.CaseJSON{}},
		// Consent and duplicates.
		{Method: "GET", Path: "/api/v1/cases/{id}/consents", Perm: domain.PermCaseRead, API: true, Summary: "双方调解意愿", Handler: a.Consents, Response: []api.ConsentJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/consent/request", Perm: domain.PermCaseDecide, API: true, Summary: "短信征求双方调解意愿", Handler: a.RequestConsent(), Request: api.ConsentRequestRequest{}, Response: api.CaseJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/consent", Perm: domain.PermCaseDecide, API: true, Summary: "登记当事人书面、电话或当面表示的调解意愿", Handler: a.RecordConsent(), Request: api.ConsentRecordRequest{}, Response: api.CaseJSON{}},
		{Method: "GET", Path: "/api/v1/cases/{id}/duplicates", Perm: domain.PermCaseRead, API: true, Summary: "疑似重复投诉", Handler: a.Duplicates, Response: []api.DuplicateJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/duplicates/{flag}/merge", Perm: domain.PermCaseDecide, API: true, Summary: "合并重复投诉（返回保留的案件）", Handler: a.DuplicateAction(true), Request: api.NoBody{}, Response: api.CaseJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/duplicates/{flag}/dismiss", Perm: domain.PermCaseDecide, API: true, Summary: "排除重复提示", Handler: a.DuplicateAction(false), Request: api.NoBody{}, Response: api.CaseJSON{}},
		// Agreements, performance, follow-up, archive.
		{Method: "GET", Path: "/api/v1/cases/{id}/agreement", Perm: domain.PermCaseRead, API: true, Summary: "调解协议、签署状态、司法确认与回访", Handler: a.GetAgreement, Response: api.AgreementJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/agreement", Perm: domain.PermCaseDecide, API: true, Summary: "记录口头协议（即时生效）或生成书面协议（短信通知签署）", Handler: a.CreateAgreement(), Request: api.AgreementRequest{}, Response: api.CaseJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/agreement/sign", Perm: domain.PermCaseDecide, API: true, Summary: "主持调解员签署书面协议", Handler: a.MediatorSign(), Request: api.NoBody{}, Response: api.CaseJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/agreement/seal", Perm: domain.PermCaseDecide, API: true, Summary: "加盖调委会印章（调委会）", Handler: a.Seal(), Request: api.NoBody{}, Response: api.CaseJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/perform", Perm: domain.PermCaseDecide, API: true, Summary: "记录一项协议事项已履行", Handler: a.Perform(), Request: api.PerformRequest{}, Response: api.CaseJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/followup", Perm: domain.PermCaseDecide, API: true, Summary: "记录回访", Handler: a.FollowUp(), Request: api.FollowUpRequest{}, Response: api.CaseJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/followup/request", Perm: domain.PermCaseDecide, API: true, Summary: "短信邀请消费者评价", Handler: a.RequestRating(), Request: api.NoBody{}, Response: api.CaseJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/archive", Perm: domain.PermCaseDecide, API: true, Summary: "归档", Handler: a.Archive(), Request: api.NoBody{}, Response: api.CaseJSON{}},
		// Judicial confirmation.
		{Method: "GET", Path: "/api/v1/cases/{id}/courts", Perm: domain.PermCaseDecide, API: true, Summary: "可受理司法确认申请的法院", Handler: a.Courts, Response: []api.CourtJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/judicial", Perm: domain.PermCaseDecide, API: true, Summary: "申请司法确认（双方共同申请）", Handler: a.ApplyJudicial(), Request: api.JudicialRequest{}, Response: api.CaseJSON{}},
		{Method: "GET", Path: "/api/v1/judicial", Perm: domain.PermJudicial, API: true, Summary: "本院收到的司法确认申请（法院）", Handler: a.CourtQueue, Response: []api.JudicialJSON{}},
		{Method: "POST", Path: "/api/v1/judicial/{id}/decision", Perm: domain.PermJudicial, API: true, Summary: "法院受理、裁定确认或驳回（路径为案件ID）", Handler: a.CourtDecide, Request: api.CourtDecisionRequest{}, Response: api.JudicialJSON{}},
		// Violation leads and expert consultations.
		{Method: "GET", Path: "/api/v1/cases/{id}/offices", Perm: domain.PermCaseDecide, API: true, Summary: "可移送线索的本区市场监管所", Handler: a.Offices, Response: []api.OrgUnitJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/leads", Perm: domain.PermCaseDecide, API: true, Summary: "移送违法线索", Handler: a.AddLead(), Request: api.LeadRequest{}, Response: api.CaseJSON{}},
		{Method: "GET", Path: "/api/v1/leads", Perm: domain.PermLeadRead, API: true, Summary: "本所收到的违法线索（市场监管）", Handler: a.Leads, Response: []api.LeadJSON{}},
		{Method: "POST", Path: "/api/v1/leads/{id}/handled", Perm: domain.PermLeadRead, API: true, Summary: "标记线索已处理", Handler: a.LeadHandled, Request: api.NoBody{}, Response: api.LeadJSON{}},
		{Method: "GET", Path: "/api/v1/cases/{id}/experts", Perm: domain.PermCaseDecide, API: true, Summary: "可咨询的专家", Handler: a.Experts, Response: []api.ExpertJSON{}},
		{Method: "GET", Path: "/api/v1/cases/{id}/consultations", Perm: domain.PermCaseDecide, API: true, Summary: "案件的专家咨询", Handler: a.CaseConsultations, Response: []api.ConsultationJSON{}},
		{Method: "POST", Path: "/api/v1/cases/{id}/consultations", Perm: domain.PermCaseDecide, API: true, Summary: "发送专家咨询", Handler: a.Consult(), Request: api.ConsultRequest{}, Response: api.CaseJSON{}},
		{Method: "GET", Path: "/api/v1/consultations", Perm: domain.PermConsult, API: true, Summary: "发给我的专家咨询（专家）", Handler: a.ConsultationInbox, Response: []api.ConsultationJSON{}},
		{Method: "POST", Path: "/api/v1/consultations/{id}/answer", Perm: domain.PermConsult, API: true, Summary: "答复专家咨询", Handler: a.AnswerConsultation, Request: api.AnswerRequest{}, Response: api.ConsultationJSON{}},
		// Group disputes.
		{Method: "GET", Path: "/api/v1/groups", Perm: domain.PermGroupManage, API: true, Summary: "群体性纠纷及可合并的集中投诉", Handler: a.Groups, Response: api.GroupsJSON{}},
		{Method: "POST", Path: "/api/v1/groups", Perm: domain.PermGroupManage, API: true, Summary: "建立群体性纠纷", Handler: a.CreateGroup, Request: api.GroupRequest{}, Response: api.GroupJSON{}, Created: true},
		{Method: "GET", Path: "/api/v1/groups/{id}", Perm: domain.PermCaseRead, API: true, Summary: "群体性纠纷详情", Handler: a.GetGroup, Response: api.GroupJSON{}},
		{Method: "POST", Path: "/api/v1/groups/{id}/representatives", Perm: domain.PermGroupManage, API: true, Summary: "确定代表人（最多两名）", Handler: a.GroupRepresentatives(), Request: api.RepresentativesRequest{}, Response: api.GroupJSON{}},
		{Method: "POST", Path: "/api/v1/groups/{id}/notify", Perm: domain.PermGroupManage, API: true, Summary: "短信通知全体投诉人", Handler: a.GroupNotify(), Request: api.GroupNotifyRequest{}, Response: api.GroupJSON{}},
		{Method: "POST", Path: "/api/v1/groups/{id}/session", Perm: domain.PermGroupManage, API: true, Summary: "安排集中调解并通知", Handler: a.GroupSession(), Request: api.GroupSessionRequest{}, Response: api.GroupJSON{}},
		{Method: "POST", Path: "/api/v1/groups/{id}/outcome", Perm: domain.PermGroupManage, API: true, Summary: "记录成员的集中调解结果", Handler: a.GroupOutcome(), Request: api.GroupOutcomeRequest{}, Response: api.GroupJSON{}},
	}
}
