// Package casebook is the typical-case library (典型案例): a committee or
// room lead nominates a closed case (agreed, or terminated on a statutory
// ground) and gets a draft anonymised by internal/anonymize; the editor
// writes the 典型意义 and corrects the draft beside the original, the
// residual-PI scan runs on every save and must be clean to publish; the
// committee publishes it (public, no sign-in) or withdraws it with a
// reason. Judicially confirmed agreements (法释〔2016〕19号 Art 4(3)),
// minors (Art 8) and family disputes are refused by default. Every step
// is a store write, so the audit trail records it.
package casebook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/anonymize"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service runs the library.
type Service struct {
	Store store.Store
	// Sealer opens parties' identity numbers to tell a minor by the birth
	// date; nil leaves only the nominator's declaration.
	Sealer *pii.Sealer
	// KeepMerchants keeps merchants' names in new drafts (a policy
	// decision, off by default: "某健身公司").
	KeepMerchants bool
	Now           func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Field names and labels of a typical case's text.
var Fields = []struct{ Name, Label string }{
	{"title", "标题"}, {"category", "纠纷类别"}, {"facts", "基本案情"}, {"process", "调解过程"}, {"result", "调解结果"}, {"significance", "典型意义"},
}

// FieldLabel is the Chinese name of a field.
func FieldLabel(name string) string {
	for _, f := range Fields {
		if f.Name == name {
			return f.Label
		}
	}
	return name
}

// FieldHit is a scan hit in one field.
type FieldHit struct {
	Field string `json:"field"`
	anonymize.Hit
}

// Where says where the hit is, in words.
func (h FieldHit) Where() string {
	return fmt.Sprintf("%s第%d–%d字", FieldLabel(h.Field), h.Start+1, h.End)
}

// StatusLabel names a status in Chinese.
func StatusLabel(s string) string {
	return map[string]string{StatusDraft: "草稿", StatusSubmitted: "待审核", StatusPublished: "已发布", StatusWithdrawn: "已撤回"}[s]
}

// ScanError refuses a publication while the scan finds something (409).
type ScanError struct{ Hits []FieldHit }

func (e *ScanError) Error() string {
	var parts []string
	for i, h := range e.Hits {
		if i == 5 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, h.Where()+"：疑似"+h.Label())
	}
	return fmt.Sprintf("匿名化检查发现%d处可能的个人信息，请修改后再发布（%s）", len(e.Hits), strings.Join(parts, "；"))
}

// Kind makes it a conflict.
func (e *ScanError) Kind() access.Kind { return access.KindConflict }

func invalid(field, msg string) error {
	return &access.ValidationError{Fields: []*domain.FieldError{{Field: field, Message: msg}}}
}

// Blocked refuses a nomination (422) with the reason in Chinese.
func blocked(msg string) error { return invalid("case_id", msg) }

var errNotFound = access.NotFound("典型案例不存在或无权查看")

// Nomination is what a nominator asks for.
type Nomination struct {
	CaseID int64
	// InvolvesMinor is the nominator's declaration (涉及未成年人): it blocks.
	InvolvesMinor bool
}

// outcome is how a case ended: "agreed", "terminated" or "" (not closed
// in a way a typical case can show).
func outcome(c store.Case, hasAgreement bool) string {
	switch c.Status {
	case domain.StatusAgreed, domain.StatusPerforming, domain.StatusFollowedUp:
		return "agreed"
	case domain.StatusTerminated:
		return "terminated"
	case domain.StatusArchived:
		if domain.EndedByTermination(c.Status, c.ReasonCode) {
			return "terminated"
		}
		if hasAgreement {
			return "agreed"
		}
	}
	return ""
}

// minorAge is the age below which a party is a minor.
const minorAge = 18

// isMinor reports whether someone born on birth was under 18 on day.
func isMinor(birth, day time.Time) bool {
	return day.Before(birth.AddDate(minorAge, 0, 0))
}

