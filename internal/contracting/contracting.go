// Package contracting is the purchased-services capability (购买服务): the
// contracts by which the district's market-regulation bureau buys mediation
// services from a provider with special funds, their quarterly assessments
// computed from the evaluation figures (stored as revisions the buyer
// confirms), and the contracts by which an enterprise pays per case for its
// enterprise room, with monthly statements. The rules are
// internal/purchase's; this package loads, scopes and stores.
package contracting

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/purchase"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service keeps the contracts, assessments and statements.
type Service struct {
	Store     store.Store
	Scorecard *scorecard.Service // the evaluation figures an assessment is computed from
	Now       func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) today() calendar.Date { return calendar.DateOf(s.now()) }

func invalid(field, msg string) error {
	return &access.ValidationError{Fields: []*domain.FieldError{{Field: field, Message: msg}}}
}

// errHidden is what a contract outside the asker's districts looks like.
var errHidden = access.NotFound("合同不存在或无权查看")

// KindLabel names a contract kind.
func KindLabel(k string) string {
	return map[string]string{store.ContractService: "政府购买服务", store.ContractEnterprise: "企业购买调解服务"}[k]
}

// StatusLabel names a contract status.
func StatusLabel(s string) string {
	return map[string]string{store.ContractDraft: "草稿", store.ContractActive: "履行中", store.ContractEnded: "已结束"}[s]
}

// AssessmentStatusLabel names an assessment revision's status.
func AssessmentStatusLabel(s string) string {
	return map[string]string{store.AssessmentDraft: "待确认", store.AssessmentConfirmed: "已确认"}[s]
}

// scope is the org tree as one request sees it.
type scope struct {
	p     *auth.Principal
	units []store.OrgUnit
	byID  map[int64]store.OrgUnit
}

func (s *Service) scope(ctx context.Context, p *auth.Principal, perm domain.Permission) (scope, error) {
	if p == nil || !p.Can(perm) {
		if perm == domain.PermContractManage {
			return scope{}, access.Forbidden("无权管理购买服务合同")
		}
		return scope{}, access.Forbidden("无权查看购买服务合同")
	}
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return scope{}, fmt.Errorf("list org units: %w", err)
	}
	sc := scope{p: p, units: units, byID: map[int64]store.OrgUnit{}}
	for _, u := range units {
		sc.byID[u.ID] = u
	}
	return sc, nil
}

// district is the district above a unit (the unit itself when it is one).
func (sc scope) district(id int64) (store.OrgUnit, bool) {
	for u, ok := sc.byID[id]; ok; u, ok = sc.byID[u.ParentID] {
		if u.Kind == domain.OrgDistrict {
			return u, true
		}
	}
	return store.OrgUnit{}, false
}

// reaches reports whether the principal may use perm on a contract of the
// district: a binding at the district or above it (the city), or one
// anywhere inside it (a 市场监管所, the committee). Another district never.
func (sc scope) reaches(perm domain.Permission, districtID int64, role domain.Role) bool {
	d, ok := sc.byID[districtID]
	if !ok {
		return false
	}
	for _, b := range sc.p.Bindings {
		if !domain.RoleHas(b.Role, perm) || b.OrgPath == "" || (role != "" && b.Role != role) {
			continue
		}
		if strings.HasPrefix(d.Path, b.OrgPath) || strings.HasPrefix(b.OrgPath, d.Path) {
			return true
		}
	}
	return false
}

// districtIDs lists the districts the principal reaches with perm.
func (sc scope) districtIDs(perm domain.Permission) []int64 {
	out := []int64{}
	for _, u := range sc.units {
		if u.Kind == domain.OrgDistrict && sc.reaches(perm, u.ID, "") {
			out = append(out, u.ID)
		}
	}
	return out
}

func (sc scope) name(id int64) string {
	if u, ok := sc.byID[id]; ok {
		return u.Name
	}
	return ""
}

func (sc scope) byCode(code string) (store.OrgUnit, bool) {
	code = strings.TrimSpace(code)
	for _, u := range sc.units {
		if u.Code == code {
			return u, true
		}
	}
	return store.OrgUnit{}, false
}

// Targets decodes a service contract's targets.
func Targets(c store.Contract) ([]purchase.Target, error) {
	var ts []purchase.Target
	if c.Targets == "" {
		return ts, nil
	}
	if err := json.Unmarshal([]byte(c.Targets), &ts); err != nil {
		return nil, fmt.Errorf("targets of contract %d: %w", c.ID, err)
	}
	return ts, nil
}

