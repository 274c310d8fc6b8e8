// Package audittrail is the auditor's view of the audit trail: search within
// the auditor's scope, export, and the chain check. The trail is written by
// the store itself (one entry per committed change, see internal/audit).
package audittrail

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/audit"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Store is what the trail needs.
type Store interface {
	ListAudit(ctx context.Context, q store.AuditQuery) ([]audit.Entry, error)
	WalkAudit(ctx context.Context, fn func(audit.Entry) error) (int64, string, error)
	RecordAccess(ctx context.Context, action, object string) error
}

// Service answers the auditor.
type Service struct{ Store Store }

// PageSize is how many entries a page of the search shows.
const PageSize = 100

// MaxExport bounds one export; a longer period is exported in parts.
const MaxExport = 5000

// Query is a search as a person types it.
type Query struct {
	From, To  string // dates 2026-01-02, inclusive
	Actor     string
	Object    string // "case:42", or a kind "case:"
	BeforeSeq int64
}

// Result is one page of entries, newest first.
type Result struct {
	Entries []audit.Entry
	More    bool  // older entries exist beyond this page
	NextSeq int64 // BeforeSeq for the next page
}

func (q Query) store(p *auth.Principal, limit int) (store.AuditQuery, error) {
	sq := store.AuditQuery{Actor: strings.TrimSpace(q.Actor), Object: strings.TrimSpace(q.Object), BeforeSeq: q.BeforeSeq, Limit: limit,
		Scope: p.Scope(domain.PermAuditRead)}
	var err error
	if sq.From, err = day(q.From, "from", "起始日期"); err != nil {
		return sq, err
	}
	if sq.To, err = day(q.To, "to", "截止日期"); err != nil {
		return sq, err
	}
	if !sq.To.IsZero() {
		sq.To = sq.To.AddDate(0, 0, 1) // inclusive
	}
	if !sq.From.IsZero() && !sq.To.IsZero() && !sq.From.Before(sq.To) {
		return sq, &domain.FieldError{Field: "to", Message: "截止日期不能早于起始日期"}
	}
	if utf8.RuneCountInString(sq.Actor) > 64 || utf8.RuneCountInString(sq.Object) > 64 {
		return sq, &domain.FieldError{Field: "actor", Message: "操作人或对象过长"}
	}
	if sq.Object != "" && !strings.Contains(sq.Object, ":") {
		return sq, &domain.FieldError{Field: "object", Message: "对象应写作“类型:编号”，如 case:42，或只写类型如 case:"}
	}
	return sq, nil
}

func day(s, field, label string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, calendar.Shanghai())
	if err != nil {
		return t, &domain.FieldError{Field: field, Message: label + "应为 年-月-日，如 2026-03-01"}
	}
	return t, nil
}

// Search returns a page of entries the auditor may see (their bindings' subtrees).
func (s *Service) Search(ctx context.Context, p *auth.Principal, q Query) (Result, error) {
	sq, err := q.store(p, PageSize+1)
	if err != nil {
		return Result{}, err
	}
	es, err := s.Store.ListAudit(ctx, sq)
	if err != nil {
		return Result{}, fmt.Errorf("search audit trail: %w", err)
	}
	r := Result{Entries: es}
	if len(es) > PageSize {
		r.Entries, r.More = es[:PageSize], true
		r.NextSeq = r.Entries[PageSize-1].Seq
	}
	return r, nil
}

// exportHead names the columns of both export formats.
var exportHead = []string{"序号", "时间", "操作人类型", "操作人", "角色", "单位编号", "操作", "对象", "变更前摘要", "变更后摘要", "请求编号", "来源地址", "本条哈希"}

