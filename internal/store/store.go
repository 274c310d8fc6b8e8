// Package store declares the one storage interface every capability talks to.
// store/sqlite and store/postgres implement it with hand-written SQL per
// dialect; store/storetest is the conformance suite both must pass.
package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/riverqueue/river/riverdriver"

	"github.com/tiaojie/tiaojie/internal/audit"
	"github.com/tiaojie/tiaojie/internal/domain"
)

// EventHook runs inside the transaction that appends evs; an error rolls
// the change back.
type EventHook func(ctx context.Context, tx *sql.Tx, evs []Event) error

// AuditQuery filters the audit trail; zero fields do not filter.
type AuditQuery struct {
	From, To  time.Time // at >= From, at < To
	Actor     string    // actor name, exact
	Object    string    // object, exact ("case:42") or a kind prefix ending in ':' ("case:")
	Scope     Scope     // actors' units within these subtrees; All: everything
	BeforeSeq int64     // keyset paging: entries with seq < BeforeSeq
	Limit     int
}

var (
	// ErrNotFound: no row matched.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a unique key is taken (username, external id, credit code …).
	ErrConflict = errors.New("conflict")
	// ErrStale: the case changed since it was read (optimistic version check).
	ErrStale = errors.New("stale version")
)

// Store is everything the platform keeps. Each method is one transaction.
type Store interface {
	Dialect() string // "sqlite" or "postgres"
	Ping(ctx context.Context) error
	Close() error
	// MigrationsCurrent reports whether every embedded migration is applied.
	MigrationsCurrent(ctx context.Context) (bool, error)
	// InTx runs fn with a Store whose every call is part of one transaction:
	// fn's writes commit together (with one audit entry) or not at all. A
	// failing call inside rolls back only its own writes, so fn may handle
	// the error; an error returned by fn rolls back everything.
	InTx(ctx context.Context, fn func(tx Store) error) error
	// JobTx hands the job queue the transaction's handle (InTx's, or one of
	// its own) so jobs are inserted or completed with the change that causes
	// them; what names the step in the audit trail.
	JobTx(ctx context.Context, what string, fn func(tx *sql.Tx) error) error
	// Smart-mediation sync (internal/smartsync).
	PutSmartSync(ctx context.Context, s SmartSync) error // upsert; a platform id is also kept on the case
	GetSmartSync(ctx context.Context, caseID int64) (SmartSync, error)
	// ListSmartSync is a page of the committees' sync rows, the newest
	// updated first (then by case), read by key: never a count.
	ListSmartSync(ctx context.Context, q SmartSyncQuery) (Page[SmartSync], error)
	SmartSyncCounts(ctx context.Context, committeeIDs []int64) (map[string]int, error)
	// SyncedCases are a committee's rows the platform accepted, for reconciliation.
	SyncedCases(ctx context.Context, committeeID int64) ([]SmartSync, error)
	// UnsyncedCases are a committee's accepted cases (not merged) after
	// afterID with no synced row: what a backfill sends.
	UnsyncedCases(ctx context.Context, committeeID, afterID int64, limit int) ([]int64, error)
	GetSmartRef(ctx context.Context, code string) (digest string, err error)
	PutSmartRef(ctx context.Context, code, kind, digest, platformID string, at time.Time) error
	AddReconciliation(ctx context.Context, r Reconciliation) (int64, error)
	LatestReconciliation(ctx context.Context, committeeID int64) (Reconciliation, error)

	// OnEvents adds a function run inside every transaction that appends
	// case events (outbound triggers enqueue their jobs there).
	OnEvents(h EventHook)
	// QueueDriver is the job queue's driver on this database.
	QueueDriver() riverdriver.Driver[*sql.Tx]

	// Stored due dates of the clock lists (internal/desk).
	DueStore

	// 预警: warning rules, warnings, escalation, 催办/督办.
	WarningStore

	// Performance evaluation: rollups, schemes, published rankings.
	EvalStore
	AnalysisStore // 分析研判: merchant and street rollups, dashboard reads (internal/analysis)
	PartnersStore
	CorpsStore
	// Daily reports (日报).
	DailyReportStore
	// Meetings and trainings (internal/meeting, internal/training).
	RoutineStore
	// Per-case subsidies (internal/settlement).
	SubsidyStore
	ContractStore // purchased services (internal/contracting)
	LibraryStore  // typical cases (internal/casebook)
	FeedbackStore // 12315 result feedback (internal/feedback)
	BulletinStore // monthly 情况通报 (internal/bulletin)
	PrivacyStore  // reveals, data requests, retention (internal/privacy)
	GrantStore    // role grants awaiting a second person's approval (三员分立, internal/administration)
	SecurityStore // sign-in lockout, policy and second factor (internal/auth)

	// Audit trail: every committed write appends an entry attributed to the
	// audit.Actor in ctx (see internal/audit), in the same transaction.
	// RecordAccess appends an entry for a read that must be on record (a
	// reveal of personal data); fn-less, it is its own transaction.
	RecordAccess(ctx context.Context, action, object string) error
	ListAudit(ctx context.Context, q AuditQuery) ([]audit.Entry, error) // newest first
	// WalkAudit hands every entry to fn in chain order, then returns the head's seq and hash.
	WalkAudit(ctx context.Context, fn func(audit.Entry) error) (headSeq int64, headHash string, err error)

	// Org tree.
	CreateOrgUnit(ctx context.Context, u *OrgUnit) error // sets ID and Path
	GetOrgUnit(ctx context.Context, id int64) (OrgUnit, error)
	GetOrgUnitByCode(ctx context.Context, code string) (OrgUnit, error)
	ListOrgUnits(ctx context.Context) ([]OrgUnit, error) // ordered by path
	// OrgUnitsUnder lists the units whose path starts with prefix (the unit
	// itself and its subtree), ordered by path: a page that needs one
	// committee's rooms or one district's offices reads those, not a city's
	// tree.
	OrgUnitsUnder(ctx context.Context, prefix string) ([]OrgUnit, error)
	// OrgUnitsOfKind lists the units of the given kinds, ordered by path:
	// the committees a consumer may file with or an actor may manage, not
	// a city's whole tree.
	OrgUnitsOfKind(ctx context.Context, kinds ...domain.OrgKind) ([]OrgUnit, error)
	SetRoomStreets(ctx context.Context, roomID int64, streets []string) error
	ListRoomStreets(ctx context.Context, committeeID int64) ([]RoomStreet, error)
	BindRoomMerchant(ctx context.Context, roomID, merchantID int64) error
	ListRoomMerchants(ctx context.Context, roomID int64) ([]Merchant, error)

	// Merchants.
	UpsertMerchant(ctx context.Context, m *Merchant) error // by credit code when present, else by exact name
	GetMerchant(ctx context.Context, id int64) (Merchant, error)

	// Users and access.
	CreateUser(ctx context.Context, u *User) error
	GetUser(ctx context.Context, id int64) (User, error)
	GetUserByUsername(ctx context.Context, username string) (User, error)
	ListUsers(ctx context.Context, q UserQuery) ([]User, error)
	SetPassword(ctx context.Context, userID int64, hash string) error
	// RecordLogin stores the outcome of a sign-in attempt: success clears the
	// failure count; failure increments it and sets lockedUntil when given.
	RecordLogin(ctx context.Context, userID int64, ok bool, at time.Time, lockedUntil *time.Time) error
	AddBinding(ctx context.Context, b Binding) error
	ListBindings(ctx context.Context, userID int64) ([]Binding, error) // with org path and name
	// ListBindingsOf is the bindings of several users in one read, by user
	// in the order given, then as ListBindings orders one user's.
	ListBindingsOf(ctx context.Context, userIDs []int64) ([]Binding, error)

	// API tokens (hashed) for bearer auth and long-lived machine keys.
	CreateToken(ctx context.Context, t *Token) error
	GetTokenByHash(ctx context.Context, hash string) (Token, error)
	ListTokens(ctx context.Context, kind string) ([]Token, error)
	RevokeToken(ctx context.Context, id int64, at time.Time) error

	// Web sessions (scs.Store shape).
	SessionFind(ctx context.Context, token string) ([]byte, bool, error)
	SessionCommit(ctx context.Context, token string, data []byte, expiry time.Time) error
	SessionDelete(ctx context.Context, token string) error
	SessionDeleteExpired(ctx context.Context, now time.Time) (int64, error)
	// SessionFindExpiry is SessionFind with the stored expiry, so that a
	// request that changed nothing can leave a fresh session unwritten.
	SessionFindExpiry(ctx context.Context, token string) ([]byte, time.Time, bool, error)

	// Cases.
	// CreateCase allocates the next gap-free number of (committee, year), inserts
	// the case, its parties and its first event in one transaction. With an
	// idempotency key already used by the same client it returns the existing
	// case and created=false.
	CreateCase(ctx context.Context, c *NewCase) (Case, bool, error)
	// CreateCases writes several new cases in one transaction, each exactly
	// as CreateCase would in a transaction of its own: its own savepoint
	// (a failing case is undone alone and reported in its result), its own
	// audit entry by the actor of its own context, its idempotency key
	// honoured. A case whose context is already cancelled is skipped. The
	// error is the whole batch's (begin, commit): then nothing is written
	// and every result is void. Results carry ids only; read the cases after.
	CreateCases(ctx context.Context, batch []BatchedCase) ([]BatchedResult, error)
	GetCase(ctx context.Context, id int64) (Case, error)
	GetCaseByExternalID(ctx context.Context, externalID string) (Case, error)
	GetCaseByCourtNumber(ctx context.Context, courtNumber string) (Case, error)
	ListCases(ctx context.Context, q CaseQuery) (CasePage, error)
	// ClockCandidates reads the cases whose running clock may be due by a
	// day: each branch a range on the stored date its clock starts from,
	// answered by index range scans. Oldest receipt first, at most q.Limit
	// cases (capped reports that more matched).
	ClockCandidates(ctx context.Context, q ClockQuery) (cases []Case, capped bool, err error)
	// ApplyEvent updates the case row with the change and appends the event,
	// in one transaction, if the case is still at expectVersion.
	ApplyEvent(ctx context.Context, caseID int64, expectVersion int64, ch CaseChange, ev Event) (Case, error)
	// AddNote appends an event that records a fact without changing the
	// case (a session scheduled, a lead passed on, a consultation asked): it
	// neither checks nor bumps the version, so it never makes a concurrent
	// state change stale. ToStatus is the case's status at that moment.
	AddNote(ctx context.Context, caseID int64, ev Event) error
	ListEvents(ctx context.Context, caseID int64) ([]Event, error)
	// Set reads for a page of cases (work lists): one query per kind for
	// the whole page, keyed by case (or user) id; ids without rows are absent.
	EventsOf(ctx context.Context, caseIDs []int64) (map[int64][]Event, error) // each case's events by seq
	// ClockEventsOf is EventsOf for the clocks: only the events of the
	// types in ClockEventTypes, with ID, CaseID, Seq, Type and At set,
	// read from an index that holds nothing else (migration 00059).
	ClockEventsOf(ctx context.Context, caseIDs []int64) (map[int64][]Event, error)
	AgreementsOf(ctx context.Context, caseIDs []int64) (map[int64]Agreement, error) // the cases' agreements
	// CaseRowsOf reads the cases' rows (without their parties), by id; an
	// id of no case is left out.
	CaseRowsOf(ctx context.Context, caseIDs []int64) (map[int64]Case, error)
	SealedAgreements(ctx context.Context, caseIDs []int64) (map[int64]bool, error) // true: the committee's seal is among the signatures
	UserNames(ctx context.Context, userIDs []int64) (map[int64]string, error)      // display names
	// CaseSides says in one query which side records a case has, so that
	// the case page reads only the lists that are not empty.
	CaseSides(ctx context.Context, caseID int64) (CaseSides, error)
	// BulkCreateCases writes many cases, each with its later history, in one transaction.
	BulkCreateCases(ctx context.Context, cases []BulkCase) error
	// InsertCases writes new cases as CreateCase called for each in order
	// would (numbers, merchants, parties, first events, event hooks, rollup
	// marks), in one transaction and a few multi-row statements. It does not
	// look up idempotency keys: any unique conflict fails the whole call with
	// ErrConflict and writes nothing. The returned cases' parties carry no ids.
	InsertCases(ctx context.Context, cases []*NewCase) ([]Case, error)
	// RefreshCaseStatistics updates the query planner's statistics of the
	// tables a bulk intake grows and reads back (cases, parties, merchants,
	// events), so that its reads keep good plans as the tables grow from
	// few rows to many within one import. Data is unchanged; SQLite does
	// nothing (its planner needs no statistics for these reads).
	RefreshCaseStatistics(ctx context.Context) error
	// CaseIDsByExternalID maps those of the 12315 numbers that are cases to their ids.
	CaseIDsByExternalID(ctx context.Context, externalIDs []string) (map[string]int64, error)
	CountCasesByStatus(ctx context.Context) (map[domain.Status]int64, error)

	// Routing (分流) rules per committee, and what routing needs to know.
	ListRoutingRules(ctx context.Context, committeeID int64) ([]RoutingRule, error)
	// ReplaceRoutingRules stores the committee's whole ordered list in one transaction.
	ReplaceRoutingRules(ctx context.Context, committeeID int64, rules []RoutingRule, by int64) error
	ListCommitteeRoomMerchants(ctx context.Context, committeeID int64) ([]RoomMerchant, error)

	// 12315 import batches. A batch keeps its file until it ends and a
	// cursor (Done, with the counts so far) that moves only in the
	// transaction that writes the rows it covers.
	CreateImportBatch(ctx context.Context, b *ImportBatch) error       // status "queued" unless set; stores b.File
	GetImportBatch(ctx context.Context, id int64) (ImportBatch, error) // with the report, without the file
	GetImportFile(ctx context.Context, id int64) ([]byte, error)       // nil once the batch has dropped it
	// ClaimImportBatch stamps the heartbeat and returns the batch (without
	// file or report). Inside InTx it holds the batch's row until commit, so
	// two workers never write slices of one batch at once.
	ClaimImportBatch(ctx context.Context, id int64, at time.Time) (ImportBatch, error)
	// SaveImportBatch stores the cursor, counts, status, message and report
	// if the cursor is still at expectDone (else ErrStale); a batch that
	// ends (done, failed) gets its finish time.
	SaveImportBatch(ctx context.Context, b ImportBatch, expectDone int) error
	// DropImportFile forgets a batch's file and stored row errors (it has
	// ended; its report holds the failed rows).
	DropImportFile(ctx context.Context, id int64) error
	AddImportRowErrors(ctx context.Context, batchID int64, errs []ImportRowError) error // a seq already stored is a conflict
	// ListImportRowErrors is a page of a batch's row errors by seq: at most
	// limit (1 to MaxPage) after seq afterSeq.
	ListImportRowErrors(ctx context.Context, batchID int64, afterSeq, limit int) ([]ImportRowError, error)
	ListImportBatches(ctx context.Context, committeeID int64, limit int) ([]ImportBatch, error)
	ListActiveImportBatches(ctx context.Context) ([]ImportBatch, error) // queued or running, any committee

	// Duplicates and group disputes.
	ListDedupCandidates(ctx context.Context, q DedupQuery) ([]DedupCandidate, error)
	// CasesVersion is a number that moves whenever a case changes (on
	// SQLite, whenever anything is committed): an answer computed from
	// cases at one version still holds while it is the same. ok is false
	// when the store cannot tell (inside a transaction; no version kept):
	// then nothing may be remembered.
	CasesVersion(ctx context.Context) (v int64, ok bool, err error)
	AddDuplicateFlags(ctx context.Context, flags []DuplicateFlag) error            // existing pairs are left alone
	ListDuplicateFlags(ctx context.Context, caseID int64) ([]DuplicateFlag, error) // flags naming the case on either side
	ResolveDuplicateFlag(ctx context.Context, id int64, status string, by int64, at time.Time) error
	// MergeCase closes the duplicate (from) into the case that keeps the
	// dispute (into), appending an event to each, in one transaction.
	MergeCase(ctx context.Context, fromID, fromVersion, intoID int64, fromChange CaseChange, fromEvent, intoEvent Event) error
	CreateGroup(ctx context.Context, g *Group, caseIDs []int64) error // a case already in a group is a conflict; formed now unless g.Created is set
	GetGroup(ctx context.Context, id int64) (Group, error)
	// ListGroups lists one page of a committee's group disputes, newest
	// formed first, paged by key (GroupQuery). With OpenOnly it reads the
	// open cases of groups, not every group the committee ever formed.
	ListGroups(ctx context.Context, q GroupQuery) (Page[Group], error)
	// ListGroupsFormed lists a committee's groups formed in [from, to),
	// oldest first.
	ListGroupsFormed(ctx context.Context, committeeID int64, from, to time.Time) ([]Group, error)
	SetGroupRepresentatives(ctx context.Context, groupID int64, caseIDs []int64) error
	ScheduleGroupSession(ctx context.Context, groupID int64, at time.Time, place string) error
	SetGroupOutcome(ctx context.Context, groupID, caseID int64, outcome, note string, fen int64) error

	// Consent (自愿) of each party, and the SMS outbox.
	RequestConsents(ctx context.Context, caseID int64, reqs []ConsentRequest, at time.Time) error // (re)opens pending requests
	ListConsents(ctx context.Context, caseID int64) ([]Consent, error)
	GetConsentByToken(ctx context.Context, tokenHash string) (Consent, error)
	// RecordConsent stores a party's answer; it fails with ErrNotFound when
	// the party was never asked.
	RecordConsent(ctx context.Context, c Consent) error
	ListPendingConsents(ctx context.Context, requestedBefore time.Time) ([]Consent, error)
	// MarkConsentFollowUp marks a pending party reminded or escalated (what:
	// "reminded" or "escalated"), once: ErrConflict when that was already
	// done or the party has answered, so two sweeps cannot both act.
	MarkConsentFollowUp(ctx context.Context, caseID int64, partyKind, what string, at time.Time) error
	SetPartyPhone(ctx context.Context, caseID int64, partyKind string, p Party) error
	AddOutbox(ctx context.Context, e OutboxEntry) (int64, error)
	// GetOutbox reads one message with its sealed phone and text (for the
	// SMS worker only).
	GetOutbox(ctx context.Context, id int64) (OutboxEntry, error)
	// UpdateOutbox records a step of a message's delivery. A sent message
	// never changes again: updating one fails with ErrConflict.
	UpdateOutbox(ctx context.Context, id int64, u OutboxUpdate) error
	// PutSMSCode stores a new verification code for a phone unless one was
	// sent less than minGap ago (ErrConflict).
	PutSMSCode(ctx context.Context, phoneHash, codeHash string, now, expires time.Time, minGap time.Duration) error
	// CheckSMSCode consumes a matching, unexpired code; each wrong try counts
	// and after maxAttempts the code is void.
	CheckSMSCode(ctx context.Context, phoneHash, codeHash string, now time.Time, maxAttempts int) (bool, error)
	ListOutbox(ctx context.Context, limit int) ([]OutboxEntry, error)

	// Violation leads passed to the regulator.
	AddLead(ctx context.Context, l *Lead) error
	ListLeads(ctx context.Context, q LeadQuery) (Page[Lead], error) // leads whose office is in scope, newest first
	GetLead(ctx context.Context, id int64) (Lead, error)
	MarkLeadHandled(ctx context.Context, id, by int64, at time.Time) error

	// Assignment (指派).
	ListRoomMediators(ctx context.Context, roomID int64) ([]User, error)       // mediators and room leads bound to the room
	MediatorLoads(ctx context.Context, userIDs []int64) (map[int64]int, error) // open cases each presides over
	OnLeave(ctx context.Context, userIDs []int64, date string) (map[int64]bool, error)
	SetLeave(ctx context.Context, userID int64, date string, onLeave bool) error
	GetRoomSettings(ctx context.Context, roomID int64) (RoomSettings, error) // defaults when never set
	PutRoomSettings(ctx context.Context, s RoomSettings) error
	// AssignCase records the case's mediators (the first presides) with the
	// status change and event, in one transaction at expectVersion.
	AssignCase(ctx context.Context, caseID, expectVersion int64, mediatorIDs []int64, by int64, ch CaseChange, ev Event) (Case, error)
	ListCaseMediators(ctx context.Context, caseID int64) ([]CaseMediator, error)

	// Expert pool and consultations.
	PutExpertProfile(ctx context.Context, e ExpertProfile) error
	ListExperts(ctx context.Context) ([]ExpertProfile, error) // active users with an expert binding, with their org paths
	CreateConsultation(ctx context.Context, c *Consultation) error
	GetConsultation(ctx context.Context, id int64) (Consultation, error)
	ListConsultations(ctx context.Context, caseID int64) ([]Consultation, error) // a case's, newest first
	// ListExpertConsultations lists one page of an expert's consultations
	// (ConsultationQuery).
	ListExpertConsultations(ctx context.Context, q ConsultationQuery) (Page[Consultation], error)
	AnswerConsultation(ctx context.Context, id, expertID int64, answer string, at time.Time) error

	// Mediation sessions.
	CreateSession(ctx context.Context, m *Session) error
	ListSessions(ctx context.Context, q SessionQuery) ([]Session, error)
	RecordSession(ctx context.Context, id int64, status, attendance, record string) error
	// MarkSessionReminded marks a scheduled session reminded, once:
	// ErrConflict when it already was (or is no longer scheduled).
	MarkSessionReminded(ctx context.Context, id int64, at time.Time) error

	// Agreements, follow-ups and archives.
	PutAgreement(ctx context.Context, a Agreement) error // insert or replace until it takes effect
	GetAgreement(ctx context.Context, caseID int64) (Agreement, error)
	AddFollowUp(ctx context.Context, f *FollowUp) error
	ListFollowUps(ctx context.Context, caseID int64) ([]FollowUp, error)
	// ArchiveCase stores the frozen case file and moves the case to archived, in one transaction.
	ArchiveCase(ctx context.Context, caseID, expectVersion int64, a Archive, ch CaseChange, ev Event) error
	// AttachArchive stores the file of a case archived before the platform kept files (demo history, migration); once (ErrConflict).
	AttachArchive(ctx context.Context, caseID int64, a Archive) error
	GetArchive(ctx context.Context, caseID int64) (Archive, error)
	// ArchivedAt is when the case was archived (ErrNotFound: it was not),
	// without reading its dossier.
	ArchivedAt(ctx context.Context, caseID int64) (time.Time, error)
	AddSignature(ctx context.Context, sg Signature) error // a signer signs once (ErrConflict)
	ListSignatures(ctx context.Context, caseID int64) ([]Signature, error)
	// FreezeAgreement stores the effective document; it can no longer change.
	FreezeAgreement(ctx context.Context, caseID int64, pdf []byte, sha, code string, at time.Time) error
	GetAgreementDocument(ctx context.Context, caseID int64) (pdf []byte, sha string, err error)
	FindAgreementBySHA(ctx context.Context, sha string) (caseID int64, number string, effective time.Time, err error)
	PutSignToken(ctx context.Context, caseID int64, party, hash, sealed string) error
	GetSignToken(ctx context.Context, hash string) (caseID int64, party string, err error)
	ListSignTokens(ctx context.Context, caseID int64) ([]PartyLink, error)   // each party's signing links, newest first
	PutJudicialApplication(ctx context.Context, a JudicialApplication) error // one per case (ErrConflict)
	// MarkJudicialSent records the court system's receipt of the application
	// with this idempotency key, still "sending" or "failed", and makes it
	// "submitted" (else ErrNotFound: recorded already, or another application).
	MarkJudicialSent(ctx context.Context, caseID int64, key, receipt string) error
	// DeleteJudicialApplication frees a case's claim that the court system
	// refused ("sending" or "failed", with this key; else ErrNotFound).
	DeleteJudicialApplication(ctx context.Context, caseID int64, key string) error
	// RecordJudicialAttempt counts a failed attempt to deliver the application
	// with this key and keeps why; final makes it "failed" (no more tries
	// until RequeueJudicial), else it stays (or is again) "sending".
	// ErrNotFound when it is no longer waiting for delivery.
	RecordJudicialAttempt(ctx context.Context, caseID int64, key, reason string, at time.Time, final bool) error
	// RequeueJudicial makes a "failed" application "sending" again (else ErrNotFound).
	RequeueJudicial(ctx context.Context, caseID int64, key string) error
	PutSeal(ctx context.Context, orgID int64, image []byte, by int64, at time.Time) error // replaces the org's seal image
	GetSeal(ctx context.Context, orgID int64) (Seal, error)
	GetJudicialApplication(ctx context.Context, caseID int64) (JudicialApplication, error)
	// ListJudicialApplications lists one page of the courts' applications
	// (JudicialQuery), each with its case number.
	ListJudicialApplications(ctx context.Context, q JudicialQuery) (Page[JudicialApplication], error)
	// ListPendingJudicial lists every application still open at a court system (submitted or
	// accepted, with a court system's receipt: not empty, not localReceipt), oldest first, without packages.
	ListPendingJudicial(ctx context.Context, localReceipt string) ([]JudicialApplication, error)
	// DecideJudicialApplication moves an application that is in one of the from
	// states and appends the event to its case, in one transaction (else ErrNotFound).
	DecideJudicialApplication(ctx context.Context, caseID int64, from []string, status, ruling, reason string, at time.Time, ev Event) error

	// Online mediation (在线调解).
	PutPartyLink(ctx context.Context, caseID int64, party, hash, sealed string, at time.Time) error // replaces the party's link
	GetPartyLink(ctx context.Context, hash string) (caseID int64, party string, err error)
	ListPartyLinks(ctx context.Context, caseID int64) ([]PartyLink, error)
	// ClaimPartyNotice records that the party is being told of news by SMS,
	// unless they were told less than minGap before at (false: stay quiet).
	ClaimPartyNotice(ctx context.Context, caseID int64, party string, at time.Time, minGap time.Duration) (bool, error)
	// CountMessagesSince counts what an author kind posted to a case since a time (flood control).
	CountMessagesSince(ctx context.Context, caseID int64, author string, since time.Time) (int, error)
	AddMessage(ctx context.Context, m *Message) error // sets ID and Created
	ListMessages(ctx context.Context, q MessageQuery) ([]Message, error)
	// ListAwaitingReply lists channels, on cases the user mediates that still
	// take messages, where a party spoke last (system notes and experts aside).
	ListAwaitingReply(ctx context.Context, userID int64) ([]Thread, error)
	AddEvidence(ctx context.Context, e *Evidence) error // sets ID and Created
	GetEvidence(ctx context.Context, caseID, id int64) (Evidence, error)
	ListEvidence(ctx context.Context, caseID int64) ([]Evidence, error) // without data
	// CreateProposal stores the proposal and the message that carries it, in one
	// transaction; open proposals to the same channel become superseded.
	CreateProposal(ctx context.Context, p *Proposal, m *Message) error
	GetProposal(ctx context.Context, id int64) (Proposal, error)
	ListProposals(ctx context.Context, caseID int64) ([]Proposal, error)
	// AnswerProposal records a party's answer to an open proposal (once, else
	// ErrConflict) with the message that reports it; a counter closes the
	// proposal as countered, the needed-th accept as accepted.
	AnswerProposal(ctx context.Context, id int64, a ProposalAnswer, needed int, m *Message) (Proposal, error)
	// ConfirmRecord stores a party's confirmation of a held session's record (once, else ErrConflict).
	ConfirmRecord(ctx context.Context, c RecordConfirmation) error
	ListRecordConfirmations(ctx context.Context, caseID int64) ([]RecordConfirmation, error)
	// AddCaseMediator adds a co-mediator, or (remove) takes a non-presiding
	// one off the case, with the event, at expectVersion.
	AddCaseMediator(ctx context.Context, caseID, expectVersion, userID, by int64, remove bool, ev Event) (Case, error)
	// Expert joining a mediation: requested, then each party's answer.
	RequestExpertJoin(ctx context.Context, consultationID int64, at time.Time) error
	AnswerExpertJoin(ctx context.Context, consultationID int64, party, answer string) (Consultation, error)

	// Commendations (锦旗, 感谢信).
	AddCommendation(ctx context.Context, c *Commendation, ev Event) error        // sets ID; with its event, in one transaction
	ListCommendations(ctx context.Context, caseID int64) ([]Commendation, error) // without photos
	GetCommendationPhoto(ctx context.Context, caseID, id int64) (photo []byte, contentType string, err error)

	// Saved views: a user's named filters of a work list.
	SaveView(ctx context.Context, v *SavedView) error // by (user, page, name): a new name adds, a known one replaces its query
	ListViews(ctx context.Context, userID int64, page string) ([]SavedView, error)
	DeleteView(ctx context.Context, userID, id int64) error // only the user's own (else ErrNotFound)

	// Working-day calendar overrides and deadline policies.
	ListCalendarOverrides(ctx context.Context) ([]CalendarOverride, error)
	PutCalendarOverride(ctx context.Context, o CalendarOverride) error
	DeleteCalendarOverride(ctx context.Context, date string) error
	ListPolicies(ctx context.Context) ([]Policy, error)
	PutPolicy(ctx context.Context, p *Policy) error // insert, or update by code
}

