// Package liaison is the committee's 联络 routine: the register of partner
// units (市场监管所, 司法所, courts, 消保委, enterprise contact points) and
// their contacts, the contact log with the cases and group disputes it
// concerns, and 情况通报 briefings sent to partners as frozen PDFs with a
// record of who received what.
package liaison

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service keeps the liaison register, log and briefings.
type Service struct {
	Store     store.Store
	Sealer    *pii.Sealer
	Sender    notify.Sender      // SMS notices of a briefing (queued in the briefing's transaction)
	Scorecard *scorecard.Service // the committee's figures for a briefing
	Now       func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) today() calendar.Date { return calendar.DateOf(s.now()) }

func invalid(field, msg string) error {
	return &access.ValidationError{Fields: []*domain.FieldError{{Field: field, Message: msg}}}
}

// scope is what one request may see: the committees, every unit.
type scope struct {
	units      []store.OrgUnit
	committees []store.OrgUnit
}

func (sc scope) ids() []int64 {
	out := make([]int64, 0, len(sc.committees))
	for _, c := range sc.committees {
		out = append(out, c.ID)
	}
	return out
}

func (sc scope) committee(id int64) (store.OrgUnit, bool) {
	for _, c := range sc.committees {
		if c.ID == id {
			return c, true
		}
	}
	return store.OrgUnit{}, false
}

func (sc scope) unit(id int64) (store.OrgUnit, bool) {
	for _, u := range sc.units {
		if u.ID == id {
			return u, true
		}
	}
	return store.OrgUnit{}, false
}

// resolve lists the committees p reaches with perm: a binding at the
// committee or above it (a room's staff keep no liaison register).
func (s *Service) resolve(ctx context.Context, p *auth.Principal, perm domain.Permission) (scope, error) {
	if p == nil || !p.Can(perm) {
		return scope{}, access.Forbidden("无权查看联络工作")
	}
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return scope{}, fmt.Errorf("list org units: %w", err)
	}
	sc := scope{units: units}
	for _, u := range units {
		if u.Kind == domain.OrgCommittee && p.Reaches(perm, u.Path) {
			sc.committees = append(sc.committees, u)
		}
	}
	// A room's staff hold the permission but reach no committee: they see
	// an empty register, and any entry they name is not found.
	return sc, nil
}

// district is the unit a committee hangs under: its partners are there.
func (sc scope) district(c store.OrgUnit) string {
	if d, ok := sc.unit(c.ParentID); ok {
		return d.Path
	}
	return c.Path
}

// ContactView is a contact as shown: the phone masked.
type ContactView struct {
	store.PartnerContact
	Phone string // masked
}

// PartnerView is a register entry as shown.
type PartnerView struct {
	store.Partner
	KindLabel string
	Link      string // the org unit, merchant or room it stands for
	Contacts  []ContactView
}

// CommitteeLiaison is one committee's register, log and briefings.
type CommitteeLiaison struct {
	Unit       store.OrgUnit
	Partners   []PartnerView
	Log        []LogView // a page of the contact log, newest first
	LogNext    string    // the cursor of the log's next page ("": none)
	LogPaged   bool      // Log is a later page, not the newest
	Briefings  []store.Briefing
	Candidates []store.OrgUnit // partner units of the district not yet registered
	Rooms      []store.OrgUnit // enterprise rooms, for enterprise contact points
	CanManage  bool
}

// LogView is a contact log line as shown.
type LogView struct {
	store.ContactLog
	ChannelLabel string
	Cases        []store.Case
}

// Overview is the liaison page.
type Overview struct {
	Committees []CommitteeLiaison
}

// LogPageSize is how many contact log lines a committee's section shows.
const LogPageSize = 20

// LogPage picks a page of one committee's contact log: the lines past
// After (nil: the newest). The other committees show their newest.
type LogPage struct {
	CommitteeID int64
	After       *store.DayCursor
}