func period(c store.Contract) purchase.Span {
	from, _ := calendar.ParseDate(c.PeriodFrom)
	to, _ := calendar.ParseDate(c.PeriodTo)
	return purchase.Span{From: from, To: to}
}

// View is a contract as shown.
type View struct {
	store.Contract
	KindLabel, StatusLabel          string
	DistrictName, CommitteeName     string
	CommitteeCode                   string
	RoomName                        string
	TargetList                      []purchase.Target
	TargetWords                     []string
	Quarters                        []QuarterRow // service contracts
	Months                          []string     // enterprise contracts: the months begun so far, newest first
	LatestMonth                     string       // enterprise contracts: the latest month begun ("" before the period)
	CanManage, CanConfirm, IsActive bool
}

// QuarterRow is a quarter of a service contract with its revisions.
type QuarterRow struct {
	Quarter    string
	Label      string
	From, To   string
	BaseFen    int64
	Begun      bool
	Latest     *store.ContractAssessment
	Revisions  []store.ContractAssessment
	Assessable bool
}

func (s *Service) view(sc scope, c store.Contract, withRows bool) (View, error) {
	v := View{Contract: c, KindLabel: KindLabel(c.Kind), StatusLabel: StatusLabel(c.Status), DistrictName: sc.name(c.DistrictID),
		CommitteeName: sc.name(c.CommitteeID), RoomName: sc.name(c.RoomID), IsActive: c.Status != store.ContractDraft,
		CanManage: sc.reaches(domain.PermContractManage, c.DistrictID, ""), CanConfirm: sc.reaches(domain.PermContractManage, c.DistrictID, domain.RoleRegulator)}
	if u, ok := sc.byID[c.CommitteeID]; ok {
		v.CommitteeCode = u.Code
	}
	ts, err := Targets(c)
	if err != nil {
		return v, err
	}
	v.TargetList = ts
	for _, code := range purchase.TargetCodes {
		for _, t := range ts {
			if t.Code == code {
				v.TargetWords = append(v.TargetWords, t.Describe())
			}
		}
	}
	today := s.today()
	p := period(c)
	if c.Kind == store.ContractEnterprise {
		for m := (calendar.Date{Year: p.From.Year, Month: p.From.Month, Day: 1}); !m.After(p.To) && !m.After(today); m = nextMonth(m) {
			v.LatestMonth = fmt.Sprintf("%04d-%02d", m.Year, int(m.Month))
		}
	}
	if !withRows {
		return v, nil
	}
	if c.Kind == store.ContractService {
		for _, q := range purchase.Quarters(p) {
			span, _ := purchase.Clip(q, p)
			base, _, _ := purchase.BaseFen(c.AmountFen, p, q)
			v.Quarters = append(v.Quarters, QuarterRow{Quarter: q.String(), Label: q.Label(), From: span.From.String(), To: span.To.String(),
				BaseFen: base, Begun: !span.From.After(today), Assessable: v.IsActive && !span.From.After(today)})
		}
	} else {
		for m := (calendar.Date{Year: p.From.Year, Month: p.From.Month, Day: 1}); !m.After(p.To) && !m.After(today); m = nextMonth(m) {
			v.Months = append([]string{fmt.Sprintf("%04d-%02d", m.Year, int(m.Month))}, v.Months...)
		}
	}
	return v, nil
}

func nextMonth(first calendar.Date) calendar.Date {
	n := first.AddDays(32)
	return calendar.Date{Year: n.Year, Month: n.Month, Day: 1}
}