// Nominate drafts a typical case from a closed case in the nominator's scope.
func (s *Service) Nominate(ctx context.Context, p *auth.Principal, n Nomination) (store.TypicalCase, error) {
	if p == nil || !p.Can(domain.PermLibraryNominate) {
		return store.TypicalCase{}, access.Forbidden("无权推荐典型案例")
	}
	if n.CaseID <= 0 {
		return store.TypicalCase{}, invalid("case_id", "请指定要推荐的案件（case_id）")
	}
	c, err := s.Store.GetCase(ctx, n.CaseID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !p.CanOnCase(domain.PermLibraryNominate, c)) {
		return store.TypicalCase{}, access.ErrNotFound
	}
	if err != nil {
		return store.TypicalCase{}, fmt.Errorf("get case %d: %w", n.CaseID, err)
	}
	agr, err := s.Store.GetAgreement(ctx, c.ID)
	hasAgreement := err == nil && agr.EffectiveAt != nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.TypicalCase{}, fmt.Errorf("get agreement: %w", err)
	}
	out := outcome(c, hasAgreement)
	if out == "" {
		return store.TypicalCase{}, blocked(fmt.Sprintf("只有已达成调解协议或依法终止调解的案件才能推荐为典型案例（本案当前状态：%s）", c.Status.Label()))
	}
	if err := s.refusal(ctx, c, n); err != nil {
		return store.TypicalCase{}, err
	}
	d := s.draft(c, agr, hasAgreement, out)
	d.NominatedBy, d.Nominator, d.Created = p.UserID, p.DisplayName, s.now()
	m := masker(c, d.KeepMerchants)
	d.Hits, d.Clean = hitsJSON(scanAll(m, d))
	if err := s.Store.CreateTypicalCase(ctx, &d); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return d, access.Conflict("该案件已被推荐为典型案例（未撤回），请在典型案例草稿中继续编辑")
		}
		return d, err
	}
	return d, nil
}

// refusal is why a closed case may not be published, or nil.
func (s *Service) refusal(ctx context.Context, c store.Case, n Nomination) error {
	ja, err := s.Store.GetJudicialApplication(ctx, c.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("get judicial application: %w", err)
	}
	if err == nil && ja.Status != "rejected" {
		if ja.Status == "confirmed" {
			return blocked("本案调解协议已经人民法院司法确认。依照法释〔2016〕19号第四条第三项，确认人民调解协议的裁定不在互联网公布，本案不作为典型案例公开")
		}
		return blocked("本案调解协议已申请司法确认，确认裁定依法不公开（法释〔2016〕19号第四条第三项），本案不作为典型案例公开")
	}
	if n.InvolvesMinor {
		return blocked("推荐人声明本案涉及未成年人。依照法释〔2016〕19号第八条，未成年人及其法定代理人的信息须隐名处理，本案默认不作为典型案例公开")
	}
	for _, party := range c.Parties {
		if party.Kind != "consumer" || party.IDSealed == "" || s.Sealer == nil {
			continue
		}
		id, err := s.Sealer.Open(party.IDSealed)
		if err != nil {
			continue
		}
		if birth, ok := domain.BirthDateFromID(id); ok && isMinor(birth, c.ReceivedAt) {
			return blocked("据身份证号码，本案当事人受理时未满十八周岁。依照法释〔2016〕19号第八条，涉及未成年人的案件默认不作为典型案例公开")
		}
	}
	if strings.Contains(c.Category, "婚姻") || strings.Contains(c.Category, "继承") || strings.Contains(c.Category, "家庭") {
		return blocked("婚姻家庭、继承纠纷涉及家事隐私（法释〔2016〕19号第八条、第十条），不作为典型案例公开")
	}
	return nil
}

// masker masks the case's people and merchants.
func masker(c store.Case, keepMerchants bool) *anonymize.Masker {
	o := anonymize.Options{KeepMerchants: keepMerchants}
	if c.ConsumerName != "" {
		o.People = append(o.People, c.ConsumerName)
	}
	for _, p := range c.Parties {
		switch p.Kind {
		case "consumer":
			o.People = append(o.People, p.Name)
		default:
			o.Merchants = append(o.Merchants, p.Name)
		}
	}
	if c.MerchantName != "" {
		o.Merchants = append(o.Merchants, c.MerchantName)
	}
	return anonymize.New(o)
}

func yuan(fen int64) string {
	if fen%100 == 0 {
		return fmt.Sprintf("%d元", fen/100)
	}
	return domain.FormatFen(fen) + "元"
}

func cnDay(t time.Time) string { return t.In(calendar.Shanghai()).Format("2006年1月2日") }

