package store_test

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

func TestParseListParams(t *testing.T) {
	cur := store.ListCursor{At: time.Date(2026, 11, 3, 8, 0, 0, 123456000, time.UTC), ID: 42}
	states := []store.StateName{{Value: "pending", Name: "待处理"}, {Value: "decided", Name: "已裁定"}}
	for _, c := range []struct {
		query string
		state string
		after *store.ListCursor
		limit int
		msg   string // a word of the refusal; "" when accepted
	}{
		{query: "", state: "pending", limit: store.PageSize},
		{query: "state=pending", state: "pending", limit: store.PageSize},
		{query: "state=decided&limit=1", state: "decided", limit: 1},
		{query: "state=decided&after=" + cur.String() + "&limit=500", state: "decided", after: &cur, limit: 500},
		{query: "state=all", msg: "state 只能是 pending（待处理） 或 decided（已裁定）"},
		{query: "state=DECIDED", msg: "state 只能是"},
		{query: "after=x", msg: store.BadCursorMessage},
		{query: "after=" + store.ListCursor{At: cur.At}.String(), msg: store.BadCursorMessage},
		{query: "limit=0", msg: "limit 应为1至500"},
		{query: "limit=501", msg: "limit"},
		{query: "limit=ten", msg: "limit"},
	} {
		v, err := url.ParseQuery(c.query)
		if err != nil {
			t.Fatal(err)
		}
		state, p, msg := store.ParseListParams(v, states...)
		if c.msg != "" {
			if !strings.Contains(msg, c.msg) {
				t.Errorf("%q: message %q, want one with %q", c.query, msg, c.msg)
			}
			continue
		}
		if msg != "" || state != c.state || p.Limit != c.limit || (p.After == nil) != (c.after == nil) ||
			(p.After != nil && (!p.After.At.Equal(c.after.At) || p.After.ID != c.after.ID)) {
			t.Errorf("%q: %q %+v %q", c.query, state, p, msg)
		}
	}
}

func TestPageOf(t *testing.T) {
	at := func(n int) store.ListCursor { return store.ListCursor{ID: int64(n)} }
	for _, c := range []struct {
		rows, limit, items int
		next               int64 // 0: no next page
	}{{0, 3, 0, 0}, {2, 3, 2, 0}, {3, 3, 3, 0}, {4, 3, 3, 3}, {1, 1, 1, 0}, {2, 1, 1, 1}} {
		rows := make([]int, c.rows)
		for i := range rows {
			rows[i] = i + 1
		}
		p := store.PageOf(rows, c.limit, at)
		if len(p.Items) != c.items || (p.Next == nil) != (c.next == 0) || (p.Next != nil && p.Next.ID != c.next) {
			t.Errorf("%d rows read for a page of %d: %v next %+v", c.rows, c.limit, p.Items, p.Next)
		}
	}
	for _, limit := range []int{0, -1, store.MaxPage + 1} {
		if (store.Paging{Limit: limit}).Check() == nil {
			t.Errorf("a page of %d passes", limit)
		}
	}
	if (store.Paging{Limit: store.MaxPage}).Check() != nil {
		t.Error("a page of MaxPage is refused")
	}
}

func TestDayCursor(t *testing.T) {
	c := store.DayCursor{Day: "2026-11-10", ID: 42}
	got, err := store.ParseDayCursor(c.String())
	if err != nil || got == nil || *got != c {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	if got, err := store.ParseDayCursor(""); got != nil || err != nil {
		t.Fatalf("empty: %+v %v", got, err)
	}
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, bad := range []string{"not-a-cursor", "%%", enc("2026-11-10"), enc("2026-11-10.0"), enc("2026-11-10.-3"), enc("2026-13-01.5"),
		enc("2026-11-10.5x"), enc("x.5"), enc("2026-11-10'--.5")} {
		if got, err := store.ParseDayCursor(bad); err != store.ErrBadCursor || got != nil {
			t.Errorf("%q: %+v %v", bad, got, err)
		}
	}
}
