package agreement

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/tiaojie/tiaojie/internal/access"
	"image/png"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/document"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Signers of a written agreement; it takes effect when all have signed.
var Signers = []string{"consumer", "merchant", "mediator", "seal"}

// ErrBadLink: unknown signing link.
var ErrBadLink = errors.New("签署链接无效，请联系调解员")

func token() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// RecordWritten records a written agreement (调解协议书) and sends each
// party a link to sign it on their phone.
func (s *Service) RecordWritten(ctx context.Context, p *auth.Principal, caseID int64, a domain.AgreementContent) (store.Case, error) {
	c, err := s.reach(ctx, p, caseID, a, "written", "达成书面调解协议，待各方签署并加盖印章后生效")
	if err != nil {
		return store.Case{}, err
	}
	// Each party's link and the SMS carrying it commit together.
	err = s.Store.InTx(ctx, func(tx store.Store) error {
		for _, party := range c.Parties {
			tok := token()
			if err := tx.PutSignToken(ctx, c.ID, party.Kind, auth.HashToken(tok), s.Sealer.Seal(tok)); err != nil {
				return err
			}
			if phone, err := s.Sealer.Open(party.PhoneSealed); err == nil && phone != "" && s.Sender != nil {
				_, err := notify.SendTx(ctx, s.Sender, tx, notify.Message{To: phone, Kind: "agreement_sign", CaseID: c.ID,
					Body: "您涉及的消费纠纷（案号：" + c.Number + "）已达成调解协议，请点击 " + strings.TrimSuffix(s.BaseURL, "/") + "/sign/" + tok + " 阅读并签署。"})
				if err != nil && !notify.Refused(err) {
					return err
				}
			}
		}
		return nil
	})
	return c, err
}

// SignView is what a party's signing page shows.
type SignView struct {
	Case       store.Case
	Party      string
	Agreement  store.Agreement
	Signatures []store.Signature
	Signed     bool
}

// ByToken loads the agreement a signing link stands for.
func (s *Service) ByToken(ctx context.Context, tok string) (SignView, error) {
	if len(tok) < 20 || len(tok) > 64 {
		return SignView{}, ErrBadLink
	}
	id, party, err := s.Store.GetSignToken(ctx, auth.HashToken(tok))
	if err != nil {
		return SignView{}, ErrBadLink
	}
	v := SignView{Party: party}
	if v.Case, err = s.Store.GetCase(ctx, id); err != nil {
		return v, err
	}
	if v.Agreement, err = s.Store.GetAgreement(ctx, id); err != nil {
		return v, err
	}
	if v.Signatures, err = s.Store.ListSignatures(ctx, id); err != nil {
		return v, err
	}
	for _, sg := range v.Signatures {
		v.Signed = v.Signed || sg.Signer == party
	}
	return v, nil
}

func (s *Service) partyPhone(v SignView) string {
	for _, p := range v.Case.Parties {
		if p.Kind == v.Party && p.PhoneSealed != "" {
			if ph, err := s.Sealer.Open(p.PhoneSealed); err == nil {
				return ph
			}
		}
	}
	return ""
}

// SendCode texts the signing party a verification code.
func (s *Service) SendCode(ctx context.Context, tok string) error {
	v, err := s.ByToken(ctx, tok)
	if err != nil {
		return err
	}
	phone := s.partyPhone(v)
	if phone == "" {
		return &domain.FieldError{Field: "code", Message: "未登记您的手机号码，请到调解室当面签署"}
	}
	code, now := notify.NewCode(6), s.now()
	if err := s.Store.PutSMSCode(ctx, s.Sealer.Hash(phone), s.Sealer.Hash("code:"+code), now, now.Add(5*time.Minute), time.Minute); errors.Is(err, store.ErrConflict) {
		return &domain.FieldError{Field: "code", Message: "刚刚已获取过验证码，请60秒后再试"}
	} else if err != nil {
		return err
	}
	if s.Sender != nil {
		s.Sender.Send(ctx, notify.Message{To: phone, Body: notify.VerifyCodeText(code, 5), Kind: "verify_code", CaseID: v.Case.ID})
	}
	return nil
}

var pngMagic = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}

// PartySign records a party's signature: the SMS code proves the phone, the
// drawn signature (a PNG, checked by content) is kept with it.
func (s *Service) PartySign(ctx context.Context, tok, code string, image []byte) error {
	v, err := s.ByToken(ctx, tok)
	if err != nil {
		return err
	}
	if v.Signed {
		return &domain.FieldError{Field: "code", Message: "您已签署"}
	}
	if v.Case.Status != domain.StatusAgreed {
		return &domain.FieldError{Field: "code", Message: "该协议不在签署阶段"}
	}
	if len(image) < 100 || len(image) > 300<<10 || !bytes.HasPrefix(image, pngMagic) {
		return &domain.FieldError{Field: "signature", Message: "请在签名框内手写签名"}
	}
	ok, err := s.Store.CheckSMSCode(ctx, s.Sealer.Hash(s.partyPhone(v)), s.Sealer.Hash("code:"+strings.TrimSpace(code)), s.now(), 5)
	if err != nil {
		return err
	}
	if !ok {
		return &domain.FieldError{Field: "code", Message: "验证码错误或已过期"}
	}
	return stale(s.sign(ctx, store.Signature{CaseID: v.Case.ID, Signer: v.Party, Method: "sms_code", Image: image, SignedAt: s.now()},
		"code", "您已签署", domain.PartyWord(v.Party)+"已签署"))
}

