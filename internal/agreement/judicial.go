package agreement

import (
	"bytes"
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
	"github.com/tiaojie/tiaojie/internal/court"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/document"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Courts are the courts of the case's district: the district's subtree,
// not a copy of a city's whole org tree on every case page with an agreement.
func (s *Service) Courts(ctx context.Context, c store.Case) ([]store.OrgUnit, error) {
	committee, err := s.Store.GetOrgUnit(ctx, c.CommitteeID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("committee of case %d: %w", c.ID, err)
	}
	district, err := s.Store.GetOrgUnit(ctx, committee.ParentID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("district of committee %d: %w", committee.ID, err)
	}
	units, err := s.Store.OrgUnitsUnder(ctx, district.Path)
	if err != nil {
		return nil, err
	}
	var out []store.OrgUnit
	for _, u := range units {
		if u.Kind == domain.OrgCourt && u.ParentID == district.ID {
			out = append(out, u)
		}
	}
	return out, nil
}

// ApplyJudicial files the parties' joint application for judicial
// confirmation of an effective written agreement, within 30 days of effect:
// the package goes to the court through the connector (or, without one, to
// the court liaison's list on this platform).
func (s *Service) ApplyJudicial(ctx context.Context, p *auth.Principal, caseID, courtID int64, joint bool) (store.JudicialApplication, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return store.JudicialApplication{}, err
	}
	if !joint {
		return store.JudicialApplication{}, &domain.FieldError{Field: "joint", Message: "司法确认须由双方当事人共同申请，请确认双方均已同意申请"}
	}
	if _, err := s.Store.GetJudicialApplication(ctx, c.ID); err == nil {
		return store.JudicialApplication{}, &domain.FieldError{Field: "court", Message: "已申请过司法确认"}
	}
	a, err := s.Store.GetAgreement(ctx, c.ID)
	if err != nil || a.Kind != "written" || a.EffectiveAt == nil {
		return store.JudicialApplication{}, &domain.FieldError{Field: "agreement", Message: "只有已生效的书面调解协议可以申请司法确认"}
	}
	// The window is the case's policy (30 days in the law), the same one its clock shows.
	rules, err := deadline.Load(ctx, s.Store)
	if err != nil {
		return store.JudicialApplication{}, err
	}
	if days := rules.PolicyFor(c).JudicialConfirmDays; s.now().After(a.EffectiveAt.AddDate(0, 0, days)) {
		return store.JudicialApplication{}, &domain.FieldError{Field: "agreement", Message: fmt.Sprintf("已超过协议生效之日起%d日的申请期限", days)}
	}
	courts, err := s.Courts(ctx, c)
	if err != nil {
		return store.JudicialApplication{}, err
	}
	var ct store.OrgUnit
	for _, x := range courts {
		if x.ID == courtID {
			ct = x
		}
	}
	if ct.ID == 0 {
		return store.JudicialApplication{}, &domain.FieldError{Field: "court", Message: "请选择本区的人民法院"}
	}
	pdf, _, err := s.Store.GetAgreementDocument(ctx, c.ID)
	if err != nil {
		return store.JudicialApplication{}, err
	}
	committee, err := s.Store.GetOrgUnit(ctx, c.CommitteeID)
	if err != nil {
		return store.JudicialApplication{}, fmt.Errorf("committee of case: %w", err)
	}
	now := s.now()
	// Service needs the real contacts: the package carries them, the screens never do.
	type party struct {
		Role     string `json:"role"`
		Name     string `json:"name"`
		IDNumber string `json:"id_number"`
		Phone    string `json:"phone"`
		Address  string `json:"address"`
	}
	var parties []party
	for _, x := range c.Parties {
		pp := party{Role: map[string]string{"consumer": "申请人", "merchant": "被申请人"}[x.Kind], Name: x.Name, Address: x.Address}
		pp.Phone, _ = s.Sealer.Open(x.PhoneSealed)
		pp.IDNumber, _ = s.Sealer.Open(x.IDSealed)
		if x.CreditCode != "" {
			pp.IDNumber = x.CreditCode
		}
		parties = append(parties, pp)
	}
	pj, _ := json.MarshalIndent(parties, "", "  ")
	var app bytes.Buffer
	if err := document.WriteNotice(&app, document.Notice{Title: "司法确认申请书", Number: c.Number, Addressee: ct.Name + "：",
		Paragraphs: []string{
			"申请人" + c.ConsumerName + "与" + c.MerchantName + "之间的消费纠纷，经" + committee.Name + "调解，于" + document.ChineseDate(*a.EffectiveAt) + "达成调解协议并生效。",
			"双方当事人现共同申请人民法院对该调解协议予以司法确认。双方承诺：出于解决纠纷的目的自愿达成协议，没有恶意串通、规避法律的行为；如因虚假陈述等造成损失，愿意承担相应的法律责任。",
			"附：调解协议书、当事人身份信息及送达地址、联系方式。"},
		Issuer: "申请人：" + c.ConsumerName + "、" + c.MerchantName, Date: now}); err != nil {
		return store.JudicialApplication{}, err
	}
	pkg, err := court.Package(c.Number, []court.File{{Name: "application.pdf", Data: app.Bytes()}, {Name: "agreement.pdf", Data: pdf},
		{Name: "parties.json", Data: pj}}, now)
	if err != nil {
		return store.JudicialApplication{}, err
	}
	// The application, its event and (with a court system) the job that
	// delivers it are stored in one transaction: the one-per-case key makes
	// a double submit fail before anything is queued. Nothing is sent in the
	// request: the court-submit job sends the package with the idempotency
	// key made here, on every attempt (see CourtWorker).
	ja := store.JudicialApplication{CaseID: c.ID, CaseNumber: c.Number, CourtID: ct.ID, Status: "submitted", Receipt: LocalReceipt, Package: pkg, SubmittedAt: now}
	note := "双方共同向" + ct.Name + "申请司法确认"
	queued := s.Court != nil
	if queued {
		if s.Jobs == nil {
			return store.JudicialApplication{}, errors.New("apply judicial: a court system is configured without a job queue")
		}
		ja.Status, ja.Receipt, ja.IdempotencyKey = "sending", "", newKey()
		note += "，已排队提交法院"
	}
	err = s.Store.InTx(ctx, func(tx store.Store) error {
		if err := claim(ctx, tx, ja); err != nil {
			return err
		}
		if _, err := tx.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{}, store.Event{Type: "judicial_applied", ActorID: p.UserID, ActorName: p.DisplayName,
			At: now, Note: note}); err != nil {
			return err
		}
		if !queued {
			return nil
		}
		return s.Jobs.Enqueue(ctx, tx, "enqueue court submission", jobs.Insert(CourtSubmitArgs{CaseID: c.ID, Application: ja.IdempotencyKey}, nil))
	})
	if err != nil {
		return store.JudicialApplication{}, stale(err)
	}
	return ja, nil
}

