// Package bulletin is the committee's monthly 情况通报: drafted
// automatically after a month ends from the evaluation rollups (headline
// figures against last month and the same month last year, the 红黑榜, hot
// spots, typical cases, the month's warnings), edited and approved by the
// committee, and published as a liaison briefing — a frozen PDF with its
// SHA-256, sent to chosen partner units with one recipient row each and an
// SMS notice to their contacts. A published bulletin never changes; a
// correction is the next revision of the month. The workflow rules are
// internal/bulletinrules'.
package bulletin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/bulletinrules"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/liaison"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service drafts, shows, approves and publishes bulletins.
type Service struct {
	Store     store.Store
	Scorecard *scorecard.Service
	Liaison   *liaison.Service // publishing sends the bulletin as a briefing
	Now       func() time.Time
	// Hotspots, when set, answers the hot merchants and categories of a
	// unit over days (the analysis capability); nil: counted here.
	Hotspots func(ctx context.Context, unit, from, to string) ([]HotRow, error)
	// TypicalCases, when set, lists the typical cases a committee published
	// over days (the case library); nil: the section says there are none.
	TypicalCases func(ctx context.Context, committeeID int64, from, to string) ([]TypicalRef, error)
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) today() calendar.Date { return calendar.DateOf(s.now()) }

var errNotFound = access.NotFound("情况通报不存在或无权查看")

func invalid(field, msg string) error {
	return &access.ValidationError{Fields: []*domain.FieldError{{Field: field, Message: msg}}}
}

// Sections a committee may rewrite, in print order.
var sectionOrder = []struct{ Code, Heading string }{
	{"headline", "主要数据"}, {"ranking", "红黑榜"}, {"hotspots", "热点"}, {"cases", "典型案例"}, {"warnings", "预警情况"},
}

// SectionHeadings lists the sections' codes and headings in print order.
func SectionHeadings() [][2]string {
	out := make([][2]string, len(sectionOrder))
	for i, s := range sectionOrder {
		out[i] = [2]string{s.Code, s.Heading}
	}
	return out
}

// scope is what one principal reaches: committees whose every bulletin they
// read (routine.read or stats.read at or above the committee), committees
// whose published bulletins they read (any staff binding within or above
// the committee's district — partner units included), every unit.
type scope struct {
	units     []store.OrgUnit
	full      map[int64]bool
	published map[int64]bool
}

// outside are the roles that see no bulletin: the parties, machine
// clients, the system administrator, the security auditor and experts.
var outside = map[domain.Role]bool{domain.RoleConsumer: true, domain.RoleMerchant: true, domain.RoleMachine: true,
	domain.RoleAdmin: true, domain.RoleAuditor: true, domain.RoleExpert: true}

func (s *Service) resolve(ctx context.Context, p *auth.Principal) (scope, error) {
	sc := scope{full: map[int64]bool{}, published: map[int64]bool{}}
	if p == nil {
		return sc, access.Forbidden("请先登录")
	}
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return sc, fmt.Errorf("list org units: %w", err)
	}
	sc.units = units
	byID := map[int64]store.OrgUnit{}
	for _, u := range units {
		byID[u.ID] = u
	}
	for _, c := range units {
		if c.Kind != domain.OrgCommittee {
			continue
		}
		if p.Reaches(domain.PermRoutineRead, c.Path) || p.Reaches(domain.PermStatsRead, c.Path) {
			sc.full[c.ID], sc.published[c.ID] = true, true
			continue
		}
		district := c.Path
		if d, ok := byID[c.ParentID]; ok {
			district = d.Path
		}
		for _, b := range p.Bindings {
			if outside[b.Role] || b.OrgPath == "" {
				continue
			}
			if strings.HasPrefix(district, b.OrgPath) || strings.HasPrefix(b.OrgPath, district) {
				sc.published[c.ID] = true
			}
		}
	}
	return sc, nil
}

func (sc scope) unit(id int64) (store.OrgUnit, bool) {
	for _, u := range sc.units {
		if u.ID == id {
			return u, true
		}
	}
	return store.OrgUnit{}, false
}

func (sc scope) sees(b store.Bulletin) bool {
	return sc.full[b.CommitteeID] || (b.State == store.BulletinPublished && sc.published[b.CommitteeID])
}

// Summary is a bulletin in a list.
type Summary struct {
	store.Bulletin
	CommitteeName string
	StateLabel    string
	Period        string // "2026年2月"
}