// List is the contracts p may see, of one kind or both.
func (s *Service) List(ctx context.Context, p *auth.Principal, kind string) ([]View, error) {
	sc, err := s.scope(ctx, p, domain.PermContractRead)
	if err != nil {
		return nil, err
	}
	if kind != "" && KindLabel(kind) == "" {
		return nil, invalid("kind", "合同类型应为 service（政府购买服务）或 enterprise（企业购买调解服务）")
	}
	cs, err := s.Store.ListContracts(ctx, store.ContractQuery{DistrictIDs: sc.districtIDs(domain.PermContractRead), Kind: kind})
	if err != nil {
		return nil, err
	}
	out := []View{}
	for _, c := range cs {
		v, err := s.view(sc, c, false)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// CanCreate reports whether p may record contracts anywhere.
func (s *Service) CanCreate(p *auth.Principal) bool {
	return p != nil && p.Can(domain.PermContractManage)
}

// load fetches a contract p may use perm on.
func (s *Service) load(ctx context.Context, p *auth.Principal, perm domain.Permission, id int64) (scope, store.Contract, error) {
	sc, err := s.scope(ctx, p, perm)
	if err != nil {
		return sc, store.Contract{}, err
	}
	c, err := s.Store.GetContract(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return sc, c, errHidden
	}
	if err != nil {
		return sc, c, err
	}
	if !sc.reaches(domain.PermContractRead, c.DistrictID, "") {
		return sc, c, errHidden
	}
	if !sc.reaches(perm, c.DistrictID, "") {
		return sc, c, access.Forbidden("无权管理该合同")
	}
	return sc, c, nil
}

// Get is one contract with its quarters (service) or months (enterprise).
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (View, error) {
	sc, c, err := s.load(ctx, p, domain.PermContractRead, id)
	if err != nil {
		return View{}, err
	}
	v, err := s.view(sc, c, true)
	if err != nil {
		return v, err
	}
	if c.Kind == store.ContractService {
		as, err := s.Store.ListAssessments(ctx, c.ID)
		if err != nil {
			return v, err
		}
		for i := range v.Quarters {
			for _, a := range as {
				if a.Quarter == v.Quarters[i].Quarter {
					v.Quarters[i].Revisions = append(v.Quarters[i].Revisions, a)
				}
			}
			if n := len(v.Quarters[i].Revisions); n > 0 {
				v.Quarters[i].Latest = &v.Quarters[i].Revisions[n-1]
			}
		}
	}
	return v, nil
}

// Input is a new contract.
type Input struct {
	Kind         string
	Number       string
	Title        string
	Committee    string // org unit code (service)
	Buyer        string // org unit code of the regulator bureau or office (service)
	BuyerName    string // the enterprise (enterprise); defaults to the merchant's or the buyer unit's name
	Provider     string // org unit code of the provider (optional)
	ProviderName string // defaults to the provider unit's name
	Room         string // enterprise room code (enterprise)
	MerchantID   int64  // the paying merchant, bound to the room (optional)
	From, To     string
	AmountFen    int64
	PriceFen     int64
	Scope        string
	Targets      []purchase.Target
	Status       string // draft (default) or active
}

func textField(errs *[]*domain.FieldError, field, label, v string, max int, required bool) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "" && required:
		*errs = append(*errs, &domain.FieldError{Field: field, Message: label + "不能为空"})
	case utf8.RuneCountInString(v) > max:
		*errs = append(*errs, &domain.FieldError{Field: field, Message: fmt.Sprintf("%s最多 %d 个字", label, max)})
	}
	return v
}

func dateField(errs *[]*domain.FieldError, field, label, v string) calendar.Date {
	v = strings.TrimSpace(v)
	d, err := calendar.ParseDate(v)
	if err != nil || d.String() != v {
		*errs = append(*errs, &domain.FieldError{Field: field, Message: fmt.Sprintf("%s“%s”不是有效日期，格式为 YYYY-MM-DD", label, v)})
	}
	return d
}

