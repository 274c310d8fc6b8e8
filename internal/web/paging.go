package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/tiaojie/tiaojie/internal/store"
)

// paged is a list paged by key as its template reads it: the page's rows,
// the state filter shown, and the links back to the first page (past the
// first only) and to the next (when one follows).
type paged[T any] struct {
	Items       []T
	State       string
	First, Next string
}

// pagedList is the page of the list at path: state is its filter, which
// the links carry unless it is the list's default, and so is a page size
// other than the default; q.After is where this page started.
func pagedList[T any](path, state, byDefault string, q store.Paging, page store.Page[T]) paged[T] {
	keep := url.Values{}
	if state != byDefault {
		keep.Set("state", state)
	}
	d := pagedLinks(path, keep, q, page)
	d.State = state
	return d
}

// pagedLinks is the page of the list at path whose links carry the filters
// in keep, and a page size other than the default.
func pagedLinks[T any](path string, keep url.Values, q store.Paging, page store.Page[T]) paged[T] {
	link := func(c *store.ListCursor) string {
		v := url.Values{}
		for k, vs := range keep {
			v[k] = vs
		}
		if q.Limit != store.PageSize {
			v.Set("limit", strconv.Itoa(q.Limit))
		}
		if c != nil {
			v.Set("after", c.String())
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	d := paged[T]{Items: page.Items}
	if q.After != nil {
		d.First = link(nil)
	}
	if page.Next != nil {
		d.Next = link(page.Next)
	}
	return d
}

// dayCursor reads a list's cursor by day (the meetings, the trainings, the
// open action items) from the query parameter name: nil for the first
// page. A token no page gave is answered 400 here, and ok is false.
func (pg *Pages) dayCursor(w http.ResponseWriter, r *http.Request, name string) (c *store.DayCursor, ok bool) {
	c, err := store.ParseDayCursor(r.URL.Query().Get(name))
	if err != nil {
		pg.Fail(w, r, http.StatusBadRequest, store.BadCursorMessage)
		return nil, false
	}
	return c, true
}
