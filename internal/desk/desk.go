// Package desk answers the work lists of staff: the case list with its room,
// mediator, outcome and deadline columns (and its spreadsheet export), and
// the committee's desk of what waits on the committee across all its rooms.
// Handlers parse and render; the queries and the rules of what is due live here.
package desk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service reads work lists.
type Service struct {
	Store store.Store
	Now   func() time.Time
	// Clocks, when set, remembers the clocks the rows compute (shared with
	// intake's lists).
	Clocks *deadline.Memo

	clocks clockCache // the clocks of cases read by due date (clockcache.go)
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Row is one case as a work list shows it.
type Row struct {
	Case     store.Case
	Room     string             // room name, or the committee's queue while unrouted
	Mediator string             // presiding mediator, "" when none yet
	Outcome  string             // how the case ended or stands, in words
	Next     *calendar.Deadline // the running legal clock due first, nil when none runs
}

// Overdue reports whether the row's clock has passed.
func (r Row) Overdue() bool { return r.Next != nil && r.Next.Overdue }

// Soon reports whether the row's clock has two working days or less left (or has passed).
func (r Row) Soon() bool { return r.Next != nil && (r.Next.Overdue || r.Next.Remaining <= 2) }

// Urgent is the running legal clock due first. The committee's internal
// target is left out: missing it is not a breach of any rule, and the judicial
// confirmation window is a right of the parties (it never turns overdue).
func Urgent(dls []calendar.Deadline) *calendar.Deadline {
	var next *calendar.Deadline
	for i := range dls {
		dl := dls[i]
		if !dl.Running || dl.Kind == calendar.ClockCommitteeTarget || dl.Kind == calendar.ClockJudicialConfirmation {
			continue
		}
		if next == nil || dl.Due.Before(next.Due) {
			next = &dl
		}
	}
	return next
}

// rowMaker turns pages of cases into rows with set-based reads: the rules
// once per request and each room's name once (both from the store's
// configuration cache), and for each page one read per kind keyed by case
// id — the presiding mediators' names, the events of the cases that look
// due (suspensions only extend a clock, so a case that is not due without
// them is not due with them) and of the cases whose clock starts at an
// event (eventClockStatuses), and the agreements and seals behind the
// outcomes.
type rowMaker struct {
	s     *Service
	rules deadline.Rules
	rooms map[int64]string // by id, as looked up (room)
	users map[int64]string
	now   time.Time
	dig   string // the rules' digest, once computed
	gen   string // the clock cache's generation, once computed
}

// digest is the rules' digest (deadline.Rules.Digest), computed once.
func (m *rowMaker) digest() string {
	if m.dig == "" {
		m.dig = m.rules.Digest()
	}
	return m.dig
}

// generation names what a cached clock was computed under: the rules'
// numbers (the digest), the policies' names (the explanations cite them)
// and the day.
func (m *rowMaker) generation() string {
	if m.gen == "" {
		var b strings.Builder
		b.WriteString(m.digest())
		b.WriteString(" ")
		b.WriteString(calendar.DateOf(m.now).String())
		for _, p := range m.rules.Policies {
			b.WriteString("\n")
			b.WriteString(p.Name)
		}
		m.gen = b.String()
	}
	return m.gen
}

func (s *Service) rowMaker(ctx context.Context) (*rowMaker, error) {
	rules, err := deadline.Load(ctx, s.Store)
	if err != nil {
		return nil, fmt.Errorf("load deadline rules: %w", err)
	}
	return &rowMaker{s: s, rules: rules.Remembered(s.Clocks), rooms: map[int64]string{}, users: map[int64]string{}, now: s.now()}, nil
}

// room is the name of the room a row shows ("" for none): each room of a
// page looked up once, from the store's configuration cache. (Filling a
// map of every org unit on each request was a tenth of the overdue
// list's CPU.)
func (m *rowMaker) room(ctx context.Context, id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	name, ok := m.rooms[id]
	if !ok {
		u, err := m.s.Store.GetOrgUnit(ctx, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return "", fmt.Errorf("get room %d: %w", id, err)
		}
		name, m.rooms[id] = u.Name, u.Name
	}
	return name, nil
}

// rows builds the rows of a page of cases, in their order.
func (m *rowMaker) rows(ctx context.Context, cases []store.Case, withOutcome bool) ([]Row, error) {
	return m.build(ctx, cases, rowOpts{outcome: withOutcome})
}

// nearRows is rows for cases read from the index of due dates by a bound
// (store.DueQuery.By): every one is near its deadline, so its clocks are
// computed once, with its events, instead of first without them to see
// whether it is near.
func (m *rowMaker) nearRows(ctx context.Context, cases []store.Case) ([]Row, error) {
	return m.build(ctx, cases, rowOpts{near: true, marked: true})
}

// markedRows is rows for cases read with their due marks (store.DueUnfixed).
func (m *rowMaker) markedRows(ctx context.Context, cases []store.Case) ([]Row, error) {
	return m.build(ctx, cases, rowOpts{marked: true})
}

// rowOpts say what a page of rows needs and what its cases carry.
type rowOpts struct {
	outcome bool // each row's outcome in words
	near    bool // every case is near its deadline: read by due date up to a bound
	// marked: the cases carry their due marks (read by due date), so a
	// clock computed with its events at the same mark, today, under the
	// same rules comes from the cache (clockcache.go), and one computed
	// now goes into it.
	marked bool
}

func (m *rowMaker) build(ctx context.Context, cases []store.Case, o rowOpts) ([]Row, error) {
	out := make([]Row, len(cases))
	isNear := make([]bool, len(cases))
	cached := make([]bool, len(cases))
	var gen string
	if o.marked {
		gen = m.generation()
		m.s.clocks.fill(gen, cases, out, cached)
	}
	var unnamed, near []int64
	for i, c := range cases {
		r := Row{Case: c, Room: "调委会待分流", Next: out[i].Next}
		if name, err := m.room(ctx, c.RoomID); err != nil {
			return nil, err
		} else if name != "" {
			r.Room = name
		}
		if _, ok := m.users[c.PresidingID]; c.PresidingID != 0 && !ok {
			unnamed = append(unnamed, c.PresidingID)
		}
		switch {
		case cached[i]: // r.Next is its clock, computed with its events
		case o.near || slices.Contains(eventClockStatuses, c.Status):
			isNear[i] = true
		default:
			r.Next = Urgent(m.rules.ForCase(c, nil, m.now))
			isNear[i] = r.Next != nil && (r.Next.Overdue || r.Next.Remaining <= 2)
		}
		if isNear[i] {
			near = append(near, c.ID)
		}
		out[i] = r
	}
	if len(unnamed) > 0 {
		names, err := m.s.Store.UserNames(ctx, unnamed)
		if err != nil {
			return nil, fmt.Errorf("get mediators' names: %w", err)
		}
		for _, id := range unnamed {
			name, ok := names[id]
			if !ok {
				return nil, fmt.Errorf("get mediator %d: %w", id, store.ErrNotFound)
			}
			m.users[id] = name
		}
	}
	var evs map[int64][]store.Event
	if len(near) > 0 {
		var err error
		if evs, err = m.s.Store.ClockEventsOf(ctx, near); err != nil {
			return nil, fmt.Errorf("list events of near cases: %w", err)
		}
	}
	var keys []clockKey
	var computed []*calendar.Deadline
	for i := range out {
		c := out[i].Case
		out[i].Mediator = m.users[c.PresidingID]
		if isNear[i] { // with its events (none: nil, the clocks as they were)
			out[i].Next = Urgent(m.rules.ForCase(c, evs[c.ID], m.now))
			if o.marked {
				keys, computed = append(keys, clockKey{c.ID, c.DueMark}), append(computed, out[i].Next)
			}
		}
	}
	if len(keys) > 0 {
		m.s.clocks.put(gen, keys, computed)
	}
	if o.outcome {
		outs, err := Outcomes(ctx, m.s.Store, cases)
		if err != nil {
			return nil, err
		}
		for i := range out {
			out[i].Outcome = outs[i]
		}
	}
	return out, nil
}

// AgreementReader is what Outcome needs of the store.
type AgreementReader interface {
	GetAgreement(ctx context.Context, caseID int64) (store.Agreement, error)
	ListSignatures(ctx context.Context, caseID int64) ([]store.Signature, error)
}

// AgreementForm names an agreement's form: 书面 (调解协议书) or 口头. An
// agreement that carries the committee's seal is a written one whatever the
// row says (《人民调解法》第二十九条: a written agreement takes effect when
// signed by the parties and the mediator and sealed by the committee).
func AgreementForm(ctx context.Context, st AgreementReader, a store.Agreement) (string, error) {
	if a.Kind == "written" {
		return "书面协议", nil
	}
	sigs, err := st.ListSignatures(ctx, a.CaseID)
	if err != nil {
		return "", fmt.Errorf("list signatures of case %d: %w", a.CaseID, err)
	}
	for _, sg := range sigs {
		if sg.Signer == "seal" {
			return "书面协议", nil
		}
	}
	return "口头协议", nil
}

// OutcomeReader is what Outcomes needs of the store: the set reads.
type OutcomeReader interface {
	AgreementsOf(ctx context.Context, caseIDs []int64) (map[int64]store.Agreement, error)
	SealedAgreements(ctx context.Context, caseIDs []int64) (map[int64]bool, error)
}

// needsAgreement reports whether the case's outcome depends on its agreement.
func needsAgreement(c store.Case) bool {
	switch c.Status {
	case domain.StatusAgreed, domain.StatusPerforming, domain.StatusFollowedUp:
		return true
	case domain.StatusArchived:
		return c.MergedInto == 0 && !domain.TerminateReasons.Has(c.ReasonCode) && !domain.RejectReasons.Has(c.ReasonCode)
	}
	return false
}

// Outcomes says in words how each case ended (Outcome), with two reads for
// the whole set: the agreements, and which of them carry the seal.
func Outcomes(ctx context.Context, st OutcomeReader, cases []store.Case) ([]string, error) {
	var ids []int64
	for _, c := range cases {
		if needsAgreement(c) {
			ids = append(ids, c.ID)
		}
	}
	var ags map[int64]store.Agreement
	sealed := map[int64]bool{}
	if len(ids) > 0 {
		var err error
		if ags, err = st.AgreementsOf(ctx, ids); err != nil {
			return nil, fmt.Errorf("get agreements of cases: %w", err)
		}
		var oral []int64
		for id, a := range ags {
			if a.Kind != "written" {
				oral = append(oral, id)
			}
		}
		if len(oral) > 0 {
			if sealed, err = st.SealedAgreements(ctx, oral); err != nil {
				return nil, fmt.Errorf("list seals of agreements: %w", err)
			}
		}
	}
	out := make([]string, len(cases))
	for i, c := range cases {
		var ap *store.Agreement
		if a, ok := ags[c.ID]; ok {
			ap = &a
		}
		out[i] = outcome(c, ap, sealed[c.ID])
	}
	return out, nil
}

// Outcome says in words how a case ended, or "" while it is being worked.
func Outcome(ctx context.Context, st AgreementReader, c store.Case) (string, error) {
	if !needsAgreement(c) {
		return outcome(c, nil, false), nil
	}
	a, err := st.GetAgreement(ctx, c.ID)
	if errors.Is(err, store.ErrNotFound) {
		return outcome(c, nil, false), nil
	} else if err != nil {
		return "", fmt.Errorf("get agreement of case %d: %w", c.ID, err)
	}
	form, err := AgreementForm(ctx, st, a)
	if err != nil {
		return "", err
	}
	return outcome(c, &a, form == "书面协议"), nil
}

// outcome is Outcome's rule: a is the case's agreement (nil when none),
// sealed whether the committee's seal is among its signatures.
func outcome(c store.Case, a *store.Agreement, sealed bool) string {
	agreed := func(suffix string) string {
		if a == nil {
			return "达成协议" + suffix
		}
		form := "口头协议"
		if a.Kind == "written" || sealed {
			form = "书面协议"
		}
		if a.EffectiveAt == nil {
			return "达成" + form + "（待签署生效）"
		}
		return "达成" + form + suffix
	}
	switch c.Status {
	case domain.StatusAgreed, domain.StatusPerforming:
		return agreed("")
	case domain.StatusFollowedUp:
		return agreed("，已回访")
	case domain.StatusTerminated:
		return "调解终止：" + domain.TerminateReasons.Label(c.ReasonCode)
	case domain.StatusWithdrawn:
		return "申请人撤回"
	case domain.StatusRejected:
		return "不予受理：" + domain.RejectReasons.Label(c.ReasonCode)
	case domain.StatusArchived:
		switch {
		case c.MergedInto != 0:
			return "已并入其他案件"
		case domain.TerminateReasons.Has(c.ReasonCode):
			return "调解终止：" + domain.TerminateReasons.Label(c.ReasonCode)
		case domain.RejectReasons.Has(c.ReasonCode):
			return "不予受理：" + domain.RejectReasons.Label(c.ReasonCode)
		}
		if a != nil {
			return agreed("，已归档")
		}
		return "已归档"
	}
	return ""
}
