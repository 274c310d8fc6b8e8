package scorecard

import (
	"context"
	"fmt"

	"github.com/tiaojie/tiaojie/internal/store"
)

// loadCases loads the cases behind a figure, in the order given. The IDs
// come from Cases, which already kept to what the asker may see, so no
// case-read check is made here (and it is not exported for that reason).
func (s *Service) loadCases(ctx context.Context, ids []int64) ([]store.Case, error) {
	out := make([]store.Case, 0, len(ids))
	for _, id := range ids {
		c, err := s.Store.GetCase(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("load case %d behind a figure: %w", id, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// MediatorName is a mediator's display name, for the case JSON's
// presiding mediator.
func (s *Service) MediatorName(ctx context.Context, id int64) (string, error) {
	return s.userName(ctx, id)
}
