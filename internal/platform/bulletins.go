package platform

import (
	"context"
	"fmt"

	"github.com/tiaojie/tiaojie/internal/analysis"
	"github.com/tiaojie/tiaojie/internal/bulletin"
)

// wireBulletins gives the monthly bulletin the analysis capability's hot
// lists (the same rollups as /analysis) and the library's typical cases
// published in the month.
func (s *Services) wireBulletins() {
	s.Bulletins.Hotspots = func(ctx context.Context, unit, from, to string) ([]bulletin.HotRow, error) {
		var out []bulletin.HotRow
		for _, by := range []string{analysis.ByMerchant, analysis.ByCategory} {
			hl, err := s.Analysis.HotspotsFor(ctx, unit, from, to, by, 5)
			if err != nil {
				return nil, fmt.Errorf("hot %s list of %s: %w", by, unit, err)
			}
			for _, r := range hl.Rows {
				out = append(out, bulletin.HotRow{By: by, Name: r.Label, Cases: r.Count, Previous: r.Prev, LastYear: r.LastYear})
			}
		}
		return out, nil
	}
	s.Bulletins.TypicalCases = func(ctx context.Context, committeeID int64, from, to string) ([]bulletin.TypicalRef, error) {
		c, err := s.store.GetOrgUnit(ctx, committeeID)
		if err != nil {
			return nil, fmt.Errorf("committee %d: %w", committeeID, err)
		}
		pub, err := s.Library.PublishedFor(ctx, c, from, to)
		if err != nil {
			return nil, err
		}
		var out []bulletin.TypicalRef
		for _, p := range pub {
			out = append(out, bulletin.TypicalRef{ID: p.ID, Title: p.Title, Category: p.Category, URL: fmt.Sprintf("/library/%d", p.ID)})
		}
		return out, nil
	}
}