// Create records a contract.
func (s *Service) Create(ctx context.Context, p *auth.Principal, in Input) (store.Contract, error) {
	sc, err := s.scope(ctx, p, domain.PermContractManage)
	if err != nil {
		return store.Contract{}, err
	}
	var errs []*domain.FieldError
	c := store.Contract{Kind: strings.TrimSpace(in.Kind), CreatedBy: p.UserID, Creator: p.DisplayName, Created: s.now()}
	if c.Creator == "" {
		c.Creator = p.Username
	}
	if KindLabel(c.Kind) == "" {
		return c, invalid("kind", "合同类型应为 service（政府购买服务）或 enterprise（企业购买调解服务）")
	}
	c.Number = textField(&errs, "number", "合同编号", in.Number, 64, true)
	c.Title = textField(&errs, "title", "合同名称", in.Title, 200, true)
	c.Scope = textField(&errs, "scope", "服务内容", in.Scope, 2000, false)
	c.BuyerName = textField(&errs, "buyer_name", "购买方名称", in.BuyerName, 200, false)
	c.ProviderName = textField(&errs, "provider_name", "服务提供方名称", in.ProviderName, 200, false)
	from := dateField(&errs, "from", "合同开始日期", in.From)
	to := dateField(&errs, "to", "合同结束日期", in.To)
	if len(errs) == 0 {
		switch {
		case to.Before(from):
			errs = append(errs, &domain.FieldError{Field: "to", Message: fmt.Sprintf("合同结束日期 %s 早于开始日期 %s", to, from)})
		case to.Sub(from) > 366*5:
			errs = append(errs, &domain.FieldError{Field: "to", Message: "合同期限最长五年"})
		}
	}
	c.PeriodFrom, c.PeriodTo = from.String(), to.String()
	switch strings.TrimSpace(in.Status) {
	case "", store.ContractDraft:
		c.Status = store.ContractDraft
	case store.ContractActive:
		c.Status = store.ContractActive
	default:
		errs = append(errs, &domain.FieldError{Field: "status", Message: "新合同的状态应为 draft（草稿）或 active（履行中）"})
	}
	var district store.OrgUnit
	if c.Kind == store.ContractService {
		cmt, ok := sc.byCode(in.Committee)
		if !ok || cmt.Kind != domain.OrgCommittee {
			errs = append(errs, &domain.FieldError{Field: "committee", Message: "请指定考核其绩效数字的调委会（committee，如 pd-cmt）"})
		} else {
			c.CommitteeID = cmt.ID
			district, _ = sc.district(cmt.ID)
		}
		buyer, ok := sc.byCode(in.Buyer)
		switch {
		case !ok || (buyer.Kind != domain.OrgRegulatorBureau && buyer.Kind != domain.OrgRegulatorOffice):
			errs = append(errs, &domain.FieldError{Field: "buyer", Message: "购买方应为本区的市场监管局或市场监管所（buyer，单位代码）"})
		case district.ID != 0 && !strings.HasPrefix(buyer.Path, district.Path):
			errs = append(errs, &domain.FieldError{Field: "buyer", Message: fmt.Sprintf("购买方“%s”不在%s", buyer.Name, district.Name)})
		default:
			c.BuyerOrgID = buyer.ID
			if c.BuyerName == "" {
				c.BuyerName = buyer.Name
			}
		}
		if code := strings.TrimSpace(in.Provider); code != "" {
			pu, ok := sc.byCode(code)
			switch {
			case !ok || (pu.Kind != domain.OrgServiceProvider && pu.Kind != domain.OrgCommittee):
				errs = append(errs, &domain.FieldError{Field: "provider", Message: "服务提供方应为本区的调解服务机构或调委会（provider，单位代码）"})
			case district.ID != 0 && !strings.HasPrefix(pu.Path, district.Path):
				errs = append(errs, &domain.FieldError{Field: "provider", Message: fmt.Sprintf("服务提供方“%s”不在%s", pu.Name, district.Name)})
			default:
				c.ProviderOrgID = pu.ID
				if c.ProviderName == "" {
					c.ProviderName = pu.Name
				}
			}
		}
		if c.ProviderName == "" && strings.TrimSpace(in.Provider) == "" {
			errs = append(errs, &domain.FieldError{Field: "provider_name", Message: "请填写服务提供方（如东方调解中心）"})
		}
		if in.AmountFen <= 0 || in.AmountFen > purchase.MaxFen {
			errs = append(errs, &domain.FieldError{Field: "amount_fen", Message: "合同金额应为正整数（分），不超过一亿元"})
		}
		if in.PriceFen != 0 {
			errs = append(errs, &domain.FieldError{Field: "price_fen", Message: "政府购买服务合同按总额考核，不设每件单价"})
		}
		if len(in.Targets) == 0 {
			errs = append(errs, &domain.FieldError{Field: "targets", Message: "请至少设定一项考核指标（办结数、调解成功率、回访率或按期办结率）"})
		}
		errs = append(errs, purchase.ValidateTargets(in.Targets)...)
		c.AmountFen = in.AmountFen
		b, _ := json.Marshal(in.Targets)
		c.Targets = string(b)
	} else {
		room, ok := sc.byCode(in.Room)
		if !ok || room.Kind != domain.OrgEnterpriseRoom {
			errs = append(errs, &domain.FieldError{Field: "room", Message: "请指定企业人民调解工作室（room，单位代码）"})
		} else {
			c.RoomID, c.CommitteeID = room.ID, room.ParentID
			district, _ = sc.district(room.ID)
			if in.MerchantID != 0 {
				ms, err := s.Store.ListRoomMerchants(ctx, room.ID)
				if err != nil {
					return c, err
				}
				found := false
				for _, m := range ms {
					if m.ID == in.MerchantID {
						found = true
						c.MerchantID = m.ID
						if c.BuyerName == "" {
							c.BuyerName = m.Name
						}
					}
				}
				if !found {
					errs = append(errs, &domain.FieldError{Field: "merchant", Message: fmt.Sprintf("经营者不属于“%s”", room.Name)})
				}
			}
			if c.ProviderName == "" {
				c.ProviderName = sc.name(room.ParentID)
			}
		}
		if c.BuyerName == "" && in.MerchantID == 0 {
			errs = append(errs, &domain.FieldError{Field: "buyer_name", Message: "请填写购买服务的企业名称"})
		}
		if in.PriceFen <= 0 || in.PriceFen > purchase.MaxFen {
			errs = append(errs, &domain.FieldError{Field: "price_fen", Message: "每件单价应为正整数（分）"})
		}
		if in.AmountFen != 0 || len(in.Targets) != 0 || strings.TrimSpace(in.Committee) != "" || strings.TrimSpace(in.Buyer) != "" {
			errs = append(errs, &domain.FieldError{Field: "kind", Message: "企业购买调解服务按件计费：不填合同总额、考核指标、调委会和购买单位"})
		}
		c.PriceFen = in.PriceFen
		c.Targets = "[]"
	}
	if len(errs) > 0 {
		return c, &access.ValidationError{Fields: errs}
	}
	if district.ID == 0 {
		return c, invalid("committee", "找不到所属的区")
	}
	c.DistrictID = district.ID
	if !sc.reaches(domain.PermContractManage, district.ID, "") {
		return c, access.Forbidden(fmt.Sprintf("无权为%s登记合同", district.Name))
	}
	if err := s.Store.CreateContract(ctx, &c); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return c, access.Conflict(fmt.Sprintf("合同编号“%s”已存在", c.Number))
		}
		return c, err
	}
	return c, nil
}