// sign stores a signature, the signing event and — at the last signature —
// the frozen agreement and the move to performance, all in one transaction:
// two signers at once both land, and a failure leaves no half-signed state.
func (s *Service) sign(ctx context.Context, sg store.Signature, field, dupMsg, what string) error {
	return store.InTxRetry(ctx, s.Store, func(tx store.Store) error {
		// The signing note comes first: writing it takes the case row's lock,
		// so signers at the same moment take turns, and each then reads the
		// case and the signatures as the one before left them.
		if err := tx.AddNote(ctx, sg.CaseID, store.Event{Type: "agreement_signed", ActorID: sg.SignedBy, ActorName: "签署", At: s.now(), Note: what}); err != nil {
			return err
		}
		c, err := tx.GetCase(ctx, sg.CaseID)
		if err != nil {
			return err
		}
		if c.Status != domain.StatusAgreed {
			return &domain.FieldError{Field: field, Message: "该协议不在签署阶段"}
		}
		if err := tx.AddSignature(ctx, sg); errors.Is(err, store.ErrConflict) {
			return &domain.FieldError{Field: field, Message: dupMsg}
		} else if err != nil {
			return err
		}
		return s.maybeEffective(ctx, tx, c)
	})
}

// MediatorSign is the presiding mediator's signature.
func (s *Service) MediatorSign(ctx context.Context, p *auth.Principal, caseID int64) error {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return err
	}
	if c.PresidingID != p.UserID {
		return &domain.FieldError{Field: "sign", Message: "由主持调解员签署"}
	}
	if c.Status != domain.StatusAgreed {
		return &domain.FieldError{Field: "sign", Message: "该协议不在签署阶段"}
	}
	return stale(s.sign(ctx, store.Signature{CaseID: c.ID, Signer: "mediator", Method: "in_person", SignedBy: p.UserID, SignedAt: s.now()},
		"sign", "调解员已签署", "调解员"+p.DisplayName+"已签署"))
}

// Seal applies the committee's seal (committee staff only).
func (s *Service) Seal(ctx context.Context, p *auth.Principal, caseID int64) error {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return err
	}
	committee, err := s.Store.GetOrgUnit(ctx, c.CommitteeID)
	if err != nil || !p.Has(domain.RoleCommittee) || !p.Reaches(domain.PermCaseDecide, committee.Path) {
		return access.ErrForbidden
	}
	if c.Status != domain.StatusAgreed {
		return &domain.FieldError{Field: "seal", Message: "该协议不在签署阶段"}
	}
	return stale(s.sign(ctx, store.Signature{CaseID: c.ID, Signer: "seal", Method: "system", SignedBy: p.UserID, SignedAt: s.now()},
		"seal", "已加盖印章", "加盖"+committee.Name+"印章"))
}

// maybeEffective records the signing step; after the last signature the
// agreement takes effect: its PDF is frozen with a SHA-256 and a
// verification code, and the case moves on to performance.
// It runs inside sign's transaction (tx).
func (s *Service) maybeEffective(ctx context.Context, tx store.Store, c store.Case) error {
	caseID := c.ID
	sgs, err := tx.ListSignatures(ctx, caseID)
	if err != nil {
		return err
	}
	have := map[string]store.Signature{}
	for _, sg := range sgs {
		have[sg.Signer] = sg
	}
	for _, sg := range Signers {
		if _, ok := have[sg]; !ok {
			return nil
		}
	}
	a, err := tx.GetAgreement(ctx, caseID)
	if err != nil {
		return err
	}
	committee, err := tx.GetOrgUnit(ctx, c.CommitteeID)
	if err != nil {
		return err
	}
	now := s.now()
	codeBytes := make([]byte, 5)
	rand.Read(codeBytes)
	code := strings.ToUpper(hex.EncodeToString(codeBytes))
	// Without an uploaded seal image the placeholder stays, for stamping the printout by hand.
	var seal []byte
	if sl, err := tx.GetSeal(ctx, c.CommitteeID); err == nil {
		seal = sl.Image
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	pdf, err := EffectiveDocument(c, a, committee.Name, sgs, seal, code, now)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(pdf)
	if err := tx.FreezeAgreement(ctx, caseID, pdf, hex.EncodeToString(sum[:]), code, now); err != nil {
		return err
	}
	to, err := domain.Next(domain.ActionStartPerformance, domain.Facts{Status: c.Status, AgreementEffective: true})
	if err != nil {
		return err
	}
	_, err = tx.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: to}, store.Event{Type: string(domain.ActionStartPerformance),
		ActorName: "系统", At: now, Note: "调解协议书经各方签署并加盖印章，自即日起生效"})
	return err
}

