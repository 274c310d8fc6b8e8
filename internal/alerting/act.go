package alerting

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/warning"
)

// Supervision kinds (also the case event types that record them).
const (
	KindUrge      = "urge"      // 催办
	KindSupervise = "supervise" // 督办: unanswered past its deadline it raises a red warning
)

// KindLabel is the Chinese name of a supervision kind.
func KindLabel(k string) string {
	switch k {
	case KindUrge:
		return "催办"
	case KindSupervise:
		return "督办"
	}
	return k
}

const maxText = 1000

func invalid(field, msg string) error {
	return &access.ValidationError{Fields: []*domain.FieldError{{Field: field, Message: msg}}}
}

// Acknowledge signs for a warning addressed to the principal (签收): its
// ladder stops climbing.
func (s *Service) Acknowledge(ctx context.Context, p *auth.Principal, id int64, note string) error {
	w, _, err := s.load(ctx, p, id)
	if err != nil {
		return err
	}
	if err := s.mayAcknowledge(ctx, p, w); err != nil {
		return err
	}
	if utf8.RuneCountInString(note) > maxText {
		return invalid("note", "说明不能超过 1000 字")
	}
	err = s.Store.AcknowledgeWarning(ctx, id, p.UserID, s.now(), strings.TrimSpace(note))
	if errors.Is(err, store.ErrConflict) {
		return access.Conflict("该预警已签收或已解除")
	}
	if err != nil {
		return fmt.Errorf("acknowledge warning %d: %w", id, err)
	}
	return nil
}

// Resolve closes a warning by hand with a note saying what was done.
func (s *Service) Resolve(ctx context.Context, p *auth.Principal, id int64, note string) error {
	note = strings.TrimSpace(note)
	w, _, err := s.load(ctx, p, id)
	if err != nil {
		return err
	}
	if err := s.mayResolve(ctx, p, w); err != nil {
		return err
	}
	switch {
	case note == "":
		return invalid("note", "请填写解除说明（做了什么、结果如何）")
	case utf8.RuneCountInString(note) > maxText:
		return invalid("note", "解除说明不能超过 1000 字")
	}
	err = s.Store.ResolveWarning(ctx, id, p.UserID, s.now(), "manual", note)
	if errors.Is(err, store.ErrConflict) {
		return access.Conflict("该预警已解除")
	}
	if err != nil {
		return fmt.Errorf("resolve warning %d: %w", id, err)
	}
	return nil
}

// SuperviseInput is a 催办 or 督办 on a case, or on the case of a warning.
type SuperviseInput struct {
	Kind      string
	CaseID    int64
	WarningID int64
	Request   string
	Due       string // YYYY-MM-DD: reply by the end of that day's working hours
}