// SetStatus moves a contract: draft → active → ended (a draft may also be
// ended without taking effect).
func (s *Service) SetStatus(ctx context.Context, p *auth.Principal, id int64, status string) (store.Contract, error) {
	_, c, err := s.load(ctx, p, domain.PermContractManage, id)
	if err != nil {
		return c, err
	}
	if status != store.ContractActive && status != store.ContractEnded {
		return c, invalid("status", "状态应为 active（履行中）或 ended（已结束）")
	}
	ok := (c.Status == store.ContractDraft && (status == store.ContractActive || status == store.ContractEnded)) ||
		(c.Status == store.ContractActive && status == store.ContractEnded)
	if !ok {
		return c, access.Conflict(fmt.Sprintf("合同当前为“%s”，不能改为“%s”", StatusLabel(c.Status), StatusLabel(status)))
	}
	if err := s.Store.SetContractStatus(ctx, c.ID, c.Status, status, s.now()); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return c, access.Conflict("合同状态已被他人更改，请刷新后重试")
		}
		return c, err
	}
	return s.Store.GetContract(ctx, c.ID)
}

// AssessmentView is one revision of a quarter's assessment.
type AssessmentView struct {
	Contract    View
	Record      store.ContractAssessment
	Result      purchase.Assessment
	StatusLabel string
	Revisions   []store.ContractAssessment // of the quarter, oldest first
	IsLatest    bool
	CanConfirm  bool
	// CaseLinks are the evaluation case lists behind each line's achieved
	// figure (pages), by target code; APILinks the same in the API.
	CaseLinks map[string]string
	APILinks  map[string]string
}

// contractScheme weights the three rates the assessment reads, so the
// indicators come out of evaluation.ScoreTally exactly as the scores show them.
var contractScheme = evaluation.Scheme{Version: "contract", Indicators: []evaluation.Weighted{
	{Code: evaluation.IndicatorSuccess, Weight: 1}, {Code: evaluation.IndicatorFollowUp, Weight: 1}, {Code: evaluation.IndicatorOnTimeClosure, Weight: 1}},
	SatisfiedFrom: 4, DissatisfiedTo: 2, EntryWD: 1}

// Achieved reads the committee's evaluation figures over from..to: cases
// closed (the headline's 办结) and the three rates' numerators and
// denominators as the indicators define them.
func (s *Service) Achieved(ctx context.Context, committeeID int64, from, to calendar.Date) (purchase.Achieved, error) {
	t, _, err := s.Scorecard.CommitteeTally(ctx, committeeID, from, to)
	if err != nil {
		return purchase.Achieved{}, err
	}
	r := evaluation.ScoreTally(contractScheme, t, evaluation.Period{From: from, To: to})
	a := purchase.Achieved{Closed: t["closed"]}
	for _, f := range r.Indicators {
		n, d := int64(f.Numerator), int64(f.Denominator)
		switch f.Code {
		case evaluation.IndicatorSuccess:
			a.SuccessNum, a.SuccessDen = n, d
		case evaluation.IndicatorFollowUp:
			a.FollowNum, a.FollowDen = n, d
		case evaluation.IndicatorOnTimeClosure:
			a.OnTimeNum, a.OnTimeDen = n, d
		}
	}
	return a, nil
}

