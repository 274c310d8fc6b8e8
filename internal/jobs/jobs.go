// Package jobs runs the platform's background work under one supervisor:
// periodic sweeps and one-off tasks (a 12315 import outliving its request).
// A panic in one task is logged and does not take the process down;
// shutdown cancels every task and waits for it. Every sweep is written to be
// idempotent (state changes go through versioned case updates), so several
// instances running the same sweep at once do no harm.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// Job is one periodic task.
type Job struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context) error
}

// Supervisor owns the background goroutines.
type Supervisor struct {
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// NewSupervisor starts a supervisor whose tasks end when Stop is called.
// Tasks do not inherit cancellation from any request: they outlive it.
func NewSupervisor(log *slog.Logger) *Supervisor {
	ctx, cancel := context.WithCancel(context.Background())
	return &Supervisor{log: log, ctx: ctx, cancel: cancel}
}

// Go runs fn once in the background. The context it gets keeps the values
// of parent (who started it, for the audit trail) but ends only at Stop.
func (s *Supervisor) Go(parent context.Context, name string, fn func(ctx context.Context) error) {
	ctx := s.ctx
	if parent != nil {
		ctx = mergeValues(s.ctx, parent)
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := s.protect(ctx, name, fn); err != nil && ctx.Err() == nil {
			s.log.Error("background task failed", "task", name, "err", err)
		}
	}()
}

// Every runs each job once now and then at its interval until Stop.
func (s *Supervisor) Every(jobs ...Job) {
	for _, j := range jobs {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			t := time.NewTicker(j.Every)
			defer t.Stop()
			for {
				if err := s.protect(s.ctx, j.Name, j.Run); err != nil && s.ctx.Err() == nil {
					s.log.Error("job failed", "job", j.Name, "err", err)
				}
				select {
				case <-s.ctx.Done():
					return
				case <-t.C:
				}
			}
		}()
	}
}

// protect turns a panic into an error with its stack in the log.
func (s *Supervisor) protect(ctx context.Context, name string, fn func(context.Context) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("background task panicked", "task", name, "panic", v, "stack", string(debug.Stack()))
			err = fmt.Errorf("%s panicked: %v", name, v)
		}
	}()
	return fn(ctx)
}

// Stop cancels every task and waits for them until ctx ends.
func (s *Supervisor) Stop(ctx context.Context) error {
	s.cancel()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("background tasks still running at shutdown: %w", ctx.Err())
	}
}

// mergeValues is a context cancelled with base that looks values up in vals.
type valueCtx struct {
	context.Context
	vals context.Context
}

func (c valueCtx) Value(key any) any { return c.vals.Value(key) }

func mergeValues(base, vals context.Context) context.Context {
	return valueCtx{Context: base, vals: vals}
}
