package assignment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/tiaojie/tiaojie/internal/access"
	"slices"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/consent"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service assigns cases.
type Service struct {
	Store store.Store
	Now   func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Options are who could take a case now.
type Options struct {
	Room       store.OrgUnit
	Settings   store.RoomSettings
	Candidates []Candidate // every mediator of the room
	Eligible   []Candidate
}

// Options lists the room's mediators with their load and duty.
func (s *Service) Options(ctx context.Context, c store.Case) (Options, error) {
	var o Options
	if c.RoomID == 0 {
		return o, &domain.FieldError{Field: "room", Message: "案件尚未分流到调解工作室，不能指派"}
	}
	var err error
	if o.Room, err = s.Store.GetOrgUnit(ctx, c.RoomID); err != nil {
		return o, err
	}
	if o.Settings, err = s.Store.GetRoomSettings(ctx, c.RoomID); err != nil {
		return o, err
	}
	if o.Candidates, err = s.people(ctx, c.RoomID, calendar.DateOf(s.now())); err != nil {
		return o, err
	}
	o.Eligible = Eligible(o.Candidates, o.Settings.Capacity)
	return o, nil
}

// Assign designates the presiding mediator of a consenting case: the given
// one (0 = the room's rule chooses). A mediator who is not the room's lead
// or the committee may only claim the case for themselves. The case version
// is the claim lock: of two people taking one case, the second gets ErrStale.
func (s *Service) Assign(ctx context.Context, p *auth.Principal, caseID, userID, version int64) (store.Case, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return store.Case{}, err
	}
	cs, err := s.Store.ListConsents(ctx, c.ID)
	if err != nil {
		return store.Case{}, err
	}
	facts := domain.Facts{Status: c.Status, HasMediator: true}
	for _, x := range cs {
		facts.ConsumerConsent = facts.ConsumerConsent || (x.PartyKind == "consumer" && x.Decision == "agree")
		facts.MerchantConsent = facts.MerchantConsent || (x.PartyKind == "merchant" && x.Decision == "agree")
	}
	to, err := domain.Next(domain.ActionAssign, facts)
	if err != nil {
		return store.Case{}, err
	}
	o, err := s.Options(ctx, c)
	if err != nil {
		return store.Case{}, err
	}
	lead := p.Has(domain.RoleRoomLead) || p.Has(domain.RoleCommittee)
	if !lead && userID != p.UserID {
		return store.Case{}, &domain.FieldError{Field: "mediator", Message: "调解员只能认领给自己；指派他人请由工作室负责人操作"}
	}
	var chosen Candidate
	how := "指派"
	switch {
	case userID == 0:
		// A party's choice of mediator comes first when that mediator can take the case.
		pref, err := s.preferred(ctx, c.ID)
		if err != nil {
			return store.Case{}, err
		}
		if i := slices.IndexFunc(o.Eligible, func(x Candidate) bool { return x.UserID == pref }); i >= 0 {
			chosen, how = o.Eligible[i], "按当事人选择指派"
			break
		}
		var ok bool
		if chosen, ok = Choose(o.Eligible, o.Settings.Chooser, c.Seq); !ok {
			// Nobody can take it: it waits, and the room lead is told.
			if err := s.Store.AddNote(ctx, c.ID, store.Event{Type: "assignment_waiting", ActorID: p.UserID, ActorName: p.DisplayName,
				At: s.now(), Note: "“" + o.Room.Name + "”暂无可指派的调解员（休假或已达办案上限），请工作室负责人安排"}); err != nil {
				return store.Case{}, fmt.Errorf("note that no mediator is free: %w", err)
			}
			return store.Case{}, &domain.FieldError{Field: "mediator", Message: "暂无可指派的调解员（休假或已达办案上限），已提醒工作室负责人"}
		}
		how = map[string]string{LeastLoaded: "按在办案件最少自动指派", RoundRobin: "按轮流规则自动指派"}[o.Settings.Chooser]
	default:
		i := slices.IndexFunc(o.Candidates, func(x Candidate) bool { return x.UserID == userID })
		if i < 0 {
			return store.Case{}, &domain.FieldError{Field: "mediator", Message: "只能指派本工作室的调解员"}
		}
		chosen = o.Candidates[i]
		if chosen.OnLeave {
			return store.Case{}, &domain.FieldError{Field: "mediator", Message: chosen.Name + "今日休假，不能指派"}
		}
		if chosen.Load >= o.Settings.Capacity && !lead {
			return store.Case{}, &domain.FieldError{Field: "mediator", Message: "在办案件已达上限，不能再认领"}
		}
		if userID == p.UserID && !lead {
			how = "调解员认领"
		}
	}
	if version == 0 {
		version = c.Version
	}
	out, err := s.Store.AssignCase(ctx, c.ID, version, []int64{chosen.UserID}, p.UserID, store.CaseChange{Status: to},
		store.Event{Type: string(domain.ActionAssign), ActorID: p.UserID, ActorName: p.DisplayName, At: s.now(),
			Note: fmt.Sprintf("%s：主持调解员%s（在办%d件）", how, chosen.Name, chosen.Load),
			Data: presidingData(chosen.UserID)})
	if errors.Is(err, store.ErrStale) {
		return store.Case{}, &domain.FieldError{Field: "mediator", Message: "该案件刚被他人指派或更新，请刷新后查看"}
	}
	return out, err
}

// presidingData is the Data of an event that makes userID the presiding
// mediator: evaluation reads who presided from it (docs/evaluation.md).
func presidingData(userID int64) string { return fmt.Sprintf(`{"mediator_id":%d}`, userID) }

// preferred is the mediator a party last chose (0 if none).
func (s *Service) preferred(ctx context.Context, caseID int64) (int64, error) {
	evs, err := s.Store.ListEvents(ctx, caseID)
	if err != nil {
		return 0, err
	}
	var id int64
	for _, e := range evs {
		if e.Type == consent.EventMediatorPreferred {
			var d struct {
				UserID int64 `json:"user_id"`
			}
			if json.Unmarshal([]byte(e.Data), &d) == nil {
				id = d.UserID
			}
		}
	}
	return id, nil
}

// Start begins mediation of an assigned case (its presiding mediator or the room's lead).
func (s *Service) Start(ctx context.Context, p *auth.Principal, caseID int64) (store.Case, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return store.Case{}, err
	}
	if c.PresidingID != p.UserID && !p.Has(domain.RoleRoomLead) && !p.Has(domain.RoleCommittee) {
		return store.Case{}, &domain.FieldError{Field: "mediator", Message: "由主持调解员开始调解"}
	}
	// Consent was checked when the case was assigned; it cannot be withdrawn silently.
	to, err := domain.Next(domain.ActionStartMediation, domain.Facts{Status: c.Status, ConsumerConsent: true, MerchantConsent: true, HasMediator: c.PresidingID != 0})
	if err != nil {
		return store.Case{}, err
	}
	out, err := s.Store.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: to}, store.Event{Type: string(domain.ActionStartMediation),
		ActorID: p.UserID, ActorName: p.DisplayName, At: s.now(), Note: "开始调解"})
	if errors.Is(err, store.ErrStale) {
		return store.Case{}, access.ErrStale
	}
	return out, err
}
