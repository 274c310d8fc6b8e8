// Package diversion applies the committee's routing rules (分流) to cases:
// it loads the rule list and the room directory from the store, asks the
// pure routing package for a decision, and records it with its reason.
package diversion

import (
	"context"
	"encoding/json"
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
	"github.com/tiaojie/tiaojie/internal/routing"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service is the diversion capability.
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

// Errors are intake's, so that pages and the API answer them alike.
var (
	ErrForbidden = access.ErrForbidden
	ErrNotFound  = access.ErrNotFound
)

// Directory loads the rooms, enterprise bindings and street map of a
// committee. Its rooms come from its subtree: acceptance runs this for
// every case, and a city's whole tree is a copy of 1,600 units.
func (s *Service) Directory(ctx context.Context, committeeID int64) (*routing.Directory, []store.OrgUnit, error) {
	var units []store.OrgUnit
	committee, err := s.Store.GetOrgUnit(ctx, committeeID)
	if err == nil {
		units, err = s.Store.OrgUnitsUnder(ctx, committee.Path)
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, nil, fmt.Errorf("rooms of committee %d: %w", committeeID, err)
	}
	var rooms []routing.Room
	var roomUnits []store.OrgUnit
	for _, u := range units {
		if u.ParentID == committeeID && u.Kind.IsRoom() {
			rooms = append(rooms, routing.Room{ID: u.ID, Name: u.Name, Enterprise: u.Kind == domain.OrgEnterpriseRoom})
			roomUnits = append(roomUnits, u)
		}
	}
	rms, err := s.Store.ListCommitteeRoomMerchants(ctx, committeeID)
	if err != nil {
		return nil, nil, err
	}
	byMerchant, byCode := map[int64]int64{}, map[string]int64{}
	for _, rm := range rms {
		byMerchant[rm.MerchantID] = rm.RoomID
		if rm.CreditCode != "" {
			byCode[rm.CreditCode] = rm.RoomID
		}
	}
	rs, err := s.Store.ListRoomStreets(ctx, committeeID)
	if err != nil {
		return nil, nil, err
	}
	var streets []routing.StreetRoom
	for _, x := range rs {
		streets = append(streets, routing.StreetRoom{Street: x.Street, RoomID: x.RoomID})
	}
	return routing.NewDirectory(rooms, byMerchant, byCode, streets), roomUnits, nil
}

// defaultEcommerceRoom picks the enterprise room that serves online platforms
// by its name; 0 (the intake queue) when none does.
func defaultEcommerceRoom(rooms []store.OrgUnit) int64 {
	for _, word := range []string{"电商", "网购", "平台"} {
		for _, u := range rooms {
			if u.Kind == domain.OrgEnterpriseRoom && strings.Contains(u.Name, word) {
				return u.ID
			}
		}
	}
	return 0
}

// Rules returns the committee's rule list, or the default list when none is stored.
func (s *Service) Rules(ctx context.Context, committeeID int64) ([]routing.Rule, bool, error) {
	stored, err := s.Store.ListRoutingRules(ctx, committeeID)
	if err != nil {
		return nil, false, err
	}
	if len(stored) == 0 {
		_, rooms, err := s.Directory(ctx, committeeID)
		if err != nil {
			return nil, false, err
		}
		return routing.DefaultRules(defaultEcommerceRoom(rooms)), false, nil
	}
	out := make([]routing.Rule, 0, len(stored))
	for _, r := range stored {
		out = append(out, routing.Rule{ID: r.ID, Position: r.Position, Kind: routing.Kind(r.Kind), Enabled: r.Enabled,
			RoomID: r.RoomID, Categories: r.Categories, Keywords: r.Keywords, Note: r.Note})
	}
	return out, true, nil
}

// SaveRules validates and stores a committee's whole rule list.
func (s *Service) SaveRules(ctx context.Context, p *auth.Principal, committee store.OrgUnit, rules []routing.Rule) error {
	if !p.Reaches(domain.PermRoutingManage, committee.Path) {
		return ErrForbidden
	}
	dir, _, err := s.Directory(ctx, committee.ID)
	if err != nil {
		return err
	}
	if err := routing.ValidateRules(rules, dir); err != nil {
		return err
	}
	out := make([]store.RoutingRule, 0, len(rules))
	for _, r := range rules {
		out = append(out, store.RoutingRule{Position: r.Position, Kind: string(r.Kind), Enabled: r.Enabled, RoomID: r.RoomID,
			Categories: r.Categories, Keywords: r.Keywords, Note: r.Note})
	}
	return s.Store.ReplaceRoutingRules(ctx, committee.ID, out, p.UserID)
}

// Decide computes where a case should go, without recording anything.
func (s *Service) Decide(ctx context.Context, c store.Case) (routing.Decision, error) {
	rules, _, err := s.Rules(ctx, c.CommitteeID)
	if err != nil {
		return routing.Decision{}, err
	}
	dir, _, err := s.Directory(ctx, c.CommitteeID)
	if err != nil {
		return routing.Decision{}, err
	}
	in := routing.Complaint{MerchantID: c.MerchantID, MerchantName: c.MerchantName, Category: c.Category,
		Description: c.Description + " " + c.Claim, Channel: string(c.Channel)}
	for _, p := range c.Parties {
		if p.Kind == "merchant" {
			in.CreditCode, in.MerchantAddress = p.CreditCode, p.Address
		}
	}
	return routing.Route(rules, dir, in), nil
}

// Route sends an accepted case that sits in the committee's queue to the
// room the rules choose, and records which rule matched and why. A case
// registered in a room stays there.
func (s *Service) Route(ctx context.Context, p *auth.Principal, c store.Case) (store.Case, error) {
	if c.RoomID != 0 {
		// Registered in a room: an enterprise room still gives its ODR firm the first word.
		if room, err := s.Store.GetOrgUnit(ctx, c.RoomID); err == nil && room.Kind == domain.OrgEnterpriseRoom {
			return s.startODR(ctx, p, c)
		}
		return c, nil
	}
	d, err := s.Decide(ctx, c)
	if err != nil {
		return c, fmt.Errorf("route case %d: %w", c.ID, err)
	}
	trace, _ := json.Marshal(d.Trace)
	room := d.RoomID
	ev := store.Event{Type: "route", ActorID: p.UserID, ActorName: "分流规则", At: s.now(), Note: d.Reason, Data: `{"trace":` + string(trace) + `}`}
	routed, err := s.Store.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{RoomID: &room,
		Route: &store.Route{RuleID: d.RuleID, Kind: string(d.Kind), Reason: d.Reason}}, ev)
	if err != nil {
		return c, err
	}
	if d.Kind == routing.KindEnterpriseMerchant {
		return s.startODR(ctx, p, routed)
	}
	return routed, nil
}

