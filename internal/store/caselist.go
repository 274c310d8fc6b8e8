package store

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
)

// CaseCursor is a position in a case list: the last case shown, by the
// list's order (receipt time, then id).
type CaseCursor struct {
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
func (c CaseCursor) String() string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%d.%d", c.At.UnixNano(), c.ID))
}

// ErrBadCursor is a cursor that no list handed out.
var ErrBadCursor = errors.New("bad case list cursor")

// ParseCaseCursor reads a token made by String.
func ParseCaseCursor(s string) (*CaseCursor, error) {
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
	return &CaseCursor{At: time.Unix(0, n).UTC(), ID: i}, nil
}
