package settlement

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/subsidy"
)

func invalid(field, msg string) error {
	return &access.ValidationError{Fields: []*domain.FieldError{{Field: field, Message: msg}}}
}

// checkPeriod refuses a period that is malformed, in the future, or whose
// cut-off has not passed.
func (s *Service) checkPeriod(schemes []subsidy.Scheme, period string) error {
	m, err := time.Parse("2006-01", strings.TrimSpace(period))
	if err != nil || m.Format("2006-01") != period {
		return invalid("period", "结算月份须为 YYYY-MM，例如 2026-10")
	}
	today := s.today()
	if period > today.String()[:7] {
		return invalid("period", "不能为将来的月份生成补贴批次")
	}
	cut, _ := subsidy.CutoffDate(schemes, period)
	if today.String() <= cut {
		return invalid("period", fmt.Sprintf("%s 的截止日为 %s，截止日之后方可生成批次", period, cut))
	}
	return nil
}

// Generate creates the committee's batch for the period (created true), or
// returns the one that exists. With adjust it creates an adjusting batch
// for a period whose batch is approved: the differences against what was paid.
func (s *Service) Generate(ctx context.Context, p *auth.Principal, unit, period string, adjust bool) (Batch, bool, error) {
	c, err := s.committee(ctx, p, unit, domain.PermSubsidyDraft)
	if err != nil {
		return Batch{}, false, err
	}
	schemes, _, err := s.schemes(ctx, c)
	if err != nil {
		return Batch{}, false, err
	}
	period = strings.TrimSpace(period)
	if err := s.checkPeriod(schemes, period); err != nil {
		return Batch{}, false, err
	}
	existing, err := s.Store.FindSubsidyBatch(ctx, c.ID, period)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if adjust {
			return Batch{}, false, invalid("adjust", period+" 尚无月度批次，无需调整：请直接生成月度批次")
		}
	case err != nil:
		return Batch{}, false, fmt.Errorf("find batch of %s: %w", period, err)
	case !adjust && settled(existing):
		// A settled month is corrected by an adjusting batch, never by a second regular one.
		return Batch{}, false, access.Conflict(fmt.Sprintf("%s 已结算（月度批次 %d %s），不能再生成月度批次；如需更正，请生成调整批次（adjust）",
			period, existing.ID, StatusLabel(existing.Status)))
	case !adjust:
		return s.view(ctx, p, existing), false, nil
	case !settled(existing):
		return Batch{}, false, access.Conflict(period + " 的月度批次尚未审核通过，请直接在该批次中修改")
	default:
		// One adjustment of a month open at a time: a second one computed
		// beside it would pay the same difference twice.
		open, err := s.openAdjustment(ctx, c.ID, period)
		if err != nil {
			return Batch{}, false, err
		}
		if open != nil {
			return s.view(ctx, p, *open), false, nil
		}
	}
	res, from, to, err := s.compute(ctx, c, period, adjust, 0)
	if err != nil {
		return Batch{}, false, err
	}
	lines, fails := toLines(res)
	b := store.SubsidyBatch{CommitteeID: c.ID, Period: period, Kind: "regular", WindowFrom: from, WindowTo: to,
		Lines: lines, Failures: fails, CreatedBy: p.UserID, Created: s.now().UTC()}
	note := fmt.Sprintf("结案 %s 至 %s：%d 件计发，合计 %s元；%d 件不符合条件", from, to, len(lines), domain.FormatFen(res.TotalFen), len(fails))
	action := "生成"
	if adjust {
		b.Kind, b.AdjustsID, action = "adjust", existing.ID, "生成调整批次"
		note = fmt.Sprintf("调整 %s 已审核批次：%d 件有差额，合计 %s元", period, len(lines), domain.FormatFen(res.TotalFen))
	}
	if err := s.Store.CreateSubsidyBatch(ctx, &b, s.trail(p, action, note)); err != nil {
		if errors.Is(err, store.ErrConflict) {
			// Generated at the same moment by someone else: theirs stands.
			if got, ferr := s.Store.FindSubsidyBatch(ctx, c.ID, period); ferr == nil {
				return s.view(ctx, p, got), false, nil
			}
		}
		return Batch{}, false, fmt.Errorf("store batch of %s: %w", period, err)
	}
	got, err := s.Store.GetSubsidyBatch(ctx, b.ID)
	if err != nil {
		return Batch{}, false, fmt.Errorf("read new batch: %w", err)
	}
	return s.view(ctx, p, got), true, nil
}

