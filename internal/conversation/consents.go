package conversation

import (
	"context"
	"errors"
	"fmt"
	"github.com/tiaojie/tiaojie/internal/access"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evidence"
	"github.com/tiaojie/tiaojie/internal/store"
)

// ConfirmRecord is a party confirming a held session's record (调解笔录) online.
func (s *Service) ConfirmRecord(ctx context.Context, r Reader, sessionID int64) error {
	if r.Kind != KindConsumer && r.Kind != KindMerchant {
		return &domain.FieldError{Field: "session", Message: "只有当事人可以确认调解笔录"}
	}
	if r.Case.Status == domain.StatusArchived {
		return ErrClosed
	}
	m, err := s.heldSession(ctx, r.Case.ID, sessionID)
	if err != nil {
		return err
	}
	return s.confirm(ctx, r.Case, m, store.RecordConfirmation{SessionID: m.ID, Party: r.Kind, Method: "online", At: s.now()}, r.Label()+"在线确认了")
}

// RecordPaperConfirmation is the mediator filing a record a party signed on
// paper: the scan is kept as evidence of the mediators' caucus with that party.
func (s *Service) RecordPaperConfirmation(ctx context.Context, p *auth.Principal, caseID, sessionID int64, party, name string, scan []byte) error {
	r, err := s.ForMediator(ctx, p, caseID)
	if err != nil {
		return err
	}
	if party != KindConsumer && party != KindMerchant {
		return &domain.FieldError{Field: "party", Message: "请选择签字确认的当事人"}
	}
	if r.Case.Status == domain.StatusArchived {
		return ErrClosed
	}
	m, err := s.heldSession(ctx, caseID, sessionID)
	if err != nil {
		return err
	}
	typ, err := evidence.Sniff(scan)
	if err != nil {
		return err
	}
	if err := s.roomFor(ctx, caseID, len(scan)); err != nil {
		return err
	}
	// Refuse before storing the scan, so a refused upload leaves nothing behind.
	done, err := s.Store.ListRecordConfirmations(ctx, caseID)
	if err != nil {
		return err
	}
	for _, x := range done {
		if x.SessionID == m.ID && x.Party == party {
			return &domain.FieldError{Field: "session", Message: "该份调解笔录已经确认过"}
		}
	}
	scan = evidence.StripMetadata(scan, typ)
	e := store.Evidence{CaseID: caseID, Channel: party, Uploader: KindMediator, UploadedBy: p.UserID, Name: evidence.FileName(name, typ),
		ContentType: typ, SHA256: sha(scan), Data: scan}
	if err := s.Store.AddEvidence(ctx, &e); err != nil {
		return fmt.Errorf("store signed record: %w", err)
	}
	label := domain.PartyWord(party)
	return s.confirm(ctx, r.Case, m, store.RecordConfirmation{SessionID: m.ID, Party: party, Method: "paper", EvidenceID: e.ID,
		RecordedBy: p.UserID, At: s.now()}, "调解员"+p.DisplayName+"上传了"+label+"签字确认的")
}

func (s *Service) heldSession(ctx context.Context, caseID, sessionID int64) (store.Session, error) {
	ss, err := s.Store.ListSessions(ctx, store.SessionQuery{CaseID: caseID})
	if err != nil {
		return store.Session{}, err
	}
	for _, m := range ss {
		if m.ID == sessionID {
			if m.Status != "held" || m.Record == "" {
				return m, &domain.FieldError{Field: "session", Message: "该次调解尚未形成调解笔录"}
			}
			return m, nil
		}
	}
	return store.Session{}, access.ErrNotFound
}

func (s *Service) confirm(ctx context.Context, c store.Case, m store.Session, rc store.RecordConfirmation, who string) error {
	if err := s.Store.ConfirmRecord(ctx, rc); errors.Is(err, store.ErrConflict) {
		return &domain.FieldError{Field: "session", Message: "该份调解笔录已经确认过"}
	} else if err != nil {
		return fmt.Errorf("confirm record: %w", err)
	}
	_, err := s.post(ctx, Reader{Case: c}, store.ChannelJoint, who+"调解笔录（"+m.StartsAt.Format("2006-01-02")+"）", "system")
	return err
}

