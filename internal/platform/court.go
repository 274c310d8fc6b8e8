package platform

import (
	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/jobs"
)

// registerCourt lets the job queue deliver judicial applications to the
// court system. The worker is registered whether or not a court system is
// configured now: jobs queued under an earlier configuration still run (and
// fail visibly rather than sit unworked), and tests plug a court in later.
func (s *Services) registerCourt() {
	s.Agreement.Jobs = s.Jobs
	jobs.Register(s.Jobs, &agreement.CourtWorker{Agreement: s.Agreement})
}