// OrgUnit is a node of the org tree.
type OrgUnit struct {
	ID       int64
	ParentID int64 // 0 for the root
	Kind     domain.OrgKind
	Code     string // stable, unique, e.g. "pd-room-lujiazui"
	Name     string
	Abbr     string // committees: one or two characters used in case numbers (浦)
	Path     string // materialised path of ids, "/1/2/5/"; a binding reaches every unit whose path starts with it
	Created  time.Time
}

// RoomStreet maps a street or town to the office room that covers it.
type RoomStreet struct {
	RoomID int64
	Street string
}

// Merchant is a respondent business.
type Merchant struct {
	ID         int64
	Name       string
	CreditCode string // 统一社会信用代码, "" when unknown
	Address    string
	ODR        bool // negotiates first on its own ODR platform
}

// User is a person or a machine client that signs in.
type User struct {
	ID           int64
	Username     string
	DisplayName  string
	PasswordHash string
	Active       bool
	FailedLogins int
	LockedUntil  *time.Time
	LastLoginAt  *time.Time
	Created      time.Time
	// PasswordChanged is when the password was last set (nil: at creation).
	PasswordChanged *time.Time
	PhoneSealed     string // mobile for second-factor codes, sealed ("" when none)
	PhoneMask       string
	// MustChangePassword: an administrator set the password; the user must
	// replace it at their first sign-in.
	MustChangePassword bool
}

