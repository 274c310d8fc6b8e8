package store

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ListCursor is a position in a list paged by key: the last row shown, by
// the list's order (a case list's receipt time, a group list's formation
// time; then the id).
type ListCursor struct {
	At time.Time
	ID int64
}

// ListCountCap is how far the lists people open count ("超过 1000 件")
// when a filter other than scope and status is set.
const ListCountCap = 1000

// MaxListOffset bounds offset paging of the case lists (every page a user
// opens past it follows the cursor; an offset walks the rows it skips).
const MaxListOffset = 10000

// String is the cursor as an opaque URL-safe token.
func (c ListCursor) String() string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%d.%d", c.At.UnixNano(), c.ID))
}

// ErrBadCursor is a cursor that no list handed out.
var ErrBadCursor = errors.New("bad list cursor")

// BadCursorMessage tells a user a cursor is not one a list handed out (a
// link edited by hand, or cut short).
const BadCursorMessage = "分页参数无效，请从第一页重新浏览"

// ParseListCursor reads a token made by String.
func ParseListCursor(s string) (*ListCursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, ErrBadCursor
	}
	ns, id, ok := strings.Cut(string(b), ".")
	if !ok {
		return nil, ErrBadCursor
	}
	var n, i int64
	if _, err := fmt.Sscanf(ns+" "+id, "%d %d", &n, &i); err != nil || i <= 0 {
		return nil, ErrBadCursor
	}
	return &ListCursor{At: time.Unix(0, n).UTC(), ID: i}, nil
}