// compute assesses quarter q of a service contract as of today.
func (s *Service) compute(ctx context.Context, c store.Contract, q purchase.Quarter) (purchase.Assessment, error) {
	p := period(c)
	span, ok := purchase.Clip(q, p)
	if !ok {
		return purchase.Assessment{}, invalid("quarter", fmt.Sprintf("%s不在合同期内（%s 至 %s）", q.Label(), c.PeriodFrom, c.PeriodTo))
	}
	today := s.today()
	if span.From.After(today) {
		return purchase.Assessment{}, invalid("quarter", fmt.Sprintf("%s尚未开始，不能考核", q.Label()))
	}
	upTo := span.To
	if upTo.After(today) {
		upTo = today
	}
	ach, err := s.Achieved(ctx, c.CommitteeID, span.From, upTo)
	if err != nil {
		return purchase.Assessment{}, err
	}
	ts, err := Targets(c)
	if err != nil {
		return purchase.Assessment{}, err
	}
	base, words, _ := purchase.BaseFen(c.AmountFen, p, q)
	return purchase.Assess(purchase.Input{Quarter: q, Span: span, AsOf: today, BaseFen: base, BaseExplain: words, Targets: ts, Achieved: ach}), nil
}

// Assess computes a quarter's assessment and stores it: the first
// computation is revision 1; recomputing a revision not yet confirmed
// replaces its figures; once confirmed, a recomputation needs a reason and
// becomes the next revision.
func (s *Service) Assess(ctx context.Context, p *auth.Principal, id int64, quarter, reason string) (AssessmentView, error) {
	sc, c, err := s.load(ctx, p, domain.PermContractManage, id)
	if err != nil {
		return AssessmentView{}, err
	}
	if c.Kind != store.ContractService {
		return AssessmentView{}, invalid("quarter", "企业购买调解服务按月对账，不做季度考核")
	}
	if c.Status == store.ContractDraft {
		return AssessmentView{}, access.Conflict("合同尚为草稿，生效后才能考核")
	}
	q, err := purchase.ParseQuarter(quarter)
	if err != nil {
		return AssessmentView{}, err
	}
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > 500 {
		return AssessmentView{}, invalid("reason", "理由最多 500 个字")
	}
	res, err := s.compute(ctx, c, q)
	if err != nil {
		return AssessmentView{}, err
	}
	snap, err := json.Marshal(res)
	if err != nil {
		return AssessmentView{}, err
	}
	name := p.DisplayName
	if name == "" {
		name = p.Username
	}
	rec := store.ContractAssessment{ContractID: c.ID, Quarter: q.String(), Snapshot: string(snap), BaseFen: res.BaseFen,
		DeductionsFen: res.DeductionsFen, DueFen: res.DueFen, Status: store.AssessmentDraft, ComputedBy: p.UserID, ComputedName: name, ComputedAt: s.now()}
	err = s.Store.InTx(ctx, func(tx store.Store) error {
		as, err := tx.ListAssessments(ctx, c.ID)
		if err != nil {
			return err
		}
		var latest *store.ContractAssessment
		for i := range as {
			if as[i].Quarter == rec.Quarter {
				latest = &as[i]
			}
		}
		switch {
		case latest == nil:
			rec.Revision = 1
			return tx.AddAssessment(ctx, &rec)
		case latest.Status == store.AssessmentDraft:
			rec.ID, rec.Revision, rec.Reason = latest.ID, latest.Revision, latest.Reason
			return tx.RecomputeAssessment(ctx, rec)
		default:
			if reason == "" {
				return access.Conflict(fmt.Sprintf("%s的考核已确认（第 %d 版），不能更改；重新计算须写明理由，将生成新的修订版", q.Label(), latest.Revision))
			}
			rec.Revision, rec.Reason = latest.Revision+1, reason
			return tx.AddAssessment(ctx, &rec)
		}
	})
	if errors.Is(err, store.ErrConflict) {
		return AssessmentView{}, access.Conflict("该季度考核刚被他人计算或确认，请刷新后重试")
	}
	if err != nil {
		return AssessmentView{}, err
	}
	return s.assessmentView(ctx, sc, c, rec.ID)
}