// UserQuery selects accounts by username or name, in username order, a
// page at a time: After is the last username of the previous page.
type UserQuery struct {
	Text  string
	After string
	Limit int
}

// Binding grants a role over an org unit and everything below it.
type Binding struct {
	UserID  int64
	Role    domain.Role
	OrgID   int64
	OrgPath string // filled by ListBindings
	OrgName string // filled by ListBindings
}

// Token is a bearer credential; only its SHA-256 hash is stored.
type Token struct {
	ID        int64
	Hash      string
	Kind      string // "session" (from /auth/token) or "key" (long-lived machine key)
	Name      string
	UserID    int64 // the user it acts as (session) or 0 for machine keys
	Role      domain.Role
	OrgID     int64 // machine keys: the org unit they are scoped to
	ExpiresAt *time.Time
	RevokedAt *time.Time
	Created   time.Time
}

// Party is a consumer or merchant in a case. Phone and ID number are stored
// sealed (encrypted) with a keyed hash for lookups and a masked copy for display.
type Party struct {
	ID          int64
	CaseID      int64
	Kind        string // "consumer" or "merchant"
	Name        string
	PhoneSealed string
	PhoneHash   string
	PhoneMask   string
	IDSealed    string
	IDHash      string
	IDMask      string
	MerchantID  int64 // merchant parties
	CreditCode  string
	Address     string
}

