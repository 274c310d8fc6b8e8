// Package settlement is the per-case subsidy capability (个案补贴): the
// district's scheme, the room lead's confirmation of each closed case's
// difficulty, and the committee's monthly batch — generated from the
// evaluation facts of the cases closed in the month's window (and those
// of earlier months still waiting on a gate), excluded from line by line,
// submitted, approved or returned by the justice role, frozen, paid. The
// rules are internal/subsidy's; this package loads, scopes and stores.
package settlement

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/subsidy"
)

// Service runs the subsidies.
type Service struct {
	Store store.Store
	// CatchUp brings the evaluation facts up to date before a batch reads
	// them (the scorecard's); nil reads them as they are.
	CatchUp func(ctx context.Context) (int, error)
	// SyncRequired is whether the link to the smart-mediation platform is
	// on: a case must then be accepted by the platform to be paid.
	SyncRequired bool
	// SyncSince is the day the link went live: cases closed before it are
	// not asked for a sync ("" : every case is).
	SyncSince string
	Now       func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) today() calendar.Date { return calendar.DateOf(s.now()) }

var (
	errNoBatch     = access.NotFound("补贴批次不存在或无权查看")
	errNoCommittee = access.NotFound("调委会不存在或无权查看")
	errBusy        = access.Conflict("该批次刚被他人处理，请刷新后查看最新状态")
)

// Kind labels.
var kindLabels = map[string]string{"regular": "月度", "adjust": "调整"}

// StatusLabel names a batch status.
func StatusLabel(s string) string {
	return map[string]string{store.SubsidyDraft: "草稿", store.SubsidySubmitted: "已提交待审核", store.SubsidyReturned: "已退回",
		store.SubsidyApproved: "已审核通过", store.SubsidyPaidState: "已支付"}[s]
}

// KindLabel names a batch kind.
func KindLabel(k string) string { return kindLabels[k] }

// committees are the committees where p holds perm, by path.
func (s *Service) committees(ctx context.Context, p *auth.Principal, perm domain.Permission) ([]store.OrgUnit, error) {
	units, err := auth.Reached(ctx, s.Store, p, perm)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(units, func(u store.OrgUnit) bool { return u.Kind != domain.OrgCommittee }), nil
}

// Committees are the committees whose batches p reads.
func (s *Service) Committees(ctx context.Context, p *auth.Principal) ([]store.OrgUnit, error) {
	return s.committees(ctx, p, domain.PermSubsidyRead)
}

// committee finds a committee by code where p holds perm.
func (s *Service) committee(ctx context.Context, p *auth.Principal, code string, perm domain.Permission) (store.OrgUnit, error) {
	u, err := s.Store.GetOrgUnitByCode(ctx, strings.TrimSpace(code))
	if errors.Is(err, store.ErrNotFound) || (err == nil && (u.Kind != domain.OrgCommittee || !p.Reaches(domain.PermSubsidyRead, u.Path))) {
		return store.OrgUnit{}, errNoCommittee
	}
	if err != nil {
		return u, fmt.Errorf("find committee %q: %w", code, err)
	}
	if !p.Reaches(perm, u.Path) {
		return u, access.ErrForbidden
	}
	return u, nil
}

// district is the unit whose scheme applies to a committee: its district
// (the nearest ancestor of that kind), or the committee itself.
func (s *Service) district(ctx context.Context, u store.OrgUnit) (store.OrgUnit, error) {
	cur := u
	for cur.ParentID != 0 {
		parent, err := s.Store.GetOrgUnit(ctx, cur.ParentID)
		if err != nil {
			return u, fmt.Errorf("find district of %s: %w", u.Code, err)
		}
		if parent.Kind == domain.OrgDistrict {
			return parent, nil
		}
		cur = parent
	}
	return u, nil
}

// schemes are the versions in force under a committee's district; the
// illustrative default (示例) when the district has set none.
func (s *Service) schemes(ctx context.Context, committee store.OrgUnit) ([]subsidy.Scheme, store.OrgUnit, error) {
	d, err := s.district(ctx, committee)
	if err != nil {
		return nil, d, err
	}
	rows, err := s.Store.ListSubsidySchemes(ctx, d.ID)
	if err != nil {
		return nil, d, fmt.Errorf("list subsidy schemes: %w", err)
	}
	var out []subsidy.Scheme
	for _, r := range rows {
		var sc subsidy.Scheme
		if err := json.Unmarshal([]byte(r.Body), &sc); err != nil {
			return nil, d, fmt.Errorf("decode subsidy scheme %s: %w", r.Version, err)
		}
		out = append(out, sc)
	}
	if len(out) == 0 {
		out = []subsidy.Scheme{subsidy.Default()}
	}
	return out, d, nil
}