// draft fills a typical case from the case, anonymised.
func (s *Service) draft(c store.Case, agr store.Agreement, hasAgreement bool, out string) store.TypicalCase {
	m := masker(c, s.KeepMerchants)
	consumer := "申请人"
	for _, p := range c.Parties {
		if p.Kind == "consumer" && p.Name != "" {
			consumer = "申请人" + m.Text(p.Name)
			break
		}
	}
	facts := strings.TrimSpace(c.Description)
	facts = strings.ReplaceAll(facts, "本人", consumer)
	if !strings.HasPrefix(facts, "申请人") {
		facts = consumer + "称：" + facts
	}
	if cl := strings.TrimSpace(c.Claim); cl != "" {
		facts += "\n" + consumer + "的请求：" + cl + "。"
	}
	var proc []string
	proc = append(proc, fmt.Sprintf("%s，%s经%s提出调解申请。", cnDay(c.ReceivedAt), consumer, c.Channel.Label()))
	if c.AcceptedAt != nil {
		proc = append(proc, fmt.Sprintf("人民调解委员会于%s受理，征得双方当事人同意后指派调解员主持调解。", cnDay(*c.AcceptedAt)))
	}
	if hasAgreement {
		if r := strings.TrimSpace(agr.Responsibility); r != "" {
			proc = append(proc, "调解员在查明事实的基础上释明法律规定，分清责任："+strings.TrimSuffix(r, "。")+"。")
		} else {
			proc = append(proc, "调解员在查明事实的基础上向双方释明相关法律规定，引导双方互谅互让。")
		}
	}
	var res []string
	switch out {
	case "agreed":
		kind := "书面"
		if agr.Kind == "oral" {
			kind = "口头"
		}
		day := ""
		if agr.EffectiveAt != nil {
			day = cnDay(*agr.EffectiveAt) + "，"
		} else if c.DecidedAt != nil {
			day = cnDay(*c.DecidedAt) + "，"
		}
		res = append(res, day+"双方自愿达成"+kind+"调解协议。")
		performed := len(agr.Terms) > 0
		for i, t := range agr.Terms {
			line := fmt.Sprintf("%d. %s%s", i+1, domain.PartyWord(t.Party), strings.TrimSpace(t.Content))
			if t.AmountFen > 0 {
				line += yuan(t.AmountFen)
			}
			if t.Manner != "" {
				line += "，以" + strings.TrimSpace(t.Manner) + "方式"
			}
			if t.Deadline != "" {
				if d, err := time.Parse("2006-01-02", t.Deadline); err == nil {
					line += "，于" + d.Format("2006年1月2日") + "前履行"
				}
			}
			res = append(res, line+"。")
			if t.PerformedAt == "" {
				performed = false
			}
		}
		if performed || c.Status == domain.StatusFollowedUp || c.Status == domain.StatusArchived {
			res = append(res, "协议已履行完毕。")
		}
	case "terminated":
		reason := domain.TerminateReasons.Label(c.ReasonCode)
		if reason == "" || reason == c.ReasonCode {
			reason = "未能达成调解协议"
		}
		res = append(res, "调解终止："+reason+"。调解委员会依法告知当事人可以通过仲裁、诉讼等途径维护权益。")
	}
	title := c.Category
	if i := strings.LastIndex(title, "-"); i >= 0 {
		title = title[i+1:]
	}
	if title == "" {
		title = "消费"
	}
	title += "消费纠纷调解案"
	d := store.TypicalCase{CaseID: c.ID, CommitteeID: c.CommitteeID, OrgPath: c.OrgPath, Status: StatusDraft,
		Title: title, Category: c.Category, KeepMerchants: s.KeepMerchants,
		Facts: m.Text(facts), Process: m.Text(strings.Join(proc, "")), Result: m.Text(strings.Join(res, "\n"))}
	return d
}

// texts are a typical case's fields by name.
func texts(tc store.TypicalCase) [][2]string {
	return [][2]string{{"title", tc.Title}, {"category", tc.Category}, {"facts", tc.Facts}, {"process", tc.Process}, {"result", tc.Result}, {"significance", tc.Significance}}
}

func scanAll(m *anonymize.Masker, tc store.TypicalCase) []FieldHit {
	var out []FieldHit
	for _, f := range texts(tc) {
		for _, h := range m.Scan(f[1]) {
			out = append(out, FieldHit{Field: f[0], Hit: h})
		}
	}
	return out
}

