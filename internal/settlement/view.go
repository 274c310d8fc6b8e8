package settlement

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/subsidy"
)

// Batch is a batch as a person sees it, with what they may do to it.
type Batch struct {
	store.SubsidyBatch
	// TrailOnly: p audits the trail and does not see the lines.
	TrailOnly bool
	CanEdit   bool // the committee may recompute, exclude, submit
	CanDecide bool // the justice officer may approve or return
	CanPay    bool // record the payment
	CanAdjust bool // an adjusting batch may be generated
	// PaidByName is who recorded the payment (from the trail; "" before).
	PaidByName string
	Summary    []subsidy.Summary
	// Gates counts the failures per gate, in gate order.
	Gates []GateCount
}

// GateCount is how many cases failed one gate.
type GateCount struct {
	Gate, Label string
	N           int
}

// Included are the lines not excluded.
func (b Batch) Included() []store.SubsidyLine {
	var out []store.SubsidyLine
	for _, l := range b.Lines {
		if !l.Excluded {
			out = append(out, l)
		}
	}
	return out
}

// StatusLabel names the batch's status.
func (b Batch) StatusLabel() string { return StatusLabel(b.Status) }

// KindLabel names the batch's kind.
func (b Batch) KindLabel() string { return KindLabel(b.Kind) }

// Title is e.g. "浦东新区消费纠纷人民调解委员会 2026-10 个案补贴（月度）".
func (b Batch) Title() string {
	return fmt.Sprintf("%s %s 个案补贴（%s）", b.CommitteeName, b.Period, b.KindLabel())
}

func (s *Service) view(ctx context.Context, p *auth.Principal, b store.SubsidyBatch) Batch {
	v := Batch{SubsidyBatch: b}
	v.TrailOnly = !(p.Reaches(domain.PermSubsidyRead, b.CommitteePath) && !onlyOwnLines(p))
	if v.TrailOnly {
		v.Lines, v.Failures = nil, nil
	}
	ed := b.Status == store.SubsidyDraft || b.Status == store.SubsidyReturned
	v.CanEdit = ed && p.Reaches(domain.PermSubsidyDraft, b.CommitteePath)
	v.CanDecide = b.Status == store.SubsidySubmitted && p.Reaches(domain.PermSubsidyApprove, b.CommitteePath) && b.SubmittedBy != p.UserID
	v.CanPay = b.Status == store.SubsidyApproved && p.Reaches(domain.PermSubsidyApprove, b.CommitteePath)
	v.CanAdjust = b.Kind == "regular" && (b.Status == store.SubsidyApproved || b.Status == store.SubsidyPaidState) &&
		p.Reaches(domain.PermSubsidyDraft, b.CommitteePath)
	var included []subsidy.Line
	for _, l := range v.Included() {
		included = append(included, subsidy.Line{MediatorID: l.MediatorID, MediatorName: l.MediatorName, RoomName: l.RoomName, Fen: l.AmountFen})
	}
	v.Summary = subsidy.ByMediator(included)
	if b.PaidBy != 0 {
		for _, e := range b.Trail {
			if e.ActorID == b.PaidBy && e.Action == "登记支付" {
				v.PaidByName = e.ActorName
			}
		}
	}
	n := map[string]int{}
	for _, f := range v.Failures {
		n[f.Gate]++
	}
	for _, g := range subsidy.Gates {
		if n[g] > 0 {
			v.Gates = append(v.Gates, GateCount{Gate: g, Label: subsidy.GateLabel(g), N: n[g]})
		}
	}
	return v
}

// SchemeView is the scheme versions of a committee's district.
type SchemeView struct {
	District  store.OrgUnit
	Committee store.OrgUnit
	Versions  []subsidy.Scheme // by effective date
	Current   subsidy.Scheme   // in force today
	Stored    bool             // false: the illustrative default
	CanEdit   bool
	Cutoff    string // this month's cut-off day
	// Latest is the latest month whose cut-off has passed: the one to settle.
	Latest string
}

// Scheme reads the scheme in force for a committee (unit "": the first p reads).
func (s *Service) Scheme(ctx context.Context, p *auth.Principal, unit string) (SchemeView, error) {
	c, err := s.someCommittee(ctx, p, unit)
	if err != nil {
		return SchemeView{}, err
	}
	versions, d, err := s.schemes(ctx, c)
	if err != nil {
		return SchemeView{}, err
	}
	rows, err := s.Store.ListSubsidySchemes(ctx, d.ID)
	if err != nil {
		return SchemeView{}, err
	}
	cur, _ := subsidy.InForce(versions, s.today().String())
	if cur.Version == "" {
		cur = versions[0]
	}
	today := s.today()
	cut, _ := subsidy.CutoffDate(versions, today.String()[:7])
	latest := today.String()[:7]
	if today.String() <= cut {
		latest = today.Time().AddDate(0, 0, -today.Time().Day()).Format("2006-01")
	}
	return SchemeView{District: d, Committee: c, Versions: versions, Current: cur, Stored: len(rows) > 0,
		CanEdit: p.Reaches(domain.PermSubsidyScheme, d.Path), Cutoff: cut, Latest: latest}, nil
}

