package store

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Lists paged by key (the groups, a court's applications, an expert's
// consultations) share their paging: a page starts after the previous
// page's last row and holds at most Limit rows; Next is the cursor of the
// following page.

// PageSize is a paged list's page by default; MaxPage bounds any page.
const (
	PageSize = 50
	MaxPage  = 500
)

// Paging is the page a list asks for: after the previous page's last row
// (nil: the first page), at most Limit rows.
type Paging struct {
	After *ListCursor
	Limit int
}

// Check refuses a limit outside 1 to MaxPage (a caller's mistake).
func (p Paging) Check() error {
	if p.Limit <= 0 || p.Limit > MaxPage {
		return fmt.Errorf("page limit must be 1 to %d, got %d", MaxPage, p.Limit)
	}
	return nil
}

// Page is one page of a list paged by key; Next is nil on the last page.
type Page[T any] struct {
	Items []T
	Next  *ListCursor
}

// PageOf makes a page of rows read one past the limit (the extra row says
// another page follows); at is a row's position in the list's order.
func PageOf[T any](rows []T, limit int, at func(T) ListCursor) Page[T] {
	p := Page[T]{Items: rows[:min(len(rows), limit)]}
	if len(rows) > limit {
		c := at(p.Items[limit-1])
		p.Next = &c
	}
	return p
}

// StateName is one value of a list's state filter and its Chinese name.
type StateName struct{ Value, Name string }

// ParseListParams reads a paged list's parameters: state (one of states,
// the first by default), after (a cursor the list handed out) and limit (1
// to MaxPage, PageSize by default). msg says in Chinese what is wrong.
func ParseListParams(v url.Values, states ...StateName) (state string, p Paging, msg string) {
	p.Limit = PageSize
	if len(states) > 0 {
		state = states[0].Value
		if s := v.Get("state"); s != "" {
			var names []string
			found := false
			for _, st := range states {
				names = append(names, st.Value+"（"+st.Name+"）")
				found = found || st.Value == s
			}
			if !found {
				return "", p, "筛选条件无效：state 只能是 " + strings.Join(names, " 或 ")
			}
			state = s
		}
	}
	if s := v.Get("after"); s != "" {
		c, err := ParseListCursor(s)
		if err != nil {
			return "", p, BadCursorMessage
		}
		p.After = c
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxPage {
			return "", p, fmt.Sprintf("limit 应为1至%d", MaxPage)
		}
		p.Limit = n
	}
	return state, p, ""
}

// DayCursor is a position in a list ordered by a day, then the id: the
// meetings, the trainings and the open action items.
type DayCursor struct {
	Day string // YYYY-MM-DD
	ID  int64
}

// String is the cursor as an opaque URL-safe token.
func (c DayCursor) String() string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%s.%d", c.Day, c.ID))
}

// ParseDayCursor reads a token made by String; "" is nil (the first page).
func ParseDayCursor(s string) (*DayCursor, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, ErrBadCursor
	}
	day, id, ok := strings.Cut(string(b), ".")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n <= 0 {
		return nil, ErrBadCursor
	}
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		return nil, ErrBadCursor
	}
	return &DayCursor{Day: day, ID: n}, nil
}