// Overview is everything p may see of liaison: each committee's register,
// briefings and a page of its contact log (each committee's newest, or the
// page asked for), so one busy committee never pushes another's log off.
func (s *Service) Overview(ctx context.Context, p *auth.Principal, page LogPage) (Overview, error) {
	sc, err := s.resolve(ctx, p, domain.PermRoutineRead)
	if err != nil {
		return Overview{}, err
	}
	if page.After != nil {
		if _, ok := sc.committee(page.CommitteeID); !ok {
			return Overview{}, access.NotFound("找不到调委会")
		}
	}
	partners, err := s.Store.ListPartners(ctx, sc.ids())
	if err != nil {
		return Overview{}, err
	}
	logs := map[int64][]store.ContactLog{}
	var caseIDs []int64
	for _, c := range sc.committees {
		q := store.ContactLogQuery{CommitteeIDs: []int64{c.ID}, Limit: LogPageSize + 1}
		if c.ID == page.CommitteeID {
			q.After = page.After
		}
		ls, err := s.Store.ListContactLog(ctx, q)
		if err != nil {
			return Overview{}, err
		}
		logs[c.ID] = ls
		for _, l := range ls {
			caseIDs = append(caseIDs, l.CaseIDs...)
		}
	}
	cases, err := s.Store.CaseRowsOf(ctx, caseIDs)
	if err != nil {
		return Overview{}, fmt.Errorf("read the log's cases: %w", err)
	}
	briefings, err := s.Store.ListBriefings(ctx, sc.ids())
	if err != nil {
		return Overview{}, err
	}
	var ov Overview
	for _, c := range sc.committees {
		cl := CommitteeLiaison{Unit: c, CanManage: p.Reaches(domain.PermRoutineManage, c.Path)}
		taken := map[int64]bool{}
		for _, pt := range partners {
			if pt.CommitteeID != c.ID {
				continue
			}
			taken[pt.OrgID] = true
			cl.Partners = append(cl.Partners, s.view(ctx, sc, pt))
		}
		dist := sc.district(c)
		for _, u := range sc.units {
			if IsPartnerKind(u.Kind) && strings.HasPrefix(u.Path, dist) && !taken[u.ID] {
				cl.Candidates = append(cl.Candidates, u)
			}
			if u.Kind == domain.OrgEnterpriseRoom && u.ParentID == c.ID {
				cl.Rooms = append(cl.Rooms, u)
			}
		}
		ls := logs[c.ID]
		if len(ls) > LogPageSize {
			ls = ls[:LogPageSize]
			last := ls[LogPageSize-1]
			cl.LogNext = store.DayCursor{Day: last.Day, ID: last.ID}.String()
		}
		cl.LogPaged = c.ID == page.CommitteeID && page.After != nil
		for _, l := range ls {
			lv := LogView{ContactLog: l, ChannelLabel: ChannelLabel(l.Channel)}
			for _, id := range l.CaseIDs {
				if cs, ok := cases[id]; ok && p.CanOnCase(domain.PermCaseRead, cs) {
					lv.Cases = append(lv.Cases, cs)
				}
			}
			cl.Log = append(cl.Log, lv)
		}
		for _, b := range briefings {
			if b.CommitteeID == c.ID {
				cl.Briefings = append(cl.Briefings, b)
			}
		}
		ov.Committees = append(ov.Committees, cl)
	}
	return ov, nil
}

func (s *Service) view(ctx context.Context, sc scope, pt store.Partner) PartnerView {
	v := PartnerView{Partner: pt, KindLabel: KindLabel(pt.Kind)}
	switch {
	case pt.OrgID != 0:
		if u, ok := sc.unit(pt.OrgID); ok {
			v.Link = u.Name
		}
	case pt.RoomID != 0:
		if u, ok := sc.unit(pt.RoomID); ok {
			v.Link = u.Name
		}
	case pt.MerchantID != 0:
		if m, err := s.Store.GetMerchant(ctx, pt.MerchantID); err == nil {
			v.Link = m.Name
		}
	}
	for _, c := range pt.Contacts {
		c.PhoneSealed = "" // never leaves the service
		v.Contacts = append(v.Contacts, ContactView{PartnerContact: c, Phone: c.PhoneMask})
	}
	return v
}

// manage checks p may record liaison work for the committee.
func (s *Service) manage(ctx context.Context, p *auth.Principal, committeeID int64) (scope, store.OrgUnit, error) {
	sc, err := s.resolve(ctx, p, domain.PermRoutineManage)
	if err != nil {
		return scope{}, store.OrgUnit{}, err
	}
	c, ok := sc.committee(committeeID)
	if !ok {
		return scope{}, store.OrgUnit{}, access.NotFound("调委会不存在或无权登记")
	}
	return sc, c, nil
}

// PartnerInput registers a partner: an org unit of the district, or an
// enterprise contact point (name, and a merchant or an enterprise room).
type PartnerInput struct {
	CommitteeID int64
	OrgID       int64
	Name        string
	MerchantID  int64
	RoomID      int64
	Note        string
}

