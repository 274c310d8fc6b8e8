package conversation

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/tiaojie/tiaojie/internal/access"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evidence"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service is the online mediation capability.
type Service struct {
	Store   store.Store
	Sealer  *pii.Sealer
	Sender  notify.Sender
	BaseURL string
	Hub     *Hub
	Now     func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// ErrBadLink: unknown or replaced party link (never says which).
var ErrBadLink = access.NotFound("链接无效或已更换，请使用调解员最新发送的短信链接")

// ErrNotMediator: signed in, may read the case, but does not mediate it.
var ErrNotMediator = access.Forbidden("只有本案的调解员和当事人可以查看在线调解")

// Reader is someone reading a case's conversation.
type Reader struct {
	Case   store.Case
	Kind   string // KindMediator, KindExpert, KindConsumer, KindMerchant
	UserID int64  // staff
	Name   string // how their messages are signed
	Token  string // parties: their link, for the page's URLs
}

// Label is how the reader appears to others.
func (r Reader) Label() string {
	switch r.Kind {
	case KindMediator:
		return "调解员 " + r.Name
	case KindExpert:
		return "专家 " + r.Name
	case KindConsumer:
		return "消费者 " + domain.MaskName(r.Name)
	case KindMerchant:
		return "经营者 " + r.Name
	}
	return r.Name
}

// ForStaff is the conversation as a signed-in person sees it: the case's
// mediators, or an expert the parties let join. Anyone else — the room's
// other mediators, the committee, the regulator — is refused.
func (s *Service) ForStaff(ctx context.Context, p *auth.Principal, caseID int64) (Reader, error) {
	c, err := s.Store.GetCase(ctx, caseID)
	if errors.Is(err, store.ErrNotFound) {
		return Reader{}, access.ErrNotFound
	} else if err != nil {
		return Reader{}, err
	}
	ms, err := s.Store.ListCaseMediators(ctx, c.ID)
	if err != nil {
		return Reader{}, err
	}
	for _, m := range ms {
		if m.UserID == p.UserID {
			return Reader{Case: c, Kind: KindMediator, UserID: p.UserID, Name: p.DisplayName}, nil
		}
	}
	ks, err := s.Store.ListConsultations(ctx, c.ID)
	if err != nil {
		return Reader{}, err
	}
	for _, k := range ks {
		if k.ExpertID == p.UserID && k.Joined() {
			return Reader{Case: c, Kind: KindExpert, UserID: p.UserID, Name: p.DisplayName}, nil
		}
	}
	if p.CanOnCase(domain.PermCaseRead, c) {
		return Reader{}, ErrNotMediator
	}
	return Reader{}, access.ErrNotFound
}

// ForMediator is ForStaff for what only the case's mediators do.
func (s *Service) ForMediator(ctx context.Context, p *auth.Principal, caseID int64) (Reader, error) {
	r, err := s.ForStaff(ctx, p, caseID)
	if err == nil && r.Kind != KindMediator {
		err = ErrNotMediator
	}
	return r, err
}

// ForParty is the conversation as the party holding a link sees it.
func (s *Service) ForParty(ctx context.Context, tok string) (Reader, error) {
	if len(tok) < 20 || len(tok) > 64 {
		return Reader{}, ErrBadLink
	}
	id, party, err := s.Store.GetPartyLink(ctx, auth.HashToken(tok))
	if errors.Is(err, store.ErrNotFound) {
		return Reader{}, ErrBadLink
	} else if err != nil {
		return Reader{}, err
	}
	c, err := s.Store.GetCase(ctx, id)
	if err != nil {
		return Reader{}, err
	}
	r := Reader{Case: c, Kind: party, Token: tok}
	for _, pt := range c.Parties {
		if pt.Kind == party {
			r.Name = pt.Name
		}
	}
	return r, nil
}

func sha(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func newToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Invited says how an invitation went: how many parties' links were queued
// by SMS, and whose SMS could not be (their old link, if any, still works).
type Invited struct {
	Sent   int      // queued; the outbox shows whether each went out
	Failed []string // "消费者", "经营者"
}

// Invite opens online mediation: each party that consented to mediating
// online gets a personal link by SMS (a new link replaces an old one). It
// answers how many parties were invited; none consenting is an error.
func (s *Service) Invite(ctx context.Context, p *auth.Principal, caseID int64) (Invited, error) {
	r, err := s.ForMediator(ctx, p, caseID)
	if err != nil {
		return Invited{}, err
	}
	if !Open(r.Case.Status) {
		return Invited{}, ErrClosed
	}
	cs, err := s.Store.ListConsents(ctx, caseID)
	if err != nil {
		return Invited{}, err
	}
	online := map[string]bool{}
	for _, c := range cs {
		online[c.PartyKind] = c.Online == "agree"
	}
	n := 0
	var failed []string
	for _, pt := range r.Case.Parties {
		if !online[pt.Kind] {
			continue
		}
		phone, err := s.Sealer.Open(pt.PhoneSealed)
		if err != nil || phone == "" {
			continue
		}
		// The new link replaces the old one exactly when the SMS carrying
		// it is queued: both commit together, or neither does.
		tok := newToken()
		err = s.Store.InTx(ctx, func(tx store.Store) error {
			if err := tx.PutPartyLink(ctx, caseID, pt.Kind, auth.HashToken(tok), s.Sealer.Seal(tok), s.now()); err != nil {
				return err
			}
			_, err := notify.SendTx(ctx, s.Sender, tx, notify.Message{To: phone, Kind: "online_mediation", CaseID: caseID,
				Body: "您的消费纠纷（案号：" + r.Case.Number + "）由调解员" + p.DisplayName + "在线调解，请点击 " +
					strings.TrimSuffix(s.BaseURL, "/") + "/p/" + tok + " 进入，可留言、上传证据、查看调解方案。人民调解不收费。"})
			return err
		})
		if notify.Refused(err) {
			failed = append(failed, domain.PartyWord(pt.Kind))
			continue
		}
		if err != nil {
			return Invited{Sent: n, Failed: failed}, fmt.Errorf("invite %s: %w", pt.Kind, err)
		}
		n++
	}
	if n > 0 {
		s.post(ctx, r, store.ChannelJoint, fmt.Sprintf("调解员%s已开启在线调解。请文明沟通，如实陈述；单独沟通的内容对方看不到。", p.DisplayName), "system")
	}
	switch {
	case n == 0 && len(failed) > 0:
		return Invited{Failed: failed}, &domain.FieldError{Field: "invite", Message: "短信未能排队发送（手机号码无效），原链接仍然有效"}
	case n == 0:
		return Invited{}, &domain.FieldError{Field: "invite", Message: "没有当事人同意在线调解（或未留手机号），请安排到调解室或电话调解"}
	}
	return Invited{Sent: n, Failed: failed}, nil
}

// Post sends a message to a channel the reader may use.
func (s *Service) Post(ctx context.Context, r Reader, channel, body string) (store.Message, error) {
	if !CanUse(r.Kind, channel) {
		return store.Message{}, &domain.FieldError{Field: "channel", Message: "您不能在该频道发言"}
	}
	if !Open(r.Case.Status) {
		return store.Message{}, ErrClosed
	}
	body, err := CleanBody(body)
	if err != nil {
		return store.Message{}, err
	}
	if err := s.flood(ctx, r); err != nil {
		return store.Message{}, err
	}
	m, err := s.post(ctx, r, channel, body, r.Kind)
	if err == nil {
		s.tellParties(ctx, r, channel, NoticeGap)
	}
	return m, err
}

// Flood control for parties' links: at most FloodMax posts in FloodWindow.
const (
	FloodMax    = 30
	FloodWindow = 10 * time.Minute
)

func (s *Service) flood(ctx context.Context, r Reader) error {
	if r.Kind != KindConsumer && r.Kind != KindMerchant {
		return nil
	}
	n, err := s.Store.CountMessagesSince(ctx, r.Case.ID, r.Kind, s.now().Add(-FloodWindow))
	if err != nil {
		return err
	}
	if n >= FloodMax {
		return &domain.FieldError{Field: "body", Message: "发送过于频繁，请稍后再试"}
	}
	return nil
}

// Evidence a case may hold: enough for any consumer dispute, not a file store.
const (
	MaxCaseFiles = 100
	MaxCaseBytes = 200 << 20
)

func (s *Service) roomFor(ctx context.Context, caseID int64, size int) error {
	es, err := s.Store.ListEvidence(ctx, caseID)
	if err != nil {
		return err
	}
	total := int64(size)
	for _, e := range es {
		total += e.Size
	}
	if len(es) >= MaxCaseFiles || total > MaxCaseBytes {
		return &domain.FieldError{Field: "file", Message: "本案证据已达上限（100份或200MB），如确需补充请联系调解员"}
	}
	return nil
}

// NoticeGap: a party is texted about new messages at most once an hour;
// proposed terms are always texted.
const NoticeGap = time.Hour

// tellParties texts the parties who read channel, through their links,
// when staff wrote there: most parties are not watching the page.
func (s *Service) tellParties(ctx context.Context, r Reader, channel string, gap time.Duration) {
	if r.Kind != KindMediator && r.Kind != KindExpert {
		return
	}
	links, err := s.Store.ListPartyLinks(ctx, r.Case.ID)
	if err != nil {
		return
	}
	what := "调解员给您留言"
	if r.Kind == KindExpert {
		what = "参与调解的专家留言"
	}
	if gap == 0 {
		what = "调解员提出了调解方案，请查看并答复"
	}
	for _, l := range links {
		if !CanUse(l.Party, channel) {
			continue
		}
		var phone string
		for _, pt := range r.Case.Parties {
			if pt.Kind == l.Party {
				phone, _ = s.Sealer.Open(pt.PhoneSealed)
			}
		}
		tok, err := s.Sealer.Open(l.TokenSealed)
		if err != nil || phone == "" {
			continue
		}
		// Best effort: the message itself is stored. The claim (at most one
		// notice per gap) and the SMS commit together; a refused SMS is
		// recorded as failed in the outbox.
		_ = s.Store.InTx(ctx, func(tx store.Store) error {
			if ok, err := tx.ClaimPartyNotice(ctx, r.Case.ID, l.Party, s.now(), gap); err != nil || !ok {
				return err
			}
			_, err := notify.SendTx(ctx, s.Sender, tx, notify.Message{To: phone, Kind: "online_mediation_news", CaseID: r.Case.ID,
				Body: "您的消费纠纷（案号：" + r.Case.Number + "）" + what + "：" + strings.TrimSuffix(s.BaseURL, "/") + "/p/" + tok})
			if notify.Refused(err) {
				return nil
			}
			return err
		})
	}
}

func (s *Service) post(ctx context.Context, r Reader, channel, body, author string) (store.Message, error) {
	m := store.Message{CaseID: r.Case.ID, Channel: channel, Author: author, AuthorID: r.UserID, AuthorName: r.Label(), Body: body, Created: s.now()}
	if author == "system" {
		m.AuthorName, m.AuthorID = "系统", 0
	}
	if err := s.Store.AddMessage(ctx, &m); err != nil {
		return m, fmt.Errorf("post message: %w", err)
	}
	s.Hub.Publish(ctx, r.Case.ID)
	return m, nil
}

// Upload stores an evidence file, checked by its content, and posts it.
func (s *Service) Upload(ctx context.Context, r Reader, channel, name string, data []byte, note string) (store.Message, error) {
	if !CanUse(r.Kind, channel) || r.Kind == KindExpert {
		return store.Message{}, &domain.FieldError{Field: "channel", Message: "您不能在该频道上传证据"}
	}
	if !Open(r.Case.Status) {
		return store.Message{}, ErrClosed
	}
	typ, err := evidence.Sniff(data)
	if err != nil {
		return store.Message{}, err
	}
	if err := s.flood(ctx, r); err != nil {
		return store.Message{}, err
	}
	if err := s.roomFor(ctx, r.Case.ID, len(data)); err != nil {
		return store.Message{}, err
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 200 || !utf8.ValidString(note) || strings.ContainsFunc(note, unicode.IsControl) {
		return store.Message{}, &domain.FieldError{Field: "note", Message: "证据说明不超过200字，且不能含有无法识别的字符"}
	}
	data = evidence.StripMetadata(data, typ) // no GPS position or device goes to the other party
	e := store.Evidence{CaseID: r.Case.ID, Channel: channel, Uploader: r.Kind, UploadedBy: r.UserID, Name: evidence.FileName(name, typ),
		ContentType: typ, SHA256: sha(data), Data: data}
	if err := s.Store.AddEvidence(ctx, &e); err != nil {
		return store.Message{}, fmt.Errorf("upload evidence: %w", err)
	}
	body := "上传了证据：" + e.Name
	if note != "" {
		body += "（" + note + "）"
	}
	m := store.Message{CaseID: r.Case.ID, Channel: channel, Author: r.Kind, AuthorID: r.UserID, AuthorName: r.Label(), Body: body, EvidenceID: e.ID, Created: s.now()}
	if err := s.Store.AddMessage(ctx, &m); err != nil {
		return m, fmt.Errorf("post evidence: %w", err)
	}
	s.Hub.Publish(ctx, r.Case.ID)
	s.tellParties(ctx, r, channel, NoticeGap)
	return m, nil
}

// Evidence returns a file if the reader may see the channel it was posted
// to; who may see it is settled before the file is read.
func (s *Service) Evidence(ctx context.Context, r Reader, id int64) (store.Evidence, error) {
	es, err := s.Store.ListEvidence(ctx, r.Case.ID)
	if err != nil {
		return store.Evidence{}, err
	}
	i := slices.IndexFunc(es, func(e store.Evidence) bool { return e.ID == id })
	if i < 0 || !CanUse(r.Kind, es[i].Channel) {
		return store.Evidence{}, access.ErrNotFound
	}
	return s.Store.GetEvidence(ctx, r.Case.ID, id)
}

// Propose puts terms to the parties of a channel. The terms are held to
// the same standard as an agreement's: amount, manner and deadline.
func (s *Service) Propose(ctx context.Context, r Reader, channel string, terms []domain.Term, note string) (store.Proposal, error) {
	if r.Kind != KindMediator {
		return store.Proposal{}, ErrNotMediator
	}
	if !CanUse(r.Kind, channel) {
		return store.Proposal{}, &domain.FieldError{Field: "channel", Message: "请选择向谁提出方案"}
	}
	if !Open(r.Case.Status) {
		return store.Proposal{}, ErrClosed
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 1000 {
		return store.Proposal{}, &domain.FieldError{Field: "note", Message: "方案说明不能超过1000字"}
	}
	// Facts and responsibility belong to the agreement; the terms are checked as there.
	probe := domain.AgreementContent{Facts: "调解方案（事实另行载明）", Responsibility: "另行载明", Terms: terms}
	if errs := domain.ValidateAgreement(probe, s.now()); len(errs) > 0 {
		return store.Proposal{}, errs[0]
	}
	p := store.Proposal{CaseID: r.Case.ID, Channel: channel, Terms: terms, Note: note, CreatedBy: r.UserID}
	m := store.Message{CaseID: r.Case.ID, Channel: channel, Author: KindMediator, AuthorID: r.UserID, AuthorName: r.Label(),
		Body: "提出调解方案：" + TermsText(terms) + suffix(note), Created: s.now()}
	if err := s.Store.CreateProposal(ctx, &p, &m); err != nil {
		return p, fmt.Errorf("propose: %w", err)
	}
	s.Hub.Publish(ctx, r.Case.ID)
	s.tellParties(ctx, r, channel, 0)
	return p, nil
}

func suffix(note string) string {
	if note == "" {
		return ""
	}
	return "。说明：" + note
}

// TermsText says the terms in one line.
func TermsText(terms []domain.Term) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteString("；")
		}
		fmt.Fprintf(&b, "%d. %s于%s前以%s方式%s，金额%s元", i+1, domain.PartyWord(t.Party), t.Deadline, t.Manner, t.Content, domain.FormatFen(t.AmountFen))
	}
	return b.String()
}

// Answer records a party's acceptance of a proposal, or their counter-proposal.
func (s *Service) Answer(ctx context.Context, r Reader, proposalID int64, accept bool, counter string) (store.Proposal, error) {
	p, err := s.Store.GetProposal(ctx, proposalID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (p.CaseID != r.Case.ID || !CanUse(r.Kind, p.Channel))) {
		return store.Proposal{}, access.ErrNotFound
	} else if err != nil {
		return store.Proposal{}, err
	}
	if !Addressed(r.Kind, p.Channel) {
		return store.Proposal{}, &domain.FieldError{Field: "proposal", Message: "只有当事人可以答复调解方案"}
	}
	if !Open(r.Case.Status) {
		return store.Proposal{}, ErrClosed
	}
	a := store.ProposalAnswer{Party: r.Kind, Answer: "accept", At: s.now()}
	body := "接受调解方案"
	if !accept {
		counter = strings.TrimSpace(counter)
		if n := utf8.RuneCountInString(counter); n < 2 || n > 1000 {
			return store.Proposal{}, &domain.FieldError{Field: "counter", Message: "请写明您的意见或可以接受的方案（2至1000字）"}
		}
		a.Answer, a.Counter, body = "counter", counter, "对调解方案提出不同意见："+counter
	}
	m := store.Message{CaseID: r.Case.ID, Channel: p.Channel, Author: r.Kind, AuthorName: r.Label(), Body: body, Created: s.now()}
	out, err := s.Store.AnswerProposal(ctx, p.ID, a, Needed(p.Channel), &m)
	if errors.Is(err, store.ErrConflict) {
		return store.Proposal{}, &domain.FieldError{Field: "proposal", Message: "该方案已答复或已结束"}
	} else if err != nil {
		return store.Proposal{}, fmt.Errorf("answer proposal: %w", err)
	}
	if out.Status == "accepted" {
		s.post(ctx, r, p.Channel, "各方已接受该调解方案，调解员将据此制作调解协议书。", "system")
	}
	s.Hub.Publish(ctx, r.Case.ID)
	return out, nil
}
