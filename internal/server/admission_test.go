package server_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// Pages and API reads (GET) wait for one of the gate's slots, as many as
// the store has reader connections, in arrival order; other methods do
// not wait for it.
func TestReadsWaitForASlot(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		gate := e.srv.ReadGate()
		if gate == nil {
			t.Fatal("no gate in front of the reads")
		}
		c := e.login("room_lead01")
		// Hold every slot: enter until entering would wait.
		var held []func()
		for {
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			leave, err := gate.Enter(ctx)
			cancel()
			if err != nil {
				break
			}
			held = append(held, leave)
		}
		if len(held) == 0 || gate.Waiting() != 0 {
			t.Fatalf("held %d slots, %d waiting", len(held), gate.Waiting())
		}
		got := make(chan int, 2)
		go func() { got <- c.get("/cases").StatusCode }()
		go func() { got <- c.get("/api/v1/cases").StatusCode }()
		waitUntil(t, func() bool { return gate.Waiting() == 2 })
		// A POST goes through meanwhile: signing in another user.
		other := e.anon()
		if res := other.form("POST", "/login", url.Values{"username": {"committee01"}, "password": {password}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-in while the reads wait: %d", res.StatusCode)
		}
		select {
		case s := <-got:
			t.Fatalf("a read answered (%d) while every slot was held", s)
		default:
		}
		held[0]() // one slot: the two reads run one after the other
		for range 2 {
			if s := <-got; s != http.StatusOK {
				t.Fatalf("read answered %d", s)
			}
		}
		for _, leave := range held[1:] {
			leave()
		}
	})
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}
