// Package agreement takes a mediated case to its end: the agreement (oral
// agreements take effect when reached), performance of each term, the
// follow-up call (回访) and the archived case file (卷宗).
package agreement

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/tiaojie/tiaojie/internal/access"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/court"
	"github.com/tiaojie/tiaojie/internal/document"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service is the agreement capability.
type Service struct {
	Store   store.Store
	Now     func() time.Time
	Sealer  *pii.Sealer
	Sender  notify.Sender
	BaseURL string        // links to the parties' signing pages
	Court   *court.Client // nil: applications go to the court liaison's list on this platform
	Jobs    *jobs.Queue   // delivers applications to Court (required with it)
	Log     *slog.Logger  // nil: discard
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func invalid(errs []*domain.FieldError) error {
	if len(errs) == 0 {
		return nil
	}
	return &access.ValidationError{Fields: errs}
}

func stale(err error) error {
	if errors.Is(err, store.ErrStale) {
		return access.ErrStale
	}
	return err
}

// reach records an agreement of the given kind and moves the case to
// agreed; an oral agreement is effective at once (effective != nil).
func (s *Service) reach(ctx context.Context, p *auth.Principal, caseID int64, a domain.AgreementContent, kind string, note string) (store.Case, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return store.Case{}, err
	}
	now := s.now()
	if err := invalid(domain.ValidateAgreement(a, now)); err != nil {
		return store.Case{}, err
	}
	to, err := domain.Next(domain.ActionReachAgreement, domain.Facts{Status: c.Status, AgreementComplete: true})
	if err != nil {
		return store.Case{}, err
	}
	stored := store.Agreement{CaseID: c.ID, Kind: kind, Facts: a.Facts, Responsibility: a.Responsibility, Terms: a.Terms, CreatedBy: p.UserID}
	if kind == "oral" {
		stored.EffectiveAt = &now
	}
	if err := s.Store.PutAgreement(ctx, stored); err != nil {
		return store.Case{}, err
	}
	var total, mental, punitive int64
	for _, t := range a.Terms {
		total += t.AmountFen
		switch t.Kind {
		case "mental":
			mental += t.AmountFen
		case "punitive":
			punitive += t.AmountFen
		}
	}
	data, _ := json.Marshal(map[string]any{"agreed_fen": total, "kind": kind, "mental_fen": mental, "punitive_fen": punitive,
		"prevention": nonNil(a.Prevention)})
	c, err = s.Store.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: to}, store.Event{Type: string(domain.ActionReachAgreement),
		ActorID: p.UserID, ActorName: p.DisplayName, At: now, Note: note + "，涉及金额" + domain.FormatFen(total) + "元",
		Data: string(data)})
	return c, stale(err)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// RecordOral records an oral agreement (口头协议) reached in mediation; it
// takes effect at once and the case moves on to performance.
func (s *Service) RecordOral(ctx context.Context, p *auth.Principal, caseID int64, a domain.AgreementContent) (store.Case, error) {
	c, err := s.reach(ctx, p, caseID, a, "oral", "达成口头协议")
	if err != nil {
		return store.Case{}, err
	}
	to, err := domain.Next(domain.ActionStartPerformance, domain.Facts{Status: c.Status, AgreementEffective: true})
	if err != nil {
		return store.Case{}, err
	}
	c, err = s.Store.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: to}, store.Event{Type: string(domain.ActionStartPerformance),
		ActorID: p.UserID, ActorName: p.DisplayName, At: s.now(), Note: "口头协议达成即生效，进入履行"})
	return c, stale(err)
}

// Perform records that one term was performed, with its proof.
func (s *Service) Perform(ctx context.Context, p *auth.Principal, caseID int64, term int, proof string) error {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return err
	}
	a, err := s.Store.GetAgreement(ctx, c.ID)
	if err != nil || a.EffectiveAt == nil {
		return &domain.FieldError{Field: "term", Message: "案件没有已生效的调解协议"}
	}
	if term < 0 || term >= len(a.Terms) {
		return &domain.FieldError{Field: "term", Message: "履行事项不存在"}
	}
	proof = strings.TrimSpace(proof)
	if proof == "" || utf8.RuneCountInString(proof) > 500 {
		return &domain.FieldError{Field: "proof", Message: "请填写履行凭证（如转账流水号、收据编号，不超过500字）"}
	}
	if a.Terms[term].PerformedAt != "" {
		return &domain.FieldError{Field: "term", Message: "该项已记录履行"}
	}
	now := s.now()
	a.Terms[term].PerformedAt, a.Terms[term].Proof = now.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02"), proof
	// The term and its event together; the version check on the case keeps
	// two people recording the same term from both succeeding.
	return stale(s.Store.InTx(ctx, func(tx store.Store) error {
		if err := tx.PutAgreement(ctx, a); err != nil {
			return err
		}
		_, err := tx.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{}, store.Event{Type: "performed", ActorID: p.UserID, ActorName: p.DisplayName,
			At: now, Note: fmt.Sprintf("第%d项已履行：%s，%s元（凭证：%s）", term+1, a.Terms[term].Content, domain.FormatFen(a.Terms[term].AmountFen), proof),
			Data: performedData(a.Terms, term)})
		return err
	}))
}

