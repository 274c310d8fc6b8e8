// Package consultation lets a mediator ask an expert of the pool (专家咨询)
// about a case. The expert sees only what the mediator chose to share and
// the case number, never the parties or the file.
package consultation

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service is the consultation capability.
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

// Experts lists the pool members whose bindings reach the case's unit.
func (s *Service) Experts(ctx context.Context, c store.Case) ([]store.ExpertProfile, error) {
	all, err := s.Store.ListExperts(ctx)
	if err != nil {
		return nil, err
	}
	var out []store.ExpertProfile
	for _, e := range all {
		for _, p := range e.OrgPaths {
			if strings.HasPrefix(c.OrgPath, p) {
				out = append(out, e)
				break
			}
		}
	}
	return out, nil
}

// Ask sends a question with the facts the mediator chooses to share.
func (s *Service) Ask(ctx context.Context, p *auth.Principal, caseID, expertID int64, question, shared string) (store.Consultation, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return store.Consultation{}, err
	}
	question, shared = strings.TrimSpace(question), strings.TrimSpace(shared)
	if question == "" || utf8.RuneCountInString(question) > 1000 {
		return store.Consultation{}, &domain.FieldError{Field: "question", Message: "请填写咨询问题（不超过1000字）"}
	}
	if utf8.RuneCountInString(shared) > 5000 {
		return store.Consultation{}, &domain.FieldError{Field: "shared", Message: "提供给专家的情况不超过5000字"}
	}
	experts, err := s.Experts(ctx, c)
	if err != nil {
		return store.Consultation{}, err
	}
	var name string
	for _, e := range experts {
		if e.UserID == expertID {
			name = e.DisplayName
		}
	}
	if name == "" {
		return store.Consultation{}, &domain.FieldError{Field: "expert", Message: "请从本调委会的专家库中选择专家"}
	}
	k := store.Consultation{CaseID: c.ID, ExpertID: expertID, Question: question, Shared: shared, AskedBy: p.UserID}
	err = s.Store.InTx(ctx, func(tx store.Store) error {
		if err := tx.CreateConsultation(ctx, &k); err != nil {
			return err
		}
		return tx.AddNote(ctx, c.ID, store.Event{Type: "consultation", ActorID: p.UserID, ActorName: p.DisplayName,
			At: s.now(), Note: "向专家" + name + "咨询：" + question})
	})
	if err != nil {
		return k, fmt.Errorf("ask expert: %w", err)
	}
	return k, nil
}

// Inbox lists a page of the consultations addressed to the expert
// (q.ExpertID is the caller).
func (s *Service) Inbox(ctx context.Context, p *auth.Principal, q store.ConsultationQuery) (store.Page[store.Consultation], error) {
	if !p.Can(domain.PermConsult) {
		return store.Page[store.Consultation]{}, access.ErrForbidden
	}
	q.ExpertID = p.UserID
	page, err := s.Store.ListExpertConsultations(ctx, q)
	if err != nil {
		return page, fmt.Errorf("list the consultations of expert %d: %w", p.UserID, err)
	}
	return page, nil
}

// ParseInboxQuery reads the inbox's parameters, shared by the page and the
// API: state (open, the default: awaiting the expert's opinion; answered),
// after and limit (store.ParseListParams). It returns a Chinese message for
// a bad value.
func ParseInboxQuery(v url.Values) (store.ConsultationQuery, string) {
	state, p, msg := store.ParseListParams(v, store.StateName{Value: "open", Name: "待答复"}, store.StateName{Value: "answered", Name: "已答复"})
	return store.ConsultationQuery{Answered: state == "answered", Paging: p}, msg
}

// Get returns a consultation to the expert it was addressed to.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (store.Consultation, error) {
	k, err := s.Store.GetConsultation(ctx, id)
	if err != nil || k.ExpertID != p.UserID {
		return store.Consultation{}, access.ErrNotFound
	}
	return k, nil
}

// Answer records the expert's opinion on the case file.
func (s *Service) Answer(ctx context.Context, p *auth.Principal, id int64, answer string) error {
	k, err := s.Get(ctx, p, id)
	if err != nil {
		return err
	}
	answer = strings.TrimSpace(answer)
	if answer == "" || utf8.RuneCountInString(answer) > 5000 {
		return &domain.FieldError{Field: "answer", Message: "请填写专家意见（不超过5000字）"}
	}
	return s.Store.InTx(ctx, func(tx store.Store) error {
		if err := tx.AnswerConsultation(ctx, k.ID, p.UserID, answer, s.now()); errors.Is(err, store.ErrNotFound) {
			return &domain.FieldError{Field: "answer", Message: "该咨询已答复"}
		} else if err != nil {
			return err
		}
		return tx.AddNote(ctx, k.CaseID, store.Event{Type: "consultation_answered", ActorID: p.UserID,
			ActorName: p.DisplayName, At: s.now(), Note: "专家已答复咨询"})
	})
}
