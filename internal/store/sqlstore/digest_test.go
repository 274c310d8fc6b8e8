package sqlstore

import (
	"crypto/sha256"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/audit"
)

// appendDigest must write what fmt wrote before it: audit digests of the
// same write stay the same across versions.
func TestAppendDigestAsFmt(t *testing.T) {
	at := time.Date(2026, 11, 20, 9, 30, 0, 123, time.FixedZone("CST", 8*3600))
	args := []any{"张伟", "", int64(-42), 7, true, false, nil, sql.NullInt64{Int64: 5, Valid: true}, sql.NullInt64{},
		sql.NullString{String: "a b", Valid: true}, sql.NullString{}, at, []byte("sealed"), 1.5, int32(3)}
	q := `INSERT INTO t (a) VALUES ($1)`
	want := fmt.Sprintf("%d:%s", len(q), q)
	for _, a := range args {
		switch v := a.(type) {
		case time.Time:
			want += fmt.Sprintf("|t:%s", audit.Canonical(v).Format(time.RFC3339Nano))
		case []byte:
			want += fmt.Sprintf("|b:%x", sha256.Sum256(v))
		default:
			want += fmt.Sprintf("|%T:%v", a, a)
		}
	}
	if got := string(appendDigest(nil, q, args)); got != want {
		t.Errorf("digest text\n got %s\nwant %s", got, want)
	}
}