// performedData is the Data of a "performed" event: the amount recovered
// for the consumer (a merchant's term), which term (0-based) of how many,
// so evaluation knows when every term is performed (docs/evaluation.md).
func performedData(terms []domain.Term, term int) string {
	var fen int64
	if terms[term].Party == "merchant" {
		fen = terms[term].AmountFen
	}
	return fmt.Sprintf(`{"recovered_fen":%d,"term":%d,"terms":%d}`, fen, term, len(terms))
}

// FollowUp records the follow-up call (回访) after performance or its deadline.
func (s *Service) FollowUp(ctx context.Context, p *auth.Principal, caseID int64, f store.FollowUp) (store.Case, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return store.Case{}, err
	}
	if f.Satisfaction < 1 || f.Satisfaction > 5 {
		return store.Case{}, &domain.FieldError{Field: "satisfaction", Message: "满意度为1至5分"}
	}
	if f.Method != "phone" && f.Method != "sms_link" && f.Method != "visit" {
		return store.Case{}, &domain.FieldError{Field: "method", Message: "请选择回访方式"}
	}
	if utf8.RuneCountInString(f.Comment) > 1000 || utf8.RuneCountInString(f.Commendation) > 100 {
		return store.Case{}, &domain.FieldError{Field: "comment", Message: "意见不超过1000字"}
	}
	a, err := s.Store.GetAgreement(ctx, c.ID)
	if err != nil {
		return store.Case{}, &domain.FieldError{Field: "satisfaction", Message: "案件没有调解协议，无需回访"}
	}
	today := s.now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	for i, t := range a.Terms {
		if t.PerformedAt == "" && t.Deadline >= today {
			return store.Case{}, &domain.FieldError{Field: "satisfaction", Message: fmt.Sprintf("第%d项尚未履行且未到履行期限，暂不回访", i+1)}
		}
	}
	to, err := domain.Next(domain.ActionFollowUp, domain.Facts{Status: c.Status, FollowUpRecorded: true})
	if err != nil {
		return store.Case{}, err
	}
	f.CaseID, f.RecordedBy, f.RecordedAt = c.ID, p.UserID, s.now()
	if err := s.Store.AddFollowUp(ctx, &f); err != nil {
		return store.Case{}, err
	}
	note := "回访：满意度" + strconv.Itoa(f.Satisfaction) + "分"
	if f.Commendation != "" {
		note += "，收到" + f.Commendation
	}
	c, err = s.Store.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: to, ClosedAt: &f.RecordedAt}, store.Event{Type: string(domain.ActionFollowUp),
		ActorID: p.UserID, ActorName: p.DisplayName, At: s.now(), Note: note, Data: fmt.Sprintf(`{"satisfaction":%d}`, f.Satisfaction)})
	return c, stale(err)
}