// claim stores the application; a case has at most one.
func claim(ctx context.Context, st store.Store, ja store.JudicialApplication) error {
	if err := st.PutJudicialApplication(ctx, ja); errors.Is(err, store.ErrConflict) {
		return &domain.FieldError{Field: "court", Message: "已申请过司法确认"}
	} else if err != nil {
		return fmt.Errorf("store judicial application: %w", err)
	}
	return nil
}

// CourtQueue lists a page of the applications addressed to the courts the
// liaison is bound to (q.CourtIDs are those courts).
func (s *Service) CourtQueue(ctx context.Context, p *auth.Principal, q store.JudicialQuery) (store.Page[store.JudicialApplication], error) {
	q.CourtIDs = nil
	for _, b := range p.Bindings {
		if b.Role == domain.RoleCourt {
			q.CourtIDs = append(q.CourtIDs, b.OrgID)
		}
	}
	if len(q.CourtIDs) == 0 {
		return store.Page[store.JudicialApplication]{}, access.ErrForbidden
	}
	page, err := s.Store.ListJudicialApplications(ctx, q)
	if err != nil {
		return page, fmt.Errorf("list the courts' applications: %w", err)
	}
	return page, nil
}

// ParseCourtQuery reads the court list's parameters, shared by the page and
// the API: state (pending, the default: awaiting the court; decided), after
// and limit (store.ParseListParams). It returns a Chinese message for a bad
// value.
func ParseCourtQuery(v url.Values) (store.JudicialQuery, string) {
	state, p, msg := store.ParseListParams(v, store.StateName{Value: "pending", Name: "待处理"}, store.StateName{Value: "decided", Name: "已裁定"})
	return store.JudicialQuery{Decided: state == "decided", Paging: p}, msg
}

// CourtApplication is one application, for a liaison of the court it was
// addressed to; anyone else is told it does not exist.
func (s *Service) CourtApplication(ctx context.Context, p *auth.Principal, caseID int64) (store.JudicialApplication, error) {
	ja, err := s.Store.GetJudicialApplication(ctx, caseID)
	if err != nil {
		return ja, access.ErrNotFound
	}
	for _, b := range p.Bindings {
		if b.Role == domain.RoleCourt && b.OrgID == ja.CourtID {
			return ja, nil
		}
	}
	return store.JudicialApplication{}, access.ErrNotFound
}

// CourtDecide records the court's step: accept, confirm (with the ruling
// number) or reject (with a reason); the outcome lands on the case.
func (s *Service) CourtDecide(ctx context.Context, p *auth.Principal, caseID int64, decision, ruling, reason string) error {
	if _, err := s.CourtApplication(ctx, p, caseID); err != nil {
		return err
	}
	return s.recordDecision(ctx, caseID, decision, ruling, reason, p.UserID, p.DisplayName, s.now())
}

