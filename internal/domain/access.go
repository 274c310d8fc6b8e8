package domain

import "slices"

// Role is what a user does for an org unit (DESIGN.md "Who uses it").
type Role string

const (
	RoleConsumer  Role = "consumer"
	RoleMerchant  Role = "merchant"
	RoleMediator  Role = "mediator"
	RoleRoomLead  Role = "room_lead"
	RoleCommittee Role = "committee"
	RoleRegulator Role = "regulator"
	RoleJustice   Role = "justice"
	RoleCourt     Role = "court"
	RoleExpert    Role = "expert"
	RoleAnalyst   Role = "analyst"
	RoleAuditor   Role = "auditor"
	RoleAdmin     Role = "admin"
	// RoleSecurityAdmin (安全管理员) manages roles and the sign-in policy;
	// with the admin and the auditor it makes 三员分立 (等保2.0 level 3).
	RoleSecurityAdmin Role = "security_admin"
	// RoleMachine is held by API keys of machine clients (12315 connector, ODR platforms, courts).
	RoleMachine Role = "machine"
)

// Roles lists every role a binding can hold.
var Roles = []Role{RoleConsumer, RoleMerchant, RoleMediator, RoleRoomLead, RoleCommittee, RoleRegulator,
	RoleJustice, RoleCourt, RoleExpert, RoleAnalyst, RoleAuditor, RoleAdmin, RoleSecurityAdmin, RoleMachine}

var roleLabels = map[Role]string{
	RoleConsumer: "消费者", RoleMerchant: "经营者", RoleMediator: "调解员", RoleRoomLead: "工作室负责人",
	RoleCommittee: "调委会", RoleRegulator: "市场监管", RoleJustice: "司法行政", RoleCourt: "法院",
	RoleExpert: "专家", RoleAnalyst: "统计分析", RoleAuditor: "安全审计", RoleAdmin: "系统管理员",
	RoleSecurityAdmin: "安全管理员",
	RoleMachine:       "接口客户端",
}

func (r Role) Label() string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return string(r)
}
func (r Role) Valid() bool { _, ok := roleLabels[r]; return ok }

// Permission names one thing a route or action needs.
type Permission string

const (
	PermNone          Permission = ""               // public route
	PermSignedIn      Permission = "signed_in"      // any signed-in user
	PermCaseRead      Permission = "case.read"      // see cases in scope
	PermCaseCreate    Permission = "case.create"    // register a complaint
	PermCaseDecide    Permission = "case.decide"    // accept / reject
	PermOrgRead       Permission = "org.read"       // see the org tree
	PermOrgManage     Permission = "org.manage"     // edit org tree
	PermUserManage    Permission = "user.manage"    // users, bindings, API keys
	PermSettings      Permission = "settings"       // calendar overrides, policies
	PermAuditRead     Permission = "audit.read"     // audit log
	PermStatsRead     Permission = "stats.read"     // statistics
	PermPIIReveal     Permission = "pii.reveal"     // see unmasked phone / ID (audited)
	PermOutboxRead    Permission = "outbox.read"    // demo message outbox
	PermMachineIntake Permission = "machine.intake" // machine client pushes complaints
	PermRoutingManage Permission = "routing.manage" // edit the committee's routing rules and street map
	PermImport        Permission = "import"         // import 12315 exports
	PermGroupManage   Permission = "group.manage"   // form group disputes from surges
	PermLeadRead      Permission = "lead.read"      // receive violation leads and follow diverted complaints
	PermRoomManage    Permission = "room.manage"    // duty roster and assignment settings of a room
	PermConsult       Permission = "consult.answer" // experts: read and answer consultations addressed to them
	PermJudicial      Permission = "court.judicial" // court liaisons: receive and decide applications for judicial confirmation
	PermSealManage    Permission = "seal.manage"    // upload the committee's seal image
	PermEvalRead      Permission = "eval.read"      // performance figures: a mediator their own, others their units'
	PermEvalManage    Permission = "eval.manage"    // edit scoring schemes, publish rankings
	PermJobsManage    Permission = "jobs.manage"    // the background job queue: failed jobs, retry, discard
	PermSyncRead      Permission = "sync.read"      // the smart-mediation platform sync: state, reconciliation, XLSX export
	PermSyncManage    Permission = "sync.manage"    // resend cases, backfill, reconcile now
	// The five routines and the corps (队伍).
	PermCorpsRead        Permission = "corps.read"        // the mediator registry (masked), corps profile, grade eligibility
	PermCorpsManage      Permission = "corps.manage"      // edit the registry, decide grades
	PermReportRead       Permission = "report.read"       // daily reports, weekly and monthly summaries
	PermReportSubmit     Permission = "report.submit"     // add remarks to and submit a unit's daily report
	PermWarningRead      Permission = "warning.read"      // warnings in scope (a mediator: their own)
	PermWarningHandle    Permission = "warning.handle"    // acknowledge, resolve, reply to an urge
	PermWarningSupervise Permission = "warning.supervise" // 催办 / 督办
	PermWarningRules     Permission = "warning.rules"     // edit the warning rules
	PermRoutineRead      Permission = "routine.read"      // meetings, trainings, liaison, room standards, 今日
	PermRoutineManage    Permission = "routine.manage"    // record meetings, trainings, liaison, inspections
	// Funding: per-case subsidies (个案补贴) and purchased services (购买服务).
	PermSubsidyRead       Permission = "subsidy.read"       // settlement batches in scope (a mediator: their own lines)
	PermSubsidyDraft      Permission = "subsidy.draft"      // generate, exclude, submit a committee's monthly batch
	PermSubsidyApprove    Permission = "subsidy.approve"    // approve or return a submitted batch, record payment
	PermSubsidyScheme     Permission = "subsidy.scheme"     // set the subsidy scheme (the district justice bureau)
	PermSubsidyDifficulty Permission = "subsidy.difficulty" // confirm a closed case's difficulty (简易/一般/疑难复杂)
	PermSubsidyTrail      Permission = "subsidy.trail"      // a batch's approval trail
	PermContractRead      Permission = "contract.read"      // service and enterprise contracts, assessments, statements
	PermContractManage    Permission = "contract.manage"    // record contracts, run assessments and statements
	// Analysis and publicity (issue 15).
	PermFeedbackRead    Permission = "feedback.read"    // 12315 result feedback of diverted complaints (a regulator office: its own)
	PermBulletinManage  Permission = "bulletin.manage"  // draft, approve and send the monthly 情况通报
	PermLibraryNominate Permission = "library.nominate" // nominate a closed case as a typical case and edit its draft
	PermLibraryPublish  Permission = "library.publish"  // approve, publish and withdraw typical cases
	// Security and personal data (issue 16).
	PermSecurityPolicy Permission = "security.policy" // sign-in policy: lockout, limits, password rules, second factor
	PermRoleApprove    Permission = "role.approve"    // approve another administrator's request to grant a case role
	PermAuditExport    Permission = "audit.export"    // export the audit trail
	PermPrivacyManage  Permission = "privacy.manage"  // handle parties' data export and deletion requests, retention settings
)