// Supervise records a 催办 or 督办: a case event, a notice (and SMS) to
// the presiding mediator, and the warning's event when it came from one.
func (s *Service) Supervise(ctx context.Context, p *auth.Principal, in SuperviseInput) (store.Supervision, error) {
	var sp store.Supervision
	if p == nil || !p.Can(domain.PermWarningSupervise) {
		return sp, access.Forbidden("无权催办或督办")
	}
	var w store.Warning
	if in.WarningID != 0 {
		var err error
		if w, _, err = s.load(ctx, p, in.WarningID); err != nil {
			return sp, err
		}
		if w.CaseID == 0 {
			return sp, invalid("warning", "该预警不涉及具体案件，无法催办或督办")
		}
		in.CaseID = w.CaseID
	}
	c, err := access.Authorize(ctx, s.Store, p, in.CaseID, false)
	if err != nil {
		return sp, err
	}
	if !p.CanOnCase(domain.PermWarningSupervise, c) {
		return sp, access.Forbidden("无权催办或督办该案件")
	}
	now := s.now()
	var errs []*domain.FieldError
	req := strings.TrimSpace(in.Request)
	if in.Kind != KindUrge && in.Kind != KindSupervise {
		errs = append(errs, &domain.FieldError{Field: "kind", Message: "请选择催办或督办"})
	}
	switch {
	case req == "":
		errs = append(errs, &domain.FieldError{Field: "request", Message: "请填写催办/督办的要求"})
	case utf8.RuneCountInString(req) > maxText:
		errs = append(errs, &domain.FieldError{Field: "request", Message: "要求不能超过 1000 字"})
	}
	rs, err := s.rules(ctx)
	if err != nil {
		return sp, err
	}
	due, err := calendar.ParseDate(in.Due)
	today := calendar.DateOf(now)
	switch {
	case strings.TrimSpace(in.Due) == "" || err != nil:
		errs = append(errs, &domain.FieldError{Field: "due", Message: "请填写回复期限，格式为 YYYY-MM-DD"})
	case due.Before(today):
		errs = append(errs, &domain.FieldError{Field: "due", Message: fmt.Sprintf("回复期限不能早于今天（%s）", today)})
	case due.Sub(today) > 60:
		errs = append(errs, &domain.FieldError{Field: "due", Message: "回复期限最长 60 天"})
	}
	if c.PresidingID == 0 {
		errs = append(errs, &domain.FieldError{Field: "case", Message: "案件尚未指派承办调解员，无法催办或督办"})
	}
	if len(errs) > 0 {
		return sp, &access.ValidationError{Fields: errs}
	}
	unit := unitOf(c)
	dueAt := due.Time().Add(time.Duration(rs.Hours().End) * time.Minute)
	if rs.DayEnd == 0 {
		dueAt = due.Time().Add(17*time.Hour + 30*time.Minute)
	}
	sp = store.Supervision{Kind: in.Kind, CaseID: c.ID, CaseNumber: c.Number, WarningID: in.WarningID, UnitID: unit, UnitPath: c.OrgPath,
		MediatorID: c.PresidingID, Request: req, RequestedBy: p.UserID, RequesterName: p.DisplayName, RequestedAt: now, Due: dueAt}
	label := KindLabel(in.Kind)
	text := fmt.Sprintf("%s：%s（请于 %s 前书面回复）", label, req, dueAt.In(shanghai()).Format("2006-01-02 15:04"))
	body := fmt.Sprintf("【%s】案件 %s：%s 请于 %s 前在系统中书面回复。", label, c.Number, req, dueAt.In(shanghai()).Format("2006-01-02 15:04"))
	phone, err := s.phoneOf(ctx, c.PresidingID)
	if err != nil {
		return sp, err
	}
	err = s.Store.InTx(ctx, func(tx store.Store) error {
		if err := tx.CreateSupervision(ctx, &sp); err != nil {
			return err
		}
		if err := tx.AddNote(ctx, c.ID, store.Event{Type: in.Kind, FromStatus: c.Status, ToStatus: c.Status, ActorID: p.UserID,
			ActorName: p.DisplayName, At: now, Note: text}); err != nil {
			return err
		}
		if in.WarningID != 0 {
			if err := tx.AddWarningEvent(ctx, store.WarningEvent{WarningID: in.WarningID, Kind: "urged", ActorID: p.UserID, At: now, Note: text}); err != nil {
				return err
			}
		}
		if phone != "" {
			if _, err := notify.SendTx(ctx, s.Sender, tx, notify.Message{To: phone, Body: body, Kind: notify.KindStaffAlert, CaseID: c.ID}); err != nil {
				return fmt.Errorf("queue %s SMS: %w", label, err)
			}
		}
		return tx.AddWarningNotices(ctx, []store.WarningNotice{{UserID: c.PresidingID, WarningID: in.WarningID, SupervisionID: sp.ID,
			Step: -1, Body: body, SMS: phone != "", At: now}})
	})
	if err != nil {
		return store.Supervision{}, fmt.Errorf("record %s on case %d: %w", in.Kind, c.ID, err)
	}
	return sp, nil
}