func hitsJSON(hs []FieldHit) (string, bool) {
	if len(hs) == 0 {
		return "[]", true
	}
	b, _ := json.Marshal(hs)
	return string(b), false
}

// ParseHits reads stored hits.
func ParseHits(s string) []FieldHit {
	var hs []FieldHit
	_ = json.Unmarshal([]byte(s), &hs)
	return hs
}

// visible reports whether p may see the typical case as staff.
func visible(p *auth.Principal, tc store.TypicalCase) bool {
	return p != nil && (p.Reaches(domain.PermLibraryNominate, tc.OrgPath) || p.Reaches(domain.PermLibraryPublish, tc.OrgPath))
}

// Draft is a typical case as its editor sees it.
type Draft struct {
	store.TypicalCase
	Hits        []FieldHit
	Original    *Original // nil when the viewer may not read the case
	Aliases     []anonymize.Alias
	CanEdit     bool
	CanSubmit   bool
	CanPublish  bool
	CanWithdraw bool
}

// Original is the case beside the draft, as the viewer may see it: names
// as on the case page, phones only masked.
type Original struct {
	Number      string
	Status      string
	Category    string
	Channel     string
	Description string
	Claim       string
	ClaimFen    int64
	Parties     []OriginalParty
	Agreement   string // facts and terms, in words
	Outcome     string
}

// OriginalParty is a party of the original case.
type OriginalParty struct {
	Kind, Name, Phone string
}

// Get returns a draft for its editor.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Draft, error) {
	tc, err := s.load(ctx, p, id)
	if err != nil {
		return Draft{}, err
	}
	d := Draft{TypicalCase: tc, Hits: ParseHits(tc.Hits)}
	editable := tc.Status == StatusDraft || tc.Status == StatusSubmitted
	d.CanEdit = editable
	d.CanSubmit = tc.Status == StatusDraft && p.Reaches(domain.PermLibraryNominate, tc.OrgPath)
	d.CanPublish = tc.Status == StatusSubmitted && p.Reaches(domain.PermLibraryPublish, tc.OrgPath)
	d.CanWithdraw = tc.Status != StatusWithdrawn && p.Reaches(domain.PermLibraryPublish, tc.OrgPath)
	c, err := s.Store.GetCase(ctx, tc.CaseID)
	if err != nil {
		return d, fmt.Errorf("get case %d: %w", tc.CaseID, err)
	}
	d.Aliases = masker(c, tc.KeepMerchants).Aliases()
	if p.CanOnCase(domain.PermCaseRead, c) {
		o := &Original{Number: c.Number, Status: c.Status.Label(), Category: c.Category, Channel: c.Channel.Label(),
			Description: c.Description, Claim: c.Claim, ClaimFen: c.ClaimFen}
		for _, party := range c.Parties {
			o.Parties = append(o.Parties, OriginalParty{Kind: domain.PartyWord(party.Kind), Name: party.Name, Phone: party.PhoneMask})
		}
		if agr, err := s.Store.GetAgreement(ctx, c.ID); err == nil {
			var b strings.Builder
			b.WriteString(strings.TrimSpace(agr.Facts))
			for _, t := range agr.Terms {
				fmt.Fprintf(&b, "\n· %s%s %s %s %s", domain.PartyWord(t.Party), t.Content, yuan(t.AmountFen), t.Manner, t.Deadline)
			}
			o.Agreement = b.String()
		}
		if out := outcome(c, o.Agreement != ""); out == "terminated" {
			o.Outcome = "调解终止：" + domain.TerminateReasons.Label(c.ReasonCode)
		} else if out == "agreed" {
			o.Outcome = "达成调解协议"
		}
		d.Original = o
	}
	return d, nil
}

func (s *Service) load(ctx context.Context, p *auth.Principal, id int64) (store.TypicalCase, error) {
	if p == nil || !(p.Can(domain.PermLibraryNominate) || p.Can(domain.PermLibraryPublish)) {
		return store.TypicalCase{}, access.Forbidden("无权查看典型案例草稿")
	}
	tc, err := s.Store.GetTypicalCase(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !visible(p, tc)) {
		return store.TypicalCase{}, errNotFound
	}
	return tc, err
}

// DraftQuery selects the drafts a user sees.
type DraftQuery struct {
	Status        string
	Limit, Offset int
}