// getBatch reads a batch p may see with perm.
func (s *Service) getBatch(ctx context.Context, p *auth.Principal, id int64, perm domain.Permission) (store.SubsidyBatch, error) {
	b, err := s.Store.GetSubsidyBatch(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return b, errNoBatch
	}
	if err != nil {
		return b, fmt.Errorf("get subsidy batch %d: %w", id, err)
	}
	visible := (p.Reaches(domain.PermSubsidyRead, b.CommitteePath) && !onlyOwnLines(p)) || p.Reaches(domain.PermSubsidyTrail, b.CommitteePath)
	if !visible {
		return b, errNoBatch
	}
	if !p.Reaches(perm, b.CommitteePath) {
		return b, access.ErrForbidden
	}
	return b, nil
}

// onlyOwnLines: p reads subsidies only as a mediator (their own lines).
func onlyOwnLines(p *auth.Principal) bool {
	for _, b := range p.Bindings {
		if b.Role != domain.RoleMediator && domain.RoleHas(b.Role, domain.PermSubsidyRead) {
			return false
		}
	}
	return true
}

// CanSeeBatches reports whether p reads whole batches (not only their own lines).
func CanSeeBatches(p *auth.Principal) bool {
	return p.Can(domain.PermSubsidyRead) && !onlyOwnLines(p)
}

// trail is the entry for a step p takes.
func (s *Service) trail(p *auth.Principal, action, note string) store.SubsidyTrail {
	role := ""
	for _, b := range p.Bindings {
		role = b.Role.Label()
		break
	}
	for _, r := range []domain.Role{domain.RoleJustice, domain.RoleCommittee} {
		if p.Has(r) {
			role = r.Label()
			break
		}
	}
	name := p.DisplayName
	if name == "" {
		name = p.Username
	}
	return store.SubsidyTrail{Action: action, ActorID: p.UserID, ActorName: name, ActorRole: role, At: s.now().UTC(), Note: note}
}

// candidates are the cases a batch of the period looks at: closed in its
// window, plus those of the twelve earlier months that failed a gate that
// can still be met and were not paid since.
func (s *Service) candidates(ctx context.Context, committee store.OrgUnit, period, from, to string) (map[int64]store.EvalFact, map[int64]bool, error) {
	if s.CatchUp != nil {
		if _, err := s.CatchUp(ctx); err != nil {
			return nil, nil, fmt.Errorf("bring evaluation facts up to date: %w", err)
		}
	}
	facts, err := s.Store.EvalFacts(ctx, store.EvalFactQuery{Committees: []int64{committee.ID}, Day: "closure", From: from, To: to})
	if err != nil {
		return nil, nil, fmt.Errorf("cases closed %s..%s: %w", from, to, err)
	}
	out := map[int64]store.EvalFact{}
	for _, f := range facts {
		out[f.CaseID] = f
	}
	m, _ := time.Parse("2006-01", period)
	carried, err := s.Store.SubsidyPendingCases(ctx, committee.ID, m.AddDate(-1, 0, 0).Format("2006-01"), m.AddDate(0, -1, 0).Format("2006-01"))
	if err != nil {
		return nil, nil, err
	}
	var more []int64
	for _, id := range carried {
		if _, ok := out[id]; !ok {
			more = append(more, id)
		}
	}
	isCarried := map[int64]bool{}
	if len(more) > 0 {
		fs, err := s.Store.EvalFactsOf(ctx, more)
		if err != nil {
			return nil, nil, fmt.Errorf("facts of carried cases: %w", err)
		}
		for id, f := range fs {
			if f.CommitteeID == committee.ID && f.ClosureDay != "" && f.ClosureDay < from {
				out[id] = f
				isCarried[id] = true
			}
		}
	}
	return out, isCarried, nil
}

// compute settles a committee's period as things stand now.
func (s *Service) compute(ctx context.Context, committee store.OrgUnit, period string, adjust bool, batchID int64) (subsidy.Result, string, string, error) {
	schemes, _, err := s.schemes(ctx, committee)
	if err != nil {
		return subsidy.Result{}, "", "", err
	}
	from, to, err := subsidy.Window(schemes, period)
	if err != nil {
		return subsidy.Result{}, "", "", err
	}
	facts, carried, err := s.candidates(ctx, committee, period, from, to)
	if err != nil {
		return subsidy.Result{}, "", "", err
	}
	cases, err := s.subsidyCases(ctx, committee, schemes, facts, carried)
	if err != nil {
		return subsidy.Result{}, "", "", err
	}
	paid, err := s.Store.SubsidyPaid(ctx, committee.ID, keys(facts))
	if err != nil {
		return subsidy.Result{}, "", "", err
	}
	groupPaid := map[int64]string{}
	for i := range cases {
		if pc, ok := paid[cases[i].ID]; ok && (!adjust || pc.Period != period) {
			cases[i].PaidIn = pc.Period
			if cases[i].GroupID != 0 {
				groupPaid[cases[i].GroupID] = pc.Period
			}
		}
	}
	for i := range cases {
		if cases[i].GroupID != 0 && cases[i].PaidIn == "" {
			cases[i].GroupPaidIn = groupPaid[cases[i].GroupID]
		}
	}
	m, _ := time.Parse("2006-01", period)
	spent, err := s.Store.SubsidySpent(ctx, committee.ID, m.Year(), batchID)
	if err != nil {
		return subsidy.Result{}, "", "", err
	}
	res := subsidy.Settle(subsidy.Batch{Period: period, Schemes: schemes, BudgetUsedFen: spent}, cases)
	if adjust {
		already := map[int64]int64{}
		for id, pc := range paid {
			if pc.Period == period {
				already[id] = pc.Fen
			}
		}
		res = subsidy.Adjust(already, res)
	}
	return res, from, to, nil
}