func (s *Service) phoneOf(ctx context.Context, userID int64) (string, error) {
	if s.Phones == nil || s.Sender == nil || userID == 0 {
		return "", nil
	}
	m, err := s.Phones(ctx, []int64{userID})
	if err != nil {
		return "", fmt.Errorf("phone of user %d: %w", userID, err)
	}
	return m[userID], nil
}

// Reply is the presiding mediator's written reply to a 催办/督办: a case
// event and a notice to whoever asked.
func (s *Service) Reply(ctx context.Context, p *auth.Principal, id int64, reply string) error {
	if p == nil || !p.Can(domain.PermWarningHandle) {
		return access.Forbidden("无权回复催办或督办")
	}
	sp, err := s.Store.GetSupervision(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return access.NotFound("找不到该催办/督办")
	}
	if err != nil {
		return fmt.Errorf("get supervision %d: %w", id, err)
	}
	c, err := access.Authorize(ctx, s.Store, p, sp.CaseID, false)
	if errors.Is(err, access.ErrNotFound) {
		return access.NotFound("找不到该催办/督办")
	}
	if err != nil {
		return err
	}
	if sp.MediatorID != p.UserID {
		return access.Forbidden("只有承办调解员可以回复")
	}
	if sp.RepliedAt != nil {
		return access.Conflict("已经回复过了")
	}
	reply = strings.TrimSpace(reply)
	switch {
	case reply == "":
		return invalid("reply", "请填写书面回复")
	case utf8.RuneCountInString(reply) > maxText:
		return invalid("reply", "回复不能超过 1000 字")
	}
	now := s.now()
	label := KindLabel(sp.Kind)
	err = s.Store.InTx(ctx, func(tx store.Store) error {
		if err := tx.ReplySupervision(ctx, id, p.UserID, reply, now); err != nil {
			return err
		}
		if err := tx.AddNote(ctx, c.ID, store.Event{Type: "supervision_reply", FromStatus: c.Status, ToStatus: c.Status, ActorID: p.UserID,
			ActorName: p.DisplayName, At: now, Note: fmt.Sprintf("答复%s：%s", label, reply)}); err != nil {
			return err
		}
		return tx.AddWarningNotices(ctx, []store.WarningNotice{{UserID: sp.RequestedBy, WarningID: sp.WarningID, SupervisionID: id, Step: -1,
			Body: fmt.Sprintf("案件 %s 的%s已答复：%s", c.Number, label, reply), At: now}})
	})
	if errors.Is(err, store.ErrConflict) {
		return access.Conflict("已经回复过了")
	}
	if err != nil {
		return fmt.Errorf("reply to supervision %d: %w", id, err)
	}
	return nil
}

// MarkRead marks one of the principal's notices read.
func (s *Service) MarkRead(ctx context.Context, p *auth.Principal, id int64) error {
	if p == nil || !p.Can(domain.PermWarningRead) {
		return access.Forbidden("无权查看预警")
	}
	err := s.Store.MarkWarningNoticeRead(ctx, p.UserID, id, s.now())
	if errors.Is(err, store.ErrNotFound) {
		return access.NotFound("找不到该提醒")
	}
	return err
}

// RuleVersion is a stored version for the history.
type RuleVersion struct {
	Version   int
	Note      string
	CreatedBy int64
	Created   time.Time
}

// Rules is the rule set in force and the versions before it.
func (s *Service) Rules(ctx context.Context, p *auth.Principal) (warning.RuleSet, []RuleVersion, error) {
	if p == nil || !p.Can(domain.PermWarningRead) {
		return warning.RuleSet{}, nil, access.Forbidden("无权查看预警规则")
	}
	rs, err := s.rules(ctx)
	if err != nil {
		return rs, nil, err
	}
	vs, err := s.Store.ListWarningRules(ctx)
	if err != nil {
		return rs, nil, fmt.Errorf("list warning rule versions: %w", err)
	}
	var out []RuleVersion
	for _, v := range vs {
		out = append(out, RuleVersion{Version: v.Version, Note: v.Note, CreatedBy: v.CreatedBy, Created: v.Created})
	}
	return rs, out, nil
}