// Verified is what the public verification answers.
type Verified struct {
	CaseNumber  string    `json:"case_number"`
	EffectiveAt time.Time `json:"effective_at"`
}

// EffectiveDocument renders the 人民调解协议书 of a written agreement as it
// takes effect at the time given: the terms, the parties' and the mediator's
// signatures (drawn ones as images; each line says when and how it was
// signed), the committee's seal image (nil leaves the placeholder) and the
// verification code. Frozen with its SHA-256 it is the agreement's document.
func EffectiveDocument(c store.Case, a store.Agreement, committee string, sigs []store.Signature, seal []byte, code string, at time.Time) ([]byte, error) {
	have := map[string]store.Signature{}
	for _, sg := range sigs {
		have[sg.Signer] = sg
	}
	var paras []string
	paras = append(paras, "申请人（消费者）："+c.ConsumerName, "被申请人（经营者）："+c.MerchantName, "纠纷主要事实及争议事项："+a.Facts,
		"当事人责任："+a.Responsibility, "经本委员会调解，双方自愿达成如下协议：")
	for i, t := range a.Terms {
		paras = append(paras, fmt.Sprintf("%d．%s于%s前以%s方式%s，金额人民币%s元。", i+1, domain.PartyWord(t.Party), t.Deadline, t.Manner, t.Content, domain.FormatFen(t.AmountFen)))
	}
	paras = append(paras, "本协议自各方当事人、调解员签名并加盖本委员会印章之日起生效。双方当事人可以自本协议生效之日起三十日内共同向人民法院申请司法确认。人民调解不收取任何费用。")
	var signed []document.Signed
	for _, sg := range Signers[:3] { // the seal goes on the issuer block
		how := map[string]string{"sms_code": "手机短信验证签署", "in_person": "当面签署"}[have[sg].Method]
		signed = append(signed, document.Signed{Label: domain.PartyWord(sg), Image: have[sg].Image,
			Note: have[sg].SignedAt.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04") + " " + how})
	}
	var buf bytes.Buffer
	if err := document.WriteNotice(&buf, document.Notice{Title: "人民调解协议书", Number: c.Number, Paragraphs: paras, Issuer: committee,
		Date: at, VerifyCode: code + "（可在本平台凭文件SHA-256核验）", Signed: signed, Seal: seal}); err != nil {
		return nil, fmt.Errorf("render agreement of %s: %w", c.Number, err)
	}
	return buf.Bytes(), nil
}

// Verify confirms a presented agreement by its SHA-256.
func (s *Service) Verify(ctx context.Context, sha string) (Verified, bool, error) {
	sha = strings.ToLower(strings.TrimSpace(sha))
	if len(sha) != 64 {
		return Verified{}, false, nil
	}
	_, number, at, err := s.Store.FindAgreementBySHA(ctx, sha)
	if errors.Is(err, store.ErrNotFound) {
		return Verified{}, false, nil
	}
	return Verified{CaseNumber: number, EffectiveAt: at}, err == nil, err
}

// SealMaxBytes bounds an uploaded seal image.
const SealMaxBytes = 512 << 10

// UploadSeal stores a committee's seal image after checking by content that
// it is a PNG of a sensible size; the system places it on the agreements the
// committee issues from then on.
func (s *Service) UploadSeal(ctx context.Context, p *auth.Principal, committee store.OrgUnit, image []byte) error {
	if committee.Kind != domain.OrgCommittee || !p.Reaches(domain.PermSealManage, committee.Path) {
		return access.ErrForbidden
	}
	if len(image) > SealMaxBytes {
		return &domain.FieldError{Field: "seal", Message: "印章图片不能超过512KB"}
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(image))
	if err != nil {
		return &domain.FieldError{Field: "seal", Message: "印章图片须为PNG格式（建议透明背景的红色印章扫描件）"}
	}
	if cfg.Width < 100 || cfg.Height < 100 || cfg.Width > 2000 || cfg.Height > 2000 {
		return &domain.FieldError{Field: "seal", Message: "印章图片的宽和高须在100至2000像素之间"}
	}
	if _, err := png.Decode(bytes.NewReader(image)); err != nil {
		return &domain.FieldError{Field: "seal", Message: "印章图片已损坏，请重新扫描"}
	}
	return s.Store.PutSeal(ctx, committee.ID, image, p.UserID, s.now())
}
