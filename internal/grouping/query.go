package grouping

import (
	"net/url"

	"github.com/tiaojie/tiaojie/internal/store"
)

// ParseListQuery reads the groups list's parameters, shared by the page and
// the API: state (all, the default, or open: still being handled), after
// and limit (store.ParseListParams). It returns a Chinese message for a bad
// value.
func ParseListQuery(v url.Values) (store.GroupQuery, string) {
	state, p, msg := store.ParseListParams(v, store.StateName{Value: "all", Name: "全部"}, store.StateName{Value: "open", Name: "在办"})
	return store.GroupQuery{OpenOnly: state == "open", Paging: p}, msg
}
