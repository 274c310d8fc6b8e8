package demo

import (
	"context"
	"fmt"

	"github.com/tiaojie/tiaojie/internal/store"
)

// queueAnalysis marks every demo case for the 分析研判 catch-up: the demo
// writes most histories through the store directly, before any service has
// registered the event hook that marks them, so the rollups start empty and
// the first sweep (or read) fills them.
func queueAnalysis(ctx context.Context, st store.Store) error {
	if err := st.AnalysisReset(ctx); err != nil {
		return fmt.Errorf("demo: queue cases for analysis: %w", err)
	}
	return nil
}
