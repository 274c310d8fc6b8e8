package jobs

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

type key struct{}

func TestSupervisor(t *testing.T) {
	s := NewSupervisor(slog.New(slog.NewTextHandler(io.Discard, nil)))
	// A panicking task does not take the others down.
	s.Go(nil, "boom", func(context.Context) error { panic("boom") })
	var ran atomic.Int32
	s.Every(Job{Name: "tick", Every: time.Millisecond, Run: func(context.Context) error { ran.Add(1); return nil }})
	// A one-off task keeps its starter's values but not its cancellation.
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "mediator01"))
	got := make(chan string, 1)
	stopped := make(chan error, 1)
	s.Go(parent, "long", func(ctx context.Context) error {
		got <- ctx.Value(key{}).(string)
		<-ctx.Done()
		stopped <- ctx.Err()
		return ctx.Err()
	})
	cancel() // the request ends; the task goes on
	if v := <-got; v != "mediator01" {
		t.Fatalf("value = %q", v)
	}
	select {
	case <-stopped:
		t.Fatal("task ended with its request")
	case <-time.After(20 * time.Millisecond):
	}
	ctx, done := context.WithTimeout(context.Background(), 2*time.Second)
	defer done()
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-stopped; !errors.Is(err, context.Canceled) {
		t.Fatalf("task ended with %v", err)
	}
	if ran.Load() == 0 {
		t.Fatal("periodic job never ran")
	}
}

func TestStopTimesOut(t *testing.T) {
	s := NewSupervisor(slog.New(slog.NewTextHandler(io.Discard, nil)))
	release := make(chan struct{})
	s.Go(nil, "stubborn", func(context.Context) error { <-release; return nil })
	ctx, done := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer done()
	if err := s.Stop(ctx); err == nil {
		t.Fatal("Stop returned while a task was still running")
	}
	close(release)
}