// recordDecision stores a court's step on the application and puts it on the
// case's timeline; a step the application's state does not allow is refused.
func (s *Service) recordDecision(ctx context.Context, caseID int64, decision, ruling, reason string, actorID int64, actorName string, at time.Time) error {
	err := s.decide(ctx, caseID, decision, ruling, reason, actorID, actorName, at)
	if errors.Is(err, store.ErrNotFound) {
		return &domain.FieldError{Field: "decision", Message: "申请当前状态不能作此处理"}
	}
	return err
}

// decide is recordDecision with store.ErrNotFound for a step the
// application's state does not (or no longer) allow. The step and its event
// are one conditional update in one transaction, so two writers racing on
// the same step record it once: the second finds the state moved on.
func (s *Service) decide(ctx context.Context, caseID int64, decision, ruling, reason string, actorID int64, actorName string, at time.Time) error {
	ruling, reason = strings.TrimSpace(ruling), strings.TrimSpace(reason)
	var from []string
	var note string
	switch decision {
	case "accepted":
		from, note = []string{"submitted"}, "法院已受理司法确认申请"
	case "confirmed":
		if ruling == "" || utf8.RuneCountInString(ruling) > 64 {
			return &domain.FieldError{Field: "ruling", Message: "请填写确认裁定书文号"}
		}
		from, note = []string{"submitted", "accepted"}, "法院裁定确认调解协议有效，文号"+ruling
	case "rejected":
		if reason == "" {
			return &domain.FieldError{Field: "reason", Message: "请填写驳回理由"}
		}
		from, note = []string{"submitted", "accepted"}, "法院驳回司法确认申请："+reason
	case "annulled":
		// A later judgment changed, revoked or voided a confirmed agreement
		// (判决变更、撤销或确认无效): the committee and the statistics must know.
		if ruling == "" || utf8.RuneCountInString(ruling) > 64 {
			return &domain.FieldError{Field: "ruling", Message: "请填写判决书文号"}
		}
		if reason == "" {
			return &domain.FieldError{Field: "reason", Message: "请写明判决结果（变更、撤销或确认无效）及理由"}
		}
		from, note = []string{"confirmed"}, "法院判决变更、撤销或确认无效调解协议，文号"+ruling+"："+reason
	default:
		return &domain.FieldError{Field: "decision", Message: "请选择处理结果"}
	}
	ev := store.Event{Type: "judicial_" + decision, ActorID: actorID, ActorName: actorName, At: at, Note: note}
	err := retryStale(func() error {
		return s.Store.DecideJudicialApplication(ctx, caseID, from, decision, ruling, reason, at, ev)
	})
	if errors.Is(err, store.ErrNotFound) {
		return err
	}
	return stale(err)
}

// retryStale runs a write that appends an event at the case's current
// version a few times: a concurrent write to the case only means "again".
func retryStale(write func() error) error {
	var err error
	for try := 0; try < 3; try++ {
		if err = write(); !errors.Is(err, store.ErrStale) {
			return err
		}
	}
	return err
}

// LocalReceipt marks an application kept on this platform only (no court
// connector): the court liaison decides it here, nothing is asked of a court system.
const LocalReceipt = "本平台"

// SyncJudicial asks the court system about every application still open
// there and records what changed: the court's outcome comes back onto the
// case without anyone typing it. It answers how many applications moved.
func (s *Service) SyncJudicial(ctx context.Context) (int, error) {
	if s.Court == nil {
		return 0, nil
	}
	apps, err := s.Store.ListPendingJudicial(ctx, LocalReceipt)
	if err != nil {
		return 0, err
	}
	moved := 0
	var errs []error
	for _, ja := range apps {
		pr, err := s.Court.Status(ctx, ja.Receipt)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if pr.Status == ja.Status {
			continue
		}
		// A court may confirm straight from submitted; record acceptance first so the timeline keeps both steps.
		steps := map[string][]string{"accepted": {"accepted"}, "confirmed": {"confirmed"}, "rejected": {"rejected"}}[pr.Status]
		if ja.Status == "submitted" && pr.Status != "accepted" && len(steps) > 0 {
			steps = append([]string{"accepted"}, steps...)
		}
		at := s.now()
		if pr.DecidedAt != nil && pr.DecidedAt.Before(at) {
			at = *pr.DecidedAt // the court's date, not the sweep's
		}
		for i, st := range steps {
			err := s.decide(ctx, ja.CaseID, st, pr.RulingNumber, pr.Reason, 0, "法院系统", at)
			if errors.Is(err, store.ErrNotFound) {
				// The application moved since it was listed (another run of
				// the sweep, or the liaison): that step is on the case once
				// already, and the next run starts from where it is now.
				break
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("case %d: %w", ja.CaseID, err))
				break
			}
			if i == 0 {
				moved++
			}
		}
	}
	return moved, errors.Join(errs...)
}