// someCommittee is the committee named by code, or the first p reads.
func (s *Service) someCommittee(ctx context.Context, p *auth.Principal, unit string) (store.OrgUnit, error) {
	if strings.TrimSpace(unit) != "" {
		c, err := s.committee(ctx, p, unit, domain.PermSubsidyRead)
		if err == nil || !errors.Is(err, errNoCommittee) || !p.Can(domain.PermSubsidyScheme) {
			return c, err
		}
	}
	perms := []domain.Permission{domain.PermSubsidyRead, domain.PermSubsidyScheme, domain.PermSubsidyTrail}
	for _, perm := range perms {
		cs, err := s.committees(ctx, p, perm)
		if err != nil {
			return store.OrgUnit{}, err
		}
		for _, c := range cs {
			if unit == "" || c.Code == unit {
				return c, nil
			}
		}
	}
	// A room lead reaches their rooms only: the committee above them is
	// theirs for the scheme and the difficulty queue.
	all, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return store.OrgUnit{}, err
	}
	byID := map[int64]store.OrgUnit{}
	for _, u := range all {
		byID[u.ID] = u
	}
	for _, u := range all {
		if c, ok := byID[u.ParentID]; ok && u.Kind.IsRoom() && c.Kind == domain.OrgCommittee && (unit == "" || c.Code == unit) &&
			p.Reaches(domain.PermSubsidyDifficulty, u.Path) {
			return c, nil
		}
	}
	return store.OrgUnit{}, errNoCommittee
}

// SaveScheme adds a version of the district's scheme (the justice bureau).
// A version takes effect on its date; one already stored cannot change.
func (s *Service) SaveScheme(ctx context.Context, p *auth.Principal, unit string, sc subsidy.Scheme) (SchemeView, error) {
	c, err := s.someCommittee(ctx, p, unit)
	if err != nil {
		return SchemeView{}, err
	}
	d, err := s.district(ctx, c)
	if err != nil {
		return SchemeView{}, err
	}
	if !p.Reaches(domain.PermSubsidyScheme, d.Path) {
		return SchemeView{}, access.Forbidden("补贴方案由区司法局设定")
	}
	sc.Version, sc.EffectiveFrom, sc.Example = strings.TrimSpace(sc.Version), strings.TrimSpace(sc.EffectiveFrom), false
	if ps := sc.Validate(); len(ps) > 0 {
		ve := &access.ValidationError{}
		for _, pr := range ps {
			ve.Fields = append(ve.Fields, &domain.FieldError{Field: pr.Field, Message: pr.Message})
		}
		return SchemeView{}, ve
	}
	// A settled month must keep the rules it was settled under.
	if sc.EffectiveFrom <= s.lastSettledDay(ctx, d) {
		return SchemeView{}, invalid("effective_from", "生效日期不能早于已审核批次覆盖的结案日期（已结算月份的规则不能追溯修改）")
	}
	body, err := json.Marshal(sc)
	if err != nil {
		return SchemeView{}, fmt.Errorf("encode scheme: %w", err)
	}
	err = s.Store.AddSubsidyScheme(ctx, store.SubsidyScheme{UnitID: d.ID, Version: sc.Version, EffectiveFrom: sc.EffectiveFrom,
		Body: string(body), CreatedBy: p.UserID, Created: s.now().UTC()})
	if errors.Is(err, store.ErrConflict) {
		return SchemeView{}, invalid("version", "版本号 "+sc.Version+" 已存在，请使用新的版本号")
	}
	if err != nil {
		return SchemeView{}, fmt.Errorf("store scheme: %w", err)
	}
	return s.Scheme(ctx, p, c.Code)
}

// lastSettledDay is the latest window end of an approved batch of any
// committee under the district ("" when none).
func (s *Service) lastSettledDay(ctx context.Context, d store.OrgUnit) string {
	units, err := s.Store.OrgUnitsUnder(ctx, d.Path)
	if err != nil {
		return ""
	}
	var ids []int64
	for _, u := range units {
		if u.Kind == domain.OrgCommittee {
			ids = append(ids, u.ID)
		}
	}
	bs, err := s.Store.ListSubsidyBatches(ctx, ids, 1000)
	if err != nil {
		return ""
	}
	last := ""
	for _, b := range bs {
		if (b.Status == store.SubsidyApproved || b.Status == store.SubsidyPaidState) && b.WindowTo > last {
			last = b.WindowTo
		}
	}
	return last
}