// Drafts lists the typical cases in p's scope (every status unless one is asked for).
func (s *Service) Drafts(ctx context.Context, p *auth.Principal, q DraftQuery) ([]store.TypicalCase, int, error) {
	if p == nil || !(p.Can(domain.PermLibraryNominate) || p.Can(domain.PermLibraryPublish)) {
		return nil, 0, access.Forbidden("无权查看典型案例草稿")
	}
	sc := p.Scope(domain.PermLibraryNominate)
	sc.Prefixes = append(sc.Prefixes, p.Scope(domain.PermLibraryPublish).Prefixes...)
	sq := store.TypicalCaseQuery{Scope: sc, Limit: q.Limit, Offset: q.Offset}
	if q.Status != "" {
		if StatusLabel(q.Status) == "" {
			return nil, 0, invalid("status", "状态应为 draft、submitted、published 或 withdrawn")
		}
		sq.Statuses = []string{q.Status}
	}
	return s.Store.ListTypicalCases(ctx, sq)
}

// Edit is an editor's change to a draft.
type Edit struct {
	Version      int64 // 0: the current one
	Title        string
	Category     string
	Facts        string
	Process      string
	Result       string
	Significance string
}

var limits = map[string]int{"title": 60, "category": 30, "facts": 5000, "process": 5000, "result": 3000, "significance": 3000}

func clean(s string) string { return strings.TrimSpace(anonymize.Sanitize(s)) }

// Save stores an edit; the scan runs on the saved text.
func (s *Service) Save(ctx context.Context, p *auth.Principal, id int64, e Edit) (Draft, error) {
	tc, err := s.load(ctx, p, id)
	if err != nil {
		return Draft{}, err
	}
	if tc.Status != StatusDraft && tc.Status != StatusSubmitted {
		return Draft{}, access.Conflict("已发布或已撤回的典型案例不能再修改")
	}
	e.Title, e.Category, e.Facts, e.Process, e.Result, e.Significance = clean(e.Title), clean(e.Category), clean(e.Facts), clean(e.Process), clean(e.Result), clean(e.Significance)
	var fes []*domain.FieldError
	for _, f := range [][2]string{{"title", e.Title}, {"category", e.Category}, {"facts", e.Facts}, {"process", e.Process}, {"result", e.Result}, {"significance", e.Significance}} {
		if n := utf8.RuneCountInString(f[1]); n > limits[f[0]] {
			fes = append(fes, &domain.FieldError{Field: f[0], Message: fmt.Sprintf("%s不能超过%d字（现%d字）", FieldLabel(f[0]), limits[f[0]], n)})
		}
	}
	for _, f := range [][2]string{{"title", e.Title}, {"facts", e.Facts}, {"result", e.Result}} {
		if f[1] == "" {
			fes = append(fes, &domain.FieldError{Field: f[0], Message: "请填写" + FieldLabel(f[0])})
		}
	}
	if len(fes) > 0 {
		return Draft{}, &access.ValidationError{Fields: fes}
	}
	if e.Version != 0 {
		tc.Version = e.Version
	}
	tc.Title, tc.Category, tc.Facts, tc.Process, tc.Result, tc.Significance = e.Title, e.Category, e.Facts, e.Process, e.Result, e.Significance
	c, err := s.Store.GetCase(ctx, tc.CaseID)
	if err != nil {
		return Draft{}, fmt.Errorf("get case %d: %w", tc.CaseID, err)
	}
	tc.Hits, tc.Clean = hitsJSON(scanAll(masker(c, tc.KeepMerchants), tc))
	tc.UpdatedBy, tc.Updated = p.UserID, s.now()
	if err := s.Store.EditTypicalCase(ctx, tc); err != nil {
		return Draft{}, moveErr(err)
	}
	return s.Get(ctx, p, id)
}

func moveErr(err error) error {
	switch {
	case errors.Is(err, store.ErrStale):
		return access.Conflict("典型案例已被他人修改，请刷新后重试")
	case errors.Is(err, store.ErrConflict):
		return access.Conflict("典型案例的状态已变化，请刷新后重试")
	}
	return err
}