func keys[V any](m map[int64]V) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// subsidyCases joins each candidate's facts with what the gates need.
func (s *Service) subsidyCases(ctx context.Context, committee store.OrgUnit, schemes []subsidy.Scheme, facts map[int64]store.EvalFact, carried map[int64]bool) ([]subsidy.Case, error) {
	ids := keys(facts)
	rows, err := s.Store.SubsidyCases(ctx, ids)
	if err != nil {
		return nil, err
	}
	diffs, err := s.Store.CaseDifficulties(ctx, ids)
	if err != nil {
		return nil, err
	}
	var mediators []int64
	seen := map[int64]bool{}
	decoded := map[int64]evaluation.Facts{}
	for _, id := range ids {
		var f evaluation.Facts
		if err := json.Unmarshal([]byte(facts[id].Facts), &f); err != nil {
			return nil, fmt.Errorf("decode facts of case %d: %w", id, err)
		}
		decoded[id] = f
		if f.PresidingID != 0 && !seen[f.PresidingID] {
			seen[f.PresidingID] = true
			mediators = append(mediators, f.PresidingID)
		}
	}
	recs, err := s.Store.ListMediatorRecords(ctx, mediators)
	if err != nil {
		return nil, fmt.Errorf("mediator registry: %w", err)
	}
	reg := map[int64]store.MediatorRecord{}
	for _, r := range recs {
		reg[r.UserID] = r
	}
	names := map[int64]string{}
	for _, id := range mediators {
		u, err := s.Store.GetUser(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("mediator %d: %w", id, err)
		}
		names[id] = u.DisplayName
	}
	out := make([]subsidy.Case, 0, len(ids))
	for _, id := range ids {
		f, row := decoded[id], rows[id]
		c := subsidy.Case{ID: id, Number: row.Number, MediatorID: f.PresidingID, MediatorName: names[f.PresidingID],
			RoomID: row.RoomID, RoomName: row.RoomName, ClosureDay: facts[id].ClosureDay, Carried: carried[id],
			Outcome: string(f.Outcome), MediationBegan: f.MediationBegan, AgreementForm: f.AgreementForm, Performed: f.Performed,
			JudicialConfirmed: f.JudicialConfirmed, Archived: f.Archived, DossierComplete: row.HasArchive, FollowUpDone: f.FollowUpDone,
			SyncRequired: s.SyncRequired && facts[id].ClosureDay >= s.SyncSince, Synced: row.SyncState == store.SmartSynced, MergedInto: row.MergedInto,
			GroupID: row.GroupID, GroupTitle: row.GroupTitle}
		if d, ok := diffs[id]; ok {
			c.Difficulty, c.DifficultyConfirmed = subsidy.Difficulty(d.Level), true
		} else if sc, ok := subsidy.InForce(schemes, c.ClosureDay); ok {
			c.Difficulty, _ = sc.Difficulty.Propose(row.ClaimFen, row.Parties, row.Sessions)
		}
		if r, ok := reg[f.PresidingID]; ok {
			c.PayeeRegistered, c.Grade, c.Employment = true, r.Grade, r.Employment
		}
		out = append(out, c)
	}
	return out, nil
}

// toLines maps the rules' result onto stored rows.
func toLines(r subsidy.Result) ([]store.SubsidyLine, []store.SubsidyFailure) {
	ls := make([]store.SubsidyLine, 0, len(r.Lines))
	for _, l := range r.Lines {
		ls = append(ls, store.SubsidyLine{CaseID: l.CaseID, CaseNumber: l.Number, MediatorID: l.MediatorID, MediatorName: l.MediatorName,
			RoomID: l.RoomID, RoomName: l.RoomName, ClosureDay: l.ClosureDay, SchemeVersion: l.SchemeVersion, Rule: l.Rule,
			Difficulty: string(l.Difficulty), BaseFen: l.BaseFen, JudicialFen: l.JudicialFen, Percent: l.Percent, CutFen: l.CutFen,
			AmountFen: l.Fen, Explanation: l.Explanation})
	}
	fs := make([]store.SubsidyFailure, 0, len(r.Failed))
	for _, f := range r.Failed {
		fs = append(fs, store.SubsidyFailure{CaseID: f.CaseID, CaseNumber: f.Number, MediatorID: f.MediatorID, MediatorName: f.MediatorName,
			RoomName: f.RoomName, ClosureDay: f.ClosureDay, Gate: f.Gate, Reason: f.Reason, Pending: f.Pending})
	}
	return ls, fs
}