// SaveRules stores an edited rule set as the next version (the committee:
// warning.rules). The defaults are stored first as version 1, so the
// history shows what was changed.
func (s *Service) SaveRules(ctx context.Context, p *auth.Principal, rs warning.RuleSet, note string) (int, error) {
	if p == nil || !p.Can(domain.PermWarningRules) {
		return 0, access.Forbidden("只有调委会可以修改预警规则")
	}
	note = strings.TrimSpace(note)
	if note == "" {
		return 0, invalid("note", "请说明修改原因")
	}
	if err := rs.Validate(); err != nil {
		var re *warning.RuleError
		if errors.As(err, &re) {
			var fs []*domain.FieldError
			for _, m := range re.Messages {
				fs = append(fs, &domain.FieldError{Field: "rules", Message: m})
			}
			return 0, &access.ValidationError{Fields: fs}
		}
		return 0, err
	}
	var version int
	err := s.Store.InTx(ctx, func(tx store.Store) error {
		latest, err := tx.LatestWarningRules(ctx)
		switch {
		case errors.Is(err, store.ErrNotFound):
			d := warning.Defaults()
			body, err := d.Encode()
			if err != nil {
				return err
			}
			if err := tx.AddWarningRules(ctx, store.WarningRuleSet{Version: 1, Body: body, Note: "内置默认规则", Created: s.now()}); err != nil {
				return err
			}
			latest.Version = 1
		case err != nil:
			return err
		}
		version = latest.Version + 1
		rs.Version = version
		body, err := rs.Encode()
		if err != nil {
			return err
		}
		return tx.AddWarningRules(ctx, store.WarningRuleSet{Version: version, Body: body, Note: note, CreatedBy: p.UserID, Created: s.now()})
	})
	if errors.Is(err, store.ErrConflict) {
		return 0, access.Conflict("规则刚被他人修改，请刷新后重试")
	}
	if err != nil {
		return 0, fmt.Errorf("save warning rules: %w", err)
	}
	return version, nil
}

// NotifyLeads tells the people who answer for a unit (a room's leads, a
// committee's committee users) with an in-app notice and, when their phone
// is known, an SMS queued in tx: what a 催报 sends. It returns how many
// people were told.
func (s *Service) NotifyLeads(ctx context.Context, tx store.Store, unitID int64, body string) (int, error) {
	u, err := tx.GetOrgUnit(ctx, unitID)
	if err != nil {
		return 0, fmt.Errorf("unit %d to notify: %w", unitID, err)
	}
	role := domain.RoleCommittee
	if u.Kind == domain.OrgOfficeRoom || u.Kind == domain.OrgEnterpriseRoom {
		role = domain.RoleRoomLead
	}
	bs, err := tx.BoundUsers(ctx, []int64{u.ID}, []domain.Role{role})
	if err != nil {
		return 0, fmt.Errorf("leads of unit %d: %w", unitID, err)
	}
	var ids []int64
	for _, b := range bs {
		if !slices.Contains(ids, b.UserID) {
			ids = append(ids, b.UserID)
		}
	}
	phones := map[int64]string{}
	if s.Phones != nil && s.Sender != nil && len(ids) > 0 {
		if phones, err = s.Phones(ctx, ids); err != nil {
			return 0, fmt.Errorf("phones of unit %d leads: %w", unitID, err)
		}
	}
	now := s.now()
	var ns []store.WarningNotice
	for _, id := range ids {
		phone := phones[id]
		ns = append(ns, store.WarningNotice{UserID: id, Step: -1, Body: body, SMS: phone != "", At: now})
		if phone != "" {
			if _, err := notify.SendTx(ctx, s.Sender, tx, notify.Message{To: phone, Body: body, Kind: notify.KindStaffAlert}); err != nil {
				return 0, fmt.Errorf("queue notice SMS: %w", err)
			}
		}
	}
	if len(ns) == 0 {
		return 0, nil
	}
	return len(ns), tx.AddWarningNotices(ctx, ns)
}