// Submit sends a draft for the committee's approval.
func (s *Service) Submit(ctx context.Context, p *auth.Principal, id, version int64) (Draft, error) {
	tc, err := s.load(ctx, p, id)
	if err != nil {
		return Draft{}, err
	}
	if !p.Reaches(domain.PermLibraryNominate, tc.OrgPath) {
		return Draft{}, access.Forbidden("无权提交该典型案例")
	}
	if tc.Status != StatusDraft {
		return Draft{}, access.Conflict("只有草稿可以提交审核")
	}
	if strings.TrimSpace(tc.Significance) == "" {
		return Draft{}, invalid("significance", "请先填写典型意义再提交审核")
	}
	if version == 0 {
		version = tc.Version
	}
	if err := s.Store.MoveTypicalCase(ctx, store.TypicalMove{ID: id, Version: version, From: []string{StatusDraft}, To: StatusSubmitted,
		By: p.UserID, ByName: p.DisplayName, At: s.now()}); err != nil {
		return Draft{}, moveErr(err)
	}
	return s.Get(ctx, p, id)
}

// Publish approves a submitted typical case; the scan runs again and must be clean.
func (s *Service) Publish(ctx context.Context, p *auth.Principal, id, version int64) (Draft, error) {
	tc, err := s.load(ctx, p, id)
	if err != nil {
		return Draft{}, err
	}
	if !p.Reaches(domain.PermLibraryPublish, tc.OrgPath) {
		return Draft{}, access.Forbidden("只有调解委员会可以审核发布典型案例")
	}
	if tc.Status != StatusSubmitted {
		return Draft{}, access.Conflict("只有已提交审核的典型案例可以发布")
	}
	if strings.TrimSpace(tc.Significance) == "" {
		return Draft{}, invalid("significance", "请先填写典型意义")
	}
	c, err := s.Store.GetCase(ctx, tc.CaseID)
	if err != nil {
		return Draft{}, fmt.Errorf("get case %d: %w", tc.CaseID, err)
	}
	// The case may have gone to court since the nomination.
	if err := s.refusal(ctx, c, Nomination{}); err != nil {
		return Draft{}, err
	}
	hits := scanAll(masker(c, tc.KeepMerchants), tc)
	if len(hits) > 0 {
		return Draft{}, &ScanError{Hits: hits}
	}
	if version == 0 {
		version = tc.Version
	}
	if err := s.Store.MoveTypicalCase(ctx, store.TypicalMove{ID: id, Version: version, From: []string{StatusSubmitted}, To: StatusPublished,
		By: p.UserID, ByName: p.DisplayName, At: s.now(), Hits: "[]", Clean: true}); err != nil {
		return Draft{}, moveErr(err)
	}
	return s.Get(ctx, p, id)
}

// Withdraw takes a typical case back (from the public library, or before it got there), with a reason.
func (s *Service) Withdraw(ctx context.Context, p *auth.Principal, id, version int64, reason string) (Draft, error) {
	tc, err := s.load(ctx, p, id)
	if err != nil {
		return Draft{}, err
	}
	if !p.Reaches(domain.PermLibraryPublish, tc.OrgPath) {
		return Draft{}, access.Forbidden("只有调解委员会可以撤回典型案例")
	}
	reason = clean(reason)
	if reason == "" {
		return Draft{}, invalid("reason", "请填写撤回理由")
	}
	if n := utf8.RuneCountInString(reason); n > 500 {
		return Draft{}, invalid("reason", fmt.Sprintf("撤回理由不能超过500字（现%d字）", n))
	}
	if tc.Status == StatusWithdrawn {
		return Draft{}, access.Conflict("该典型案例已撤回")
	}
	if version == 0 {
		version = tc.Version
	}
	if err := s.Store.MoveTypicalCase(ctx, store.TypicalMove{ID: id, Version: version, From: []string{StatusDraft, StatusSubmitted, StatusPublished},
		To: StatusWithdrawn, By: p.UserID, ByName: p.DisplayName, At: s.now(), Reason: reason}); err != nil {
		return Draft{}, moveErr(err)
	}
	return s.Get(ctx, p, id)
}

// Public is a published typical case: only the anonymised text.
type Public struct {
	ID           int64
	Title        string
	Category     string
	Facts        string
	Process      string
	Result       string
	Significance string
	Committee    string
	PublishedAt  time.Time
}

// PublicQuery searches the public library.
type PublicQuery struct {
	Category, Text string
	Limit, Offset  int
}

// PublicPage is one page of the public library with the categories to filter by.
type PublicPage struct {
	Cases      []Public
	Total      int
	Categories []string
}