// settled reports whether a batch is approved (and perhaps paid): frozen.
func settled(b store.SubsidyBatch) bool {
	return b.Status == store.SubsidyApproved || b.Status == store.SubsidyPaidState
}

// adjustments lists a committee's adjusting batches of a period.
func (s *Service) adjustments(ctx context.Context, committeeID int64, period string) ([]store.SubsidyBatch, error) {
	bs, err := s.Store.ListSubsidyBatches(ctx, []int64{committeeID}, 100_000)
	if err != nil {
		return nil, fmt.Errorf("list batches of %s: %w", period, err)
	}
	var out []store.SubsidyBatch
	for _, b := range bs {
		if b.Kind == "adjust" && b.Period == period {
			out = append(out, b)
		}
	}
	return out, nil
}

// openAdjustment finds the adjusting batch of a period not yet approved (nil: none).
func (s *Service) openAdjustment(ctx context.Context, committeeID int64, period string) (*store.SubsidyBatch, error) {
	adjs, err := s.adjustments(ctx, committeeID, period)
	if err != nil {
		return nil, err
	}
	for _, a := range adjs {
		if !settled(a) {
			got, err := s.Store.GetSubsidyBatch(ctx, a.ID)
			if err != nil {
				return nil, fmt.Errorf("read adjusting batch %d: %w", a.ID, err)
			}
			return &got, nil
		}
	}
	return nil, nil
}

// paidElsewhere refuses a batch that would pay a case a second time (一案
// 只补一次): a case on one of its lines that another approved batch already
// pays — carried into two open months, or (for an adjustment) paid in
// another month — or, for an adjustment, another adjustment of the month
// approved after this one was computed. Refreshing the batch recomputes
// it against what is paid.
func (s *Service) paidElsewhere(ctx context.Context, b store.SubsidyBatch) error {
	var ids []int64
	number := map[int64]string{}
	for _, l := range b.Lines {
		if !l.Excluded {
			ids = append(ids, l.CaseID)
			number[l.CaseID] = l.CaseNumber
		}
	}
	if len(ids) > 0 {
		paid, err := s.Store.SubsidyPaid(ctx, b.CommitteeID, ids)
		if err != nil {
			return fmt.Errorf("cases of batch %d already paid: %w", b.ID, err)
		}
		var twice []string
		for _, id := range ids {
			if pc, ok := paid[id]; ok && (b.Kind != "adjust" || pc.Period != b.Period) {
				twice = append(twice, number[id]+"（已在 "+pc.Period+" 批次计发）")
			}
		}
		if len(twice) > 0 {
			sort.Strings(twice)
			return access.Conflict("一案只补一次：" + strings.Join(twice, "、") + "。请先重新核算本批次")
		}
	}
	if b.Kind == "adjust" {
		adjs, err := s.adjustments(ctx, b.CommitteeID, b.Period)
		if err != nil {
			return err
		}
		for _, a := range adjs {
			if a.ID != b.ID && settled(a) && a.DecidedAt != nil && a.DecidedAt.After(b.Computed) {
				return access.Conflict(fmt.Sprintf("%s 的另一调整批次（%d）在本批次核算之后已审核通过，请先重新核算本批次", b.Period, a.ID))
			}
		}
	}
	return nil
}

// editable are the statuses the committee may still change.
var editable = []string{store.SubsidyDraft, store.SubsidyReturned}

func frozen(b store.SubsidyBatch) error {
	switch b.Status {
	case store.SubsidyApproved, store.SubsidyPaidState:
		return access.Conflict("批次已审核通过并冻结，不能再修改；如需更正，请生成调整批次")
	case store.SubsidySubmitted:
		return access.Conflict("批次已提交待审核，审核退回后方可修改")
	}
	return nil
}

