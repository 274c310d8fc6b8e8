// Package jobs is the platform's durable background work on River: jobs
// enqueued in the transaction of the change that causes them, retried with
// backoff, dead-lettered after their last attempt, and periodic sweeps that
// the elected leader schedules once across instances (see Queue).
package jobs

import (
	"context"
	"time"
)

// Job is one periodic task.
type Job struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context) error
}