func (s *Service) public(ctx context.Context, tc store.TypicalCase) Public {
	out := Public{ID: tc.ID, Title: tc.Title, Category: tc.Category, Facts: tc.Facts, Process: tc.Process, Result: tc.Result,
		Significance: tc.Significance}
	if tc.PublishedAt != nil {
		out.PublishedAt = *tc.PublishedAt
	}
	if u, err := s.Store.GetOrgUnit(ctx, tc.CommitteeID); err == nil {
		out.Committee = u.Name
	}
	return out
}

// List searches the published typical cases (no sign-in).
func (s *Service) List(ctx context.Context, q PublicQuery) (PublicPage, error) {
	if n := utf8.RuneCountInString(q.Text); n > 50 {
		return PublicPage{}, invalid("q", "关键词不能超过50字")
	}
	if q.Limit <= 0 {
		q.Limit = 20
	}
	if q.Limit > 100 {
		return PublicPage{}, invalid("limit", "每页最多100条")
	}
	if q.Offset < 0 {
		return PublicPage{}, invalid("offset", "offset 应为非负整数")
	}
	sq := store.TypicalCaseQuery{Scope: store.Scope{All: true}, Statuses: []string{StatusPublished}, Category: strings.TrimSpace(q.Category),
		Text: clean(q.Text), Limit: q.Limit, Offset: q.Offset}
	tcs, total, err := s.Store.ListTypicalCases(ctx, sq)
	if err != nil {
		return PublicPage{}, err
	}
	cats, err := s.Store.TypicalCategories(ctx, sq)
	if err != nil {
		return PublicPage{}, err
	}
	page := PublicPage{Total: total, Categories: cats, Cases: []Public{}}
	for _, tc := range tcs {
		page.Cases = append(page.Cases, s.public(ctx, tc))
	}
	return page, nil
}

// ErrNoPublic is the answer for anything not published.
var ErrNoPublic = access.NotFound("典型案例不存在或已撤回")

// GetPublic returns one published typical case; anything else is not found.
func (s *Service) GetPublic(ctx context.Context, id int64) (Public, error) {
	tc, err := s.Store.GetTypicalCase(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && tc.Status != StatusPublished) {
		return Public{}, ErrNoPublic
	}
	if err != nil {
		return Public{}, err
	}
	return s.public(ctx, tc), nil
}

// Candidate is a closed case that may be nominated.
type Candidate struct {
	ID       int64
	Number   string
	Category string
	Status   string
	Received time.Time
}

// Candidates lists recently closed cases in p's scope matching text (a
// number or words of the complaint), for the nomination form.
func (s *Service) Candidates(ctx context.Context, p *auth.Principal, text string, limit int) ([]Candidate, error) {
	if p == nil || !p.Can(domain.PermLibraryNominate) {
		return nil, nil
	}
	page, err := s.Store.ListCases(ctx, store.CaseQuery{Scope: p.Scope(domain.PermLibraryNominate), Text: clean(text), Limit: limit,
		Statuses: []domain.Status{domain.StatusAgreed, domain.StatusPerforming, domain.StatusFollowedUp, domain.StatusTerminated, domain.StatusArchived}})
	if err != nil {
		return nil, err
	}
	var out []Candidate
	for _, c := range page.Cases {
		out = append(out, Candidate{ID: c.ID, Number: c.Number, Category: c.Category, Status: c.Status.Label(), Received: c.ReceivedAt})
	}
	return out, nil
}

// PublishedFor lists the typical cases of a committee published from..to
// (YYYY-MM-DD, inclusive), newest first: for documents the platform drafts.
func (s *Service) PublishedFor(ctx context.Context, committee store.OrgUnit, from, to string) ([]Public, error) {
	tcs, _, err := s.Store.ListTypicalCases(ctx, store.TypicalCaseQuery{Scope: store.Scope{Prefixes: []string{committee.Path}},
		Statuses: []string{StatusPublished}, Limit: 100})
	if err != nil {
		return nil, fmt.Errorf("published typical cases: %w", err)
	}
	var out []Public
	for _, tc := range tcs {
		if tc.PublishedAt == nil {
			continue
		}
		day := calendar.DateOf(*tc.PublishedAt).String()
		if day >= from && day <= to {
			out = append(out, s.public(ctx, tc))
		}
	}
	return out, nil
}
