package dailyreport

import (
	"context"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/store"
)

// NotableAndCommended returns the notable cases of unit u over from..to and
// the cases behind its commendations figure; scan finds the commendations
// by decoding a year of closures (the reference) instead of by index.
func (s *Service) NotableAndCommended(ctx context.Context, u store.OrgUnit, from, to calendar.Date, scan bool) ([]NotableCase, []int64, error) {
	c := *s
	c.scanClosures = scan
	v := viewOf(u)
	if err := c.catchUp(ctx); err != nil {
		return nil, nil, err
	}
	notable, err := c.notable(ctx, v, from, to)
	if err != nil {
		return nil, nil, err
	}
	ids, err := c.caseIDs(ctx, v, "commendations", from, to)
	return notable, ids, err
}

// ScanningClosures is a copy of s that finds commendations the old way.
func ScanningClosures(s *Service) *Service {
	c := *s
	c.scanClosures = true
	return &c
}

// SpanFigures computes unit u's figures over from..to as a draft would
// (what Get does for a report that is not submitted).
func (s *Service) SpanFigures(ctx context.Context, u store.OrgUnit, from, to calendar.Date) (Figures, error) {
	return s.spanFigures(ctx, viewOf(u), from, to)
}
