package admission

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// waitFor polls until cond holds (the waiters are goroutines).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}

// Waiters are admitted in the order they arrived, as slots free up.
func TestArrivalOrder(t *testing.T) {
	ctx := context.Background()
	g := New(2)
	var held []func()
	for range 2 {
		leave, err := g.Enter(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, leave)
	}
	var mu sync.Mutex
	var order []int
	admitted := make(chan func(), 10)
	for i := range 10 {
		go func() {
			leave, err := g.Enter(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			admitted <- leave
		}()
		waitFor(t, func() bool { return g.Waiting() == i+1 }) // queued before the next comes
	}
	// Free one slot at a time: each goes to the oldest waiter.
	held[0]()
	held[0]() // a second call frees nothing more
	for range 10 {
		leave := <-admitted
		leave()
	}
	held[1]()
	if !slices.Equal(order, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Fatalf("admitted in order %v", order)
	}
	// Everything is free again: two enter at once without waiting.
	for range 2 {
		if _, err := g.Enter(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if g.Waiting() != 0 {
		t.Fatalf("%d waiting", g.Waiting())
	}
}

// A waiter whose request ends leaves the queue holding nothing, and the
// ones behind it move up.
func TestCancelledWaiter(t *testing.T) {
	g := New(1)
	leave, err := g.Enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := g.Enter(ctx)
		done <- err
	}()
	waitFor(t, func() bool { return g.Waiting() == 1 })
	next := make(chan func())
	go func() {
		l, err := g.Enter(context.Background())
		if err != nil {
			t.Error(err)
		}
		next <- l
	}()
	waitFor(t, func() bool { return g.Waiting() == 2 })
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatalf("cancelled waiter got %v", err)
	}
	if g.Waiting() != 1 {
		t.Fatalf("%d waiting after the cancel, want 1", g.Waiting())
	}
	leave()
	l := <-next
	l()
	// One slot, free again.
	if l, err := g.Enter(context.Background()); err != nil {
		t.Fatal(err)
	} else {
		l()
	}
}

// Under contention the gate never admits more than its slots.
func TestBound(t *testing.T) {
	g := New(3)
	var mu sync.Mutex
	in, most := 0, 0
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				leave, err := g.Enter(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				in++
				most = max(most, in)
				mu.Unlock()
				time.Sleep(10 * time.Microsecond)
				mu.Lock()
				in--
				mu.Unlock()
				leave()
			}
		}()
	}
	wg.Wait()
	if most > 3 || most < 1 {
		t.Fatalf("at most %d inside, want 1..3", most)
	}
}