// List answers the bulletins p may read, newest month first: every state
// for the committee's own readers, the published ones for partner units.
// Opening the list drafts the last ended month's bulletin of each
// committee the reader manages when it is missing.
func (s *Service) List(ctx context.Context, p *auth.Principal, month string) ([]Summary, error) {
	sc, err := s.resolve(ctx, p)
	if err != nil {
		return nil, err
	}
	month = strings.TrimSpace(month)
	if month != "" {
		if _, err := time.Parse("2006-01", month); err != nil {
			return nil, invalid("month", fmt.Sprintf("月份“%s”无效，格式为 YYYY-MM", month))
		}
	}
	var ids []int64
	for _, u := range sc.units {
		if sc.published[u.ID] {
			ids = append(ids, u.ID)
		}
		if u.Kind == domain.OrgCommittee && p.Reaches(domain.PermBulletinManage, u.Path) {
			if _, _, err := s.ensure(ctx, u, bulletinrules.LastEnded(s.today())); err != nil {
				return nil, err
			}
		}
	}
	if ids == nil {
		ids = []int64{}
	}
	rows, err := s.Store.ListBulletins(ctx, store.BulletinQuery{CommitteeIDs: ids, Month: month})
	if err != nil {
		return nil, fmt.Errorf("list bulletins: %w", err)
	}
	out := []Summary{}
	for _, b := range rows {
		if !sc.sees(b) {
			continue
		}
		c, _ := sc.unit(b.CommitteeID)
		t, _ := time.Parse("2006-01", b.Month)
		out = append(out, Summary{Bulletin: b, CommitteeName: c.Name, StateLabel: bulletinrules.StateLabel(b.State),
			Period: fmt.Sprintf("%d年%d月", t.Year(), int(t.Month()))})
	}
	return out, nil
}

// Ref names another revision of the same month.
type Ref struct {
	ID       int64
	Revision int
	State    string
}

// Section is one section as shown and printed: the committee's text when
// it wrote one, else the generated summary.
type Section struct {
	Code, Heading string
	Text          string
	Generated     string
	Edited        bool
}

// View is one bulletin as shown.
type View struct {
	store.Bulletin
	Committee  store.OrgUnit
	Content    Content
	Texts      map[string]string
	Sections   []Section
	StateLabel string
	Recipients []liaison.Recipient
	Revisions  []Ref // every revision of the month, newest first
	CanEdit    bool
	CanApprove bool
	CanPublish bool
	CanRevise  bool
	Partners   []store.Partner // the register, to choose recipients from (publishers only)
}

func decode(b store.Bulletin) (Content, map[string]string, error) {
	var c Content
	if err := json.Unmarshal([]byte(b.Figures), &c); err != nil {
		return c, nil, fmt.Errorf("bulletin %d figures: %w", b.ID, err)
	}
	texts := map[string]string{}
	if b.Sections != "" {
		if err := json.Unmarshal([]byte(b.Sections), &texts); err != nil {
			return c, nil, fmt.Errorf("bulletin %d sections: %w", b.ID, err)
		}
	}
	return c, texts, nil
}

func sectionsOf(c Content, texts map[string]string) []Section {
	gen := map[string]string{"headline": c.Headline.Summary, "ranking": c.Ranking.Summary, "hotspots": c.Hotspots.Summary,
		"cases": c.Cases.Summary, "warnings": c.Warnings.Summary}
	var out []Section
	for _, s := range sectionOrder {
		sec := Section{Code: s.Code, Heading: s.Heading, Generated: gen[s.Code], Text: gen[s.Code]}
		if t := strings.TrimSpace(texts[s.Code]); t != "" {
			sec.Text, sec.Edited = t, true
		}
		out = append(out, sec)
	}
	return out
}

// load reads a bulletin p may see, refreshing a draft's figures.
func (s *Service) load(ctx context.Context, p *auth.Principal, id int64) (View, error) {
	sc, err := s.resolve(ctx, p)
	if err != nil {
		return View{}, err
	}
	b, err := s.Store.GetBulletin(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !sc.sees(b)) {
		return View{}, errNotFound
	}
	if err != nil {
		return View{}, fmt.Errorf("get bulletin: %w", err)
	}
	c, ok := sc.unit(b.CommitteeID)
	if !ok {
		return View{}, errNotFound
	}
	if _, err := bulletinrules.Next(b.State, bulletinrules.Refresh); err == nil {
		if b, err = s.refresh(ctx, c, b); err != nil {
			return View{}, err
		}
	}
	return s.view(ctx, p, c, b)
}