// Reroute moves a case to another room of its committee (or back to the
// queue, room 0) by hand, with a reason.
func (s *Service) Reroute(ctx context.Context, p *auth.Principal, caseID, roomID int64, reason string, version int64) (store.Case, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return store.Case{}, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return store.Case{}, &domain.FieldError{Field: "reason", Message: "请填写改派理由（不超过500字）"}
	}
	if !c.Status.Open() {
		return store.Case{}, &domain.FieldError{Field: "room", Message: "案件已办结，不能改派"}
	}
	name := "调委会待分流队列"
	if roomID != 0 {
		room, err := s.Store.GetOrgUnit(ctx, roomID)
		if err != nil || room.ParentID != c.CommitteeID || !room.Kind.IsRoom() {
			return store.Case{}, &domain.FieldError{Field: "room", Message: "请选择本调委会的调解工作室"}
		}
		name = room.Name
	}
	if roomID == c.RoomID {
		return store.Case{}, &domain.FieldError{Field: "room", Message: "案件已在该工作室"}
	}
	if version == 0 {
		version = c.Version
	}
	full := fmt.Sprintf("人工改派至“%s”：%s", name, reason)
	out, err := s.Store.ApplyEvent(ctx, c.ID, version, store.CaseChange{RoomID: &roomID,
		Route: &store.Route{Kind: "manual", Reason: full}},
		store.Event{Type: "reroute", ActorID: p.UserID, ActorName: p.DisplayName, At: s.now(), Note: full})
	if errors.Is(err, store.ErrStale) {
		return store.Case{}, access.ErrStale
	}
	return out, err
}

