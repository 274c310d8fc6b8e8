package dailyreport

import (
	"context"
	"fmt"
	"strings"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/reportrules"
	"github.com/tiaojie/tiaojie/internal/store"
)

// figureSource says which cases stand behind a figure: those whose facts
// of one day kind fall near the span and that added to the counters on
// the span's days.
type figureSource struct {
	kind     string // EvalFactQuery.Day
	back     int    // days before the span the kind's day may lie
	counters []string
	// commended: only the cases with a commendation event on the span's
	// days can add to the counters (evaluation counts a commendation on
	// its own day), so the store looks those up by time.
	commended bool
}

func figureSources() map[string]figureSource {
	m := map[string]figureSource{
		"received":       {kind: "received", counters: []string{"received"}},
		"accepted":       {kind: "decided", back: 366, counters: []string{"accepted"}},
		"rejected":       {kind: "closure", counters: []string{"out_rejected"}},
		"agreed_oral":    {kind: "closure", counters: []string{"agreed_oral"}},
		"agreed_written": {kind: "closure", counters: []string{"agreed_written"}},
		"agreed_fen":     {kind: "closure", counters: []string{"agreed_fen"}},
		"recovered_fen":  {kind: "closure", counters: []string{"recovered_fen"}},
		// A commendation comes after the closing, usually within weeks;
		// one given more than a year later is not counted here.
		"commendations": {kind: "closure", back: 366, counters: commendationCounters, commended: true},
	}
	var all []string
	for _, o := range reportrules.Outcomes {
		m["out_"+o.Code] = figureSource{kind: "closure", counters: []string{"out_" + o.Code}}
		all = append(all, "out_"+o.Code)
	}
	m["closed"] = figureSource{kind: "closure", counters: all}
	return m
}

// FigureLabel is the Chinese name of a figure code ("" when unknown).
func FigureLabel(code string) string {
	if code == "overdue" {
		return "超过调解期限未办结"
	}
	for _, l := range (reportrules.Counts{}).Lines() {
		if l.Code == code {
			return strings.TrimPrefix(l.Label, "　其中")
		}
	}
	return ""
}

// CasesPage is the cases behind one figure of a report.
type CasesPage struct {
	Report Report
	Figure string
	Label  string
	Cases  []store.Case
}

// Cases lists the cases behind a figure of the unit's report for date;
// their number is the figure (for amounts: the cases that make it up).
func (s *Service) Cases(ctx context.Context, p *auth.Principal, unit, date, figure string) (CasesPage, error) {
	rep, err := s.Get(ctx, p, unit, date)
	if err != nil {
		return CasesPage{}, err
	}
	if figure == "" {
		figure = "received" // the first figure, for a bare link
	}
	label := FigureLabel(figure)
	if label == "" {
		return CasesPage{}, &access.ValidationError{Fields: []*domain.FieldError{{Field: "figure", Message: fmt.Sprintf("日报中没有“%s”这项数字", figure)}}}
	}
	ids, err := s.caseIDs(ctx, viewOf(rep.Unit), figure, rep.From, rep.To)
	if err != nil {
		return CasesPage{}, err
	}
	out := CasesPage{Report: rep, Figure: figure, Label: label}
	cases, err := s.Store.CaseRowsOf(ctx, ids)
	if err != nil {
		return CasesPage{}, fmt.Errorf("load the cases behind %s: %w", figure, err)
	}
	for _, id := range ids {
		c, ok := cases[id]
		if !ok {
			return CasesPage{}, fmt.Errorf("load case %d behind %s: %w", id, figure, store.ErrNotFound)
		}
		out.Cases = append(out.Cases, c)
	}
	return out, nil
}

func (s *Service) caseIDs(ctx context.Context, v unitView, figure string, from, to calendar.Date) ([]int64, error) {
	if err := s.catchUp(ctx); err != nil {
		return nil, err
	}
	if figure == "overdue" {
		rows, err := s.facts(ctx, v, "overdue", to, to)
		if err != nil {
			return nil, err
		}
		var ids []int64
		for _, r := range rows {
			if r.OverdueFrom != "" && r.OverdueFrom <= to.String() && (r.OverdueUntil == "" || r.OverdueUntil > to.String()) {
				ids = append(ids, r.CaseID)
			}
		}
		return ids, nil
	}
	src := figureSources()[figure]
	rows, err := s.candidates(ctx, v, src, from, to)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, r := range rows {
		n, err := contributed(r, src.counters, from, to)
		if err != nil {
			return nil, err
		}
		if n != 0 {
			ids = append(ids, r.CaseID)
		}
	}
	return ids, nil
}