// DifficultyRow is a closed case of a window with its proposed and confirmed difficulty.
type DifficultyRow struct {
	CaseID                   int64
	Number                   string
	RoomName                 string
	ClosureDay               string
	Outcome                  string
	ClaimFen                 int64
	Parties, Sessions        int
	Proposed                 subsidy.Difficulty
	ProposedWhy              string
	Confirmed                subsidy.Difficulty // "" until confirmed
	ConfirmedBy, ConfirmedAt string
	Note                     string
}

// DifficultyQueue lists the agreed or terminated cases closed in the
// period's window in rooms where p confirms difficulties.
func (s *Service) DifficultyQueue(ctx context.Context, p *auth.Principal, unit, period string) ([]DifficultyRow, store.OrgUnit, error) {
	c, err := s.someCommittee(ctx, p, unit)
	if err != nil {
		return nil, c, err
	}
	if !p.Can(domain.PermSubsidyDifficulty) {
		return nil, c, access.ErrForbidden
	}
	schemes, _, err := s.schemes(ctx, c)
	if err != nil {
		return nil, c, err
	}
	from, to, err := subsidy.Window(schemes, period)
	if err != nil {
		return nil, c, invalid("period", "结算月份须为 YYYY-MM")
	}
	if s.CatchUp != nil {
		if _, err := s.CatchUp(ctx); err != nil {
			return nil, c, err
		}
	}
	facts, err := s.Store.EvalFacts(ctx, store.EvalFactQuery{Committees: []int64{c.ID}, Day: "closure", From: from, To: to})
	if err != nil {
		return nil, c, err
	}
	var ids []int64
	for _, f := range facts {
		if f.Outcome == "agreed" || f.Outcome == "not_agreed" {
			ids = append(ids, f.CaseID)
		}
	}
	rows, err := s.Store.SubsidyCases(ctx, ids)
	if err != nil {
		return nil, c, err
	}
	diffs, err := s.Store.CaseDifficulties(ctx, ids)
	if err != nil {
		return nil, c, err
	}
	units, err := s.Store.OrgUnitsUnder(ctx, c.Path) // the rooms of the committee's cases
	if err != nil {
		return nil, c, err
	}
	paths := map[int64]string{}
	for _, u := range units {
		paths[u.ID] = u.Path
	}
	var out []DifficultyRow
	for _, f := range facts {
		row, ok := rows[f.CaseID]
		if !ok || !p.Reaches(domain.PermSubsidyDifficulty, paths[row.RoomID]) {
			continue
		}
		sc, _ := subsidy.InForce(schemes, f.ClosureDay)
		prop, why := sc.Difficulty.Propose(row.ClaimFen, row.Parties, row.Sessions)
		r := DifficultyRow{CaseID: f.CaseID, Number: row.Number, RoomName: row.RoomName, ClosureDay: f.ClosureDay, Outcome: f.Outcome,
			ClaimFen: row.ClaimFen, Parties: row.Parties, Sessions: row.Sessions, Proposed: prop, ProposedWhy: why}
		if d, ok := diffs[f.CaseID]; ok {
			r.Confirmed, r.ConfirmedBy, r.Note = subsidy.Difficulty(d.Level), d.ByName, d.Note
			r.ConfirmedAt = calendar.DateOf(d.ConfirmedAt).String()
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if (out[i].Confirmed == "") != (out[j].Confirmed == "") {
			return out[i].Confirmed == ""
		}
		return out[i].ClosureDay < out[j].ClosureDay || out[i].ClosureDay == out[j].ClosureDay && out[i].CaseID < out[j].CaseID
	})
	return out, c, nil
}

