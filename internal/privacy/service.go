package privacy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/audit"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service reveals, answers requests and keeps retention.
type Service struct {
	Store  store.Store
	Sealer *pii.Sealer
	Now    func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

var errParty = access.NotFound("当事人不存在或无权查看")

// Revealed is a party's full value, shown until Expires.
type Revealed struct {
	CaseID       int64
	CaseNumber   string
	PartyID      int64
	PartyName    string
	Field        string
	FieldLabel   string
	Purpose      string
	PurposeLabel string
	Value        string
	At           time.Time
	Expires      time.Time
}

// RevealRequest is what the person asks to see and why.
type RevealRequest struct {
	Field, Purpose, Note string
}

// caseParty loads a case the principal may read and one of its parties.
func (s *Service) caseParty(ctx context.Context, p *auth.Principal, caseID, partyID int64, perm domain.Permission) (store.Case, store.Party, error) {
	c, err := s.Store.GetCase(ctx, caseID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (!p.CanOnCase(domain.PermCaseRead, c) || !p.CanOnCase(perm, c))) {
		return store.Case{}, store.Party{}, access.ErrNotFound
	}
	if err != nil {
		return store.Case{}, store.Party{}, fmt.Errorf("get case %d: %w", caseID, err)
	}
	for _, pt := range c.Parties {
		if pt.ID == partyID {
			return c, pt, nil
		}
	}
	return c, store.Party{}, errParty
}

// Reveal shows one party's full phone, identity number or address to a
// holder of pii.reveal on the case, and puts it on record. Nothing is
// written when it is refused.
func (s *Service) Reveal(ctx context.Context, p *auth.Principal, caseID, partyID int64, rq RevealRequest) (Revealed, error) {
	if p == nil || !p.Can(domain.PermPIIReveal) {
		return Revealed{}, access.Forbidden("无权查看当事人的完整个人信息")
	}
	c, party, err := s.caseParty(ctx, p, caseID, partyID, domain.PermPIIReveal)
	if err != nil {
		return Revealed{}, err
	}
	rq.Note = strings.TrimSpace(rq.Note)
	if err := CheckReveal(rq.Field, rq.Purpose, rq.Note); err != nil {
		return Revealed{}, err
	}
	var value string
	switch rq.Field {
	case "phone":
		value, err = s.open(party.PhoneSealed)
	case "id_number":
		value, err = s.open(party.IDSealed)
	case "address":
		value = party.Address
	}
	if err != nil {
		return Revealed{}, fmt.Errorf("open %s of party %d: %w", rq.Field, party.ID, err)
	}
	if value == "" {
		msg := "该当事人未登记" + FieldLabel(rq.Field)
		if at, err := s.Store.PartyAnonymizedAt(ctx, party.ID); err == nil && at != nil {
			msg = "该当事人的联系信息已按保存期限删除"
		}
		return Revealed{}, invalid("field", msg)
	}
	now := s.now()
	a := audit.From(ctx)
	row := store.PIIReveal{CaseID: c.ID, PartyID: party.ID, OrgPath: c.OrgPath, Field: rq.Field, Purpose: rq.Purpose, Note: rq.Note,
		UserID: p.UserID, UserName: p.Username, Role: a.Role, ClientAddr: a.Addr, At: now, Expires: now.Add(RevealTTL)}
	if err := s.Store.RecordReveal(ctx, &row); err != nil {
		return Revealed{}, err
	}
	return Revealed{CaseID: c.ID, CaseNumber: c.Number, PartyID: party.ID, PartyName: party.Name, Field: rq.Field, FieldLabel: FieldLabel(rq.Field),
		Purpose: rq.Purpose, PurposeLabel: PurposeLabel(rq.Purpose), Value: value, At: row.At, Expires: row.Expires}, nil
}

func (s *Service) open(sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	if s.Sealer == nil {
		return "", errors.New("no sealer configured")
	}
	return s.Sealer.Open(sealed)
}

// RevealQuery is the auditor's filter as typed.
type RevealQuery struct {
	User   string
	CaseID int64
	Field  string
	From   string // 2006-01-02, inclusive
	To     string
}

// RevealsShown bounds the reveal log a reading lists: the newest; the
// auditor narrows by date for older ones.
const RevealsShown = 500

// Reveals lists the reveals in the auditor's scope, newest first: at most
// RevealsShown, and whether more match.
func (s *Service) Reveals(ctx context.Context, p *auth.Principal, q RevealQuery) ([]RevealRow, bool, error) {
	if p == nil || !p.Can(domain.PermAuditRead) {
		return nil, false, access.Forbidden("无权查看个人信息查看记录")
	}
	sq := store.PIIRevealQuery{Scope: p.Scope(domain.PermAuditRead), UserName: strings.TrimSpace(q.User), CaseID: q.CaseID, Field: q.Field, Limit: RevealsShown + 1}
	if q.Field != "" && FieldLabel(q.Field) == "" {
		return nil, false, invalid("field", "信息类别应为 phone、id_number 或 address")
	}
	for _, d := range []struct {
		s, field, label string
		dst             *time.Time
	}{{q.From, "from", "起始日期", &sq.From}, {q.To, "to", "截止日期", &sq.To}} {
		if strings.TrimSpace(d.s) == "" {
			continue
		}
		day, err := calendar.ParseDate(strings.TrimSpace(d.s))
		if err != nil {
			return nil, false, invalid(d.field, d.label+"格式应为 2026-01-02")
		}
		*d.dst = day.Time()
	}
	if !sq.To.IsZero() {
		sq.To = sq.To.AddDate(0, 0, 1)
	}
	rows, err := s.Store.ListReveals(ctx, sq)
	if err != nil {
		return nil, false, err
	}
	if len(rows) > RevealsShown {
		return rows[:RevealsShown], true, nil
	}
	return rows, false, nil
}

// ---- Requests ----

// NewRequest is a party's request as given.
type NewRequest struct {
	CaseID, PartyID int64
	Kind            string
	Note            string
}

func (s *Service) create(ctx context.Context, c store.Case, party store.Party, n NewRequest, via string, by int64, name string) (Request, error) {
	if n.Kind != KindExport && n.Kind != KindDelete {
		return Request{}, invalid("kind", "请求类型应为 export（查阅复制个人信息）或 delete（删除个人信息）")
	}
	n.Note = strings.TrimSpace(n.Note)
	if err := checkText("note", n.Note, 500); err != nil {
		return Request{}, err
	}
	pending, err := s.Store.ListPrivacyRequests(ctx, store.PrivacyRequestQuery{Scope: store.Scope{All: true}, Status: Pending, PartyID: party.ID})
	if err != nil {
		return Request{}, err
	}
	for _, r := range pending {
		if r.Kind == n.Kind {
			return Request{}, access.Conflict("已有一件同类请求正在处理（" + r.DueOn + "前答复），无需重复提交")
		}
	}
	rules, err := deadline.Load(ctx, s.Store)
	if err != nil {
		return Request{}, fmt.Errorf("load calendar: %w", err)
	}
	now := s.now()
	r := Request{CaseID: c.ID, PartyID: party.ID, CommitteeID: c.CommitteeID, OrgPath: c.OrgPath, Kind: n.Kind, Status: Pending, Via: via,
		RequestedBy: by, Requester: name, Note: n.Note, RequestedAt: now,
		DueOn: rules.Calendar.AddWorkdays(calendar.DateOf(now), RequestWorkdays).String()}
	if err := s.Store.CreatePrivacyRequest(ctx, &r); err != nil {
		return Request{}, err
	}
	r.CaseNumber, r.PartyName, r.PartyKind = c.Number, party.Name, party.Kind
	return r, nil
}

// RequestForParty records a request made by staff on a party's behalf
// (case.decide on the case).
func (s *Service) RequestForParty(ctx context.Context, p *auth.Principal, n NewRequest) (Request, error) {
	if p == nil || !p.Can(domain.PermCaseDecide) {
		return Request{}, access.Forbidden("无权代当事人提出个人信息请求")
	}
	c, party, err := s.caseParty(ctx, p, n.CaseID, n.PartyID, domain.PermCaseDecide)
	if err != nil {
		return Request{}, err
	}
	return s.create(ctx, c, party, n, store.PrivacyViaStaff, p.UserID, p.DisplayName)
}

// RequestAsParty records a request made by the party on their own page;
// the caller has resolved their link to the case and the party kind.
func (s *Service) RequestAsParty(ctx context.Context, c store.Case, kind string, n NewRequest) (Request, error) {
	party, ok := partyOf(c, kind)
	if !ok {
		return Request{}, errParty
	}
	n.CaseID, n.PartyID = c.ID, party.ID
	return s.create(ctx, c, party, n, store.PrivacyViaParty, 0, "当事人本人")
}

func partyOf(c store.Case, kind string) (store.Party, bool) {
	for _, pt := range c.Parties {
		if pt.Kind == kind {
			return pt, true
		}
	}
	return store.Party{}, false
}

// PartyView is what a party sees of their own data: masked values and
// their requests.
type PartyView struct {
	Case     store.Case
	Party    store.Party
	Requests []Request
	Erased   *time.Time
	// CanDownload: an export request of theirs has been answered.
	CanDownload bool
}

// ForParty is a party's privacy page.
func (s *Service) ForParty(ctx context.Context, c store.Case, kind string) (PartyView, error) {
	party, ok := partyOf(c, kind)
	if !ok {
		return PartyView{}, errParty
	}
	rs, err := s.Store.ListPrivacyRequests(ctx, store.PrivacyRequestQuery{Scope: store.Scope{All: true}, PartyID: party.ID})
	if err != nil {
		return PartyView{}, err
	}
	v := PartyView{Case: c, Party: party, Requests: rs}
	for _, r := range rs {
		if r.Kind == KindExport && r.Status == Done {
			v.CanDownload = true
		}
	}
	if v.Erased, err = s.Store.PartyAnonymizedAt(ctx, party.ID); err != nil {
		return PartyView{}, err
	}
	return v, nil
}

// Export is a party's personal data held by the platform (PIPL Art. 45).
type Export struct {
	GeneratedAt time.Time       `json:"generated_at"`
	CaseNumber  string          `json:"case_number" doc:"案号"`
	Role        string          `json:"role" doc:"投诉人（消费者）或被投诉人（经营者）"`
	Name        string          `json:"name"`
	Phone       string          `json:"phone"`
	IDNumber    string          `json:"id_number"`
	Address     string          `json:"address"`
	CreditCode  string          `json:"credit_code,omitempty"`
	Category    string          `json:"category" doc:"纠纷类别"`
	Claim       string          `json:"claim" doc:"诉求"`
	Description string          `json:"description" doc:"纠纷经过（本人陈述）"`
	ReceivedAt  time.Time       `json:"received_at"`
	Status      string          `json:"status"`
	Erased      *time.Time      `json:"erased_at,omitempty" doc:"联系信息按保存期限删除的时间"`
	Reveals     []ExportReveal  `json:"reveals" doc:"工作人员查看本人完整信息的记录"`
	Requests    []ExportRequest `json:"requests"`
}

// ExportReveal is one reveal of the party's data, as the party sees it.
type ExportReveal struct {
	At      time.Time `json:"at"`
	Field   string    `json:"field"`
	Purpose string    `json:"purpose"`
}

// ExportRequest is one of the party's requests.
type ExportRequest struct {
	Kind        string     `json:"kind"`
	Status      string     `json:"status"`
	RequestedAt time.Time  `json:"requested_at"`
	DueOn       string     `json:"due_on"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	Reason      string     `json:"reason,omitempty"`
}

func (s *Service) export(ctx context.Context, c store.Case, party store.Party) (Export, error) {
	phone, err := s.open(party.PhoneSealed)
	if err != nil {
		return Export{}, err
	}
	id, err := s.open(party.IDSealed)
	if err != nil {
		return Export{}, err
	}
	role := "被投诉人（经营者）"
	if party.Kind == "consumer" {
		role = "投诉人（消费者）"
	}
	e := Export{GeneratedAt: s.now(), CaseNumber: c.Number, Role: role, Name: party.Name, Phone: phone, IDNumber: id, Address: party.Address,
		CreditCode: party.CreditCode, Category: c.Category, Claim: c.Claim, ReceivedAt: c.ReceivedAt, Status: c.Status.Label(),
		Reveals: []ExportReveal{}, Requests: []ExportRequest{}}
	if party.Kind == "consumer" {
		e.Description = c.Description
	}
	if e.Erased, err = s.Store.PartyAnonymizedAt(ctx, party.ID); err != nil {
		return Export{}, err
	}
	rv, err := s.Store.ListReveals(ctx, store.PIIRevealQuery{Scope: store.Scope{All: true}, CaseID: c.ID, Limit: 1000})
	if err != nil {
		return Export{}, err
	}
	for _, r := range rv {
		if r.PartyID == party.ID {
			e.Reveals = append(e.Reveals, ExportReveal{At: r.At, Field: FieldLabel(r.Field), Purpose: PurposeLabel(r.Purpose)})
		}
	}
	rs, err := s.Store.ListPrivacyRequests(ctx, store.PrivacyRequestQuery{Scope: store.Scope{All: true}, PartyID: party.ID})
	if err != nil {
		return Export{}, err
	}
	for _, r := range rs {
		e.Requests = append(e.Requests, ExportRequest{Kind: KindLabel(r.Kind), Status: StatusLabel(r.Status), RequestedAt: r.RequestedAt, DueOn: r.DueOn,
			DecidedAt: r.DecidedAt, Reason: r.Reason})
	}
	return e, nil
}

// ExportForParty is the party's own download, once the committee has
// answered an export request; the download is on record.
func (s *Service) ExportForParty(ctx context.Context, c store.Case, kind string) (Export, error) {
	v, err := s.ForParty(ctx, c, kind)
	if err != nil {
		return Export{}, err
	}
	if !v.CanDownload {
		return Export{}, access.NotFound("调解委员会答复查阅复制请求后方可下载")
	}
	e, err := s.export(ctx, c, v.Party)
	if err != nil {
		return Export{}, err
	}
	if err := s.Store.RecordAccess(ctx, "privacy.export download", fmt.Sprintf("party:%d", v.Party.ID)); err != nil {
		return Export{}, err
	}
	return e, nil
}

// ExportForCommittee is the export of a request's party, for the committee
// to hand over (a request made on the party's behalf); on record.
func (s *Service) ExportForCommittee(ctx context.Context, p *auth.Principal, id int64) (Export, error) {
	r, c, err := s.managed(ctx, p, id)
	if err != nil {
		return Export{}, err
	}
	if r.Kind != KindExport {
		return Export{}, access.NotFound("该请求不是查阅复制请求")
	}
	party, ok := findParty(c, r.PartyID)
	if !ok {
		return Export{}, errParty
	}
	e, err := s.export(ctx, c, party)
	if err != nil {
		return Export{}, err
	}
	if err := s.Store.RecordAccess(ctx, "privacy.export handover", fmt.Sprintf("privacy_request:%d", r.ID)); err != nil {
		return Export{}, err
	}
	return e, nil
}

func findParty(c store.Case, id int64) (store.Party, bool) {
	for _, pt := range c.Parties {
		if pt.ID == id {
			return pt, true
		}
	}
	return store.Party{}, false
}

var errRequest = access.NotFound("个人信息请求不存在或无权查看")

// managed loads a request in the committee's district.
func (s *Service) managed(ctx context.Context, p *auth.Principal, id int64) (Request, store.Case, error) {
	if p == nil || !p.Can(domain.PermPrivacyManage) {
		return Request{}, store.Case{}, access.Forbidden("无权处理个人信息请求")
	}
	r, err := s.Store.GetPrivacyRequest(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !p.Reaches(domain.PermPrivacyManage, r.OrgPath)) {
		return Request{}, store.Case{}, errRequest
	}
	if err != nil {
		return Request{}, store.Case{}, err
	}
	c, err := s.Store.GetCase(ctx, r.CaseID)
	if err != nil {
		return Request{}, store.Case{}, fmt.Errorf("case of privacy request %d: %w", id, err)
	}
	return r, c, nil
}

// Requests lists the requests in the committee's scope (pending first).
func (s *Service) Requests(ctx context.Context, p *auth.Principal, status string) ([]Request, error) {
	if p == nil || !p.Can(domain.PermPrivacyManage) {
		return nil, access.Forbidden("无权处理个人信息请求")
	}
	if status != "" && StatusLabel(status) == "" {
		return nil, invalid("status", "状态应为 pending、done 或 refused")
	}
	return s.Store.ListPrivacyRequests(ctx, store.PrivacyRequestQuery{Scope: p.Scope(domain.PermPrivacyManage), Status: status, Limit: 500})
}

// Get is one request for the committee.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Request, error) {
	r, _, err := s.managed(ctx, p, id)
	return r, err
}

// Decision actions.
const (
	ActComplete = "complete" // export handed over / deletion carried out (refused by itself before retention ends)
	ActRefuse   = "refuse"   // refused, with a reason
)

// Decide answers a pending request. Completing a deletion erases the
// party's contact fields when the retention period has passed; before, the
// request is refused with the reason and the date it ends.
func (s *Service) Decide(ctx context.Context, p *auth.Principal, id int64, action, reason string) (Request, error) {
	r, c, err := s.managed(ctx, p, id)
	if err != nil {
		return Request{}, err
	}
	reason = strings.TrimSpace(reason)
	if err := checkText("reason", reason, 500); err != nil {
		return Request{}, err
	}
	if r.Status != Pending {
		return Request{}, access.Conflict("该请求已于此前答复（" + StatusLabel(r.Status) + "）")
	}
	now := s.now()
	d := store.PrivacyDecision{ID: r.ID, By: p.UserID, ByName: p.DisplayName, At: now, Reason: reason}
	switch action {
	case ActRefuse:
		if reason == "" {
			return Request{}, invalid("reason", "不予办理须写明理由")
		}
		d.Status = Refused
	case ActComplete:
		d.Status = Done
		if r.Kind == KindExport && d.Reason == "" {
			d.Reason = "已提供个人信息副本"
		}
		if r.Kind == KindDelete {
			ended, err := s.ended(ctx, c)
			if err != nil {
				return Request{}, err
			}
			ret, err := s.retention(ctx, c.CommitteeID)
			if err != nil {
				return Request{}, err
			}
			if why := DeletionRefusal(ended, ret.ClosedYears, ret.ArchivedYears, now, calendar.Shanghai()); why != "" {
				d.Status, d.Reason = Refused, why
			} else {
				e := &store.PartyErasure{PartyID: r.PartyID, At: now}
				if ended.ArchivedAt == nil {
					if party, ok := findParty(c, r.PartyID); ok {
						e.Name = domain.MaskName(party.Name)
					}
					d.Reason = "已删除联系电话、证件号码和地址，姓名已隐去"
				} else {
					d.Reason = "已删除联系电话、证件号码和地址；姓名及调解协议随归档卷宗依规保存"
				}
				d.Anonymize = e
			}
		}
	default:
		return Request{}, invalid("action", "处理方式应为 complete（办结）或 refuse（不予办理）")
	}
	if err := s.Store.DecidePrivacyRequest(ctx, d); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return Request{}, access.Conflict("该请求已被他人答复，请刷新后查看")
		}
		return Request{}, err
	}
	return s.Store.GetPrivacyRequest(ctx, r.ID)
}

func (s *Service) ended(ctx context.Context, c store.Case) (Ended, error) {
	e := Ended{ClosedAt: c.ClosedAt}
	at, err := s.Store.ArchivedAt(ctx, c.ID)
	switch {
	case err == nil:
		e.ArchivedAt = &at
	case !errors.Is(err, store.ErrNotFound):
		return e, fmt.Errorf("archive of case %d: %w", c.ID, err)
	}
	if e.ArchivedAt == nil && c.Status == domain.StatusArchived && c.ClosedAt != nil {
		e.ArchivedAt = c.ClosedAt // archived before the platform kept files
	}
	return e, nil
}

// retention is a committee's periods, or the defaults.
func (s *Service) retention(ctx context.Context, committeeID int64) (Retention, error) {
	r, err := s.Store.GetRetention(ctx, committeeID)
	if errors.Is(err, store.ErrNotFound) {
		return Retention{CommitteeID: committeeID, ClosedYears: DefaultClosedYears, ArchivedYears: DefaultArchivedYears}, nil
	}
	return r, err
}

var errCommittee = access.Forbidden("无权设置个人信息保存期限")

// RetentionFor is the committee's periods (committee 0: the first the
// principal manages).
func (s *Service) RetentionFor(ctx context.Context, p *auth.Principal, committeeID int64) (store.OrgUnit, Retention, error) {
	c, err := access.ManagedCommittee(ctx, s.Store, p, domain.PermPrivacyManage, committeeID, errCommittee)
	if err != nil {
		return c, Retention{}, err
	}
	r, err := s.retention(ctx, c.ID)
	return c, r, err
}

// SetRetention changes the committee's periods.
func (s *Service) SetRetention(ctx context.Context, p *auth.Principal, committeeID int64, closedYears, archivedYears int) (Retention, error) {
	c, err := access.ManagedCommittee(ctx, s.Store, p, domain.PermPrivacyManage, committeeID, errCommittee)
	if err != nil {
		return Retention{}, err
	}
	if err := CheckRetention(closedYears, archivedYears); err != nil {
		return Retention{}, err
	}
	r := Retention{CommitteeID: c.ID, ClosedYears: closedYears, ArchivedYears: archivedYears, UpdatedBy: p.UserID, Updater: p.DisplayName, Updated: s.now()}
	return r, s.Store.PutRetention(ctx, r)
}

// LastSweep is the latest run of the retention sweep (zero before the first).
func (s *Service) LastSweep(ctx context.Context) (Sweep, error) {
	sw, err := s.Store.LastPrivacySweep(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return Sweep{}, nil
	}
	return sw, err
}

// RunSweep anonymises the parties' contact data of every case whose
// retention period has passed (names kept in archived dossiers) and
// records how many cases and parties it changed.
func (s *Service) RunSweep(ctx context.Context) (Sweep, error) {
	now := s.now()
	sw := Sweep{At: now}
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return sw, fmt.Errorf("list committees: %w", err)
	}
	for _, u := range units {
		if u.Kind != domain.OrgCommittee {
			continue
		}
		ret, err := s.retention(ctx, u.ID)
		if err != nil {
			return sw, err
		}
		// Only cases already due are read (at most 5,000 a committee a
		// run); the next run goes on where this one stopped.
		due, err := s.Store.RetentionDue(ctx, u.ID, now.AddDate(-ret.ClosedYears, 0, 0), now.AddDate(-ret.ArchivedYears, 0, 0), 5000)
		if err != nil {
			return sw, err
		}
		for _, c := range due {
			closed := c.ClosedAt
			if end, _ := RetentionEnd(Ended{ClosedAt: &closed, ArchivedAt: c.ArchivedAt}, ret.ClosedYears, ret.ArchivedYears); now.Before(end) {
				continue // the store's cut-off and the rule agree; the rule decides
			}
			n, err := s.Store.EraseCaseParties(ctx, c.CaseID, c.ArchivedAt != nil, now)
			if err != nil {
				return sw, fmt.Errorf("erase parties of case %d: %w", c.CaseID, err)
			}
			if n > 0 {
				sw.Cases++
				sw.Parties += n
			}
		}
	}
	return sw, s.Store.RecordPrivacySweep(ctx, sw)
}
