package meeting

import (
	"context"
	"fmt"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store"
)

// itemStore holds open action items in the store's order (due, id) and
// answers ListMeetingItems a page at a time, as the real store does.
type itemStore struct {
	store.Store
	items []store.MeetingItem
	reads int
}

func (s *itemStore) ListMeetingItems(_ context.Context, q store.MeetingItemQuery) ([]store.MeetingItem, error) {
	s.reads++
	var out []store.MeetingItem
	for _, it := range s.items {
		if it.Due >= q.DueBefore {
			continue
		}
		if a := q.After; a != nil && (it.Due < a.Day || it.Due == a.Day && it.ID <= a.ID) {
			continue
		}
		if len(out) == q.Limit {
			break
		}
		out = append(out, it)
	}
	return out, nil
}

// The warning sweep resolves the warning of an item it no longer finds, so
// OverdueItems must return every overdue item, however many there are.
func TestOverdueItemsReadsEveryPage(t *testing.T) {
	for _, n := range []int{0, 1, overduePage, overduePage + 1, 2*overduePage + 17} {
		st := &itemStore{}
		for i := range n + 5 { // five not yet due
			st.items = append(st.items, store.MeetingItem{ID: int64(i + 1), Due: fmt.Sprintf("2026-11-%02d", 1+i*25/(n+5))})
		}
		for i := range 5 {
			st.items[n+i].Due = "2026-12-0" + fmt.Sprint(i+1)
		}
		got, err := (&Service{Store: st}).OverdueItems(context.Background(), d("2026-12-01"))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != n {
			t.Fatalf("%d overdue items: the sweep got %d", n, len(got))
		}
		for i, it := range got {
			if it.ID != int64(i+1) {
				t.Fatalf("%d overdue items: item %d is %d", n, i, it.ID)
			}
		}
		if want := n/overduePage + 1; st.reads != want {
			t.Fatalf("%d overdue items read in %d statements, want %d", n, st.reads, want)
		}
	}
}