// AddPartner registers a partner of a committee.
func (s *Service) AddPartner(ctx context.Context, p *auth.Principal, in PartnerInput) (store.Partner, error) {
	sc, c, err := s.manage(ctx, p, in.CommitteeID)
	if err != nil {
		return store.Partner{}, err
	}
	pt := store.Partner{CommitteeID: c.ID, Note: strings.TrimSpace(in.Note), CreatedBy: p.UserID, Created: s.now()}
	if in.OrgID != 0 {
		u, ok := sc.unit(in.OrgID)
		if !ok || !IsPartnerKind(u.Kind) || !strings.HasPrefix(u.Path, sc.district(c)) {
			return store.Partner{}, invalid("org", "所选单位不是本区的市场监管所、司法所、法院或消保委")
		}
		pt.Kind, pt.OrgID, pt.Name = string(u.Kind), u.ID, u.Name
	} else {
		pt.Kind, pt.Name = KindEnterprise, strings.TrimSpace(in.Name)
		if pt.Name == "" {
			return store.Partner{}, invalid("name", "请填写企业联络点名称，或选择一个合作单位")
		}
		if utf8.RuneCountInString(pt.Name) > 60 {
			return store.Partner{}, invalid("name", "名称不能超过60字")
		}
		switch {
		case in.RoomID != 0:
			u, ok := sc.unit(in.RoomID)
			if !ok || u.Kind != domain.OrgEnterpriseRoom || u.ParentID != c.ID {
				return store.Partner{}, invalid("room", "所选企业工作室不属于本调委会")
			}
			pt.RoomID = u.ID
		case in.MerchantID != 0:
			if _, err := s.Store.GetMerchant(ctx, in.MerchantID); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return store.Partner{}, invalid("merchant", "找不到所选经营者")
				}
				return store.Partner{}, err
			}
			pt.MerchantID = in.MerchantID
		default:
			return store.Partner{}, invalid("room", "企业联络点须关联一个企业调解工作室或经营者")
		}
	}
	if err := s.Store.AddPartner(ctx, &pt); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return store.Partner{}, access.Conflict(fmt.Sprintf("“%s”已在本调委会的联络名录中", pt.Name))
		}
		return store.Partner{}, fmt.Errorf("add partner: %w", err)
	}
	return pt, nil
}

// partner loads a partner p may manage.
func (s *Service) partner(ctx context.Context, p *auth.Principal, id int64) (store.Partner, store.OrgUnit, error) {
	pt, err := s.Store.GetPartner(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return store.Partner{}, store.OrgUnit{}, invalid("partner", "联络单位不存在")
	}
	if err != nil {
		return store.Partner{}, store.OrgUnit{}, fmt.Errorf("get partner: %w", err)
	}
	_, c, err := s.manage(ctx, p, pt.CommitteeID)
	if err != nil {
		return store.Partner{}, store.OrgUnit{}, invalid("partner", "联络单位不存在")
	}
	return pt, c, nil
}

// ContactInput adds a person at a partner.
type ContactInput struct {
	PartnerID                int64
	Name, Post, Phone, Email string
}

// AddContact adds a contact to a partner; the phone is sealed.
func (s *Service) AddContact(ctx context.Context, p *auth.Principal, in ContactInput) (store.PartnerContact, error) {
	pt, _, err := s.partner(ctx, p, in.PartnerID)
	if err != nil {
		return store.PartnerContact{}, err
	}
	var errs []*domain.FieldError
	name := strings.TrimSpace(in.Name)
	if name == "" || utf8.RuneCountInString(name) > 30 {
		errs = append(errs, &domain.FieldError{Field: "name", Message: "请填写联系人姓名（不超过30字）"})
	}
	phone, _, perr := normalizePhone(in.Phone)
	if fe, ok := perr.(*domain.FieldError); ok {
		errs = append(errs, fe)
	}
	email := strings.TrimSpace(in.Email)
	if !validEmail(email) {
		errs = append(errs, &domain.FieldError{Field: "email", Message: fmt.Sprintf("邮箱“%s”格式不正确", email)})
	}
	if len(errs) > 0 {
		return store.PartnerContact{}, &access.ValidationError{Fields: errs}
	}
	c := store.PartnerContact{PartnerID: pt.ID, Name: name, Post: strings.TrimSpace(in.Post), Email: email, Created: s.now()}
	if phone != "" {
		c.PhoneSealed, c.PhoneMask = s.Sealer.Seal(phone), maskPhone(phone)
	}
	if err := s.Store.AddPartnerContact(ctx, &c); err != nil {
		return store.PartnerContact{}, fmt.Errorf("add contact: %w", err)
	}
	c.PhoneSealed = ""
	return c, nil
}