// NewCase is what intake hands to CreateCase.
type NewCase struct {
	CommitteeID     int64
	CommitteeAbbr   string
	RoomID          int64
	Channel         domain.Channel
	Category        string
	Description     string
	Claim           string // 诉求
	ClaimFen        int64
	ReceivedAt      time.Time
	ExternalID      string // 12315 complaint number
	CourtNumber     string
	PlatformID      string
	DivertedByOrgID int64
	MerchantID      int64
	Merchant        *Merchant // upserted in the same transaction when set (MerchantID then follows it)
	CreatedBy       int64
	ClientID        string // who sent the idempotency key ("user:12", "token:3")
	IdempotencyKey  string
	Parties         []Party
	Event           Event // the "received" event
}

// BatchedCase is one case of a CreateCases batch.
type BatchedCase struct {
	// Ctx is the caller's request: it names the audit entry's actor, and a
	// cancelled one is skipped. Statements run on the batch's context.
	Ctx context.Context
	New *NewCase
}

// BatchedResult is what became of one BatchedCase.
type BatchedResult struct {
	ID      int64
	Created bool  // false: the idempotency key's earlier case (ID) is answered
	Err     error // this case alone was not written (ErrConflict: a duplicate number)
}

// BulkCase is a new case and the changes that followed, applied in order.
type BulkCase struct {
	New     NewCase
	History []Step
}

