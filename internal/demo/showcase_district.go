package demo

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"slices"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/store"
)

// districtSpec names who acts in a district's showcase.
type districtSpec struct {
	name, committeeCode, officeCode, courtCode                  string
	mediator, committee, court, expert, street                  string
	phoneBase                                                   int // showcase phones are 139 + phoneBase + serial
	merchants                                                   []string
	consumers                                                   []string
	caseDescription, caseClaim, groupTitle, groupFacts, caseCat string
}

var showcaseDistricts = []districtSpec{
	{name: "浦东新区", committeeCode: CodeCommittee, officeCode: RegulatorOfficeCode(1), courtCode: CodeCourt,
		mediator: "mediator01", committee: "committee01", court: "court01", expert: "expert01", street: "浦东新区陆家嘴街道",
		phoneBase: 61000000,
		merchants: []string{"上海浦江悦动健身有限公司", "上海东岸名品家电销售有限公司", "上海世纪优学教育培训有限公司", "上海滨江丽颜美容有限公司"},
		consumers: []string{"陈建华", "李秀兰", "王志强", "张丽娟", "刘德明", "杨桂芳", "赵国庆", "黄美玲", "周文斌", "吴淑珍", "孙立新", "朱慧敏", "马永刚", "胡晓燕"}},
	{name: "徐汇区", committeeCode: CodeXHCommittee, officeCode: CodeXHOffice, courtCode: CodeXHCourt,
		mediator: "xh_mediator01", committee: "xh_committee01", court: "xh_court01", expert: "xh_expert01", street: "徐汇区徐家汇街道",
		phoneBase: 62000000,
		merchants: []string{"上海汇金乐享健身有限公司", "上海衡山数码电器有限公司", "上海漕河泾启智培训有限公司", "上海天平雅韵美容有限公司"},
		consumers: []string{"郑家豪", "冯玉梅", "许光明", "沈佩华", "韩卫东", "曹静怡", "彭志远", "董雅琴", "袁建军", "蒋秀英", "蔡文华", "潘海燕", "田振宇", "余红梅"}},
}

// run is one district's showcase in progress.
type run struct {
	*services
	d                                  districtSpec
	mediator, committee, court, expert *auth.Principal
	serial                             int
	sc                                 Showcase
	officeID, courtID                  int64
}

func (s *services) principal(ctx context.Context, username string) (*auth.Principal, error) {
	u, err := s.st.GetUserByUsername(ctx, username)
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", username, err)
	}
	return s.auth.PrincipalFor(ctx, u)
}

func (s *services) district(ctx context.Context, d districtSpec) (Showcase, error) {
	r := &run{services: s, d: d, sc: Showcase{District: d.name}}
	var err error
	for _, x := range []struct {
		p    **auth.Principal
		name string
	}{{&r.mediator, d.mediator}, {&r.committee, d.committee}, {&r.court, d.court}, {&r.expert, d.expert}} {
		if *x.p, err = s.principal(ctx, x.name); err != nil {
			return r.sc, err
		}
	}
	for _, x := range []struct {
		id   *int64
		code string
	}{{&r.officeID, d.officeCode}, {&r.courtID, d.courtCode}} {
		u, err := s.st.GetOrgUnitByCode(ctx, x.code)
		if err != nil {
			return r.sc, fmt.Errorf("unit %s: %w", x.code, err)
		}
		*x.id = u.ID
	}
	if err := r.roomForShowcase(ctx); err != nil {
		return r.sc, err
	}
	steps := []struct {
		what string
		do   func(context.Context) error
	}{
		{"archived written agreement", r.archivedAgreement},
		{"agreement awaiting signatures", r.pendingSignature},
		{"rating link", r.ratingLink},
		{"judicial confirmation", r.judicial},
		{"consultation and lead", r.consultation},
		{"duplicates", r.duplicates},
		{"group dispute", r.group},
	}
	for _, st := range steps {
		if err := st.do(ctx); err != nil {
			return r.sc, fmt.Errorf("%s: %w", st.what, err)
		}
	}
	return r.sc, nil
}

func (r *run) phone(n int) string { return fmt.Sprintf("139%08d", r.d.phoneBase+n) }

