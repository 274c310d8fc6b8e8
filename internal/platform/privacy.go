package platform

import (
	"context"
	"time"

	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/privacy"
)

// PrivacySweep names the periodic retention sweep (tests run it by name).
const PrivacySweep = "privacy-retention"

// wirePrivacy builds personal-data access on record and schedules the
// retention sweep, daily on the queue's leader.
func (s *Services) wirePrivacy(queue *jobs.Queue, sealer *pii.Sealer, now func() time.Time) {
	s.Privacy = &privacy.Service{Store: s.store, Sealer: sealer, Now: now}
	queue.Periodic(PrivacySweep, 24*time.Hour, func(ctx context.Context) error {
		sw, err := s.Privacy.RunSweep(ctx)
		if sw.Parties > 0 {
			s.Log.Info("retention sweep anonymised parties' contact data", "cases", sw.Cases, "parties", sw.Parties)
		}
		return err
	})
}
