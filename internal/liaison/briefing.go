package liaison

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/document"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Draft is a briefing's text pre-filled with the committee's headline
// figures for the period (from the evaluation rollups).
type Draft struct {
	CommitteeID int64
	Title       string
	From, To    string
	Body        string
}

// DraftBriefing fills a briefing for the committee and period. The figures
// are the scorecard's headline: the same numbers the evaluation pages show.
func (s *Service) DraftBriefing(ctx context.Context, p *auth.Principal, committeeID int64, from, to string) (Draft, error) {
	_, c, err := s.manage(ctx, p, committeeID)
	if err != nil {
		return Draft{}, err
	}
	h, err := s.Scorecard.Headline(ctx, p, c.Code, from, to)
	if err != nil {
		return Draft{}, err
	}
	return Draft{CommitteeID: c.ID, Title: fmt.Sprintf("%s消费纠纷调解工作情况通报（%s至%s）", districtOf(c.Name), h.Period.From, h.Period.To),
		From: h.Period.From.String(), To: h.Period.To.String(), Body: HeadlineText(c.Name, h)}, nil
}

func districtOf(committee string) string {
	if i := strings.Index(committee, "消费纠纷"); i > 0 {
		return committee[:i]
	}
	return ""
}

// HeadlineText writes the headline figures as the briefing's paragraphs.
func HeadlineText(committee string, h scorecard.Headline) string {
	val := map[string]scorecard.Figure{}
	for _, f := range h.Figures {
		val[f.Code] = f
	}
	num := func(code string) string {
		f := val[code]
		if f.Unit == "%" || f.Unit == "工作日" {
			return fmt.Sprintf("%.1f%s", f.Value, f.Unit)
		}
		if f.Unit == "元" {
			return fmt.Sprintf("%.2f元", f.Value)
		}
		return fmt.Sprintf("%.0f%s", f.Value, f.Unit)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s至%s，%s共收到消费纠纷%s，其中由市场监管部门分流%s；办结%s，调解成功率%s，平均办理用时%s；涉及金额%s，挽回经济损失%s；经人民法院司法确认%s。",
		h.Period.From, h.Period.To, committee, num("received"), num("diverted"), num("closed"), num("success"), num("handling_mean"),
		num("claimed"), num("recovered"), num("judicial"))
	b.WriteString("\n")
	var outs []string
	for _, f := range h.ByOutcome {
		if f.Value > 0 {
			outs = append(outs, fmt.Sprintf("%s%.0f件", f.Name, f.Value))
		}
	}
	if len(outs) > 0 {
		b.WriteString("按结案方式：" + strings.Join(outs, "、") + "。")
	} else {
		b.WriteString("本期没有办结的案件。")
	}
	b.WriteString("\n以上数据取自绩效评估统计，与调委会绩效页面一致。请各合作单位结合本通报做好消费纠纷的联动化解工作。")
	return b.String()
}

// BriefingInput sends a briefing to chosen partners.
type BriefingInput struct {
	CommitteeID int64
	Title       string
	From, To    string
	Body        string
	PartnerIDs  []int64
}

// SendBriefing freezes the briefing as a PDF with its SHA-256, records a
// recipient per partner and, in the same transaction, queues an SMS notice
// to each of their contacts with a mobile phone.
func (s *Service) SendBriefing(ctx context.Context, p *auth.Principal, in BriefingInput) (store.Briefing, error) {
	return s.SendDocument(ctx, p, in, nil, nil)
}

// Render draws a briefing's PDF for the recipients' names at a time.
type Render func(recipients []string, at time.Time) ([]byte, error)