func joinAnswer(k store.Consultation, party string) string {
	if party == KindConsumer {
		return k.JoinConsumer
	}
	return k.JoinMerchant
}

// RequestExpertJoin asks both parties whether the consulted expert may join
// the mediation; the expert reads the joint channel only after both agree.
func (s *Service) RequestExpertJoin(ctx context.Context, p *auth.Principal, caseID, consultationID int64) error {
	r, err := s.ForMediator(ctx, p, caseID)
	if err != nil {
		return err
	}
	k, err := s.Store.GetConsultation(ctx, consultationID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && k.CaseID != caseID) {
		return access.ErrNotFound
	} else if err != nil {
		return err
	}
	if !Open(r.Case.Status) {
		return ErrClosed
	}
	if err := s.Store.RequestExpertJoin(ctx, k.ID, s.now()); errors.Is(err, store.ErrConflict) {
		return &domain.FieldError{Field: "consultation", Message: "已征求过当事人意见，请等待答复"}
	} else if err != nil {
		return fmt.Errorf("request expert join: %w", err)
	}
	_, err = s.post(ctx, r, store.ChannelJoint, "调解员拟邀请专家"+k.ExpertName+"参与调解，须双方当事人同意。请在本页“专家参与调解”处答复。", "system")
	return err
}

// AnswerExpertJoin records a party's answer, through their link.
func (s *Service) AnswerExpertJoin(ctx context.Context, r Reader, consultationID int64, agree bool) error {
	if r.Kind != KindConsumer && r.Kind != KindMerchant {
		return &domain.FieldError{Field: "consultation", Message: "只有当事人可以答复"}
	}
	return s.answerJoin(ctx, r.Case, consultationID, r.Kind, agree, r.Label())
}

// RecordExpertJoinAnswer is the mediator recording a party's answer given in
// person or by phone.
func (s *Service) RecordExpertJoinAnswer(ctx context.Context, p *auth.Principal, caseID, consultationID int64, party string, agree bool) error {
	r, err := s.ForMediator(ctx, p, caseID)
	if err != nil {
		return err
	}
	if party != KindConsumer && party != KindMerchant {
		return &domain.FieldError{Field: "party", Message: "请选择答复的当事人"}
	}
	label := domain.PartyWord(party)
	return s.answerJoin(ctx, r.Case, consultationID, party, agree, label+"（经调解员"+p.DisplayName+"当面或电话确认）")
}

func (s *Service) answerJoin(ctx context.Context, c store.Case, id int64, party string, agree bool, who string) error {
	if !Open(c.Status) {
		return ErrClosed
	}
	k, err := s.Store.GetConsultation(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && k.CaseID != c.ID) {
		return access.ErrNotFound
	} else if err != nil {
		return err
	}
	answer, word := "refuse", "不同意"
	if agree {
		answer, word = "agree", "同意"
	}
	k, err = s.Store.AnswerExpertJoin(ctx, id, party, answer)
	if errors.Is(err, store.ErrNotFound) {
		return &domain.FieldError{Field: "consultation", Message: "没有待答复的专家参与请求，或已经答复过"}
	} else if err != nil {
		return fmt.Errorf("answer expert join: %w", err)
	}
	msg := who + word + "专家" + k.ExpertName + "参与调解。"
	if k.Joined() {
		msg += "双方均已同意，专家可以查看并参与共同调解。"
	}
	_, err = s.post(ctx, Reader{Case: c}, store.ChannelJoint, msg, "system")
	return err
}

// Joined lists the experts both parties let into the mediation.
func (s *Service) Joined(ctx context.Context, caseID int64) ([]store.Consultation, error) {
	ks, err := s.Store.ListConsultations(ctx, caseID)
	var out []store.Consultation
	for _, k := range ks {
		if k.Joined() {
			out = append(out, k)
		}
	}
	return out, err
}
