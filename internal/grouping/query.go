package grouping

import (
	"net/url"

	"github.com/tiaojie/tiaojie/internal/store"
)

// GroupPageSize is a page of the groups list, on the page and by default in
// the API.
const GroupPageSize = 50

// ParseListQuery reads the groups list's filters shared by the page and the
// API: state (all, the default, or open: still being handled) and after (the
// previous page's cursor). It returns a Chinese message for a bad value.
func ParseListQuery(v url.Values) (store.GroupQuery, string) {
	q := store.GroupQuery{Limit: GroupPageSize}
	switch v.Get("state") {
	case "", "all":
	case "open":
		q.OpenOnly = true
	default:
		return q, "筛选条件无效：state 只能是 open（在办）或 all（全部）"
	}
	var err error
	if q.After, err = store.ParseAfter(v.Get("after")); err != nil {
		return q, store.BadCursorMessage
	}
	return q, ""
}