// roomForShowcase raises the showcase mediator's room capacity above the
// open cases the generated histories left them (agreements still being
// performed count), so the walk-through can claim its own cases; a
// committee would do the same for a mediator it gives extra work.
func (r *run) roomForShowcase(ctx context.Context) error {
	loads, err := r.st.MediatorLoads(ctx, []int64{r.mediator.UserID})
	if err != nil {
		return fmt.Errorf("showcase mediator's load: %w", err)
	}
	for _, b := range r.mediator.Bindings {
		if b.Role != domain.RoleMediator {
			continue
		}
		set, err := r.st.GetRoomSettings(ctx, b.OrgID)
		if err != nil {
			return fmt.Errorf("room settings: %w", err)
		}
		if need := loads[r.mediator.UserID] + 20; set.Capacity < need {
			set.RoomID, set.Capacity = b.OrgID, need
			if err := r.st.PutRoomSettings(ctx, set); err != nil {
				return fmt.Errorf("room capacity for the showcase: %w", err)
			}
		}
	}
	return nil
}

// register files a walk-in complaint at the mediator's room and accepts it.
func (r *run) register(ctx context.Context, consumer, merchant int, accept bool) (store.Case, error) {
	r.serial++
	r.sc.Cases++
	claim := int64(1000+r.serial*370) * 100
	in := intake.Complaint{ComplainantName: r.d.consumers[consumer%len(r.d.consumers)], Phone: r.phone(consumer),
		MerchantName: r.d.merchants[merchant], MerchantAddress: r.d.street + fmt.Sprintf("%d号", 100+merchant*17),
		Category: showcaseCategories[merchant], ClaimAmountFen: claim,
		Description: fmt.Sprintf("投诉人于今年办理%s的预付服务，已支付%s元，经营者此后未按约定提供服务，协商退款未果。", r.d.merchants[merchant], domain.FormatFen(claim)),
		Claim:       "要求退还剩余款项" + domain.FormatFen(claim) + "元"}
	c, _, err := r.intake.Register(ctx, r.mediator, in, "")
	if err != nil || !accept {
		return c, err
	}
	return r.intake.Decide(ctx, r.mediator, c.ID, intake.Decision{Accept: true, Note: "符合受理条件，予以受理"})
}

// mediating takes a new complaint through consent and assignment into
// mediation, with one session held and its record written.
func (r *run) mediating(ctx context.Context, consumer, merchant int) (store.Case, error) {
	c, err := r.register(ctx, consumer, merchant, true)
	if err != nil {
		return c, err
	}
	if c, err = r.consent.Request(ctx, r.mediator, c.ID, r.phone(500+consumer)); err != nil {
		return c, err
	}
	for _, party := range []string{"consumer", "merchant"} {
		if err := r.consent.Record(ctx, r.mediator, c.ID, party, true, true, "paper"); err != nil {
			return c, err
		}
	}
	if c, err = r.st.GetCase(ctx, c.ID); err != nil {
		return c, err
	}
	if c, err = r.assign.Assign(ctx, r.mediator, c.ID, r.mediator.UserID, c.Version); err != nil {
		return c, err
	}
	if c, err = r.assign.Start(ctx, r.mediator, c.ID); err != nil {
		return c, err
	}
	r.clock.advance(1, 60) // the session is later the same day
	m, err := r.mediation.Schedule(ctx, r.mediator, c.ID, "room", r.clock.t.Add(30*time.Minute), "调解室")
	if err != nil {
		return c, err
	}
	r.clock.advance(40, 0)
	if err := r.mediation.Record(ctx, r.mediator, c.ID, m.ID, true, "双方当事人到场", "调解员释明相关法律规定，双方陈述意见，经协商同意由经营者退还部分款项。"); err != nil {
		return c, err
	}
	return r.st.GetCase(ctx, c.ID)
}

// written records a written agreement for a case under mediation.
func (r *run) written(ctx context.Context, c store.Case) error {
	deadline := r.clock.t.AddDate(0, 0, 10).In(cst).Format("2006-01-02")
	_, err := r.agreement.RecordWritten(ctx, r.mediator, c.ID, domain.AgreementContent{
		Facts:          c.Description,
		Responsibility: "经营者未按约定提供服务，应退还剩余款项",
		Terms:          []domain.Term{{Party: "merchant", Content: "退还剩余预付款", AmountFen: c.ClaimFen * 8 / 10, Manner: "银行转账", Deadline: deadline}}})
	return err
}

// partySign signs as a party the way its phone would: the link and the
// code come by SMS, the signature is drawn.
func (r *run) partySign(ctx context.Context, phone string) error {
	link := r.sms.last(phone, "agreement_sign", linkRe)
	if link == nil {
		return fmt.Errorf("no signing link was sent to %s", domain.MaskMobile(phone))
	}
	r.clock.advance(1, 30)
	if err := r.agreement.SendCode(ctx, link[2]); err != nil {
		return err
	}
	code := r.sms.last(phone, "verify_code", codeRe)
	if code == nil {
		return fmt.Errorf("no code was sent to %s", domain.MaskMobile(phone))
	}
	return r.agreement.PartySign(ctx, link[2], code[1], signaturePNG(len(phone)+int(phone[10])))
}