// Step is one change of a case with its event.
type Step struct {
	Change CaseChange
	Event  Event
}

// Case is the current projection of a case; events are the truth.
type Case struct {
	ID              int64
	Number          string
	Year            int
	Seq             int64
	CommitteeID     int64
	RoomID          int64
	OrgPath         string // path of the room, or of the committee while unrouted
	DivertedByOrgID int64
	DivertedByPath  string
	Status          domain.Status
	PrevStatus      domain.Status
	Channel         domain.Channel
	Category        string
	Description     string
	Claim           string
	ClaimFen        int64
	ReceivedAt      time.Time
	AcceptedAt      *time.Time
	DecidedAt       *time.Time
	ClosedAt        *time.Time
	ReasonCode      string
	PolicyID        int64
	MerchantID      int64
	MerchantName    string
	ConsumerName    string
	ExternalID      string
	CourtNumber     string
	PlatformID      string
	RouteRuleID     int64
	RouteKind       string
	RouteReason     string
	MergedInto      int64
	GroupID         int64
	PresidingID     int64
	CreatedBy       int64
	Version         int64
	// DueMark counts the changes of the facts the case's clocks are
	// computed from (its dates, its policy, its clock events; migration 62):
	// the same mark, the same clocks on a given day under given rules. Read
	// by the due-date lists (DueCases, DueUnfixed) only; 0 from the others.
	DueMark int64
	Created time.Time
	Updated time.Time
	Parties []Party // filled by GetCase
}

