package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"
)

func scratchSQLite(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "stmt.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)`); err != nil {
		t.Fatal(err)
	}
	return db
}

// One-off SQL (values inlined) seen before a hot statement must not keep
// the hot statement out of the write cache.
func TestStmtCacheFloodedByOneOffs(t *testing.T) {
	ctx := context.Background()
	db := scratchSQLite(t)
	c := &stmtCache{}
	defer c.close()
	for i := range 4 * maxCached {
		c.get(fmt.Sprintf(`INSERT INTO t (v) VALUES ('%d')`, i))
		c.preparePending(ctx, db)
	}
	hot := `INSERT INTO t (v) VALUES ($1)`
	if c.get(hot) != nil {
		t.Fatal("a statement seen once came prepared")
	}
	c.preparePending(ctx, db)
	c.get(hot)
	c.preparePending(ctx, db)
	if c.get(hot) == nil {
		t.Fatalf("hot statement not prepared after a flood of one-offs (%d cached)", len(c.m))
	}
	if len(c.m) != 1 {
		t.Errorf("cache holds %d statements, want only the hot one", len(c.m))
	}
	if len(c.seen.m) > c.seen.max {
		t.Errorf("seen-once set holds %d texts, bound %d", len(c.seen.m), c.seen.max)
	}
}

func TestStmtCacheOneOffMarkNeverPrepared(t *testing.T) {
	ctx := context.Background()
	db := scratchSQLite(t)
	c := &stmtCache{}
	defer c.close()
	q := `INSERT INTO t (v) VALUES ('x')` + oneOff
	for range 3 {
		c.get(q)
		c.preparePending(ctx, db)
	}
	if c.prepared(q) {
		t.Fatal("SQL marked one-off was prepared")
	}
}

func TestReadStmtsFloodedByOneOffs(t *testing.T) {
	ctx := context.Background()
	db := scratchSQLite(t)
	c := &readStmts{db: db}
	defer c.close()
	for i := range 4 * maxReadCached {
		rows, err := c.QueryContext(ctx, fmt.Sprintf(`SELECT v FROM t WHERE id IN (%d, %d)`, i, i+1))
		if err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	hot := `SELECT v FROM t WHERE id = $1`
	for range 2 {
		var v string
		if err := c.QueryRowContext(ctx, hot, 1).Scan(&v); err != sql.ErrNoRows {
			t.Fatal(err)
		}
	}
	if !c.prepared(hot) {
		t.Fatalf("hot read not prepared after a flood of one-offs (%d cached)", len(c.m))
	}
	if len(c.m) != 1 {
		t.Errorf("cache holds %d statements, want only the hot one", len(c.m))
	}
	once := `SELECT v FROM t WHERE id = 7` + oneOff
	for range 3 {
		if err := c.QueryRowContext(ctx, once).Scan(new(string)); err != sql.ErrNoRows {
			t.Fatal(err)
		}
	}
	if c.prepared(once) {
		t.Error("read marked one-off was prepared")
	}
}
