// Package grouping finds likely duplicate complaints on intake and surges of
// similar complaints against one merchant (群体性纠纷), and lets staff merge
// or dismiss duplicates and form group disputes.
package grouping

import (
	"context"
	"errors"
	"fmt"
	"github.com/tiaojie/tiaojie/internal/access"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/dedup"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service is the grouping capability.
type Service struct {
	Store    store.Store
	Settings dedup.Settings // zero value: dedup.DefaultSettings()
	Now      func() time.Time
	Sender   notify.Sender // group notices
	Sealer   *pii.Sealer

	proposals proposalMemo
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Within is the service with its reads and writes in transaction tx (and
// without the remembered proposals, which are the committed cases').
func (s *Service) Within(tx store.Store) *Service {
	return &Service{Store: tx, Settings: s.Settings, Now: s.Now, Sender: s.Sender, Sealer: s.Sealer}
}

func (s *Service) settings() dedup.Settings {
	if s.Settings == (dedup.Settings{}) {
		return dedup.DefaultSettings()
	}
	return s.Settings
}

func toComplaint(c store.DedupCandidate) dedup.Complaint {
	key := c.CreditCode
	if key == "" {
		key = dedup.Normalize(c.MerchantName)
	}
	return dedup.Complaint{ID: c.CaseID, PhoneHash: c.PhoneHash, MerchantID: c.MerchantID, MerchantKey: key,
		MerchantName: c.MerchantName, Text: c.Text, ReceivedAt: c.ReceivedAt}
}

// Check flags the likely duplicates of a newly registered case (same phone,
// same merchant, similar text within the window). It is intake's hook.
func (s *Service) Check(ctx context.Context, c store.Case) error {
	var phone string
	for _, p := range c.Parties {
		if p.Kind == "consumer" {
			phone = p.PhoneHash
		}
	}
	if phone == "" {
		return nil
	}
	set := s.settings()
	cands, err := s.Store.ListDedupCandidates(ctx, store.DedupQuery{CommitteeID: c.CommitteeID, PhoneHash: phone,
		Since: c.ReceivedAt.Add(-set.DuplicateWindow), Until: c.ReceivedAt.Add(set.DuplicateWindow + time.Second)})
	if err != nil {
		return fmt.Errorf("duplicate check: %w", err)
	}
	var self dedup.Complaint
	var others []dedup.Complaint
	for _, x := range cands {
		if x.CaseID == c.ID {
			self = toComplaint(x)
		} else {
			others = append(others, toComplaint(x))
		}
	}
	if self.ID == 0 {
		return nil
	}
	var flags []store.DuplicateFlag
	for _, m := range dedup.FindDuplicates(self, others, set) {
		flags = append(flags, store.DuplicateFlag{CaseID: c.ID, OtherID: m.ID, Score: m.Score, Reasons: strings.Join(m.Reasons, "；")})
	}
	return s.Store.AddDuplicateFlags(ctx, flags)
}

// CheckBatch flags the likely duplicates of newly registered cases, given in
// the order they were registered, as Check called after each registration
// would: each case is compared with the complaints registered before it (the
// earlier ones of the batch included, the later ones not). The candidates of
// the whole batch come in one read per committee.
func (s *Service) CheckBatch(ctx context.Context, cs []store.Case) error {
	set := s.settings()
	type group struct {
		phones      []string
		seen        map[string]bool
		since, till time.Time
	}
	groups := map[int64]*group{}
	var order []int64
	pos := map[int64]int{} // case id → its place in the batch
	phoneOf := make([]string, len(cs))
	for i, c := range cs {
		pos[c.ID] = i
		for _, p := range c.Parties {
			if p.Kind == "consumer" {
				phoneOf[i] = p.PhoneHash
			}
		}
		if phoneOf[i] == "" {
			continue
		}
		g := groups[c.CommitteeID]
		if g == nil {
			g = &group{seen: map[string]bool{}, since: c.ReceivedAt, till: c.ReceivedAt}
			groups[c.CommitteeID] = g
			order = append(order, c.CommitteeID)
		}
		if !g.seen[phoneOf[i]] {
			g.seen[phoneOf[i]] = true
			g.phones = append(g.phones, phoneOf[i])
		}
		if c.ReceivedAt.Before(g.since) {
			g.since = c.ReceivedAt
		}
		if c.ReceivedAt.After(g.till) {
			g.till = c.ReceivedAt
		}
	}
	var flags []store.DuplicateFlag
	for _, committee := range order {
		g := groups[committee]
		cands, err := s.Store.ListDedupCandidates(ctx, store.DedupQuery{CommitteeID: committee, PhoneHashes: g.phones,
			Since: g.since.Add(-set.DuplicateWindow), Until: g.till.Add(set.DuplicateWindow + time.Second)})
		if err != nil {
			return fmt.Errorf("duplicate check: %w", err)
		}
		byPhone := map[string][]store.DedupCandidate{}
		for _, x := range cands {
			byPhone[x.PhoneHash] = append(byPhone[x.PhoneHash], x)
		}
		for i, c := range cs {
			if c.CommitteeID != committee || phoneOf[i] == "" {
				continue
			}
			since, until := c.ReceivedAt.Add(-set.DuplicateWindow), c.ReceivedAt.Add(set.DuplicateWindow+time.Second)
			var self dedup.Complaint
			var others []dedup.Complaint
			for _, x := range byPhone[phoneOf[i]] {
				if x.ReceivedAt.Before(since) || !x.ReceivedAt.Before(until) {
					continue
				}
				if j, in := pos[x.CaseID]; in && j > i {
					continue // registered after this one
				}
				if x.CaseID == c.ID {
					self = toComplaint(x)
				} else {
					others = append(others, toComplaint(x))
				}
			}
			if self.ID == 0 {
				continue
			}
			for _, m := range dedup.FindDuplicates(self, others, set) {
				flags = append(flags, store.DuplicateFlag{CaseID: c.ID, OtherID: m.ID, Score: m.Score, Reasons: strings.Join(m.Reasons, "；")})
			}
		}
	}
	return s.Store.AddDuplicateFlags(ctx, flags)
}

// FlagView is a duplicate flag as the case page shows it.
type FlagView struct {
	Flag  store.DuplicateFlag
	Other store.Case // the other case of the pair
}

// Flags lists the duplicate flags of a case the actor may read.
func (s *Service) Flags(ctx context.Context, p *auth.Principal, c store.Case) ([]FlagView, error) {
	fs, err := s.Store.ListDuplicateFlags(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var out []FlagView
	for _, f := range fs {
		otherID := f.OtherID
		if otherID == c.ID {
			otherID = f.CaseID
		}
		o, err := s.Store.GetCase(ctx, otherID)
		if err != nil || !p.CanOnCase(domain.PermCaseRead, o) {
			continue
		}
		out = append(out, FlagView{Flag: f, Other: o})
	}
	return out, nil
}

// flagFor loads an open flag naming caseID, checking the actor may decide both cases.
func (s *Service) flagFor(ctx context.Context, p *auth.Principal, caseID, flagID int64) (store.DuplicateFlag, store.Case, store.Case, error) {
	fs, err := s.Store.ListDuplicateFlags(ctx, caseID)
	if err != nil {
		return store.DuplicateFlag{}, store.Case{}, store.Case{}, err
	}
	for _, f := range fs {
		if f.ID != flagID {
			continue
		}
		if f.Status != "open" {
			return f, store.Case{}, store.Case{}, &domain.FieldError{Field: "flag", Message: "该疑似重复提示已处理"}
		}
		a, err1 := s.Store.GetCase(ctx, f.CaseID)
		b, err2 := s.Store.GetCase(ctx, f.OtherID)
		if err1 != nil || err2 != nil || !p.CanOnCase(domain.PermCaseRead, a) || !p.CanOnCase(domain.PermCaseRead, b) {
			return f, a, b, access.ErrNotFound
		}
		if !p.CanOnCase(domain.PermCaseDecide, a) || !p.CanOnCase(domain.PermCaseDecide, b) {
			return f, a, b, access.ErrForbidden
		}
		return f, a, b, nil
	}
	return store.DuplicateFlag{}, store.Case{}, store.Case{}, access.ErrNotFound
}

// Dismiss records that the two complaints are not duplicates.
func (s *Service) Dismiss(ctx context.Context, p *auth.Principal, caseID, flagID int64) error {
	f, _, _, err := s.flagFor(ctx, p, caseID, flagID)
	if err != nil {
		return err
	}
	return s.Store.ResolveDuplicateFlag(ctx, f.ID, "dismissed", p.UserID, s.now())
}

// Merge closes the later complaint of a flagged pair into the earlier one,
// which keeps the dispute; the closed one keeps its own ids and history and
// points at the case that continues.
func (s *Service) Merge(ctx context.Context, p *auth.Principal, caseID, flagID int64) (store.Case, error) {
	_, a, b, err := s.flagFor(ctx, p, caseID, flagID)
	if err != nil {
		return store.Case{}, err
	}
	keep, drop := a, b
	if b.ReceivedAt.Before(a.ReceivedAt) || (b.ReceivedAt.Equal(a.ReceivedAt) && b.ID < a.ID) {
		keep, drop = b, a
	}
	if !keep.Status.Open() {
		return store.Case{}, &domain.FieldError{Field: "flag", Message: "保留的案件" + keep.Number + "已办结，不能合并"}
	}
	to, err := domain.Next(domain.ActionMerge, domain.Facts{Status: drop.Status, MergedInto: keep.ID})
	if err != nil {
		return store.Case{}, err
	}
	now := s.now()
	reason := "merged_duplicate"
	err = s.Store.MergeCase(ctx, drop.ID, drop.Version, keep.ID, store.CaseChange{Status: to, ClosedAt: &now, ReasonCode: &reason},
		store.Event{Type: string(domain.ActionMerge), ActorID: p.UserID, ActorName: p.DisplayName, At: now,
			Note: fmt.Sprintf("与%s系同一纠纷，合并至该案件办理", keep.Number)},
		store.Event{Type: "merged_in", ActorID: p.UserID, ActorName: p.DisplayName, At: now,
			Note: fmt.Sprintf("并入重复投诉%s%s", drop.Number, extIDs(drop))})
	if errors.Is(err, store.ErrStale) {
		return store.Case{}, access.ErrStale
	}
	if err != nil {
		return store.Case{}, err
	}
	return s.Store.GetCase(ctx, keep.ID)
}

func extIDs(c store.Case) string {
	var ids []string
	if c.ExternalID != "" {
		ids = append(ids, "投诉编号"+c.ExternalID)
	}
	if c.CourtNumber != "" {
		ids = append(ids, "法院案号"+c.CourtNumber)
	}
	if len(ids) == 0 {
		return ""
	}
	return "（" + strings.Join(ids, "，") + "）"
}

// CreateGroup forms a group dispute of open complaints of one committee.
func (s *Service) CreateGroup(ctx context.Context, p *auth.Principal, committee store.OrgUnit, caseIDs []int64, title, facts, reason string) (store.Group, error) {
	if !p.Reaches(domain.PermCaseDecide, committee.Path) {
		return store.Group{}, access.ErrForbidden
	}
	title = strings.TrimSpace(title)
	if title == "" || utf8.RuneCountInString(title) > 100 {
		return store.Group{}, &domain.FieldError{Field: "title", Message: "请填写群体性纠纷名称（不超过100字）"}
	}
	slices.Sort(caseIDs)
	caseIDs = slices.Compact(caseIDs)
	if len(caseIDs) < 2 {
		return store.Group{}, &domain.FieldError{Field: "cases", Message: "群体性纠纷至少包括两件投诉"}
	}
	g := store.Group{CommitteeID: committee.ID, Title: title, Facts: strings.TrimSpace(facts), Reason: reason, CreatedBy: p.UserID}
	for _, id := range caseIDs {
		c, err := s.Store.GetCase(ctx, id)
		if err != nil || c.CommitteeID != committee.ID || !p.CanOnCase(domain.PermCaseRead, c) {
			return store.Group{}, &domain.FieldError{Field: "cases", Message: fmt.Sprintf("案件%d不属于本调委会", id)}
		}
		if !c.Status.Open() {
			return store.Group{}, &domain.FieldError{Field: "cases", Message: c.Number + "已办结，不能加入群体性纠纷"}
		}
		if g.MerchantID == 0 {
			g.MerchantID, g.MerchantName = c.MerchantID, c.MerchantName
		}
	}
	if err := s.Store.CreateGroup(ctx, &g, caseIDs); errors.Is(err, store.ErrConflict) {
		return g, &domain.FieldError{Field: "cases", Message: "其中有投诉已属于其他群体性纠纷"}
	} else if err != nil {
		return g, err
	}
	return g, nil
}

// Group loads a group the actor may see.
func (s *Service) Group(ctx context.Context, p *auth.Principal, id int64) (store.Group, error) {
	g, err := s.Store.GetGroup(ctx, id)
	if err != nil {
		return g, access.ErrNotFound
	}
	committee, err := s.Store.GetOrgUnit(ctx, g.CommitteeID)
	if err != nil || !p.Reaches(domain.PermCaseRead, committee.Path) {
		return store.Group{}, access.ErrNotFound
	}
	return g, nil
}

// SetRepresentatives chooses up to two members who speak for the group.
func (s *Service) SetRepresentatives(ctx context.Context, p *auth.Principal, groupID int64, caseIDs []int64) error {
	g, err := s.Group(ctx, p, groupID)
	if err != nil {
		return err
	}
	committee, err := s.Store.GetOrgUnit(ctx, g.CommitteeID)
	if err != nil {
		return fmt.Errorf("committee of case: %w", err)
	}
	if !p.Reaches(domain.PermCaseDecide, committee.Path) {
		return access.ErrForbidden
	}
	if len(caseIDs) > 2 {
		return &domain.FieldError{Field: "representatives", Message: "代表人最多两名"}
	}
	if err := s.Store.SetGroupRepresentatives(ctx, groupID, caseIDs); errors.Is(err, store.ErrNotFound) {
		return &domain.FieldError{Field: "representatives", Message: "代表人须为本群体性纠纷的投诉人"}
	} else if err != nil {
		return err
	}
	return nil
}

// Notify texts every complainant of a group (e.g. the joint session's time
// and place); it returns how many messages were queued.
func (s *Service) Notify(ctx context.Context, p *auth.Principal, groupID int64, text string) (int, error) {
	g, err := s.Group(ctx, p, groupID)
	if err != nil {
		return 0, err
	}
	committee, err := s.Store.GetOrgUnit(ctx, g.CommitteeID)
	if err != nil {
		return 0, fmt.Errorf("committee of case: %w", err)
	}
	if !p.Reaches(domain.PermCaseDecide, committee.Path) {
		return 0, access.ErrForbidden
	}
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > 300 {
		return 0, &domain.FieldError{Field: "text", Message: "请填写通知内容（不超过300字）"}
	}
	if s.Sender == nil || s.Sealer == nil {
		return 0, errors.New("notify group: no SMS sender configured")
	}
	sent := 0
	for _, m := range g.Members {
		c, err := s.Store.GetCase(ctx, m.CaseID)
		if err != nil {
			return sent, err
		}
		// The case's note and its SMS commit together.
		queued := 0
		err = s.Store.InTx(ctx, func(tx store.Store) error {
			queued = 0
			for _, party := range c.Parties {
				if party.Kind != "consumer" || party.PhoneSealed == "" {
					continue
				}
				phone, err := s.Sealer.Open(party.PhoneSealed)
				if err != nil {
					continue
				}
				body := fmt.Sprintf("关于%s（案号%s）：%s", g.Title, c.Number, text)
				_, err = notify.SendTx(ctx, s.Sender, tx, notify.Message{To: phone, Body: body, Kind: "group_notice", CaseID: c.ID})
				switch {
				case err == nil:
					queued++
				case !notify.Refused(err):
					return err
				}
			}
			return tx.AddNote(ctx, c.ID, store.Event{Type: "group_notice", ActorID: p.UserID, ActorName: p.DisplayName,
				At: s.now(), Note: "群体性纠纷通知：" + text})
		})
		if err != nil {
			return sent, fmt.Errorf("record group notice on case %d: %w", c.ID, err)
		}
		sent += queued
	}
	return sent, nil
}

// Outcomes a group member can have after the joint session.
var Outcomes = domain.Reasons{
	{Code: "settled", Label: "达成和解"},
	{Code: "not_settled", Label: "未达成和解"},
	{Code: "withdrawn", Label: "撤回"},
	{Code: "absent", Label: "未到场"},
}

func (s *Service) managed(ctx context.Context, p *auth.Principal, groupID int64) (store.Group, error) {
	g, err := s.Group(ctx, p, groupID)
	if err != nil {
		return g, err
	}
	committee, err := s.Store.GetOrgUnit(ctx, g.CommitteeID)
	if err != nil {
		return store.Group{}, fmt.Errorf("committee of case: %w", err)
	}
	if !p.Reaches(domain.PermCaseDecide, committee.Path) {
		return g, access.ErrForbidden
	}
	return g, nil
}

// ScheduleSession sets the joint session (集中调解) and tells every complainant.
func (s *Service) ScheduleSession(ctx context.Context, p *auth.Principal, groupID int64, at time.Time, place string) (int, error) {
	if _, err := s.managed(ctx, p, groupID); err != nil {
		return 0, err
	}
	if at.IsZero() {
		return 0, &domain.FieldError{Field: "at", Message: "请填写集中调解时间"}
	}
	place = strings.TrimSpace(place)
	if place == "" || utf8.RuneCountInString(place) > 100 {
		return 0, &domain.FieldError{Field: "place", Message: "请填写集中调解地点（不超过100字）"}
	}
	if !at.After(s.now()) {
		return 0, &domain.FieldError{Field: "at", Message: "集中调解时间须晚于现在"}
	}
	when := at.In(shanghai).Format("1月2日15:04")
	// The session and the notices to it commit together.
	n := 0
	err := s.Store.InTx(ctx, func(tx store.Store) error {
		if err := tx.ScheduleGroupSession(ctx, groupID, at, place); err != nil {
			return err
		}
		var err error
		n, err = s.Within(tx).Notify(ctx, p, groupID, fmt.Sprintf("定于%s在%s召开集中调解会，请携带身份证件、消费凭证（如预付卡、合同、付款记录）准时参加。", when, place))
		return err
	})
	return n, err
}

// RecordOutcome records one member's outcome of the joint session.
func (s *Service) RecordOutcome(ctx context.Context, p *auth.Principal, groupID, caseID int64, outcome, note string, fen int64) error {
	g, err := s.managed(ctx, p, groupID)
	if err != nil {
		return err
	}
	if !Outcomes.Has(outcome) {
		return &domain.FieldError{Field: "outcome", Message: "请选择结果"}
	}
	if fen < 0 || utf8.RuneCountInString(note) > 500 {
		return &domain.FieldError{Field: "outcome", Message: "金额不能为负，说明不超过500字"}
	}
	return s.Store.InTx(ctx, func(tx store.Store) error {
		if err := tx.SetGroupOutcome(ctx, g.ID, caseID, outcome, strings.TrimSpace(note), fen); errors.Is(err, store.ErrNotFound) {
			return &domain.FieldError{Field: "case", Message: "该案件不属于本群体性纠纷"}
		} else if err != nil {
			return err
		}
		return tx.AddNote(ctx, caseID, store.Event{Type: "group_outcome", ActorID: p.UserID, ActorName: p.DisplayName,
			At: s.now(), Note: "集中调解结果：" + Outcomes.Label(outcome) + map[bool]string{true: "，" + domain.FormatFen(fen) + "元", false: ""}[fen > 0]})
	})
}

// shanghai renders times for parties.
var shanghai = time.FixedZone("CST", 8*3600)