func (s *Service) view(ctx context.Context, p *auth.Principal, c store.OrgUnit, b store.Bulletin) (View, error) {
	content, texts, err := decode(b)
	if err != nil {
		return View{}, err
	}
	v := View{Bulletin: b, Committee: c, Content: content, Texts: texts, Sections: sectionsOf(content, texts), StateLabel: bulletinrules.StateLabel(b.State)}
	manage := p.Reaches(domain.PermBulletinManage, c.Path)
	_, e1 := bulletinrules.Next(b.State, bulletinrules.Edit)
	_, e2 := bulletinrules.Next(b.State, bulletinrules.Approve)
	_, e3 := bulletinrules.Next(b.State, bulletinrules.Publish)
	_, e4 := bulletinrules.Next(b.State, bulletinrules.Revise)
	v.CanEdit, v.CanApprove, v.CanPublish, v.CanRevise = manage && e1 == nil, manage && e2 == nil, manage && e3 == nil, manage && e4 == nil
	if b.BriefingID != 0 {
		br, err := s.Store.GetBriefing(ctx, b.BriefingID)
		if err != nil {
			return View{}, fmt.Errorf("briefing of bulletin %d: %w", b.ID, err)
		}
		v.Recipients = br.Recipients
	}
	if v.CanPublish {
		if v.Partners, err = s.Store.ListPartners(ctx, []int64{c.ID}); err != nil {
			return View{}, fmt.Errorf("partners: %w", err)
		}
	}
	revs, err := s.Store.ListBulletins(ctx, store.BulletinQuery{CommitteeIDs: []int64{c.ID}, Month: b.Month})
	if err != nil {
		return View{}, fmt.Errorf("revisions: %w", err)
	}
	for _, r := range revs {
		v.Revisions = append(v.Revisions, Ref{ID: r.ID, Revision: r.Revision, State: r.State})
	}
	return v, nil
}

// Get is one bulletin p may see; a draft's figures follow the rollups
// until it is approved.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (View, error) {
	return s.load(ctx, p, id)
}

func titleOf(c store.OrgUnit, per bulletinrules.Period, revision int) string {
	name := c.Name
	if i := strings.Index(name, "消费纠纷"); i > 0 {
		name = name[:i]
	}
	t := fmt.Sprintf("%s消费纠纷人民调解工作情况通报（%s）", name, per.Label())
	if revision > 1 {
		t += fmt.Sprintf("（更正版·第%d版）", revision)
	}
	return t
}

// ensure drafts the committee's bulletin for the month unless one exists;
// it returns the latest revision and whether it drafted it.
func (s *Service) ensure(ctx context.Context, c store.OrgUnit, per bulletinrules.Period) (store.Bulletin, bool, error) {
	have, err := s.Store.ListBulletins(ctx, store.BulletinQuery{CommitteeIDs: []int64{c.ID}, Month: per.Month, Limit: 1})
	if err != nil {
		return store.Bulletin{}, false, fmt.Errorf("bulletins of %s: %w", c.Code, err)
	}
	if len(have) > 0 {
		return have[0], false, nil
	}
	content, err := s.compute(ctx, c, per)
	if err != nil {
		return store.Bulletin{}, false, err
	}
	raw, err := json.Marshal(content)
	if err != nil {
		return store.Bulletin{}, false, fmt.Errorf("encode bulletin: %w", err)
	}
	now := s.now()
	b := store.Bulletin{CommitteeID: c.ID, Month: per.Month, Revision: 1, State: store.BulletinDraft, Title: titleOf(c, per, 1),
		Figures: string(raw), Sections: "{}", Drafted: now, Refreshed: now}
	switch err := s.Store.AddBulletin(ctx, &b); {
	case errors.Is(err, store.ErrConflict): // drafted meanwhile (another instance or request)
		have, err := s.Store.ListBulletins(ctx, store.BulletinQuery{CommitteeIDs: []int64{c.ID}, Month: per.Month, Limit: 1})
		if err != nil || len(have) == 0 {
			return store.Bulletin{}, false, fmt.Errorf("bulletin of %s for %s after a conflict: %v", c.Code, per.Month, err)
		}
		return have[0], false, nil
	case err != nil:
		return store.Bulletin{}, false, fmt.Errorf("draft bulletin of %s for %s: %w", c.Code, per.Month, err)
	}
	return b, true, nil
}

