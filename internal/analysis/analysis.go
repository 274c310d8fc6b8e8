// Package analysis is the 分析研判 capability: dashboards of intake, hot
// spots (merchants, categories, streets and towns), surges, the funnel,
// overdue work and amounts, each figure with the cases behind it, within
// what the viewer may see. Figures the evaluation rollups hold are read from
// them (so a chart and a score never disagree); the merchant and the street
// of each complaint are kept in this package's own rollups, maintained from
// the event log the same way. The rules are internal/hotspot's.
package analysis

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/hotspot"
	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/routing"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service answers the dashboards and keeps the analysis rollups.
type Service struct {
	Store store.Store
	// Scorecard keeps the evaluation rollups the dashboards read.
	Scorecard *scorecard.Service
	Log       *slog.Logger
	Now       func() time.Time
	Batch     int // cases per catch-up transaction (default 500)

	hook sync.Once
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) today() calendar.Date { return calendar.DateOf(s.now()) }

// Register marks every case whose events are appended for the catch-up
// (an event hook, in the events' transaction) and catches up every 10
// seconds on the queue's leader. Once per service.
func (s *Service) Register(q *jobs.Queue) {
	s.hook.Do(func() {
		s.Store.OnEvents(func(ctx context.Context, tx *sql.Tx, evs []store.Event) error {
			return s.Store.AnalysisMark(ctx, tx, evs)
		})
		if q != nil {
			q.Periodic("analysis", 10*time.Second, func(ctx context.Context) error {
				_, err := s.CatchUp(ctx)
				return err
			})
		}
	})
}

// CatchUp recounts every marked case, batch by batch.
func (s *Service) CatchUp(ctx context.Context) (int, error) {
	batch := s.Batch
	if batch <= 0 {
		batch = 500
	}
	dirs := map[int64]*routing.Directory{}
	total := 0
	for {
		n, err := s.Store.AnalysisCatchUp(ctx, batch, func(in []store.AnalysisInput) ([]store.AnalysisFact, error) {
			return s.derive(ctx, dirs, in)
		})
		total += n
		if err != nil {
			return total, fmt.Errorf("analysis catch-up: %w", err)
		}
		if n < batch {
			return total, nil
		}
	}
}

// Rebuild recomputes the analysis rollups from the cases and returns the
// digest before and after: equal when the incremental upkeep was exact.
func (s *Service) Rebuild(ctx context.Context) (before, after string, cases int, err error) {
	if _, err := s.CatchUp(ctx); err != nil {
		return "", "", 0, err
	}
	if before, err = s.Store.AnalysisDigest(ctx); err != nil {
		return "", "", 0, err
	}
	if err := s.Store.AnalysisReset(ctx); err != nil {
		return before, "", 0, fmt.Errorf("reset analysis rollups: %w", err)
	}
	if cases, err = s.CatchUp(ctx); err != nil {
		return before, "", cases, err
	}
	after, err = s.Store.AnalysisDigest(ctx)
	return before, after, cases, err
}

// derive says what each case adds: one complaint received on its day of
// receipt (unless merged into another case) with its claim, under its
// committee, room, channel, category, merchant and the street its
// merchant's address lies in (by the committee's street map, as routing
// matches it).
func (s *Service) derive(ctx context.Context, dirs map[int64]*routing.Directory, in []store.AnalysisInput) ([]store.AnalysisFact, error) {
	out := make([]store.AnalysisFact, 0, len(in))
	for _, x := range in {
		c := x.Case
		dir, ok := dirs[c.CommitteeID]
		if !ok {
			rs, err := s.Store.ListRoomStreets(ctx, c.CommitteeID)
			if err != nil {
				return nil, fmt.Errorf("streets of committee %d: %w", c.CommitteeID, err)
			}
			streets := make([]routing.StreetRoom, 0, len(rs))
			for _, r := range rs {
				streets = append(streets, routing.StreetRoom{Street: r.Street, RoomID: r.RoomID})
			}
			dir = routing.NewDirectory(nil, nil, nil, streets)
			dirs[c.CommitteeID] = dir
		}
		f := store.AnalysisFact{CaseID: c.ID, CommitteeID: c.CommitteeID, RoomID: c.RoomID, Channel: string(c.Channel),
			Category: c.Category, MerchantKey: hotspot.MerchantKey(c.MerchantID, c.MerchantName),
			Street: dir.StreetOf(x.MerchantAddress), Day: calendar.DateOf(c.ReceivedAt).String()}
		if hotspot.Counted(x.EventTypes) {
			f.Received, f.ClaimFen = 1, c.ClaimFen
		}
		out = append(out, f)
	}
	return out, nil
}

// syncLimit is the most pending cases a read catches up on before it
// answers (as the evaluation's reads do); beyond it the sweep catches up.
const syncLimit = store.PendingCap

// refresh brings both rollups up to the last committed event before a
// read; it returns how many cases are still pending.
func (s *Service) refresh(ctx context.Context) (int64, error) {
	var pending int64
	n, err := s.Store.AnalysisPending(ctx)
	if err != nil {
		return 0, err
	}
	if n > 0 && n <= syncLimit {
		if _, err := s.CatchUp(ctx); err != nil {
			return n, err
		}
		n, _ = s.Store.AnalysisPending(ctx)
	}
	pending += n
	if s.Scorecard != nil {
		e, err := s.Store.EvalPending(ctx)
		if err != nil {
			return pending, err
		}
		if e > 0 && e <= syncLimit {
			if _, err := s.Scorecard.CatchUp(ctx); err != nil {
				return pending, err
			}
			e, _ = s.Store.EvalPending(ctx)
		}
		pending += e
	}
	return pending, nil
}

// merchantLabel names a merchant key.
func merchantLabel(key string, names map[int64]string) string {
	if key == "" {
		return "未填写经营者"
	}
	id, name := hotspot.MerchantOf(key)
	if id == 0 {
		return name
	}
	if n := strings.TrimSpace(names[id]); n != "" {
		return n
	}
	return fmt.Sprintf("经营者 %d", id)
}