func exportRow(e audit.Entry) []string {
	return []string{strconv.FormatInt(e.Seq, 10), e.At.In(calendar.Shanghai()).Format("2006-01-02 15:04:05"), KindLabel(e.Actor.Kind), e.Actor.Name,
		RoleLabel(e.Actor.Role), strconv.FormatInt(e.Actor.UnitID, 10), e.Action, e.Object, e.Before, e.After, e.Actor.RequestID, e.Actor.Addr, e.Hash}
}

// exportEntries loads what an export holds (at most MaxExport, newest
// first) and puts the export itself on the trail: who exported which range
// in which format is what an auditor of the auditor reads.
func (s *Service) exportEntries(ctx context.Context, p *auth.Principal, q Query, format string) ([]audit.Entry, error) {
	if !p.Can(domain.PermAuditExport) {
		return nil, access.ErrForbidden
	}
	sq, err := q.store(p, MaxExport)
	if err != nil {
		return nil, err
	}
	es, err := s.Store.ListAudit(ctx, sq)
	if err != nil {
		return nil, fmt.Errorf("export audit trail: %w", err)
	}
	what := fmt.Sprintf("export audit trail %s from=%s to=%s actor=%s object=%s rows=%d", format, strings.TrimSpace(q.From), strings.TrimSpace(q.To),
		sq.Actor, sq.Object, len(es))
	if err := s.Store.RecordAccess(ctx, what, "audit:"); err != nil {
		return nil, fmt.Errorf("record audit export: %w", err)
	}
	return es, nil
}

// Export writes the matching entries (at most MaxExport, newest first) as an .xlsx workbook.
func (s *Service) Export(ctx context.Context, p *auth.Principal, q Query) ([]byte, int, error) {
	es, err := s.exportEntries(ctx, p, q, "xlsx")
	if err != nil {
		return nil, 0, err
	}
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "审计日志"
	f.SetSheetName("Sheet1", sheet)
	head := make([]any, len(exportHead))
	for i, h := range exportHead {
		head[i] = h
	}
	if err := f.SetSheetRow(sheet, "A1", &head); err != nil {
		return nil, 0, err
	}
	for i, e := range es {
		row := []any{e.Seq, e.At.In(calendar.Shanghai()).Format("2006-01-02 15:04:05"), KindLabel(e.Actor.Kind), e.Actor.Name, RoleLabel(e.Actor.Role),
			e.Actor.UnitID, e.Action, e.Object, e.Before, e.After, e.Actor.RequestID, e.Actor.Addr, e.Hash}
		if err := f.SetSheetRow(sheet, "A"+strconv.Itoa(i+2), &row); err != nil {
			return nil, 0, err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, 0, fmt.Errorf("write audit export: %w", err)
	}
	return buf.Bytes(), len(es), nil
}

// ExportCSV writes the matching entries as CSV (UTF-8 with a byte-order mark
// so that spreadsheet programs read the Chinese right). A cell that a
// spreadsheet would take for a formula is prefixed with an apostrophe.
func (s *Service) ExportCSV(ctx context.Context, p *auth.Principal, q Query) ([]byte, int, error) {
	es, err := s.exportEntries(ctx, p, q, "csv")
	if err != nil {
		return nil, 0, err
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	w.Write(exportHead)
	for _, e := range es {
		row := exportRow(e)
		for i, c := range row {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				row[i] = "'" + c
			}
		}
		w.Write(row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, 0, fmt.Errorf("write audit export: %w", err)
	}
	return buf.Bytes(), len(es), nil
}

// Verify checks the whole chain.
func (s *Service) Verify(ctx context.Context) (int64, error) { return audit.VerifyChain(ctx, s.Store) }

// KindLabel names an actor kind in Chinese.
func KindLabel(k string) string {
	return map[string]string{audit.KindUser: "用户", audit.KindKey: "接口密钥", audit.KindParty: "当事人/公众", audit.KindSystem: "系统"}[k]
}

// RoleLabel names a role, or says there was none.
func RoleLabel(r string) string {
	if r == "" {
		return "—"
	}
	return domain.Role(r).Label()
}