// ConfirmDifficulty records the room lead's difficulty of a closed case
// (the rules' proposal is kept beside it). Once the case is on an approved
// line its difficulty no longer changes.
func (s *Service) ConfirmDifficulty(ctx context.Context, p *auth.Principal, caseID int64, level, note string) error {
	d := subsidy.Difficulty(strings.TrimSpace(level))
	if !d.Valid() {
		return invalid("level", "难易程度须为简易、一般或疑难复杂")
	}
	note = strings.TrimSpace(note)
	if len([]rune(note)) > 200 {
		return invalid("note", "说明不超过200字")
	}
	cs, err := s.Store.GetCase(ctx, caseID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !p.CanOnCase(domain.PermSubsidyDifficulty, cs)) {
		return access.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("get case %d: %w", caseID, err)
	}
	if s.CatchUp != nil {
		if _, err := s.CatchUp(ctx); err != nil {
			return fmt.Errorf("bring evaluation facts up to date: %w", err)
		}
	}
	facts, err := s.Store.EvalFactsOf(ctx, []int64{caseID})
	if err != nil {
		return fmt.Errorf("facts of case %d: %w", caseID, err)
	}
	closure := facts[caseID].ClosureDay
	if closure == "" {
		return access.Conflict("案件尚未办结，办结后再确认难易程度")
	}
	paid, err := s.Store.SubsidyPaid(ctx, cs.CommitteeID, []int64{caseID})
	if err != nil {
		return err
	}
	if pc, ok := paid[caseID]; ok {
		return access.Conflict("该案已在 " + pc.Period + " 批次审核通过，难易程度不能再改")
	}
	c, err := s.Store.GetOrgUnit(ctx, cs.CommitteeID)
	if err != nil {
		return err
	}
	schemes, _, err := s.schemes(ctx, c)
	if err != nil {
		return err
	}
	rows, err := s.Store.SubsidyCases(ctx, []int64{caseID})
	if err != nil {
		return err
	}
	sc, _ := subsidy.InForce(schemes, closure)
	prop, why := sc.Difficulty.Propose(cs.ClaimFen, rows[caseID].Parties, rows[caseID].Sessions)
	if d != prop && len([]rune(note)) < 2 {
		return invalid("note", "与系统建议（"+prop.Label()+"）不同，须说明理由")
	}
	return s.Store.PutCaseDifficulty(ctx, store.CaseDifficulty{CaseID: caseID, Proposed: string(prop), ProposedWhy: why, Level: string(d),
		Note: note, ConfirmedBy: p.UserID, ConfirmedAt: s.now().UTC()})
}

// Current are the failures of cases closed in the batch's window.
func (b Batch) Current() []Failure {
	var out []Failure
	for _, f := range b.Failures {
		if f.ClosureDay >= b.WindowFrom {
			out = append(out, f)
		}
	}
	return out
}

// Carried are the failures of cases closed in earlier months, tried again
// because the gate they failed can still be met.
func (b Batch) Carried() []Failure {
	var out []Failure
	for _, f := range b.Failures {
		if f.ClosureDay < b.WindowFrom {
			out = append(out, f)
		}
	}
	return out
}

// CaseView is a case's subsidy as its case page shows it: its difficulty
// and what each batch made of it.
type CaseView struct {
	Difficulty  subsidy.Difficulty // confirmed, or "" with Proposed
	Proposed    subsidy.Difficulty
	ProposedWhy string
	ByName      string
	CanConfirm  bool
	Lines       []Line
	Failures    []Failure
}

// ForCase is a case's subsidy for p: shown to who reads the committee's
// batches and to the presiding mediator; ok false for anyone else.
func (s *Service) ForCase(ctx context.Context, p *auth.Principal, c store.Case) (CaseView, bool, error) {
	cmt, err := s.Store.GetOrgUnit(ctx, c.CommitteeID)
	if err != nil {
		return CaseView{}, false, fmt.Errorf("committee of case: %w", err)
	}
	mine := c.PresidingID != 0 && c.PresidingID == p.UserID && p.Can(domain.PermSubsidyRead)
	if !mine && !(CanSeeBatches(p) && p.CanOnCase(domain.PermSubsidyRead, c)) {
		return CaseView{}, false, nil
	}
	// One statement for the difficulty, closure and counts; the batch lines
	// and failures only when there are some (most cases are on no batch).
	f, err := s.Store.CaseSubsidyFacts(ctx, c.ID)
	if err != nil {
		return CaseView{}, false, err
	}
	var v CaseView
	if f.HasLines || f.HasFailures {
		if v.Lines, v.Failures, err = s.Store.CaseSubsidy(ctx, c.ID); err != nil {
			return v, false, err
		}
	}
	if mine && !CanSeeBatches(p) {
		// The mediator sees batches past draft only, as 我的补贴 does.
		v.Lines = slices.DeleteFunc(v.Lines, func(l Line) bool { return l.Status == store.SubsidyDraft })
		v.Failures = slices.DeleteFunc(v.Failures, func(f Failure) bool { return f.Status == store.SubsidyDraft })
	}
	if f.Difficulty.CaseID != 0 {
		v.Difficulty, v.ByName = subsidy.Difficulty(f.Difficulty.Level), f.Difficulty.ByName
	}
	if f.ClosureDay != "" {
		schemes, _, err := s.schemes(ctx, cmt)
		if err != nil {
			return v, false, err
		}
		sc, _ := subsidy.InForce(schemes, f.ClosureDay)
		v.Proposed, v.ProposedWhy = sc.Difficulty.Propose(c.ClaimFen, f.Parties, f.HeldSessions)
		v.CanConfirm = p.CanOnCase(domain.PermSubsidyDifficulty, c)
	}
	return v, true, nil
}