// sealed takes a case under mediation to an effective written agreement:
// both parties sign on their phones, the mediator signs, the committee seals.
func (r *run) sealed(ctx context.Context, consumer, merchant int) (store.Case, error) {
	c, err := r.mediating(ctx, consumer, merchant)
	if err != nil {
		return c, err
	}
	if err := r.written(ctx, c); err != nil {
		return c, err
	}
	for _, ph := range []string{r.phone(consumer), r.phone(500 + consumer)} {
		if err := r.partySign(ctx, ph); err != nil {
			return c, err
		}
	}
	if err := r.agreement.MediatorSign(ctx, r.mediator, c.ID); err != nil {
		return c, err
	}
	if err := r.agreement.Seal(ctx, r.committee, c.ID); err != nil {
		return c, err
	}
	return r.st.GetCase(ctx, c.ID)
}

func (r *run) performed(ctx context.Context, c store.Case) error {
	return r.agreement.Perform(ctx, r.mediator, c.ID, 0, fmt.Sprintf("银行转账流水号%012d", 880000000000+c.ID))
}

func (r *run) archivedAgreement(ctx context.Context) error {
	c, err := r.sealed(ctx, 0, 0)
	if err != nil {
		return err
	}
	if err := r.performed(ctx, c); err != nil {
		return err
	}
	if _, err := r.agreement.FollowUp(ctx, r.mediator, c.ID, store.FollowUp{Satisfaction: 5, Method: "phone", Comment: "退款已到账，感谢调解员", Commendation: "锦旗"}); err != nil {
		return err
	}
	if _, err := r.agreement.RecordCommendation(ctx, r.mediator, c.ID, store.Commendation{Kind: "banner", Giver: "consumer", Note: "公正调解 为民解忧"}); err != nil {
		return err
	}
	c, err = r.agreement.Archive(ctx, r.mediator, c.ID)
	r.sc.Archived = c.Number
	return err
}

// pendingSignature leaves a written agreement the consumer signed and the
// merchant has still to sign; both links are printed at start-up.
func (r *run) pendingSignature(ctx context.Context) error {
	c, err := r.mediating(ctx, 1, 1)
	if err != nil {
		return err
	}
	if err := r.written(ctx, c); err != nil {
		return err
	}
	if err := r.partySign(ctx, r.phone(1)); err != nil {
		return err
	}
	for party, ph := range map[string]string{"consumer": r.phone(1), "merchant": r.phone(501)} {
		if l := r.sms.last(ph, "agreement_sign", linkRe); l != nil {
			r.sc.SignLinks = append(r.sc.SignLinks, PartyLink{CaseNumber: c.Number, Party: party, Path: l[0]})
		}
	}
	// A second one nobody signed yet.
	c, err = r.mediating(ctx, 2, 3)
	if err != nil {
		return err
	}
	if err := r.written(ctx, c); err != nil {
		return err
	}
	for party, ph := range map[string]string{"consumer": r.phone(2), "merchant": r.phone(502)} {
		if l := r.sms.last(ph, "agreement_sign", linkRe); l != nil {
			r.sc.SignLinks = append(r.sc.SignLinks, PartyLink{CaseNumber: c.Number, Party: party, Path: l[0]})
		}
	}
	sortLinks(r.sc.SignLinks)
	return nil
}

// ratingLink leaves a performed agreement whose consumer was sent the link to rate the mediation.
func (r *run) ratingLink(ctx context.Context) error {
	c, err := r.sealed(ctx, 3, 1)
	if err != nil {
		return err
	}
	if err := r.performed(ctx, c); err != nil {
		return err
	}
	if err := r.agreement.RequestRating(ctx, r.mediator, c.ID); err != nil {
		return err
	}
	l := r.sms.last(r.phone(3), "follow_up", linkRe)
	if l == nil {
		return fmt.Errorf("no rating link sent for %s", c.Number)
	}
	r.sc.RateLinks = append(r.sc.RateLinks, PartyLink{CaseNumber: c.Number, Party: "rating", Path: l[0]})
	return nil
}

