package desk

import "context"

// DueIndexUsable reports whether the clock lists read the stored due dates now.
func (s *Service) DueIndexUsable(ctx context.Context) (bool, error) {
	m, err := s.rowMaker(ctx)
	if err != nil {
		return false, err
	}
	return s.dueIndexUsable(ctx, m)
}

// OffsetPage is offsetPage, for the table test.
var OffsetPage = offsetPage

// CompactAfter is compactAfter, for the burst test.
const CompactAfter = compactAfter
