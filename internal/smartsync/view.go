package smartsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/smartmediation"
	"github.com/tiaojie/tiaojie/internal/store"
)

// committees are the committees where p holds perm (a binding at or above
// the committee; a room's staff do not manage the committee's sync).
func (s *Service) committees(ctx context.Context, p *auth.Principal, perm domain.Permission) ([]store.OrgUnit, error) {
	if p == nil || !p.Can(perm) {
		return nil, access.Forbidden("无权查看智慧调解平台同步")
	}
	committees, err := s.Store.OrgUnitsOfKind(ctx, domain.OrgCommittee)
	if err != nil {
		return nil, fmt.Errorf("list committees: %w", err)
	}
	var out []store.OrgUnit
	for _, u := range committees {
		for _, pre := range p.Scope(perm).Prefixes {
			if strings.HasPrefix(u.Path, pre) {
				out = append(out, u)
				break
			}
		}
	}
	if len(out) == 0 {
		return nil, access.Forbidden("无权查看智慧调解平台同步")
	}
	return out, nil
}

// CommitteeView is one committee's sync at a glance.
type CommitteeView struct {
	Unit           store.OrgUnit
	Counts         map[string]int
	Reconciliation *store.Reconciliation
	Mismatches     []smartmediation.Mismatch
}

// Overview is the sync page.
type Overview struct {
	On         bool
	URL        string
	Committees []CommitteeView
	Rows       store.Page[store.SmartSync]
	Total      int // the state's cases (every state's: all), from the committees' counts
	State      string
}

// StateLabel names a sync state.
func StateLabel(s string) string {
	return map[string]string{store.SmartSynced: "已同步", store.SmartRetrying: "重试中", store.SmartFailed: "同步失败",
		store.SmartRejected: "数据被退回", store.SmartConflict: "平台已有同一纠纷", store.SmartSkipped: "不报送"}[s]
}

// States lists the states in display order.
var States = []string{store.SmartSynced, store.SmartRetrying, store.SmartFailed, store.SmartRejected, store.SmartConflict, store.SmartSkipped}

// Row is one case as sent to the platform, as the sync page lists it.
type Row = store.SmartSync

// ParsePaging reads the sync page's after and limit (store.ParseListParams);
// msg says in Chinese what is wrong. The state is Overview's to check.
func ParsePaging(v url.Values) (store.Paging, string) {
	_, p, msg := store.ParseListParams(v)
	return p, msg
}

// Overview is what p may see of the sync, filtered by state, with a page
// of its cases.
func (s *Service) Overview(ctx context.Context, p *auth.Principal, state string, page store.Paging) (Overview, error) {
	cs, err := s.committees(ctx, p, domain.PermSyncRead)
	if err != nil {
		return Overview{}, err
	}
	if state != "" && StateLabel(state) == "" {
		return Overview{}, &access.ValidationError{Fields: []*domain.FieldError{{Field: "state", Message: "同步状态不正确"}}}
	}
	ov := Overview{On: s.On(), URL: s.Link.URL, State: state}
	var ids []int64
	for _, c := range cs {
		ids = append(ids, c.ID)
		counts, err := s.Store.SmartSyncCounts(ctx, []int64{c.ID})
		if err != nil {
			return ov, err
		}
		cv := CommitteeView{Unit: c, Counts: counts}
		for st, n := range counts {
			if state == "" || st == state {
				ov.Total += n
			}
		}
		r, err := s.Store.LatestReconciliation(ctx, c.ID)
		switch {
		case err == nil:
			cv.Reconciliation = &r
			if err := json.Unmarshal([]byte(r.Mismatches), &cv.Mismatches); err != nil {
				return ov, fmt.Errorf("reconciliation %d: %w", r.ID, err)
			}
		case !errors.Is(err, store.ErrNotFound):
			return ov, err
		}
		ov.Committees = append(ov.Committees, cv)
	}
	ov.Rows, err = s.Store.ListSmartSync(ctx, store.SmartSyncQuery{CommitteeIDs: ids, State: state, Paging: page})
	return ov, err
}

// CaseState is the sync state of one case p may read ("" state: never sent).
func (s *Service) CaseState(ctx context.Context, caseID int64) (store.SmartSync, error) {
	r, err := s.Store.GetSmartSync(ctx, caseID)
	if errors.Is(err, store.ErrNotFound) {
		return store.SmartSync{}, nil
	}
	return r, err
}

// Resync queues one case of p's committees again.
func (s *Service) Resync(ctx context.Context, p *auth.Principal, caseID int64) error {
	cs, err := s.committees(ctx, p, domain.PermSyncManage)
	if err != nil {
		return err
	}
	c, err := s.Store.GetCase(ctx, caseID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !holds(cs, c.CommitteeID)) {
		return access.ErrNotFound
	}
	if err != nil {
		return err
	}
	if !s.On() {
		return access.Conflict("未开启与智慧调解平台的对接，无法同步；可导出 Excel 报送")
	}
	return s.Queue(ctx, caseID)
}