// Brief is the case as a list reads it when asked for brief rows
// (CaseQuery.Brief, DueQuery.Brief): the fields a list page, a desk
// section or the API's list shows, and what their clocks, outcomes and
// filters need; the others are left zero. A brief row costs a list about
// half of the case row's columns (docs/performance.md, "brief rows").
func (c Case) Brief() Case {
	return Case{ID: c.ID, Number: c.Number, CommitteeID: c.CommitteeID, RoomID: c.RoomID, Status: c.Status,
		Channel: c.Channel, Category: c.Category, Description: c.Description, Claim: c.Claim, ClaimFen: c.ClaimFen,
		ReceivedAt: c.ReceivedAt, AcceptedAt: c.AcceptedAt, DecidedAt: c.DecidedAt, ReasonCode: c.ReasonCode,
		PolicyID: c.PolicyID, MerchantName: c.MerchantName, ConsumerName: c.ConsumerName, ExternalID: c.ExternalID,
		CourtNumber: c.CourtNumber, PresidingID: c.PresidingID, Version: c.Version, DueMark: c.DueMark}
}

// CaseChange is what an event does to the case row. Nil fields are left alone.
type CaseChange struct {
	Status     domain.Status
	PrevStatus *domain.Status
	AcceptedAt *time.Time
	DecidedAt  *time.Time
	ClosedAt   *time.Time
	ReasonCode *string
	PolicyID   *int64
	RoomID     *int64 // the case's org path follows the room (the committee's when 0)
	Route      *Route
	// Facts updates what a re-imported complaint changed.
	Facts      *Facts
	MergedInto *int64
}

// Route is a routing decision as stored on the case.
type Route struct {
	RuleID int64
	Kind   string
	Reason string
}

// Facts are the complaint's own facts, updated when a newer export changes them.
type Facts struct {
	Category    string
	Description string
	Claim       string
	ClaimFen    int64
	Consumer    Party // name and phone fields of the consumer party
}

// Event is one entry of a case's append-only log.
type Event struct {
	ID         int64
	CaseID     int64
	Seq        int64
	Type       string // an domain.Action, or "received", "note" …
	FromStatus domain.Status
	ToStatus   domain.Status
	ActorID    int64
	ActorName  string
	At         time.Time
	ReasonCode string
	Note       string
	Data       string // JSON
}

// Scope limits case queries to what a user may see. A case matches when its
// org path or the diverting unit's path starts with one of the prefixes.
// All=true (nil prefixes) is only for internal jobs.
type Scope struct {
	All      bool
	Prefixes []string
}

// CaseQuery filters a case list.
type CaseQuery struct {
	Scope     Scope
	Statuses  []domain.Status
	RoomID    int64
	Presiding int64 // cases this mediator presides over
	// Unassigned: cases no mediator presides over yet (the committee's
	// desk: cases to route, accept or assign). Not with Presiding.
	Unassigned bool
	Text       string // substring of number, names, merchant, description, external id; a whole case number finds that case alone
	From, To   *time.Time
	Limit      int // default 50, max 500
	Offset     int
	// OldestFirst orders by receipt ascending (work lists: the longest waiting first).
	OldestFirst bool
	// ByID pages by key for sweeps: cases with id > AfterID, ordered by id,
	// without a total. A sweep that changes what it reads cannot skip rows
	// this way, as an offset does when earlier rows drop out of the filter.
	ByID    bool
	AfterID int64
	// Keyset paging for the lists people open (issue 17): After is the last
	// row of the previous page (CasePage.Next); Offset is then ignored.
	// CountCap > 0 counts at most CountCap matching cases instead of all of
	// them (CasePage.Total = CountCap and TotalCapped when there are more),
	// except that a list filtered by scope and statuses only is counted
	// exactly from the case counters whatever the cap; CountCap < 0 counts
	// nothing (Total 0; work lists that page by Next).
	// PartyHash finds the cases of a party with this keyed phone or identity
	// number hash (a search by a phone number); Text is then not used.
	After     *ListCursor
	CountCap  int
	PartyHash string
	// Brief reads each case as Case.Brief has it (not with ByID).
	Brief bool
}

// ClockEventTypes are the event types that start, stop or pause a case's
// clocks (deadline.Facts reads no others; a test there holds the two
// together). The partial index of ClockEventsOf (migration 00059) lists the
// same types in the same order: change both, in a new migration.
var ClockEventTypes = []string{"suspend", "resume", "start_odr", "odr_failed", "odr_settled", "reach_agreement",
	"withdraw", "terminate", "start_performance", "termination_notice_sent", "judicial_applied"}

// ClockStart is the stored date a case's clock runs from (ClockBranch).
type ClockStart string

const (
	// StartReceived: not accepted yet (accepted_at unset) and received before Before.
	StartReceived ClockStart = "received"
	// StartAccepted: accepted before Before.
	StartAccepted ClockStart = "accepted"
	// StartClosed: closed before Before, or with no closing time recorded.
	StartClosed ClockStart = "closed"
)

// ClockBranch is one part of a ClockQuery: cases in one of Statuses whose
// Start date is before Before, less those with an event of type Unless
// (the event that stops the clock; "" for none).
type ClockBranch struct {
	Statuses []domain.Status
	Start    ClockStart
	Before   time.Time
	Unless   string
}

// ClockQuery asks for the candidates of a clock list (Store.ClockCandidates):
// the cases under Scope (and in RoomID when set) that match any branch.
type ClockQuery struct {
	Scope    Scope
	RoomID   int64
	Branches []ClockBranch
	Limit    int // a safety bound; <= 0 means 100,000
}

// CaseSides flags the side records a case has (Store.CaseSides). Record
// confirmations hang off sessions; signatures and the judicial application
// belong with the agreement, flagged on their own (most agreements have
// neither). SmartSync: a smart-mediation platform row; Duplicates: a
// duplicate flag naming the case on either side.
type CaseSides struct {
	Consents, Mediators, Agreement, Archive, Sessions, Consultations, Proposals, Commendations, MeetingItems bool
	Signatures, Judicial, SmartSync, Duplicates                                                              bool
}

// CasePage is one page of a case list.
type CasePage struct {
	Cases []Case
	Total int64
	// TotalCapped: more than Total cases match (CaseQuery.CountCap).
	TotalCapped bool
	// Next is the cursor of the following page; nil on the last page.
	Next *ListCursor
}

// CalendarOverride wins over the State Council schedule for one date.
type CalendarOverride struct {
	Date      string // YYYY-MM-DD
	Workday   bool
	Name      string
	UpdatedBy int64
	Updated   time.Time
}