// rolePermissions is the immutable grant table. Admins manage the system but
// not case contents; auditors read the audit log only.
var rolePermissions = map[Role][]Permission{
	RoleMediator: {PermCaseRead, PermCaseCreate, PermCaseDecide, PermOrgRead, PermEvalRead,
		PermWarningRead, PermWarningHandle, PermRoutineRead, PermSubsidyRead, PermPIIReveal},
	RoleRoomLead: {PermCaseRead, PermCaseCreate, PermCaseDecide, PermOrgRead, PermStatsRead, PermRoomManage, PermEvalRead,
		PermCorpsRead, PermReportRead, PermReportSubmit, PermWarningRead, PermWarningHandle, PermWarningSupervise, PermRoutineRead, PermRoutineManage,
		PermSubsidyRead, PermSubsidyDifficulty, PermLibraryNominate, PermPIIReveal},
	RoleCommittee: {PermCaseRead, PermCaseCreate, PermCaseDecide, PermOrgRead, PermStatsRead, PermPIIReveal, PermRoutingManage, PermImport, PermGroupManage, PermRoomManage, PermSealManage, PermEvalRead, PermEvalManage, PermSyncRead, PermSyncManage,
		PermCorpsRead, PermCorpsManage, PermReportRead, PermReportSubmit, PermWarningRead, PermWarningHandle, PermWarningSupervise, PermWarningRules, PermRoutineRead, PermRoutineManage,
		PermSubsidyRead, PermSubsidyDraft, PermSubsidyDifficulty, PermSubsidyTrail, PermContractRead, PermContractManage,
		PermFeedbackRead, PermBulletinManage, PermLibraryNominate, PermLibraryPublish, PermRoleApprove, PermPrivacyManage},
	RoleRegulator: {PermCaseRead, PermCaseCreate, PermOrgRead, PermImport, PermLeadRead, PermContractRead, PermContractManage, PermFeedbackRead},
	RoleJustice: {PermCaseRead, PermOrgRead, PermStatsRead, PermEvalRead, PermSyncRead,
		PermCorpsRead, PermReportRead, PermWarningRead, PermWarningHandle, PermWarningSupervise, PermRoutineRead, PermRoutineManage,
		PermSubsidyRead, PermSubsidyApprove, PermSubsidyScheme, PermSubsidyTrail, PermContractRead},
	RoleCourt:         {PermCaseRead, PermCaseCreate, PermJudicial},
	RoleExpert:        {PermConsult},
	RoleAnalyst:       {PermStatsRead, PermOrgRead, PermEvalRead, PermSubsidyRead, PermContractRead},
	RoleAuditor:       {PermAuditRead, PermAuditExport, PermSubsidyTrail},
	RoleSecurityAdmin: {PermOrgRead, PermSecurityPolicy, PermRoleApprove},
	RoleAdmin:         {PermOrgRead, PermOrgManage, PermUserManage, PermSettings, PermOutboxRead, PermJobsManage},
	RoleMachine:       {PermCaseRead, PermCaseCreate, PermMachineIntake},
	RoleConsumer:      {},
	RoleMerchant:      {},
}