// SendDocument is SendBriefing for a document its caller draws (the monthly
// bulletin): render, when set, replaces the plain notice; then, when set,
// runs inside the sending transaction after the briefing is stored, so the
// caller's own record commits with it or not at all.
func (s *Service) SendDocument(ctx context.Context, p *auth.Principal, in BriefingInput, render Render, then func(tx store.Store, b store.Briefing) error) (store.Briefing, error) {
	_, c, err := s.manage(ctx, p, in.CommitteeID)
	if err != nil {
		return store.Briefing{}, err
	}
	var errs []*domain.FieldError
	bad := func(f, m string) { errs = append(errs, &domain.FieldError{Field: f, Message: m}) }
	title, body := strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	if title == "" || utf8.RuneCountInString(title) > 80 {
		bad("title", "请填写通报标题（不超过80字）")
	}
	if body == "" {
		bad("body", "请填写通报正文")
	} else if utf8.RuneCountInString(body) > 10000 {
		bad("body", "通报正文不能超过10000字")
	}
	from, ferr := calendar.ParseDate(strings.TrimSpace(in.From))
	to, terr := calendar.ParseDate(strings.TrimSpace(in.To))
	switch {
	case ferr != nil || terr != nil:
		bad("from", "请填写通报期间的起止日期，格式为 YYYY-MM-DD")
	case from.After(to):
		bad("from", fmt.Sprintf("开始日期 %s 晚于结束日期 %s", from, to))
	case to.After(s.today()):
		bad("to", fmt.Sprintf("通报期间不能在未来：今天是 %s", s.today()))
	}
	if len(in.PartnerIDs) == 0 {
		bad("partners", "请至少选择一个接收单位")
	}
	var partners []store.Partner
	seen := map[int64]bool{}
	for _, id := range in.PartnerIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		pt, err := s.Store.GetPartner(ctx, id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && pt.CommitteeID != c.ID) {
			bad("partners", "所选接收单位不在本调委会的联络名录中")
			continue
		}
		if err != nil {
			return store.Briefing{}, fmt.Errorf("get partner: %w", err)
		}
		partners = append(partners, pt)
	}
	if len(errs) > 0 {
		return store.Briefing{}, &access.ValidationError{Fields: errs}
	}
	names := make([]string, len(partners))
	for i, pt := range partners {
		names[i] = pt.Name
	}
	now := s.now()
	var buf bytes.Buffer
	if render != nil {
		pdf, err := render(names, now)
		if err != nil {
			return store.Briefing{}, fmt.Errorf("render briefing: %w", err)
		}
		buf.Write(pdf)
	} else if err := document.WriteNotice(&buf, document.Notice{Title: title, Addressee: strings.Join(names, "、") + "：",
		Paragraphs: strings.Split(body, "\n"), Issuer: c.Name, Date: now,
		Footer: fmt.Sprintf("通报期间：%s至%s。本通报送：%s。", from, to, strings.Join(names, "、"))}); err != nil {
		return store.Briefing{}, fmt.Errorf("render briefing: %w", err)
	}
	sum := sha256.Sum256(buf.Bytes())
	b := store.Briefing{CommitteeID: c.ID, Title: title, From: from.String(), To: to.String(), Body: body, PDF: buf.Bytes(),
		SHA256: hex.EncodeToString(sum[:]), CreatedBy: p.UserID, Creator: p.DisplayName, Created: now}
	err = s.Store.InTx(ctx, func(tx store.Store) error {
		for _, pt := range partners {
			r := store.BriefingRecipient{PartnerID: pt.ID, PartnerName: pt.Name, State: "sent", SentAt: now}
			for _, ct := range pt.Contacts {
				if ct.PhoneSealed == "" || s.Sender == nil {
					continue
				}
				phone, err := s.Sealer.Open(ct.PhoneSealed)
				if err != nil {
					return fmt.Errorf("open contact phone: %w", err)
				}
				if domain.ValidateMobile(phone) != nil {
					continue // a landline takes no SMS
				}
				msg := notify.Message{To: phone, Kind: "notice",
					Body: fmt.Sprintf("%s向贵单位发送了《%s》，请登录调解平台或联系本委员会查收。", c.Name, title)}
				if _, err := notify.SendTx(ctx, s.Sender, tx, msg); err != nil && !notify.Refused(err) {
					return fmt.Errorf("queue briefing notice: %w", err)
				} else if err == nil {
					r.SMSQueued++
				}
			}
			b.Recipients = append(b.Recipients, r)
		}
		if err := tx.AddBriefing(ctx, &b); err != nil {
			return err
		}
		if then != nil {
			return then(tx, b)
		}
		return nil
	})
	if err != nil {
		return store.Briefing{}, fmt.Errorf("send briefing: %w", err)
	}
	b.PDF = nil
	return b, nil
}

// BriefingView is a briefing as shown.
type BriefingView struct {
	store.Briefing
	Committee store.OrgUnit
	CanManage bool
}

// StateLabel names a recipient's delivery state.
func StateLabel(s string) string {
	return map[string]string{"sent": "已发送", "received": "已签收"}[s]
}

// Briefing is one briefing p may see (without its PDF bytes).
func (s *Service) Briefing(ctx context.Context, p *auth.Principal, id int64) (BriefingView, error) {
	sc, err := s.resolve(ctx, p, domain.PermRoutineRead)
	if err != nil {
		return BriefingView{}, err
	}
	b, err := s.Store.GetBriefing(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return BriefingView{}, access.NotFound("情况通报不存在或无权查看")
	}
	if err != nil {
		return BriefingView{}, fmt.Errorf("get briefing: %w", err)
	}
	c, ok := sc.committee(b.CommitteeID)
	if !ok {
		return BriefingView{}, access.NotFound("情况通报不存在或无权查看")
	}
	return BriefingView{Briefing: b, Committee: c, CanManage: p.Reaches(domain.PermRoutineManage, c.Path)}, nil
}

// BriefingPDF is the frozen PDF and its file name.
func (s *Service) BriefingPDF(ctx context.Context, p *auth.Principal, id int64) ([]byte, string, error) {
	v, err := s.Briefing(ctx, p, id)
	if err != nil {
		return nil, "", err
	}
	return v.PDF, v.Title + ".pdf", nil
}

// MarkReceived records that a partner received a briefing.
func (s *Service) MarkReceived(ctx context.Context, p *auth.Principal, briefingID, partnerID int64) error {
	v, err := s.Briefing(ctx, p, briefingID)
	if err != nil {
		return err
	}
	if !v.CanManage {
		return access.Forbidden("无权登记通报签收")
	}
	if err := s.Store.MarkBriefingReceived(ctx, briefingID, partnerID, s.now()); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return access.Conflict("该单位不是本通报的接收单位，或已签收")
		}
		return fmt.Errorf("mark received: %w", err)
	}
	return nil
}