// StartBackfill sends every accepted, unsynced case of a committee of p's.
func (s *Service) StartBackfill(ctx context.Context, p *auth.Principal, committeeID int64) error {
	cs, err := s.committees(ctx, p, domain.PermSyncManage)
	if err != nil {
		return err
	}
	if !holds(cs, committeeID) {
		return access.NotFound("调委会不存在或无权操作")
	}
	if !s.On() {
		return access.Conflict("未开启与智慧调解平台的对接，无法同步；可导出 Excel 报送")
	}
	return s.Backfill(ctx, committeeID)
}

func holds(cs []store.OrgUnit, id int64) bool {
	for _, c := range cs {
		if c.ID == id {
			return true
		}
	}
	return false
}

// ReconcileAll compares every committee's synced cases with what the
// platform holds and stores a report per committee.
func (s *Service) ReconcileAll(ctx context.Context) (int, error) {
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, u := range units {
		if u.Kind != domain.OrgCommittee {
			continue
		}
		r, err := s.Reconcile(ctx, u)
		if err != nil {
			return total, err
		}
		total += r
	}
	return total, nil
}

// Reconcile compares one committee and stores the report; it returns the
// number of mismatches. A platform that cannot be read is recorded as such.
func (s *Service) Reconcile(ctx context.Context, committee store.OrgUnit) (int, error) {
	rows, err := s.Store.SyncedCases(ctx, committee.ID)
	if err != nil {
		return 0, err
	}
	ours := make([]smartmediation.Ours, len(rows))
	for i, r := range rows {
		ours[i] = smartmediation.Ours{CaseCode: r.CaseCode, PlatformID: r.PlatformID, Digest: r.Digest}
	}
	rep := store.Reconciliation{CommitteeID: committee.ID, At: s.now(), Ours: len(ours), Mismatches: "[]"}
	theirs, err := s.client(committee.Code).ListCases(ctx, committee.Code)
	var mm []smartmediation.Mismatch
	if err != nil {
		rep.Error = "读取智慧调解平台失败：" + err.Error()
	} else {
		rep.Theirs = len(theirs)
		mm = smartmediation.Reconcile(ours, theirs)
		b, err := json.Marshal(mm)
		if err != nil {
			return 0, err
		}
		rep.Mismatches = string(b)
	}
	if _, err := s.Store.AddReconciliation(ctx, rep); err != nil {
		return 0, err
	}
	if s.Log != nil {
		s.Log.Info("smart-mediation reconciliation", "committee", committee.Code, "ours", rep.Ours, "theirs", rep.Theirs,
			"mismatches", len(mm), "error", rep.Error)
	}
	return len(mm), nil
}

// ReconcileNow runs the reconciliation of p's committees at once.
func (s *Service) ReconcileNow(ctx context.Context, p *auth.Principal) (int, error) {
	cs, err := s.committees(ctx, p, domain.PermSyncManage)
	if err != nil {
		return 0, err
	}
	if !s.On() {
		return 0, access.Conflict("未开启与智慧调解平台的对接，无法对账")
	}
	n := 0
	for _, c := range cs {
		m, err := s.Reconcile(ctx, c)
		if err != nil {
			return n, err
		}
		n += m
	}
	return n, nil
}

// Export writes the records of p's committees' cases received in
// [from, to) as XLSX: the fallback for districts without API access. It
// returns how many cases it holds; cases the platform does not take are
// left out and cases that fail validation are listed in skipped.
func (s *Service) Export(ctx context.Context, p *auth.Principal, from, to time.Time, w io.Writer) (n int, skipped []string, err error) {
	cs, err := s.committees(ctx, p, domain.PermSyncRead)
	if err != nil {
		return 0, nil, err
	}
	if !from.Before(to) || to.Sub(from) > 366*24*time.Hour {
		return 0, nil, &access.ValidationError{Fields: []*domain.FieldError{{Field: "from", Message: "导出区间应在一年以内，且起始日期早于截止日期"}}}
	}
	var prefixes []string
	for _, c := range cs {
		prefixes = append(prefixes, c.Path)
	}
	var recs []smartmediation.CaseRecord
	q := store.CaseQuery{Scope: store.Scope{Prefixes: prefixes}, From: &from, To: &to, ByID: true, Limit: 500}
	for {
		page, err := s.Store.ListCases(ctx, q)
		if err != nil {
			return 0, nil, err
		}
		for _, c := range page.Cases {
			src, _, err := s.Source(ctx, c.ID)
			if err != nil {
				return 0, nil, err
			}
			rec, err := smartmediation.BuildCase(src)
			switch {
			case errors.Is(err, smartmediation.ErrNotReportable):
			case err != nil:
				skipped = append(skipped, c.Number+"："+err.Error())
			default:
				recs = append(recs, rec)
			}
		}
		if len(page.Cases) < q.Limit {
			break
		}
		q.AfterID = page.Cases[len(page.Cases)-1].ID
	}
	if err := smartmediation.WriteXLSX(w, recs, s.codes()); err != nil {
		return 0, nil, err
	}
	return len(recs), skipped, nil
}