// judicial files four joint applications and has the court take each to a different state.
func (r *run) judicial(ctx context.Context) error {
	for i, decision := range []string{"submitted", "accepted", "confirmed", "rejected"} {
		c, err := r.sealed(ctx, 4+i, i%4)
		if err != nil {
			return err
		}
		if _, err := r.agreement.ApplyJudicial(ctx, r.mediator, c.ID, r.courtID, true); err != nil {
			return err
		}
		if err := r.performed(ctx, c); err != nil { // paid on time: no overdue term on the mediator's desk
			return err
		}
		var ruling, reason string
		switch decision {
		case "confirmed":
			ruling = fmt.Sprintf("（%d）沪01%02d民特%d号", r.clock.t.Year(), 4+len(r.d.name), 300+c.Seq)
		case "rejected":
			reason = "调解协议内容不明确，无法确认"
		}
		if decision != "submitted" {
			if err := r.agreement.CourtDecide(ctx, r.court, c.ID, "accepted", "", ""); err != nil {
				return err
			}
		}
		if decision == "confirmed" || decision == "rejected" {
			if err := r.agreement.CourtDecide(ctx, r.court, c.ID, decision, ruling, reason); err != nil {
				return err
			}
		}
		if decision == "confirmed" {
			if _, err := r.agreement.RecordCommendation(ctx, r.mediator, c.ID, store.Commendation{Kind: "letter", Giver: "merchant", Note: "感谢调解员耐心细致的工作"}); err != nil {
				return err
			}
		}
		r.sc.Judicial = append(r.sc.Judicial, c.Number)
	}
	return nil
}

// consultation asks the district's expert about a case under mediation and
// has the answer recorded; the case's suspected violation goes to the office.
func (r *run) consultation(ctx context.Context) error {
	c, err := r.mediating(ctx, 8, 1)
	if err != nil {
		return err
	}
	k, err := r.consult.Ask(ctx, r.mediator, c.ID, r.expert.UserID, "该冰箱压缩机异响是否属于质量问题？", "消费者购买冰箱三个月后出现持续异响，经营者称属正常现象。")
	if err != nil {
		return err
	}
	if err := r.consult.Answer(ctx, r.expert, k.ID, "持续异响超出正常运行噪声范围的，一般可认定为质量问题，建议委托检测或按三包规定处理。"); err != nil {
		return err
	}
	_, err = r.leads.Pass(ctx, r.mediator, c.ID, "false_advertising", r.officeID, "经营者宣传“静音冰箱”，与实际不符，涉嫌虚假宣传")
	return err
}

// duplicates files the same complaint twice; duplicate detection flags the pair.
func (r *run) duplicates(ctx context.Context) error {
	if _, err := r.register(ctx, 9, 1, false); err != nil {
		return err
	}
	c, err := r.register(ctx, 9, 1, false)
	if err != nil {
		return err
	}
	fs, err := r.st.ListDuplicateFlags(ctx, c.ID)
	if err != nil {
		return err
	}
	if len(fs) == 0 {
		return fmt.Errorf("the repeated complaint %s was not flagged", c.Number)
	}
	return nil
}

// group gathers a closed gym's members' complaints into a group dispute with two representatives.
func (r *run) group(ctx context.Context) error {
	var ids []int64
	for i := 10; i < 14; i++ {
		c, err := r.register(ctx, i, 0, true)
		if err != nil {
			return err
		}
		ids = append(ids, c.ID)
	}
	committee, err := r.st.GetOrgUnitByCode(ctx, r.d.committeeCode)
	if err != nil {
		return err
	}
	g, err := r.grouping.CreateGroup(ctx, r.committee, committee, ids, r.d.merchants[0]+"停业群体性纠纷",
		"经营者突然停业，多名会员预付卡余额无法使用", "同一经营者、同一事由、短期内集中投诉")
	if err != nil {
		return err
	}
	return r.grouping.SetRepresentatives(ctx, r.committee, g.ID, ids[:2])
}

// showcaseCategories is the category of each showcase merchant, in order.
var showcaseCategories = []string{"服务-健身", "商品-家用电器", "服务-教育培训", "服务-美容美发"}

func sortLinks(ls []PartyLink) {
	slices.SortFunc(ls, func(a, b PartyLink) int {
		return cmp.Or(cmp.Compare(a.CaseNumber, b.CaseNumber), cmp.Compare(a.Party, b.Party))
	})
}

// signaturePNG draws a handwriting-like stroke, different for each seed.
func signaturePNG(seed int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 240, 90))
	for y := 0; y < 90; y++ {
		for x := 0; x < 240; x++ {
			img.Set(x, y, color.White)
		}
	}
	ink := color.RGBA{20, 20, 60, 255}
	f := 0.05 + float64(seed%7)/100
	for x := 20; x < 220; x++ {
		y := 45 + int(22*math.Sin(float64(x)*f)*math.Cos(float64(x)*f/3))
		for dy := -1; dy <= 1; dy++ {
			img.Set(x, y+dy, ink)
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}