// startODR hands a case routed to an ODR enterprise's room to the enterprise
// for direct negotiation first (10 working days by policy).
func (s *Service) startODR(ctx context.Context, p *auth.Principal, c store.Case) (store.Case, error) {
	if c.MerchantID == 0 || c.Status != domain.StatusAccepted {
		return c, nil
	}
	m, err := s.Store.GetMerchant(ctx, c.MerchantID)
	if err != nil || !m.ODR {
		return c, nil
	}
	to, err := domain.Next(domain.ActionStartODR, domain.Facts{Status: c.Status, ODREnterprise: true})
	if err != nil {
		return c, err
	}
	return s.Store.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: to},
		store.Event{Type: string(domain.ActionStartODR), ActorID: p.UserID, ActorName: "分流规则", At: s.now(),
			Note: "经营者“" + m.Name + "”为在线消费纠纷解决（ODR）企业，先由企业与消费者直接协商"})
}

// ODROutcome records how the enterprise's direct negotiation ended: settled
// (the complaint is resolved and withdrawn) or failed (on to mediation).
// outcome is "settled" or "failed".
func (s *Service) ODROutcome(ctx context.Context, p *auth.Principal, caseID int64, outcome, note string) (store.Case, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return store.Case{}, err
	}
	if outcome != "settled" && outcome != "failed" {
		return store.Case{}, &domain.FieldError{Field: "outcome", Message: "请选择协商结果"}
	}
	settled := outcome == "settled"
	action, text := domain.ActionODRFailed, "企业协商未果，转入调解"
	if settled {
		action, text = domain.ActionODRSettled, "企业与消费者协商和解"
	}
	to, err := domain.Next(action, domain.Facts{Status: c.Status})
	if err != nil {
		return store.Case{}, err
	}
	if note = strings.TrimSpace(note); note != "" {
		text += "：" + note
	}
	ch := store.CaseChange{Status: to}
	if settled {
		now := s.now()
		ch.ClosedAt = &now
	}
	out, err := s.Store.ApplyEvent(ctx, c.ID, c.Version, ch, store.Event{Type: string(action), ActorID: p.UserID, ActorName: p.DisplayName, At: s.now(), Note: text})
	if errors.Is(err, store.ErrStale) {
		return store.Case{}, access.ErrStale
	}
	return out, err
}

// SweepODR moves every ODR negotiation past its deadline on to mediation.
// It runs periodically; it is idempotent.
func (s *Service) SweepODR(ctx context.Context) (int, error) {
	rules, err := deadline.Load(ctx, s.Store)
	if err != nil {
		return 0, err
	}
	moved := 0
	for after := int64(0); ; {
		page, err := s.Store.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}, Statuses: []domain.Status{domain.StatusODRNegotiating},
			Limit: 500, ByID: true, AfterID: after})
		if err != nil {
			return moved, err
		}
		for _, c := range page.Cases {
			after = c.ID
			evs, err := s.Store.ListEvents(ctx, c.ID)
			if err != nil {
				return moved, err
			}
			for _, d := range rules.ForCase(c, evs, s.now()) {
				if d.Kind == calendar.ClockODR && d.Running && d.Overdue {
					_, err := s.Store.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: domain.StatusConsenting},
						store.Event{Type: string(domain.ActionODRFailed), ActorName: "系统", At: s.now(),
							Note: "企业协商期限（" + d.Due.String() + "）届满未和解，自动转入调解"})
					if err != nil && !errors.Is(err, store.ErrStale) {
						return moved, err
					}
					if err == nil {
						moved++
					}
				}
			}
		}
		if len(page.Cases) < 500 {
			return moved, nil
		}
	}
}