// change applies c to the batch, mapping a lost race to a clear refusal.
func (s *Service) change(ctx context.Context, p *auth.Principal, b store.SubsidyBatch, c store.SubsidyChange) (Batch, error) {
	c.BatchID, c.Version, c.At = b.ID, b.Version, s.now().UTC()
	if c.Trail.At.IsZero() {
		c.Trail.At = c.At
	}
	if err := s.Store.ChangeSubsidyBatch(ctx, c); err != nil {
		switch {
		case errors.Is(err, store.ErrStale):
			return Batch{}, errBusy
		case errors.Is(err, store.ErrNotFound):
			return Batch{}, access.NotFound("该案件不在本批次的计发明细中")
		}
		return Batch{}, fmt.Errorf("change batch %d: %w", b.ID, err)
	}
	got, err := s.Store.GetSubsidyBatch(ctx, b.ID)
	if err != nil {
		return Batch{}, fmt.Errorf("read batch %d: %w", b.ID, err)
	}
	return s.view(ctx, p, got), nil
}

// Refresh recomputes a draft or returned batch from the facts as they are
// now (a confirmed difficulty, a finished follow-up); exclusions stay.
func (s *Service) Refresh(ctx context.Context, p *auth.Principal, id int64) (Batch, error) {
	b, err := s.getBatch(ctx, p, id, domain.PermSubsidyDraft)
	if err != nil {
		return Batch{}, err
	}
	if err := frozen(b); err != nil {
		return Batch{}, err
	}
	c, err := s.Store.GetOrgUnit(ctx, b.CommitteeID)
	if err != nil {
		return Batch{}, fmt.Errorf("committee of batch: %w", err)
	}
	res, _, _, err := s.compute(ctx, c, b.Period, b.Kind == "adjust", b.ID)
	if err != nil {
		return Batch{}, err
	}
	lines, fails := toLines(res)
	return s.change(ctx, p, b, store.SubsidyChange{From: editable, Recompute: true, Lines: lines, Failures: fails, ComputedAt: s.now().UTC(),
		Trail: s.trail(p, "重新核算", fmt.Sprintf("%d 件计发，合计 %s元；%d 件不符合条件", len(lines), domain.FormatFen(res.TotalFen), len(fails)))})
}

// Exclude takes a line off the batch (with a reason), or puts it back (include).
func (s *Service) Exclude(ctx context.Context, p *auth.Principal, id, caseID int64, reason string, include bool) (Batch, error) {
	b, err := s.getBatch(ctx, p, id, domain.PermSubsidyDraft)
	if err != nil {
		return Batch{}, err
	}
	if err := frozen(b); err != nil {
		return Batch{}, err
	}
	if caseID <= 0 { // checked after the scope: another district's batch is a 404 whatever the body
		return Batch{}, invalid("case_id", "case_id 必填（本批次中的案件编号）")
	}
	var line *store.SubsidyLine
	for i := range b.Lines {
		if b.Lines[i].CaseID == caseID {
			line = &b.Lines[i]
		}
	}
	if line == nil {
		return Batch{}, invalid("case_id", "该案件不在本批次的计发明细中")
	}
	reason = strings.TrimSpace(reason)
	if include {
		if !line.Excluded {
			return Batch{}, access.Conflict("该案件未被剔除")
		}
		return s.change(ctx, p, b, store.SubsidyChange{From: editable, ExcludeCase: caseID, Exclude: false,
			Trail: s.trail(p, "恢复计发", line.CaseNumber)})
	}
	if line.Excluded {
		return Batch{}, access.Conflict("该案件已被剔除")
	}
	if n := len([]rune(reason)); n < 2 || n > 200 {
		return Batch{}, invalid("reason", "剔除须写明理由（2至200字）")
	}
	return s.change(ctx, p, b, store.SubsidyChange{From: editable, ExcludeCase: caseID, Exclude: true, ExcludeReason: reason,
		Trail: s.trail(p, "剔除", line.CaseNumber+"："+reason)})
}