// Checklist is the case file as it stands.
func (s *Service) Checklist(ctx context.Context, c store.Case, events []store.Event) ([]domain.FileItem, error) {
	f := domain.FileFacts{Status: c.Status, Rejected: c.Status == domain.StatusRejected, Withdrawn: c.Status == domain.StatusWithdrawn}
	for _, p := range c.Parties {
		f.IDRecorded = f.IDRecorded || (p.Kind == "consumer" && p.IDHash != "")
	}
	cs, err := s.Store.ListConsents(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	agreed := 0
	for _, x := range cs {
		if x.Decision == "agree" {
			agreed++
		}
	}
	f.Consented = agreed == 2
	ss, err := s.Store.ListSessions(ctx, store.SessionQuery{CaseID: c.ID, Status: "held"})
	if err != nil {
		return nil, err
	}
	f.SessionsHeld = len(ss)
	for _, e := range events {
		switch e.Type {
		case string(domain.ActionStartMediation):
			f.Mediated = true
		case "termination_notice_sent":
			f.NoticeDelivered = true
		case "judicial_applied":
			f.JudicialApplied = true
		case "judicial_confirmed", "judicial_rejected":
			f.JudicialDecided = true
		}
	}
	if a, err := s.Store.GetAgreement(ctx, c.ID); err == nil {
		f.HasAgreement, f.AllPerformed = true, true
		for _, t := range a.Terms {
			f.AllPerformed = f.AllPerformed && t.PerformedAt != "" && t.Proof != ""
		}
	}
	fs, err := s.Store.ListFollowUps(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	f.FollowUpDone = len(fs) > 0
	es, err := s.Store.ListEvidence(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	f.EvidenceFiles = len(es)
	return domain.CaseFile(f), nil
}

// Archive freezes the case file as one PDF (cover, index, record) and
// archives the case; a missing required document stops it, by name.
func (s *Service) Archive(ctx context.Context, p *auth.Principal, caseID int64) (store.Case, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return store.Case{}, err
	}
	evs, err := s.Store.ListEvents(ctx, c.ID)
	if err != nil {
		return store.Case{}, err
	}
	items, err := s.Checklist(ctx, c, evs)
	if err != nil {
		return store.Case{}, err
	}
	ok, missing := domain.FileComplete(items)
	if !ok {
		return store.Case{}, &domain.FieldError{Field: "file", Message: "卷宗缺少：" + strings.Join(missing, "、")}
	}
	to, err := domain.Next(domain.ActionArchive, domain.Facts{Status: c.Status, CaseFileComplete: true})
	if err != nil {
		return store.Case{}, err
	}
	now := s.now()
	ar, err := s.ArchiveDocument(ctx, c, evs, items, now)
	if err != nil {
		return store.Case{}, err
	}
	ar.ArchivedBy = p.UserID
	number := ar.FileNumber
	err = s.Store.ArchiveCase(ctx, c.ID, c.Version, ar, store.CaseChange{Status: to},
		store.Event{Type: string(domain.ActionArchive), ActorID: p.UserID, ActorName: p.DisplayName, At: now, Note: "归档，卷宗号" + number})
	if err != nil {
		return store.Case{}, stale(err)
	}
	return s.Store.GetCase(ctx, c.ID)
}

// ArchiveDocument builds the frozen case file: a cover (file number, parties,
// outcome, dates, retention), the index of the checklist, the handling record
// and the agreement. c.Status is the outcome being archived.
func (s *Service) ArchiveDocument(ctx context.Context, c store.Case, evs []store.Event, items []domain.FileItem, now time.Time) (store.Archive, error) {
	committee, err := s.Store.GetOrgUnit(ctx, c.CommitteeID)
	if err != nil {
		return store.Archive{}, fmt.Errorf("committee of case: %w", err)
	}
	number := strings.Replace(c.Number, "消调字", "消调档字", 1)
	var paras []string
	paras = append(paras, "案号："+c.Number, "卷宗号："+number, "申请人："+c.ConsumerName, "被申请人："+c.MerchantName,
		"案由："+c.Category, "登记日期："+document.ChineseDate(c.ReceivedAt), "结案方式："+c.Status.Label(), "归档日期："+document.ChineseDate(now),
		"保管期限：十年", "卷内目录：")
	for i, it := range items {
		mark := "附"
		if !it.Present {
			mark = "无"
		}
		paras = append(paras, fmt.Sprintf("%d．%s（%s）", i+1, it.Name, mark))
	}
	paras = append(paras, "办理记录：")
	for _, e := range evs {
		paras = append(paras, e.At.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04")+" "+e.ActorName+" "+eventText(e))
	}
	if a, err := s.Store.GetAgreement(ctx, c.ID); err == nil {
		paras = append(paras, "调解协议（"+map[string]string{"oral": "口头", "written": "书面"}[a.Kind]+"）：", "纠纷事实："+a.Facts, "当事人责任："+a.Responsibility)
		for i, t := range a.Terms {
			paras = append(paras, fmt.Sprintf("第%d项：%s，%s元，%s，%s前履行%s", i+1, t.Content, domain.FormatFen(t.AmountFen), t.Manner, t.Deadline,
				map[bool]string{true: "（已于" + t.PerformedAt + "履行，凭证：" + t.Proof + "）", false: ""}[t.PerformedAt != ""]))
		}
	}
	// Evidence and record confirmations are listed with their fingerprints; the files stay in the platform.
	if es, err := s.Store.ListEvidence(ctx, c.ID); err == nil && len(es) > 0 {
		paras = append(paras, "证据材料目录：")
		for i, e := range es {
			paras = append(paras, fmt.Sprintf("%d．%s（%s提交，%s，SHA-256 %s…）", i+1, e.Name, domain.PartyWord(e.Uploader),
				e.Created.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04"), e.SHA256[:16]))
		}
	}
	if rc, err := s.Store.ListRecordConfirmations(ctx, c.ID); err == nil && len(rc) > 0 {
		paras = append(paras, "调解笔录确认：")
		for _, x := range rc {
			paras = append(paras, fmt.Sprintf("%s于%s%s确认调解笔录", domain.PartyWord(x.Party), x.At.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04"),
				map[string]string{"online": "在线", "paper": "签字（扫描件存档）"}[x.Method]))
		}
	}
	if cs, err := s.Store.ListCommendations(ctx, c.ID); err == nil && len(cs) > 0 {
		paras = append(paras, "表扬：")
		for _, x := range cs {
			line := domain.PartyWord(x.Giver) + "赠送" + CommendationKinds.Label(x.Kind)
			if x.Note != "" {
				line += "（" + x.Note + "）"
			}
			if x.PhotoSHA != "" {
				line += "，照片存于平台，SHA-256 " + x.PhotoSHA[:16] + "…"
			}
			paras = append(paras, line)
		}
	}
	var buf bytes.Buffer
	if err := document.WriteNotice(&buf, document.Notice{Title: "消费纠纷人民调解卷宗", Number: number, Paragraphs: paras,
		Issuer: committee.Name, Date: now, Footer: "本卷宗由系统生成，归档后不可更改。"}); err != nil {
		return store.Archive{}, err
	}
	sum := sha256.Sum256(buf.Bytes())
	return store.Archive{CaseID: c.ID, FileNumber: number, PDF: buf.Bytes(), SHA256: hex.EncodeToString(sum[:]), ArchivedAt: now}, nil
}

func eventText(e store.Event) string {
	label := domain.EventLabel(e.Type)
	if e.Note != "" {
		return label + "：" + e.Note
	}
	return label
}

// RequestRating texts the consumer a link to rate the mediation.
func (s *Service) RequestRating(ctx context.Context, p *auth.Principal, caseID int64) error {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return err
	}
	if c.Status != domain.StatusPerforming {
		return &domain.FieldError{Field: "followup", Message: "协议履行阶段方可回访"}
	}
	var phone string
	for _, party := range c.Parties {
		if party.Kind == "consumer" && party.PhoneSealed != "" {
			phone, _ = s.Sealer.Open(party.PhoneSealed)
		}
	}
	if phone == "" || s.Sender == nil {
		return &domain.FieldError{Field: "followup", Message: "未登记消费者手机号码，请电话回访"}
	}
	tok := token()
	// The rating link and the SMS carrying it commit together.
	return s.Store.InTx(ctx, func(tx store.Store) error {
		if err := tx.PutSignToken(ctx, c.ID, "rating", auth.HashToken(tok), s.Sealer.Seal(tok)); err != nil {
			return err
		}
		_, err := notify.SendTx(ctx, s.Sender, tx, notify.Message{To: phone, Kind: "follow_up", CaseID: c.ID,
			Body: "您的消费纠纷（案号：" + c.Number + "）调解协议已进入履行。请点击 " + strings.TrimSuffix(s.BaseURL, "/") + "/rate/" + tok + " 评价本次调解（1至5分）。"})
		return err
	})
}

// RatingCase loads the case a rating link stands for.
func (s *Service) RatingCase(ctx context.Context, tok string) (store.Case, error) {
	if len(tok) < 20 || len(tok) > 64 {
		return store.Case{}, ErrBadLink
	}
	id, party, err := s.Store.GetSignToken(ctx, auth.HashToken(tok))
	if err != nil || party != "rating" {
		return store.Case{}, ErrBadLink
	}
	return s.Store.GetCase(ctx, id)
}

// Rate records the consumer's own follow-up answer.
func (s *Service) Rate(ctx context.Context, tok string, satisfaction int, comment string) error {
	c, err := s.RatingCase(ctx, tok)
	if err != nil {
		return err
	}
	consumer := &auth.Principal{DisplayName: "消费者", Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgPath: c.OrgPath}}}
	_, err = s.FollowUp(ctx, consumer, c.ID, store.FollowUp{Satisfaction: satisfaction, Method: "sms_link", Comment: comment})
	return err
}