// refresh recomputes a draft's figures and stores them when they changed.
func (s *Service) refresh(ctx context.Context, c store.OrgUnit, b store.Bulletin) (store.Bulletin, error) {
	t, err := time.Parse("2006-01", b.Month)
	if err != nil {
		return b, fmt.Errorf("bulletin %d month %q: %w", b.ID, b.Month, err)
	}
	content, err := s.compute(ctx, c, bulletinrules.MonthOf(t.Year(), t.Month()))
	if err != nil {
		return b, err
	}
	raw, err := json.Marshal(content)
	if err != nil {
		return b, fmt.Errorf("encode bulletin: %w", err)
	}
	if string(raw) == b.Figures {
		return b, nil
	}
	next := b
	next.Figures, next.Refreshed = string(raw), s.now()
	switch err := s.Store.UpdateBulletin(ctx, &next, store.BulletinDraft, store.BulletinEdited); {
	case errors.Is(err, store.ErrStale): // changed meanwhile: show what is stored
		return s.Store.GetBulletin(ctx, b.ID)
	case err != nil:
		return b, fmt.Errorf("refresh bulletin %d: %w", b.ID, err)
	}
	return next, nil
}

// managed finds the committee by code and checks p may manage its bulletins.
func (s *Service) managed(ctx context.Context, p *auth.Principal, unit string) (store.OrgUnit, error) {
	if p == nil || !p.Can(domain.PermBulletinManage) {
		return store.OrgUnit{}, access.Forbidden("无权起草情况通报")
	}
	unit = strings.TrimSpace(unit)
	if unit == "" {
		return store.OrgUnit{}, invalid("unit", "请指定调委会（unit，如 pd-cmt）")
	}
	u, err := s.Store.GetOrgUnitByCode(ctx, unit)
	if errors.Is(err, store.ErrNotFound) {
		return store.OrgUnit{}, access.NotFound(fmt.Sprintf("找不到单位“%s”", unit))
	}
	if err != nil {
		return store.OrgUnit{}, fmt.Errorf("get unit: %w", err)
	}
	if !p.Reaches(domain.PermBulletinManage, u.Path) {
		return store.OrgUnit{}, access.NotFound(fmt.Sprintf("找不到单位“%s”", unit))
	}
	if u.Kind != domain.OrgCommittee {
		return store.OrgUnit{}, invalid("unit", fmt.Sprintf("“%s”不是调委会：情况通报由调委会起草", u.Name))
	}
	return u, nil
}

// Draft answers the committee's bulletin for a month that has ended,
// drafting it when there is none (created reports that).
func (s *Service) Draft(ctx context.Context, p *auth.Principal, unit, month string) (View, bool, error) {
	c, err := s.managed(ctx, p, unit)
	if err != nil {
		return View{}, false, err
	}
	per, err := bulletinrules.CheckMonth(month, s.today())
	if err != nil {
		return View{}, false, invalid("month", err.Error())
	}
	b, created, err := s.ensure(ctx, c, per)
	if err != nil {
		return View{}, false, err
	}
	v, err := s.load(ctx, p, b.ID)
	return v, created, err
}

// DraftDue drafts the last ended month's bulletin of every committee that
// has none (the periodic job after month end) and returns how many.
func (s *Service) DraftDue(ctx context.Context) (int, error) {
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return 0, fmt.Errorf("list org units: %w", err)
	}
	per := bulletinrules.LastEnded(s.today())
	n := 0
	for _, u := range units {
		if u.Kind != domain.OrgCommittee {
			continue
		}
		_, created, err := s.ensure(ctx, u, per)
		if err != nil {
			return n, err
		}
		if created {
			n++
		}
	}
	return n, nil
}

// guard loads a bulletin p manages and checks the action is allowed now.
func (s *Service) guard(ctx context.Context, p *auth.Principal, id int64, action string) (View, string, error) {
	v, err := s.load(ctx, p, id)
	if err != nil {
		return View{}, "", err
	}
	if !p.Reaches(domain.PermBulletinManage, v.Committee.Path) {
		return View{}, "", access.Forbidden("无权办理该调委会的情况通报")
	}
	next, err := bulletinrules.Next(v.State, action)
	if err != nil {
		return View{}, "", access.Conflict(err.Error())
	}
	return v, next, nil
}

