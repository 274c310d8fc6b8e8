// Package jobs runs the platform's background work. Every job is written to
// be idempotent (state changes go through versioned case updates), so
// several instances running the same sweep at once do no harm.
package jobs

import (
	"context"
	"log/slog"
	"time"
)

// Job is one periodic task.
type Job struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context) error
}

// Start runs each job once at start and then every interval until ctx ends.
func Start(ctx context.Context, log *slog.Logger, jobs ...Job) {
	for _, j := range jobs {
		go func() {
			t := time.NewTicker(j.Every)
			defer t.Stop()
			for {
				if err := j.Run(ctx); err != nil && ctx.Err() == nil {
					log.Error("job failed", "job", j.Name, "err", err)
				}
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}()
	}
}
