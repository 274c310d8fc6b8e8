package desk

import (
	"context"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
)

// ExportSheet names the export's only sheet.
const ExportSheet = "案件清单"

// MaxExport bounds one export; a wider filter is told to narrow down.
const MaxExport = 5000

// ExportHeader is the export's first row.
var ExportHeader = []string{"案号", "登记时间", "来源", "类别", "投诉人", "投诉人电话", "被投诉经营者", "工作室", "调解员", "状态", "办理结果", "期限", "到期日", "期限状态"}

// Export writes the cases the actor may read that match q (every page, up to
// MaxExport) as an .xlsx. Personal data leaves the platform masked: the
// complainant's name and phone as the platform masks them, no ID number or
// address. It returns the number of cases written.
func (s *Service) Export(ctx context.Context, p *auth.Principal, q ListQuery, w io.Writer) (int, error) {
	q.Scope = p.Scope(domain.PermCaseRead)
	m, err := s.rowMaker(ctx)
	if err != nil {
		return 0, err
	}
	var rows []Row
	truncated := false
	if q.Due != DueAny {
		res, err := s.dueRows(ctx, m, q, MaxExport+1, -1)
		if err != nil {
			return 0, err
		}
		rows, truncated = res.Rows, res.Capped
	} else {
		cq := q.CaseQuery
		cq.Limit, cq.CountCap, cq.After, cq.Offset = 500, -1, nil, 0
		for seen := 0; seen < MaxExport+1; seen += cq.Limit {
			res, err := s.Store.ListCases(ctx, cq)
			if err != nil {
				return 0, err
			}
			page, err := m.rows(ctx, res.Cases, false)
			if err != nil {
				return 0, err
			}
			rows = append(rows, page...)
			if res.Next == nil {
				break
			}
			cq.After = res.Next
		}
	}
	if len(rows) > MaxExport {
		rows, truncated = rows[:MaxExport], true
	}

	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", ExportSheet); err != nil {
		return 0, fmt.Errorf("name export sheet: %w", err)
	}
	sw, err := f.NewStreamWriter(ExportSheet)
	if err != nil {
		return 0, fmt.Errorf("start export: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return 0, fmt.Errorf("export style: %w", err)
	}
	if err := sw.SetColWidth(1, len(ExportHeader), 16); err != nil {
		return 0, fmt.Errorf("export widths: %w", err)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return 0, fmt.Errorf("export panes: %w", err)
	}
	head := make([]any, len(ExportHeader))
	for i, h := range ExportHeader {
		head[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return 0, fmt.Errorf("export header: %w", err)
	}
	line := 2
	for _, r := range rows {
		c, err := s.Store.GetCase(ctx, r.Case.ID) // with its parties
		if err != nil {
			return 0, fmt.Errorf("export case %d: %w", r.Case.ID, err)
		}
		phone := ""
		for _, pt := range c.Parties {
			if pt.Kind == "consumer" {
				phone = pt.PhoneMask
			}
		}
		if r.Outcome, err = Outcome(ctx, s.Store, c); err != nil {
			return 0, err
		}
		label, due, state := "", "", ""
		if r.Next != nil {
			label, due, state = r.Next.Label, r.Next.Due.String(), ClockState(r.Next)
		}
		cells := []any{c.Number, c.ReceivedAt.In(calendar.Shanghai()).Format("2006-01-02 15:04"), c.Channel.Label(), c.Category,
			domain.MaskName(c.ConsumerName), phone, c.MerchantName, r.Room, r.Mediator, c.Status.Label(), r.Outcome, label, due, state}
		if err := sw.SetRow(cellName(line), cells); err != nil {
			return 0, fmt.Errorf("export row: %w", err)
		}
		line++
	}
	if truncated {
		note := fmt.Sprintf("仅导出前%d件，请缩小筛选范围后分批导出", MaxExport)
		if err := sw.SetRow(cellName(line), []any{note}); err != nil {
			return 0, fmt.Errorf("export note: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return 0, fmt.Errorf("finish export: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return 0, fmt.Errorf("write export: %w", err)
	}
	return len(rows), nil
}

func cellName(row int) string { return fmt.Sprintf("A%d", row) }

// ClockState says how a running clock stands: 剩N个工作日 / 剩N天 / 已超期N天.
func ClockState(d *calendar.Deadline) string {
	unit := "个工作日"
	if !d.WorkingDays {
		unit = "天"
	}
	switch {
	case d.Overdue:
		return fmt.Sprintf("已超期%d%s", -d.Remaining, unit)
	case d.Paused:
		return fmt.Sprintf("中止中，剩%d%s", d.Remaining, unit)
	}
	return fmt.Sprintf("剩%d%s", d.Remaining, unit)
}
