package grouping_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/grouping"
	"github.com/tiaojie/tiaojie/internal/store"
)

func TestParseListQuery(t *testing.T) {
	cur := store.ListCursor{At: time.Date(2026, 11, 3, 8, 0, 0, 123456000, time.UTC), ID: 42}
	for _, c := range []struct {
		query    string
		open     bool
		after    *store.ListCursor
		rejected bool
	}{
		{query: ""},
		{query: "state=all"},
		{query: "state=open", open: true},
		{query: "state=open&after=" + cur.String(), open: true, after: &cur},
		{query: "after=" + cur.String(), after: &cur},
		{query: "state=closed", rejected: true},
		{query: "state=OPEN", rejected: true},
		{query: "after=not-a-cursor", rejected: true},
		{query: "after=" + store.ListCursor{At: cur.At, ID: 0}.String(), rejected: true},
	} {
		v, err := url.ParseQuery(c.query)
		if err != nil {
			t.Fatal(err)
		}
		q, msg := grouping.ParseListQuery(v)
		if c.rejected {
			if msg == "" {
				t.Errorf("%q: accepted as %+v", c.query, q)
			}
			continue
		}
		if msg != "" || q.OpenOnly != c.open || q.Limit != grouping.GroupPageSize || (q.After == nil) != (c.after == nil) ||
			(q.After != nil && (!q.After.At.Equal(c.after.At) || q.After.ID != c.after.ID)) {
			t.Errorf("%q: %+v %q", c.query, q, msg)
		}
	}
}
