// Package intake registers complaints from every channel and takes the
// acceptance decision (受理 / 不予受理) on them.
package intake

import (
	"context"
	"errors"
	"fmt"
	"github.com/tiaojie/tiaojie/internal/access"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service is the intake capability.
type Service struct {
	Store  store.Store
	Sealer *pii.Sealer
	Now    func() time.Time
	// Router, when set, diverts a case to a room right after it is accepted.
	Router Router
	// Duplicates, when set, flags likely duplicates of each new case.
	Duplicates DuplicateChecker
	// Clocks, when set, remembers the clocks Deadlines computes for a list
	// (shared with the desk's).
	Clocks *deadline.Memo

	placed *placeMemo // ForBatch: where the batch's one actor places cases
}

// placeMemo remembers the placement of one actor for a batch.
type placeMemo struct {
	p  *auth.Principal
	pl placement
}

// ForBatch is a copy of the service for one batch of complaints registered
// by one actor (an import's slice): the actor's placement (committee, room,
// diverting office — a read of the org tree) is looked up once, not per
// complaint. Everything else runs per complaint as in Register.
func (s *Service) ForBatch() *Service {
	c := *s
	c.placed = &placeMemo{}
	return &c
}

// DuplicateChecker flags likely duplicates of a newly registered case.
type DuplicateChecker interface {
	Check(ctx context.Context, c store.Case) error
}

// Router sends an accepted case to a mediation room (分流).
type Router interface {
	Route(ctx context.Context, p *auth.Principal, c store.Case) (store.Case, error)
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Complaint is what a person or machine submits.
type Complaint struct {
	ComplainantName string     `json:"complainant_name"`
	Phone           string     `json:"phone"`
	IDNumber        string     `json:"id_number,omitempty"`
	MerchantName    string     `json:"merchant_name"`
	CreditCode      string     `json:"credit_code,omitempty"`
	MerchantAddress string     `json:"merchant_address,omitempty"`
	Category        string     `json:"category"`
	Description     string     `json:"description"`
	Claim           string     `json:"claim,omitempty"`
	ClaimAmountFen  int64      `json:"claim_amount_fen"`
	ExternalID      string     `json:"external_id,omitempty"`
	CourtNumber     string     `json:"court_number,omitempty"`
	Channel         string     `json:"channel,omitempty"`
	ReceivedAt      *time.Time `json:"received_at,omitempty"`
}

// ErrDuplicate: the complaint (by 12315 number or court number) is already a case here.
type ErrDuplicate struct{ Number string }

// Kind: a duplicate complaint is a conflict.
func (e *ErrDuplicate) Kind() access.Kind { return access.KindConflict }

func (e *ErrDuplicate) Error() string {
	if e.Number == "" {
		return "该纠纷已在其他调解组织或本系统登记，不能重复登记"
	}
	return fmt.Sprintf("该纠纷已登记为案件%s，不能重复登记", e.Number)
}

// ErrNoCommittee: the actor's units belong to no mediation committee.
var ErrNoCommittee = access.Forbidden("您所在单位未对应任何消费纠纷人民调解委员会，无法登记")

func (in *Complaint) normalize() {
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	for _, f := range []*string{&in.ComplainantName, &in.MerchantName, &in.MerchantAddress, &in.Category,
		&in.Description, &in.Claim, &in.ExternalID, &in.CourtNumber, &in.Channel} {
		trim(f)
	}
	in.ExternalID, in.CourtNumber = domain.NormalizeIdentifier(in.ExternalID), domain.NormalizeIdentifier(in.CourtNumber)
	in.Phone = domain.NormalizeMobile(in.Phone)
	in.IDNumber = domain.NormalizeIDNumber(in.IDNumber)
	in.CreditCode = domain.NormalizeCreditCode(in.CreditCode)
}

// Validate checks a complaint and returns every problem at once.
func (in *Complaint) Validate(now time.Time) error {
	in.normalize()
	var errs []*domain.FieldError
	add := func(field, msg string) { errs = append(errs, &domain.FieldError{Field: field, Message: msg}) }
	addErr := func(field string, err error) {
		if err != nil {
			var fe *domain.FieldError
			if errors.As(err, &fe) {
				add(field, fe.Message)
			} else {
				add(field, err.Error())
			}
		}
	}
	// Hygiene first: a name with a bidi override is refused as such, not
	// measured or validated further.
	for _, f := range []struct {
		field, value string
		multiline    bool
	}{{"complainant_name", in.ComplainantName, false}, {"phone", in.Phone, false}, {"id_number", in.IDNumber, false},
		{"merchant_name", in.MerchantName, false}, {"credit_code", in.CreditCode, false}, {"merchant_address", in.MerchantAddress, false},
		{"category", in.Category, false}, {"description", in.Description, true}, {"claim", in.Claim, true},
		{"external_id", in.ExternalID, false}, {"court_number", in.CourtNumber, false}, {"channel", in.Channel, false}} {
		check := domain.CheckLine
		if f.multiline {
			check = domain.CheckText
		}
		if fe := check(f.field, f.value); fe != nil {
			errs = append(errs, fe)
		}
	}
	if len(errs) > 0 {
		return &access.ValidationError{Fields: errs}
	}
	runes := utf8.RuneCountInString
	switch {
	case in.ComplainantName == "":
		add("complainant_name", "请填写投诉人姓名")
	case runes(in.ComplainantName) > 50:
		add("complainant_name", "投诉人姓名不能超过50个字")
	}
	if in.Phone == "" {
		add("phone", "请填写投诉人手机号码")
	} else {
		addErr("phone", domain.ValidateMobile(in.Phone))
	}
	if in.IDNumber != "" {
		if err := domain.ValidateIDNumber(in.IDNumber); err != nil {
			addErr("id_number", fmt.Errorf("身份证号码%s", err.Error()))
		}
	}
	switch {
	case in.MerchantName == "":
		add("merchant_name", "请填写被投诉经营者名称")
	case runes(in.MerchantName) > 100:
		add("merchant_name", "经营者名称不能超过100个字")
	}
	if in.CreditCode != "" {
		if err := domain.ValidateCreditCode(in.CreditCode); err != nil {
			addErr("credit_code", fmt.Errorf("统一社会信用代码%s", err.Error()))
		}
	}
	if in.CreditCode == "" && in.MerchantAddress == "" {
		add("merchant_address", "请填写经营者统一社会信用代码或经营地址（至少一项）")
	}
	if runes(in.MerchantAddress) > 200 {
		add("merchant_address", "经营地址不能超过200个字")
	}
	if !domain.ValidCategory(in.Category) {
		add("category", "请选择商品或服务类别")
	}
	switch n := runes(in.Description); {
	case n < 10:
		add("description", "请具体描述纠纷经过（不少于10个字）")
	case n > 5000:
		add("description", "纠纷描述不能超过5000个字")
	}
	if runes(in.Claim) > 500 {
		add("claim", "诉求不能超过500个字")
	}
	if in.ClaimAmountFen < 0 || in.ClaimAmountFen > 100_000_000_000 {
		add("claim_amount_fen", "涉及金额应在0至10亿元之间（单位：分）")
	}
	if in.ExternalID != "" && !validExternalID(in.ExternalID) {
		add("external_id", "投诉编号只能包含字母、数字、连字符和下划线，且不超过64位")
	}
	if runes(in.CourtNumber) > 64 {
		add("court_number", "法院案号不能超过64个字")
	}
	if in.Channel != "" && !domain.Channel(in.Channel).Valid() {
		add("channel", "来源渠道无效")
	}
	if in.ReceivedAt != nil {
		if in.ReceivedAt.After(now.Add(5 * time.Minute)) {
			add("received_at", "登记时间不能晚于当前时间")
		}
		if in.ReceivedAt.Before(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)) {
			add("received_at", "登记时间无效")
		}
	}
	if len(errs) > 0 {
		return &access.ValidationError{Fields: errs}
	}
	return nil
}

func validExternalID(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// placement is where a new complaint lands for this actor.
type placement struct {
	committee  store.OrgUnit
	roomID     int64
	divertedBy int64         // the referring unit (市场监管所/局, court), which keeps following the case
	unit       store.OrgUnit // the binding's own unit
}

// place finds the committee (and room, and diverting office) for the actor's
// first binding that may create cases: a room or committee binding means that
// unit; a unit elsewhere in a district (a 市场监管所, a court) means the
// district's committee, and a referring unit (市场监管所/局, court) is
// recorded so that it can follow the outcome.
func (s *Service) place(ctx context.Context, p *auth.Principal) (placement, error) {
	if s.placed != nil {
		if s.placed.p == p {
			return s.placed.pl, nil
		}
		pl, err := s.placeOnce(ctx, p)
		if err == nil {
			*s.placed = placeMemo{p: p, pl: pl}
		}
		return pl, err
	}
	return s.placeOnce(ctx, p)
}

func (s *Service) placeOnce(ctx context.Context, p *auth.Principal) (placement, error) {
	for _, b := range p.Bindings {
		if !domain.RoleHas(b.Role, domain.PermCaseCreate) {
			continue
		}
		u, err := s.Store.GetOrgUnit(ctx, b.OrgID)
		if err != nil {
			return placement{}, fmt.Errorf("binding unit: %w", err)
		}
		pl := placement{unit: u}
		switch u.Kind {
		case domain.OrgOfficeRoom, domain.OrgEnterpriseRoom:
			pl.roomID = u.ID
			pl.committee, err = s.Store.GetOrgUnit(ctx, u.ParentID)
			return pl, err
		case domain.OrgCommittee:
			pl.committee = u
			return pl, nil
		case domain.OrgRegulatorOffice, domain.OrgRegulatorBureau, domain.OrgCourt:
			pl.divertedBy = u.ID
		}
		// Walk up to the district and take its committee (units by id and
		// the district's subtree: not a copy of a city's tree per complaint).
		d := u
		for d.Kind != domain.OrgDistrict && d.ParentID != 0 {
			if d, err = s.Store.GetOrgUnit(ctx, d.ParentID); err != nil {
				return placement{}, fmt.Errorf("parent unit: %w", err)
			}
		}
		units, err := s.Store.OrgUnitsUnder(ctx, d.Path)
		if err != nil {
			return placement{}, fmt.Errorf("the district's units: %w", err)
		}
		for _, c := range units {
			if c.Kind == domain.OrgCommittee && c.ParentID == d.ID {
				pl.committee = c
				return pl, nil
			}
		}
	}
	return placement{}, ErrNoCommittee
}

// Register records a complaint as a new case. With an idempotency key a retry
// returns the first result (created=false).
func (s *Service) Register(ctx context.Context, p *auth.Principal, in Complaint, idemKey string) (store.Case, bool, error) {
	nc, err := s.prepare(ctx, p, &in, idemKey)
	if err != nil {
		return store.Case{}, false, err
	}
	c, created, err := s.Store.CreateCase(ctx, nc)
	return s.finish(ctx, p, in, nc, c, created, err)
}

// BatchDuplicateChecker flags the likely duplicates of many new cases, given
// in the order they were registered, as Check after each would.
type BatchDuplicateChecker interface {
	CheckBatch(ctx context.Context, cs []store.Case) error
}

// Registered is the outcome of one complaint of RegisterBatch.
type Registered struct {
	Case store.Case // its case, when Err is nil
	Err  error
}

// RegisterBatch registers complaints of one actor as Register called for
// each in order would: the same validation, placement, channel rules,
// sealing and numbering, the same cases, parties, events and duplicate
// flags. The valid ones are written together (store.InsertCases) and their
// duplicates checked together; should that write meet any conflict (a
// number or key already registered), every valid complaint goes through
// Register one by one instead, which explains each refusal as it does.
// keys are the idempotency keys, one per complaint ("" for none).
func (s *Service) RegisterBatch(ctx context.Context, p *auth.Principal, ins []Complaint, keys []string) []Registered {
	out := make([]Registered, len(ins))
	var ncs []*store.NewCase
	var at []int // the complaint of each of ncs
	for i := range ins {
		nc, err := s.prepare(ctx, p, &ins[i], keys[i])
		if err != nil {
			out[i].Err = err
			continue
		}
		ncs, at = append(ncs, nc), append(at, i)
	}
	if len(ncs) == 0 {
		return out
	}
	cs, err := s.Store.InsertCases(ctx, ncs)
	if err != nil {
		// The rules of single intake explain what the batch ran into.
		for _, i := range at {
			c, _, err := s.Register(ctx, p, ins[i], keys[i])
			out[i] = Registered{Case: c, Err: err}
		}
		return out
	}
	for j, i := range at {
		out[i].Case = cs[j]
	}
	if s.Duplicates == nil {
		return out
	}
	// Advisory, as in Register: a failed check never undoes a registration.
	if b, ok := s.Duplicates.(BatchDuplicateChecker); ok {
		_ = b.CheckBatch(ctx, cs)
	} else {
		for _, c := range cs {
			_ = s.Duplicates.Check(ctx, c)
		}
	}
	return out
}

// prepare validates a complaint (normalizing it in place), places it and
// turns it into the new case Register writes.
func (s *Service) prepare(ctx context.Context, p *auth.Principal, in *Complaint, idemKey string) (*store.NewCase, error) {
	if !p.Can(domain.PermCaseCreate) {
		return nil, access.ErrForbidden
	}
	now := s.now()
	if err := in.Validate(now); err != nil {
		return nil, err
	}
	if len(idemKey) > 200 {
		return nil, &access.ValidationError{Fields: []*domain.FieldError{{Field: "Idempotency-Key", Message: "Idempotency-Key 不能超过200个字符"}}}
	}
	pl, err := s.place(ctx, p)
	if err != nil {
		return nil, err
	}
	if err := s.channelRules(ctx, p, pl, *in); err != nil {
		return nil, err
	}
	channel := domain.Channel(in.Channel)
	if channel == "" {
		switch {
		case in.ExternalID != "":
			channel = domain.Channel12315
		case in.CourtNumber != "":
			channel = domain.ChannelCourt
		case p.Machine:
			channel = domain.ChannelAPI
		default:
			channel = domain.ChannelWalkIn
		}
	}
	received := now
	if in.ReceivedAt != nil {
		received = *in.ReceivedAt
	}
	m := &store.Merchant{Name: in.MerchantName, CreditCode: in.CreditCode, Address: in.MerchantAddress}
	consumer := store.Party{Kind: "consumer", Name: in.ComplainantName,
		PhoneSealed: s.Sealer.Seal(in.Phone), PhoneHash: s.Sealer.Hash(in.Phone), PhoneMask: domain.MaskMobile(in.Phone)}
	if in.IDNumber != "" {
		consumer.IDSealed, consumer.IDHash, consumer.IDMask = s.Sealer.Seal(in.IDNumber), s.Sealer.Hash(in.IDNumber), domain.MaskIDNumber(in.IDNumber)
	}
	merchant := store.Party{Kind: "merchant", Name: in.MerchantName, CreditCode: in.CreditCode, Address: in.MerchantAddress}
	return &store.NewCase{
		CommitteeID: pl.committee.ID, CommitteeAbbr: pl.committee.Abbr, RoomID: pl.roomID, DivertedByOrgID: pl.divertedBy,
		Channel: channel, Category: in.Category, Description: in.Description, Claim: in.Claim, ClaimFen: in.ClaimAmountFen,
		ReceivedAt: received, ExternalID: in.ExternalID, CourtNumber: in.CourtNumber, Merchant: m,
		CreatedBy: p.UserID, ClientID: p.ClientID(), IdempotencyKey: idemKey,
		Parties: []store.Party{consumer, merchant},
		Event:   store.Event{Type: "received", ActorID: p.UserID, ActorName: p.DisplayName, At: now, Note: "登记：" + channel.Label()},
	}, nil
}

// finish turns what the store answered for nc into Register's answer: a
// duplicate explained, a reused idempotency key refused, and (for a new
// case) the advisory duplicate check run after the commit.
func (s *Service) finish(ctx context.Context, p *auth.Principal, in Complaint, nc *store.NewCase, c store.Case, created bool, err error) (store.Case, bool, error) {
	if errors.Is(err, store.ErrConflict) {
		return store.Case{}, false, s.duplicate(ctx, p, in)
	}
	if err != nil {
		return store.Case{}, false, fmt.Errorf("register complaint: %w", err)
	}
	if !created && !sameComplaint(c, nc) {
		return store.Case{}, false, &access.ValidationError{Fields: []*domain.FieldError{{Field: "Idempotency-Key",
			Message: "该 Idempotency-Key 已用于登记另一件投诉（" + c.Number + "），请为新的投诉使用新的键"}}}
	}
	if created && s.Duplicates != nil {
		// Advisory: a failed check never undoes a registration.
		_ = s.Duplicates.Check(ctx, c)
	}
	return c, created, nil
}

// duplicate explains a refused duplicate; the existing case number is told
// only to someone who may read that case.
func (s *Service) duplicate(ctx context.Context, p *auth.Principal, in Complaint) error {
	var existing store.Case
	var err error = store.ErrNotFound
	if in.ExternalID != "" {
		existing, err = s.Store.GetCaseByExternalID(ctx, in.ExternalID)
	}
	if err != nil && in.CourtNumber != "" {
		existing, err = s.Store.GetCaseByCourtNumber(ctx, in.CourtNumber)
	}
	if err != nil || !p.CanOnCase(domain.PermCaseRead, existing) {
		return &ErrDuplicate{}
	}
	return &ErrDuplicate{Number: existing.Number}
}

// sameComplaint reports whether a retried request carries the complaint the
// key first registered (a key reused for another complaint is refused).
func sameComplaint(c store.Case, nc *store.NewCase) bool {
	var phone string
	for _, p := range c.Parties {
		if p.Kind == "consumer" {
			phone = p.PhoneHash
			break
		}
	}
	return c.Description == nc.Description && c.ExternalID == nc.ExternalID && c.ClaimFen == nc.ClaimFen &&
		phone == nc.Parties[0].PhoneHash
}

// channelRules: a court refers with its case number; an enterprise's (ODR
// platform's) key files only complaints against the merchants of its room.
func (s *Service) channelRules(ctx context.Context, p *auth.Principal, pl placement, in Complaint) error {
	if pl.unit.Kind == domain.OrgCourt && in.CourtNumber == "" {
		return &access.ValidationError{Fields: []*domain.FieldError{{Field: "court_number", Message: "法院诉前委派须填写法院案号"}}}
	}
	if p.Machine && pl.unit.Kind == domain.OrgEnterpriseRoom {
		ms, err := s.Store.ListRoomMerchants(ctx, pl.unit.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if (in.CreditCode != "" && m.CreditCode == in.CreditCode) || (in.CreditCode == "" && m.Name == in.MerchantName) {
				return nil
			}
		}
		return &access.ValidationError{Fields: []*domain.FieldError{{Field: "credit_code", Message: "该接口密钥只能提交针对本企业（" + pl.unit.Name + "所服务企业）的投诉"}}}
	}
	return nil
}

// Get returns a case the actor may read, with its events.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (store.Case, []store.Event, error) {
	c, err := access.Authorize(ctx, s.Store, p, id, false)
	if err != nil {
		return store.Case{}, nil, err
	}
	evs, err := s.Store.ListEvents(ctx, id)
	return c, evs, err
}

// List returns cases in the actor's scope, as brief rows (store.Case.Brief:
// what the API's list answers).
func (s *Service) List(ctx context.Context, p *auth.Principal, q store.CaseQuery) (store.CasePage, error) {
	q.Scope, q.Brief = p.Scope(domain.PermCaseRead), true
	if q.PartyHash == "" {
		q.PartyHash = s.PartyHash(q.Text)
	}
	return s.Store.ListCases(ctx, q)
}

// Decision is an accept or reject on a case.
type Decision struct {
	Accept     bool
	ReasonCode string // reject only
	Note       string
	Version    int64 // the version the person saw; 0 = current
}

// Decide accepts or rejects a received case.
func (s *Service) Decide(ctx context.Context, p *auth.Principal, id int64, d Decision) (store.Case, error) {
	c, err := access.Authorize(ctx, s.Store, p, id, true)
	if err != nil {
		return store.Case{}, err
	}
	if utf8.RuneCountInString(d.Note) > 1000 {
		return store.Case{}, &access.ValidationError{Fields: []*domain.FieldError{{Field: "note", Message: "说明不能超过1000个字"}}}
	}
	version := d.Version
	if version == 0 {
		version = c.Version
	}
	action := domain.ActionReject
	if d.Accept {
		action = domain.ActionAccept
	}
	facts := domain.Facts{Status: c.Status, ReasonCode: d.ReasonCode, HasRequiredFact: hasRequiredFacts(c)}
	to, err := domain.Next(action, facts)
	if err != nil {
		return store.Case{}, err
	}
	now := s.now()
	ch := store.CaseChange{Status: to, DecidedAt: &now}
	ev := store.Event{Type: string(action), ActorID: p.UserID, ActorName: p.DisplayName, At: now, Note: strings.TrimSpace(d.Note)}
	if d.Accept {
		rules, err := deadline.Load(ctx, s.Store)
		if err != nil {
			return store.Case{}, err
		}
		pol, ok := calendar.PolicyInForce(rules.Policies, calendar.DateOf(now))
		if !ok {
			pol = rules.Policies[0]
		}
		ch.AcceptedAt, ch.PolicyID = &now, &pol.ID
		ev.Data = fmt.Sprintf(`{"policy":%q}`, pol.Code)
	} else {
		code := d.ReasonCode
		ch.ReasonCode, ch.ClosedAt = &code, &now
		ev.ReasonCode = code
	}
	out, err := s.Store.ApplyEvent(ctx, c.ID, version, ch, ev)
	if errors.Is(err, store.ErrStale) {
		return store.Case{}, access.ErrStale
	}
	if err == nil && d.Accept && s.Router != nil {
		// The acceptance stands even if routing fails; the case then waits in the queue.
		if routed, rerr := s.Router.Route(ctx, p, out); rerr == nil {
			out = routed
		}
	}
	return out, err
}

func hasRequiredFacts(c store.Case) bool {
	var consumer, merchant bool
	for _, p := range c.Parties {
		consumer = consumer || (p.Kind == "consumer" && p.Name != "" && p.PhoneHash != "")
		merchant = merchant || (p.Kind == "merchant" && p.Name != "")
	}
	return consumer && merchant && c.Description != ""
}

// Detail is a case as its page and its API show it.
type Detail struct {
	Case      store.Case
	Events    []store.Event
	Deadlines []calendar.Deadline
	Policy    calendar.Policy
	Room      store.OrgUnit
	Committee store.OrgUnit
	Diverter  store.OrgUnit
}

// Detail loads a readable case with its clocks as of now.
func (s *Service) Detail(ctx context.Context, p *auth.Principal, id int64) (Detail, error) {
	c, evs, err := s.Get(ctx, p, id)
	if err != nil {
		return Detail{}, err
	}
	rules, err := deadline.Load(ctx, s.Store)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Case: c, Events: evs, Deadlines: rules.ForCase(c, evs, s.now()), Policy: rules.PolicyFor(c)}
	for _, u := range []struct {
		id  int64
		dst *store.OrgUnit
	}{{c.CommitteeID, &d.Committee}, {c.RoomID, &d.Room}, {c.DivertedByOrgID, &d.Diverter}} {
		if u.id == 0 {
			continue
		}
		if *u.dst, err = s.Store.GetOrgUnit(ctx, u.id); err != nil {
			return Detail{}, fmt.Errorf("org unit %d of case %d: %w", u.id, c.ID, err)
		}
	}
	return d, nil
}

// Deadlines computes the clocks of many listed cases with one load of the rules.
func (s *Service) Deadlines(ctx context.Context, cases []store.Case) (map[int64][]calendar.Deadline, error) {
	rules, err := deadline.Load(ctx, s.Store)
	if err != nil {
		return nil, err
	}
	rules = rules.Remembered(s.Clocks)
	out := make(map[int64][]calendar.Deadline, len(cases))
	now := s.now()
	for _, c := range cases {
		// Suspensions need the events; list rows use the row only, which is
		// exact for every case that was never suspended.
		out[c.ID] = rules.ForCase(c, nil, now)
	}
	return out, nil
}