func stale(err error) error {
	if errors.Is(err, store.ErrStale) {
		return access.Conflict("该通报刚被他人修改或办理，请刷新后重试")
	}
	return err
}

// EditInput is the committee's texts.
type EditInput struct {
	Title    string
	Remarks  string
	Sections map[string]string // section code → the committee's text ("" restores the generated one)
}

// Edit saves the committee's texts; editing an approved bulletin withdraws
// the approval; a published one is refused.
func (s *Service) Edit(ctx context.Context, p *auth.Principal, id int64, in EditInput) (View, error) {
	v, next, err := s.guard(ctx, p, id, bulletinrules.Edit)
	if err != nil {
		return View{}, err
	}
	var errs []*domain.FieldError
	title := strings.TrimSpace(in.Title)
	if title == "" {
		title = v.Title
	}
	if utf8.RuneCountInString(title) > 80 {
		errs = append(errs, &domain.FieldError{Field: "title", Message: "通报标题不超过80字"})
	}
	remarks := strings.TrimSpace(in.Remarks)
	if utf8.RuneCountInString(remarks) > 2000 {
		errs = append(errs, &domain.FieldError{Field: "remarks", Message: "调委会意见不超过2000字"})
	}
	texts := map[string]string{}
	for k, t := range v.Texts {
		texts[k] = t
	}
	known := map[string]bool{}
	for _, s := range sectionOrder {
		known[s.Code] = true
	}
	for k, t := range in.Sections {
		t = strings.TrimSpace(t)
		switch {
		case !known[k]:
			errs = append(errs, &domain.FieldError{Field: "sections", Message: fmt.Sprintf("没有“%s”这一节：可编辑的是 headline、ranking、hotspots、cases、warnings", k)})
		case utf8.RuneCountInString(t) > 1000:
			errs = append(errs, &domain.FieldError{Field: "sections." + k, Message: "每节文字不超过1000字"})
		case t == "":
			delete(texts, k)
		default:
			texts[k] = t
		}
	}
	if len(errs) > 0 {
		return View{}, &access.ValidationError{Fields: errs}
	}
	raw, err := json.Marshal(texts)
	if err != nil {
		return View{}, fmt.Errorf("encode sections: %w", err)
	}
	b := v.Bulletin
	now := s.now()
	b.State, b.Title, b.Remarks, b.Sections = next, title, remarks, string(raw)
	b.EditedBy, b.Editor, b.Edited = p.UserID, p.DisplayName, &now
	b.ApprovedBy, b.Approver, b.Approved = 0, "", nil
	if err := s.Store.UpdateBulletin(ctx, &b, store.BulletinDraft, store.BulletinEdited, store.BulletinApproved); err != nil {
		return View{}, stale(err)
	}
	return s.load(ctx, p, id)
}

// Approve records the committee's approval: the figures are brought up to
// date one last time and frozen with the texts. The approver may be the
// last editor (a committee may have one director); who approved is kept.
func (s *Service) Approve(ctx context.Context, p *auth.Principal, id int64) (View, error) {
	if _, err := s.Scorecard.CatchUp(ctx); err != nil {
		return View{}, err
	}
	v, next, err := s.guard(ctx, p, id, bulletinrules.Approve)
	if err != nil {
		return View{}, err
	}
	b := v.Bulletin
	now := s.now()
	b.State, b.ApprovedBy, b.Approver, b.Approved = next, p.UserID, p.DisplayName, &now
	if err := s.Store.UpdateBulletin(ctx, &b, store.BulletinDraft, store.BulletinEdited); err != nil {
		return View{}, stale(err)
	}
	return s.load(ctx, p, id)
}

