package web

import (
	"net/url"

	"github.com/tiaojie/tiaojie/internal/store"
)

// pageLinks are a list's links paged by key: back to its first page (only
// past the first: after is set) and to the next (when next is set), each
// keeping the list's state filter ("" for the default).
func pageLinks(path, state string, after, next *store.ListCursor) (first, following string) {
	link := func(c *store.ListCursor) string {
		v := url.Values{}
		if state != "" {
			v.Set("state", state)
		}
		if c != nil {
			v.Set("after", c.String())
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	if after != nil {
		first = link(nil)
	}
	if next != nil {
		following = link(next)
	}
	return first, following
}