// Assessment is one stored revision.
func (s *Service) Assessment(ctx context.Context, p *auth.Principal, id, aid int64) (AssessmentView, error) {
	sc, c, err := s.load(ctx, p, domain.PermContractRead, id)
	if err != nil {
		return AssessmentView{}, err
	}
	return s.assessmentView(ctx, sc, c, aid)
}

// QuarterAssessment is a quarter's revision rev (0: the latest).
func (s *Service) QuarterAssessment(ctx context.Context, p *auth.Principal, id int64, quarter string, rev int) (AssessmentView, error) {
	sc, c, err := s.load(ctx, p, domain.PermContractRead, id)
	if err != nil {
		return AssessmentView{}, err
	}
	q, err := purchase.ParseQuarter(quarter)
	if err != nil {
		return AssessmentView{}, err
	}
	as, err := s.Store.ListAssessments(ctx, c.ID)
	if err != nil {
		return AssessmentView{}, err
	}
	var aid int64
	for _, a := range as {
		if a.Quarter == q.String() && (rev == 0 || a.Revision == rev) {
			aid = a.ID
		}
	}
	if aid == 0 {
		return AssessmentView{}, access.NotFound(fmt.Sprintf("%s还没有考核结果", q.Label()))
	}
	return s.assessmentView(ctx, sc, c, aid)
}

func (s *Service) assessmentView(ctx context.Context, sc scope, c store.Contract, aid int64) (AssessmentView, error) {
	a, err := s.Store.GetAssessment(ctx, aid)
	if errors.Is(err, store.ErrNotFound) || (err == nil && a.ContractID != c.ID) {
		return AssessmentView{}, access.NotFound("考核结果不存在")
	}
	if err != nil {
		return AssessmentView{}, err
	}
	cv, err := s.view(sc, c, false)
	if err != nil {
		return AssessmentView{}, err
	}
	v := AssessmentView{Contract: cv, Record: a, StatusLabel: AssessmentStatusLabel(a.Status), CaseLinks: map[string]string{}, APILinks: map[string]string{}}
	if err := json.Unmarshal([]byte(a.Snapshot), &v.Result); err != nil {
		return v, fmt.Errorf("snapshot of assessment %d: %w", a.ID, err)
	}
	as, err := s.Store.ListAssessments(ctx, c.ID)
	if err != nil {
		return v, err
	}
	for _, x := range as {
		if x.Quarter == a.Quarter {
			v.Revisions = append(v.Revisions, x)
		}
	}
	v.IsLatest = len(v.Revisions) > 0 && v.Revisions[len(v.Revisions)-1].ID == a.ID
	v.CanConfirm = cv.CanConfirm && v.IsLatest && a.Status == store.AssessmentDraft && !v.Result.Partial
	to := v.Result.To
	if v.Result.Partial && v.Result.AsOf < to {
		to = v.Result.AsOf
	}
	for _, l := range v.Result.Lines {
		qv := url.Values{"unit": {cv.CommitteeCode}, "indicator": {l.Indicator}, "part": {l.Part}, "from": {v.Result.From}, "to": {to}}
		v.APILinks[l.Code] = "/api/v1/evaluation/cases?" + qv.Encode()
		if sc.p.Can(domain.PermEvalRead) {
			v.CaseLinks[l.Code] = "/evaluation/cases?" + qv.Encode()
		}
	}
	return v, nil
}

// Confirm freezes the latest revision of a quarter. Only the buyer (a
// market-regulation binding of the district) confirms; the provider's
// committee computes but does not sign off its own figures.
func (s *Service) Confirm(ctx context.Context, p *auth.Principal, id, aid int64) (AssessmentView, error) {
	sc, c, err := s.load(ctx, p, domain.PermContractManage, id)
	if err != nil {
		return AssessmentView{}, err
	}
	v, err := s.assessmentView(ctx, sc, c, aid)
	if err != nil {
		return v, err
	}
	switch {
	case !sc.reaches(domain.PermContractManage, c.DistrictID, domain.RoleRegulator):
		return v, access.Forbidden("考核结果须由购买方（市场监管部门）确认")
	case v.Record.Status == store.AssessmentConfirmed:
		return v, access.Conflict(fmt.Sprintf("该考核（第 %d 版）已确认，不能重复确认", v.Record.Revision))
	case !v.IsLatest:
		return v, access.Conflict("该季度已有更新的修订版，只能确认最新的一版")
	case v.Result.Partial:
		return v, access.Conflict("该考核计算时季度尚未结束，请在季度结束后重新计算，再确认")
	}
	name := p.DisplayName
	if name == "" {
		name = p.Username
	}
	if err := s.Store.ConfirmAssessment(ctx, aid, p.UserID, name, s.now()); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return v, access.Conflict("该考核已被他人确认，不能重复确认")
		}
		return v, err
	}
	return s.assessmentView(ctx, sc, c, aid)
}