// RoleHas reports whether role r grants p.
func RoleHas(r Role, p Permission) bool {
	if p == PermNone || p == PermSignedIn {
		return true
	}
	return slices.Contains(rolePermissions[r], p)
}

// OrgKind is the kind of an org unit.
type OrgKind string

const (
	OrgCity            OrgKind = "city"
	OrgDistrict        OrgKind = "district"
	OrgCommittee       OrgKind = "committee"        // 消费纠纷人民调解委员会
	OrgOfficeRoom      OrgKind = "office_room"      // 联合人民调解工作室 at a 市场监管所
	OrgEnterpriseRoom  OrgKind = "enterprise_room"  // 企业人民调解工作室
	OrgRegulatorOffice OrgKind = "regulator_office" // 市场监管所
	OrgRegulatorBureau OrgKind = "regulator_bureau" // 市场监管局
	OrgJusticeBureau   OrgKind = "justice_bureau"   // 司法局
	OrgJusticeOffice   OrgKind = "justice_office"   // 司法所
	OrgCourt           OrgKind = "court"
	OrgConsumerCouncil OrgKind = "consumer_council" // 消保委
	OrgServiceProvider OrgKind = "service_provider" // contracted provider
)

var orgKindLabels = map[OrgKind]string{
	OrgCity: "市", OrgDistrict: "区", OrgCommittee: "调委会", OrgOfficeRoom: "联合人民调解工作室",
	OrgEnterpriseRoom: "企业人民调解工作室", OrgRegulatorOffice: "市场监管所", OrgRegulatorBureau: "市场监管局",
	OrgJusticeBureau: "司法局", OrgJusticeOffice: "司法所", OrgCourt: "法院", OrgConsumerCouncil: "消保委",
	OrgServiceProvider: "服务机构",
}

// OrgKinds lists every kind.
var OrgKinds = []OrgKind{OrgCity, OrgDistrict, OrgCommittee, OrgOfficeRoom, OrgEnterpriseRoom, OrgRegulatorOffice,
	OrgRegulatorBureau, OrgJusticeBureau, OrgJusticeOffice, OrgCourt, OrgConsumerCouncil, OrgServiceProvider}

func (k OrgKind) Label() string {
	if l, ok := orgKindLabels[k]; ok {
		return l
	}
	return string(k)
}
func (k OrgKind) Valid() bool { _, ok := orgKindLabels[k]; return ok }

// IsRoom reports whether the unit is a mediation room.
func (k OrgKind) IsRoom() bool { return k == OrgOfficeRoom || k == OrgEnterpriseRoom }

// allowedParents says under which kinds a unit may hang.
var allowedParents = map[OrgKind][]OrgKind{
	OrgCity:            nil,
	OrgDistrict:        {OrgCity},
	OrgCommittee:       {OrgDistrict},
	OrgOfficeRoom:      {OrgCommittee},
	OrgEnterpriseRoom:  {OrgCommittee},
	OrgRegulatorBureau: {OrgDistrict, OrgCity},
	OrgRegulatorOffice: {OrgDistrict, OrgRegulatorBureau},
	OrgJusticeBureau:   {OrgDistrict, OrgCity},
	OrgJusticeOffice:   {OrgDistrict, OrgJusticeBureau},
	OrgCourt:           {OrgDistrict, OrgCity},
	OrgConsumerCouncil: {OrgDistrict, OrgCity},
	OrgServiceProvider: {OrgDistrict},
}

// CanHangUnder reports whether a unit of kind child may have a parent of kind parent
// ("" parent means a root).
func CanHangUnder(child, parent OrgKind) bool {
	ps := allowedParents[child]
	if parent == "" {
		return child == OrgCity
	}
	return slices.Contains(ps, parent)
}