// Publish freezes an approved bulletin as a PDF and sends it to the chosen
// partners of the committee's liaison register: the briefing (PDF,
// SHA-256, recipients, SMS notices) and the bulletin's new state commit
// together.
func (s *Service) Publish(ctx context.Context, p *auth.Principal, id int64, partnerIDs []int64) (View, error) {
	v, next, err := s.guard(ctx, p, id, bulletinrules.Publish)
	if err != nil {
		return View{}, err
	}
	if s.Liaison == nil {
		return View{}, errors.New("bulletin: no liaison service to send through")
	}
	body := plainText(v)
	if utf8.RuneCountInString(body) > 10000 {
		body = v.Sections[0].Text + "\n" + v.Remarks + "\n（全文见PDF）"
	}
	in := liaison.BriefingInput{CommitteeID: v.CommitteeID, Title: v.Title, From: v.Content.From, To: v.Content.To, Body: body, PartnerIDs: partnerIDs}
	render := func(names []string, at time.Time) ([]byte, error) { return renderPDF(v, names, at) }
	_, err = s.Liaison.SendDocument(ctx, p, in, render, func(tx store.Store, br store.Briefing) error {
		b := v.Bulletin
		at := br.Created
		b.State, b.PublishedBy, b.Publisher, b.Published, b.BriefingID, b.SHA256 = next, p.UserID, p.DisplayName, &at, br.ID, br.SHA256
		return tx.UpdateBulletin(ctx, &b, store.BulletinApproved)
	})
	if err != nil {
		if errors.Is(err, store.ErrStale) {
			return View{}, stale(store.ErrStale)
		}
		return View{}, err
	}
	return s.load(ctx, p, id)
}

// Revise starts a correction of a published bulletin: the next revision of
// the month, drafted afresh with the published texts, saying why.
func (s *Service) Revise(ctx context.Context, p *auth.Principal, id int64, reason string) (View, error) {
	v, _, err := s.guard(ctx, p, id, bulletinrules.Revise)
	if err != nil {
		return View{}, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return View{}, invalid("reason", "请写明更正理由（不超过500字）")
	}
	latest := v.Revisions[0]
	if latest.State != store.BulletinPublished {
		return View{}, access.Conflict(fmt.Sprintf("该月已有未发布的第%d版，请在其上修改", latest.Revision))
	}
	if latest.ID != v.ID {
		return View{}, access.Conflict(fmt.Sprintf("该月已有更新的第%d版，请更正最新版", latest.Revision))
	}
	t, _ := time.Parse("2006-01", v.Month)
	per := bulletinrules.MonthOf(t.Year(), t.Month())
	content, err := s.compute(ctx, v.Committee, per)
	if err != nil {
		return View{}, err
	}
	raw, err := json.Marshal(content)
	if err != nil {
		return View{}, fmt.Errorf("encode bulletin: %w", err)
	}
	now := s.now()
	b := store.Bulletin{CommitteeID: v.CommitteeID, Month: v.Month, Revision: v.Revision + 1, CorrectsID: v.ID, Reason: reason,
		State: store.BulletinDraft, Title: titleOf(v.Committee, per, v.Revision+1), Figures: string(raw), Sections: v.Bulletin.Sections,
		Remarks: v.Remarks, DraftedBy: p.UserID, Drafted: now, Refreshed: now}
	if err := s.Store.AddBulletin(ctx, &b); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return View{}, access.Conflict("该月的更正版刚由他人生成，请刷新")
		}
		return View{}, fmt.Errorf("revise bulletin %d: %w", id, err)
	}
	return s.load(ctx, p, b.ID)
}

// PDF is a published bulletin's frozen PDF and its file name.
func (s *Service) PDF(ctx context.Context, p *auth.Principal, id int64) ([]byte, string, error) {
	v, err := s.load(ctx, p, id)
	if err != nil {
		return nil, "", err
	}
	if v.BriefingID == 0 {
		return nil, "", access.Conflict("该通报尚未发布，发布时生成PDF")
	}
	br, err := s.Store.GetBriefing(ctx, v.BriefingID)
	if err != nil {
		return nil, "", fmt.Errorf("briefing of bulletin %d: %w", id, err)
	}
	return br.PDF, v.Title + ".pdf", nil
}

// Committees are the committees whose bulletins p drafts and manages.
func (s *Service) Committees(ctx context.Context, p *auth.Principal) ([]store.OrgUnit, error) {
	if p == nil || !p.Can(domain.PermBulletinManage) {
		return nil, nil
	}
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return nil, fmt.Errorf("list org units: %w", err)
	}
	var out []store.OrgUnit
	for _, u := range units {
		if u.Kind == domain.OrgCommittee && p.Reaches(domain.PermBulletinManage, u.Path) {
			out = append(out, u)
		}
	}
	return out, nil
}

// StateLabel names a bulletin state.
func StateLabel(s string) string { return bulletinrules.StateLabel(s) }