// Submit sends a draft or returned batch for approval.
func (s *Service) Submit(ctx context.Context, p *auth.Principal, id int64) (Batch, error) {
	b, err := s.getBatch(ctx, p, id, domain.PermSubsidyDraft)
	if err != nil {
		return Batch{}, err
	}
	if err := frozen(b); err != nil {
		return Batch{}, err
	}
	if len(b.Lines) == 0 && len(b.Failures) == 0 {
		return Batch{}, access.Conflict("批次没有任何案件，无需提交")
	}
	if err := s.paidElsewhere(ctx, b); err != nil {
		return Batch{}, err
	}
	action := "提交审核"
	if b.Status == store.SubsidyReturned {
		action = "修改后重新提交"
	}
	return s.change(ctx, p, b, store.SubsidyChange{From: editable, Status: store.SubsidySubmitted, SubmittedBy: p.UserID, ClearReturns: true,
		Trail: s.trail(p, action, fmt.Sprintf("计发 %d 件，合计 %s元", countIncluded(b.Lines), domain.FormatFen(b.TotalFen)))})
}

func countIncluded(ls []store.SubsidyLine) int {
	n := 0
	for _, l := range ls {
		if !l.Excluded {
			n++
		}
	}
	return n
}

// decider refuses the justice officer who also submitted the batch (one
// person may hold both roles: the four-eyes rule holds by person).
func decider(p *auth.Principal, b store.SubsidyBatch) error {
	if b.Status != store.SubsidySubmitted {
		switch b.Status {
		case store.SubsidyApproved, store.SubsidyPaidState:
			return access.Conflict("批次已审核通过，不能重复审核")
		case store.SubsidyReturned:
			return access.Conflict("批次已退回调委会，待其修改后重新提交")
		}
		return access.Conflict("批次尚未提交审核")
	}
	if b.SubmittedBy == p.UserID {
		return access.Forbidden("提交人不能审核自己提交的批次")
	}
	return nil
}

// Approve approves a submitted batch: it is frozen from then on.
func (s *Service) Approve(ctx context.Context, p *auth.Principal, id int64, note string) (Batch, error) {
	b, err := s.getBatch(ctx, p, id, domain.PermSubsidyApprove)
	if err != nil {
		return Batch{}, err
	}
	if err := decider(p, b); err != nil {
		return Batch{}, err
	}
	if len([]rune(note)) > 500 {
		return Batch{}, invalid("note", "审核意见不超过500字")
	}
	if err := s.paidElsewhere(ctx, b); err != nil {
		return Batch{}, err
	}
	empty := ""
	return s.change(ctx, p, b, store.SubsidyChange{From: []string{store.SubsidySubmitted}, Status: store.SubsidyApproved, DecidedBy: p.UserID,
		ReturnReason: &empty, Trail: s.trail(p, "审核通过", strings.TrimSpace(note+" 核定 "+domain.FormatFen(b.TotalFen)+"元"))})
}

// Return sends a submitted batch back with a reason, and reasons on lines.
func (s *Service) Return(ctx context.Context, p *auth.Principal, id int64, reason string, lines map[int64]string) (Batch, error) {
	b, err := s.getBatch(ctx, p, id, domain.PermSubsidyApprove)
	if err != nil {
		return Batch{}, err
	}
	if err := decider(p, b); err != nil {
		return Batch{}, err
	}
	reason = strings.TrimSpace(reason)
	if n := len([]rune(reason)); n < 2 || n > 500 {
		return Batch{}, invalid("reason", "退回须写明理由（2至500字）")
	}
	on := map[int64]string{}
	for _, l := range b.Lines {
		on[l.CaseID] = l.CaseNumber
	}
	clean := map[int64]string{}
	var words []string
	for caseID, why := range lines {
		why = strings.TrimSpace(why)
		if why == "" {
			continue
		}
		number, ok := on[caseID]
		if !ok {
			return Batch{}, invalid("lines", "退回意见所指的案件不在本批次中")
		}
		if len([]rune(why)) > 200 {
			return Batch{}, invalid("lines", number+" 的意见不超过200字")
		}
		clean[caseID] = why
		words = append(words, number+"："+why)
	}
	note := reason
	if len(words) > 0 {
		note += "（" + strings.Join(words, "；") + "）"
	}
	return s.change(ctx, p, b, store.SubsidyChange{From: []string{store.SubsidySubmitted}, Status: store.SubsidyReturned, DecidedBy: p.UserID,
		ReturnReason: &reason, LineReasons: clean, Trail: s.trail(p, "退回", note)})
}

