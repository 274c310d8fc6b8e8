package assignment

import (
	"context"
	"errors"
	"github.com/tiaojie/tiaojie/internal/access"
	"slices"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// SetCoMediator adds a mediator of the case's room to a case already
// assigned (联合调解), or takes one off; the presiding mediator stays. The
// room's lead, the committee or the presiding mediator may do it.
func (s *Service) SetCoMediator(ctx context.Context, p *auth.Principal, caseID, userID int64, remove bool) (store.Case, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return store.Case{}, err
	}
	// Leads and the committee by their scope over this case, not by holding the role somewhere.
	if !(p.CanOnCase(domain.PermRoomManage, c) || c.PresidingID == p.UserID) {
		return store.Case{}, access.ErrForbidden // only the presiding mediator or the room's lead
	}
	if c.PresidingID == 0 || !c.Status.Open() || c.Status == domain.StatusAccepted || c.Status == domain.StatusConsenting {
		return store.Case{}, &domain.FieldError{Field: "mediator", Message: "案件须已指派主持调解员且尚未办结"}
	}
	if userID == c.PresidingID {
		return store.Case{}, &domain.FieldError{Field: "mediator", Message: "主持调解员的更换请走回避或重新指派"}
	}
	var name string
	if remove {
		// Whoever is on the case can be taken off, even if the case has since moved room.
		ms, err := s.Store.ListCaseMediators(ctx, c.ID)
		if err != nil {
			return store.Case{}, err
		}
		i := slices.IndexFunc(ms, func(m store.CaseMediator) bool { return m.UserID == userID })
		if i < 0 {
			return store.Case{}, &domain.FieldError{Field: "mediator", Message: "该调解员不是本案的共同调解员"}
		}
		name = ms[i].DisplayName
	} else {
		o, err := s.Options(ctx, c)
		if err != nil {
			return store.Case{}, err
		}
		i := slices.IndexFunc(o.Candidates, func(x Candidate) bool { return x.UserID == userID })
		if i < 0 {
			return store.Case{}, &domain.FieldError{Field: "mediator", Message: "只能选择本工作室的调解员"}
		}
		if o.Candidates[i].OnLeave {
			return store.Case{}, &domain.FieldError{Field: "mediator", Message: o.Candidates[i].Name + "今日休假，不能加入"}
		}
		name = o.Candidates[i].Name
	}
	note := "增加调解员" + name + "共同调解"
	if remove {
		note = "调解员" + name + "不再参与本案调解"
	}
	out, err := s.Store.AddCaseMediator(ctx, c.ID, c.Version, userID, p.UserID, remove,
		store.Event{Type: "co_mediator", ActorID: p.UserID, ActorName: p.DisplayName, At: s.now(), Note: note})
	switch {
	case errors.Is(err, store.ErrConflict):
		return store.Case{}, &domain.FieldError{Field: "mediator", Message: name + "已是本案调解员"}
	case errors.Is(err, store.ErrNotFound) && remove:
		return store.Case{}, &domain.FieldError{Field: "mediator", Message: name + "不是本案的共同调解员"}
	case errors.Is(err, store.ErrStale):
		return store.Case{}, access.ErrStale
	}
	return out, err
}