// Policy is one version of the deadline rules.
type Policy struct {
	ID                  int64
	Code                string
	Name                string
	EffectiveFrom       string // YYYY-MM-DD
	AcceptanceWD        int
	MediationWD         int
	TerminationNoticeWD int
	ODRNegotiationWD    int
	JudicialConfirmDays int
	CommitteeTargetDays int
}

// RoutingRule is one entry of a committee's ordered routing list.
type RoutingRule struct {
	ID          int64
	CommitteeID int64
	Position    int
	Kind        string
	Enabled     bool
	RoomID      int64
	Categories  []string
	Keywords    []string
	Note        string
	UpdatedBy   int64
	Updated     time.Time
}

// RoomMerchant binds a merchant to an enterprise room.
type RoomMerchant struct {
	RoomID     int64
	MerchantID int64
	CreditCode string
	Name       string
}

// ImportBatch is one uploaded 12315 export, its progress and outcome.
type ImportBatch struct {
	ID          int64
	CommitteeID int64
	OfficeID    int64
	Filename    string
	UploadedBy  int64
	Status      string // "queued", "running", "done", "failed"
	// Total is the number of records in the file, known once it has been
	// read whole (0 while queued).
	Total int
	// Done is the cursor: the records processed so far, in file order;
	// LastLine is the file row of the last of them.
	Done     int
	LastLine int
	Imported int
	Updated  int
	Skipped  int
	Failed   int
	Message  string
	Header   []string // the file's header row, for the report
	Report   []byte   // .xlsx of the failed rows
	File     []byte   // the upload: written by CreateImportBatch, read by GetImportFile only
	FileSize int64    // bytes of the file still kept (0 once dropped)
	Started  time.Time
	// Heartbeat is when a worker last claimed or advanced the batch.
	Heartbeat *time.Time
	Finished  *time.Time
}

// Ended reports whether the batch is done or failed.
func (b ImportBatch) Ended() bool { return b.Status == "done" || b.Status == "failed" }

// ImportRowError is a row of a batch that could not be imported.
type ImportRowError struct {
	Seq    int      // the row's ordinal among the file's records (1-based)
	Cells  []string // its cells as read
	Reason string   // why, in Chinese
}

// DedupQuery selects complaints to compare a new one with.
type DedupQuery struct {
	CommitteeID int64
	PhoneHash   string   // only this complainant's complaints when set
	PhoneHashes []string // only these complainants' complaints when set (with PhoneHash: either)
	Since       time.Time
	Until       time.Time
	OpenOnly    bool // leave out closed, merged and grouped complaints
	// Limit caps the complaints read (0: DedupLimit). Past it the newest
	// are kept: a surge is in the latest complaints, not the window's first.
	Limit int
}

// DedupLimit is the most complaints one detection reads when the query sets
// no limit: a city committee's 90 days, held in memory for a moment.
const DedupLimit = 50000

// DedupCandidate is what duplicate and surge detection look at.
type DedupCandidate struct {
	CaseID       int64
	Number       string
	PhoneHash    string
	MerchantID   int64
	MerchantName string
	CreditCode   string
	Text         string // description + claim
	ReceivedAt   time.Time
	GroupID      int64
}

// DuplicateFlag says CaseID may repeat OtherID.
type DuplicateFlag struct {
	ID        int64
	CaseID    int64
	OtherID   int64
	Score     float64
	Reasons   string
	Status    string // "open", "merged", "dismissed"
	DecidedBy int64
	DecidedAt *time.Time
	Created   time.Time
}

// Group is a group dispute.
type Group struct {
	ID           int64
	CommitteeID  int64
	MerchantID   int64
	MerchantName string
	Title        string
	Facts        string
	Reason       string
	Status       string
	CreatedBy    int64
	Created      time.Time
	SessionAt    *time.Time // the joint session (集中调解)
	SessionPlace string
	Members      []GroupMember // filled by GetGroup
}

// ConsultationQuery asks for one page of an expert's consultations: those
// awaiting the expert's opinion oldest asked first (a work queue), or with
// Answered those answered, newest asked first; by the time asked, then id.
type ConsultationQuery struct {
	ExpertID int64
	Answered bool
	Paging
}

// GroupQuery asks for one page of a committee's groups, newest formed
// first (formation time, then id, both descending).
type GroupQuery struct {
	CommitteeID int64
	// OpenOnly keeps the groups still being handled: those with a member
	// case still open (domain.Status.Open).
	OpenOnly bool
	Paging
}

// GroupMember is one complaint of a group.
type GroupMember struct {
	CaseID         int64
	RoomID         int64 // the case's room now (0: in the committee's own queue)
	Number         string
	ConsumerName   string
	Status         domain.Status
	ClaimFen       int64
	Representative bool
	Outcome        string // "", "settled", "not_settled", "withdrawn", "absent"
	OutcomeNote    string
	OutcomeFen     int64 // amount agreed for this member
}

// ConsentRequest asks one party: the hash of the link's token finds the
// consent; the sealed token lets reminders resend the same link.
type ConsentRequest struct {
	PartyKind   string
	TokenHash   string
	TokenSealed string
}

// Consent is one party's consent to mediation.
type Consent struct {
	CaseID      int64
	PartyKind   string // "consumer" or "merchant"
	Decision    string // "pending", "agree", "refuse"
	Online      string // "", "agree", "refuse": consent to mediation online
	Method      string // "sms_link", "paper", "phone", "in_person"
	RecordedBy  int64
	RecordedAt  *time.Time
	RequestedAt time.Time
	RemindedAt  *time.Time
	EscalatedAt *time.Time
	TokenSealed string
}

// OutboxEntry is one SMS: the durable record the SMS worker delivers from.
// It never holds a full phone number in clear.
type OutboxEntry struct {
	ID       int64
	ToMask   string
	ToHash   string
	Body     string // the text as the outbox page shows it (links redacted unless the demo shows them)
	Kind     string
	CaseID   int64
	Provider string // who delivered it: "outbox" (demo), "gateway"; "" until then
	Status   string // "queued", "sending", "sent", "retrying", "failed"
	Error    string // the latest failure, Chinese, phones masked
	At       time.Time
	// Delivery through the job queue; rows from before it have none of this.
	RequestID     string // the gateway's idempotency key, reused on every attempt
	PhoneSealed   string // sealed phone; GetOutbox only
	BodySealed    string // sealed full text without the signature; GetOutbox only
	Attempts      int
	QueuedAt      *time.Time
	AttemptedAt   *time.Time // start of the latest attempt
	SentAt        *time.Time
	ProviderMsgID string
}

// OutboxUpdate is one step of a message's delivery.
type OutboxUpdate struct {
	Status        string    // "sending", "sent", "retrying" or "failed"
	Attempt       bool      // an attempt starts: count it, attempted_at = At
	Error         string    // stored as the latest error ("" clears it)
	Provider      string    // on "sent"
	ProviderMsgID string    // on "sent"
	At            time.Time // of the attempt, or sent_at on "sent"
}

// LeadQuery asks for a page of the leads received by the offices in Scope,
// newest first; Status "new" or "handled" keeps those only.
type LeadQuery struct {
	Scope  Scope
	Status string
	Paging
}