// RecordPaid records that an approved batch was paid, on a day, by p.
func (s *Service) RecordPaid(ctx context.Context, p *auth.Principal, id int64, paidOn, note string) (Batch, error) {
	b, err := s.getBatch(ctx, p, id, domain.PermSubsidyApprove)
	if err != nil {
		return Batch{}, err
	}
	switch b.Status {
	case store.SubsidyPaidState:
		return Batch{}, access.Conflict("该批次已登记支付")
	case store.SubsidyApproved:
	default:
		return Batch{}, access.Conflict("批次审核通过后方可登记支付")
	}
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(paidOn))
	if err != nil {
		return Batch{}, invalid("paid_on", "支付日期须为 YYYY-MM-DD")
	}
	if b.DecidedAt != nil && d.Format(time.DateOnly) < b.DecidedAt.Format(time.DateOnly) || d.Format(time.DateOnly) > s.today().String() {
		return Batch{}, invalid("paid_on", "支付日期须在审核通过之后、不晚于今天")
	}
	note = strings.TrimSpace(note)
	if len([]rune(note)) > 200 {
		return Batch{}, invalid("note", "备注不超过200字")
	}
	return s.change(ctx, p, b, store.SubsidyChange{From: []string{store.SubsidyApproved}, Status: store.SubsidyPaidState,
		PaidOn: d.Format(time.DateOnly), PaidBy: p.UserID, PaidNote: note,
		Trail: s.trail(p, "登记支付", strings.TrimSpace(d.Format(time.DateOnly)+" 已支付 "+domain.FormatFen(b.TotalFen)+"元 "+note))})
}

// Get reads a batch p may see.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Batch, error) {
	b, err := s.getBatch(ctx, p, id, domain.PermSubsidyRead)
	if errors.Is(err, access.ErrForbidden) && p.Can(domain.PermSubsidyTrail) {
		b, err = s.getBatch(ctx, p, id, domain.PermSubsidyTrail)
	}
	if err != nil {
		return Batch{}, err
	}
	return s.view(ctx, p, b), nil
}

// List lists the batches of the committees p reads (or audits).
func (s *Service) List(ctx context.Context, p *auth.Principal) ([]Batch, error) {
	var cs []store.OrgUnit
	var err error
	if CanSeeBatches(p) {
		cs, err = s.committees(ctx, p, domain.PermSubsidyRead)
	} else if p.Can(domain.PermSubsidyTrail) {
		cs, err = s.committees(ctx, p, domain.PermSubsidyTrail)
	}
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	bs, err := s.Store.ListSubsidyBatches(ctx, ids, 240)
	if err != nil {
		return nil, err
	}
	out := make([]Batch, len(bs))
	for i, b := range bs {
		out[i] = s.view(ctx, p, b)
	}
	return out, nil
}

// MineListed is the most lines 我的补贴 lists at once (a month's fit).
const MineListed = 500

// MineView is 我的补贴: p's own lines on batches past draft, the newest
// MineListed or one month's, and the total of every month's approved or
// paid lines. More says older lines were left out (a month shows them).
type MineView struct {
	Period   string
	Lines    []store.SubsidyLine
	More     bool
	TotalFen int64
}

// Mine are the lines of p's own cases on batches past draft (我的补贴),
// one month's when period is set.
func (s *Service) Mine(ctx context.Context, p *auth.Principal, period string) (MineView, error) {
	if p == nil || !p.Can(domain.PermSubsidyRead) {
		return MineView{}, access.ErrForbidden
	}
	period = strings.TrimSpace(period)
	if m, err := time.Parse("2006-01", period); period != "" && (err != nil || m.Format("2006-01") != period) {
		return MineView{}, invalid("period", "结算月份须为 YYYY-MM，例如 2026-10")
	}
	ls, err := s.Store.MediatorSubsidyLines(ctx, p.UserID, period, MineListed+1)
	if err != nil {
		return MineView{}, fmt.Errorf("my subsidy lines: %w", err)
	}
	v := MineView{Period: period, Lines: ls[:min(len(ls), MineListed)], More: len(ls) > MineListed}
	if v.TotalFen, err = s.Store.MediatorSubsidySum(ctx, p.UserID); err != nil {
		return MineView{}, fmt.Errorf("my subsidy total: %w", err)
	}
	return v, nil
}