// StatementView is an enterprise room's monthly statement.
type StatementView struct {
	Contract  View
	Statement purchase.Statement
	CaseLinks map[int64]bool // the cases the asker may open
}

// Statement computes an enterprise contract's statement for a month (the
// month clipped to the contract period).
func (s *Service) Statement(ctx context.Context, p *auth.Principal, id int64, month string) (StatementView, error) {
	sc, c, err := s.load(ctx, p, domain.PermContractRead, id)
	if err != nil {
		return StatementView{}, err
	}
	if c.Kind != store.ContractEnterprise {
		return StatementView{}, invalid("month", "政府购买服务合同按季度考核，没有月度对账单")
	}
	m, err := purchase.ParseMonth(month)
	if err != nil {
		return StatementView{}, err
	}
	span, ok := purchase.Span{From: m.From, To: m.To}, true
	p0 := period(c)
	if span.From.Before(p0.From) {
		span.From = p0.From
	}
	if span.To.After(p0.To) {
		span.To = p0.To
	}
	ok = !span.To.Before(span.From)
	if !ok {
		return StatementView{}, invalid("month", fmt.Sprintf("%s不在合同期内（%s 至 %s）", strings.TrimSpace(month), c.PeriodFrom, c.PeriodTo))
	}
	today := s.today()
	if span.From.After(today) {
		return StatementView{}, invalid("month", fmt.Sprintf("%s还没有到", strings.TrimSpace(month)))
	}
	upTo := span.To
	if upTo.After(today) {
		upTo = today
	}
	facts, err := s.Scorecard.RoomClosures(ctx, c.CommitteeID, c.RoomID, span.From, upTo)
	if err != nil {
		return StatementView{}, err
	}
	v := StatementView{CaseLinks: map[int64]bool{}}
	var closed []purchase.ClosedCase
	ids := make([]int64, len(facts))
	for i, f := range facts {
		ids[i] = f.CaseID
	}
	cases, err := s.Store.CaseRowsOf(ctx, ids)
	if err != nil {
		return v, fmt.Errorf("the cases on a statement: %w", err)
	}
	for _, f := range facts {
		cs, ok := cases[f.CaseID]
		if !ok {
			return v, fmt.Errorf("case %d on a statement: %w", f.CaseID, store.ErrNotFound)
		}
		closed = append(closed, purchase.ClosedCase{CaseID: f.CaseID, Number: cs.Number, Outcome: f.Outcome, ClosedOn: f.ClosureDay})
		if p.CanOnCase(domain.PermCaseRead, cs) {
			v.CaseLinks[cs.ID] = true
		}
	}
	if v.Contract, err = s.view(sc, c, false); err != nil {
		return v, err
	}
	v.Statement = purchase.MakeStatement(strings.TrimSpace(month), span, today, c.PriceFen, closed)
	return v, nil
}

// Options are the units a contract form offers: the committees, buyers,
// providers and enterprise rooms of the districts p may manage.
type Options struct {
	Committees, Buyers, Providers, Rooms []store.OrgUnit
}

// FormOptions lists what p may choose on the new-contract form.
func (s *Service) FormOptions(ctx context.Context, p *auth.Principal) (Options, error) {
	sc, err := s.scope(ctx, p, domain.PermContractManage)
	if err != nil {
		return Options{}, err
	}
	var o Options
	for _, u := range sc.units {
		d, ok := sc.district(u.ID)
		if !ok || u.Kind == domain.OrgDistrict || !sc.reaches(domain.PermContractManage, d.ID, "") {
			continue
		}
		switch u.Kind {
		case domain.OrgCommittee:
			o.Committees = append(o.Committees, u)
			o.Providers = append(o.Providers, u)
		case domain.OrgRegulatorBureau, domain.OrgRegulatorOffice:
			o.Buyers = append(o.Buyers, u)
		case domain.OrgServiceProvider:
			o.Providers = append(o.Providers, u)
		case domain.OrgEnterpriseRoom:
			o.Rooms = append(o.Rooms, u)
		}
	}
	return o, nil
}