// Lead is a suspected violation a mediator passes to a 市场监管所.
type Lead struct {
	ID         int64
	CaseID     int64
	CaseNumber string // filled by ListLeads
	Merchant   string // filled by ListLeads
	OfficeID   int64
	OfficePath string
	Kind       string
	Note       string
	Status     string // "new", "handled"
	CreatedBy  int64
	Created    time.Time
	HandledBy  int64
	HandledAt  *time.Time
}

// RoomSettings are how a room assigns cases.
type RoomSettings struct {
	RoomID   int64
	Capacity int    // open cases a mediator may preside over
	Chooser  string // "least_loaded" or "round_robin"
}

// CaseMediator is one mediator of a case.
type CaseMediator struct {
	UserID      int64
	DisplayName string
	Presiding   bool
	AssignedAt  time.Time
}

// ExpertProfile is a member of the expert pool.
type ExpertProfile struct {
	UserID         int64
	DisplayName    string
	Field          string // e.g. "家用电器质量", "医疗美容"
	Qualifications string
	OrgPaths       []string // where the expert's bindings reach
}

// Consultation is a mediator's question to an expert about a case; the
// expert sees only Shared, never the case itself.
type Consultation struct {
	ID         int64
	CaseID     int64
	CaseNumber string // filled by list/get
	ExpertID   int64
	ExpertName string // filled by list/get
	Question   string
	Shared     string
	Status     string // "open", "answered"
	Answer     string
	AskedBy    int64
	AskedAt    time.Time
	AnsweredAt *time.Time
	// Joining the mediation: asked for, then each party's "agree"/"refuse".
	JoinRequestedAt *time.Time
	JoinConsumer    string
	JoinMerchant    string
}

// Joined reports whether both parties agreed to the expert joining.
func (c Consultation) Joined() bool { return c.JoinConsumer == "agree" && c.JoinMerchant == "agree" }

// Session is a scheduled mediation meeting.
type Session struct {
	ID         int64
	CaseID     int64
	CaseNumber string // filled by ListSessions
	Kind       string // "room", "online", "phone"
	StartsAt   time.Time
	Place      string
	Status     string // "scheduled", "held", "cancelled"
	Attendance string
	Record     string // 调解笔录
	CreatedBy  int64
	Created    time.Time
	RemindedAt *time.Time
}

// SessionQuery selects sessions: of a case, or of the cases a mediator presides over in a time window.
type SessionQuery struct {
	CaseID      int64
	PresidingID int64
	From, To    time.Time
	Status      string
	Unreminded  bool
}

// Agreement is a case's mediation agreement.
type Agreement struct {
	CaseID         int64
	Kind           string // "written" or "oral"
	Facts          string
	Responsibility string
	Terms          []domain.Term
	EffectiveAt    *time.Time
	CreatedBy      int64
	Created        time.Time
}

// FollowUp is a 回访 record.
type FollowUp struct {
	ID           int64
	CaseID       int64
	Satisfaction int    // 1–5
	Method       string // "phone", "sms_link", "visit"
	Comment      string
	Commendation string // 锦旗, 感谢信 …
	RecordedBy   int64
	RecordedAt   time.Time
}

// Archive is a frozen case file (卷宗).
type Archive struct {
	CaseID     int64
	FileNumber string
	PDF        []byte
	SHA256     string
	ArchivedBy int64
	ArchivedAt time.Time
}

// Signature is one signature of a written agreement; signer is "consumer",
// "merchant", "mediator" or "seal" (the committee's seal).
type Signature struct {
	CaseID   int64
	Signer   string
	Method   string // "sms_code", "in_person", "system"
	Image    []byte // drawn signature (PNG), parties only
	SignedBy int64
	SignedAt time.Time
}

// Seal is an org's seal image (PNG).
type Seal struct {
	OrgID      int64
	Image      []byte
	UploadedBy int64
	UploadedAt time.Time
}

// JudicialApplication is a joint application for judicial confirmation.
type JudicialApplication struct {
	CaseID       int64
	CaseNumber   string // filled by List
	CourtID      int64
	Status       string // "sending" (stored, queued for the court system), "failed" (delivery gave up), "submitted", "accepted", "confirmed", "rejected"
	Receipt      string // the court system's receipt
	RulingNumber string
	Reason       string
	Package      []byte // the ZIP sent
	SubmittedAt  time.Time
	DecidedAt    *time.Time
	// Delivery to a court system: the key sent on every attempt, how many
	// attempts failed and the last one's reason (cleared when requeued).
	IdempotencyKey string
	Attempts       int
	LastError      string
	LastAttemptAt  *time.Time
}

// JudicialAwaiting are the statuses of an application the court has still
// to act on, or that has not reached it yet (sending, failed); the others
// (confirmed, rejected, annulled) it has decided.
var JudicialAwaiting = []string{"sending", "failed", "submitted", "accepted"}

// JudicialQuery asks for one page of the applications addressed to some
// courts: those awaiting them oldest submitted first (a work queue), or with
// Decided those they decided, newest submitted first; by submission time,
// then case id.
type JudicialQuery struct {
	CourtIDs []int64
	Decided  bool
	Paging
}

// InTxRetry runs fn in one transaction, and again (up to three times in all)
// when it fails with ErrStale because another writer changed a case it read
// inside. Use it only where fn reads the version it writes against; a
// change a person made to what they saw must fail as stale instead.
func InTxRetry(ctx context.Context, st Store, fn func(tx Store) error) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = st.InTx(ctx, fn); !errors.Is(err, ErrStale) {
			return err
		}
	}
	return err
}

// Smart-mediation sync states (smart_sync.state).
const (
	SmartSynced   = "synced"   // the platform holds the record we last built
	SmartRetrying = "retrying" // the platform was unreachable or busy; the job retries
	SmartFailed   = "failed"   // retries exhausted or the platform refused our credentials
	SmartRejected = "rejected" // the record failed validation (ours or the platform's)
	SmartConflict = "conflict" // the platform holds another case under this 案号
	SmartSkipped  = "skipped"  // not reportable (not accepted, merged)
)

// SmartSync is a case's state on the smart-mediation platform.
type SmartSync struct {
	CaseID      int64
	CommitteeID int64
	CaseCode    string // 案件编码 sent to the platform
	State       string
	PlatformID  string
	Digest      string // of the record the platform last accepted
	Revision    int
	Attempts    int
	LastError   string
	SyncedAt    *time.Time
	Updated     time.Time
	CaseNumber  string // listings: the case's 案号
}

// SmartSyncQuery lists sync rows of some committees.
type SmartSyncQuery struct {
	CommitteeIDs []int64
	State        string // "" every state
	Paging
}

// Reconciliation is one nightly comparison with the platform.
type Reconciliation struct {
	ID          int64
	CommitteeID int64
	At          time.Time
	Ours        int
	Theirs      int
	Mismatches  string // JSON array of smartmediation.Mismatch
	Error       string // Chinese, when the platform could not be read
}