// LogInput records a contact with a partner. Cases are case numbers or
// ids; groups are group dispute ids.
type LogInput struct {
	PartnerID      int64
	Day            string
	Channel        string
	Topic, Summary string
	Cases, Groups  string
}

func splitRefs(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ' ' || r == '\n' || r == '\r' || r == ';' || r == '；'
	})
}

// LogContact records one contact: nothing is written unless every linked
// case and group is the committee's and within p's reach.
func (s *Service) LogContact(ctx context.Context, p *auth.Principal, in LogInput) (store.ContactLog, error) {
	pt, c, err := s.partner(ctx, p, in.PartnerID)
	if err != nil {
		return store.ContactLog{}, err
	}
	var errs []*domain.FieldError
	bad := func(f, m string) { errs = append(errs, &domain.FieldError{Field: f, Message: m}) }
	day, derr := calendar.ParseDate(strings.TrimSpace(in.Day))
	switch {
	case derr != nil || day.String() != strings.TrimSpace(in.Day):
		bad("day", "请填写联络日期，格式为 YYYY-MM-DD")
	case day.After(s.today()):
		bad("day", fmt.Sprintf("联络日期不能在未来：今天是 %s", s.today()))
	}
	if ChannelLabel(in.Channel) == "" {
		bad("channel", "请选择联络方式：电话、走访、会议、函件、微信工作群或其他")
	}
	topic := strings.TrimSpace(in.Topic)
	if topic == "" {
		bad("topic", "请填写联络事由")
	} else if utf8.RuneCountInString(topic) > 100 {
		bad("topic", "联络事由不能超过100字")
	}
	summary := strings.TrimSpace(in.Summary)
	if utf8.RuneCountInString(summary) > 2000 {
		bad("summary", "情况摘要不能超过2000字")
	}
	l := store.ContactLog{CommitteeID: c.ID, PartnerID: pt.ID, Day: day.String(), Channel: in.Channel, Topic: topic, Summary: summary,
		RecordedBy: p.UserID, Recorder: p.DisplayName, Created: s.now()}
	for _, ref := range splitRefs(in.Cases) {
		cs, err := s.findCase(ctx, p, ref)
		if err != nil {
			return store.ContactLog{}, err
		}
		if cs.ID == 0 || cs.CommitteeID != c.ID {
			bad("cases", fmt.Sprintf("案件“%s”不存在或不在本调委会的范围内", ref))
			continue
		}
		l.CaseIDs = append(l.CaseIDs, cs.ID)
	}
	for _, ref := range splitRefs(in.Groups) {
		id, _ := strconv.ParseInt(ref, 10, 64)
		g, err := s.Store.GetGroup(ctx, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return store.ContactLog{}, fmt.Errorf("get group: %w", err)
		}
		if err != nil || id == 0 || g.CommitteeID != c.ID {
			bad("groups", fmt.Sprintf("群体纠纷“%s”不存在或不属于本调委会", ref))
			continue
		}
		l.GroupIDs = append(l.GroupIDs, g.ID)
	}
	if len(errs) > 0 {
		return store.ContactLog{}, &access.ValidationError{Fields: errs}
	}
	if err := s.Store.AddContactLog(ctx, &l); err != nil {
		return store.ContactLog{}, fmt.Errorf("add contact log: %w", err)
	}
	return l, nil
}

// findCase finds a case by id or number among those p may read; the zero
// case when there is none (never saying whether it exists elsewhere).
func (s *Service) findCase(ctx context.Context, p *auth.Principal, ref string) (store.Case, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		c, err := s.Store.GetCase(ctx, id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !p.CanOnCase(domain.PermCaseRead, c)) {
			return store.Case{}, nil
		}
		return c, err
	}
	sc := p.Scope(domain.PermCaseRead)
	if len(sc.Prefixes) == 0 {
		return store.Case{}, nil
	}
	page, err := s.Store.ListCases(ctx, store.CaseQuery{Scope: sc, Text: ref, Limit: 5})
	if err != nil {
		return store.Case{}, fmt.Errorf("find case %s: %w", ref, err)
	}
	for _, c := range page.Cases {
		if c.Number == ref {
			return c, nil
		}
	}
	return store.Case{}, nil
}
